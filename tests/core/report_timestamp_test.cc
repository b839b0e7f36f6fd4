// tests/core/report_timestamp_test.cc
//
// Report timestamps as apisonator 3.4.3 reads them. Two kinds of expectation:
// - the golden rows come from the recordings in shared/golden (which period
//   counters each report raised, or the error it logged);
// - the behaviour rows are Ruby 3.1.2 + date 3.2.2 (the recording's runtime)
//   answering Time.parse_to_utc for each text, checked on that runtime.
#include "core/report_timestamp.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/period.h"

namespace scalecheck::core {
namespace {

using namespace std::string_view_literals;
using std::chrono::milliseconds;

// Calendar time in UTC.
UtcTime Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0,
            int ms = 0) {
  const std::chrono::sys_days day =
      std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d};
  return UtcTime(day) + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s} + milliseconds{ms};
}

UtcTime Epoch(int64_t seconds) { return UtcTime(milliseconds(seconds * 1000)); }

// "<ms since the epoch> ms" or "nullopt": readable failures.
std::string Ms(std::optional<UtcTime> t) {
  return t ? std::to_string(t->time_since_epoch().count()) + " ms" : "nullopt";
}

std::string_view Name(TimestampWindow w) {
  switch (w) {
    case TimestampWindow::kInside:
      return "inside";
    case TimestampWindow::kTooOld:
      return "too old";
    case TimestampWindow::kTooNew:
      return "too new";
  }
  return "?";
}

struct ParseCase {
  std::string_view text;
  std::optional<UtcTime> want;  // nullopt: counted at processing time.
};

void ExpectParses(const ParseCase& c) {
  const std::optional<UtcTime> got = ParseReportTimestamp(c.text);
  EXPECT_EQ(Ms(got), Ms(c.want)) << "case '" << c.text << "'";
}

TEST(ParseReportTimestampTest, ReadsWhatRubyIntegerAcceptsAsUnixSeconds) {
  const ParseCase cases[] = {
      {"1271980765", Utc(2010, 4, 22, 23, 59, 25)},
      {" 123 ", Epoch(123)},
      {"\t123\n", Epoch(123)},
      {"1_000", Epoch(1000)},
      {"010", Epoch(8)},  // A leading 0 is octal.
      {"0x1f", Epoch(31)},
      {"0X1F", Epoch(31)},
      {"0b101", Epoch(5)},
      {"0o17", Epoch(15)},
      {"0d19", Epoch(19)},
      {"-5", Epoch(-5)},
      {"+5", Epoch(5)},
      {"00", Epoch(0)},
      {"0_7", Epoch(7)},
      {"1_0 ", Epoch(10)},
      // Integer() wins over Date._parse: this is not 2010-04-22.
      {"20100422", Epoch(20100422)},
      // After an underscore Ruby's bignum scanner stops at a NUL byte.
      {"1_0\0junk"sv, Epoch(10)},
  };
  for (const ParseCase& c : cases) ExpectParses(c);
}

TEST(ParseReportTimestampTest, GivesNothingForTextNeitherParserAccepts) {
  const ParseCase cases[] = {
      {"", std::nullopt},
      {"garbage", std::nullopt},
      {"2012garbage2012", std::nullopt},  // Spec 5.8's example.
      {"1__0", std::nullopt},
      {"_1", std::nullopt},
      {"1_", std::nullopt},
      {"0x", std::nullopt},
      {"08", std::nullopt},  // Not octal, and no date either.
      {"- 5", std::nullopt},
      {"10\0"sv, std::nullopt},
      {"12:00", std::nullopt},       // A time without a date.
      {"Nov 2026", std::nullopt},    // No day of the month.
      {"2012-13-01", std::nullopt},  // Time.utc: mon out of range.
      {"2010-04-22 25:00", std::nullopt},
      {"\xff"
       "2010-04-22",
       std::nullopt},  // Invalid UTF-8.
      // "99999999999 pm": NUM2INT raises inside Date._parse.
      {"99999999999 pm 2010-04-22", std::nullopt},
  };
  for (const ParseCase& c : cases) ExpectParses(c);
}

