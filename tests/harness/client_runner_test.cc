// tests/harness/client_runner_test.cc
//
// The client runner's pure parts: a call step turned into an adapter command,
// a client's result compared with the model's answer and with a step's
// expect, and what the client sent compared with the conformant request.
// No processes, no sockets.
#include "harness/client_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/status_xml.h"
#include "harness/request_builder.h"
#include "harness/scenario_loader.h"

namespace scalecheck::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr const char* kFixture = R"(
[[services]]
id = "s1"
provider_key = "pk1"
service_tokens = ["tok1"]
metrics = [{ name = "hits" }, { name = "search", parent = "hits" }]
[[services.plans]]
id = "p1"
name = "Basic"
limits = { hits = { day = 5 } }
[[services.applications]]
id = "a1"
keys = ["k1"]
)";

// The conformant request for the first step of a scenario made of the
// fixture and `steps` (TOML).
core::HttpRequest RequestFor(const std::string& steps,
                             CallKind* kind = nullptr) {
  core::Result<Scenario> scenario =
      ParseScenario(std::string(kFixture) + steps, "scenarios/clients/t.toml");
  EXPECT_TRUE(scenario.ok()) << scenario.status().message();
  if (!scenario.ok()) return {};
  const CallStep& call = scenario.value().steps.front().call;
  if (kind != nullptr) *kind = call.kind;
  return BuildCallRequest(scenario.value(), call);
}

core::Result<ClientCommand> CommandFor(const std::string& steps) {
  CallKind kind = CallKind::kAuthorize;
  const core::HttpRequest request = RequestFor(steps, &kind);
  return CommandForRequest(kind, request);
}

TEST(CommandForRequestTest, MapsACallOntoTheProtocolFields) {
  core::Result<ClientCommand> command = CommandFor(R"(
[[steps]]
authrep = { usage = { hits = 1, search = "#2" }, log = { code = 200 }, extensions = { limit_headers = 1 }, referrer = "x.org" }
)");
  ASSERT_TRUE(command.ok()) << command.status().message();
  const ClientCommand& c = command.value();
  EXPECT_EQ(c.op, "authrep");
  EXPECT_EQ(c.provider_key, "pk1");
  EXPECT_FALSE(c.service_id.has_value());  // The provider's default service.
  EXPECT_FALSE(c.service_token.has_value());
  EXPECT_EQ(c.app_id, "a1");
  EXPECT_EQ(c.app_key, "k1");
  EXPECT_EQ(c.referrer, "x.org");
  EXPECT_THAT(c.usage, ElementsAre(Pair("hits", "1"), Pair("search", "#2")));
  EXPECT_THAT(c.log, ElementsAre(Pair("code", "200")));
  EXPECT_THAT(c.extensions, ElementsAre(Pair("limit_headers", "1")));
  EXPECT_EQ(
      ToJsonLine(c),
      R"({"op":"authrep","provider_key":"pk1","app_id":"a1","app_key":"k1",)"
      R"("referrer":"x.org","usage":{"hits":"1","search":"#2"},"log":{"code":"200"},)"
      R"("extensions":{"limit_headers":"1"}})");
}

TEST(CommandForRequestTest, MapsAReportWithAServiceToken) {
  core::Result<ClientCommand> command = CommandFor(R"(
[[steps]]
report = { credentials = "service_token", transactions = [{ app = "a1", usage = { hits = 1 }, timestamp = "2024-05-15 10:00:00 +0000", log_code = 200 }, { app = "a1", usage = { search = 2 } }] }
)");
  ASSERT_TRUE(command.ok()) << command.status().message();
  const ClientCommand& c = command.value();
  EXPECT_EQ(c.op, "report");
  EXPECT_EQ(c.service_token, "tok1");
  EXPECT_EQ(c.service_id, "s1");
  EXPECT_FALSE(c.provider_key.has_value());
  ASSERT_THAT(c.transactions, SizeIs(2));
  EXPECT_EQ(c.transactions[0].app_id, "a1");
  EXPECT_EQ(c.transactions[0].timestamp, "2024-05-15 10:00:00 +0000");
  EXPECT_THAT(c.transactions[0].usage, ElementsAre(Pair("hits", "1")));
  EXPECT_THAT(c.transactions[0].log, ElementsAre(Pair("code", "200")));
  EXPECT_THAT(c.transactions[1].usage, ElementsAre(Pair("search", "2")));
}

