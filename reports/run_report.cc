#include "reports/run_report.h"

#include <algorithm>

namespace scalecheck::reports {

const char* ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kSkip:
      return "skip";
    case Verdict::kError:
      return "error";
    case Verdict::kKnownDeviation:
      return "known-deviation";
  }
  return "unknown";  // Unreachable: every enumerator is handled above.
}

int RunReport::Count(Verdict verdict) const {
  return static_cast<int>(std::count_if(
      cases.begin(), cases.end(),
      [verdict](const CaseReport& c) { return c.verdict == verdict; }));
}

}  // namespace scalecheck::reports
