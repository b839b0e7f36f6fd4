// tests/core/gateway_model_test.cc
//
// The gateway model against spec/gateway.md: the order of decisions (1),
// credentials (3), the authrep (4.1), the backend's verdict (4.2), the auth
// cache (4.3), the error answers (5.1), path routing (2.8), and the cases of
// section 7 it covers, one row each, named by their number.
#include "core/gateway_model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/params.h"

namespace scalecheck::core {
namespace {

MappingRule Rule(std::string method, std::string pattern, std::string metric,
                 int64_t delta,
                 std::vector<std::pair<std::string, std::string>> qs = {}) {
  MappingRule rule;
  rule.http_method = std::move(method);
  rule.pattern = std::move(pattern);
  rule.metric_system_name = std::move(metric);
  rule.delta = delta;
  rule.querystring_parameters = std::move(qs);
  return rule;
}

// The base fixture of section 7: service 42, version 1, token-value, query.
GatewayService Service42(std::vector<MappingRule> rules) {
  GatewayService s;
  s.id = "42";
  s.backend_version = "1";
  s.backend_authentication_value = "token-value";
  s.hosts = {"localhost"};
  s.rules = std::move(rules);
  return s;
}

GatewayRequest Get(std::string path, std::string query = "",
                   HeaderList headers = {}) {
  GatewayRequest r;
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = std::move(headers);
  return r;
}

// "service_id=42&usage[hits]=2&user_key=value"-like summary of an authrep,
// without the authentication, in the groups' order.
std::string Summary(const GatewayAuthrep& a) {
  std::string out;
  for (const auto& [m, d] : a.usage) {
    out += (out.empty() ? "" : "&") + ("usage[" + m + "]=" + std::to_string(d));
  }
  for (const auto& [n, v] : a.credentials)
    out += (out.empty() ? "" : "&") + n + "=" + v;
  return out;
}

struct Case {
  Case(std::string n, GatewayConfig c, GatewayRequest r,
       std::optional<BackendVerdict> v, int s, std::string b, std::string a,
       std::string retry = "")
      : name(std::move(n)),
        config(std::move(c)),
        request(std::move(r)),
        verdict(std::move(v)),
        status(s),
        body(std::move(b)),
        authrep(std::move(a)),
        retry_after(std::move(retry)) {}
  std::string name;
  GatewayConfig config;
  GatewayRequest request;
  std::optional<BackendVerdict> verdict;  // nullopt: no backend call expected.
  int status = 200;
  std::string body;         // Checked when the answer has one.
  std::string authrep;      // Summary(); "" when no call.
  std::string retry_after;  // "" = absent.
};

GatewayConfig Config(GatewayService s) {
  GatewayConfig c;
  c.services.push_back(std::move(s));
  return c;
}

BackendVerdict Verdict(int status, HeaderList headers = {}) {
  return {status, headers};
}

TEST(GatewayModelTest, AnswersTheConformanceCasesOfSection7) {
  GatewayService custom_no_match = Service42({});
  custom_no_match.errors.no_match = {412, kGatewayTextPlain,
                                     "no mapping rules!"};
  GatewayService v2 = Service42({Rule("GET", "/", "hits", 2)});
  v2.backend_version = "2";
  GatewayService custom_failed = Service42({Rule("GET", "/", "hits", 1)});
  custom_failed.errors.auth_failed = {402, kGatewayTextPlain,
                                      "credentials invalid!"};
  GatewayService headers = Service42({Rule("GET", "/", "hits", 2)});
  headers.credentials_location = CredentialsLocation::kHeaders;
  headers.backend_authentication_type.clear();
  GatewayService basic = Service42({Rule("GET", "/", "hits", 2)});
  basic.credentials_location = CredentialsLocation::kAuthorization;
  GatewayService v2_headers = v2;
  v2_headers.credentials_location = CredentialsLocation::kHeaders;
  GatewayService v2_basic = v2;
  v2_basic.credentials_location = CredentialsLocation::kAuthorization;
  GatewayService post = Service42({Rule("POST", "/", "hits", 2)});
  post.errors.auth_missing = {401, kGatewayTextPlain, "credentials missing!"};
  GatewayService no_upstream = Service42({Rule("GET", "/", "hits", 2)});
  no_upstream.has_upstream = false;
  const HeaderList limits = {{"3scale-rejection-reason", "limits_exceeded"}};
  const HeaderList form = {
      {"Content-Type", "application/x-www-form-urlencoded"}};
  GatewayRequest post_body = Get("/foo", "user_key=k");
  post_body.method = "POST";
  post_body.headers = form;
  post_body.body = "bar=baz";
  GatewayRequest post_body_wins =
      Get("/foo", "a_param=val3&another_param=val2&user_key=k");
  post_body_wins.method = "POST";
  post_body_wins.headers = form;
  post_body_wins.body = "a_param=val1";
  GatewayRequest post_query = Get("/foo", "bar=baz&user_key=k");
  post_query.method = "POST";
  GatewayRequest put_any = Get("/foo/x", "user_key=k");
  put_any.method = "PUT";
  GatewayRequest spooled = Get("/");
  spooled.method = "POST";
  spooled.headers = form;
  spooled.body = "user_key=value-" + std::string(32 * 1024, '1');

  const std::vector<Case> cases = {
      {"#1", Config(Service42({Rule("GET", "/", "hits", 2)})),
       Get("/", "user_key=value"), Verdict(200), 200, "",
       "usage[hits]=2&user_key=value"},
      {"#2", Config(Service42({})), Get("/", "user_key=value"), std::nullopt,
       404, "No Mapping Rule matched", ""},
      {"#3", Config(custom_no_match), Get("/", "user_key=value"), std::nullopt,
       412, "no mapping rules!", ""},
      {"#4", Config(Service42({})), Get("/"), std::nullopt, 401,
       "Authentication parameters missing", ""},
      {"#5", Config(v2), Get("/", "app_key=42"), std::nullopt, 401,
       "Authentication parameters missing", ""},
      {"#6", Config(Service42({Rule("GET", "/", "hits", 1)})),
       Get("/", "user_key=value"), Verdict(403), 403, "Authentication failed",
       "usage[hits]=1&user_key=value"},
      {"#7", Config(custom_failed), Get("/", "user_key=value"), Verdict(403),
       402, "credentials invalid!", "usage[hits]=1&user_key=value"},
      {"#8", Config(Service42({Rule("GET", "/", "hits", 1)})),
       Get("/", "user_key=somekey"), Verdict(409, limits), 429,
       "Limits exceeded", "usage[hits]=1&user_key=somekey"},
      {"#9", Config(Service42({Rule("GET", "/", "hits", 1)})),
       Get("/", "user_key=somekey"),
       Verdict(409, {{"3scale-rejection-reason", "limits_exceeded"},
                     {"3scale-limit-reset", "60"}}),
       429, "Limits exceeded", "usage[hits]=1&user_key=somekey", "60"},
      {"#10", Config(Service42({Rule("GET", "/", "hits", 1)})),
       Get("/", "user_key=somekey"),
       Verdict(409, {{"3scale-rejection-reason", "limits_exceeded"},
                     {"3scale-limit-reset", "60"},
                     {"3scale-limit-max-value", "0"}}),
       403, "Authentication failed", "usage[hits]=1&user_key=somekey"},
      {"#11", Config(Service42({Rule("GET", "/", "hits", 1)})),
       Get("/", "user_key=somekey"),
       Verdict(409, {{"3scale-rejection-reason", "application_not_active"}}),
       403, "Authentication failed", "usage[hits]=1&user_key=somekey"},
      {"#12",
       Config(Service42({Rule("GET", "/foo", "bar", 1, {{"bar", "baz"}})})),
       Get("/foo", "bar=foo&user_key=k"), std::nullopt, 404,
       "No Mapping Rule matched", ""},
      {"#13",
       Config(Service42({Rule("GET", "/foo", "bar", 1, {{"bar", "baz"}})})),
       Get("/foo", "bar=baz&user_key=k"), Verdict(200), 200, "",
       "usage[bar]=1&user_key=k"},
      {"#14",
       Config(Service42({Rule("GET", "/foo", "bar", 3, {{"bar", "{baz}"}})})),
       Get("/foo", "bar={foo}&user_key=k"), Verdict(200), 200, "",
       "usage[bar]=3&user_key=k"},
      {"#15",
       Config(Service42({Rule("GET", "/foo", "bar", 3, {{"bar", "{baz}"}})})),
       Get("/foo", "user_key=k"), std::nullopt, 404, "No Mapping Rule matched",
       ""},
      {"#16",
       Config(Service42({Rule("GET", "/{env}/video/encode", "hits", 2,
                              {{"size", "{size}"}, {"speed", "2x"}})})),
       Get("/staging/video/encode", "size=100&speed=3x&user_key=foo&speed=2x"),
       Verdict(200), 200, "", "usage[hits]=2&user_key=foo"},
      {"#17",
       Config(Service42({Rule("POST", "/foo", "bar", 7, {{"bar", "baz"}})})),
       post_query, Verdict(200), 200, "", "usage[bar]=7&user_key=k"},
      {"#18",
       Config(Service42({Rule("POST", "/foo", "bar", 7, {{"bar", "baz"}})})),
       post_body, Verdict(200), 200, "", "usage[bar]=7&user_key=k"},
      {"#19",
       Config(
           Service42({Rule("POST", "/foo", "bar", 7,
                           {{"a_param", "val1"}, {"another_param", "val2"}})})),
       post_body_wins, Verdict(200), 200, "", "usage[bar]=7&user_key=k"},
      {"#21", Config(Service42({Rule("GET", "/foo%20/bar/", "hits", 1)})),
       Get("/foo%20/bar/", "user_key=foo"), Verdict(200), 200, "",
       "usage[hits]=1&user_key=foo"},
      {"#23", Config(Service42({Rule("ANY", "/foo/", "hits", 1)})), put_any,
       Verdict(200), 200, "", "usage[hits]=1&user_key=k"},
      {"#25", Config(Service42({Rule("GET", "/foo$", "hits", 1)})),
       Get("/foo/bar", "user_key=k"), std::nullopt, 404,
       "No Mapping Rule matched", ""},
      {"#26", Config(Service42({Rule("GET", "/foo", "hits", 1)})),
       Get("/foobar", "user_key=k"), Verdict(200), 200, "",
       "usage[hits]=1&user_key=k"},
      {"#27", Config(headers), Get("/", "", {{"user_key", "value"}}),
       Verdict(200), 200, "", "usage[hits]=2&user_key=value"},
      {"#28", Config(headers), Get("/", "", {{"User-Key", "!123!"}}),
       Verdict(403), 403, "Authentication failed",
       "usage[hits]=2&user_key=!123!"},
      {"#29", Config(Service42({Rule("GET", "/", "hits", 2)})),
       Get("/", "user_key="), Verdict(403), 403, "Authentication failed",
       "usage[hits]=2&user_key="},
      {"#30", Config(basic),
       Get("/", "", {{"Authorization", "Basic dmFsdWU6Cg=="}}), Verdict(200),
       200, "", "usage[hits]=2&user_key=value"},
      {"#31", Config(Service42({Rule("GET", "/", "hits", 2)})),
       Get("/", "", {{"Authorization", "Basic dmFsdWU6Cg=="}}), std::nullopt,
       401, "Authentication parameters missing", ""},
      {"#32", Config(v2_headers),
       Get("/", "", {{"app_id", "foo"}, {"app_key", "bar"}}), Verdict(200), 200,
       "", "usage[hits]=2&app_id=foo&app_key=bar"},
      {"#33", Config(v2), Get("/", "app_id=foo&app_key=bar"), Verdict(200), 200,
       "", "usage[hits]=2&app_id=foo&app_key=bar"},
      {"#34", Config(v2_basic),
       Get("/", "", {{"Authorization", "Basic Zm9vOmJhcg=="}}), Verdict(200),
       200, "", "usage[hits]=2&app_id=foo&app_key=bar"},
      {"#35", Config(Service42({Rule("GET", "/", "hits", 2)})),
       Get("/", "user_key=%5Babc%5D"), Verdict(200), 200, "",
       "usage[hits]=2&user_key=%5Babc%5D"},
      {"#36", Config(post), spooled, std::nullopt, 401, "credentials missing!",
       ""},
      {"#37", GatewayConfig{}, Get("/", "user_key=value"), std::nullopt, 404,
       "", ""},
      {"#38", Config(no_upstream), Get("/", "user_key=value"), Verdict(200),
       404, "", "usage[hits]=2&user_key=value"},
      {"#51", Config(Service42({Rule("GET", "/foo", "hits", 0)})),
       Get("/foo", "user_key=k"), std::nullopt, 404, "No Mapping Rule matched",
       ""},
      {"4.2 unavailable backend: auth failed",
       Config(Service42({Rule("GET", "/", "hits", 1)})), Get("/", "user_key=k"),
       Verdict(0), 403, "Authentication failed", "usage[hits]=1&user_key=k"},
      {"4.2 backend 500: auth failed",
       Config(Service42({Rule("GET", "/", "hits", 1)})), Get("/", "user_key=k"),
       Verdict(500), 403, "Authentication failed", "usage[hits]=1&user_key=k"},
      {"4.2 eternity reset copied verbatim",
       Config(Service42({Rule("GET", "/", "hits", 1)})), Get("/", "user_key=k"),
       Verdict(409, {{"3scale-rejection-reason", "limits_exceeded"},
                     {"3scale-limit-reset", "-1"}}),
       429, "Limits exceeded", "usage[hits]=1&user_key=k", "-1"},
  };
  for (const Case& c : cases) {
    const GatewayDecision decision = DecideGatewayRequest(c.config, c.request);
    GatewayAnswer answer;
    if (c.verdict) {
      ASSERT_EQ(GatewayStage::kAuthorize, decision.stage) << c.name;
      ASSERT_TRUE(decision.authrep) << c.name;
      EXPECT_EQ(c.authrep, Summary(*decision.authrep)) << c.name;
      answer = AnswerFromBackend(c.config, decision, *c.verdict, false);
    } else {
      ASSERT_NE(GatewayStage::kAuthorize, decision.stage) << c.name;
      EXPECT_EQ("", c.authrep) << c.name;
      answer = AnswerWithoutBackend(c.config, decision);
    }
    EXPECT_EQ(c.status, answer.status) << c.name;
    if (answer.body) {
      EXPECT_EQ(c.body, *answer.body) << c.name;
    }
    if (answer.kind != GatewayAnswerKind::kUpstream &&
        answer.kind != GatewayAnswerKind::kServiceNotFound &&
        answer.kind != GatewayAnswerKind::kNoUpstream) {
      EXPECT_EQ(std::optional<std::string>(kGatewayTextPlain),
                answer.content_type)
          << c.name;
    }
    EXPECT_EQ(c.retry_after, answer.retry_after.value_or("")) << c.name;
  }
}

TEST(GatewayModelTest, LooksServicesUpByLowercasedHostWithoutPort_1) {
  GatewayConfig config = Config(Service42({Rule("GET", "/", "hits", 1)}));
  config.services[0].hosts = {"api.example.com"};
  const struct {
    std::string host;
    GatewayStage want;
  } cases[] = {
      {"api.example.com", GatewayStage::kAuthorize},
      {"API.Example.COM:8080", GatewayStage::kAuthorize},
      {"other.example.com", GatewayStage::kServiceNotFound},
  };
  for (const auto& c : cases) {
    GatewayRequest r = Get("/", "user_key=k");
    r.host = c.host;
    EXPECT_EQ(c.want, DecideGatewayRequest(config, r).stage) << c.host;
  }
}

TEST(GatewayModelTest, ReachesOnlyTheFirstServiceOfASharedHost_2_8) {
  GatewayService one = Service42({Rule("GET", "/one", "one", 1)});
  one.hosts = {"same"};
  GatewayService two = Service42({Rule("GET", "/two", "two", 2)});
  two.id = "21";
  two.backend_version = "2";
  two.hosts = {"same"};
  GatewayConfig config;
  config.services = {one, two};
  GatewayRequest to_two = Get("/two", "app_id=two-id&app_key=two-key");
  to_two.host = "same";
  GatewayRequest nowhere = Get("/nowhere", "user_key=k");
  nowhere.host = "same";
  const struct {
    std::string name;
    PathRouting routing;
    GatewayRequest request;
    GatewayStage stage;
    int service;
  } cases[] = {
      {"2.8 without path routing: the first service", PathRouting::kOff, to_two,
       GatewayStage::kAuthMissing, 0},
      {"2.8 path routing (path-routing #1)", PathRouting::kOn, to_two,
       GatewayStage::kAuthorize, 1},
      {"2.8 path routing falls back to the host", PathRouting::kOn, nowhere,
       GatewayStage::kNoMatch, 0},
      {"2.8 path routing only: not found (path-routing #3)", PathRouting::kOnly,
       nowhere, GatewayStage::kServiceNotFound, -1},
  };
  for (const auto& c : cases) {
    config.path_routing = c.routing;
    const GatewayDecision d = DecideGatewayRequest(config, c.request);
    EXPECT_EQ(c.stage, d.stage) << c.name;
    EXPECT_EQ(c.service, d.service) << c.name;
  }
}

TEST(GatewayModelTest, ReadsCredentials_3) {
  GatewayService base = Service42({Rule("ANY", "/", "hits", 1)});
  const HeaderList form = {
      {"Content-Type", "application/x-www-form-urlencoded"}};
  const struct {
    std::string name;
    CredentialsLocation location;
    std::string version;
    std::string method;
    std::string query;
    HeaderList headers;
    std::string body;
    std::string want;  // credentials; "missing"
  } cases[] = {
      {"3.2 query: first occurrence",
       CredentialsLocation::kQuery,
       "1",
       "GET",
       "user_key=a&user_key=b",
       {},
       "",
       "user_key=a"},
      {"3.2 query: name ignoring case",
       CredentialsLocation::kQuery,
       "1",
       "GET",
       "USER_KEY=a",
       {},
       "",
       "user_key=a"},
      {"3.2 query: value raw",
       CredentialsLocation::kQuery,
       "1",
       "GET",
       "user_key=a%20b+c",
       {},
       "",
       "user_key=a%20b+c"},
      {"3.2 query: no '=' is not found",
       CredentialsLocation::kQuery,
       "1",
       "GET",
       "user_key",
       {},
       "",
       "missing"},
      {"3.2 query: body fallback for POST", CredentialsLocation::kQuery, "1",
       "POST", "", form, "user_key=a%20b", "user_key=a b"},
      {"3.2 query: no body fallback for GET", CredentialsLocation::kQuery, "1",
       "GET", "", form, "user_key=a", "missing"},
      {"3.2 query: app_id and app_key fall back independently",
       CredentialsLocation::kQuery, "2", "POST", "app_id=i", form, "app_key=k",
       "app_id=i&app_key=k"},
      {"3.2 headers: '-' and '_' alike",
       CredentialsLocation::kHeaders,
       "1",
       "GET",
       "",
       {{"USER-KEY", "v"}},
       "",
       "user_key=v"},
      {"3.2 headers: not the query",
       CredentialsLocation::kHeaders,
       "1",
       "GET",
       "user_key=v",
       {},
       "",
       "missing"},
      {"3.2 authorization: split at the last ':'",
       CredentialsLocation::kAuthorization,
       "2",
       "GET",
       "",
       {{"Authorization", "Basic YTpiOmM="}},
       "",
       "app_id=a:b&app_key=c"},
      {"3.2 authorization: no ':' yields nothing",
       CredentialsLocation::kAuthorization,
       "1",
       "GET",
       "",
       {{"Authorization", "Basic dmFsdWU="}},
       "",
       "missing"},
      {"3.2 authorization: bad base64 yields nothing",
       CredentialsLocation::kAuthorization,
       "1",
       "GET",
       "",
       {{"Authorization", "Basic !!!"}},
       "",
       "missing"},
      {"3.2 authorization: scheme case-sensitive",
       CredentialsLocation::kAuthorization,
       "1",
       "GET",
       "",
       {{"Authorization", "basic dmFsdWU6Cg=="}},
       "",
       "missing"},
      {"3.2 authorization: bearer as user_key",
       CredentialsLocation::kAuthorization,
       "1",
       "GET",
       "",
       {{"Authorization", "Bearer tok"}},
       "",
       "user_key=tok"},
      {"3.2 authorization: bearer lacks app_key",
       CredentialsLocation::kAuthorization,
       "2",
       "GET",
       "",
       {{"Authorization", "Bearer tok"}},
       "",
       "missing"},
      {"3.3 empty counts as present",
       CredentialsLocation::kAuthorization,
       "1",
       "GET",
       "",
       {{"Authorization", "Basic Ong="}},
       "",
       "user_key="},
      {"3.1 version 2 needs both",
       CredentialsLocation::kQuery,
       "2",
       "GET",
       "app_id=i",
       {},
       "",
       "missing"},
      {"3.1 unknown version: missing",
       CredentialsLocation::kQuery,
       "3",
       "GET",
       "user_key=a",
       {},
       "",
       "missing"},
  };
  for (const auto& c : cases) {
    GatewayService s = base;
    s.credentials_location = c.location;
    s.backend_version = c.version;
    GatewayRequest r = Get("/", c.query, c.headers);
    r.method = c.method;
    r.body = c.body;
    const GatewayDecision d = DecideGatewayRequest(Config(s), r);
    std::string got = "missing";
    if (d.authrep) {
      got.clear();
      for (const auto& [n, v] : d.authrep->credentials) {
        got += (got.empty() ? "" : "&") + n + "=" + v;
      }
    }
    EXPECT_EQ(c.want, got) << c.name;
  }
}

TEST(GatewayModelTest, SendsTheAuthrepAsApicast_4_1) {
  const GatewayDecision d =
      DecideGatewayRequest(Config(Service42({Rule("GET", "/", "hits", 2)})),
                           Get("/", "user_key=%5Babc%5D"));
  ASSERT_TRUE(d.authrep);
  const HttpRequest r = d.authrep->ToRequest("backend");
  EXPECT_EQ("GET", r.method);
  EXPECT_EQ(
      "/transactions/authrep.xml?service_token=token-value&service_id=42&"
      "usage%5Bhits%5D=2&user_key=%255Babc%255D",
      r.target);
  ASSERT_NE(nullptr, r.Header("3scale-options"));
  EXPECT_EQ("rejection_reason_header=1&limit_headers=1&no_body=1",
            *r.Header("3scale-options"));
  EXPECT_EQ("42:%5Babc%5D:usage%5Bhits%5D=2", d.authrep->CacheKey());
}

TEST(GatewayModelTest, CachesAsEachHandler_4_3) {
  const std::string key = "42:value:usage%5Bhits%5D=2";
  const struct {
    std::string name;
    GatewayCacheMode mode;
    std::vector<int> backend;  // Answers in order (0: unavailable).
    std::vector<bool> hit;     // Hit() before each answer.
  } cases[] = {
      {"4.3 none never hits",
       GatewayCacheMode::kNone,
       {200, 200},
       {false, false}},
      {"4.3 strict: 200 stored, 502 deletes",
       GatewayCacheMode::kStrict,
       {200, 502, 200},
       {false, true, false}},
      {"4.3 resilient keeps 200 through a 502",
       GatewayCacheMode::kResilient,
       {200, 502, 502},
       {false, true, true}},
      {"4.3 resilient stores a 409",
       GatewayCacheMode::kResilient,
       {200, 409, 200},
       {false, true, false}},
      {"4.3 allow admits an unseen key while down",
       GatewayCacheMode::kAllow,
       {502, 502},
       {false, true}},
      {"4.3 allow keeps a stored 403",
       GatewayCacheMode::kAllow,
       {403, 502, 502},
       {false, false, false}},
  };
  for (const auto& c : cases) {
    AuthCache cache(c.mode);
    for (size_t i = 0; i < c.backend.size(); ++i) {
      EXPECT_EQ(c.hit[i], cache.Hit(key)) << c.name << " request " << i + 1;
      cache.Store(key, c.backend[i]);
    }
  }
}

TEST(GatewayModelTest, AdmitsAnUnavailableBackendOnlyWithACachedOk_4_2) {
  const GatewayConfig config = Config(Service42({Rule("GET", "/", "hits", 1)}));
  const GatewayDecision d =
      DecideGatewayRequest(config, Get("/", "user_key=k"));
  EXPECT_EQ(200, AnswerFromBackend(config, d, Verdict(502), true).status);
  EXPECT_EQ(403, AnswerFromBackend(config, d, Verdict(502), false).status);
  EXPECT_EQ(403, AnswerFromBackend(config, d, Verdict(403), true).status);
}

TEST(GatewayModelTest, RefusesPathsNginxRefuses_2_2) {
  const GatewayConfig config = Config(Service42({Rule("GET", "/", "hits", 1)}));
  const GatewayDecision d =
      DecideGatewayRequest(config, Get("/a%zz", "user_key=k"));
  EXPECT_EQ(GatewayStage::kBadRequest, d.stage);
  EXPECT_EQ(400, AnswerWithoutBackend(config, d).status);
}

}  // namespace
}  // namespace scalecheck::core
