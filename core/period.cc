#include "core/period.h"

#include <cstdio>

namespace scalecheck::core {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::array<std::string_view, 7> kNames = {
    "eternity", "year", "month", "week", "day", "hour", "minute"};

UtcTime FromDays(sys_days d) { return UtcTime(d.time_since_epoch()); }

// The far end of eternity, as apisonator's Period::Eternity gives it.
const UtcTime kEndOfTime =
    FromDays(sys_days(std::chrono::year(9999) / 12 / 31)) + hours(23) +
    minutes(59) + seconds(59);

}  // namespace

std::string_view ToString(Period period) {
  return kNames[static_cast<size_t>(period)];
}

std::optional<Period> ParsePeriod(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Period>(i);
  }
  return std::nullopt;
}

UtcTime PeriodStart(Period period, UtcTime t) {
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  switch (period) {
    case Period::kMinute:
      return floor<minutes>(t);
    case Period::kHour:
      return floor<hours>(t);
    case Period::kDay:
      return FromDays(day);
    case Period::kWeek: {
      // ISO weeks: Monday is weekday 1, Sunday belongs to the week before.
      const std::chrono::weekday wd(day);
      const int since_monday = static_cast<int>((wd.c_encoding() + 6) % 7);
      return FromDays(day - days(since_monday));
    }
    case Period::kMonth:
      return FromDays(sys_days(ymd.year() / ymd.month() / 1));
    case Period::kYear:
      return FromDays(sys_days(ymd.year() / std::chrono::January / 1));
    case Period::kEternity:
      return UtcTime{};
  }
  return UtcTime{};
}

UtcTime PeriodEnd(Period period, UtcTime t) {
  const UtcTime start = PeriodStart(period, t);
  const year_month_day ymd(floor<days>(start));
  switch (period) {
    case Period::kMinute:
      return start + minutes(1);
    case Period::kHour:
      return start + hours(1);
    case Period::kDay:
      return start + days(1);
    case Period::kWeek:
      return start + days(7);
    case Period::kMonth:
      return FromDays(
          sys_days(ymd.year() / ymd.month() / 1 + std::chrono::months(1)));
    case Period::kYear:
      return FromDays(sys_days((ymd.year() + std::chrono::years(1)) /
                               std::chrono::January / 1));
    case Period::kEternity:
      return kEndOfTime;
  }
  return start;
}

namespace {

struct Fields {
  int year, month, day, hour, minute, second, millis;
};

Fields Split(UtcTime t) {
  const sys_days day = floor<days>(t);
  const year_month_day ymd(day);
  const auto in_day = t - FromDays(day);
  const auto total_ms = in_day.count();
  return Fields{static_cast<int>(ymd.year()),
                static_cast<int>(static_cast<unsigned>(ymd.month())),
                static_cast<int>(static_cast<unsigned>(ymd.day())),
                static_cast<int>(total_ms / 3600000),
                static_cast<int>(total_ms / 60000 % 60),
                static_cast<int>(total_ms / 1000 % 60),
                static_cast<int>(total_ms % 1000)};
}

}  // namespace

std::string FormatTimestamp(UtcTime t) {
  const Fields f = Split(t);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d +0000",
                f.year, f.month, f.day, f.hour, f.minute, f.second);
  return buffer;
}

std::string FormatUtcTimestamp(UtcTime t) {
  const Fields f = Split(t);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d UTC",
                f.year, f.month, f.day, f.hour, f.minute, f.second);
  return buffer;
}

std::string FormatIso8601(UtcTime t) {
  const Fields f = Split(t);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                f.year, f.month, f.day, f.hour, f.minute, f.second, f.millis);
  return buffer;
}

namespace {

// The value of exactly `count` ASCII digits at `pos`, or -1. (sscanf's %d
// would also take spaces, signs and fewer digits.)
int FixedDigits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<UtcTime> ParseIso8601(std::string_view text) {
  // "YYYY-MM-DD?hh:mm:ss", every field of fixed width.
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const char sep = text[10];
  const int y = FixedDigits(text, 0, 4), mo = FixedDigits(text, 5, 2),
            d = FixedDigits(text, 8, 2), h = FixedDigits(text, 11, 2),
            mi = FixedDigits(text, 14, 2), s = FixedDigits(text, 17, 2);
  if ((sep != 'T' && sep != ' ') || y < 0 || mo < 0 || d < 0 || h < 0 ||
      mi < 0 || s < 0) {
    return std::nullopt;
  }
  int ms = 0;
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
      if (digits < 3) ms = ms * 10 + (rest[0] - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) ms *= 10;
  }
  if (rest == "Z" || rest == "+00:00" || (rest.empty() && sep == ' ')) {
    const year_month_day ymd{std::chrono::year(y),
                             std::chrono::month(static_cast<unsigned>(mo)),
                             std::chrono::day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    return FromDays(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) +
           std::chrono::milliseconds(ms);
  }
  return std::nullopt;
}

}  // namespace scalecheck::core
