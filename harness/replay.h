// harness/replay.h
//
// `scalecheck replay`: replays golden recordings against a target (the
// embedded mock by default, or any URL with the mock's control API) and
// compares each response with apisonator's, as shared/golden/README.md says.
// One case at a time, one fresh connection per request. Not thread-safe.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "harness/exit_code.h"

namespace scalecheck::harness {

struct ReplayOptions {
  // Recording files and directories of them (a directory: its *.json).
  std::vector<std::string> paths;
  // "http://host:port" of a target that has the control API
  // (/__scalecheck); empty: start the embedded mock on 127.0.0.1, any port.
  std::string target_url;
  // "user:pass" for the internal API's basic auth; empty: no Authorization.
  std::string internal_auth = "scalecheck:scalecheck";
  // Print every step, not only the failures.
  bool verbose = false;
  // Replay only the cases whose name ("area/name") matches this glob
  // (fnmatch; '*' also matches '/'); empty: all.
  std::string filter;
  // Compare the contract headers (content-type, 3scale-*, CORS, ...).
  bool compare_headers = true;
  // Compare framing (content-length vs chunked vs none). Cases that fail
  // only on framing are also counted apart in the summary.
  bool compare_framing = true;
  // Also compare the reason phrase and interim 1xx responses; implies
  // compare_framing.
  bool strict_transport = false;
  // A file of cases known to differ, one per line: "area/name  reason"
  // ('#' starts a comment). They are run and reported as KNOWN with their
  // reason and do not fail the run; one that passes is reported as FIXED
  // and fails the run, so the list stays true. Empty: none.
  std::string known_failures_path;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds read_timeout{10000};
};

// Replays every selected case and writes to `out` one line per case
// ("PASS area/name", "FAIL area/name (step N: what)" followed by a diff,
// "SKIP area/name (reason)"), then
//   replay: P passed, F failed, S skipped, K known failures
//   P passed, F failed
// Diagnostics go to `err`. `clock` times the network waits and is the
// embedded mock's base clock. Returns kOk when nothing failed (skips
// allowed), kFailed when a case failed, kUsage for missing paths, unreadable
// recordings, a bad target URL or a filter matching nothing ("file: what is
// wrong"), and kInfrastructure when the target cannot be reached or the
// embedded mock cannot start ("scalecheck: cannot reach target URL: why").
ExitCode RunReplay(const ReplayOptions& options, core::Clock& clock,
                   std::ostream& out, std::ostream& err);

}  // namespace scalecheck::harness
