// tests/harness/scenario_loader_test.cc
//
// The scenario format: every feature parsed into scenario.h's structs, every
// class of error with its file:line:col message, every file under scenarios/
// loading (and every scenarios/invalid/ file failing with the message on its
// first line), the file search and `scalecheck validate`.
#include "harness/scenario_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "harness/validate.h"
#include "tests/testing/utc_time.h"

#ifndef SCALECHECK_SOURCE_DIR
#define SCALECHECK_SOURCE_DIR "/work/main"
#endif

namespace scalecheck::harness {
namespace {

using test::Utc;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

using namespace std::chrono_literals;

const std::string kSourceDir = SCALECHECK_SOURCE_DIR;

// One service with a metric hierarchy, a plan with limits and two
// applications; most cases add steps to it.
constexpr const char* kFixture = R"(
[[services]]
id = "s1"
provider_key = "pk"
service_tokens = ["t1"]
metrics = [{ name = "hits" }, { name = "search", parent = "hits" }]

[[services.plans]]
id = "p1"
name = "Basic"
limits = { hits = { day = 100, minute = 5 }, search = { month = 3 } }

[[services.applications]]
id = "a1"
keys = ["k1", "k2"]

[[services.applications]]
id = "a2"
user_key = "uk2"
)";

core::Result<Scenario> Parse(const std::string& text,
                             const std::string& origin = "scenarios/t.toml") {
  return ParseScenario(text, origin);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Paths relative to the repository, so that messages name them as the
// scenarios/invalid/ files expect.
std::vector<std::string> ScenarioFiles(const std::string& relative_dir) {
  const core::Result<std::vector<std::string>> files =
      FindScenarioFiles({kSourceDir + "/" + relative_dir});
  EXPECT_TRUE(files.ok()) << files.status().message();
  std::vector<std::string> relative;
  if (!files.ok()) return relative;
  for (const std::string& file : *files) {
    relative.push_back(file.substr(kSourceDir.size() + 1));
  }
  return relative;
}

// ---- scenario.h -----------------------------------------------------------

TEST(SourceLocationTest, PrintsFileLineAndColumn) {
  EXPECT_EQ("scenarios/x.toml:3:10",
            (SourceLocation{"scenarios/x.toml", 3, 10}.ToString()));
  EXPECT_EQ("scenarios/x.toml",
            (SourceLocation{"scenarios/x.toml"}.ToString()));
}

TEST(CallKindTest, IsNamedByItsScenarioKey) {
  const struct {
    CallKind kind;
    std::string name;
  } cases[] = {{CallKind::kAuthorize, "authorize"},
               {CallKind::kAuthrep, "authrep"},
               {CallKind::kOauthAuthorize, "oauth_authorize"},
               {CallKind::kOauthAuthrep, "oauth_authrep"},
               {CallKind::kReport, "report"}};
  for (const auto& c : cases) EXPECT_EQ(c.name, ToString(c.kind));
}

// ---- Every feature ----------------------------------------------------------

struct FeatureCase {
  std::string name;
  std::string toml;
  std::function<void(const Scenario&)> check;
};

void PrintTo(const FeatureCase& c, std::ostream* os) { *os << c.name; }

class ScenarioFeatureTest : public ::testing::TestWithParam<FeatureCase> {};

TEST_P(ScenarioFeatureTest, ParsesIntoTheStructs) {
  const FeatureCase& c = GetParam();
  const core::Result<Scenario> scenario = Parse(c.toml);
  ASSERT_TRUE(scenario.ok()) << c.name << ": " << scenario.status().message();
  c.check(*scenario);
}

// The first step of a scenario made of the fixture and `steps`.
std::string WithSteps(const std::string& steps) { return kFixture + steps; }

const FeatureCase kFeatureCases[] = {
    {"header",
     R"(id = "authorize/basic"
title = "app without limits is authorized"
tags = ["authorize", "smoke"]
spec = "7.1"
requires = ["virtual-clock"]
[[steps]]
advance = "1s"
)",
     [](const Scenario& s) {
       EXPECT_EQ("authorize/basic", s.id);
       EXPECT_EQ("app without limits is authorized", s.title);
       EXPECT_THAT(s.tags, ElementsAre("authorize", "smoke"));
       EXPECT_EQ("7.1", s.spec);
       EXPECT_THAT(s.requires_features, ElementsAre("virtual-clock"));
       EXPECT_EQ("scenarios/t.toml", s.file);
       EXPECT_FALSE(s.clock_start.has_value());
       EXPECT_THAT(s.services, IsEmpty());
     }},
    {"id defaults to the path under scenarios/",
     "[[steps]]\nadvance = \"1s\"\n",
     [](const Scenario& s) { EXPECT_EQ("t", s.id); }},
    {"clock start as a string",
     "[clock]\nstart = \"2024-05-15T10:20:30Z\"\n[[steps]]\nadvance = "
     "\"1s\"\n",
     [](const Scenario& s) {
       EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 30), s.clock_start);
       // Setting the calendar needs a clock the harness controls.
       EXPECT_THAT(s.requires_features, ElementsAre("virtual-clock"));
     }},
    {"clock start as a TOML date-time with an offset",
     "[clock]\nstart = 2024-05-15T12:20:30.250+02:00\n[[steps]]\nadvance = "
     "\"1s\"\n",
     [](const Scenario& s) {
       EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 30, 250), s.clock_start);
     }},
    {"service defaults",
     "[[services]]\nid = \"s1\"\nprovider_key = \"pk\"\n[[steps]]\n"
     "authorize = {}\n",
     [](const Scenario& s) {
       ASSERT_THAT(s.services, SizeIs(1));
       const ServiceSpec& service = s.services[0];
       EXPECT_EQ("s1", service.id);
       EXPECT_EQ("pk", service.provider_key);
       EXPECT_EQ("2", service.backend_version);
       EXPECT_EQ("active", service.state);
       EXPECT_FALSE(service.referrer_filters_required);
       EXPECT_FALSE(service.default_service);
       EXPECT_THAT(service.service_tokens, IsEmpty());
       EXPECT_EQ("scenarios/t.toml:1:1", service.where.ToString());
     }},
    {"service fields",
     R"([[services]]
id = "s1"
provider_key = "pk"
backend_version = "oauth"
state = "suspended"
referrer_filters_required = true
default_service = true
service_tokens = ["t1", "t2"]
[[steps]]
authorize = {}
)",
     [](const Scenario& s) {
       const ServiceSpec& service = s.services.at(0);
       EXPECT_EQ("oauth", service.backend_version);
       EXPECT_EQ("suspended", service.state);
       EXPECT_TRUE(service.referrer_filters_required);
       EXPECT_TRUE(service.default_service);
       EXPECT_THAT(service.service_tokens, ElementsAre("t1", "t2"));
     }},
    {"a state 3scale does not know is kept (it denies like any non-active)",
     R"([[services]]
id = "s1"
provider_key = "pk"
state = "disabled"
[[services.applications]]
id = "a1"
state = "pending"
[[steps]]
authorize = {}
)",
     [](const Scenario& s) {
       EXPECT_EQ("disabled", s.services.at(0).state);
       EXPECT_EQ("pending", s.services.at(0).applications.at(0).state);
     }},
    {"metrics are numbered by position unless they have an id",
     R"([[services]]
id = "s1"
provider_key = "pk"
metrics = [ { name = "hits" }, { name = "search", parent = "hits" }, { id = "7", name = "x" } ]
[[steps]]
authorize = {}
)",
     [](const Scenario& s) {
       const std::vector<MetricSpec>& m = s.services.at(0).metrics;
       ASSERT_THAT(m, SizeIs(3));
       EXPECT_EQ("1", m[0].id);
       EXPECT_EQ("hits", m[0].name);
       EXPECT_EQ("", m[0].parent);
       EXPECT_EQ("2", m[1].id);
       EXPECT_EQ("hits", m[1].parent);
       EXPECT_EQ("7", m[2].id);
       EXPECT_EQ("scenarios/t.toml:4:32", m[1].where.ToString());
     }},
    {"metrics as [[services.metrics]] sections, parent listed later",
     R"([[services]]
id = "s1"
provider_key = "pk"
[[services.metrics]]
name = "search"
parent = "hits"
[[services.metrics]]
name = "hits"
[[steps]]
authorize = {}
)",
     [](const Scenario& s) {
       const std::vector<MetricSpec>& m = s.services.at(0).metrics;
       ASSERT_THAT(m, SizeIs(2));
       EXPECT_EQ("hits", m[0].parent);
       EXPECT_EQ("2", m[1].id);
     }},
    {"plan limits in written order", WithSteps("[[steps]]\nauthorize = {}\n"),
     [](const Scenario& s) {
       const PlanSpec& plan = s.services.at(0).plans.at(0);
       EXPECT_EQ("p1", plan.id);
       EXPECT_EQ("Basic", plan.name);
       ASSERT_THAT(plan.limits, SizeIs(3));
       EXPECT_EQ("hits", plan.limits[0].metric);
       EXPECT_EQ(core::Period::kDay, plan.limits[0].period);
       EXPECT_EQ(100, plan.limits[0].max_value);
       EXPECT_EQ(core::Period::kMinute, plan.limits[1].period);
       EXPECT_EQ(5, plan.limits[1].max_value);
       EXPECT_EQ("search", plan.limits[2].metric);
       EXPECT_EQ(core::Period::kMonth, plan.limits[2].period);
       EXPECT_EQ("scenarios/t.toml:11:21", plan.limits[0].where.ToString());
     }},
    {"a plan without a name is named by its id",
     R"([[services]]
id = "s1"
provider_key = "pk"
[[services.plans]]
id = "gold"
[[steps]]
authorize = {}
)",
     [](const Scenario& s) {
       EXPECT_EQ("gold", s.services.at(0).plans.at(0).name);
     }},
    {"application fields",
     R"([[services]]
id = "s1"
provider_key = "pk"
[[services.plans]]
id = "p1"
[[services.plans]]
id = "p2"
[[services.applications]]
id = "a1"
plan = "p2"
plan_name = "Custom"
state = "suspended"
keys = ["k1", "k2"]
user_key = "uk"
referrer_filters = ["*.example.org"]
redirect_url = "http://x/cb"
[[services.applications]]
id = "a2"
[[steps]]
authorize = {}
)",
     [](const Scenario& s) {
       const ApplicationSpec& a1 = s.services.at(0).applications.at(0);
       EXPECT_EQ("a1", a1.id);
       EXPECT_EQ("p2", a1.plan);
       EXPECT_EQ("Custom", a1.plan_name);
       EXPECT_EQ("suspended", a1.state);
       EXPECT_THAT(a1.keys, ElementsAre("k1", "k2"));
       EXPECT_EQ("uk", a1.user_key);
       EXPECT_THAT(a1.referrer_filters, ElementsAre("*.example.org"));
       EXPECT_EQ("http://x/cb", a1.redirect_url);
       // Without a plan: the service's first; and the defaults.
       const ApplicationSpec& a2 = s.services.at(0).applications.at(1);
       EXPECT_EQ("p1", a2.plan);
       EXPECT_EQ("active", a2.state);
       EXPECT_FALSE(a2.plan_name.has_value());
       EXPECT_FALSE(a2.redirect_url.has_value());
       EXPECT_THAT(a2.keys, IsEmpty());
     }},
    {"defaults: the first service and its first application",
     WithSteps("[[steps]]\nauthorize = {}\n"),
     [](const Scenario& s) {
       EXPECT_EQ("s1", s.defaults.service);
       EXPECT_EQ("a1", s.defaults.app);
       EXPECT_EQ(Credentials::kProviderKey, s.defaults.credentials);
       const CallStep& call = s.steps.at(0).call;
       EXPECT_EQ("s1", call.service);
       EXPECT_EQ("a1", call.app);
       EXPECT_EQ(Credentials::kProviderKey, call.credentials);
       EXPECT_FALSE(call.provider_key.has_value());
     }},
    {"defaults given", WithSteps(R"([defaults]
service = "s1"
app = "a2"
credentials = "service_token"
[[steps]]
authrep = {}
)"),
     [](const Scenario& s) {
       EXPECT_EQ("a2", s.defaults.app);
       EXPECT_EQ(Credentials::kServiceToken, s.defaults.credentials);
       EXPECT_EQ("a2", s.steps.at(0).call.app);
       EXPECT_EQ(Credentials::kServiceToken, s.steps.at(0).call.credentials);
     }},
    {"a step on another service uses that service's first application",
     WithSteps(R"([[services]]
id = "s2"
provider_key = "pk"
[[services.applications]]
id = "b1"
[[steps]]
authorize = { service = "s2" }
)"),
     [](const Scenario& s) {
       EXPECT_EQ("s2", s.steps.at(0).call.service);
       EXPECT_EQ("b1", s.steps.at(0).call.app);
     }},
    {"every call kind is its key", WithSteps(R"([[steps]]
authorize = {}
[[steps]]
authrep = {}
[[steps]]
oauth_authorize = {}
[[steps]]
oauth_authrep = {}
[[steps]]
report = { transactions = [] }
)"),
     [](const Scenario& s) {
       ASSERT_THAT(s.steps, SizeIs(5));
       const CallKind kinds[] = {CallKind::kAuthorize, CallKind::kAuthrep,
                                 CallKind::kOauthAuthorize,
                                 CallKind::kOauthAuthrep, CallKind::kReport};
       for (size_t i = 0; i < 5; ++i) {
         EXPECT_EQ(Step::Kind::kCall, s.steps[i].kind);
         EXPECT_EQ(kinds[i], s.steps[i].call.kind) << i;
       }
       EXPECT_THAT(s.steps[4].call.transactions, IsEmpty());
       EXPECT_FALSE(s.steps[4].call.app.has_value());
     }},
    {"usage in written order; integers become their text",
     WithSteps(
         "[[steps]]\nauthrep = { usage = { search = \"#5\", hits = 1 } }\n"),
     [](const Scenario& s) {
       EXPECT_THAT(s.steps.at(0).call.usage,
                   ElementsAre(Pair("search", "#5"), Pair("hits", "1")));
     }},
    {"call fields", WithSteps(R"([[steps]]
oauth_authrep = { app = "a1", app_key = "", referrer = "r", redirect_url = "http://u", redirect_uri = "http://i", send_service_id = true, log = { code = 200 } }
)"),
     [](const Scenario& s) {
       const CallStep& call = s.steps.at(0).call;
       EXPECT_EQ("a1", call.app);
       EXPECT_EQ("", call.app_key);
       EXPECT_EQ("r", call.referrer);
       EXPECT_EQ("http://u", call.redirect_url);
       EXPECT_EQ("http://i", call.redirect_uri);
       EXPECT_EQ(true, call.send_service_id);
       EXPECT_THAT(call.log, ElementsAre(Pair("code", "200")));
       EXPECT_FALSE(call.user_key.has_value());
     }},
    {"extensions, params (a table or pairs) and omit", WithSteps(R"([[steps]]
authrep = { extensions = { limit_headers = 1, no_body = "0" }, params = { referrer = "x" }, omit = ["app_key", "service_id"] }
[[steps]]
authorize = { params = [["usage[hits]", "1"], ["usage[hits]", 2]] }
)"),
     [](const Scenario& s) {
       const CallStep& call = s.steps.at(0).call;
       EXPECT_THAT(call.extensions, ElementsAre(Pair("limit_headers", "1"),
                                                Pair("no_body", "0")));
       EXPECT_THAT(call.params, ElementsAre(Pair("referrer", "x")));
       EXPECT_THAT(call.omit, ElementsAre("app_key", "service_id"));
       EXPECT_THAT(
           s.steps.at(1).call.params,
           ElementsAre(Pair("usage[hits]", "1"), Pair("usage[hits]", "2")));
     }},
    {"a user_key call names no app",
     WithSteps("[[steps]]\nauthorize = { user_key = \"uk2\" }\n"),
     [](const Scenario& s) {
       EXPECT_EQ("uk2", s.steps.at(0).call.user_key);
       EXPECT_FALSE(s.steps.at(0).call.app.has_value());
     }},
    {"backend_version 1 calls name their application by user_key",
     R"([[services]]
id = "s1"
provider_key = "pk"
backend_version = "1"
[[services.applications]]
id = "a1"
user_key = "uk1"
[[services.applications]]
id = "a2"
[[steps]]
authorize = {}
[[steps]]
authorize = { app = "a2" }
[[steps]]
report = { transactions = [{ usage = {} }] }
)",
     [](const Scenario& s) {
       EXPECT_EQ("uk1", s.steps.at(0).call.user_key);
       EXPECT_FALSE(s.steps.at(0).call.app.has_value());
       EXPECT_EQ("a2", s.steps.at(1).call.app);
       EXPECT_FALSE(s.steps.at(1).call.user_key.has_value());
       // Reports take app_id on every backend_version.
       EXPECT_EQ("a1", s.steps.at(2).call.transactions.at(0).app);
     }},
    {"an empty app is sent as such",
     WithSteps("[[steps]]\nauthorize = { app = \"\" }\n"),
     [](const Scenario& s) { EXPECT_EQ("", s.steps.at(0).call.app); }},
    {"the credential given says which kind is sent", WithSteps(R"([[steps]]
authorize = { provider_key = "wrong" }
[[steps]]
authorize = { service_token = "bad" }
[[steps]]
authorize = { credentials = "service_token" }
[[steps]]
authorize = { credentials = "none" }
)"),
     [](const Scenario& s) {
       EXPECT_EQ(Credentials::kProviderKey, s.steps.at(0).call.credentials);
       EXPECT_EQ("wrong", s.steps.at(0).call.provider_key);
       EXPECT_EQ(Credentials::kServiceToken, s.steps.at(1).call.credentials);
       EXPECT_EQ("bad", s.steps.at(1).call.service_token);
       EXPECT_EQ(Credentials::kServiceToken, s.steps.at(2).call.credentials);
       EXPECT_FALSE(s.steps.at(2).call.service_token.has_value());
       EXPECT_EQ(Credentials::kNone, s.steps.at(3).call.credentials);
     }},
    {"report transactions", WithSteps(R"([[steps]]
report = { transactions = [ { app = "a1", usage = { hits = 1 }, timestamp = "2024-05-15 10:00:00 +0000", log_code = 200 }, { user_key = "uk2", usage = { search = "#2" } }, { usage = { hits = 3 }, timestamp = 1715767200 } ] }
)"),
     [](const Scenario& s) {
       const std::vector<ReportTransaction>& t =
           s.steps.at(0).call.transactions;
       ASSERT_THAT(t, SizeIs(3));
       EXPECT_EQ("a1", t[0].app);
       EXPECT_THAT(t[0].usage, ElementsAre(Pair("hits", "1")));
       EXPECT_EQ("2024-05-15 10:00:00 +0000", t[0].timestamp);
       EXPECT_EQ("200", t[0].log_code);
       EXPECT_EQ("", t[1].app);
       EXPECT_EQ("uk2", t[1].user_key);
       EXPECT_EQ("a1", t[2].app);  // The default application.
       EXPECT_EQ("1715767200", t[2].timestamp);
       EXPECT_EQ("scenarios/t.toml:21:29", t[0].where.ToString());
     }},
    {"report transactions as sections", WithSteps(R"([[steps]]
[steps.report]
service = "s1"
[[steps.report.transactions]]
app = "a2"
usage = { hits = 1 }
)"),
     [](const Scenario& s) {
       ASSERT_THAT(s.steps.at(0).call.transactions, SizeIs(1));
       EXPECT_EQ("a2", s.steps.at(0).call.transactions[0].app);
     }},
    {"raw request",
     R"([[steps]]
raw = { method = "POST", target = "/transactions.xml", version = "HTTP/1.0", headers = [["Host", "x"], ["Host", "y"]], body = "a=1" }
[[steps]]
raw = { target = "/status", headers = { Accept = "*/*" } }
)",
     [](const Scenario& s) {
       const RawStep& raw = s.steps.at(0).raw;
       EXPECT_EQ(Step::Kind::kRaw, s.steps.at(0).kind);
       EXPECT_EQ("POST", raw.method);
       EXPECT_EQ("/transactions.xml", raw.target);
       EXPECT_EQ("HTTP/1.0", raw.version);
       EXPECT_THAT(raw.headers,
                   ElementsAre(Pair("Host", "x"), Pair("Host", "y")));
       EXPECT_EQ("a=1", raw.body);
       const RawStep& simple = s.steps.at(1).raw;
       EXPECT_EQ("GET", simple.method);
       EXPECT_EQ("HTTP/1.1", simple.version);
       EXPECT_THAT(simple.headers, ElementsAre(Pair("Accept", "*/*")));
     }},
    {"clock moves; advance alone needs no virtual clock",
     R"([[steps]]
advance = "1500ms"
[[steps]]
advance = "2m"
)",
     [](const Scenario& s) {
       EXPECT_EQ(Step::Kind::kClock, s.steps.at(0).kind);
       EXPECT_EQ(1500ms, s.steps.at(0).clock.advance);
       EXPECT_FALSE(s.steps.at(0).clock.at.has_value());
       EXPECT_EQ(120000ms, s.steps.at(1).clock.advance);
       EXPECT_THAT(s.requires_features, IsEmpty());
     }},
    {"at infers the virtual clock, stated or not, once",
     R"(requires = ["virtual-clock"]
[[steps]]
at = "2024-05-31T23:59:59Z"
[[steps]]
at = 2024-06-01T00:00:00.500Z
)",
     [](const Scenario& s) {
       EXPECT_EQ(Utc(2024, 5, 31, 23, 59, 59), s.steps.at(0).clock.at);
       EXPECT_EQ(Utc(2024, 6, 1, 0, 0, 0, 500), s.steps.at(1).clock.at);
       EXPECT_THAT(s.requires_features, ElementsAre("virtual-clock"));
     }},
    {"checks", WithSteps(R"([[steps]]
check = { counters = { app = "a1", values = { "hits/day" = 5, "hits/eternity" = 5 } } }
[[steps]]
check = { utilization = { values = { "search/month" = 1 } } }
[[steps]]
check = { error_log = { service = "s1", codes = ["application_not_found"], count = 1 } }
[[steps]]
check = { journal = { endpoint = "authrep", app = "a1", count = 3 } }
[[steps]]
check.journal.count = 0
)"),
     [](const Scenario& s) {
       ASSERT_THAT(s.steps, SizeIs(5));
       for (const Step& step : s.steps)
         EXPECT_EQ(Step::Kind::kCheck, step.kind);
       const CheckStep& counters = s.steps[0].check;
       EXPECT_EQ(CheckKind::kCounters, counters.kind);
       EXPECT_EQ("s1", counters.service);
       EXPECT_EQ("a1", counters.app);
       EXPECT_THAT(counters.values,
                   ElementsAre(Pair("hits/day", 5), Pair("hits/eternity", 5)));
       const CheckStep& utilization = s.steps[1].check;
       EXPECT_EQ(CheckKind::kUtilization, utilization.kind);
       EXPECT_EQ("a1", utilization.app);  // The default application.
       const CheckStep& errors = s.steps[2].check;
       EXPECT_EQ(CheckKind::kErrorLog, errors.kind);
       EXPECT_THAT(errors.error_codes, ElementsAre("application_not_found"));
       EXPECT_EQ(1, errors.error_count);
       const CheckStep& journal = s.steps[3].check;
       EXPECT_EQ(CheckKind::kJournal, journal.kind);
       EXPECT_EQ("authrep", journal.endpoint);
       EXPECT_EQ("a1", journal.app);
       EXPECT_EQ("", journal.service);
       EXPECT_EQ(3, journal.journal_count);
       // A journal check without filters counts every request.
       EXPECT_EQ("", s.steps[4].check.endpoint);
       EXPECT_EQ("", s.steps[4].check.app);
       EXPECT_EQ(0, s.steps[4].check.journal_count);
     }},
    {"expectations", WithSteps(R"([[steps]]
authrep = { usage = { hits = 1 } }
expect.status = 409
expect.authorized = false
expect.reason = "usage limits are exceeded"
expect.rejection_reason = "limits_exceeded"
expect.plan = "Basic"
expect.body_contains = "<status>"
expect.usage_reports."hits/day" = { current_value = 5, max_value = 100, exceeded = false, period_start = "2024-05-15 00:00:00 +0000", period_end = "2024-05-16 00:00:00 +0000" }
expect.headers = { "3scale-Limit-Remaining" = 0, "3scale-rejection-reason" = "" }
[[steps]]
authorize = { app = "" }
expect = { status = 404, error_code = "application_not_found", error_message = 'application with id="" was not found', body = "x", no_usage_reports = true }
)"),
     [](const Scenario& s) {
       const Expectation& e = s.steps.at(0).expect;
       EXPECT_EQ(409, e.status);
       EXPECT_EQ(false, e.authorized);
       EXPECT_EQ("usage limits are exceeded", e.reason);
       EXPECT_EQ("limits_exceeded", e.rejection_reason);
       EXPECT_EQ("Basic", e.plan);
       EXPECT_EQ("<status>", e.body_contains);
       ASSERT_EQ(1u, e.usage_reports.count("hits/day"));
       const Expectation::UsageReportExpectation& day =
           e.usage_reports.at("hits/day");
       EXPECT_EQ(5, day.current_value);
       EXPECT_EQ(100, day.max_value);
       EXPECT_EQ(false, day.exceeded);
       EXPECT_EQ("2024-05-15 00:00:00 +0000", day.period_start);
       EXPECT_EQ("2024-05-16 00:00:00 +0000", day.period_end);
       // Header names are lower-cased; "" means absent.
       EXPECT_THAT(e.headers, ElementsAre(Pair("3scale-limit-remaining", "0"),
                                          Pair("3scale-rejection-reason", "")));
       EXPECT_EQ("scenarios/t.toml:22:1", e.where.ToString());
       const Expectation& error = s.steps.at(1).expect;
       EXPECT_EQ("application_not_found", error.error_code);
       EXPECT_EQ("application with id=\"\" was not found", error.error_message);
       EXPECT_EQ("x", error.body);
       EXPECT_EQ(true, error.no_usage_reports);
     }},
    {"step name, repeat and location; no expect means none",
     WithSteps(R"([[steps]]
name = "three at once"
authrep = { usage = { hits = 1 } }
repeat = 3
)"),
     [](const Scenario& s) {
       const Step& step = s.steps.at(0);
       EXPECT_EQ("three at once", step.name);
       EXPECT_EQ(3, step.repeat);
       EXPECT_EQ("scenarios/t.toml:20:1", step.where.ToString());
       EXPECT_FALSE(step.expect.status.has_value());
       EXPECT_EQ(step.where.ToString(), step.expect.where.ToString());
     }},
    {"allow_unknown lets a step name what the fixture lacks",
     WithSteps(R"([[steps]]
allow_unknown = ["nope", "nukes", "s9", "fake_ext"]
authrep = { app = "nope", usage = { nukes = 1 }, extensions = { fake_ext = 1 } }
[[steps]]
allow_unknown = ["s9"]
authorize = { service = "s9", provider_key = "pk" }
)"),
     [](const Scenario& s) {
       EXPECT_EQ("nope", s.steps.at(0).call.app);
       EXPECT_THAT(s.steps.at(0).call.usage, ElementsAre(Pair("nukes", "1")));
       EXPECT_EQ("s9", s.steps.at(1).call.service);
       EXPECT_FALSE(s.steps.at(1).call.app.has_value());
     }},
};

