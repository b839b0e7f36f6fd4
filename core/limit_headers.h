// core/limit_headers.h
//
// The limit_headers extension (spec 3.6): 3scale-limit-remaining, -reset and
// -max-value, from the most constrained usage report. Pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/metric.h"
#include "core/usage.h"
#include "core/usage_report.h"

namespace scalecheck::core {

struct LimitHeaders {
  int64_t remaining = -1;
  int64_t reset_s = -1;
  std::optional<int64_t> max_value;  // Absent when unconstrained.
};

// `shown` are the usage reports as the document prints them; `usage` the
// request's parsed usage (empty when none), before propagation.
LimitHeaders ComputeLimitHeaders(const std::vector<UsageReport>& shown,
                                 const Usage& usage, const MetricSet& metrics,
                                 UtcTime now);

}  // namespace scalecheck::core
