// tests/harness/gateway_test.cc
//
// The gateway half of the harness without sockets: [services.gateway] and
// request steps parsed into scenario.h, the model's configuration and the
// APIcast export derived from them, the echo's answer, and the command line
// (run --gateway ..., export apicast).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "harness/gateway_config.h"
#include "harness/scenario_loader.h"
#include "harness/upstream_echo.h"

namespace scalecheck::harness {
namespace {

using ::testing::HasSubstr;

constexpr const char* kFixture = R"(
[[services]]
id = "42"
provider_key = "pk"
backend_version = "1"
service_tokens = ["token-value"]
metrics = [{ name = "hits" }, { name = "search", parent = "hits" }]

[[services.plans]]
id = "p1"

[[services.applications]]
id = "a1"
user_key = "value"
)";

Scenario Parse(const std::string& gateway, const std::string& steps) {
  core::Result<Scenario> s = ParseScenario(
      std::string(kFixture) + gateway + steps, "scenarios/gateway/t.toml");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(s).value() : Scenario{};
}

constexpr const char* kRequest = R"(
[[steps]]
request = { query = "user_key=value" }
)";

TEST(GatewayScenarioTest, ReadsTheGatewayTable) {
  const Scenario s = Parse(R"(
[services.gateway]
hosts = ["api.example.com", "localhost"]
credentials_location = "headers"
auth_user_key = "api_key"
upstream = false
mapping_rules = [
  { pattern = "/" , metric = "hits" },
  { method = "POST", pattern = "/search?q={q}", metric = "search", delta = 3, last = true, parameters = { q = "{q}" } },
]
error_no_match = { status = 412, body = "no mapping rules!" }
)",
                           kRequest);
  ASSERT_EQ(1u, s.services.size());
  ASSERT_TRUE(s.services[0].gateway);
  const GatewaySpec& g = *s.services[0].gateway;
  EXPECT_EQ((std::vector<std::string>{"api.example.com", "localhost"}),
            g.hosts);
  EXPECT_EQ(core::CredentialsLocation::kHeaders, g.credentials_location);
  EXPECT_EQ("api_key", g.auth_user_key);
  EXPECT_EQ("app_id", g.auth_app_id);
  EXPECT_EQ("service_token", g.backend_authentication)
      << "the service has tokens";
  EXPECT_FALSE(g.upstream);
  ASSERT_EQ(2u, g.mapping_rules.size());
  EXPECT_EQ("GET", g.mapping_rules[0].http_method);
  EXPECT_EQ(1, g.mapping_rules[0].delta) << "delta defaults to 1";
  EXPECT_FALSE(g.mapping_rules[0].last);
  EXPECT_EQ("POST", g.mapping_rules[1].http_method);
  EXPECT_EQ(3, g.mapping_rules[1].delta);
  EXPECT_TRUE(g.mapping_rules[1].last);
  EXPECT_EQ((std::vector<std::pair<std::string, std::string>>{{"q", "{q}"}}),
            g.mapping_rules[1].querystring_parameters);
  EXPECT_EQ(412, g.errors.no_match.status);
  EXPECT_EQ("no mapping rules!", g.errors.no_match.body);
  EXPECT_EQ("text/plain; charset=utf-8", g.errors.no_match.content_type)
      << "unset fields keep APIcast's defaults";
  EXPECT_EQ(401, g.errors.auth_missing.status);
}