TEST(ParseReportTimestampTest, ReadsCalendarFormatsAndConvertsZonesToUtc) {
  const UtcTime t = Utc(2010, 4, 22, 23, 59, 30);
  const ParseCase cases[] = {
      {"2010-04-22 23:59:30", t},
      {"2010-04-22T23:59:30Z", t},
      {"2010-04-22 23:59:30 UTC", t},
      {"2010-04-22 23:59:30 GMT", t},
      {"2010-04-22 23:59:30 Z", t},
      {"2010-04-22T23:59:30+05:30", Utc(2010, 4, 22, 18, 29, 30)},
      {"2010-04-22 23:59:30 -02:00", Utc(2010, 4, 23, 1, 59, 30)},
      {"2010-04-22 23:59:30 +0200", Utc(2010, 4, 22, 21, 59, 30)},
      {"2010-04-22 23:59:30 PST", Utc(2010, 4, 23, 7, 59, 30)},
      {"2010-04-22 23:59:30 pdt", Utc(2010, 4, 23, 6, 59, 30)},
      {"2010-04-22 23:59:30 CET", Utc(2010, 4, 22, 22, 59, 30)},
      {"2010-04-22 23:59:30 CEST", Utc(2010, 4, 22, 21, 59, 30)},
      {"2010-04-22 23:59:30 EST", Utc(2010, 4, 23, 4, 59, 30)},
      {"2010-04-22 23:59:30 Eastern Standard Time",
       Utc(2010, 4, 23, 4, 59, 30)},
      {"2010-04-22 23:59:30 GMT+9", Utc(2010, 4, 22, 14, 59, 30)},
      {"2010-04-22 23:59:30 +5.5", Utc(2010, 4, 22, 18, 29, 30)},  // Hours.
      {"20100422T235930 [-5:EST]", Utc(2010, 4, 23, 4, 59, 30)},
      {"20100422T235930 [+9]", Utc(2010, 4, 22, 14, 59, 30)},
      {"Thu, 22 Apr 2010 23:59:30 +0000", t},  // RFC 2822.
      {"Thu Apr 22 23:59:30 UTC 2010", t},
      {"Thursday, April 22, 2010 11:59:30 PM", t},
      {"20100422T235930", t},
      {"Apr 22 2010", Utc(2010, 4, 22)},
      {"22 Apr 2010", Utc(2010, 4, 22)},
      {"22nd April 2010", Utc(2010, 4, 22)},
      {"2010/04/22", Utc(2010, 4, 22)},
      {"10/04/22", Utc(2010, 4, 22)},
      {"22.04.2010", Utc(2010, 4, 22)},
      {"H22.04.22", Utc(2010, 4, 22)},  // Japanese era: Heisei 22.
      {"'10-04-22", Utc(2010, 4, 22)},
      {"69-01-01", Utc(1969, 1, 1)},  // Two-digit years: 69..99 are 19xx,
      {"68-01-01", Utc(2068, 1, 1)},  // 00..68 are 20xx.
      {"Jan 1 10 BC", Utc(-9, 1, 1)},
  };
  for (const ParseCase& c : cases) ExpectParses(c);
}

TEST(ParseReportTimestampTest, CopiesTimeUtcNormalisation) {
  const ParseCase cases[] = {
      {"2010-04-22 24:00:00", Utc(2010, 4, 23)},
      {"2010-04-22 23:59:60", Utc(2010, 4, 23)},
      {"2012-02-30", Utc(2012, 3, 1)},
      {"2010-04-22 24:00:01", std::nullopt},
  };
  for (const ParseCase& c : cases) ExpectParses(c);
}

