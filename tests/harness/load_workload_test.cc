// tests/harness/load_workload_test.cc: harness/load_workload.h
#include "harness/load_workload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace scalecheck::harness {
namespace {

using testing::HasSubstr;

// Service s1 (provider key pk1, metric hits, plan p1 "Basic") and a
// population of 10 applications load-app-0..9; the mix is one authrep
// reporting hits=1.
class LoadWorkloadTest : public testing::Test {
 protected:
  LoadWorkloadTest() {
    ServiceSpec service;
    service.id = "s1";
    service.provider_key = "pk1";
    service.metrics = {MetricSpec{"1", "hits", "", {}}};
    PlanSpec plan;
    plan.id = "p1";
    plan.name = "Basic";
    service.plans = {plan};
    scenario_.services = {service};
    scenario_.defaults.service = "s1";
    LoadCall call;
    call.kind = CallKind::kAuthrep;
    call.usage = {{"hits", "1"}};
    load_.mix = {call};
    LoadPopulation population;
    population.service = "s1";
    population.plan = "p1";
    population.count = 10;
    load_.populations = {population};
    load_.stages = {LoadStage{std::chrono::seconds(1), 1, std::nullopt}};
  }

  Scenario scenario_;
  LoadSpec load_;
};

TEST_F(LoadWorkloadTest, RendersTheRequestAScenarioStepWouldSend) {
  load_.populations[0].with_keys = true;
  load_.mix[0].usage = {{"hits", "2..4"}};
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  ASSERT_TRUE(w.ok()) << w.status().message();
  Workload::Draw draw;
  w.value().DrawRequest(7, 3, draw);
  ASSERT_EQ(1u, draw.apps.size());
  const std::string id = w.value().AppId(draw.apps[0]);
  EXPECT_THAT(id, testing::MatchesRegex("load-app-[0-9]"));
  EXPECT_EQ(id + "-key", w.value().AppKey(draw.apps[0]));
  std::string out, scratch;
  w.value().Render(draw, out, scratch);
  EXPECT_EQ("GET /transactions/authrep.xml?provider_key=pk1&app_id=" + id +
                "&app_key=" + id +
                "-key&usage%5Bhits%5D=" + std::to_string(draw.values[0]) +
                " HTTP/1.1\r\nHost: localhost\r\n3scale-options: "
                "rejection_reason_header=1\r\n\r\n",
            out);
  EXPECT_GE(draw.values[0], 2);
  EXPECT_LE(draw.values[0], 4);
}

TEST_F(LoadWorkloadTest, RendersAReportBatchWithItsContentLength) {
  load_.mix[0].kind = CallKind::kReport;
  load_.mix[0].transactions = 3;
  load_.mix[0].usage = {{"hits", "#5"}};
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  ASSERT_TRUE(w.ok()) << w.status().message();
  Workload::Draw draw;
  w.value().DrawRequest(1, 0, draw);
  ASSERT_EQ(3u, draw.apps.size());
  std::string out, scratch;
  w.value().Render(draw, out, scratch);
  const size_t body = out.find("\r\n\r\n") + 4;
  EXPECT_THAT(out, testing::StartsWith("POST /transactions.xml HTTP/1.1\r\n"));
  EXPECT_THAT(out, HasSubstr("Content-Length: " +
                             std::to_string(out.size() - body) + "\r\n"));
  EXPECT_THAT(out.substr(body),
              HasSubstr("transactions%5B2%5D%5Busage%5D%5Bhits%5D=%235"));
  // A set is not a sum: the metric is left out of the counters check.
  EXPECT_TRUE(w.value().services()[0].set_by_usage[0]);
}

TEST_F(LoadWorkloadTest, DrawsTheSameRequestsWhateverTheOrder) {
  load_.populations[0].count = 1000;
  load_.populations[0].choice = LoadPopulation::Choice::kZipf;
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  ASSERT_TRUE(w.ok()) << w.status().message();
  Workload::Draw a, b;
  int64_t most_popular = 0;
  for (int64_t i = 0; i < 10000; ++i) {
    w.value().DrawRequest(42, i, a);
    w.value().DrawRequest(42, i, b);
    ASSERT_EQ(a.apps, b.apps);
    most_popular += a.apps[0] == 0;
  }
  // Zipf with s = 1 over 1000: the first application draws 1/H(1000) ~ 13%.
  EXPECT_NEAR(1339.0, static_cast<double>(most_popular), 150.0);
}

TEST_F(LoadWorkloadTest, ChildUsageCountsForTheParentToo) {
  scenario_.services[0].metrics.push_back(
      MetricSpec{"2", "search", "hits", {}});
  load_.mix[0].usage = {{"search", "3"}};
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  ASSERT_TRUE(w.ok()) << w.status().message();
  Workload::Draw draw;
  w.value().DrawRequest(1, 0, draw);
  std::vector<std::pair<size_t, int64_t>> increments;
  w.value().ForEachIncrement(draw, [&](size_t, size_t metric, int64_t amount) {
    increments.emplace_back(metric, amount);
  });
  EXPECT_THAT(increments,
              testing::UnorderedElementsAre(std::pair<size_t, int64_t>{1, 3},
                                            std::pair<size_t, int64_t>{0, 3}));
}

TEST_F(LoadWorkloadTest, RejectsUsageThatIsNotATemplate) {
  load_.mix[0].usage = {{"hits", "1.5"}};
  load_.where = SourceLocation{"x.toml", 7, 1};
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(
      "x.toml:7:1: usage value '1.5' of 'hits': a load call's usage is "
      "\"N\", \"#N\" or \"A..B\"",
      w.status().message());
  load_.mix[0].usage = {{"hitz", "1"}};
  EXPECT_THAT(Workload::Create(scenario_, load_).status().message(),
              HasSubstr("unknown metric 'hitz' in service 's1'"));
}

TEST_F(LoadWorkloadTest, WithoutPopulationsUsesTheFixtureApplications) {
  ApplicationSpec keyed;
  keyed.id = "a1";
  keyed.plan = "p1";
  keyed.keys = {"k1", "k2"};
  ApplicationSpec keyless;
  keyless.id = "a 2";  // Encoded in the request.
  keyless.plan = "p1";
  scenario_.services[0].applications = {keyed, keyless};
  load_.populations.clear();
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_EQ(2u, w.value().app_count());
  EXPECT_FALSE(w.value().generated(0));
  EXPECT_EQ("k1", w.value().AppKey(0));
  EXPECT_EQ("", w.value().AppKey(1));
  Workload::Draw draw;
  std::vector<std::string> targets;
  for (int64_t i = 0; targets.size() < 2 && i < 100; ++i) {
    w.value().DrawRequest(3, i, draw);
    std::string out, scratch;
    w.value().Render(draw, out, scratch);
    const std::string target = out.substr(0, out.find(" HTTP/1.1"));
    if (std::find(targets.begin(), targets.end(), target) == targets.end()) {
      targets.push_back(target);
    }
  }
  EXPECT_THAT(targets,
              testing::UnorderedElementsAre(
                  "GET /transactions/authrep.xml?provider_key=pk1&app_id=a1&"
                  "app_key=k1&usage%5Bhits%5D=1",
                  "GET /transactions/authrep.xml?provider_key=pk1&app_id=a%202&"
                  "usage%5Bhits%5D=1"));
}

}  // namespace
}  // namespace scalecheck::harness