TEST(GatewayScenarioTest, ReadsRequestStepsAndBackendExpectations) {
  const Scenario s = Parse(R"(
[services.gateway]
hosts = ["api.example.com"]
mapping_rules = [{ pattern = "/", metric = "hits", delta = 2 }]
)",
                           R"(
[[steps]]
request = { method = "POST", path = "/x", query = "user_key=value", headers = [["X-A", "1"], ["X-A", "2"]], body = "b=1" }
repeat = 2
expect = { status = 200, headers = { Retry-After = "" }, backend = { authrep = 1, usage = { hits = 2 }, credentials = { user_key = "value" } } }

[[steps]]
request = { host = "other.example.com" }
)");
  ASSERT_EQ(2u, s.steps.size());
  const Step& step = s.steps[0];
  EXPECT_EQ(Step::Kind::kRequest, step.kind);
  EXPECT_EQ(2, step.repeat);
  EXPECT_EQ("42", step.request.service);
  EXPECT_EQ("POST", step.request.method);
  EXPECT_EQ("api.example.com", step.request.host) << "the service's first host";
  EXPECT_EQ("/x", step.request.path);
  EXPECT_EQ("user_key=value", step.request.query);
  EXPECT_EQ(2u, step.request.headers.size());
  EXPECT_EQ("b=1", step.request.body);
  ASSERT_TRUE(step.expect.backend);
  EXPECT_EQ(1, step.expect.backend->authrep);
  EXPECT_EQ((std::map<std::string, int64_t>{{"hits", 2}}),
            step.expect.backend->usage);
  EXPECT_EQ("value", step.expect.backend->credentials.at("user_key"));
  EXPECT_EQ("", step.expect.headers.at("retry-after"));
  EXPECT_EQ("other.example.com", s.steps[1].request.host);
  EXPECT_EQ("/", s.steps[1].request.path);
}

TEST(GatewayScenarioTest, NamesEachErrorWithItsLocation) {
  const struct {
    std::string gateway;
    std::string steps;
    std::string message;
  } cases[] = {
      {"[services.gateway]\nmapping_rules = [{ pattern = \"/\", metric = "
       "\"hitz\" }]\n",
       kRequest, "unknown metric 'hitz' (did you mean 'hits'?)"},
      {"[services.gateway]\nmapping_rules = [{ pattern = \"/\" }]\n", kRequest,
       "a mapping rule needs a metric"},
      {"[services.gateway]\nmapping_rules = [{ metric = \"hits\" }]\n",
       kRequest, "a mapping rule needs a pattern"},
      {"[services.gateway]\ncredentials_location = \"header\"\n", kRequest,
       "unknown credentials_location 'header' (did you mean 'headers'?)"},
      {"[services.gateway]\nerror_auth_failed = { status = 700 }\n", kRequest,
       "status must be an HTTP status (100 to 599), got 700"},
      {"[services.gateway]\nbackend_authentication = \"token\"\n", kRequest,
       "unknown backend_authentication 'token'"},
      {"[services.gateway]\n", "[[steps]]\nrequest = { path = \"x\" }\n",
       "a request path must start with '/', got 'x'"},
      {"[services.gateway]\n", "[[steps]]\nrequest = { path = \"/a?b\" }\n",
       "a request path has no '?', '#' or space"},
      {"[services.gateway]\n",
       "[[steps]]\nrequest = { headers = { Host = \"x\" } }\n",
       "give the Host header as host = \"...\""},
      {"[services.gateway]\n",
       "[[steps]]\nrequest = {}\nexpect.backend = { authrep = 0, usage = { "
       "hits = 1 } }\n",
       "authrep = 0 contradicts usage and credentials"},
      {"[services.gateway]\n",
       "[[steps]]\nrequest = {}\nexpect.backend = { credentials = { "
       "provider_key = \"x\" } }\n",
       "unknown credential 'provider_key'"},
      {"[services.gateway]\n", "[[steps]]\nrequest = { service = \"9\" }\n",
       "unknown service '9'"},
  };
  for (const auto& c : cases) {
    const core::Result<Scenario> s =
        ParseScenario(std::string(kFixture) + c.gateway + c.steps, "t.toml");
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_THAT(s.status().message(), HasSubstr(c.message));
    EXPECT_THAT(s.status().message(), ::testing::StartsWith("t.toml:"));
  }
}

TEST(GatewayConfigTest, GivesTheModelTheGatewayServices) {
  const Scenario s = Parse(R"(
[services.gateway]
mapping_rules = [{ pattern = "/", metric = "hits" }]
[[services]]
id = "7"
provider_key = "pk7"
[services.gateway]
backend_authentication = "none"
[[services]]
id = "8"
provider_key = "pk8"
)",
                           kRequest);
  const core::GatewayConfig config = GatewayConfigOf(s);
  ASSERT_EQ(2u, config.services.size())
      << "service 8 is not behind the gateway";
  EXPECT_EQ("42", config.services[0].id);
  EXPECT_EQ("service_token", config.services[0].backend_authentication_type);
  EXPECT_EQ("token-value", config.services[0].backend_authentication_value);
  EXPECT_EQ("2", config.services[1].backend_version);
  EXPECT_EQ("", config.services[1].backend_authentication_type);
}

