#include "reports/presentation.h"

namespace scalecheck::reports {

const char* VerdictLabel(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kSkip:
      return "SKIP";
    case Verdict::kError:
      return "ERROR";
    case Verdict::kKnownDeviation:
      return "KNOWN";
  }
  return "?";  // Unreachable: every enumerator is handled above.
}

bool IsFailure(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kError;
}

std::optional<DiffSides> DiffSidesOf(const StepReport& step,
                                     const Difference& d) {
  const bool body = d.what.starts_with("body");
  if (body && d.expected.empty() && d.actual.empty()) {
    return DiffSides{step.expected_body, step.exchange.response_body};
  }
  const auto long_or_multiline = [](std::string_view v) {
    return v.size() > 80 || v.find('\n') != std::string_view::npos;
  };
  if (body || long_or_multiline(d.expected) || long_or_multiline(d.actual)) {
    return DiffSides{d.expected, d.actual};
  }
  return std::nullopt;
}

}  // namespace scalecheck::reports
