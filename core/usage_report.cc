#include "core/usage_report.h"

namespace scalecheck::core {

std::vector<UsageReport> StoredUsageReports(const Service& service,
                                            const Application& application,
                                            const UsageCounters& counters,
                                            UtcTime now) {
  std::vector<UsageReport> reports;
  for (const UsageLimit& limit : service.LimitsOf(application.plan_id)) {
    const Metric* metric = service.metrics.FindById(limit.metric_id);
    UsageReport r;
    r.metric_id = limit.metric_id;
    r.metric_name = metric->name;
    r.period = limit.period;
    r.period_start = PeriodStart(limit.period, now);
    r.period_end = PeriodEnd(limit.period, now);
    r.max_value = limit.max_value;
    r.current_value = counters.Get(limit.metric_id, limit.period, now);
    r.exceeded = r.current_value > r.max_value;
    reports.push_back(std::move(r));
  }
  return reports;
}

}  // namespace scalecheck::core
