// tests/reports/console_report_test.cc
//
// The console report: a line per case, the failing step with its request and
// diff, and the summary lines CI tools read.
#include "reports/console_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/reports/sample_report.h"

namespace scalecheck::reports {
namespace {

using namespace std::chrono_literals;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class ConsoleReportTest : public ::testing::Test {
 protected:
  std::string Write(const RunReport& run) {
    std::ostringstream out;
    WriteConsoleReport(run, options_, out);
    return out.str();
  }

  std::vector<std::string> LinesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  static CaseReport Case(std::string id, Verdict verdict,
                         std::string message = "") {
    CaseReport c;
    c.id = std::move(id);
    c.verdict = verdict;
    c.message = std::move(message);
    return c;
  }

  ConsoleOptions options_;
  RunReport run_ = test::SampleRun();
};

TEST_F(ConsoleReportTest, WritesOneLinePerCaseInRunOrder) {
  const std::string text = Write(run_);
  EXPECT_THAT(text, StartsWith("PASS authorize/basic  (3 steps, 1.2 ms)\n"));
  EXPECT_THAT(text,
              HasSubstr("\nFAIL limits/minute-exceeded  (4 steps, 2.3 ms)\n"));
  EXPECT_THAT(text, HasSubstr("\nERROR report/batch  (1 step, 0.1 ms)\n"));
  EXPECT_THAT(text,
              HasSubstr("\nSKIP clock/year-end  (needs virtual-clock)\n"));
  EXPECT_THAT(text, HasSubstr("\nKNOWN oauth/redirect-uri  (known deviation: "
                              "apisonator answers <redirect_url>)\n"));
}

TEST_F(ConsoleReportTest, EndsWithTheSummaryAndThePlainCountLine) {
  const std::vector<std::string> lines = LinesOf(Write(run_));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ("", lines[lines.size() - 3]);
  EXPECT_EQ(
      "6 cases: 1 passed, 3 failed (1 error), 1 skipped, 1 known deviation "
      "in 34.5 ms (target embedded mock (http://127.0.0.1:41234); compare "
      "exact; seed 42)",
      lines[lines.size() - 2]);
  EXPECT_EQ("1 passed, 3 failed, 1 skipped", lines.back());
}

TEST_F(ConsoleReportTest, LeavesSkipsOutOfThePlainLineWhenThereAreNone) {
  RunReport run;
  run.cases = {Case("a/1", Verdict::kPass), Case("a/2", Verdict::kPass)};
  run.wall_time = 1500us;
  const std::vector<std::string> lines = LinesOf(Write(run));
  EXPECT_EQ(
      "2 cases: 2 passed, 0 failed, 0 skipped, 0 known deviations in "
      "1.5 ms (seed 1)",
      lines[lines.size() - 2]);
  EXPECT_EQ("2 passed, 0 failed", lines.back());
}

TEST_F(ConsoleReportTest, ShowsTheFailingStepItsRequestAndEachDifference) {
  const std::string text = Write(run_);
  EXPECT_THAT(
      text,
      HasSubstr(
          "  scenarios/conformance/limits.toml:26:1: step 4 (authrep) at "
          "2024-03-04T09:00:30Z: authrep app=a1 usage[hits]=1\n"
          "    GET /transactions/authrep.xml?service_token=st1&service_id=s1"
          "&app_id=a1&usage%5Bhits%5D=1\n"
          "    response: 200 (352 bytes)\n"
          "    the 4th hit in the minute was authorized\n"
          "    status: expected 409, actual 200  [model]\n"
          "    header 3scale-limit-remaining: expected 0, actual -1  "
          "[scenarios/conformance/limits.toml:27:3]\n"
          "    body:  [model]\n"));
}

TEST_F(ConsoleReportTest, ShowsABodyDifferenceAsACompactDiff) {
  const std::string text = Write(run_);
  EXPECT_THAT(text,
              HasSubstr("      - expected (411 bytes)  + actual (352 bytes)\n"
                        "      first difference at byte 58\n"));
  EXPECT_THAT(text,
              HasSubstr("      -   <authorized>false</authorized>\n"
                        "      -   <reason>usage limits are exceeded</reason>\n"
                        "      +   <authorized>true</authorized>\n"));
  EXPECT_THAT(text,
              HasSubstr("      -       <current_value>3</current_value>\n"
                        "      +       <current_value>4</current_value>\n"));
}

TEST_F(ConsoleReportTest, ShowsOnlyTheFirstFailedStepUnlessVerbose) {
  CaseReport c = Case("multi/fail", Verdict::kFail);
  c.steps = {test::AuthRepStep(1, 0), test::AuthRepStep(2, 1),
             test::AuthRepStep(3, 2)};
  c.steps[1].verdict = Verdict::kFail;
  c.steps[2].verdict = Verdict::kFail;
  RunReport run;
  run.cases = {c};
  std::string text = Write(run);
  EXPECT_THAT(text, HasSubstr(": step 2 (authrep)"));
  EXPECT_THAT(text, Not(HasSubstr(": step 3 (authrep)")));
  EXPECT_THAT(text, HasSubstr("  1 more failed step not shown\n"));

  options_.verbose = true;
  text = Write(run);
  EXPECT_THAT(text, HasSubstr(": step 3 (authrep)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "    pass 1 authrep: authrep app=a1 usage[hits]=1  (0.3 ms)\n"));
  EXPECT_THAT(text, Not(HasSubstr("not shown")));
}

TEST_F(ConsoleReportTest, ListsEveryStepWhenVerbose) {
  options_.verbose = true;
  EXPECT_THAT(
      Write(run_),
      HasSubstr(
          "PASS authorize/basic  (3 steps, 1.2 ms)\n"
          "    pass 1 authrep: authrep app=a1 usage[hits]=1  (0.3 ms)\n"
          "    pass 2 authrep: authrep app=a1 usage[hits]=1  (0.3 ms)\n"
          "    pass 3 authrep: authrep app=a1 usage[hits]=1  (0.3 ms)\n"));
}

TEST_F(ConsoleReportTest, HidesDefaultHeadersAndTruncatesLongBodies) {
  StepReport step = test::AuthRepStep(1, 0);
  step.verdict = Verdict::kFail;
  step.exchange.method = "POST";
  step.exchange.request_headers.push_back({"X-Custom", "yes"});
  step.exchange.request_headers.push_back({"Content-Length", "5000"});
  step.exchange.request_body = std::string(5000, 'u');
  CaseReport c = Case("post/long", Verdict::kFail);
  c.steps = {step};
  RunReport run;
  run.cases = {c};
  const std::string text = Write(run);
  EXPECT_THAT(text, HasSubstr("    X-Custom: yes\n"));
  EXPECT_THAT(text, Not(HasSubstr("Host:")));
  EXPECT_THAT(text, Not(HasSubstr("User-Agent")));
  EXPECT_THAT(text, Not(HasSubstr("Content-Length")));
  EXPECT_THAT(text, HasSubstr("    body: " + std::string(300, 'u') +
                              "... (5000 bytes)\n"));
}

TEST_F(ConsoleReportTest, EscapesControlBytesInBodies) {
  const std::string text = Write(run_);
  EXPECT_THAT(text, HasSubstr("      + \\x01\\xff\\xfe end\\x00\n"));
  EXPECT_THAT(text, Not(HasSubstr("\x01")));
}

TEST_F(ConsoleReportTest, SaysWhenThereWasNoResponse) {
  EXPECT_THAT(Write(run_), HasSubstr("    response: none\n"
                                     "    connection refused\n"));
}

TEST_F(ConsoleReportTest, GivesTheCaseMessageWhenNoStepFailed) {
  RunReport run;
  run.cases = {Case("setup/broken", Verdict::kError, "cannot seed the target")};
  EXPECT_THAT(Write(run), HasSubstr("ERROR setup/broken  (0 steps, 0.0 ms)\n"
                                    "  cannot seed the target\n"));
}

TEST_F(ConsoleReportTest, WritesNoEscapeSequencesUnlessAskedForColor) {
  EXPECT_THAT(Write(run_), Not(HasSubstr("\x1b[")));
  options_.color = true;
  const std::string text = Write(run_);
  EXPECT_THAT(text, HasSubstr("\x1b[32mPASS\x1b[0m authorize/basic"));
  EXPECT_THAT(text, HasSubstr("\x1b[1;31mFAIL\x1b[0m limits/minute-exceeded"));
  // The plain line stays plain for CI tools.
  EXPECT_THAT(text, EndsWith("\n1 passed, 3 failed, 1 skipped\n"));
}

TEST_F(ConsoleReportTest, WritesOnlyTheSummaryForAnEmptyRun) {
  EXPECT_EQ(
      "\n0 cases: 0 passed, 0 failed, 0 skipped, 0 known deviations in "
      "0.0 ms (seed 1)\n0 passed, 0 failed\n",
      Write(RunReport()));
}

TEST(WriteFailedStepTest, IndentsAsAsked) {
  StepReport step;
  step.index = 2;
  step.kind = "check";
  step.differences = {{"counter hits/minute", "3", "4", "model"}};
  std::ostringstream out;
  WriteFailedStep(step, ConsoleOptions{}, out, 0);
  EXPECT_EQ(
      "step 2 (check)\n  counter hits/minute: expected 3, actual 4  [model]\n",
      out.str());
}

TEST(WriteFailedStepTest, ShowsAnEmptyValueAsNone) {
  StepReport step;
  step.index = 1;
  step.differences = {
      {"header 3scale-rejection-reason", "limits_exceeded", "", "model"}};
  std::ostringstream out;
  WriteFailedStep(step, ConsoleOptions{}, out, 0);
  EXPECT_THAT(out.str(), HasSubstr("expected limits_exceeded, actual (none)"));
}

}  // namespace
}  // namespace scalecheck::reports
