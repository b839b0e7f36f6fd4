// harness/case_report.h
//
// The parts of a case's report both runners (runner.cc, client_runner.cc)
// fill in alike: the scenario's identity, and the verdict rolled up from
// the steps. Pure functions.
#pragma once

#include "harness/scenario.h"
#include "reports/run_report.h"

namespace scalecheck::harness {

// A report naming `scenario` (id, title, file, spec, tags), verdict pass.
reports::CaseReport NewCaseReport(const Scenario& scenario);

// A case still passing takes the first failed step's verdict and message.
void RollUpStepVerdicts(reports::CaseReport& report);

}  // namespace scalecheck::harness
