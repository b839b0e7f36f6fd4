// harness/state_checks.h
//
// A scenario's check steps (counters, utilization, error log, journal): the
// target's state read back through backend_queries.h, compared with the
// step's values and with the reference model's state (its Registry and
// MemoryStore). Shared by the runner and the client runner. Sends requests;
// keeps no state.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/registry.h"
#include "core/status.h"
#include "core/store.h"
#include "harness/scenario.h"
#include "harness/target.h"
#include "reports/run_report.h"

namespace scalecheck::harness {

struct CheckOutcome {
  std::string kind;         // "check counters", ...
  std::string description;  // "check counters app=a1".
  // The target could not be read: the case cannot go on.
  core::Status error;
  // Not checkable on this target (no control API); the reason.
  bool skipped = false;
  std::string skip_reason;
  std::vector<reports::Difference> differences;
};

// Runs check step `step` (REQUIRES: step.kind == Step::Kind::kCheck) against
// `target`, with the model's state as of `now`.
CheckOutcome RunCheck(const Scenario& scenario, const Step& step,
                      Target& target, const core::Registry& registry,
                      const core::MemoryStore& store, core::UtcTime now);

}  // namespace scalecheck::harness
