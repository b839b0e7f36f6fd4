#include "core/limit_headers.h"

#include <algorithm>
#include <set>

#include "core/usage.h"

namespace scalecheck::core {
namespace {

// Usage.get_from over a raw value: a set replaces, anything else adds its
// to_i (nil and non-strings add 0).
int64_t GetFrom(const ParamValue* value, int64_t current) {
  if (value == nullptr || !value->is_string()) return current;
  return ParseUsageValue(value->string()).ApplyTo(current);
}

// UsageReport#compute_usage: the metric's own usage, then each
// descendant's, folded with get_from.
int64_t ComputeUsage(const ParamHash& usage, const MetricSet& metrics,
                     const std::string& metric_name) {
  const Metric* metric = metrics.FindByName(metric_name);
  int64_t total = GetFrom(usage.Find(metric_name), 0);
  if (metric == nullptr) return total;
  for (const Metric* d : DescendantsOf(metrics, metric->id)) {
    total = GetFrom(usage.Find(d->name), total);
  }
  return total;
}

// UsageReport#remaining_same_calls.
int64_t RemainingSameCalls(const UsageReport& r, const ParamHash* usage,
                           const MetricSet& metrics) {
  const int64_t remaining = std::max<int64_t>(r.max_value - r.current_value, 0);
  if (remaining <= 0) return 0;
  const int64_t u =
      usage == nullptr ? 0 : ComputeUsage(*usage, metrics, r.metric_name);
  return u > 0 ? remaining / u : -1;
}

// Period granularity: a longer period is larger.
int Granularity(Period p) { return -static_cast<int>(p); }

}  // namespace

LimitHeaders ComputeLimitHeaders(const std::vector<UsageReport>& shown,
                                 const ParamHash* usage,
                                 const MetricSet& metrics, UtcTime now) {
  // Status#reports_to_calculate_limit_headers: all reports without usage,
  // else those of the metrics in it and their ancestors (by name).
  std::vector<const UsageReport*> candidates;
  if (usage == nullptr || usage->empty()) {
    for (const UsageReport& r : shown) candidates.push_back(&r);
  } else {
    std::set<std::string, std::less<>> names;
    for (const auto& [name, value] : usage->entries()) {
      names.insert(name);
      if (const Metric* m = metrics.FindByName(name)) {
        for (const std::string& id : metrics.AncestorIds(m->id)) {
          names.insert(metrics.FindById(id)->name);
        }
      }
    }
    for (const UsageReport& r : shown) {
      if (names.count(r.metric_name) > 0) candidates.push_back(&r);
    }
  }
  // Array#min with LimitHeaders.compare(one = element, other = current).
  const UsageReport* best = nullptr;
  int64_t best_remaining = 0;
  for (const UsageReport* r : candidates) {
    const int64_t remaining = RemainingSameCalls(*r, usage, metrics);
    bool wins = best == nullptr;
    if (!wins) {
      if (remaining == best_remaining) {
        wins = Granularity(best->period) < Granularity(r->period);
      } else {
        wins = best_remaining == -1 || remaining < best_remaining;
      }
    }
    if (wins) {
      best = r;
      best_remaining = remaining;
    }
  }
  LimitHeaders headers;
  if (best == nullptr || best_remaining == -1) return headers;
  headers.remaining = best_remaining;
  headers.max_value = best->max_value;
  if (best->period != Period::kEternity) {
    const auto ms = (best->period_end - now).count();
    headers.reset_s = ms <= 0 ? ms / 1000 : (ms + 999) / 1000;
  }
  return headers;
}

}  // namespace scalecheck::core