TEST(ParseReportTimestampTest, CopiesDateParseQuirks) {
  const ParseCase cases[] = {
      // A word after a time is taken as its zone: the month goes with it.
      {"10:00 Nov 22 2026", std::nullopt},
      // Unknown zones, and "UT+9" (only "gmt"/"utc" prefixes are stripped),
      // leave the time as UTC.
      {"2010-04-22 23:59:30 foo", Utc(2010, 4, 22, 23, 59, 30)},
      {"2010-04-22 23:59:30 UT+9", Utc(2010, 4, 22, 23, 59, 30)},
      {"2010-04-22 23:59:30 j", Utc(2010, 4, 22, 23, 59, 30)},
      {"20100422T235930 [5.5:foo]", Utc(2010, 4, 22, 23, 59, 30)},
      // Java's "+0000" with the '+' decoded to a space: not a zone.
      {"2010-04-22 23:59:30  0000", Utc(2010, 4, 22, 23, 59, 30)},
      // Still percent-encoded: '%' separates, "3A14" is no time.
      {"2026-11-22+02%3A14%3A32+%2B00%3A00", Utc(2026, 11, 22)},
  };
  for (const ParseCase& c : cases) ExpectParses(c);
}

TEST(ParseReportTimestampTest, DropsFractionalSecondsAsTimeUtcMicrosecondsDo) {
  // parse_to_utc passes :sec_fraction as Time.utc's 7th argument, which is
  // microseconds: ".999" adds 0.999 µs. Fractional zone offsets are exact.
  const ParseCase cases[] = {
      {"2010-04-22 23:59:30.999", Utc(2010, 4, 22, 23, 59, 30)},
      {"2010-04-22 10:00 +0.0001", Utc(2010, 4, 22, 9, 59, 59, 640)},
      {"2010-04-22 23:59:30 +0.0000000001", Utc(2010, 4, 22, 23, 59, 29, 999)},
      // 0.5 µs of fraction outweighs the 0.36 µs offset; 0.3 µs does not.
      {"2010-04-22 23:59:30.5 +0.0000000001", Utc(2010, 4, 22, 23, 59, 30)},
      {"2010-04-22 23:59:30.3 +0.0000000001",
       Utc(2010, 4, 22, 23, 59, 29, 999)},
  };
  for (const ParseCase& c : cases) ExpectParses(c);
}

TEST(ParseReportTimestampTest, GivesUpOnDatesLongerThan128Bytes) {
  // Date._parse(limit: 128) raises past 128 bytes; Integer() has no limit.
  const std::string fits = "2010-04-22" + std::string(118, ' ');
  const std::string too_long = fits + " ";
  EXPECT_EQ(Ms(ParseReportTimestamp(fits)), Ms(Utc(2010, 4, 22)));
  EXPECT_EQ(Ms(ParseReportTimestamp(too_long)), Ms(std::nullopt));
  EXPECT_EQ(Ms(ParseReportTimestamp(std::string(200, '0') + "7")),
            Ms(Epoch(7)));
}

TEST(ParseReportTimestampTest, ClampsInstantsOutsideTheCalendarRange) {
  const struct {
    std::string_view text;
    TimestampWindow want;
  } cases[] = {
      {"99999999999999999999", TimestampWindow::kTooNew},
      {"-99999999999999999999", TimestampWindow::kTooOld},
      {"99999999999999-01-01", TimestampWindow::kTooNew},
  };
  const UtcTime now = Utc(2026, 11, 22, 2, 16, 44);
  for (const auto& c : cases) {
    const std::optional<UtcTime> got = ParseReportTimestamp(c.text);
    ASSERT_TRUE(got.has_value()) << "case '" << c.text << "'";
    EXPECT_EQ(Name(CheckTimestampWindow(*got, now)), Name(c.want))
        << "case '" << c.text << "'";
    // Still a valid calendar date for PeriodStart() and friends.
    EXPECT_TRUE(
        std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(*got))
            .ok())
        << "case '" << c.text << "'";
  }
}