INSTANTIATE_TEST_SUITE_P(Formats, ScenarioFeatureTest,
                         ::testing::ValuesIn(kFeatureCases));

// ---- Errors -----------------------------------------------------------------

// Errors beyond the classes in scenarios/invalid/ (each of which has a file).
TEST(ScenarioErrorTest, NamesTheLocationAndTheNearMiss) {
  const struct {
    std::string toml;
    std::string message;
  } cases[] = {
      {"title = 3\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:1:9: expected a string, got an integer"},
      {"tags = \"a\"\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:1:8: expected an array of strings, got a string"},
      {"[[steps]]\nadvance = \"1.5ms\"\n",
       "x.toml:2:11: advance must be whole milliseconds, got '1.5ms'"},
      {"[[steps]]\nat = 2024-05-31\n",
       "x.toml:2:6: expected a time (a string or a date-time), got a date"},
      {"steps = []\n", "x.toml:1:9: a scenario needs at least one step"},
      {"[[steps]]\nraw = { method = \"GET\" }\n",
       "x.toml:2:7: raw needs a target"},
      {"[[steps]]\ncheck = {}\n",
       "x.toml:2:9: check needs one of counters, utilization, error_log, "
       "journal"},
      {WithSteps("[[steps]]\nauthorize = {}\nrepeat = 1.0\n"),
       "x.toml:22:10: expected an integer, got a floating-point number"},
      {WithSteps("[[steps]]\nadvance = \"1s\"\nrepeat = 2\n"),
       "x.toml:22:1: repeat applies only to calls, raw requests and requests"},
      {WithSteps("[[steps]]\ncheck.journal.count = 1\nexpect.status = 200\n"),
       "x.toml:22:1: a check takes no expect: its values are what it expects"},
      {WithSteps("[[steps]]\nreport = {}\n"),
       "x.toml:21:10: report needs transactions (an empty list sends none)"},
      {WithSteps("[[steps]]\nauthrep = { transactions = [] }\n"),
       "x.toml:21:13: 'transactions' applies only to report"},
      {WithSteps("[[steps]]\nauthorize = { redirect_url = \"u\" }\n"),
       "x.toml:21:15: 'redirect_url' applies only to oauth_authorize and "
       "oauth_authrep"},
      {WithSteps("[[steps]]\nreport = { transactions = [], referrer = \"r\" "
                 "}\n"),
       "x.toml:21:31: 'referrer' does not apply to report"},
      {WithSteps("[[steps]]\nreport = { transactions = [], frobnicate = 1 "
                 "}\n"),
       "x.toml:21:31: unknown key 'frobnicate' in report (known: service, "
       "credentials, provider_key, service_token, send_service_id, "
       "extensions, params, omit, transactions)"},
      {WithSteps("[[steps]]\nauthorize = { omit = [\"referrer\"] }\n"),
       "x.toml:21:23: unknown parameter 'referrer' in omit (known: "
       "provider_key, service_token, service_id, app_id, app_key, user_key)"},
      {WithSteps("[[steps]]\nauthorize = { provider_key = \"a\", "
                 "service_token = \"b\" }\n"),
       "x.toml:21:35: say which credential is sent: credentials = "
       "\"provider_key\" or \"service_token\" (put the other in params to "
       "send both)"},
      {WithSteps("[[steps]]\nauthorize = { credentials = \"none\", "
                 "provider_key = \"a\" }\n"),
       "x.toml:21:37: provider_key is not sent unless credentials = "
       "\"provider_key\" (put it in params to send it anyway)"},
      {WithSteps("[[steps]]\nauthorize = { service = \"s2\" }\n"),
       "x.toml:21:25: unknown service 's2' (did you mean 's1'?)"},
      {WithSteps("[[steps]]\nallow_unknown = [\"s9\"]\nauthorize = { service "
                 "= \"s9\" }\n"),
       "x.toml:20:1: no provider_key to send for unknown service 's9' (give "
       "provider_key)"},
      {"[[steps]]\nauthorize = {}\n",
       "x.toml:1:1: no provider_key to send: the scenario has no services "
       "(give provider_key, or credentials = \"none\")"},
      {WithSteps("[defaults]\napp = \"b1\"\n[[steps]]\nauthorize = {}\n"),
       "x.toml:21:7: unknown application 'b1' in service 's1' (did you "
       "mean 'a1'?)"},
      {WithSteps("[defaults]\nservice = \"s3\"\n[[steps]]\nauthorize = {}\n"),
       "x.toml:21:11: unknown service 's3' (did you mean 's1'?)"},
      {WithSteps("[[steps]]\nreport = { transactions = [{ app = \"a3\" }] "
                 "}\n"),
       "x.toml:21:36: unknown application 'a3' (did you mean 'a1'?)"},
      {WithSteps("[[steps]]\nreport = { transactions = [{ usage = { hitz = 1 "
                 "} }] }\n"),
       "x.toml:21:40: unknown metric 'hitz' (did you mean 'hits'?)"},
      {WithSteps("[[steps]]\nauthorize = {}\nexpect.usage_reports.\"hits/"
                 "fortnite\" = {}\n"),
       "x.toml:22:22: unknown period 'fortnite' (known: eternity, year, "
       "month, week, day, hour, minute)"},
      {WithSteps("[[steps]]\nauthorize = {}\nexpect.rejection_reason = "
                 "\"limits_exceded\"\n"),
       "x.toml:22:27: unknown rejection reason 'limits_exceded' (did you "
       "mean 'limits_exceeded'?)"},
      {WithSteps("[[steps]]\nauthorize = {}\nexpect.headers = { A = \"1\", "
                 "a = \"2\" }\n"),
       "x.toml:22:29: duplicate header 'a' (names are case-insensitive)"},
      {WithSteps("[[steps]]\nauthorize = {}\nexpect.status = 42\n"),
       "x.toml:22:17: status must be an HTTP status (100 to 599), got 42"},
      {WithSteps("[[steps]]\nauthorize = {}\nexpect.usage_reports.\"hits/"
                 "day\".period_end = \"2024-05-16\"\n"),
       "x.toml:22:46: invalid period bound '2024-05-16' (expected e.g. "
       "'2024-05-15 00:00:00 +0000')"},
      {WithSteps("[[steps]]\ncheck.counters = { app = \"a1\" }\n"),
       "x.toml:21:18: counters needs values, e.g. values = { \"hits/day\" = 1 "
       "}"},
      {WithSteps("[[steps]]\ncheck.counters.values = { \"hits/day\" = -1 "
                 "}\n"),
       "x.toml:21:40: a counter must not be negative"},
      {WithSteps("[[steps]]\ncheck.error_log.service = \"s1\"\n"),
       "x.toml:21:7: error_log needs codes or count"},
      {WithSteps("[[steps]]\ncheck.error_log = { codes = [\"bad_request\", "
                 "\"bad_request\"], count = 1 }\n"),
       "x.toml:21:69: count 1 is less than the 2 codes listed"},
      {WithSteps("[[steps]]\ncheck.journal = { endpoint = \"authreps\", "
                 "count = 1 }\n"),
       "x.toml:21:30: unknown endpoint 'authreps' (did you mean 'authrep'?)"},
      {WithSteps("[[steps]]\ncheck.journal = { count = 1, app = \"a9\" }\n"),
       "x.toml:21:36: unknown application 'a9' (did you mean 'a1'?)"},
      {WithSteps("[[steps]]\ncheck = { counters = { values = {} }, journal = "
                 "{} }\n"),
       "x.toml:21:39: a check checks one thing, but this one has 'counters' "
       "and 'journal' (split it into two steps)"},
      {"[[services]]\nid = \"s1\"\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:1:1: service 's1' needs a provider_key"},
      {"[[services]]\nprovider_key = \"pk\"\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:1:1: a service needs an id"},
      {"[[services]]\nid = \"\"\nprovider_key = \"pk\"\n[[steps]]\nadvance = "
       "\"1s\"\n",
       "x.toml:2:6: service id must not be empty"},
      {"[[services]]\nid = \"s1\"\nprovider_key = \"pk\"\ndefault_service = "
       "true\n[[services]]\nid = \"s2\"\nprovider_key = \"pk\"\n"
       "default_service = true\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:8:19: provider key 'pk' already has default service 's1'"},
      {"[[services]]\nid = \"s1\"\nprovider_key = \"pk\"\nservice_tokens = "
       "[\"t\", \"t\"]\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:4:24: duplicate service token 't'"},
      {"[[services]]\nid = \"s1\"\nprovider_key = \"pk\"\nmetrics = [{ name = "
       "\"a\" }, { id = \"1\", name = \"b\" }]\n[[steps]]\nadvance = "
       "\"1s\"\n",
       "x.toml:4:35: duplicate metric id '1' (also metric 'a'; metrics "
       "without an id are numbered by position)"},
      {"[[services]]\nid = \"s1\"\nprovider_key = \"pk\"\nmetrics = [{ name = "
       "\"a\", parent = \"a\" }]\n[[steps]]\nadvance = \"1s\"\n",
       "x.toml:4:35: metric 'a' would be its own ancestor"},
      {WithSteps("[[services.plans]]\nid = \"p1\"\n[[steps]]\nauthorize = "
                 "{}\n"),
       "x.toml:21:6: duplicate plan id 'p1' (first at 8:1)"},
      {WithSteps("[[services.plans]]\nid = \"p2\"\nlimits = { hits = { day = "
                 "-1 } }\n[[steps]]\nauthorize = {}\n"),
       "x.toml:22:27: max_value must not be negative"},
      {WithSteps("[[services.applications]]\nid = \"a1\"\n[[steps]]\n"
                 "authorize = {}\n"),
       "x.toml:21:6: duplicate application id 'a1' (first at 13:1)"},
      {WithSteps("[[services.applications]]\nid = \"a3\"\nuser_key = "
                 "\"uk2\"\n[[steps]]\nauthorize = {}\n"),
       "x.toml:22:12: user_key 'uk2' already belongs to application 'a2'"},
      {"[[steps]]\nadvance = \"1s\"\nname = \"x\"\nallow_unknown = [\"\"]\n",
       "x.toml:4:18: name must not be empty"},
      {"[[steps]]\nraw = { target = \"/\", headers = [[\"a\"]] }\n",
       "x.toml:2:34: expected a [name, value] pair, got an array of 1"},
      {"[clock]\nbegin = \"2024-05-15T10:20:30Z\"\n[[steps]]\nadvance = "
       "\"1s\"\n",
       "x.toml:2:1: unknown key 'begin' in [clock] (known: start)"},
      {"a = \n",
       "x.toml:1:5: Error while parsing key-value pair: expected "
       "value, saw '\\n'"},
  };
  for (const auto& c : cases) {
    const core::Result<Scenario> scenario = Parse(c.toml, "x.toml");
    ASSERT_FALSE(scenario.ok()) << c.message;
    EXPECT_EQ(core::StatusCode::kInvalidArgument, scenario.status().code());
    EXPECT_EQ(c.message, scenario.status().message()) << c.toml;
  }
}

