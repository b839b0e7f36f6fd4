// reports/console_report.h
//
// The report a person reads in a terminal or a CI log: a line per case, the
// failing step of each failure with its request and a diff of expected
// against actual, and a summary. Writes only to the stream it is given;
// ANSI colors only when asked.
#pragma once

#include <cstddef>
#include <ostream>

#include "reports/run_report.h"

namespace scalecheck::reports {

struct ConsoleOptions {
  bool color = false;    // ANSI escape sequences for verdicts and diffs.
  bool verbose = false;  // Every step of every case, every failing step.
};

// Writes, for each case in order, one line:
//   PASS authorize/basic  (3 steps, 1.2 ms)
//   FAIL limits/minute  (4 steps, 2.3 ms)     followed by its failing step
//   SKIP clock/day  (needs virtual-clock)
//   KNOWN oauth/x  (known deviation: ...)
//   ERROR seed/app  (cannot reach the target)
// then a blank line, the summary
//   12 cases: 9 passed, 1 failed, 1 skipped, 1 known deviation in 34.5 ms
//   (target ...; compare exact; seed 1)                  [on the same line]
// and last, on its own line, the count CI tools parse:
//   9 passed, 1 failed[, 1 skipped]
// where "failed" counts failures and errors and the skipped part appears
// only when some case was skipped.
void WriteConsoleReport(const RunReport& report, const ConsoleOptions& options,
                        std::ostream& out);

// Writes the details of one failed step, each line indented by `indent`:
// where it is and what it did, the request line with its non-default headers
// and body (truncated), the response status, the step's message, and each
// Difference as expected vs actual with its source; bodies (and long or
// multi-line values) as a compact diff. The JUnit writer uses it too.
void WriteFailedStep(const StepReport& step, const ConsoleOptions& options,
                     std::ostream& out, size_t indent = 2);

}  // namespace scalecheck::reports
