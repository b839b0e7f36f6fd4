// harness/load_command.h
//
// `scalecheck load SCENARIO.toml`: runs a scenario's [load] section against
// a target (the embedded mock by default), prints a live progress line when
// stdout is a terminal and a summary at the end (latency percentiles
// corrected and uncorrected, achieved against intended rate, late and
// dropped sends, outcomes by category), checks the backend's counters, the
// usage limits per period and the thresholds, and writes report.json,
// junit.xml and latency.hgrm. Exit codes: 0 every check passed, 1 a check
// or threshold failed, 2 a bad scenario or flag, 3 the target or the report
// directory failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "core/clock.h"
#include "harness/exit_code.h"
#include "harness/target.h"

namespace scalecheck::harness {

struct LoadCommandOptions {
  std::string scenario_path;  // The positional argument.
  // --target URL (empty: the embedded mock), --internal-auth USER:PASS.
  TargetOptions target;
  // --rate N: one constant stage at N requests per second over the whole
  // duration, instead of the scenario's stages.
  std::optional<double> rate_per_s;
  // --duration D: the stages stretched or shrunk in proportion to add up to
  // D (with --rate: the one stage's duration).
  std::optional<std::chrono::milliseconds> duration;
  std::optional<int> connections;  // --connections N
  // --no-seed: the target is used as it is (pre-seeded, or not a 3scale
  // backend at all): nothing is reset or seeded, counters are compared as
  // their change across the run, and counters that cannot be read skip the
  // check instead of failing the run.
  bool seed_target = true;
  uint64_t seed = 1;  // --seed N: draws every request.
  std::string report_dir = "scalecheck-reports";  // --report-dir; "": none.
  // Whether stdout is a terminal: the live progress line is shown only then.
  bool tty = false;

  // Not flags; for tests.
  int threads = 0;  // 0: min(hardware threads, connections).
  // LoadEngineOptions::max_io_wait: 1 ms for a ManualClock.
  std::chrono::microseconds max_io_wait{100000};
  // For a target without the control API: how long its asynchronous
  // reporting gets to settle before the counters are read.
  std::chrono::milliseconds settle{2000};
};

// `clock` is the process's SystemClock (a ManualClock in tests); it must
// outlive the call. Writes the progress, summary and checks to `out`, and
// diagnostics ("scalecheck: ...") to `err`.
ExitCode RunLoad(const LoadCommandOptions& options, core::Clock& clock,
                 std::ostream& out, std::ostream& err);

}  // namespace scalecheck::harness
