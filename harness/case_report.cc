#include "harness/case_report.h"

#include <string>

namespace scalecheck::harness {

reports::CaseReport NewCaseReport(const Scenario& scenario) {
  reports::CaseReport report;
  report.id = scenario.id;
  report.title = scenario.title;
  report.file = scenario.file;
  report.spec = scenario.spec;
  report.tags = scenario.tags;
  return report;
}

void RollUpStepVerdicts(reports::CaseReport& report) {
  if (report.verdict != reports::Verdict::kPass) return;
  for (const reports::StepReport& step : report.steps) {
    if (step.verdict == reports::Verdict::kFail) {
      report.verdict = reports::Verdict::kFail;
      report.message = "step " + std::to_string(step.index) + " (" +
                       step.location + "): " + step.message;
      return;
    }
  }
}

}  // namespace scalecheck::harness