TEST(CommandForRequestTest, SendsLogAsAPlainValueWhenTheStepDoes) {
  core::Result<ClientCommand> command = CommandFor(R"(
[[steps]]
authrep = { usage = { hits = 1 }, params = { log = "abc" } }
)");
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(command.value().log_text, "abc");
  EXPECT_THAT(command.value().log, IsEmpty());
}

TEST(CommandForRequestTest, RefusesWhatNoCommandCanCarry) {
  struct Case {
    std::string steps;
    std::string error;
  };
  const Case cases[] = {
      {"[[steps]]\nauthorize = { params = { user_id = \"u1\" } }\n",
       "parameter 'user_id' has no place in a client command"},
      {"[[steps]]\nauthorize = { params = [[\"usage\", \"1\"]] }\n",
       "parameter 'usage' is not a hash"},
      {"[[steps]]\nauthorize = { params = [[\"referrer[x]\", \"1\"]] }\n",
       "parameter 'referrer' is not a plain value"},
      {"[[steps]]\nreport = { transactions = [{ app = \"a1\" }], params = { "
       "app_id = \"a1\" } }\n",
       "parameter 'app_id' has no place in a client command"},
  };
  for (const Case& c : cases) {
    core::Result<ClientCommand> command = CommandFor(c.steps);
    ASSERT_FALSE(command.ok()) << c.steps;
    EXPECT_EQ(command.status().message(), c.error) << c.steps;
  }
  // TOML text is UTF-8, but a request need not be.
  core::HttpRequest request;
  request.method = "GET";
  request.target = "/transactions/authorize.xml?provider_key=pk1&app_id=%ff";
  EXPECT_EQ(CommandForRequest(CallKind::kAuthorize, request).status().message(),
            "a parameter is not UTF-8, and a client command is JSON text");
}

// ---- (a) the client's result against the model -----------------------------

std::string AuthorizedBody() {
  core::StatusDocument status;
  status.plan_name = "Basic";
  core::UsageReport report;
  report.metric_name = "hits";
  report.period = core::Period::kDay;
  report.period_start =
      core::UtcTime(std::chrono::sys_days(std::chrono::year(2024) / 5 / 15)
                        .time_since_epoch());
  report.period_end = report.period_start + std::chrono::days(1);
  report.max_value = 100;
  report.current_value = 2;
  status.usage_reports.push_back(report);
  return core::RenderStatus(status);
}

ClientResult AuthorizedResult() {
  ClientResult r;
  r.ok = true;
  r.http_status = 200;
  r.plan = "Basic";
  ClientUsageReport report;
  report.metric = "hits";
  report.period = "day";
  report.current_value = "2";
  report.max_value = "100";
  report.period_start = "2024-05-15 00:00:00 +0000";
  report.period_end = "2024-05-16 00:00:00 +0000";
  report.exceeded = false;
  r.usage_reports.push_back(report);
  return r;
}

std::vector<std::string> Whats(const std::vector<reports::Difference>& diffs) {
  std::vector<std::string> whats;
  for (const reports::Difference& d : diffs) whats.push_back(d.what);
  return whats;
}

TEST(CompareClientResultTest, AcceptsAResultThatSaysWhatTheAnswerSays) {
  const AnswerSummary model = SummarizeAnswer(200, AuthorizedBody());
  EXPECT_THAT(
      CompareClientResult(model, CallKind::kAuthorize, AuthorizedResult()),
      IsEmpty());
}

TEST(CompareClientResultTest, NamesEachFieldTheClientGotWrong) {
  const AnswerSummary model = SummarizeAnswer(200, AuthorizedBody());
  ClientResult result = AuthorizedResult();
  result.plan = "basic";
  result.usage_reports[0].exceeded = true;  // "2" > "100" compared as text.
  result.usage_reports[0].period_end.reset();
  const auto diffs = CompareClientResult(model, CallKind::kAuthorize, result);
  EXPECT_THAT(Whats(diffs),
              ElementsAre("plan", "usage_report hits/day period_end",
                          "usage_report hits/day exceeded"));
  EXPECT_EQ(diffs[0].expected, "\"Basic\"");
  EXPECT_EQ(diffs[0].actual, "\"basic\"");
  EXPECT_EQ(diffs[0].source, "model");
}

