#include "harness/load_checks.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/params.h"
#include "core/period.h"
#include "harness/backend_queries.h"

namespace scalecheck::harness {
namespace {

using Json = nlohmann::json;

// Mismatches listed in a failure message; the rest are counted.
constexpr size_t kListed = 10;

int64_t AsInt(const Json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_unsigned()) {
    return static_cast<int64_t>(value.get<uint64_t>());
  }
  return 0;
}

std::string Ms(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", ms);
  return buffer;
}

std::string Fixed(double value, int decimals) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// The applications of `workload` by id, per service.
std::unordered_map<std::string, size_t> AppsById(const Workload& workload) {
  std::unordered_map<std::string, size_t> apps;
  apps.reserve(workload.app_count());
  for (size_t a = 0; a < workload.app_count(); ++a) {
    const size_t service =
        workload.populations()[workload.PopulationOf(a)].service;
    apps.emplace(workload.services()[service].id + '\n' + workload.AppId(a), a);
  }
  return apps;
}

core::Result<BackendCounters> FromStateExport(Target& target,
                                              const Workload& workload) {
  if (core::Status s = target.Flush(); !s.ok()) return s;
  core::Result<HttpResponse> response = target.Control("GET", "/state", "");
  if (!response.ok()) return response.status();
  if (response.value().status != 200) {
    return core::Status::Unavailable("the state export answered " +
                                     std::to_string(response.value().status));
  }
  const Json state = Json::parse(response.value().body, nullptr, false);
  if (state.is_discarded() || !state.is_object()) {
    return core::Status::Unavailable("the state export is not JSON");
  }
  // Metric names by service and id.
  std::map<std::pair<std::string, std::string>, std::string> names;
  for (const Json& service : state.value("services", Json::array())) {
    if (!service.is_object() || !service["id"].is_string()) continue;
    for (const Json& m : service.value("metrics", Json::array())) {
      if (m.is_object() && m["id"].is_string() && m["name"].is_string()) {
        names[{service["id"].get<std::string>(), m["id"].get<std::string>()}] =
            m["name"].get<std::string>();
      }
    }
  }
  const auto apps = AppsById(workload);
  BackendCounters counters;
  counters.from_state_export = true;
  counters.by_app.resize(workload.app_count());
  for (const Json& c : state.value("counters", Json::array())) {
    if (!c.is_object() || c.value("period", "") != "eternity" ||
        !c["service_id"].is_string() || !c["app_id"].is_string() ||
        !c["metric_id"].is_string()) {
      continue;
    }
    const std::string service = c["service_id"].get<std::string>();
    const auto app = apps.find(service + '\n' + c["app_id"].get<std::string>());
    if (app == apps.end()) continue;
    const auto name = names.find({service, c["metric_id"].get<std::string>()});
    if (name == names.end()) continue;
    counters.by_app[app->second][name->second + "/eternity"] =
        AsInt(c["value"]);
  }
  return counters;
}

core::Result<BackendCounters> FromUtilization(Target& target,
                                              const Workload& workload) {
  BackendCounters counters;
  counters.by_app.resize(workload.app_count());
  for (size_t a = 0; a < workload.app_count(); ++a) {
    const size_t service =
        workload.populations()[workload.PopulationOf(a)].service;
    auto entries = ReadUtilization(target, workload.services()[service].id,
                                   workload.AppId(a));
    if (!entries.ok()) return entries.status();
    for (const auto& [key, entry] : entries.value()) {
      counters.by_app[a][key] = entry.current_value;
    }
  }
  return counters;
}

int64_t ValueOr0(const BackendCounters& counters, size_t app,
                 const std::string& key) {
  if (app >= counters.by_app.size()) return 0;
  const auto it = counters.by_app[app].find(key);
  return it == counters.by_app[app].end() ? 0 : it->second;
}

}  // namespace

const char* ToString(LoadCheckResult::Verdict verdict) {
  switch (verdict) {
    case LoadCheckResult::Verdict::kPass:
      return "pass";
    case LoadCheckResult::Verdict::kFail:
      return "fail";
    case LoadCheckResult::Verdict::kSkip:
      return "skip";
  }
  return "skip";
}

core::Result<BackendCounters> ReadBackendCounters(Target& target,
                                                  const Workload& workload) {
  return target.has_control_api() ? FromStateExport(target, workload)
                                  : FromUtilization(target, workload);
}

