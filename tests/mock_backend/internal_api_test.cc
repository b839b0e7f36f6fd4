// tests/mock_backend/internal_api_test.cc
//
// InternalApi against apisonator 3.4.3's recordings: every golden fixture
// call and every internal step that does not depend on public traffic is
// replayed on a fresh BackendState and must answer byte for byte as
// recorded. Focused tests cover the error answers and echo quirks.

#include "mock_backend/internal_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "core/clock.h"
#include "core/error_log.h"
#include "core/http_message.h"
#include "core/period.h"
#include "core/usage_counters.h"
#include "mock_backend/backend_state.h"

#ifndef SCALECHECK_SOURCE_DIR
#define SCALECHECK_SOURCE_DIR "/work/main"
#endif

namespace scalecheck::mock_backend {
namespace {

using nlohmann::json;
using std::chrono_literals::operator""ms;

constexpr char kGoldenDir[] = SCALECHECK_SOURCE_DIR "/../shared/golden";
constexpr char kCredentials[] = "admin:s3cret";
// "Basic " + base64("admin:s3cret").
constexpr char kAuthorization[] = "Basic YWRtaW46czNjcmV0";

core::UtcTime At(const std::string& iso8601) {
  return core::ParseIso8601(iso8601).value_or(core::UtcTime{});
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(kGoldenDir, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") {
      files.push_back(it->path().stem().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

json ReadGolden(const std::string& name) {
  std::ifstream in(std::string(kGoldenDir) + "/" + name + ".json");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

core::HttpRequest Request(std::string method, std::string target,
                          std::string body = "") {
  core::HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers.emplace_back("Host", "su1.3scale.net");
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.body = std::move(body);
  return request;
}

std::string HeaderOr(const core::HttpResponse& response, std::string_view name,
                     std::string fallback = "<absent>") {
  const std::string* value = response.Header(name);
  return value ? *value : fallback;
}

// --- The golden corpus
// ----------------------------------------------------------

TEST(GoldenCorpusTest, IsFound) {
  EXPECT_GE(GoldenFiles().size(), 100u) << "looked in " << kGoldenDir;
}

class GoldenTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    golden_ = ReadGolden(GetParam());
    ASSERT_TRUE(golden_.is_object()) << GetParam() << ": unreadable";
  }

  json golden_;
  BackendState state_{0ms};
};

TEST_P(GoldenTest, EveryFixtureCallAnswersAsRecorded) {
  InternalApi api(state_, "");
  const core::UtcTime now = At("2026-11-22T02:00:00Z");
  int calls = 0;
  for (const json& entry : golden_["fixture"]) {
    const std::string method = entry["method"];
    const std::string path = entry["path"];
    const core::HttpResponse response = api.Handle(
        Request(method, "/internal" + path, entry["body"].get<std::string>()),
        now);
    const std::string where = GetParam() + " fixture #" +
                              std::to_string(calls) + ": " + method + " " +
                              path;
    EXPECT_EQ(entry["response"]["status"].get<int>(), response.status) << where;
    EXPECT_EQ(entry["response"]["body"].get<std::string>(), response.body)
        << where;
    ++calls;
  }
  RecordProperty("fixture_calls", calls);
}

// Whether a recorded internal answer depends on public traffic, which this
// test does not replay: an error log with entries, or utilization once any
// public request was made. Besides the counters, apisonator's utilization
// lists only the limits of the metrics a recent authorize loaded into its
// memoized Application (golden random/seq06 and seq15 show a subset of the
// limits, all at zero).
bool DependsOnPublicTraffic(const std::string& target, const json& body,
                            bool after_public_traffic) {
  if (!body.is_object()) return false;
  if (target.find("/utilization") != std::string::npos &&
      body.contains("utilization")) {
    return after_public_traffic;
  }
  if (target.find("/errors") != std::string::npos && body.contains("count")) {
    return body["count"] != 0;
  }
  return false;
}

TEST_P(GoldenTest, InternalStepsAnswerAsRecorded) {
  InternalApi api(state_, kCredentials);
  for (const json& entry : golden_["fixture"]) {
    core::HttpRequest request =
        Request(entry["method"], "/internal" + entry["path"].get<std::string>(),
                entry["body"]);
    request.headers.emplace_back("Authorization", kAuthorization);
    (void)api.Handle(request, At("2026-11-22T02:00:00Z"));
  }
  int step = 0;
  int compared = 0;
  bool after_public_traffic = false;
  for (const json& s : golden_["steps"]) {
    ++step;
    const json& recorded = s["request"];
    const std::string target = recorded["target"];
    core::HttpRequest request;
    request.method = recorded["method"];
    if (recorded["api"] == "internal") {
      // Golden leaves out the credentials the recorder sent.
      request.target = "/internal" + target;
      request.headers.emplace_back("Authorization", kAuthorization);
    } else if (target.rfind("/internal", 0) == 0) {
      request.target = target;  // Sent as recorded: routing/internal_*.
    } else {
      after_public_traffic = true;
      continue;  // The Service Management API is not this module's.
    }
    for (auto it = recorded["headers"].begin(); it != recorded["headers"].end();
         ++it) {
      request.headers.emplace_back(it.key(), it.value().get<std::string>());
    }
    request.body = recorded.value("body", "");
    const json& want = s["response"];
    const json want_body =
        json::parse(want["body"].get<std::string>(), nullptr, false);
    if (DependsOnPublicTraffic(target, want_body, after_public_traffic)) {
      continue;
    }

    ++compared;
    const core::HttpResponse got = api.Handle(request, At(s["at"]));
    const std::string where = GetParam() + " step " + std::to_string(step) +
                              ": " + request.method + " " + request.target;
    EXPECT_EQ(want["status"].get<int>(), got.status) << where;
    EXPECT_EQ(want["body"].get<std::string>(), got.body) << where;
    for (const char* name : {"content-type", "x-content-type-options",
                             "x-cascade", "www-authenticate"}) {
      EXPECT_EQ(want["headers"].value(name, "<absent>"), HeaderOr(got, name))
          << where << " header " << name;
    }
  }
  RecordProperty("compared_steps", compared);
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, testing::ValuesIn(GoldenFiles()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

// --- Focused cases
// ----------------------------------------------------------------

class InternalApiTest : public testing::Test {
 protected:
  core::HttpResponse Call(std::string method, std::string path,
                          std::string body = "") {
    return api_.Handle(
        Request(std::move(method), "/internal" + path, std::move(body)), now_);
  }
  // Seeds service "1" (provider key pk1) with metric hits and app a1 on
  // plan p1.
  void Seed() {
    ASSERT_EQ(201, Call("POST", "/services/",
                        R"({"service":{"id":"1","provider_key":"pk1"}})")
                       .status);
    ASSERT_EQ(201, Call("POST", "/services/1/metrics/1",
                        R"({"metric":{"name":"hits"}})")
                       .status);
    ASSERT_EQ(201, Call("POST", "/services/1/applications/a1",
                        R"({"application":{"state":"active","plan_id":"p1"}})")
                       .status);
  }

  BackendState state_{0ms};
  InternalApi api_{state_, ""};
  core::UtcTime now_ = At("2026-11-22T02:13:30.250Z");
};

TEST_F(InternalApiTest, AnswersAnUnknownRouteWithNotFoundAndCascade) {
  Seed();
  for (const char* path : {"/nope", "/services/", "/services",
                           "/services/1/applications/a1/utilization", ""}) {
    const core::HttpResponse r = Call("GET", path);
    EXPECT_EQ(404, r.status) << path;
    EXPECT_EQ(R"({"status":"not_found","error":"Not found"})", r.body) << path;
    EXPECT_EQ("pass", HeaderOr(r, "x-cascade")) << path;
    EXPECT_EQ("application/json", HeaderOr(r, "content-type")) << path;
    EXPECT_EQ("nosniff", HeaderOr(r, "x-content-type-options")) << path;
  }
  EXPECT_EQ(404, Call("PATCH", "/services/1").status);
}

TEST_F(InternalApiTest, RequiresTheConfiguredBasicCredentials) {
  InternalApi api(state_, kCredentials);
  auto call = [&](std::optional<std::string> authorization) {
    core::HttpRequest request = Request("GET", "/internal/check.json");
    if (authorization)
      request.headers.emplace_back("Authorization", *authorization);
    return api.Handle(request, now_);
  };
  const core::HttpResponse missing = call(std::nullopt);
  EXPECT_EQ(401, missing.status);
  EXPECT_EQ("", missing.body);
  EXPECT_EQ("text/plain", HeaderOr(missing, "content-type"));
  EXPECT_EQ("Basic realm=\"\"", HeaderOr(missing, "www-authenticate"));
  EXPECT_EQ(401, call("Basic Zm9vOmJhcg==").status);  // foo:bar
  EXPECT_EQ(200, call(kAuthorization).status);
  EXPECT_EQ(200, call("basic   YWRtaW46czNjcmV0").status);
  // Rack::Auth::Basic: another scheme, or no "user:pass", is a bad request.
  const core::HttpResponse bearer = call("Bearer abc");
  EXPECT_EQ(400, bearer.status);
  EXPECT_EQ("<absent>", HeaderOr(bearer, "www-authenticate"));
  EXPECT_EQ(400, call("Basic YWRtaW4=").status);  // "admin"
}

TEST_F(InternalApiTest, IsOpenWithoutCredentials) {
  EXPECT_EQ(200, Call("GET", "/check.json").status);
  EXPECT_EQ(R"({"status":"ok","version":{"backend":"3.4.3"}})",
            Call("GET", "/status").body);
  // HEAD is answered like GET; the HTTP layer drops the body.
  EXPECT_EQ(200, Call("HEAD", "/status").status);
}

TEST_F(InternalApiTest, RejectsABodyThatIsNotAJsonObject) {
  for (const char* body : {"{bad", "[1]", "  ", "\"x\""}) {
    const core::HttpResponse r = Call("POST", "/services/", body);
    EXPECT_EQ(400, r.status) << body;
    EXPECT_THAT(r.body, testing::StartsWith(R"({"status":"error","error":)"))
        << body;
  }
  // Ruby's JSON.parse allows 100 levels of nesting.
  const std::string deep = std::string(101, '[') + std::string(101, ']');
  EXPECT_EQ(400, Call("POST", "/services/", "{\"x\":" + deep + "}").status);
  EXPECT_EQ(201, Call("POST", "/services/",
                      R"({"service":{"id":"8","x":)" + std::string(98, '[') +
                          std::string(98, ']') + "}}")
                     .status);
  // Ruby's parser skips comments.
  EXPECT_EQ(201,
            Call("POST", "/services/", "/* c */ {\"service\":{\"id\":\"9\"}}")
                .status);
}

TEST_F(InternalApiTest, AnswersSinatrasBadRequestForAMalformedQuery) {
  Seed();
  const core::HttpResponse r = Call("GET", "/services/1/errors/?page=%zz");
  EXPECT_EQ(400, r.status);
  EXPECT_EQ("text/html;charset=utf-8", HeaderOr(r, "content-type"));
  EXPECT_EQ("Invalid query parameters: invalid %-encoding (%zz)", r.body);
}

TEST_F(InternalApiTest, AnswersMissingParameterForAMissingOrFalseWrapper) {
  Seed();
  const struct {
    const char* method;
    const char* path;
    const char* body;
    const char* want;
  } cases[] = {
      {"POST", "/services/", R"({"service":null})",
       R"({"status":"error","error":"missing parameter 'service'"})"},
      {"PUT", "/services/1", R"({"service":false})",
       R"({"status":"error","error":"missing parameter 'service'"})"},
      {"PUT", "/services/1/applications/a1", "",
       R"({"status":"error","error":"missing parameter 'application'"})"},
      {"POST", "/services/1/metrics/2", "{}",
       R"({"status":"error","error":"missing parameter 'metric'"})"},
      {"PUT", "/services/1/plans/p1/usagelimits/1/minute", "{}",
       R"({"status":"error","error":"missing parameter 'usagelimit'"})"},
      {"PUT", "/services/1/plans/p1/usagelimits/1/minute",
       R"({"usagelimit":{"hour":5}})",
       R"({"status":"error","error":"missing parameter 'minute'"})"},
      {"POST", "/service_tokens/", "{}",
       R"({"error":"missing parameter 'service_tokens'"})"},
  };
  for (const auto& c : cases) {
    const core::HttpResponse r = Call(c.method, c.path, c.body);
    EXPECT_EQ(400, r.status) << c.method << " " << c.path;
    EXPECT_EQ(c.want, r.body) << c.method << " " << c.path;
  }
}

TEST_F(InternalApiTest, AnswersServerErrorWhereApisonatorRaises) {
  Seed();
  const struct {
    const char* method;
    const char* path;
    const char* body;
  } cases[] = {
      {"POST", "/services/", R"({"service":"x"})"},
      {"POST", "/services/", R"({"service":{"id":"2","state":1}})"},
      {"POST", "/services/1/applications/a1/keys/",
       R"({"application_key":{"value":5}})"},
      {"POST", "/services/1/applications/a1/referrer_filters",
       R"({"referrer_filter":7})"},
      {"PUT", "/services/1/applications/a1/key/%20", ""},
      {"POST", "/services/1/metrics/2",
       R"({"metric":{"name":"m","children":[{"name":"c"}]}})"},
      {"GET", "/services/1/errors/?per_page[]=1", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(500, Call(c.method, c.path, c.body).status)
        << c.method << " " << c.path << " " << c.body;
  }
}

TEST_F(InternalApiTest, EchoesTheServicePayloadAndReadsBackStoredValues) {
  EXPECT_EQ(R"({"service":{"id":"7","state":"suspended","provider_key":5,)"
            R"("backend_version":2,"referrer_filters_required":"no",)"
            R"("default_service":true},"status":"created"})",
            Call("POST", "/services/",
                 R"({"service":{"id":"7","provider_key":5,"state":"paused",)"
                 R"("backend_version":2,"referrer_filters_required":"no",)"
                 R"("unknown":1}})")
                .body);
  // Stored as strings, any state but "active" as suspended, and Ruby's
  // truthiness for the flag.
  EXPECT_EQ(R"({"status":"found","service":{"id":"7","state":"suspended",)"
            R"("provider_key":"5","backend_version":"2",)"
            R"("referrer_filters_required":true,"default_service":true}})",
            Call("GET", "/services/7").body);
}

TEST_F(InternalApiTest, MovesTheDefaultOnlyWhenAskedTo) {
  Seed();
  Call(
      "POST", "/services/",
      R"({"service":{"id":"2","provider_key":"pk1","default_service":false}})");
  EXPECT_THAT(Call("GET", "/services/1").body,
              testing::HasSubstr(R"("default_service":true)"));
  const core::HttpResponse put =
      Call("PUT", "/services/2", R"({"service":{"default_service":true}})");
  EXPECT_THAT(put.body, testing::HasSubstr(R"("default_service":true)"));
  EXPECT_THAT(Call("GET", "/services/1").body,
              testing::HasSubstr(R"("default_service":false)"));
  EXPECT_EQ(400, Call("DELETE", "/services/2").status);
  EXPECT_EQ(R"({"status":"deleted"})", Call("DELETE", "/services/1").body);
}

TEST_F(InternalApiTest, RefusesToMoveServicesOntoAProviderKeyInUse) {
  Seed();
  Call("POST", "/services/", R"({"service":{"id":"2","provider_key":"pk2"}})");
  const core::HttpResponse r =
      Call("PUT", "/services/change_provider_key/pk1", R"({"new_key":"pk2"})");
  EXPECT_EQ(400, r.status);
  EXPECT_EQ(R"({"error":"Provider key=\"pk2\" already exists"})", r.body);
  // new_key may come in the query string too.
  EXPECT_EQ(R"({"status":"ok"})",
            Call("PUT", "/services/change_provider_key/pk1?new_key=pk3").body);
  EXPECT_THAT(Call("GET", "/services/1").body,
              testing::HasSubstr(R"("provider_key":"pk3")"));
}

TEST_F(InternalApiTest, DeletingAServiceForgetsItsErrors) {
  Seed();
  state_.LogError("1", {"code", "message", now_, "{}"});
  EXPECT_EQ(200, Call("DELETE", "/services/1").status);
  Call("POST", "/services/", R"({"service":{"id":"1","provider_key":"pk1"}})");
  EXPECT_EQ(R"({"status":"found","errors":[],"count":0})",
            Call("GET", "/services/1/errors/").body);
}

TEST_F(InternalApiTest, ManagesServiceTokens) {
  Seed();
  EXPECT_EQ(R"({"status":"created"})",
            Call("POST", "/service_tokens/",
                 R"({"service_tokens":{"t1":{"service_id":"1"},)"
                 R"("t2":{"service_id":2}}})")
                .body);
  EXPECT_EQ(R"({"status":"found","provider_key":"pk1"})",
            Call("GET", "/service_tokens/t1/1/provider_key").body);
  EXPECT_EQ(R"({"status":"found","provider_key":null})",
            Call("GET", "/service_tokens/t2/2/provider_key").body);
  EXPECT_EQ(
      R"({"status":"not_found","error":"token/service combination not found"})",
      Call("GET", "/service_tokens/t1/2/provider_key").body);
  EXPECT_EQ(200, Call("HEAD", "/service_tokens/t1/1/").status);
  EXPECT_EQ(404, Call("HEAD", "/service_tokens/t1/2/").status);
  const core::HttpResponse blank =
      Call("POST", "/service_tokens/",
           R"({"service_tokens":{"":{"service_id":"1"}}})");
  EXPECT_EQ(422, blank.status);
  EXPECT_EQ(R"({"status":"error","error":"Service token cannot be blank"})",
            blank.body);
  EXPECT_EQ(R"({"status":"error","error":"Service ID cannot be blank"})",
            Call("POST", "/service_tokens/",
                 R"({"service_tokens":{"t3":{"service_id":""}}})")
                .body);
  EXPECT_EQ(
      R"({"status":"deleted","count":1})",
      Call("DELETE", "/service_tokens/",
           R"({"service_tokens":[{"service_token":"t1","service_id":"1"},)"
           R"({"service_token":"t9","service_id":"1"}]})")
          .body);
  EXPECT_EQ(404, Call("HEAD", "/service_tokens/t1/1/").status);
}

TEST_F(InternalApiTest, EchoesMetricsAsSentAndKeepsAStoredParent) {
  Seed();
  EXPECT_EQ(R"({"status":"created","metric":{"service_id":"1","id":"2",)"
            R"("parent_id":1,"name":"search"}})",
            Call("POST", "/services/1/metrics/2",
                 R"({"metric":{"name":"search","parent_id":1}})")
                .body);
  EXPECT_EQ(
      R"({"status":"modified","metric":{"service_id":"1","id":"2",)"
      R"("parent_id":null,"name":"find"}})",
      Call("PUT", "/services/1/metrics/2", R"({"metric":{"name":"find"}})")
          .body);
  EXPECT_EQ(R"({"status":"found","metric":{"service_id":"1","id":"2",)"
            R"("parent_id":"1","name":"find"}})",
            Call("GET", "/services/1/metrics/2").body);
  EXPECT_EQ(R"({"status":"deleted"})",
            Call("DELETE", "/services/1/metrics/2").body);
  const core::HttpResponse gone = Call("GET", "/services/1/metrics/2");
  EXPECT_EQ(404, gone.status);
  EXPECT_EQ(R"({"status":"not_found","error":"metric not found"})", gone.body);
  EXPECT_EQ(404, Call("DELETE", "/services/1/metrics/2").status);
}

TEST_F(InternalApiTest,
       EchoesUsageLimitValuesAsSentAndReadsThemBackAsIntegers) {
  Seed();
  const struct {
    const char* sent;
    const char* echoed;
    const char* read_back;
  } cases[] = {
      {R"("100")", R"("100")", "100"},
      {"7.9", "7.9", "7"},
      {"100.0", "100.0", "100"},
      {"1e20", "1.0e+20", "1"},  // "1.0e+20".to_i
      {R"(" 1_000x")", R"(" 1_000x")", "1000"},
      {"0", "0", "0"},
  };
  for (const auto& c : cases) {
    const core::HttpResponse put =
        Call("PUT", "/services/1/plans/p1/usagelimits/1/minute",
             std::string(R"({"usagelimit":{"minute":)") + c.sent + "}}");
    EXPECT_EQ(std::string(R"({"status":"modified","usagelimit":{)"
                          R"("service_id":"1","plan_id":"p1","metric_id":"1",)"
                          R"("minute":)") +
                  c.echoed + "}}",
              put.body)
        << c.sent;
    EXPECT_EQ(std::string(R"({"status":"found","usagelimit":{)"
                          R"("service_id":"1","plan_id":"p1","metric_id":"1",)"
                          R"("minute":)") +
                  c.read_back + "}}",
              Call("GET", "/services/1/plans/p1/usagelimits/1/minute").body)
        << c.sent;
  }
  EXPECT_EQ(R"({"status":"deleted"})",
            Call("DELETE", "/services/1/plans/p1/usagelimits/1/minute").body);
  EXPECT_EQ(R"({"status":"not_found","error":"usagelimit not found"})",
            Call("GET", "/services/1/plans/p1/usagelimits/1/minute").body);
  EXPECT_EQ(404,
            Call("GET", "/services/1/plans/p1/usagelimits/1/fortnight").status);
}

TEST_F(InternalApiTest, RefusesToCreateAnApplicationWithoutState) {
  Seed();
  const core::HttpResponse r = Call("PUT", "/services/1/applications/a1",
                                    R"({"application":{"plan_id":"p2"}})");
  EXPECT_EQ(400, r.status);
  EXPECT_EQ(R"({"status":"bad_request","error":)"
            R"("Application with id=\"a1\" has no state "})",
            r.body);
  EXPECT_THAT(Call("GET", "/services/1/applications/a1").body,
              testing::HasSubstr(R"("plan_id":"p1")"));
}

TEST_F(InternalApiTest, GeneratesAKeyWhenNoneIsGiven) {
  Seed();
  const core::HttpResponse r =
      Call("POST", "/services/1/applications/a1/keys/", "");
  ASSERT_EQ(201, r.status);
  const json body = json::parse(r.body);
  const std::string key = body["application_key"]["value"];
  EXPECT_THAT(key, testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(Call("GET", "/services/1/applications/a1/keys/").body,
              testing::HasSubstr(key));
  EXPECT_EQ(R"({"status":"not_found","error":"application not found"})",
            Call("POST", "/services/1/applications/nope/keys/",
                 R"({"application_key":{"value":"k"}})")
                .body);
}

TEST_F(InternalApiTest, DeletesReferrerFiltersByBase64OrPlainValue) {
  Seed();
  for (const char* filter : {"a.com", "*.b.org", "c?d>"}) {
    Call("POST", "/services/1/applications/a1/referrer_filters",
         std::string(R"({"referrer_filter":")") + filter + "\"}");
  }
  EXPECT_EQ(400, Call("POST", "/services/1/applications/a1/referrer_filters",
                      R"({"referrer_filter":" \t"})")
                     .status);
  EXPECT_EQ(
      R"({"status":"found","referrer_filters":["*.b.org","a.com","c?d>"]})",
      Call("GET", "/services/1/applications/a1/referrer_filters").body);
  // "Ki5iLm9yZw" is "*.b.org" without padding; "Yz9kPg" is "c?d>" URL-safe.
  Call("DELETE", "/services/1/applications/a1/referrer_filters/Ki5iLm9yZw");
  Call("DELETE", "/services/1/applications/a1/referrer_filters/Yz9kPg");
  Call("DELETE", "/services/1/applications/a1/referrer_filters/a.com");
  EXPECT_EQ(R"({"status":"found","referrer_filters":[]})",
            Call("GET", "/services/1/applications/a1/referrer_filters").body);
}

TEST_F(InternalApiTest, ReportsUtilizationFromTheCounters) {
  Seed();
  Call("PUT", "/services/1/plans/p1/usagelimits/1/day",
       R"({"usagelimit":{"day":100}})");
  Call("PUT", "/services/1/plans/p1/usagelimits/1/minute",
       R"({"usagelimit":{"minute":"10"}})");
  state_.WithCounters("1", "a1", [&](core::UsageCounters& counters) {
    counters.Increment("1", 3, now_);
  });
  EXPECT_EQ(
      R"({"status":"found","utilization":[)"
      R"({"period":"day","metric_name":"hits","max_value":100,"current_value":3},)"
      R"({"period":"minute","metric_name":"hits","max_value":10,"current_value":3}]})",
      Call("GET", "/services/1/applications/a1/utilization/").body);
}

TEST_F(InternalApiTest, PagesTheErrorLogNewestFirstAsRedisRangesDo) {
  Seed();
  for (int i = 1; i <= 5; ++i) {
    state_.LogError(
        "1", {"e" + std::to_string(i), "m", now_ + std::chrono::seconds(i),
              i == 5 ? R"({"url":"http://x/y"})" : "{}"});
  }
  auto codes = [&](const std::string& query, const std::string& body = "") {
    const core::HttpResponse r =
        Call("GET", "/services/1/errors/" + query, body);
    std::vector<std::string> out;
    const json parsed = json::parse(r.body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("errors")) return out;
    for (const json& e : parsed["errors"]) out.push_back(e["code"]);
    return out;
  };
  using testing::ElementsAre;
  EXPECT_THAT(codes(""), ElementsAre("e5", "e4", "e3", "e2", "e1"));
  EXPECT_THAT(codes("?per_page=2&page=2"), ElementsAre("e3", "e2"));
  EXPECT_THAT(codes("?per_page=2&page=3"), ElementsAre("e1"));
  EXPECT_THAT(codes("?per_page=2&page=9"), ElementsAre());
  EXPECT_THAT(codes("?per_page=2&page=0"), ElementsAre("e2", "e1"));
  EXPECT_THAT(codes("?page=abc&per_page=3"), ElementsAre("e3", "e2", "e1"));
  EXPECT_THAT(codes("", R"({"per_page":1})"), ElementsAre("e5"));
  EXPECT_EQ(R"({"status":"found","errors":[{"code":"e5","message":"m",)"
            R"("timestamp":"2026-11-22 02:13:35 UTC",)"
            R"("context_info":{"url":"http://x/y"}}],"count":5})",
            Call("GET", "/services/1/errors/?per_page=1").body);
  for (const char* bad : {"?per_page=0", "?per_page=abc", "?per_page=-1"}) {
    const core::HttpResponse r =
        Call("GET", std::string("/services/1/errors/") + bad);
    EXPECT_EQ(400, r.status) << bad;
    EXPECT_EQ(R"({"error":"per_page needs to be > 0"})", r.body) << bad;
  }
  EXPECT_EQ(R"({"status":"deleted"})",
            Call("DELETE", "/services/1/errors/").body);
  EXPECT_THAT(codes(""), ElementsAre());
  EXPECT_EQ(R"({"status":"not_found","error":"service not found"})",
            Call("DELETE", "/services/9/errors/").body);
}

TEST_F(InternalApiTest, EscapesStringsAsRubysJsonGenerator) {
  Seed();
  const core::HttpResponse r = Call(
      "PUT", "/services/1/applications/a1",
      R"({"application":{"state":"active","plan_name":"a\"b\\c/d\u0001\n\u00e9\u2713"}})");
  EXPECT_THAT(r.body,
              testing::HasSubstr(R"("plan_name":"a\"b\\c/d\u0001\né✓")"));
  EXPECT_THAT(Call("GET", "/services/1/applications/a1").body,
              testing::HasSubstr(R"("plan_name":"a\"b\\c/d\u0001\né✓")"));
}

TEST_F(InternalApiTest, DecodesPathSegmentsAndRefusesToEchoInvalidUtf8) {
  Seed();
  EXPECT_THAT(Call("POST", "/services/1/applications/a%2Fb",
                   R"({"application":{"state":"active"}})")
                  .body,
              testing::HasSubstr(R"("id":"a/b")"));
  EXPECT_EQ(200, Call("GET", "/services/1/applications/a%2Fb").status);
  EXPECT_EQ(500, Call("POST", "/services/1/applications/%FF",
                      R"({"application":{"state":"active"}})")
                     .status);
}

TEST_F(InternalApiTest, SavesApplicationsInBatches) {
  Seed();
  const core::HttpResponse r =
      Call("PUT", "/services/1/applications/batch",
           R"({"applications":[)"
           R"({"id":"b1","state":"active","plan_id":"p1","user_key":"uk1",)"
           R"("application_keys":["k2","k1"],"referrer_filters":["x.com"]},)"
           R"({"id":"a1","state":"suspended"},)"
           R"({"id":"b2","plan_id":"p1"}]})");
  EXPECT_EQ(200, r.status);
  EXPECT_EQ(
      R"({"status":"completed","total":3,"successful":2,"failed":1,)"
      R"("applications":[)"
      R"({"status":"created","application":{"service_id":"1","id":"b1",)"
      R"("state":"active","plan_id":"p1","plan_name":null,"redirect_url":null,)"
      R"("user_key":"uk1","application_keys":["k1","k2"],)"
      R"("referrer_filters":["x.com"]}},)"
      R"({"status":"modified","application":{"service_id":"1","id":"a1",)"
      R"("state":"suspended","plan_id":null,"plan_name":null,)"
      R"("redirect_url":null,"user_key":null,"application_keys":[],)"
      R"("referrer_filters":[]}},)"
      R"({"status":"error","id":"b2",)"
      R"("error":"Application with id=\"b2\" has no state "}],)"
      R"("failures":[{"id":"b2",)"
      R"("error":"Application with id=\"b2\" has no state "}]})",
      r.body);
  EXPECT_EQ(R"({"status":"found","application":{"id":"b1"}})",
            Call("GET", "/services/1/applications/key/uk1").body);
  // apisonator 3.4.3 has no batch route: an "application" payload creates
  // an application called "batch".
  EXPECT_EQ(200, Call("PUT", "/services/1/applications/batch",
                      R"({"application":{"state":"active"}})")
                     .status);
  EXPECT_EQ(200, Call("GET", "/services/1/applications/batch").status);
}

}  // namespace
}  // namespace scalecheck::mock_backend
