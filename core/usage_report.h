// core/usage_report.h
//
// The <usage_report> entries of a <status> document and the internal API's
// utilization (spec 3.1, 5.5, 5.12): one per usage limit of the
// application's plan whose metric exists, in print order, with the values
// stored for the period instances containing `now`. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/period.h"
#include "core/registry.h"
#include "core/usage_counters.h"

namespace scalecheck::core {

struct UsageReport {
  std::string metric_id;
  std::string metric_name;
  Period period = Period::kMinute;
  UtcTime period_start{};
  UtcTime period_end{};
  int64_t max_value = 0;
  int64_t current_value = 0;  // What the document shows.
  bool exceeded = false;      // Stored value (before the request) > max.
};

// The reports with stored values: what authorize, a denied authrep and the
// utilization endpoint show.
std::vector<UsageReport> StoredUsageReports(const Service& service,
                                            const Application& application,
                                            const UsageCounters& counters,
                                            UtcTime now);

}  // namespace scalecheck::core
