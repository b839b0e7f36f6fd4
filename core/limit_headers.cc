#include "core/limit_headers.h"

#include <algorithm>
#include <limits>
#include <set>

namespace scalecheck::core {

LimitHeaders ComputeLimitHeaders(const std::vector<UsageReport>& shown,
                                 const Usage& usage, const MetricSet& metrics,
                                 UtcTime now) {
  // Candidates: the metrics in the usage and their ancestors, or all.
  std::set<std::string, std::less<>> candidates;
  for (const UsageEntry& e : usage) {
    candidates.insert(e.metric_id);
    for (std::string& a : metrics.AncestorIds(e.metric_id)) {
      candidates.insert(std::move(a));
    }
  }
  const UsageReport* best = nullptr;
  int64_t best_remaining = -1;
  for (const UsageReport& r : shown) {
    if (!usage.empty() && candidates.count(r.metric_id) == 0) continue;
    const int64_t left = std::max<int64_t>(r.max_value - r.current_value, 0);
    const int64_t u = UsageWithDescendants(usage, metrics, r.metric_id);
    const int64_t remaining = left == 0 ? 0 : (u > 0 ? left / u : -1);
    // -1 (unlimited) ranks last; a tie goes to the longer period, which
    // comes first in print order within a metric.
    auto rank = [](int64_t v) {
      return v < 0 ? std::numeric_limits<int64_t>::max() : v;
    };
    if (best == nullptr || rank(remaining) < rank(best_remaining) ||
        (rank(remaining) == rank(best_remaining) &&
         static_cast<int>(r.period) < static_cast<int>(best->period))) {
      best = &r;
      best_remaining = remaining;
    }
  }
  LimitHeaders headers;
  if (best == nullptr || best_remaining < 0) return headers;
  headers.remaining = best_remaining;
  headers.max_value = best->max_value;
  if (best->period != Period::kEternity) {
    const auto ms = (best->period_end - now).count();
    headers.reset_s = (ms + 999) / 1000;
  }
  return headers;
}

}  // namespace scalecheck::core
