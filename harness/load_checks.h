// harness/load_checks.h
//
// What a load run is judged by, after it: (1) the backend's counters equal
// the usage the generator saw authorized, nothing lost and nothing counted
// twice; (2) per period instance, the authorized usage never exceeds a
// usage limit (strict), or exceeds it by at most what the requests in
// flight could add (lenient); (3) the scenario's thresholds. The checks are
// pure functions of the Workload, the LoadResult and the counters read
// back; reading the counters from a target is the one function here that
// does I/O. Stateless; safe from any thread.
//
// Which counter is compared (the rule):
//   - A target with the control API (the mock): its state export after a
//     flush, read once. For every application of the population and every
//     metric of its service, the eternity counter: every increment lands in
//     it and it never expires, so it must equal the whole run's authorized
//     usage whatever period instances the run crossed.
//   - Any other target: the utilization endpoint (internal API), before and
//     after the run. For every metric with a usage limit, the counter of
//     the longest limited period whose instance contains the whole run
//     (eternity, else year, month, ... minute); the change across the run
//     is compared. A metric without such a limit cannot be checked and is
//     named in the message.
//   - A metric some call sets ("#N") is not checked: a set is not a sum.
//   - Usage whose answer never came (timeouts, connection errors after the
//     request was written, 5xx) may or may not have been counted: a counter
//     passes when authorized <= counter <= authorized + that usage.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "harness/load_engine.h"
#include "harness/load_spec.h"
#include "harness/target.h"

namespace scalecheck::harness {

struct LoadCheckResult {
  enum class Verdict { kPass, kFail, kSkip };
  std::string name;  // "counters", "limits", "threshold p99_ms", ...
  Verdict verdict = Verdict::kPass;
  std::string message;
};

// "pass", "fail", "skip".
const char* ToString(LoadCheckResult::Verdict verdict);

// Counters as read from a target: per application of the workload,
// "metric/period" -> value.
struct BackendCounters {
  bool from_state_export = false;
  std::vector<std::map<std::string, int64_t>> by_app;
};

// Reads the counters of every application of `workload`: from the state
// export when the target has the control API (after a flush), else from
// each application's utilization. kUnavailable when the target does not
// answer or answers something unexpected.
core::Result<BackendCounters> ReadBackendCounters(Target& target,
                                                  const Workload& workload);

// One counter chosen for the check, by the rule above.
struct CounterReading {
  size_t app = 0;
  size_t metric = 0;
  std::string period;  // "eternity", "month", ...
  int64_t value = 0;   // Its change during the run.
};
struct CounterSelection {
  std::vector<CounterReading> readings;
  std::vector<std::string> unchecked;  // "hits of service s1: ..." notes.
};

// Applies the rule to `before` (empty: all zero, as after a reset) and
// `after`; `run_first` and `run_last` bound the run on the target's
// calendar.
CounterSelection SelectCounters(const Workload& workload,
                                const BackendCounters& before,
                                const BackendCounters& after,
                                core::UtcTime run_first,
                                core::UtcTime run_last);

// Check (1). Fails listing the first differing counters, e.g.
// "counter hits/eternity of load-app-17: backend 1203, authorized 1204 — 1
// lost". Skips when nothing could be selected.
LoadCheckResult CheckCounters(const Workload& workload,
                              const LoadResult& result,
                              const CounterSelection& counters);

// Check (2). `mode` kOff skips; kLenient allows `connections` requests'
// worth of usage above each limit. Skips when no plan has a limit.
LoadCheckResult CheckLimits(const Workload& workload, const LoadResult& result,
                            LimitCheck mode, int connections);

// Check (3): one result per threshold the scenario sets (none: none).
std::vector<LoadCheckResult> CheckThresholds(const LoadThresholds& thresholds,
                                             const LoadResult& result);

}  // namespace scalecheck::harness