TEST(GatewayConfigTest, ExportsApicastsConfiguration) {
  const Scenario s = Parse(R"(
[services.gateway]
hosts = ["api.example.com"]
credentials_location = "headers"
mapping_rules = [{ pattern = "/v1/word/{word}.json?lang={lang}", metric = "search", delta = 2, parameters = { lang = "{lang}" } }]
error_limits_exceeded = { body = "Usage limit exceeded" }
)",
                           kRequest);
  ApicastExportOptions options;
  options.backend_url = "http://127.0.0.1:4001";
  options.upstream_url = "http://127.0.0.1:4002";
  const nlohmann::json json =
      nlohmann::json::parse(ExportApicastConfig(s, options));
  const nlohmann::json& service = json["services"][0];
  EXPECT_EQ("42", service["id"]);
  EXPECT_EQ("1", service["backend_version"]);
  EXPECT_EQ("service_token", service["backend_authentication_type"]);
  EXPECT_EQ("token-value", service["backend_authentication_value"]);
  const nlohmann::json& proxy = service["proxy"];
  EXPECT_EQ(nlohmann::json::array({"api.example.com"}), proxy["hosts"]);
  EXPECT_EQ("http://127.0.0.1:4002", proxy["api_backend"]);
  EXPECT_EQ("http://127.0.0.1:4001", proxy["backend"]["endpoint"]);
  EXPECT_EQ("headers", proxy["credentials_location"]);
  EXPECT_EQ("Usage limit exceeded", proxy["error_limits_exceeded"]);
  EXPECT_EQ(429, proxy["error_status_limits_exceeded"]);
  EXPECT_EQ("text/plain; charset=utf-8", proxy["error_headers_no_match"]);
  EXPECT_EQ(401, proxy["error_status_auth_missing"]);
  EXPECT_EQ("caching", proxy["policy_chain"][0]["name"]);
  EXPECT_EQ("none", proxy["policy_chain"][0]["configuration"]["caching_type"]);
  EXPECT_EQ("apicast", proxy["policy_chain"][1]["name"]);
  const nlohmann::json& rule = proxy["proxy_rules"][0];
  EXPECT_EQ("GET", rule["http_method"]);
  EXPECT_EQ("/v1/word/{word}.json?lang={lang}", rule["pattern"]);
  EXPECT_EQ("search", rule["metric_system_name"]);
  EXPECT_EQ(2, rule["delta"]);
  EXPECT_EQ(false, rule["last"]);
  EXPECT_EQ(nlohmann::json::array({"word"}), rule["parameters"]);
  EXPECT_EQ("{lang}", rule["querystring_parameters"]["lang"]);
}

TEST(GatewayConfigTest, ExportsNoUpstreamAsNull) {
  const Scenario s = Parse("[services.gateway]\nupstream = false\n", kRequest);
  const nlohmann::json json = nlohmann::json::parse(ExportApicastConfig(s, {}));
  EXPECT_TRUE(json["services"][0]["proxy"]["api_backend"].is_null());
}

TEST(UpstreamEchoTest, AnswersWithWhatItReceived) {
  core::HttpRequest request;
  request.method = "PUT";
  request.target = "/a?b=1";
  request.headers = {{"Host", "x"}};
  request.body = "hello";
  const core::HttpResponse response = EchoResponse(request);
  EXPECT_EQ(200, response.status);
  ASSERT_NE(nullptr, response.Header(kUpstreamHeader));
  EXPECT_EQ("echo", *response.Header(kUpstreamHeader));
  const nlohmann::json json = nlohmann::json::parse(response.body);
  EXPECT_EQ("PUT", json["method"]);
  EXPECT_EQ("/a?b=1", json["target"]);
  EXPECT_EQ("x", json["headers"]["Host"]);
  EXPECT_EQ("hello", json["body"]);
}

