// tests/reports/sample_report.h
//
// A RunReport like a real run's, built in memory for the writers' tests: one
// case of each verdict, an authrep whose <status> differs from the model's,
// and a step whose bodies hold markup, control bytes and invalid UTF-8.
#pragma once

#include <chrono>
#include <string>

#include "reports/run_report.h"

namespace scalecheck::test {

inline std::string StatusXml(bool authorized, int current_value) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><status><authorized>";
  xml += authorized ? "true" : "false";
  xml += "</authorized>";
  if (!authorized) xml += "<reason>usage limits are exceeded</reason>";
  xml +=
      "<plan>Basic</plan><usage_reports><usage_report metric=\"hits\" "
      "period=\"minute\"";
  if (!authorized) xml += " exceeded=\"true\"";
  xml +=
      "><period_start>2024-03-04 09:00:00 +0000</period_start><period_end>"
      "2024-03-04 09:01:00 +0000</period_end><max_value>3</max_value>"
      "<current_value>" +
      std::to_string(current_value) +
      "</current_value></usage_report></usage_reports></status>";
  return xml;
}

inline reports::StepReport AuthRepStep(int index, int hits_so_far) {
  using namespace std::chrono_literals;
  reports::StepReport step;
  step.index = index;
  step.kind = "authrep";
  step.description = "authrep app=a1 usage[hits]=1";
  step.location =
      "scenarios/conformance/limits.toml:" + std::to_string(10 + 4 * index) +
      ":1";
  step.clock = "2024-03-04T09:00:30Z";
  step.exchange.method = "GET";
  step.exchange.target =
      "/transactions/authrep.xml?service_token=st1&service_id=s1"
      "&app_id=a1&usage%5Bhits%5D=1";
  step.exchange.request_headers = {{"Host", "127.0.0.1:3001"},
                                   {"User-Agent", "scalecheck/0.1.0"},
                                   {"Accept", "*/*"}};
  step.exchange.status = 200;
  step.exchange.response_headers = {
      {"content-type", "application/vnd.3scale-v2.0+xml"},
      {"3scale-limit-remaining", std::to_string(2 - hits_so_far)}};
  step.exchange.response_body = StatusXml(true, hits_so_far + 1);
  step.expected_body = step.exchange.response_body;
  step.duration = 310us;
  return step;
}

inline reports::RunReport SampleRun() {
  using namespace std::chrono_literals;
  using namespace std::string_literals;
  using reports::Verdict;
  reports::RunReport run;
  run.tool_version = "scalecheck 0.1.0";
  run.target = "embedded mock (http://127.0.0.1:41234)";
  run.compare_mode = "exact";
  run.seed = 42;
  run.started_at = "2024-03-04T09:00:00Z";
  run.wall_time = 34512us;

  reports::CaseReport pass;
  pass.id = "authorize/basic";
  pass.title = "An active application with no limits is authorized";
  pass.file = "scenarios/conformance/authorize.toml";
  pass.spec = "3.1";
  pass.tags = {"authorize", "smoke"};
  pass.steps = {AuthRepStep(1, 0), AuthRepStep(2, 1), AuthRepStep(3, 2)};
  pass.duration = 1234us;
  run.cases.push_back(pass);

  reports::CaseReport fail;
  fail.id = "limits/minute-exceeded";
  fail.title = "The fourth hit in a minute is denied";
  fail.file = "scenarios/conformance/limits.toml";
  fail.spec = "4.2";
  fail.tags = {"limits"};
  fail.verdict = Verdict::kFail;
  fail.message = "step 4: status: expected 409, actual 200";
  fail.steps = {AuthRepStep(1, 0), AuthRepStep(2, 1), AuthRepStep(3, 2),
                AuthRepStep(4, 3)};
  reports::StepReport& bad = fail.steps.back();
  bad.verdict = Verdict::kFail;
  bad.message = "the 4th hit in the minute was authorized";
  bad.expected_body = StatusXml(false, 3);
  bad.exchange.response_body = StatusXml(true, 4);
  bad.differences = {
      {"status", "409", "200", "model"},
      {"header 3scale-limit-remaining", "0", "-1",
       "scenarios/conformance/limits.toml:27:3"},
      {"body", bad.expected_body, bad.exchange.response_body, "model"},
  };
  fail.duration = 2345us;
  run.cases.push_back(fail);

  reports::CaseReport hostile;
  hostile.id = "raw/hostile-body";
  hostile.title = "A body with markup, control bytes and invalid UTF-8";
  hostile.file = "scenarios/conformance/raw.toml";
  hostile.spec = "2.4";
  hostile.verdict = Verdict::kFail;
  hostile.message = "body differs </script><b>";
  reports::StepReport raw;
  raw.index = 1;
  raw.kind = "raw";
  raw.description = "POST /transactions.xml <raw>";
  raw.location = "scenarios/conformance/raw.toml:3:1";
  raw.verdict = Verdict::kFail;
  raw.exchange.method = "POST";
  raw.exchange.target = "/transactions.xml";
  raw.exchange.request_headers = {
      {"Content-Type", "application/x-www-form-urlencoded"}};
  raw.exchange.request_body = "service_token=st1&transactions[0][app_id]=a1";
  raw.exchange.status = 500;
  raw.exchange.response_body = "oops </script><b>bold</b>\x01\xff\xfe end\0"s;
  raw.expected_body = "<error code=\"bad\">&lt;b&gt;</error>";
  raw.differences = {
      {"status", "400", "500", "model"},
      {"body", raw.expected_body, raw.exchange.response_body, "model"}};
  raw.duration = 90us;
  hostile.steps = {raw};
  hostile.duration = 150us;
  run.cases.push_back(hostile);

  reports::CaseReport error;
  error.id = "report/batch";
  error.title = "A batch of reports is counted atomically";
  error.file = "scenarios/conformance/report.toml";
  error.spec = "3.5";
  error.verdict = Verdict::kError;
  error.message = "cannot reach the target: connection refused";
  reports::StepReport unreachable = AuthRepStep(1, 0);
  unreachable.verdict = Verdict::kError;
  unreachable.exchange.status = 0;
  unreachable.exchange.response_headers.clear();
  unreachable.exchange.response_body.clear();
  unreachable.message = "connection refused";
  error.steps = {unreachable};
  error.duration = 80us;
  run.cases.push_back(error);

  reports::CaseReport skip;
  skip.id = "clock/year-end";
  skip.title = "A yearly limit resets on 1 January";
  skip.file = "scenarios/conformance/periods.toml";
  skip.spec = "4.5";
  skip.verdict = Verdict::kSkip;
  skip.message = "needs virtual-clock";
  run.cases.push_back(skip);

  reports::CaseReport known;
  known.id = "oauth/redirect-uri";
  known.title = "redirect_uri is echoed as <redirect_uri>";
  known.file = "scenarios/conformance/oauth.toml";
  known.spec = "3.3";
  known.verdict = Verdict::kKnownDeviation;
  known.message = "apisonator answers <redirect_url>";
  known.steps = {AuthRepStep(1, 0)};
  known.duration = 400us;
  run.cases.push_back(known);
  return run;
}

}  // namespace scalecheck::test
