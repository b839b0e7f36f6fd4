// core/limit_headers.h
//
// The limit_headers extension (spec 3.6): 3scale-limit-remaining, -reset and
// -max-value, from the "most constrained" usage report, chosen exactly as
// apisonator does it (transactor/limit_headers.rb), including the quirk of
// its comparator: a report that allows unlimited calls (-1) beats any report
// it is compared with, so the pick depends on the order of the reports
// (golden random/*). Pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/metric.h"
#include "core/params.h"
#include "core/usage_report.h"

namespace scalecheck::core {

struct LimitHeaders {
  int64_t remaining = -1;
  int64_t reset_s = -1;
  std::optional<int64_t> max_value;  // Absent when unconstrained.
};

// `shown` are the usage reports as the document prints them (their
// current_value is what it shows); `usage` the request's raw usage hash
// (actual or predicted), or nullptr when the request has none.
LimitHeaders ComputeLimitHeaders(const std::vector<UsageReport>& shown,
                                 const ParamHash* usage,
                                 const MetricSet& metrics, UtcTime now);

}  // namespace scalecheck::core