// ---- The files --------------------------------------------------------------

TEST(ScenarioFilesTest, EveryScenarioLoads) {
  const std::vector<std::string> files = ScenarioFiles("scenarios");
  ASSERT_THAT(files,
              Contains(std::string("scenarios/examples/reporting.toml")));
  for (const std::string& file : files) {
    EXPECT_THAT(file, ::testing::Not(HasSubstr("/invalid/")));
    const core::Result<Scenario> scenario =
        ParseScenario(ReadFile(kSourceDir + "/" + file), file);
    EXPECT_TRUE(scenario.ok()) << scenario.status().message();
  }
}

TEST(ScenarioFilesTest, EveryInvalidScenarioFailsWithTheMessageOnItsFirstLine) {
  const std::vector<std::string> files = ScenarioFiles("scenarios/invalid");
  EXPECT_GE(files.size(), 12u);
  const std::string prefix = "# error: ";
  for (const std::string& file : files) {
    const std::string text = ReadFile(kSourceDir + "/" + file);
    const std::string first_line = text.substr(0, text.find('\n'));
    ASSERT_EQ(0u, first_line.rfind(prefix, 0))
        << file << ": the first line must be '" << prefix << "<message>'";
    const core::Result<Scenario> scenario = ParseScenario(text, file);
    ASSERT_FALSE(scenario.ok()) << file << " loads";
    EXPECT_EQ(first_line.substr(prefix.size()), scenario.status().message())
        << file;
  }
}

