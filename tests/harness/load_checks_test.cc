// tests/harness/load_checks_test.cc: harness/load_checks.h (the pure checks;
// reading counters from a target is covered by load_engine_test).
#include "harness/load_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/testing/utc_time.h"

namespace scalecheck::harness {
namespace {

using testing::HasSubstr;
using Verdict = LoadCheckResult::Verdict;

// Service s1 with metrics hits and search (a child of hits); plan p1 limits
// hits to 100 per minute and 1000 per day; applications load-app-0..2
// authrep hits=1 and search=2.
class LoadChecksTest : public testing::Test {
 protected:
  LoadChecksTest() {
    ServiceSpec service;
    service.id = "s1";
    service.provider_key = "pk1";
    service.metrics = {MetricSpec{"1", "hits", "", {}},
                       MetricSpec{"2", "search", "hits", {}}};
    PlanSpec plan;
    plan.id = "p1";
    plan.limits = {UsageLimitSpec{"hits", core::Period::kMinute, 100, {}},
                   UsageLimitSpec{"hits", core::Period::kDay, 1000, {}}};
    service.plans = {plan};
    scenario_.services = {service};
    scenario_.defaults.service = "s1";
    LoadCall call;
    call.kind = CallKind::kAuthrep;
    call.usage = {{"hits", "1"}, {"search", "2"}};
    load_.mix = {call};
    LoadPopulation population;
    population.service = "s1";
    population.plan = "p1";
    population.count = 3;
    load_.populations = {population};
    load_.stages = {LoadStage{std::chrono::seconds(10), 10, std::nullopt}};
    Compile();
  }

  void Compile() {
    core::Result<Workload> w = Workload::Create(scenario_, load_);
    ASSERT_TRUE(w.ok()) << w.status().message();
    workload_ = std::make_unique<Workload>(std::move(w).value());
    result_.authorized_usage.assign(workload_->slot_count(), 0);
    result_.uncertain_usage.assign(workload_->slot_count(), 0);
  }

  // The generator saw `amount` units of `metric` (0 hits, 1 search)
  // authorized for application `app`.
  void Authorized(size_t app, size_t metric, int64_t amount) {
    result_.authorized_usage[workload_->Slot(app, metric)] = amount;
  }

  // Backend counters as the state export gives them: eternity only.
  BackendCounters StateExport(const std::vector<std::vector<int64_t>>& values) {
    BackendCounters c;
    c.from_state_export = true;
    c.by_app.resize(values.size());
    for (size_t a = 0; a < values.size(); ++a) {
      c.by_app[a]["hits/eternity"] = values[a][0];
      c.by_app[a]["search/eternity"] = values[a][1];
    }
    return c;
  }

  LoadCheckResult Counters(const BackendCounters& after) {
    return CheckCounters(
        *workload_, result_,
        SelectCounters(*workload_, {}, after, run_first_, run_last_));
  }