// One timestamp of a golden recording: the text after form decoding, the
// step's `at`, and what the later steps of the case show.
struct GoldenCase {
  std::string_view where;  // "<case>#<step>".
  UtcTime at;
  std::string_view text;
  std::optional<UtcTime> want = std::nullopt;  // Counted at processing time.
  TimestampWindow window = TimestampWindow::kInside;
  // The recording counted the report in at's instance of `same` but not in
  // at's instance of `differs` (nullopt: the recording does not say).
  std::optional<Period> same = std::nullopt;
  std::optional<Period> differs = std::nullopt;
};

void ExpectGolden(const GoldenCase& c) {
  const std::optional<UtcTime> got = ParseReportTimestamp(c.text);
  ASSERT_EQ(Ms(got), Ms(c.want)) << c.where << " '" << c.text << "'";
  if (!got) return;
  EXPECT_EQ(Name(CheckTimestampWindow(*got, c.at)), Name(c.window)) << c.where;
  if (c.same) {
    EXPECT_EQ(PeriodStart(*c.same, *got), PeriodStart(*c.same, c.at))
        << c.where << " not in the same " << ToString(*c.same);
  }
  if (c.differs) {
    EXPECT_NE(PeriodStart(*c.differs, *got), PeriodStart(*c.differs, c.at))
        << c.where << " in the same " << ToString(*c.differs);
  }
}

constexpr auto kDay = Period::kDay;
constexpr auto kHour = Period::kHour;
constexpr auto kMinute = Period::kMinute;
constexpr auto kInside = TimestampWindow::kInside;
constexpr auto kTooOld = TimestampWindow::kTooOld;
constexpr auto kTooNew = TimestampWindow::kTooNew;

TEST(ParseReportTimestampTest, GoldenFormatsLandWhereApisonatorCountedThem) {
  // report/timestamp_formats: one metric per format with eternity, day, hour
  // and minute limits; the utilization at step 19 shows every dated report
  // in today's day but not in the current hour (02:xx), and the garbage and
  // empty ones in the current minute.
  const UtcTime t1644 = Utc(2026, 11, 22, 0, 16, 44);
  const UtcTime t1645 = Utc(2026, 11, 22, 0, 16, 45);
  const UtcTime midnight = Utc(2026, 11, 22);
  const GoldenCase cases[] = {
      {"report/timestamp_formats#0", Utc(2026, 11, 22, 2, 16, 44, 552),
       "2026-11-22 00:16:44", t1644, kInside, kDay, kHour},
      {"report/timestamp_formats#1", Utc(2026, 11, 22, 2, 16, 44, 607),
       "2026-11-22 00:16:44 UTC", t1644, kInside, kDay, kHour},
      {"report/timestamp_formats#2", Utc(2026, 11, 22, 2, 16, 44, 664),
       "2026-11-22 00:16:44 +0000", t1644, kInside, kDay, kHour},
      {"report/timestamp_formats#3", Utc(2026, 11, 22, 2, 16, 45, 60),
       "2026-11-22 00:16:45 +00:00", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#4", Utc(2026, 11, 22, 2, 16, 45, 116),
       "2026-11-22 00:16:45  0000", t1645, kInside, kDay, kHour},
      // Had the offsets been ignored, #5 would be in the current hour and
      // #6, #7 in yesterday.
      {"report/timestamp_formats#5", Utc(2026, 11, 22, 2, 16, 45, 172),
       "2026-11-22 02:16:45 +0200", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#6", Utc(2026, 11, 22, 2, 16, 45, 230),
       "2026-11-21 22:16:45 -02:00", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#7", Utc(2026, 11, 22, 2, 16, 45, 287),
       "2026-11-21 16:16:45 PST", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#8", Utc(2026, 11, 22, 2, 16, 45, 344),
       "2026-11-22T00:16:45Z", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#9", Utc(2026, 11, 22, 2, 16, 45, 401),
       "2026-11-22T05:46:45+05:30", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#10", Utc(2026, 11, 22, 2, 16, 45, 458),
       "Sun, 22 Nov 2026 00:16:45 +0000", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#11", Utc(2026, 11, 22, 2, 16, 45, 514),
       "1795306605", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#12", Utc(2026, 11, 22, 2, 16, 45, 571),
       " 1795306605 ", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#13", Utc(2026, 11, 22, 2, 16, 45, 628),
       "2026-11-22 00:16:45.75", t1645, kInside, kDay, kHour},
      {"report/timestamp_formats#15", Utc(2026, 11, 22, 2, 16, 46, 60),
       "2026-11-22", midnight, kInside, kDay, kHour},
      {"report/timestamp_formats#16", Utc(2026, 11, 22, 2, 16, 46, 119),
       "2026/11/22", midnight, kInside, kDay, kHour},
      {"report/timestamp_formats#17", Utc(2026, 11, 22, 2, 16, 46, 176),
       "2012garbage2012", std::nullopt},
      {"report/timestamp_formats#18", Utc(2026, 11, 22, 2, 16, 46, 233), "",
       std::nullopt},
  };
  for (const GoldenCase& c : cases) ExpectGolden(c);
}