TEST(ScenarioFilesTest, ExamplesUseTheirDefaultIds) {
  const core::Result<Scenario> scenario =
      LoadScenario(kSourceDir + "/scenarios/examples/limits_and_periods.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  EXPECT_EQ("examples/limits_and_periods", scenario->id);
  EXPECT_THAT(scenario->requires_features, ElementsAre("virtual-clock"));
}

TEST(LoadScenarioTest, SaysWhenAFileCannotBeRead) {
  const std::string path = kSourceDir + "/scenarios/no_such_file.toml";
  const core::Result<Scenario> scenario = LoadScenario(path);
  ASSERT_FALSE(scenario.ok());
  EXPECT_EQ(core::StatusCode::kNotFound, scenario.status().code());
  EXPECT_EQ(path + ": cannot read", scenario.status().message());
  EXPECT_FALSE(LoadScenario(kSourceDir + "/scenarios").ok());
}

// ---- FindScenarioFiles ------------------------------------------------------

TEST(FindScenarioFilesTest, SearchesDirectoriesSortedAndSkipsInvalid) {
  const core::Result<std::vector<std::string>> files =
      FindScenarioFiles({kSourceDir + "/scenarios/"});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_TRUE(std::is_sorted(files->begin(), files->end()));
  for (const std::string& file : *files) {
    EXPECT_THAT(file, ::testing::EndsWith(".toml"));
    EXPECT_THAT(file, ::testing::Not(HasSubstr("/invalid/")));
    EXPECT_THAT(file, ::testing::Not(HasSubstr("//")));
  }
}

TEST(FindScenarioFilesTest, SearchesAnInvalidDirectoryNamedExplicitly) {
  const core::Result<std::vector<std::string>> files =
      FindScenarioFiles({kSourceDir + "/scenarios/invalid"});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_GE(files->size(), 12u);
  EXPECT_TRUE(std::is_sorted(files->begin(), files->end()));
}

TEST(FindScenarioFilesTest, TakesFilesAsGivenOnceInArgumentOrder) {
  const std::string b = kSourceDir + "/scenarios/examples/reporting.toml";
  const std::string a =
      kSourceDir + "/scenarios/examples/limits_and_periods.toml";
  const std::string readme = kSourceDir + "/scenarios/README.md";
  const core::Result<std::vector<std::string>> files =
      FindScenarioFiles({b, a, b, readme});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_THAT(*files, ElementsAre(b, a, readme));
}

TEST(FindScenarioFilesTest, RejectsAPathThatDoesNotExist) {
  const core::Result<std::vector<std::string>> files =
      FindScenarioFiles({"no/such/dir"});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(core::StatusCode::kNotFound, files.status().code());
  EXPECT_EQ("no/such/dir: no such file or directory", files.status().message());
}

// ---- scalecheck validate ----------------------------------------------------

TEST(RunValidateTest, PrintsOkWithTheIdAndTheStepCount) {
  const std::string path = kSourceDir + "/scenarios/examples/reporting.toml";
  std::ostringstream out, err;
  EXPECT_EQ(ExitCode::kOk, RunValidate({path}, out, err));
  const core::Result<Scenario> scenario = LoadScenario(path);
  ASSERT_TRUE(scenario.ok());
  EXPECT_EQ("ok " + path + " (examples/reporting, " +
                std::to_string(scenario->steps.size()) + " steps)\n",
            out.str());
  EXPECT_EQ("", err.str());
}

TEST(RunValidateTest, PrintsEachErrorAndFails) {
  const std::string dir = kSourceDir + "/scenarios/invalid";
  std::ostringstream out, err;
  EXPECT_EQ(ExitCode::kUsage, RunValidate({dir}, out, err));
  EXPECT_EQ("", out.str());
  EXPECT_THAT(err.str(), HasSubstr("unknown metric 'hitz' (did you mean "
                                   "'hits'?)\n"));
  EXPECT_THAT(err.str(), HasSubstr(dir + "/wrong_type.toml:4:16: expected a "
                                         "string, got an integer\n"));
}

TEST(RunValidateTest, FailsOnAMissingPath) {
  std::ostringstream out, err;
  EXPECT_EQ(ExitCode::kUsage, RunValidate({"no/such.toml"}, out, err));
  EXPECT_EQ("no/such.toml: no such file or directory\n", err.str());
}

TEST(RunValidateTest, FailsWhenThereIsNothingToValidate) {
  std::ostringstream out, err;
  EXPECT_EQ(ExitCode::kUsage,
            RunValidate({kSourceDir + "/tests/testing"}, out, err));
  EXPECT_EQ("scalecheck: no scenario files found\n", err.str());
}

TEST(RunValidateTest, RejectsTwoFilesWithOneId) {
  const std::string path = kSourceDir + "/scenarios/examples/reporting.toml";
  const std::string same =
      kSourceDir + "/scenarios/examples/../examples/reporting.toml";
  std::ostringstream out, err;
  EXPECT_EQ(ExitCode::kUsage, RunValidate({path, same}, out, err));
  EXPECT_EQ(same + ": scenario id 'examples/reporting' is also the id of " +
                path + "\n",
            err.str());
}

}  // namespace
}  // namespace scalecheck::harness
