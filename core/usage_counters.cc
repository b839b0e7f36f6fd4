#include "core/usage_counters.h"

#include <algorithm>
#include <limits>

namespace scalecheck::core {
namespace {

int64_t StartSeconds(Period period, UtcTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(
             PeriodStart(period, t).time_since_epoch())
      .count();
}

// apisonator's minute counters expire 180 s after their last write; keeping
// them 180 s past the minute's end is the same for every observable read.
constexpr int64_t kMinuteKeptS = 60 + 180;

}  // namespace

int64_t UsageCounters::Get(std::string_view metric_id, Period period,
                           UtcTime t) const {
  const int64_t start = StartSeconds(period, t);
  for (const Entry& e : entries_) {
    if (e.period == period && e.start_s == start && e.metric_id == metric_id) {
      return e.value;
    }
  }
  return 0;
}

UsageCounters::Entry& UsageCounters::Slot(std::string_view metric_id,
                                          Period period, UtcTime t) {
  const int64_t start = StartSeconds(period, t);
  for (Entry& e : entries_) {
    if (e.period == period && e.start_s == start && e.metric_id == metric_id) {
      return e;
    }
  }
  entries_.push_back(Entry{std::string(metric_id), period, start, 0});
  return entries_.back();
}

void UsageCounters::ForgetExpired(UtcTime t) {
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch())
          .count();
  std::erase_if(entries_, [now_s](const Entry& e) {
    return e.period == Period::kMinute && e.start_s + kMinuteKeptS < now_s;
  });
}

void UsageCounters::Increment(std::string_view metric_id, int64_t delta,
                              UtcTime t) {
  ForgetExpired(t);
  for (Period period : kAllPeriods) {
    int64_t& value = Slot(metric_id, period, t).value;
    if (delta > 0 && value > std::numeric_limits<int64_t>::max() - delta) {
      value = std::numeric_limits<int64_t>::max();
    } else {
      value += delta;
    }
  }
}

void UsageCounters::Set(std::string_view metric_id, int64_t value, UtcTime t) {
  ForgetExpired(t);
  for (Period period : kAllPeriods) Slot(metric_id, period, t).value = value;
}

}  // namespace scalecheck::core