TEST(ParseReportTimestampTest, GoldenIntegersAndWindowEdgesComeOutAsRecorded) {
  const GoldenCase cases[] = {
      // report/timestamp_odd_integers: five transaction_timestamp_too_old
      // errors, nothing counted.
      {"report/timestamp_odd_integers#0", Utc(2026, 11, 22, 2, 17, 1, 115), "0",
       Epoch(0), kTooOld},
      {"report/timestamp_odd_integers#1", Utc(2026, 11, 22, 2, 17, 1, 178),
       "010", Epoch(8), kTooOld},
      {"report/timestamp_odd_integers#2", Utc(2026, 11, 22, 2, 17, 1, 245),
       "0x10", Epoch(16), kTooOld},
      {"report/timestamp_odd_integers#3", Utc(2026, 11, 22, 2, 17, 1, 308),
       "1_000", Epoch(1000), kTooOld},
      {"report/timestamp_odd_integers#4", Utc(2026, 11, 22, 2, 17, 1, 370),
       "-5", Epoch(-5), kTooOld},
      // report/timestamp_past_hour: hits 5 (an hour ago), 3 (two minutes
      // ago), 1 (now) -> day 9, hour 4, minute 1.
      {"report/timestamp_past_hour#0", Utc(2026, 11, 22, 2, 17, 1, 517),
       "1795310221", Utc(2026, 11, 22, 1, 17, 1), kInside, kDay, kHour},
      {"report/timestamp_past_hour#1", Utc(2026, 11, 22, 2, 17, 1, 578),
       "1795313701", Utc(2026, 11, 22, 2, 15, 1), kInside, kHour, kMinute},
      // report/timestamp_window_edges: #0 too old and #1 too new in the error
      // log; #4 (yesterday) raised only the week, #5 (in an hour) the day.
      // #4 is accepted although now - 86400 s is 02:16:43.690 yesterday:
      // apisonator compares whole seconds (Time#to_i).
      {"report/timestamp_window_edges#0", Utc(2026, 11, 22, 2, 16, 43, 575),
       "1795227402", Utc(2026, 11, 21, 2, 16, 42), kTooOld},
      {"report/timestamp_window_edges#1", Utc(2026, 11, 22, 2, 16, 43, 632),
       "1795317404", Utc(2026, 11, 22, 3, 16, 44), kTooNew},
      {"report/timestamp_window_edges#4", Utc(2026, 11, 22, 2, 16, 43, 690),
       "1795227403", Utc(2026, 11, 21, 2, 16, 43), kInside, Period::kWeek,
       kDay},
      {"report/timestamp_window_edges#5", Utc(2026, 11, 22, 2, 16, 44, 60),
       "1795317404", Utc(2026, 11, 22, 3, 16, 44), kInside, kDay, kHour},
      // rollover/report_previous_minute_timestamp: 40 s back lands in the
      // previous minute at :25, in the current one at :45.
      {"rollover/report_previous_minute_timestamp#1",
       Utc(2026, 11, 22, 2, 20, 25, 300), "1795313985",
       Utc(2026, 11, 22, 2, 19, 45), kInside, kHour, kMinute},
      {"rollover/report_previous_minute_timestamp#3",
       Utc(2026, 11, 22, 2, 20, 45, 300), "1795314005",
       Utc(2026, 11, 22, 2, 20, 5), kInside, kMinute},
  };
  for (const GoldenCase& c : cases) ExpectGolden(c);
}

