// tests/reports/junit_report_test.cc
//
// The JUnit XML report, parsed back with pugixml: the structure CI systems
// read, and escaping that keeps the document well-formed whatever the bodies.
#include "reports/junit_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <sstream>
#include <string>

#include "tests/reports/sample_report.h"

namespace scalecheck::reports {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::Not;

class JUnitReportTest : public ::testing::Test {
 protected:
  // Writes `run` and parses it; fails the test if it is not well-formed.
  void Parse(const RunReport& run) {
    std::ostringstream out;
    WriteJUnitReport(run, out);
    xml_ = out.str();
    const pugi::xml_parse_result result = doc_.load_string(xml_.c_str());
    ASSERT_TRUE(result) << result.description() << " at offset "
                        << result.offset << " in\n"
                        << xml_;
  }

  pugi::xml_node Suite() { return doc_.child("testsuite"); }

  pugi::xml_node TestCase(const std::string& name) {
    return Suite().find_child_by_attribute("testcase", "name", name.c_str());
  }

  std::string xml_;
  pugi::xml_document doc_;
};

TEST_F(JUnitReportTest, HasOneSuiteWithTheRunsCounts) {
  ASSERT_NO_FATAL_FAILURE(Parse(test::SampleRun()));
  const pugi::xml_node suite = Suite();
  ASSERT_TRUE(suite);
  EXPECT_STREQ("scalecheck", suite.attribute("name").value());
  EXPECT_EQ(6, suite.attribute("tests").as_int());
  EXPECT_EQ(2, suite.attribute("failures").as_int());
  EXPECT_EQ(1, suite.attribute("errors").as_int());
  EXPECT_EQ(1, suite.attribute("skipped").as_int());
  EXPECT_STREQ("0.034512", suite.attribute("time").value());
  EXPECT_STREQ("2024-03-04T09:00:00Z", suite.attribute("timestamp").value());
  EXPECT_EQ(
      6u, static_cast<size_t>(std::distance(suite.children("testcase").begin(),
                                            suite.children("testcase").end())));
}

TEST_F(JUnitReportTest, RecordsTargetSeedAndCompareModeAsProperties) {
  ASSERT_NO_FATAL_FAILURE(Parse(test::SampleRun()));
  const pugi::xml_node properties = Suite().child("properties");
  auto value = [&](const char* name) -> std::string {
    return properties.find_child_by_attribute("property", "name", name)
        .attribute("value")
        .value();
  };
  EXPECT_EQ("embedded mock (http://127.0.0.1:41234)", value("target"));
  EXPECT_EQ("42", value("seed"));
  EXPECT_EQ("exact", value("compare_mode"));
  EXPECT_EQ("scalecheck 0.1.0", value("tool_version"));
}

TEST_F(JUnitReportTest, NamesEachTestCaseByIdWithItsGroupAsClassName) {
  ASSERT_NO_FATAL_FAILURE(Parse(test::SampleRun()));
  const pugi::xml_node pass = TestCase("authorize/basic");
  ASSERT_TRUE(pass);
  EXPECT_STREQ("authorize", pass.attribute("classname").value());
  EXPECT_STREQ("0.001234", pass.attribute("time").value());
  EXPECT_STREQ("scenarios/conformance/authorize.toml",
               pass.attribute("file").value());
  EXPECT_FALSE(pass.first_child());
}

TEST_F(JUnitReportTest, UsesTheWholeIdAsClassNameWhenItHasNoSlash) {
  RunReport run;
  CaseReport c;
  c.id = "standalone";
  run.cases = {c};
  ASSERT_NO_FATAL_FAILURE(Parse(run));
  EXPECT_STREQ("standalone",
               TestCase("standalone").attribute("classname").value());
}

TEST_F(JUnitReportTest, DescribesAFailureWithTheStepAndItsDiff) {
  ASSERT_NO_FATAL_FAILURE(Parse(test::SampleRun()));
  const pugi::xml_node failure =
      TestCase("limits/minute-exceeded").child("failure");
  ASSERT_TRUE(failure);
  EXPECT_STREQ("step 4: status: expected 409, actual 200",
               failure.attribute("message").value());
  EXPECT_STREQ("fail", failure.attribute("type").value());
  const std::string text = failure.text().get();
  EXPECT_THAT(text, HasSubstr("scenarios/conformance/limits.toml:26:1: step 4 "
                              "(authrep)"));
  EXPECT_THAT(text, HasSubstr("status: expected 409, actual 200  [model]"));
  EXPECT_THAT(text, HasSubstr("-   <authorized>false</authorized>\n"));
  EXPECT_THAT(text, HasSubstr("+   <authorized>true</authorized>\n"));
  EXPECT_THAT(text, Not(HasSubstr("\x1b[")));
}

TEST_F(JUnitReportTest, ReportsErrorsSkipsAndKnownDeviations) {
  ASSERT_NO_FATAL_FAILURE(Parse(test::SampleRun()));
  const pugi::xml_node error = TestCase("report/batch").child("error");
  ASSERT_TRUE(error);
  EXPECT_STREQ("cannot reach the target: connection refused",
               error.attribute("message").value());
  EXPECT_THAT(error.text().get(), HasSubstr("response: none"));

  const pugi::xml_node skipped = TestCase("clock/year-end").child("skipped");
  ASSERT_TRUE(skipped);
  EXPECT_STREQ("needs virtual-clock", skipped.attribute("message").value());

  const pugi::xml_node known = TestCase("oauth/redirect-uri");
  EXPECT_FALSE(known.child("failure"));
  EXPECT_FALSE(known.child("error"));
  EXPECT_FALSE(known.child("skipped"));
  EXPECT_STREQ("known deviation: apisonator answers <redirect_url>",
               known.child("system-out").text().get());
}

TEST_F(JUnitReportTest, StaysWellFormedWithHostileTextAnywhere) {
  RunReport run;
  run.target = "a\"b<c>&d\x01";
  CaseReport c;
  c.id = "x/\"quoted\" & <tagged>";
  c.verdict = Verdict::kFail;
  c.message = "line one\nline two\ttab \x02\xff ]]> end";
  StepReport step;
  step.index = 1;
  step.verdict = Verdict::kFail;
  step.description = "<![CDATA[ nope ]]>";
  step.differences = {{"body", "</failure>\0"s, "\xC0\xAF", "model"}};
  c.steps = {step};
  run.cases = {c};
  ASSERT_NO_FATAL_FAILURE(Parse(run));

  EXPECT_STREQ("a\"b<c>&d",
               Suite()
                   .child("properties")
                   .find_child_by_attribute("property", "name", "target")
                   .attribute("value")
                   .value());
  const pugi::xml_node testcase = Suite().child("testcase");
  EXPECT_STREQ("x/\"quoted\" & <tagged>", testcase.attribute("name").value());
  const pugi::xml_node failure = testcase.child("failure");
  // Line breaks survive in the attribute; \x02 is dropped; \xff is replaced.
  EXPECT_STREQ("line one\nline two\ttab \xEF\xBF\xBD ]]> end",
               failure.attribute("message").value());
  const std::string text = failure.text().get();
  EXPECT_THAT(text, HasSubstr("<![CDATA[ nope ]]>"));
  EXPECT_THAT(text, HasSubstr("- </failure>\n"));
  EXPECT_THAT(text, HasSubstr("- \\x00\n"));
}

TEST_F(JUnitReportTest, WritesAnEmptySuiteForAnEmptyRun) {
  ASSERT_NO_FATAL_FAILURE(Parse(RunReport()));
  EXPECT_EQ(0, Suite().attribute("tests").as_int());
  EXPECT_FALSE(Suite().child("testcase"));
  EXPECT_FALSE(Suite().attribute("timestamp"));
}

}  // namespace
}  // namespace scalecheck::reports
