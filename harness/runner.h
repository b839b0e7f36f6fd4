// harness/runner.h
//
// Runs scenarios against a target. For every step the reference model
// (core's Service Management API over its own Registry and MemoryStore,
// seeded from the same fixture) computes what a conformant backend must
// answer at the step's virtual time; the target's answer is checked against
// it and against the step's explicit expectation. A target with the control
// API runs on virtual time (reset, clock set per step); a live one runs on
// the wall clock, clock moves become real waits up to `max_wait`, and
// scenarios needing more are skipped with the reason. Not thread-safe.
#pragma once

#include <chrono>
#include <ostream>

#include "core/clock.h"
#include "harness/gateway_target.h"
#include "harness/response_check.h"
#include "harness/scenario.h"
#include "harness/target.h"
#include "reports/run_report.h"

namespace scalecheck::harness {

struct RunOptions {
  CompareMode compare = CompareMode::kExact;
  // Seed each scenario's fixture through the internal API (false: the
  // target is seeded already).
  bool seed = true;
  // Live targets: the longest real wait for a clock move; a scenario that
  // needs a longer one is skipped.
  std::chrono::milliseconds max_wait{0};
  // Live targets: wait this long after a reporting step so that an
  // asynchronous backend has applied it.
  std::chrono::milliseconds settle{0};
};

// The virtual time a scenario starts at when it names none.
inline constexpr const char* kDefaultClockStart = "2024-05-15T10:20:30Z";

// Runs one scenario. Never throws; infrastructure failures become a case
// with Verdict::kError and the reason. `clock` times the steps and, for a
// live target, is the time the reference model uses.
reports::CaseReport RunScenario(const Scenario& scenario, Target& target,
                                const RunOptions& options, core::Clock& clock);

// The same with a gateway in front of `target` (which is then the backend
// the gateway calls): request steps go to the gateway; their answers are
// checked against core/gateway_model.h, and what the gateway sent the
// backend against the journal of `target` (it needs the control API).
// `gateway` nullptr: a scenario with request steps is skipped. `gateway`
// must outlive the call.
reports::CaseReport RunScenario(const Scenario& scenario, Target& target,
                                GatewayTarget* gateway, const RunOptions& options,
                                core::Clock& clock);

}  // namespace scalecheck::harness
