// reports/presentation.h
//
// What the writers for people (console, JUnit text, HTML) agree on: how a
// verdict is labelled and which differences are shown as a diff, of what.
// Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "reports/run_report.h"

namespace scalecheck::reports {

// "PASS", "FAIL", "SKIP", "ERROR", "KNOWN".
const char* VerdictLabel(Verdict verdict);

// kFail and kError: what makes a run fail.
bool IsFailure(Verdict verdict);

struct DiffSides {
  std::string_view expected;
  std::string_view actual;
};

// The two texts to show as a diff for `d`, or nullopt when it reads better on
// one line. Bodies ("body...") and long or multi-line values are diffed; a
// body difference with both values empty stands for the step's expected and
// actual bodies. The views point into `step` and `d`, which must outlive them.
std::optional<DiffSides> DiffSidesOf(const StepReport& step,
                                     const Difference& d);

}  // namespace scalecheck::reports
