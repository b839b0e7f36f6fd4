// tests/reports/run_report_test.cc
//
// The model's own behaviour: verdict names and counts.
#include "reports/run_report.h"

#include <gtest/gtest.h>

#include <string>

namespace scalecheck::reports {
namespace {

TEST(VerdictTest, HasTheNamesTheJsonReportUses) {
  const struct {
    Verdict verdict;
    std::string want;
  } cases[] = {
      {Verdict::kPass, "pass"},
      {Verdict::kFail, "fail"},
      {Verdict::kSkip, "skip"},
      {Verdict::kError, "error"},
      {Verdict::kKnownDeviation, "known-deviation"},
  };
  for (const auto& c : cases) EXPECT_EQ(c.want, ToString(c.verdict));
}

TEST(RunReportTest, CountsCasesByVerdict) {
  RunReport run;
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kPass,
                    Verdict::kKnownDeviation}) {
    CaseReport c;
    c.verdict = v;
    run.cases.push_back(c);
  }
  EXPECT_EQ(2, run.Count(Verdict::kPass));
  EXPECT_EQ(1, run.Count(Verdict::kFail));
  EXPECT_EQ(0, run.Count(Verdict::kSkip));
  EXPECT_EQ(1, run.Count(Verdict::kKnownDeviation));
}

TEST(RunReportTest, CountsNothingInAnEmptyRun) {
  EXPECT_EQ(0, RunReport().Count(Verdict::kPass));
}

}  // namespace
}  // namespace scalecheck::reports