CommandLine ParseArgs(std::vector<const char*> args) {
  args.insert(args.begin(), "scalecheck");
  return ParseCommandLine(static_cast<int>(args.size()), args.data());
}

TEST(GatewayCliTest, ParsesTheGatewayFlagsOfRun) {
  const CommandLine cl =
      ParseArgs({"run", "--gateway", "http://127.0.0.1:9", "--backend-listen",
                 "127.0.0.1:4001", "--upstream-listen", "127.0.0.1:4002",
                 "--gateway-config", "/tmp/c.json", "--gateway-cache", "strict",
                 "scenarios/gateway"});
  ASSERT_TRUE(cl.command) << cl.message;
  const RunCommandOptions& o = std::get<RunCommand>(*cl.command).options;
  EXPECT_EQ("http://127.0.0.1:9", o.gateway.url);
  EXPECT_EQ("127.0.0.1", o.target.embedded_host);
  EXPECT_EQ(4001, o.target.embedded_port);
  EXPECT_EQ("127.0.0.1:4002", o.gateway.upstream_listen);
  EXPECT_EQ("/tmp/c.json", o.gateway.config_path);
  EXPECT_EQ(core::GatewayCacheMode::kStrict, o.gateway.cache);
}

TEST(GatewayCliTest, DefaultsToEphemeralPortsAndNoCache) {
  const CommandLine cl =
      ParseArgs({"run", "--gateway", "http://127.0.0.1:9", "x.toml"});
  ASSERT_TRUE(cl.command) << cl.message;
  const RunCommandOptions& o = std::get<RunCommand>(*cl.command).options;
  EXPECT_EQ(0, o.target.embedded_port);
  EXPECT_EQ("127.0.0.1:0", o.gateway.upstream_listen);
  EXPECT_EQ(core::GatewayCacheMode::kNone, o.gateway.cache);
}

TEST(GatewayCliTest, RefusesBadGatewayFlags) {
  const struct {
    std::vector<const char*> args;
    std::string message;
  } cases[] = {
      {{"run", "--gateway-cache", "strict", "x.toml"}, "need --gateway"},
      {{"run", "--gateway", "http://h:1", "--gateway-cache", "lru", "x.toml"},
       "--gateway-cache must be none, strict, resilient or allow, got 'lru'"},
      {{"run", "--gateway", "http://h:1", "--backend-listen", "nowhere",
        "x.toml"},
       "--backend-listen wants HOST:PORT, got 'nowhere'"},
      {{"run", "--gateway", "http://h:1", "--upstream-listen",
        "127.0.0.1:99999", "x.toml"},
       "--upstream-listen: invalid port in '127.0.0.1:99999'"},
      {{"export", "x.toml"}, "unknown export format 'x.toml' (known: apicast)"},
      {{"export", "apicast"}, "export apicast needs a SCENARIO"},
  };
  for (const auto& c : cases) {
    const CommandLine cl = ParseArgs(c.args);
    EXPECT_FALSE(cl.command) << c.message;
    EXPECT_EQ(ExitCode::kUsage, cl.exit_code);
    EXPECT_THAT(cl.message, HasSubstr(c.message));
  }
}

TEST(GatewayCliTest, ParsesExportApicast) {
  const CommandLine cl =
      ParseArgs({"export", "apicast", "--backend", "http://127.0.0.1:5",
                 "--upstream", "http://127.0.0.1:6", "s.toml"});
  ASSERT_TRUE(cl.command) << cl.message;
  const ExportCommand& e = std::get<ExportCommand>(*cl.command);
  EXPECT_EQ("s.toml", e.scenario_path);
  EXPECT_EQ("http://127.0.0.1:5", e.options.backend_url);
  EXPECT_EQ("http://127.0.0.1:6", e.options.upstream_url);
  const CommandLine help = ParseArgs({"export", "--help"});
  EXPECT_THAT(help.message, HasSubstr("usage: scalecheck export apicast"));
  EXPECT_THAT(TopLevelHelp(), HasSubstr("export"));
}

}  // namespace
}  // namespace scalecheck::harness