  Scenario scenario_;
  LoadSpec load_;
  std::unique_ptr<Workload> workload_;
  LoadResult result_;
  core::UtcTime run_first_ = test::Utc(2024, 5, 31, 12, 0, 10);
  core::UtcTime run_last_ = test::Utc(2024, 5, 31, 12, 1, 40);
};

TEST_F(LoadChecksTest, CountersEqualToTheAuthorizedUsagePass) {
  Authorized(0, 0, 10);
  Authorized(0, 1, 20);
  Authorized(2, 0, 5);
  Authorized(2, 1, 10);
  const LoadCheckResult r = Counters(StateExport({{10, 20}, {0, 0}, {5, 10}}));
  EXPECT_EQ(Verdict::kPass, r.verdict) << r.message;
  EXPECT_EQ("counters", r.name);
  EXPECT_EQ("6 counters equal the usage authorized (45 in all)", r.message);
}

TEST_F(LoadChecksTest, ALostCountIsNamedWithItsCounter) {
  Authorized(1, 0, 1204);
  const LoadCheckResult r = Counters(StateExport({{0, 0}, {1203, 0}, {0, 0}}));
  EXPECT_EQ(Verdict::kFail, r.verdict);
  EXPECT_EQ(
      "1 of 6 counters differ from the usage authorized: 1 lost, 0 counted "
      "more than "
      "authorized\n  counter hits/eternity of load-app-1: backend 1203, "
      "authorized 1204 — 1 lost",
      r.message);
}

TEST_F(LoadChecksTest, ACountTheGeneratorNeverSawAuthorizedIsCountedTwice) {
  Authorized(0, 1, 4);
  const LoadCheckResult r = Counters(StateExport({{0, 6}, {0, 0}, {0, 0}}));
  EXPECT_EQ(Verdict::kFail, r.verdict);
  EXPECT_THAT(r.message,
              HasSubstr("counter search/eternity of load-app-0: backend 6, "
                        "authorized 4 — 2 counted more than authorized"));
}

TEST_F(LoadChecksTest, UnansweredUsageMayOrMayNotHaveBeenCounted) {
  Authorized(0, 0, 10);
  result_.uncertain_usage[workload_->Slot(0, 0)] = 3;
  for (const int64_t backend : {10, 11, 13}) {
    const LoadCheckResult r =
        Counters(StateExport({{backend, 0}, {0, 0}, {0, 0}}));
    EXPECT_EQ(Verdict::kPass, r.verdict) << backend << ": " << r.message;
  }
  const LoadCheckResult over = Counters(StateExport({{14, 0}, {0, 0}, {0, 0}}));
  EXPECT_EQ(Verdict::kFail, over.verdict);
  EXPECT_THAT(over.message,
              HasSubstr("backend 14, authorized 10 (+ up to 3 unanswered) — 1 "
                        "counted more than authorized"));
}

TEST_F(LoadChecksTest, ListsTenDifferencesAndCountsTheRest) {
  load_.populations[0].count = 30;
  Compile();
  BackendCounters after;
  after.from_state_export = true;
  after.by_app.resize(30);
  for (size_t a = 0; a < 30; ++a) Authorized(a, 0, 2);
  const LoadCheckResult r = Counters(after);
  EXPECT_EQ(Verdict::kFail, r.verdict);
  EXPECT_THAT(r.message, HasSubstr("30 of 60 counters differ"));
  EXPECT_THAT(r.message, HasSubstr("\n  ... and 20 more"));
}

TEST_F(LoadChecksTest, WithoutAStateExportUsesTheLongestLimitSpanningTheRun) {
  // The run crosses a minute boundary: the day counter is the one compared,
  // as its change across the run. search has no limit: not checkable.
  BackendCounters before;
  before.by_app = {{{"hits/day", 7}, {"hits/minute", 7}}, {}, {}};
  BackendCounters after;
  after.by_app = {
      {{"hits/day", 17}, {"hits/minute", 3}}, {{"hits/day", 0}}, {}};
  const CounterSelection s =
      SelectCounters(*workload_, before, after, run_first_, run_last_);
  ASSERT_EQ(3u, s.readings.size());
  EXPECT_EQ("day", s.readings[0].period);
  EXPECT_EQ(10, s.readings[0].value);
  EXPECT_THAT(s.unchecked,
              testing::ElementsAre(
                  "search of service s1: no usage limit whose period instance "
                  "spans the whole run"));
  Authorized(0, 0, 10);
  const LoadCheckResult r = CheckCounters(*workload_, result_, s);
  EXPECT_EQ(Verdict::kPass, r.verdict) << r.message;
  EXPECT_THAT(r.message, HasSubstr("not checked: search of service s1"));
}

TEST_F(LoadChecksTest,
       TheLongestLimitedPeriodWinsWhenShorterOnesSpanTheRunToo) {
  BackendCounters after;
  after.by_app.resize(3);
  const CounterSelection s =
      SelectCounters(*workload_, {}, after, test::Utc(2024, 5, 31, 12, 0, 10),
                     test::Utc(2024, 5, 31, 12, 0, 50));
  ASSERT_FALSE(s.readings.empty());
  EXPECT_EQ("day", s.readings[0].period);
}

TEST_F(LoadChecksTest, ARunAcrossMidnightCannotBeCheckedWithoutAStateExport) {
  BackendCounters after;
  after.by_app.resize(3);
  const CounterSelection s =
      SelectCounters(*workload_, {}, after, test::Utc(2024, 5, 31, 23, 59, 50),
                     test::Utc(2024, 6, 1, 0, 1, 0));
  EXPECT_TRUE(s.readings.empty());
  const LoadCheckResult r = CheckCounters(*workload_, result_, s);
  EXPECT_EQ(Verdict::kSkip, r.verdict);
  EXPECT_THAT(
      r.message,
      HasSubstr("no counter can be checked; not checked: hits of service s1"));
}

TEST_F(LoadChecksTest, SetUsageIsNotChecked) {
  load_.mix[0].usage = {{"search", "#3"}};
  Compile();
  const CounterSelection s =
      SelectCounters(*workload_, {}, StateExport({{0, 0}, {0, 0}, {0, 0}}),
                     run_first_, run_last_);
  // A set of search is copied up to hits: neither is a sum.
  EXPECT_TRUE(s.readings.empty());
  EXPECT_THAT(
      s.unchecked,
      testing::ElementsAre(HasSubstr("hits of service s1: a call sets it"),
                           HasSubstr("search of service s1: a call sets it")));
}

// ---- Limits
// -------------------------------------------------------------------

TEST_F(LoadChecksTest, UsageWithinEveryLimitPasses) {
  result_.period_usage = {{0, 0, 1717156800, 100}, {0, 1, 1717113600, 1000}};
  const LoadCheckResult r =
      CheckLimits(*workload_, result_, LimitCheck::kStrict, 50);
  EXPECT_EQ(Verdict::kPass, r.verdict) << r.message;
  EXPECT_EQ("limits (strict)", r.name);
  EXPECT_EQ(
      "2 period instance(s) of 2 usage limit(s): the authorized usage stayed "
      "within "
      "every limit",
      r.message);
}

TEST_F(LoadChecksTest, StrictFailsOnOneUnitOverAndNamesTheInstance) {
  result_.period_usage = {{2, 0, 1717156800, 101}};  // 2024-05-31T12:00:00Z.
  result_.ambiguous_period_requests = 4;
  const LoadCheckResult r =
      CheckLimits(*workload_, result_, LimitCheck::kStrict, 50);
  EXPECT_EQ(Verdict::kFail, r.verdict);
  EXPECT_EQ(
      "1 of 1 period instances authorized more than their limit (worst: 1 "
      "over); 4 authreps "
      "answered across a period boundary were not placed\n  limit hits/minute "
      "of load-app-2 "
      "(max 100) in the instance from 2024-05-31T12:00:00.000Z: 101 authorized "
      "— 1 over",
      r.message);
}

TEST_F(LoadChecksTest, LenientAllowsWhatTheRequestsInFlightCarry) {
  // 50 connections, at most 3 units of hits a request (1 + 2 from search).
  result_.period_usage = {{0, 0, 1717156800, 250}};
  EXPECT_EQ(Verdict::kPass,
            CheckLimits(*workload_, result_, LimitCheck::kLenient, 50).verdict);
  result_.period_usage = {{0, 0, 1717156800, 251}};
  const LoadCheckResult r =
      CheckLimits(*workload_, result_, LimitCheck::kLenient, 50);
  EXPECT_EQ(Verdict::kFail, r.verdict);
  EXPECT_THAT(r.message, HasSubstr("251 authorized — 151 over (allowed 150)"));
}

TEST_F(LoadChecksTest, LimitsAreSkippedWhenOffOrAbsent) {
  EXPECT_EQ(Verdict::kSkip,
            CheckLimits(*workload_, result_, LimitCheck::kOff, 50).verdict);
  scenario_.services[0].plans[0].limits.clear();
  Compile();
  const LoadCheckResult r =
      CheckLimits(*workload_, result_, LimitCheck::kStrict, 50);
  EXPECT_EQ(Verdict::kSkip, r.verdict);
  EXPECT_EQ("no usage limit on the populations' plans", r.message);
}

// ---- Thresholds
// ---------------------------------------------------------------

TEST_F(LoadChecksTest, ThresholdsPassAndFailWithTheirFigures) {
  for (int i = 0; i < 99; ++i) result_.corrected.Record(1000);
  result_.corrected.Record(80000);  // p99 = 1 ms; p99.5 = 80 ms.
  result_.scheduled = 100;
  result_.sent_in_window = 100;
  result_.duration = std::chrono::seconds(10);
  result_.outcomes = {{Outcome::kAuthorized, "", 97},
                      {Outcome::kDenied, "limits_exceeded", 1},
                      {Outcome::kTimeout, "5000 ms", 2}};
  LoadThresholds t;
  t.p99_ms = 2;
  t.error_rate = 0.01;
  t.min_rate = 10;
  const std::vector<LoadCheckResult> r = CheckThresholds(t, result_);
  ASSERT_EQ(3u, r.size());
  EXPECT_EQ(Verdict::kPass, r[0].verdict);
  EXPECT_EQ("p99 1 ms (corrected) <= 2 ms", r[0].message);
  EXPECT_EQ(Verdict::kFail, r[1].verdict);
  EXPECT_EQ("error rate 0.0200 (2 of 100) exceeds 0.0100", r[1].message);
  EXPECT_EQ(Verdict::kPass, r[2].verdict);
  EXPECT_EQ("achieved 10.0 req/s >= 10.0 req/s", r[2].message);
  t.min_rate = 11;
  t.p99_ms = 0.5;
  const std::vector<LoadCheckResult> again = CheckThresholds(t, result_);
  EXPECT_EQ("p99 1 ms (corrected) exceeds 0.5 ms", again[0].message);
  EXPECT_EQ("achieved 10.0 req/s below 11.0 req/s", again[2].message);
}

TEST_F(LoadChecksTest, NoThresholdsNoChecks) {
  EXPECT_TRUE(CheckThresholds(LoadThresholds{}, result_).empty());
}

}  // namespace
}  // namespace scalecheck::harness