TEST(CompareClientResultTest, ReportsAnExceptionInsteadOfAResult) {
  const AnswerSummary model = SummarizeAnswer(
      422,
      core::RenderError({"service_id_missing", "Service ID is missing", 422}));
  ClientResult result;
  result.exception = "Client::authorize Server Error Code: 422";
  const auto diffs = CompareClientResult(model, CallKind::kAuthorize, result);
  ASSERT_THAT(diffs, SizeIs(1));
  EXPECT_EQ(diffs[0].what, "client result");
  EXPECT_EQ(diffs[0].expected,
            "http_status 422, error_code service_id_missing");
  EXPECT_EQ(diffs[0].actual,
            "exception: Client::authorize Server Error Code: 422");
}

TEST(CompareClientResultTest, ExpectsAnErrorsCodeAndMessage) {
  const AnswerSummary model = SummarizeAnswer(
      403,
      core::RenderError({"provider_key_or_service_token_required",
                         "Provider key or service token are required", 403}));
  ClientResult result;
  result.http_status = 403;
  result.error_code = "provider_key_or_service_token_required";
  result.error_message = "Provider key or service token are required";
  EXPECT_THAT(CompareClientResult(model, CallKind::kReport, result), IsEmpty());
  result.error_message.reset();
  result.ok = true;
  EXPECT_THAT(Whats(CompareClientResult(model, CallKind::kReport, result)),
              ElementsAre("ok", "error_message"));
}

TEST(CompareClientResultTest, WantsAnAcceptedReportToSucceed) {
  const AnswerSummary model = SummarizeAnswer(202, "");
  ClientResult result;
  result.http_status = 202;
  result.ok = true;
  EXPECT_THAT(CompareClientResult(model, CallKind::kReport, result), IsEmpty());
  result.http_status = 200;
  EXPECT_THAT(Whats(CompareClientResult(model, CallKind::kReport, result)),
              ElementsAre("http_status"));
}

TEST(CompareClientResultTest, ComparesUsageReportsAsASetAcrossMetrics) {
  core::StatusDocument status;
  status.plan_name = "Basic";
  for (const char* metric : {"hits", "search"}) {
    core::UsageReport r;
    r.metric_name = metric;
    r.period = core::Period::kEternity;
    r.max_value = 5;
    status.usage_reports.push_back(r);
  }
  const AnswerSummary model = SummarizeAnswer(200, core::RenderStatus(status));
  ClientResult result;
  result.ok = true;
  result.http_status = 200;
  result.plan = "Basic";
  for (const char* metric : {"search", "hits"}) {
    ClientUsageReport r;
    r.metric = metric;
    r.period = "eternity";
    r.current_value = "0";
    r.max_value = "5";
    result.usage_reports.push_back(r);
  }
  EXPECT_THAT(CompareClientResult(model, CallKind::kAuthorize, result),
              IsEmpty());
  result.usage_reports.pop_back();
  result.usage_reports.push_back(result.usage_reports.front());
  EXPECT_THAT(Whats(CompareClientResult(model, CallKind::kAuthorize, result)),
              ElementsAre("usage_report hits/eternity",
                          "usage_report search/eternity"));
}

TEST(CheckClientExpectationTest, HoldsTheResultToTheStepsExpect) {
  Expectation expect;
  expect.status = 409;
  expect.authorized = false;
  expect.reason = "usage limits are exceeded";
  expect.usage_reports["hits/day"].current_value = 5;
  expect.where = {"scenarios/clients/t.toml", 12, 1};
  ClientResult result = AuthorizedResult();
  const auto diffs = CheckClientExpectation(expect, CallKind::kAuthrep, result);
  EXPECT_THAT(Whats(diffs),
              ElementsAre("http_status", "ok (authorized)", "reason",
                          "usage_report hits/day current_value"));
  EXPECT_EQ(diffs[0].source, "scenarios/clients/t.toml:12:1");
  EXPECT_EQ(diffs[2].expected, "\"usage limits are exceeded\"");
  EXPECT_EQ(diffs[2].actual, "(none)");
}

