// reports/json_report.h
//
// The whole RunReport as JSON, for machines: every case and step with its
// request, response, expected body, differences and timing. Nothing is
// summarized away. Writes only to the stream it is given.
#pragma once

#include <ostream>

#include "reports/run_report.h"

namespace scalecheck::reports {

// Writes one JSON object (UTF-8, 2-space indented, keys in model order):
//   {"format": "scalecheck-report", "format_version": 1, "tool_version",
//    "target", "compare_mode", "seed", "started_at", "wall_time_us",
//    "summary": {"cases", "pass", "fail", "skip", "error", "known_deviation"},
//    "cases": [{"id", "title", "file", "spec", "tags", "verdict", "message",
//               "duration_us", "steps": [{"index", "iteration", "kind",
//               "description", "location", "clock", "verdict", "message",
//               "duration_us", "request", "response", "expected_body",
//               "differences": [{"what", "expected", "actual", "source"}]}]}]}
// "request" is {"method", "target", "headers", "body"} and "response"
// {"status", "headers", "body"}, each null when there was none (clock steps;
// no answer). Headers are [name, value] arrays in the order sent or received.
// Verdicts are ToString(Verdict). A body, expected body or difference value
// that is not valid UTF-8 goes base64-encoded under the same key suffixed
// "_b64" ("body_b64") instead; other invalid UTF-8 becomes U+FFFD.
void WriteJsonReport(const RunReport& report, std::ostream& out);

}  // namespace scalecheck::reports
