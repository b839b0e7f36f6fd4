// core/usage_counters.h
//
// The usage counted for one application (spec 5.3): per metric and period
// instance, for all seven granularities. Increments and `#N` sets (a set
// replaces the value of every granularity's instance). Minute instances are
// forgotten 180 s after their end, as apisonator's keys expire; longer ones
// are kept. Not thread-safe: the mock backend keeps one per application
// behind a shard lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/period.h"

namespace scalecheck::core {

class UsageCounters {
 public:
  // Usage of `metric_id` in the `period` instance that contains `t`.
  int64_t Get(std::string_view metric_id, Period period, UtcTime t) const;

  // Adds `delta` to every granularity's instance containing `t`.
  // Saturates at INT64_MAX (apisonator's integers are unbounded).
  void Increment(std::string_view metric_id, int64_t delta, UtcTime t);
  // Sets every granularity's instance containing `t` to `value`.
  void Set(std::string_view metric_id, int64_t value, UtcTime t);

  bool empty() const { return entries_.empty(); }
  // Instances held (for memory figures and tests).
  size_t size() const { return entries_.size(); }

  struct Entry {
    std::string metric_id;
    Period period = Period::kMinute;
    int64_t start_s = 0;  // Unix seconds of the instance's start.
    int64_t value = 0;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  Entry& Slot(std::string_view metric_id, Period period, UtcTime t);
  void ForgetExpired(UtcTime t);

  // A handful of entries per metric: a flat vector beats a map here.
  std::vector<Entry> entries_;
};

}  // namespace scalecheck::core
