#include "harness/state_checks.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <optional>

#include "core/period.h"
#include "core/usage_report.h"
#include "harness/backend_queries.h"

namespace scalecheck::harness {
namespace {

// The model's counter "metric/period" (by metric name) now.
int64_t ModelCounter(const core::Registry& registry,
                     const core::MemoryStore& store,
                     const std::string& service_id, const std::string& app_id,
                     const std::string& key, core::UtcTime now) {
  const size_t slash = key.find('/');
  const core::Service* service = registry.FindService(service_id);
  const core::UsageCounters* counters = store.FindCounters(service_id, app_id);
  if (service == nullptr || counters == nullptr || slash == std::string::npos)
    return 0;
  const core::Metric* metric =
      service->metrics.FindByName(key.substr(0, slash));
  const std::optional<core::Period> period =
      core::ParsePeriod(key.substr(slash + 1));
  if (metric == nullptr || !period) return 0;
  return counters->Get(metric->id, *period, now);
}

// The model's utilization: "metric/period" -> current value.
std::map<std::string, int64_t> ModelUtilization(const core::Registry& registry,
                                                const core::MemoryStore& store,
                                                const std::string& service_id,
                                                const std::string& app_id,
                                                core::UtcTime now) {
  std::map<std::string, int64_t> values;
  const core::Service* service = registry.FindService(service_id);
  const core::Application* app =
      service ? registry.FindApplication(service_id, app_id) : nullptr;
  if (app == nullptr) return values;
  const core::UsageCounters* counters = store.FindCounters(service_id, app_id);
  const core::UsageCounters empty;
  for (const core::UsageReport& r : core::StoredUsageReports(
           *service, *app, counters ? *counters : empty, now)) {
    values[r.metric_name + "/" + std::string(core::ToString(r.period))] =
        r.current_value;
  }
  return values;
}

std::string Join(const std::vector<std::string>& v, size_t n) {
  std::string s;
  for (size_t i = 0; i < std::min(n, v.size()); ++i) s += (i ? "," : "") + v[i];
  return s;
}

}  // namespace

CheckOutcome RunCheck(const Scenario& scenario, const Step& step,
                      Target& target, const core::Registry& registry,
                      const core::MemoryStore& store, core::UtcTime now) {
  assert(step.kind == Step::Kind::kCheck);
  const CheckStep& check = step.check;
  const std::string service_id =
      check.service.empty() ? scenario.defaults.service : check.service;
  const std::string app_id =
      check.app.empty() ? scenario.defaults.app : check.app;
  const std::string where = step.where.ToString();
  CheckOutcome out;
  auto& diffs = out.differences;
  switch (check.kind) {
    case CheckKind::kCounters: {
      out.kind = "check counters";
      out.description = "check counters app=" + app_id;
      if (!target.has_control_api()) {
        out.skipped = true;
        out.skip_reason =
            "counters need the control API's state export; use a utilization "
            "check";
        return out;
      }
      auto actual = ReadCounters(target, service_id, app_id, now);
      if (!actual.ok()) {
        out.error = actual.status();
        return out;
      }
      for (const auto& [key, value] : check.values) {
        auto it = actual.value().find(key);
        const int64_t got = it == actual.value().end() ? 0 : it->second;
        if (got != value)
          diffs.push_back(
              {key, std::to_string(value), std::to_string(got), where});
        const int64_t modeled =
            ModelCounter(registry, store, service_id, app_id, key, now);
        if (modeled != value) {
          diffs.push_back({"model vs expect: " + key, std::to_string(value),
                           std::to_string(modeled), where});
        }
      }
      break;
    }
    case CheckKind::kUtilization: {
      out.kind = "check utilization";
      out.description = out.kind + " app=" + app_id;
      auto actual = ReadUtilization(target, service_id, app_id);
      if (!actual.ok()) {
        out.error = actual.status();
        return out;
      }
      const auto model =
          ModelUtilization(registry, store, service_id, app_id, now);
      for (const auto& [key, value] : check.values) {
        auto it = actual.value().find(key);
        const std::string got = it == actual.value().end()
                                    ? "(no such limit)"
                                    : std::to_string(it->second.current_value);
        if (got != std::to_string(value))
          diffs.push_back({key, std::to_string(value), got, where});
        auto m = model.find(key);
        const std::string modeled =
            m == model.end() ? "(no such limit)" : std::to_string(m->second);
        if (modeled != std::to_string(value)) {
          diffs.push_back({"model vs expect: " + key, std::to_string(value),
                           modeled, where});
        }
      }
      for (const auto& [key, value] : model) {
        auto it = actual.value().find(key);
        const std::string got = it == actual.value().end()
                                    ? "(absent)"
                                    : std::to_string(it->second.current_value);
        if (got != std::to_string(value))
          diffs.push_back({key, std::to_string(value), got, "model"});
      }
      break;
    }
    case CheckKind::kErrorLog: {
      out.kind = "check error_log";
      out.description = "check error_log service=" + service_id;
      auto actual = ReadErrorLog(target, service_id);
      if (!actual.ok()) {
        out.error = actual.status();
        return out;
      }
      std::vector<std::string> model_codes;
      if (const core::ErrorLog* log = store.FindErrorLog(service_id)) {
        for (const core::ErrorLogEntry& e :
             log->Page(1, core::ErrorLog::kMaxEntries)) {
          model_codes.push_back(e.code);
        }
      }
      if (Join(model_codes, 1000) != Join(actual.value().codes, 1000)) {
        diffs.push_back({"error log codes", Join(model_codes, 1000),
                         Join(actual.value().codes, 1000), "model"});
      }
      const size_t n = check.error_codes.size();
      if (n > 0 &&
          Join(check.error_codes, n) != Join(actual.value().codes, n)) {
        diffs.push_back({"error log codes (newest first)",
                         Join(check.error_codes, n),
                         Join(actual.value().codes, n), where});
      }
      if (check.error_count && *check.error_count != actual.value().count) {
        diffs.push_back({"error log count", std::to_string(*check.error_count),
                         std::to_string(actual.value().count), where});
      }
      break;
    }
    case CheckKind::kJournal: {
      out.kind = "check journal";
      out.description = "check journal endpoint=" + check.endpoint;
      if (!target.has_control_api()) {
        out.skipped = true;
        out.skip_reason = "the target has no journal (control API)";
        return out;
      }
      auto count = CountJournal(target, check.endpoint, check.app);
      if (!count.ok()) {
        out.error = count.status();
        return out;
      }
      if (check.journal_count && *check.journal_count != count.value()) {
        diffs.push_back({"journal entries",
                         std::to_string(*check.journal_count),
                         std::to_string(count.value()), where});
      }
      break;
    }
  }
  return out;
}

}  // namespace scalecheck::harness