CounterSelection SelectCounters(const Workload& workload,
                                const BackendCounters& before,
                                const BackendCounters& after,
                                core::UtcTime run_first,
                                core::UtcTime run_last) {
  CounterSelection selection;
  // Longest first: the first whose instance holds the whole run wins.
  const core::Period order[] = {core::Period::kEternity, core::Period::kYear,
                                core::Period::kMonth,    core::Period::kWeek,
                                core::Period::kDay,      core::Period::kHour,
                                core::Period::kMinute};
  for (size_t p = 0; p < workload.populations().size(); ++p) {
    const Workload::Population& population = workload.populations()[p];
    const Workload::Service& service = workload.services()[population.service];
    for (size_t m = 0; m < service.metrics.size(); ++m) {
      const std::string& name = service.metrics[m];
      const std::string where = name + " of service " + service.id;
      auto note = [&selection](std::string text) {
        if (std::find(selection.unchecked.begin(), selection.unchecked.end(),
                      text) == selection.unchecked.end()) {
          selection.unchecked.push_back(std::move(text));
        }
      };
      if (service.set_by_usage[m]) {
        note(where + ": a call sets it (\"#N\"); not a sum");
        continue;
      }
      std::string period;
      if (after.from_state_export) {
        period = "eternity";
      } else {
        for (const core::Period candidate : order) {
          const bool limited =
              std::any_of(population.limits.begin(), population.limits.end(),
                          [&](const Workload::Limit& l) {
                            return l.metric == m && l.period == candidate;
                          });
          if (!limited) continue;
          if (core::PeriodStart(candidate, run_first) !=
              core::PeriodStart(candidate, run_last)) {
            continue;
          }
          period = std::string(core::ToString(candidate));
          break;
        }
        if (period.empty()) {
          note(where +
               ": no usage limit whose period instance spans the whole run");
          continue;
        }
      }
      const std::string key = name + "/" + period;
      for (size_t i = 0; i < population.count; ++i) {
        const size_t app = population.first_app + i;
        selection.readings.push_back(CounterReading{
            app, m, period,
            ValueOr0(after, app, key) - ValueOr0(before, app, key)});
      }
    }
  }
  return selection;
}

LoadCheckResult CheckCounters(const Workload& workload,
                              const LoadResult& result,
                              const CounterSelection& counters) {
  LoadCheckResult check;
  check.name = "counters";
  std::string notes;
  for (const std::string& note : counters.unchecked) {
    notes += "; not checked: " + note;
  }
  if (counters.readings.empty()) {
    check.verdict = LoadCheckResult::Verdict::kSkip;
    check.message = "no counter can be checked" + notes;
    return check;
  }
  int64_t lost = 0;
  int64_t extra = 0;
  int64_t authorized_total = 0;
  int64_t uncertain_total = 0;
  size_t differing = 0;
  std::string listed;
  for (const CounterReading& r : counters.readings) {
    const size_t slot = workload.Slot(r.app, r.metric);
    const int64_t authorized = result.authorized_usage[slot];
    const int64_t uncertain = result.uncertain_usage[slot];
    authorized_total += authorized;
    uncertain_total += uncertain;
    std::string what;
    if (r.value < authorized) {
      lost += authorized - r.value;
      what = std::to_string(authorized - r.value) + " lost";
    } else if (r.value > authorized + uncertain) {
      extra += r.value - authorized - uncertain;
      what = std::to_string(r.value - authorized - uncertain) +
             " counted more than authorized";
    } else {
      continue;
    }
    if (++differing <= kListed) {
      const size_t service =
          workload.populations()[workload.PopulationOf(r.app)].service;
      listed += "\n  counter " +
                workload.services()[service].metrics[r.metric] + "/" +
                r.period + " of " + workload.AppId(r.app) + ": backend " +
                std::to_string(r.value) + ", authorized " +
                std::to_string(authorized);
      if (uncertain > 0) {
        listed += " (+ up to " + std::to_string(uncertain) + " unanswered)";
      }
      listed += " — " + what;
    }
  }
  const std::string checked =
      std::to_string(counters.readings.size()) + " counters";
  if (differing == 0) {
    check.message = checked + " equal the usage authorized (" +
                    std::to_string(authorized_total) + " in all)";
    if (uncertain_total > 0) {
      check.message += ", within the " + std::to_string(uncertain_total) +
                       " units of unanswered requests";
    }
    check.message += notes;
    return check;
  }
  check.verdict = LoadCheckResult::Verdict::kFail;
  check.message = std::to_string(differing) + " of " + checked +
                  " differ from the usage authorized: " + std::to_string(lost) +
                  " lost, " + std::to_string(extra) +
                  " counted more than authorized" + notes + listed;
  if (differing > kListed) {
    check.message +=
        "\n  ... and " + std::to_string(differing - kListed) + " more";
  }
  return check;
}

