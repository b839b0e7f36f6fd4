// reports/junit_report.h
//
// The run as JUnit XML, for CI systems (Jenkins, GitLab, GitHub annotations):
// one <testsuite>, one <testcase> per case named by its id. Only what those
// tools read; the JSON report has everything. Writes only to the stream it is
// given.
#pragma once

#include <ostream>

#include "reports/run_report.h"

namespace scalecheck::reports {

// Writes an XML 1.0 document whose root is
//   <testsuite name="scalecheck" tests= failures= errors= skipped= time=>
// with <properties> target, seed, compare_mode, tool_version and started_at,
// and one <testcase classname="<id before its first '/'>" name="<id>"
// time="<seconds>" file=> per case, holding:
//   kFail:  <failure message="<case message>" type="fail">the failed steps
//           as the console shows them, uncolored</failure>
//   kError: <error ...> likewise;
//   kSkip:  <skipped message="<reason>"/>;
//   kKnownDeviation: nothing that fails, and a <system-out> note.
// Text and attributes are escaped; characters XML 1.0 forbids are dropped and
// invalid UTF-8 becomes U+FFFD, so the document always parses.
void WriteJUnitReport(const RunReport& report, std::ostream& out);

}  // namespace scalecheck::reports
