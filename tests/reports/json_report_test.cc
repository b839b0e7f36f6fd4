// tests/reports/json_report_test.cc
//
// The JSON report, parsed back with nlohmann-json: everything in the model,
// with bodies that are not UTF-8 in base64.
#include "reports/json_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/reports/sample_report.h"

namespace scalecheck::reports {
namespace {

using namespace std::string_literals;
using Json = nlohmann::json;

Json Write(const RunReport& run) {
  std::ostringstream out;
  WriteJsonReport(run, out);
  // Parse without exceptions: a discarded value means the JSON was invalid.
  return Json::parse(out.str(), nullptr, /*allow_exceptions=*/false);
}

std::string DecodeBase64(const std::string& text) {
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<unsigned>(alphabet.find(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

class JsonReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json_ = Write(test::SampleRun());
    ASSERT_FALSE(json_.is_discarded());
  }

  // The case with `id`; null if there is none.
  Json Case(const std::string& id) {
    for (const Json& c : json_["cases"]) {
      if (c["id"] == id) return c;
    }
    return nullptr;
  }

  Json json_;
};

TEST_F(JsonReportTest, DescribesTheRun) {
  EXPECT_EQ("scalecheck-report", json_["format"]);
  EXPECT_EQ(1, json_["format_version"]);
  EXPECT_EQ("scalecheck 0.1.0", json_["tool_version"]);
  EXPECT_EQ("embedded mock (http://127.0.0.1:41234)", json_["target"]);
  EXPECT_EQ("exact", json_["compare_mode"]);
  EXPECT_EQ(42, json_["seed"]);
  EXPECT_EQ("2024-03-04T09:00:00Z", json_["started_at"]);
  EXPECT_EQ(34512, json_["wall_time_us"]);
}

TEST_F(JsonReportTest, CountsCasesByVerdict) {
  EXPECT_EQ(Json({{"cases", 6},
                  {"pass", 1},
                  {"fail", 2},
                  {"skip", 1},
                  {"error", 1},
                  {"known_deviation", 1}}),
            json_["summary"]);
}

TEST_F(JsonReportTest, HasEveryCaseWithItsFields) {
  ASSERT_EQ(6u, json_["cases"].size());
  const Json c = Case("limits/minute-exceeded");
  ASSERT_TRUE(c.is_object());
  EXPECT_EQ("The fourth hit in a minute is denied", c["title"]);
  EXPECT_EQ("scenarios/conformance/limits.toml", c["file"]);
  EXPECT_EQ("4.2", c["spec"]);
  EXPECT_EQ(Json::array({"limits"}), c["tags"]);
  EXPECT_EQ("fail", c["verdict"]);
  EXPECT_EQ("step 4: status: expected 409, actual 200", c["message"]);
  EXPECT_EQ(2345, c["duration_us"]);
  EXPECT_EQ(4u, c["steps"].size());
  EXPECT_EQ("known-deviation", Case("oauth/redirect-uri")["verdict"]);
}

TEST_F(JsonReportTest, HasEveryStepWithRequestResponseAndDifferences) {
  const Json step = Case("limits/minute-exceeded")["steps"][3];
  EXPECT_EQ(4, step["index"]);
  EXPECT_EQ(0, step["iteration"]);
  EXPECT_EQ("authrep", step["kind"]);
  EXPECT_EQ("authrep app=a1 usage[hits]=1", step["description"]);
  EXPECT_EQ("scenarios/conformance/limits.toml:26:1", step["location"]);
  EXPECT_EQ("2024-03-04T09:00:30Z", step["clock"]);
  EXPECT_EQ("fail", step["verdict"]);
  EXPECT_EQ("the 4th hit in the minute was authorized", step["message"]);
  EXPECT_EQ(310, step["duration_us"]);

  const Json request = step["request"];
  EXPECT_EQ("GET", request["method"]);
  EXPECT_EQ(
      "/transactions/authrep.xml?service_token=st1&service_id=s1&app_id=a1"
      "&usage%5Bhits%5D=1",
      request["target"]);
  EXPECT_EQ(Json::array({Json::array({"Host", "127.0.0.1:3001"}),
                         Json::array({"User-Agent", "scalecheck/0.1.0"}),
                         Json::array({"Accept", "*/*"})}),
            request["headers"]);
  EXPECT_EQ("", request["body"]);

  const Json response = step["response"];
  EXPECT_EQ(200, response["status"]);
  EXPECT_EQ(Json::array({"3scale-limit-remaining", "-1"}),
            response["headers"][1]);
  EXPECT_EQ(test::StatusXml(true, 4), response["body"]);
  EXPECT_EQ(test::StatusXml(false, 3), step["expected_body"]);

  ASSERT_EQ(3u, step["differences"].size());
  EXPECT_EQ(Json({{"what", "status"},
                  {"expected", "409"},
                  {"actual", "200"},
                  {"source", "model"}}),
            step["differences"][0]);
}

TEST_F(JsonReportTest, WritesNullForAMissingResponse) {
  const Json step = Case("report/batch")["steps"][0];
  EXPECT_TRUE(step["request"].is_object());
  EXPECT_TRUE(step["response"].is_null());
}

TEST_F(JsonReportTest, WritesNullRequestAndResponseForAClockStep) {
  RunReport run;
  CaseReport c;
  c.id = "clock/advance";
  StepReport advance;
  advance.kind = "advance";
  c.steps = {advance};
  run.cases = {c};
  const Json json = Write(run);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_TRUE(json["cases"][0]["steps"][0]["request"].is_null());
  EXPECT_TRUE(json["cases"][0]["steps"][0]["response"].is_null());
}

TEST_F(JsonReportTest, EncodesBodiesThatAreNotUtf8InBase64) {
  const Json step = Case("raw/hostile-body")["steps"][0];
  const Json response = step["response"];
  EXPECT_FALSE(response.contains("body"));
  ASSERT_TRUE(response.contains("body_b64"));
  EXPECT_EQ("oops </script><b>bold</b>\x01\xff\xfe end\0"s,
            DecodeBase64(response["body_b64"]));
  // The request body and expected body are UTF-8: plain strings.
  EXPECT_EQ("service_token=st1&transactions[0][app_id]=a1",
            step["request"]["body"]);
  EXPECT_EQ("<error code=\"bad\">&lt;b&gt;</error>", step["expected_body"]);
  const Json body_difference = step["differences"][1];
  EXPECT_TRUE(body_difference.contains("expected"));
  EXPECT_TRUE(body_difference.contains("actual_b64"));
}

TEST_F(JsonReportTest, KeepsControlBytesOfValidUtf8BodiesAsText) {
  RunReport run;
  CaseReport c;
  StepReport step;
  step.exchange.method = "GET";
  step.exchange.status = 200;
  step.exchange.response_body = "nul\0tab\t\"q\""s;
  c.steps = {step};
  run.cases = {c};
  const Json json = Write(run);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ("nul\0tab\t\"q\""s,
            json["cases"][0]["steps"][0]["response"]["body"]);
}

TEST_F(JsonReportTest, EncodesEveryPaddingLength) {
  for (const std::string& body :
       {"\xff"s, "\xff\xfe"s, "\xff\xfe\xfd"s, "\xff\xfe\xfd\xfc"s}) {
    RunReport run;
    CaseReport c;
    StepReport step;
    step.expected_body = body;
    c.steps = {step};
    run.cases = {c};
    const Json json = Write(run);
    ASSERT_FALSE(json.is_discarded());
    const std::string encoded =
        json["cases"][0]["steps"][0]["expected_body_b64"];
    EXPECT_EQ(0u, encoded.size() % 4) << encoded;
    EXPECT_EQ(body, DecodeBase64(encoded)) << encoded;
  }
}

TEST_F(JsonReportTest, ReplacesInvalidUtf8InOtherStrings) {
  RunReport run;
  CaseReport c;
  c.id = "bad/\xff";
  c.title = "caf\xC3\xA9";
  run.cases = {c};
  const Json json = Write(run);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ("bad/\xEF\xBF\xBD", json["cases"][0]["id"]);
  EXPECT_EQ("caf\xC3\xA9", json["cases"][0]["title"]);
}

}  // namespace
}  // namespace scalecheck::reports
