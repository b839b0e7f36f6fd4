// harness/client_command.h
//
// `scalecheck run --client COMMAND`: loads scenario files, selects cases by
// id glob and tag, starts the embedded mock and the client's adapter
// (client_adapter.h) with the mock's URL, runs each case through the client
// (client_runner.h) with the target's known deviations applied, prints the
// console report and writes junit.xml, report.json and report.html. Only
// 127.0.0.1 is used. Writes to the streams it is given and nowhere else.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "harness/exit_code.h"
#include "harness/runner.h"

namespace scalecheck::harness {

struct ClientCommandOptions {
  std::string
      command;  // --client COMMAND, run by /bin/sh -c. REQUIRES: not empty.
  std::vector<std::string> paths;    // Scenario files and directories.
  std::vector<std::string> filters;  // --filter GLOB (any matches).
  std::vector<std::string> tags;     // --tag T (any matches).
  std::string deviations_path;       // --deviations FILE; empty: none.
  std::string report_dir = "scalecheck-reports";  // Empty: no files.
  std::chrono::milliseconds timeout{5000};  // --client-timeout, per command.
  RunOptions run;     // seed (fixtures) and settle; compare is not used.
  uint64_t seed = 1;  // --seed, printed in the reports.
  bool verbose = false;
  bool color = false;
};

// Returns 0 when every case passed or deviated as its manifest says; 1 when
// a case failed (a known deviation that no longer happens included); 2 for
// a bad scenario, manifest or selection; 3 when the mock or the adapter
// cannot start (an adapter that exits before answering its first command),
// a case could not be run, or the report directory cannot be written.
ExitCode RunClientCommand(const ClientCommandOptions& options,
                          core::Clock& clock, std::ostream& out,
                          std::ostream& err);

}  // namespace scalecheck::harness
