// harness/run_command.h
//
// `scalecheck run` and `scalecheck list`: load scenario files, select cases
// by id glob and tag, run them against a target, print the console report
// and write junit.xml, report.json and report.html. Returns the exit code:
// 0 all passed, 1 an expectation failed, 2 a bad scenario, 3 the target or
// the report directory failed.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "harness/client_command.h"
#include "harness/exit_code.h"
#include "harness/gateway_target.h"
#include "harness/runner.h"
#include "harness/target.h"

namespace scalecheck::harness {

struct RunCommandOptions {
  std::vector<std::string> paths;        // Files and directories.
  std::vector<std::string> filters;      // --filter GLOB (any matches).
  std::vector<std::string> tags;         // --tag T (any matches).
  TargetOptions target;                  // --target, --internal-auth, --backend-listen.
  GatewayOptions gateway;                // --gateway, --upstream-listen, ...
  RunOptions run;                        // --compare, --no-seed, ...
  std::string report_dir = "scalecheck-reports";  // Empty: no files.
  uint64_t seed = 1;
  bool verbose = false;
  bool color = false;
  // --client COMMAND: calls go through a client library's adapter to the
  // embedded mock (client_command.h); empty: not a client run.
  std::string client;
  std::string deviations_path;                      // --deviations FILE.
  std::chrono::milliseconds client_timeout{5000};  // --client-timeout.
};

ExitCode RunRunCommand(const RunCommandOptions& options, core::Clock& clock,
                       std::ostream& out, std::ostream& err);

// Prints "id  title" per selected case without running anything.
ExitCode RunListCommand(const RunCommandOptions& options, std::ostream& out,
                        std::ostream& err);

}  // namespace scalecheck::harness
