// tests/mock_backend/control_api_test.cc
//
// The control API under /__scalecheck over HTTP (issue 3, item 4): the
// clock (get, set, advance, freeze, follow), reset, flush of delayed
// reports, the state export, the journal and fault injection. The mock's
// base clock is a ManualClock, so "follow" and the delay fault are
// deterministic and nothing sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/period.h"
#include "mock_backend/mock_server.h"
#include "tests/testing/loopback_socket.h"
#include "tests/testing/running_mock.h"
#include "tests/testing/utc_time.h"

namespace scalecheck::mock_backend {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;
using test::LoopbackSocket;
using test::RequestBytes;
using test::RunningMock;
using test::WireResponse;

class MockControlApiTest : public testing::Test {
 protected:
  explicit MockControlApiTest(MockOptions options = {}) : mock_(options) {}

  void SetUp() override { ASSERT_TRUE(mock_.ok()); }

  json Clock() const { return mock_.Control("GET", "/clock"); }
  json PutClock(const std::string& body) const {
    return mock_.Control("PUT", "/clock", body);
  }
  std::string Now() const { return Clock().value("now", ""); }

  int AuthRep(const char* app, int hits = 1) const {
    return mock_.Call("GET", RunningMock::AuthRepTarget(app, hits)).status;
  }
  int Authorize(const char* app) const {
    return mock_
        .Call("GET", std::string("/transactions/authorize.xml?provider_key=pk1&"
                                 "app_id=") +
                         app)
        .status;
  }
  int Report(const char* app, int hits = 1) const {
    return mock_
        .Call("POST", "/transactions.xml", RunningMock::ReportBody(app, hits),
              RunningMock::FormHeader())
        .status;
  }

  // Adds a fault rule; returns its id.
  std::string AddFault(const std::string& rule) const {
    const json answer = mock_.Control("POST", "/faults", rule, 201);
    return answer.value("id", "");
  }

  json Journal(const std::string& query = "") const {
    return mock_.Control("GET", "/journal" + query);
  }
  // The journal's entries as "endpoint status" lines, oldest first.
  std::vector<std::string> JournalLines(const std::string& query = "") const {
    std::vector<std::string> lines;
    for (const json& e : Journal(query).value("entries", json::array())) {
      lines.push_back(e.value("endpoint", "") + " " +
                      std::to_string(e["response"].value("status", 0)));
    }
    return lines;
  }