// ---- (b) what the client sent -----------------------------------------------

JournalRecord Sent(std::string endpoint, std::string method, std::string target,
                   std::string body = "", core::HeaderList headers = {}) {
  JournalRecord r;
  r.endpoint = std::move(endpoint);
  r.request.method = std::move(method);
  r.request.target = std::move(target);
  r.request.body = std::move(body);
  r.request.headers = std::move(headers);
  return r;
}

TEST(CompareSentRequestsTest,
     AcceptsAnotherEncodingAndOrderOfTheSameParameters) {
  const core::HttpRequest request = RequestFor(
      "[[steps]]\nauthrep = { usage = { hits = 1 }, extensions = { "
      "limit_headers = 1 } }\n");
  const JournalRecord sent = Sent(
      "authrep", "GET",
      "/transactions/"
      "authrep.xml?app_id=a1&app_key=k1&usage%5Bhits%5D=1&provider_key=pk1",
      "", {{"3scale-options", "limit_headers=1"}});
  EXPECT_THAT(CompareSentRequests(CallKind::kAuthrep, request, {sent}),
              IsEmpty());
}

TEST(CompareSentRequestsTest, NamesEveryParameterThatDiffers) {
  const core::HttpRequest request = RequestFor(
      "[[steps]]\nauthrep = { usage = { hits = 2 }, extensions = { hierarchy = "
      "1 } }\n");
  const JournalRecord sent = Sent(
      "authrep", "GET",
      "/transactions/"
      "authrep.xml?app_id=a1&usage[hits]=1&usage[search]=1&provider_key=pk1");
  const auto diffs = CompareSentRequests(CallKind::kAuthrep, request, {sent});
  EXPECT_THAT(Whats(diffs), ElementsAre("sent app_key", "sent usage[hits]",
                                        "sent usage[search]",
                                        "sent 3scale-options hierarchy"));
  EXPECT_EQ(diffs[0].actual, "(not sent)");
  EXPECT_EQ(diffs[1].expected, "2");
  EXPECT_EQ(diffs[1].actual, "1");
  EXPECT_EQ(diffs[2].expected, "(not sent)");
}

TEST(CompareSentRequestsTest, ReadsAReportsFormBody) {
  const core::HttpRequest request = RequestFor(
      "[[steps]]\nreport = { credentials = \"service_token\", transactions = "
      "[{ app = \"a1\", "
      "usage = { hits = 1 } }] }\n");
  // The token inside the transaction, as the npm client sends it.
  const JournalRecord sent =
      Sent("report", "POST", "/transactions.xml",
           "transactions%5B0%5D%5Bservice_token%5D=tok1&transactions%5B0%5D%"
           "5Bapp_id%5D=a1&"
           "transactions%5B0%5D%5Busage%5D%5Bhits%5D=1&service_id=s1");
  EXPECT_THAT(
      Whats(CompareSentRequests(CallKind::kReport, request, {sent})),
      ElementsAre("sent service_token", "sent transactions[0][service_token]"));
}

TEST(CompareSentRequestsTest, WantsExactlyOneRequestToTheRightEndpoint) {
  const core::HttpRequest request = RequestFor("[[steps]]\nauthorize = {}\n");
  const auto none = CompareSentRequests(CallKind::kAuthorize, request, {});
  ASSERT_THAT(none, SizeIs(1));
  EXPECT_EQ(none[0].what, "requests the client sent");
  EXPECT_EQ(none[0].expected, "1 (GET /transactions/authorize.xml)");
  EXPECT_EQ(none[0].actual, "0 (none)");

  const JournalRecord authrep =
      Sent("authrep", "GET",
           "/transactions/authrep.xml?provider_key=pk1&app_id=a1&app_key=k1");
  EXPECT_THAT(Whats(CompareSentRequests(CallKind::kAuthorize, request,
                                        {authrep, authrep})),
              ElementsAre("requests the client sent", "endpoint"));
}

}  // namespace
}  // namespace scalecheck::harness