TEST(ParseReportTimestampTest, GoldenClientTimestampsLandWhereRecorded) {
  // clients/*_report: transaction 0 of app a1 carries a timestamp a minute
  // back (hits 1), transaction 1 none (hits 2, now): hour 3, minute 2.
  const GoldenCase cases[] = {
      {"clients/dotnet_report#0", Utc(2026, 11, 22, 2, 15, 34, 178),
       "2026-11-22 02:14:34  0000", Utc(2026, 11, 22, 2, 14, 34), kInside,
       kHour, kMinute},
      {"clients/go_report#0", Utc(2026, 11, 22, 2, 15, 34, 682), "1795313674",
       Utc(2026, 11, 22, 2, 14, 34), kInside, kHour, kMinute},
      {"clients/java_report#0", Utc(2026, 11, 22, 2, 15, 32, 226),
       "2026-11-22 02:14:32  0000", Utc(2026, 11, 22, 2, 14, 32), kInside,
       kHour, kMinute},
      {"clients/ruby_report#0", Utc(2026, 11, 22, 2, 15, 30, 295),
       "2026-11-22 02:14:30", Utc(2026, 11, 22, 2, 14, 30), kInside, kHour,
       kMinute},
      // clients/php_report: step 0 as above; step 1 adds one hit with the
      // doubly encoded timestamp. a1 ends at day 4, hour 3, minute 2: step 1
      // is in today's day but not in hour 02, so not 02:14:32. Date._parse
      // keeps only the date ('%' separates, "3A14" is no time): midnight.
      {"clients/php_report#0", Utc(2026, 11, 22, 2, 15, 32, 621),
       "2026-11-22 02:14:32 +00:00", Utc(2026, 11, 22, 2, 14, 32), kInside,
       kHour, kMinute},
      {"clients/php_report#1", Utc(2026, 11, 22, 2, 15, 32, 681),
       "2026-11-22+02%3A14%3A32+%2B00%3A00", Utc(2026, 11, 22), kInside, kDay,
       kHour},
      // Rejected before any parsing (403, 422): no recorded evidence.
      {"clients/node_report#0", Utc(2026, 11, 22, 2, 15, 31, 60),
       "2026-11-22 02:14:31", Utc(2026, 11, 22, 2, 14, 31)},
      {"clients/perl_report#0", Utc(2026, 11, 22, 2, 15, 33, 335),
       "2026-11-22 02:14:33 +0000", Utc(2026, 11, 22, 2, 14, 33)},
      {"clients/perl_report#0 transaction 1", Utc(2026, 11, 22, 2, 15, 33, 335),
       "", std::nullopt},
  };
  for (const GoldenCase& c : cases) ExpectGolden(c);
}