  RunningMock mock_;
};

// --- The clock --------------------------------------------------------------

TEST_F(MockControlApiTest, TheClockFollowsItsBaseClockAtFirst) {
  EXPECT_EQ(json::parse(R"({"now":"2024-05-31T12:00:00.000Z","frozen":false})"),
            Clock());
  mock_.clock().Advance(1500ms);
  EXPECT_EQ("2024-05-31T12:00:01.500Z", Now());
}

TEST_F(MockControlApiTest, SettingTheClockFreezesIt) {
  EXPECT_EQ(json::parse(R"({"now":"2024-06-30T23:59:59.300Z","frozen":true})"),
            PutClock(R"({"now":"2024-06-30T23:59:59.300Z"})"));
  mock_.clock().Advance(10s);
  EXPECT_EQ("2024-06-30T23:59:59.300Z", Now());
}

TEST_F(MockControlApiTest, AdvanceMovesAFrozenOrAFollowingClock) {
  EXPECT_EQ("2024-05-31T12:00:59.000Z",
            PutClock(R"({"advance":"59s"})").value("now", ""));
  mock_.clock().Advance(1s);  // Still following: 12:01:00.
  EXPECT_EQ("2024-05-31T12:01:00.000Z", Now());

  PutClock(R"({"now":"2024-01-01T00:00:00Z"})");
  EXPECT_EQ("2024-01-01T01:00:00.000Z",
            PutClock(R"({"advance":"1h"})").value("now", ""));
  EXPECT_TRUE(Clock().value("frozen", false));
}

TEST_F(MockControlApiTest, FreezeStopsTheClockAndFollowResumesFromThere) {
  mock_.clock().Advance(5s);
  EXPECT_EQ(json::parse(R"({"now":"2024-05-31T12:00:05.000Z","frozen":true})"),
            PutClock(R"({"mode":"freeze"})"));
  mock_.clock().Advance(60s);
  EXPECT_EQ("2024-05-31T12:00:05.000Z", Now());

  EXPECT_EQ(json::parse(R"({"now":"2024-05-31T12:00:05.000Z","frozen":false})"),
            PutClock(R"({"mode":"follow"})"));
  mock_.clock().Advance(2s);
  EXPECT_EQ("2024-05-31T12:00:07.000Z", Now());
}

TEST_F(MockControlApiTest, ThePublicApiCountsOnTheMocksClock) {
  mock_.SeedStandardFixture(2, "minute");
  PutClock(R"({"now":"2024-05-31T23:59:59.300Z"})");
  EXPECT_EQ(200, AuthRep("a1", 2));
  EXPECT_EQ(409, AuthRep("a1"));
  const WireResponse denied =
      mock_.Call("GET", RunningMock::AuthRepTarget("a1"), "",
                 "3scale-options: limit_headers=1\r\n");
  EXPECT_EQ("1", denied.Header("3scale-limit-reset").value_or(""))
      << "ceil(00:00:00 - 23:59:59.300)";

  PutClock(R"({"advance":"700ms"})");  // The next minute, and day.
  EXPECT_EQ(200, AuthRep("a1"));
  EXPECT_EQ(1, mock_.Utilization("a1", "minute"));
}

// --- Reset, state, flush -----------------------------------------------------

TEST_F(MockControlApiTest, TheStateExportHoldsWhatWasSeededAndCounted) {
  mock_.SeedStandardFixture(1000, "day");
  mock_.Seed("POST", "/service_tokens/",
             R"({"service_tokens":{"tok1":{"service_id":"s1"}}})");
  mock_.Seed("POST", "/services/s1/applications/a1/keys/",
             R"({"application_key":{"value":"k1"}})");
  ASSERT_EQ(200, mock_
                     .Call("GET", RunningMock::AuthRepTarget("a2", 3) +
                                      "&app_key=ignored")
                     .status);

  const json state = mock_.Control("GET", "/state");
  ASSERT_EQ(1u, state["services"].size()) << state.dump();
  const json& service = state["services"][0];
  EXPECT_EQ("s1", service["id"]);
  EXPECT_EQ("pk1", service["provider_key"]);
  EXPECT_EQ("active", service["state"]);
  EXPECT_EQ(true, service["default_service"]);
  EXPECT_EQ(json::parse(R"([{"id":"1","name":"hits"}])"), service["metrics"]);
  EXPECT_EQ(
      json::parse(
          R"({"p1":[{"metric_id":"1","period":"day","max_value":1000}]})"),
      service["usage_limits"]);
  ASSERT_EQ(2u, state["applications"].size());
  EXPECT_EQ("a1", state["applications"][0]["id"]);
  EXPECT_EQ(json::parse(R"(["k1"])"),
            state["applications"][0]["application_keys"]);
  EXPECT_EQ("p1", state["applications"][1]["plan_id"]);
  EXPECT_EQ(json::parse(R"([{"service_token":"tok1","service_id":"s1"}])"),
            state["service_tokens"]);
  const json want_day = json::parse(
      R"({"service_id":"s1","app_id":"a2","metric_id":"1","period":"day",)"
      R"("period_start":"2024-05-31T00:00:00.000Z","value":3})");
  EXPECT_THAT(state["counters"], ::testing::Contains(want_day))
      << state["counters"].dump();
  EXPECT_EQ(7u, state["counters"].size()) << "one per granularity";
}

TEST_F(MockControlApiTest, ResetForgetsEverything) {
  mock_.SeedStandardFixture();
  ASSERT_EQ(200, AuthRep("a1"));
  AddFault(R"({"action":"respond","status":503,"endpoint":"authorize"})");

  EXPECT_EQ(json::parse(R"({"status":"ok"})"), mock_.Control("POST", "/reset"));

  const json state = mock_.Control("GET", "/state");
  EXPECT_THAT(state["services"], IsEmpty());
  EXPECT_THAT(state["applications"], IsEmpty());
  EXPECT_THAT(state["counters"], IsEmpty());
  EXPECT_THAT(mock_.Control("GET", "/faults")["faults"], IsEmpty());
  EXPECT_THAT(Journal()["entries"], IsEmpty());
  EXPECT_EQ(403, Authorize("a1")) << "provider key pk1 is gone";
}

// report_delay: the mock imitates apisonator's asynchronous report worker.
class MockDelayedReportsTest : public MockControlApiTest {
 protected:
  static MockOptions Delayed() {
    MockOptions options;
    options.report_delay = 1000ms;
    return options;
  }
  MockDelayedReportsTest() : MockControlApiTest(Delayed()) {}
  void SetUp() override {
    MockControlApiTest::SetUp();
    mock_.SeedStandardFixture(1, "eternity");
  }
};

TEST_F(MockDelayedReportsTest, AReportIsCountedOnceTheDelayHasPassed) {
  EXPECT_EQ(202, Report("a2", 5));
  EXPECT_EQ(0, mock_.Utilization("a2"));
  mock_.clock().Advance(999ms);
  EXPECT_EQ(200, Authorize("a1"));  // Any request lets due reports through.
  EXPECT_EQ(0, mock_.Utilization("a2"));

  mock_.clock().Advance(1ms);
  EXPECT_EQ(200, Authorize("a1"));
  EXPECT_EQ(5, mock_.Utilization("a2"));
}

TEST_F(MockDelayedReportsTest, AReportIsVisibleWithoutAnotherRequest) {
  // apisonator's worker applies a report by itself: once the delay has
  // passed, the utilization shows it even if no public request came since.
  EXPECT_EQ(202, Report("a2", 5));
  mock_.clock().Advance(1000ms);
  EXPECT_EQ(5, mock_.Utilization("a2"));
}

TEST_F(MockDelayedReportsTest, FlushAppliesPendingReportsAtOnce) {
  EXPECT_EQ(202, Report("a2", 5));
  EXPECT_EQ(200, AuthRep("a1"));
  EXPECT_EQ(200, AuthRep("a1")) << "the first authrep is not counted yet";
  EXPECT_EQ(0, mock_.Utilization("a1"));

  EXPECT_EQ(json::parse(R"({"status":"ok"})"), mock_.Control("POST", "/flush"));
  EXPECT_EQ(5, mock_.Utilization("a2"));
  EXPECT_EQ(2, mock_.Utilization("a1"));
  EXPECT_EQ(409, AuthRep("a1"));
}

// --- The journal
// --------------------------------------------------------------

TEST_F(MockControlApiTest, TheJournalRecordsRequestsWithTheMocksTime) {
  mock_.SeedStandardFixture(1, "eternity");
  mock_.Control("DELETE", "/journal");
  PutClock(R"({"now":"2024-02-29T13:45:12.500Z"})");
  ASSERT_EQ(200, AuthRep("a1"));

  const json entries = Journal()["entries"];
  ASSERT_EQ(1u, entries.size()) << "control requests are not journaled";
  const json& e = entries[0];
  EXPECT_EQ("2024-02-29T13:45:12.500Z", e["at"]);
  EXPECT_EQ("authrep", e["endpoint"]);
  EXPECT_EQ("", e["service_id"]) << "as the request named it: not at all";
  EXPECT_EQ("a1", e["app_id"]);
  EXPECT_EQ("GET", e["request"]["method"]);
  EXPECT_EQ(RunningMock::AuthRepTarget("a1"), e["request"]["target"]);
  EXPECT_EQ("su1.3scale.net", e["request"]["headers"]["Host"]);
  EXPECT_EQ(200, e["response"]["status"]);
  EXPECT_THAT(e["response"]["body"].get<std::string>(),
              HasSubstr("<authorized>true</authorized>"));
}

TEST_F(MockControlApiTest, TheJournalFilters) {
  mock_.SeedStandardFixture(1, "eternity");
  mock_.Control("DELETE", "/journal");
  AuthRep("a1");     // 200
  AuthRep("a1");     // 409
  AuthRep("a2");     // 200
  mock_.Call("GET",  // 409: one more hit would exceed the limit.
             "/transactions/authorize.xml?provider_key=pk1&app_id=a1&"
             "usage%5Bhits%5D=1");
  Report("a1");  // 202
  mock_.Call("GET", "/internal/services/s1/applications/a1/utilization/");

  EXPECT_THAT(JournalLines(),
              ElementsAre("authrep 200", "authrep 409", "authrep 200",
                          "authorize 409", "report 202", "internal 200"));
  EXPECT_THAT(JournalLines("?endpoint=authrep"),
              ElementsAre("authrep 200", "authrep 409", "authrep 200"));
  EXPECT_THAT(JournalLines("?app_id=a2"), ElementsAre("authrep 200"));
  EXPECT_THAT(JournalLines("?status=409"),
              ElementsAre("authrep 409", "authorize 409"));
  EXPECT_THAT(JournalLines("?endpoint=authrep&app_id=a1&status=409"),
              ElementsAre("authrep 409"));
  EXPECT_THAT(JournalLines("?service_id=s1"), IsEmpty())
      << "no request named a service";
  EXPECT_THAT(JournalLines("?limit=2"),
              ElementsAre("report 202", "internal 200"));
  const int third = Journal()["entries"][2]["seq"];
  EXPECT_THAT(JournalLines("?since=" + std::to_string(third)),
              ElementsAre("authorize 409", "report 202", "internal 200"));
  EXPECT_THAT(JournalLines("?since=" + std::to_string(third) + "&limit=1"),
              ElementsAre("internal 200"));
}

TEST_F(MockControlApiTest, TheJournalFiltersByTheServiceARequestNamed) {
  mock_.SeedStandardFixture();
  mock_.Control("DELETE", "/journal");
  mock_.Call("GET", RunningMock::AuthRepTarget("a1") + "&service_id=s1");
  mock_.Call("GET", RunningMock::AuthRepTarget("a2"));
  EXPECT_THAT(JournalLines("?service_id=s1"), ElementsAre("authrep 200"));
}

class MockSmallJournalTest : public MockControlApiTest {
 protected:
  static MockOptions SmallJournal() {
    MockOptions options;
    options.journal_capacity = 3;
    return options;
  }
  MockSmallJournalTest() : MockControlApiTest(SmallJournal()) {}
};

TEST_F(MockSmallJournalTest, TheRingDropsTheOldestAndClearEmptiesIt) {
  for (int i = 0; i < 5; ++i)
    mock_.Call("GET", "/status?n=" + std::to_string(i));

  json journal = Journal();
  EXPECT_EQ(3, journal["capacity"]);
  EXPECT_EQ(2, journal["dropped"]);
  std::vector<std::string> kept;
  for (const json& e : journal["entries"]) {
    kept.push_back(std::to_string(e["seq"].get<int>()) + " " +
                   e["request"]["target"].get<std::string>());
  }
  EXPECT_THAT(kept,
              ElementsAre("3 /status?n=2", "4 /status?n=3", "5 /status?n=4"));

  EXPECT_EQ(json::parse(R"({"status":"ok"})"),
            mock_.Control("DELETE", "/journal"));
  journal = Journal();
  EXPECT_THAT(journal["entries"], IsEmpty());
  EXPECT_EQ(0, journal["dropped"]);
  mock_.Call("GET", "/status");
  EXPECT_EQ(6, Journal()["entries"][0]["seq"]) << "seq is never reused";
}

// --- Faults
// --------------------------------------------------------------------

class MockFaultTest : public MockControlApiTest {
 protected:
  void SetUp() override {
    MockControlApiTest::SetUp();
    mock_.SeedStandardFixture(1000, "eternity");
  }
};

TEST_F(MockFaultTest, RespondAnswersForOneApplicationOnlyAndCountsNothing) {
  EXPECT_EQ("down",
            AddFault(R"({"id":"down","endpoint":"authrep","app_id":"a1",)"
                     R"("action":"respond","status":503,)"
                     R"("body":"maintenance","content_type":"text/plain"})"));
  const WireResponse r = mock_.Call("GET", RunningMock::AuthRepTarget("a1"));
  EXPECT_EQ(503, r.status);
  EXPECT_EQ("maintenance", r.body);
  EXPECT_EQ("text/plain", r.Header("content-type").value_or(""));
  EXPECT_EQ(0, mock_.Utilization("a1"));

  EXPECT_EQ(200, AuthRep("a2"));
  EXPECT_EQ(200, Authorize("a1")) << "another endpoint";
  EXPECT_EQ(1, mock_.Utilization("a2"));

  const json faults = mock_.Control("GET", "/faults")["faults"];
  ASSERT_EQ(1u, faults.size());
  EXPECT_EQ("respond", faults[0]["action"]);
  EXPECT_EQ(1, faults[0]["hits"]);
}

TEST_F(MockFaultTest, AMetricRuleMatchesOnlyRequestsReportingIt) {
  AddFault(R"({"metric":"hits","action":"respond","status":500})");
  EXPECT_EQ(200, Authorize("a1"));
  EXPECT_EQ(500, AuthRep("a1"));
}

TEST_F(MockFaultTest, DelayWaitsOnTheBaseClockAndThenAnswers) {
  AddFault(R"({"action":"delay","delay":"2500ms"})");
  const core::UtcTime before = mock_.clock().NowUtc();
  EXPECT_EQ(200, AuthRep("a1"));
  // The ManualClock's SleepUntil() jumped: no real time passed.
  EXPECT_EQ(2500ms, mock_.clock().NowUtc() - before);
  EXPECT_EQ(1, mock_.Utilization("a1"));
}

TEST_F(MockFaultTest, AProbabilityWithASeedIsReproducible) {
  const auto run = [&] {
    mock_.Control("DELETE", "/faults");
    AddFault(R"({"seed":42,"endpoint":"authorize","action":"respond",)"
             R"("status":500,"probability":0.5})");
    std::string pattern;
    for (int i = 0; i < 40; ++i) pattern += Authorize("a1") == 500 ? 'x' : '.';
    return pattern;
  };
  const std::string first = run();
  EXPECT_EQ(first, run());
  EXPECT_THAT(first, HasSubstr("x"));
  EXPECT_THAT(first, HasSubstr("."));
}

TEST_F(MockFaultTest, DropReportAnswersNormallyButCountsNothing) {
  AddFault(R"({"action":"drop_report"})");
  const WireResponse r = mock_.Call("GET", RunningMock::AuthRepTarget("a1", 4));
  EXPECT_EQ(200, r.status);
  EXPECT_THAT(r.body, HasSubstr("<current_value>4</current_value>"))
      << "the answer is the usual one";
  EXPECT_EQ(202, Report("a2", 3));
  EXPECT_EQ(0, mock_.Utilization("a1"));
  EXPECT_EQ(0, mock_.Utilization("a2"));

  mock_.Control("DELETE", "/faults");
  EXPECT_EQ(200, AuthRep("a1"));
  EXPECT_EQ(1, mock_.Utilization("a1"));
}

TEST_F(MockFaultTest, TruncateAndCloseBreakTheResponse) {
  for (const char* action : {"truncate", "close"}) {
    mock_.Control("DELETE", "/faults");
    AddFault(std::string(R"({"endpoint":"authrep","action":")") + action +
             "\"}");
    LoopbackSocket socket(mock_.port());
    ASSERT_TRUE(
        socket.Send(RequestBytes("GET", RunningMock::AuthRepTarget("a1"))));
    EXPECT_FALSE(socket.ReadResponse().has_value()) << action;
    EXPECT_TRUE(socket.peer_closed()) << action;
  }
  // The backend did its work; only the answer was lost.
  EXPECT_EQ(2, mock_.Utilization("a1"));
}

TEST_F(MockFaultTest, HangAnswersNothingThenCloses) {
  AddFault(R"({"endpoint":"authrep","action":"hang","delay":"30s"})");
  LoopbackSocket socket(mock_.port());
  ASSERT_TRUE(
      socket.Send(RequestBytes("GET", RunningMock::AuthRepTarget("a1"))));
  EXPECT_EQ("", socket.ReadUntilClosed());
  EXPECT_TRUE(socket.peer_closed());
  EXPECT_EQ(0, mock_.Utilization("a1"));
}

TEST_F(MockFaultTest, MaxHitsLimitsHowOftenARuleFires) {
  AddFault(R"({"action":"respond","status":500,"max_hits":2})");
  EXPECT_EQ(500, AuthRep("a1"));
  EXPECT_EQ(500, AuthRep("a1"));
  EXPECT_EQ(200, AuthRep("a1"));
  EXPECT_EQ(2, mock_.Control("GET", "/faults")["faults"][0]["hits"]);
}

TEST_F(MockFaultTest, AWindowIsOnTheMocksClock) {
  AddFault(R"({"action":"respond","status":503,)"
           R"("from":"2024-05-31T12:01:00Z","until":"2024-05-31T12:02:00Z"})");
  EXPECT_EQ(200, Authorize("a1"));
  PutClock(R"({"now":"2024-05-31T12:01:00Z"})");
  EXPECT_EQ(503, Authorize("a1"));
  PutClock(R"({"advance":"59999ms"})");
  EXPECT_EQ(503, Authorize("a1"));
  PutClock(R"({"advance":"1ms"})");
  EXPECT_EQ(200, Authorize("a1")) << "until is exclusive";
}

TEST_F(MockFaultTest, RulesAreRemovedOneByOneOrAllAtOnce) {
  AddFault(
      R"({"id":"x","endpoint":"authorize","action":"respond","status":500})");
  AddFault(R"({"endpoint":"authrep","action":"respond","status":502})");
  EXPECT_EQ(json::parse(R"({"status":"deleted"})"),
            mock_.Control("DELETE", "/faults/x"));
  EXPECT_EQ(200, Authorize("a1"));
  EXPECT_EQ(502, AuthRep("a1"));
  mock_.Control("DELETE", "/faults");
  EXPECT_EQ(200, AuthRep("a1"));
}

TEST_F(MockFaultTest, AnInvalidRuleIsA400) {
  const struct {
    const char* rule;
    const char* error;
  } cases[] = {
      {R"({"action":"explode"})", "unknown fault action 'explode'"},
      {R"({"action":"respond","colour":"red"})",
       "unknown fault rule key 'colour'"},
      {R"({"probability":1.5})", "'probability' must be within [0, 1]"},
      {R"({"status":"503"})", "'status' must be an integer"},
      {R"({"delay":"soon"})", ""},
      {R"({"delay":250})", "'delay' must be a duration string"},
      {R"({"from":"noon"})", "'from' must be an ISO 8601 time"},
      {R"({"max_hits":-1})", "'max_hits' must be a whole number"},
      {R"({"seed":"x"})", "'seed' must be a whole number"},
      {R"([1])", "a fault rule is a JSON object"},
      {R"({"app_id":7})", "'app_id' must be a string"},
  };
  for (const auto& c : cases) {
    const json answer = mock_.Control("POST", "/faults", c.rule, 400);
    EXPECT_EQ("error", answer.value("status", "")) << c.rule;
    EXPECT_THAT(answer.value("error", ""), HasSubstr(c.error)) << c.rule;
  }
  EXPECT_THAT(mock_.Control("GET", "/faults")["faults"], IsEmpty());
  EXPECT_EQ(200, AuthRep("a1"));
}

}  // namespace
}  // namespace scalecheck::mock_backend