LoadCheckResult CheckLimits(const Workload& workload, const LoadResult& result,
                            LimitCheck mode, int connections) {
  LoadCheckResult check;
  check.name =
      mode == LimitCheck::kLenient ? "limits (lenient)" : "limits (strict)";
  if (mode == LimitCheck::kOff) {
    check.name = "limits";
    check.verdict = LoadCheckResult::Verdict::kSkip;
    check.message = "limit_check = \"off\"";
    return check;
  }
  size_t limits = 0;
  for (const auto& p : workload.populations()) limits += p.limits.size();
  if (limits == 0) {
    check.verdict = LoadCheckResult::Verdict::kSkip;
    check.message = "no usage limit on the populations' plans";
    return check;
  }
  size_t over = 0;
  size_t checked = 0;
  int64_t worst = 0;
  std::string listed;
  for (const PeriodUsage& u : result.period_usage) {
    const Workload::Population& p =
        workload.populations()[workload.PopulationOf(u.app)];
    const Workload::Limit& limit = p.limits[u.limit];
    const Workload::Service& service = workload.services()[p.service];
    if (service.set_by_usage[limit.metric]) continue;
    ++checked;
    const int64_t allowance =
        mode == LimitCheck::kLenient
            ? int64_t{connections} *
                  workload.MaxUsagePerRequest(p.service, limit.metric)
            : 0;
    if (u.usage <= limit.max_value + allowance) continue;
    worst = std::max(worst, u.usage - limit.max_value);
    if (++over <= kListed) {
      const core::UtcTime start{std::chrono::seconds(u.start_s)};
      listed += "\n  limit " + service.metrics[limit.metric] + "/" +
                std::string(core::ToString(limit.period)) + " of " +
                workload.AppId(u.app) + " (max " +
                std::to_string(limit.max_value) + ")";
      if (limit.period != core::Period::kEternity) {
        listed += " in the instance from " + core::FormatIso8601(start);
      }
      listed += ": " + std::to_string(u.usage) + " authorized — " +
                std::to_string(u.usage - limit.max_value) + " over";
      if (allowance > 0) {
        listed += " (allowed " + std::to_string(allowance) + ")";
      }
    }
  }
  std::string ambiguous;
  if (result.ambiguous_period_requests > 0) {
    ambiguous = "; " + std::to_string(result.ambiguous_period_requests) +
                " authreps answered across a period boundary were not placed";
  }
  if (over == 0) {
    check.message =
        std::to_string(checked) + " period instance(s) of " +
        std::to_string(limits) +
        " usage limit(s): the authorized usage stayed within every limit";
    if (mode == LimitCheck::kLenient) {
      check.message += " (lenient: + " + std::to_string(connections) +
                       " requests in flight)";
    }
    check.message += ambiguous;
    return check;
  }
  check.verdict = LoadCheckResult::Verdict::kFail;
  check.message =
      std::to_string(over) + " of " + std::to_string(checked) +
      " period instances authorized more than their limit (worst: " +
      std::to_string(worst) + " over)" + ambiguous + listed;
  if (over > kListed) {
    check.message += "\n  ... and " + std::to_string(over - kListed) + " more";
  }
  return check;
}

std::vector<LoadCheckResult> CheckThresholds(const LoadThresholds& thresholds,
                                             const LoadResult& result) {
  std::vector<LoadCheckResult> checks;
  using Verdict = LoadCheckResult::Verdict;
  if (thresholds.p99_ms) {
    const double p99 =
        static_cast<double>(result.corrected.ValueAtPercentile(99)) / 1000.0;
    const bool ok =
        result.corrected.TotalCount() > 0 && p99 <= *thresholds.p99_ms;
    checks.push_back({"threshold p99_ms", ok ? Verdict::kPass : Verdict::kFail,
                      result.corrected.TotalCount() == 0
                          ? "no answer to measure"
                          : "p99 " + Ms(p99) + " ms (corrected) " +
                                (ok ? "<= " : "exceeds ") +
                                Ms(*thresholds.p99_ms) + " ms"});
  }
  if (thresholds.error_rate) {
    const double rate = result.error_rate();
    const bool ok = rate <= *thresholds.error_rate;
    checks.push_back(
        {"threshold error_rate", ok ? Verdict::kPass : Verdict::kFail,
         "error rate " + Fixed(rate, 4) + " (" +
             std::to_string(result.failures()) + " of " +
             std::to_string(result.scheduled) + ") " +
             (ok ? "<= " : "exceeds ") + Fixed(*thresholds.error_rate, 4)});
  }
  if (thresholds.min_rate) {
    const double rate = result.achieved_rate_per_s();
    const bool ok = rate >= *thresholds.min_rate;
    checks.push_back(
        {"threshold min_rate", ok ? Verdict::kPass : Verdict::kFail,
         "achieved " + Fixed(rate, 1) + " req/s " + (ok ? ">= " : "below ") +
             Fixed(*thresholds.min_rate, 1) + " req/s"});
  }
  return checks;
}

}  // namespace scalecheck::harness