TEST(ParseReportTimestampTest, GoldenRandomSequenceEpochsAreAccepted) {
  // random/seq*: epoch timestamps 2 h, 1 h, 90 s, 30 s back and 60 s ahead;
  // no error log of those cases shows transaction_timestamp_too_old/new.
  const struct {
    std::string_view where;
    UtcTime at;
    int64_t epoch_s;
  } cases[] = {
      {"random/seq00#14", Utc(2026, 11, 22, 2, 16, 5, 618), 1795306565},
      {"random/seq06#2", Utc(2026, 11, 22, 2, 16, 17, 60), 1795313747},
      {"random/seq06#5", Utc(2026, 11, 22, 2, 16, 17, 206), 1795313837},
      {"random/seq06#11", Utc(2026, 11, 22, 2, 16, 17, 503), 1795313747},
      {"random/seq06#16", Utc(2026, 11, 22, 2, 16, 18, 60), 1795313688},
      {"random/seq06#27", Utc(2026, 11, 22, 2, 16, 18, 509), 1795306578},
      {"random/seq06#31", Utc(2026, 11, 22, 2, 16, 18, 584), 1795306578},
      {"random/seq06#33", Utc(2026, 11, 22, 2, 16, 18, 656), 1795313688},
      {"random/seq06#33", Utc(2026, 11, 22, 2, 16, 18, 656), 1795313838},
      {"random/seq08#7", Utc(2026, 11, 22, 2, 16, 21, 130), 1795306581},
      {"random/seq08#35", Utc(2026, 11, 22, 2, 16, 22, 330), 1795313842},
      {"random/seq09#9", Utc(2026, 11, 22, 2, 16, 23, 60), 1795313693},
      {"random/seq10#28", Utc(2026, 11, 22, 2, 16, 25, 635), 1795310185},
      {"random/seq11#26", Utc(2026, 11, 22, 2, 16, 27, 248), 1795306587},
      {"random/seq14#6", Utc(2026, 11, 22, 2, 16, 31, 629), 1795313701},
      {"random/seq14#10", Utc(2026, 11, 22, 2, 16, 32, 62), 1795310192},
      {"random/seq14#20", Utc(2026, 11, 22, 2, 16, 32, 292), 1795313852},
      {"random/seq15#0", Utc(2026, 11, 22, 2, 16, 32, 569), 1795306592},
      {"random/seq16#5", Utc(2026, 11, 22, 2, 16, 34, 607), 1795306594},
      {"random/seq16#27", Utc(2026, 11, 22, 2, 16, 36, 60), 1795313706},
      {"random/seq17#12", Utc(2026, 11, 22, 2, 16, 37, 60), 1795313707},
      {"random/seq18#9", Utc(2026, 11, 22, 2, 16, 38, 699), 1795313708},
      {"random/seq18#34", Utc(2026, 11, 22, 2, 16, 39, 618), 1795313769},
      {"random/seq19#17", Utc(2026, 11, 22, 2, 16, 40, 553), 1795313860},
  };
  for (const auto& c : cases) {
    const std::string text = std::to_string(c.epoch_s);
    ExpectGolden({c.where, c.at, text, Epoch(c.epoch_s)});
  }
}

TEST(CheckTimestampWindowTest, ComparesWholeSecondsInclusively) {
  // now - 86400 s <= ts <= now + 3600 s on Time#to_i of both, which floors.
  const UtcTime now = Utc(2026, 11, 22, 2, 16, 43, 690);
  const UtcTime now_s = Utc(2026, 11, 22, 2, 16, 43);
  const UtcTime before_epoch = Utc(1970, 1, 2) - milliseconds(500);
  const struct {
    std::string_view name;
    UtcTime ts;
    UtcTime now;
    TimestampWindow want;
  } cases[] = {
      {"now", now, now, kInside},
      {"a day back, whole second", now_s - std::chrono::hours(24), now,
       kInside},
      {"a day back, to the millisecond", now - std::chrono::hours(24), now,
       kInside},
      {"a day and 1 ms back", now_s - std::chrono::hours(24) - milliseconds(1),
       now, kTooOld},
      {"an hour ahead, end of that second",
       now_s + std::chrono::hours(1) + milliseconds(999), now, kInside},
      {"an hour and a second ahead",
       now_s + std::chrono::hours(1) + std::chrono::seconds(1), now, kTooNew},
      // Time#to_i floors before the epoch too: -1.5 s is second -2.
      {"-0.5 s, a day before 86399.5 s", Utc(1970, 1, 1) - milliseconds(500),
       before_epoch, kInside},
      {"-1.5 s, a day and a second before 86399.5 s",
       Utc(1970, 1, 1) - milliseconds(1500), before_epoch, kTooOld},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Name(CheckTimestampWindow(c.ts, c.now)), Name(c.want))
        << "case " << c.name;
  }
}

}  // namespace
}  // namespace scalecheck::core
