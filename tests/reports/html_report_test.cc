// tests/reports/html_report_test.cc
//
// The HTML report: one self-contained file that shows every case, escapes
// every body, and carries the trace of failed steps.
#include "reports/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "tests/reports/sample_report.h"

namespace scalecheck::reports {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Write(const RunReport& run) {
  std::ostringstream out;
  WriteHtmlReport(run, out);
  return out.str();
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

class HtmlReportTest : public ::testing::Test {
 protected:
  std::string html_ = Write(test::SampleRun());
};

TEST_F(HtmlReportTest, IsOneHtml5Document) {
  EXPECT_THAT(html_, StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_THAT(html_, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_EQ(1u, Occurrences(html_, "</html>"));
}

TEST_F(HtmlReportTest, LoadsNothingFromOutside) {
  // The target's URL appears as text; nothing may be fetched or linked.
  const std::string lower = [&] {
    std::string s = html_;
    for (char& c : s) c = static_cast<char>(std::tolower(c));
    return s;
  }();
  EXPECT_THAT(lower, Not(HasSubstr("<link")));
  EXPECT_THAT(lower, Not(HasSubstr("<img")));
  EXPECT_THAT(lower, Not(HasSubstr("<iframe")));
  EXPECT_THAT(lower, Not(HasSubstr("@import")));
  EXPECT_THAT(lower, Not(HasSubstr("url(")));
  EXPECT_THAT(lower, Not(ContainsRegex("(src|href|action)=")));
  EXPECT_THAT(lower, Not(HasSubstr("https:")));
  EXPECT_THAT(lower, Not(HasSubstr("\"//")));
  // One inline script, no other.
  EXPECT_EQ(1u, Occurrences(lower, "<script"));
  EXPECT_EQ(1u, Occurrences(lower, "<script>"));
}

TEST_F(HtmlReportTest, NamesEveryCase) {
  for (const CaseReport& c : test::SampleRun().cases) {
    EXPECT_THAT(html_, HasSubstr("<td class=\"id\">" + c.id + "</td>")) << c.id;
  }
}

TEST_F(HtmlReportTest, ShowsTheSummary) {
  EXPECT_THAT(html_, HasSubstr("<b>6</b><span>cases</span>"));
  EXPECT_THAT(html_, HasSubstr("<b>1</b><span>passed</span>"));
  EXPECT_THAT(html_, HasSubstr("<b>2</b><span>failed</span>"));
  EXPECT_THAT(html_, HasSubstr("<b>1</b><span>errors</span>"));
  EXPECT_THAT(html_, HasSubstr("<b>1</b><span>skipped</span>"));
  EXPECT_THAT(html_, HasSubstr("<b>1</b><span>known deviations</span>"));
  EXPECT_THAT(html_, HasSubstr("<b>Target</b> embedded mock "
                               "(http://127.0.0.1:41234)"));
  EXPECT_THAT(html_, HasSubstr("<b>Seed</b> 42"));
  EXPECT_THAT(html_, HasSubstr("<b>Wall time</b> 34.5 ms"));
  EXPECT_THAT(html_, HasSubstr("<b>Compare</b> exact"));
}

TEST_F(HtmlReportTest, EscapesBodiesSoTheyCannotBreakOut) {
  // The hostile body holds "</script><b>"; only the report's own script tag
  // may close a script.
  EXPECT_EQ(1u, Occurrences(html_, "</script>"));
  EXPECT_THAT(html_, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(html_, HasSubstr("oops &lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"
                               "\\x01\\xff\\xfe end\\x00"));
  EXPECT_THAT(html_, HasSubstr("body differs &lt;/script&gt;&lt;b&gt;"));
  // An entity in a body is shown as the text it is.
  EXPECT_THAT(html_, HasSubstr("&lt;error code=&quot;bad&quot;&gt;&amp;lt;b"
                               "&amp;gt;&lt;/error&gt;"));
}

TEST_F(HtmlReportTest, EscapesEveryFieldOfTheModel) {
  RunReport run;
  run.target = "<i>target</i>";
  run.tool_version = "<i>tool</i>";
  CaseReport c;
  c.id = "x/<i>id</i>";
  c.title = "<i>title</i>";
  c.spec = "<i>spec</i>";
  c.file = "<i>file</i>";
  c.tags = {"<i>tag</i>"};
  c.verdict = Verdict::kFail;
  c.message = "<i>message</i>";
  StepReport step;
  step.verdict = Verdict::kFail;
  step.kind = "<i>kind</i>";
  step.description = "<i>description</i>";
  step.location = "<i>location</i>";
  step.clock = "<i>clock</i>";
  step.message = "<i>step message</i>";
  step.exchange.method = "<i>GET</i>";
  step.exchange.target = "/<i>target</i>";
  step.exchange.request_headers = {{"<i>name</i>", "<i>value</i>"}};
  step.exchange.status = 200;
  step.exchange.response_body = "<i>actual</i>";
  step.expected_body = "<i>expected</i>";
  step.differences = {{"<i>what</i>", "<i>e</i>", "<i>a</i>", "<i>src</i>"},
                      {"body", "", "", "<i>src</i>"}};
  c.steps = {step};
  run.cases = {c};
  const std::string html = Write(run);
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
  EXPECT_THAT(html, HasSubstr("&lt;i&gt;description&lt;/i&gt;"));
}

TEST_F(HtmlReportTest, ShowsTheTraceOfAFailedStep) {
  EXPECT_THAT(html_, HasSubstr("<div class=\"step-msg\">the 4th hit in the "
                               "minute was authorized</div>"));
  EXPECT_THAT(html_, HasSubstr("<span class=\"dl exp\">-   &lt;authorized&gt;"
                               "false&lt;/authorized&gt;</span>"));
  EXPECT_THAT(html_, HasSubstr("<span class=\"dl act\">+   &lt;authorized&gt;"
                               "true&lt;/authorized&gt;</span>"));
  EXPECT_THAT(html_, HasSubstr("<h4>Request</h4><pre><span class=\"rl\">GET "
                               "/transactions/authrep.xml?service_token=st1"
                               "&amp;service_id=s1"));
  EXPECT_THAT(html_, HasSubstr("<h4>Response</h4><pre><span class=\"rl\">200"));
  EXPECT_THAT(html_, HasSubstr("<h4>Expected body</h4>"));
  EXPECT_THAT(html_, HasSubstr("<td><span class=\"exp\">409</span></td>"
                               "<td><span class=\"act\">200</span></td>"));
}

TEST_F(HtmlReportTest, OpensFailedStepsAndFewFailedCases) {
  EXPECT_THAT(html_, HasSubstr("<details class=\"step fail\" open>"));
  EXPECT_THAT(html_, HasSubstr("<details class=\"step pass\"><summary>"));
  EXPECT_THAT(html_, HasSubstr("<tr class=\"case v-fail open\""));
  EXPECT_THAT(html_, HasSubstr("<tr class=\"case v-pass\""));
}

TEST_F(HtmlReportTest, KeepsTracesOfManyFailuresClosed) {
  RunReport run;
  for (int i = 0; i < 6; ++i) {
    CaseReport c;
    c.id = "f/" + std::to_string(i);
    c.verdict = Verdict::kFail;
    run.cases.push_back(c);
  }
  const std::string html = Write(run);
  EXPECT_THAT(html, Not(HasSubstr(" open\"")));
  EXPECT_EQ(6u, Occurrences(html, "<tr class=\"trace\" hidden>"));
}

TEST_F(HtmlReportTest, ColorsEachVerdict) {
  EXPECT_THAT(html_, HasSubstr("<span class=\"pill pass\">PASS</span>"));
  EXPECT_THAT(html_, HasSubstr("<span class=\"pill fail\">FAIL</span>"));
  EXPECT_THAT(html_, HasSubstr("<span class=\"pill error\">ERROR</span>"));
  EXPECT_THAT(html_, HasSubstr("<span class=\"pill skip\">SKIP</span>"));
  EXPECT_THAT(html_,
              HasSubstr("<span class=\"pill known-deviation\">KNOWN</span>"));
}

TEST_F(HtmlReportTest, ReplacesInvalidUtf8) {
  RunReport run;
  CaseReport c;
  c.id = "bad/\xff";
  run.cases = {c};
  const std::string html = Write(run);
  EXPECT_THAT(html, HasSubstr("bad/\xEF\xBF\xBD"));
  EXPECT_THAT(html, Not(HasSubstr("\xff")));
}

TEST_F(HtmlReportTest, RendersAnEmptyRun) {
  const std::string html = Write(RunReport());
  EXPECT_THAT(html, HasSubstr("<b>0</b><span>cases</span>"));
  EXPECT_THAT(html, HasSubstr("</html>"));
}

}  // namespace
}  // namespace scalecheck::reports
