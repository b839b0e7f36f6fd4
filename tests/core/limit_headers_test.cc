// tests/core/limit_headers_test.cc: the limit_headers extension (spec 3.6,
// cases 7.37 and 7.38, golden extensions/limit_headers_*, rollover/*,
// usage/set_vs_limit_headers and random/*).
#include "core/limit_headers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/testing/utc_time.h"

namespace scalecheck::core {
namespace {

using test::Utc;

struct Param {
  const char* name;
  const char* value;
};

// The golden random/* schema plus the metrics of spec 7.37 and golden
// extensions/limit_headers_*:
//   hits (1) ─┬─ search (2) ── deep (3)
//             └─ upload (4)
//   storage (5)   metric2 (6)   forever (7)   other (8)
class LimitHeadersTest : public testing::Test {
 protected:
  LimitHeadersTest() {
    metrics_.Put({"1", "hits", ""});
    metrics_.Put({"2", "search", "1"});
    metrics_.Put({"3", "deep", "2"});
    metrics_.Put({"4", "upload", "1"});
    metrics_.Put({"5", "storage", ""});
    metrics_.Put({"6", "metric2", ""});
    metrics_.Put({"7", "forever", ""});
    metrics_.Put({"8", "other", ""});
  }

  // The report a document shows for `metric` in the instance holding now_.
  UsageReport Report(const std::string& metric, Period period,
                     int64_t max_value, int64_t shown_value) const {
    const Metric* m = metrics_.FindByName(metric);
    EXPECT_NE(nullptr, m) << metric;
    UsageReport r;
    r.metric_id = m != nullptr ? m->id : "";
    r.metric_name = metric;
    r.period = period;
    r.period_start = PeriodStart(period, now_);
    r.period_end = PeriodEnd(period, now_);
    r.max_value = max_value;
    r.current_value = shown_value;
    r.exceeded = shown_value > max_value;
    return r;
  }

  // The request's raw usage hash: usage[name]=value for each param.
  static ParamHash UsageOf(std::initializer_list<Param> params) {
    ParamHash hash;
    for (const Param& p : params) {
      hash.Set(p.name, ParamValue{std::string(p.value)});
    }
    return hash;
  }

  // "remaining reset max" as the three headers would carry them; "-" for
  // an absent 3scale-limit-max-value. Without `usage` the request has none.
  std::string Headers(
      const std::vector<UsageReport>& shown,
      const std::optional<ParamHash>& usage = std::nullopt) const {
    const LimitHeaders h =
        ComputeLimitHeaders(shown, usage ? &*usage : nullptr, metrics_, now_);
    return std::to_string(h.remaining) + " " + std::to_string(h.reset_s) + " " +
           (h.max_value ? std::to_string(*h.max_value) : "-");
  }

  MetricSet metrics_;
  // Spec 7's clock, with milliseconds: 13 h 39 min 29.75 s to midnight.
  UtcTime now_ = Utc(2024, 5, 15, 10, 20, 30, 250);
};

TEST_F(LimitHeadersTest,
       Spec7_37_AnAuthrepCountsItsOwnUsageAndTheDayWinsTheTie) {
  // hits/day=100, hits/hour=100, metric2/day=200; authrep hits=10&metric2=10
  // shows 10 everywhere: (100-10)/10 = 9 for both hits limits.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 100, 10),
      Report("hits", Period::kHour, 100, 10),
      Report("metric2", Period::kDay, 200, 10)};

  EXPECT_EQ("9 49170 100",
            Headers(shown, UsageOf({{"hits", "10"}, {"metric2", "10"}})));
}

TEST_F(LimitHeadersTest, Spec7_37_AnAuthorizeDoesNotCountItsPredictedUsage) {
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 100, 0),
      Report("hits", Period::kHour, 100, 0),
      Report("metric2", Period::kDay, 200, 0)};

  EXPECT_EQ("10 49170 100",
            Headers(shown, UsageOf({{"hits", "10"}, {"metric2", "10"}})));
}

TEST_F(LimitHeadersTest, Spec7_38_ADenialByLimitsGivesZeroRemaining) {
  // hits/hour=10, hits/day=100, clock 22:59:59, authrep hits=11 denied.
  now_ = Utc(2024, 5, 15, 22, 59, 59);
  const std::vector<UsageReport> shown = {Report("hits", Period::kDay, 100, 0),
                                          Report("hits", Period::kHour, 10, 0)};

  EXPECT_EQ("0 1 10", Headers(shown, UsageOf({{"hits", "11"}})));
}

TEST_F(LimitHeadersTest, Spec7_38_NoLimitsGiveMinusOneAndNoMaxValue) {
  // golden extensions/limit_headers_no_limits_app.
  EXPECT_EQ("-1 -1 -", Headers({}));
  EXPECT_EQ("-1 -1 -", Headers({}, UsageOf({{"hits", "1"}})));
}

TEST_F(LimitHeadersTest, Spec3_6_ZeroUsageIsUnconstrained) {
  // golden extensions/limit_headers_denied_and_unconstrained, step 2.
  const std::vector<UsageReport> shown = {Report("hits", Period::kDay, 100, 0),
                                          Report("hits", Period::kHour, 10, 0)};

  EXPECT_EQ("-1 -1 -", Headers(shown, UsageOf({{"hits", "0"}})));
}

TEST_F(LimitHeadersTest,
       Spec3_6_WithoutUsageEveryReportUnderItsLimitIsUnconstrained) {
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 10, 2), Report("hits", Period::kHour, 10, 2),
      Report("other", Period::kMinute, 30, 0)};

  EXPECT_EQ("-1 -1 -", Headers(shown));
}

TEST_F(LimitHeadersTest, Spec3_6_UsageOfUnlimitedMetricsIsUnconstrained) {
  // golden extensions/limit_headers_denied_and_unconstrained, step 1: usage
  // of a metric without limits leaves no candidate.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 100, 0),
      Report("forever", Period::kEternity, 50, 0)};

  EXPECT_EQ("-1 -1 -", Headers(shown, UsageOf({{"storage", "5"}})));
}

TEST_F(LimitHeadersTest, Spec7_38_AnEternityLimitNeverResets) {
  // golden extensions/limit_headers_denied_and_unconstrained, step 3.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 100, 0),
      Report("hits", Period::kHour, 10, 0),
      Report("forever", Period::kEternity, 50, 5)};

  EXPECT_EQ("9 -1 50", Headers(shown, UsageOf({{"forever", "5"}})));
}

TEST_F(LimitHeadersTest,
       Spec3_6_OnlyTheUsedMetricsAndTheirAncestorsAreCandidates) {
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 10, 9),     // Ancestor: 1 left.
      Report("search", Period::kDay, 100, 0),  // In the usage.
      Report("deep", Period::kMinute, 6, 6),   // A child: not a candidate.
      Report("storage", Period::kDay, 5, 5)};  // Unrelated.

  EXPECT_EQ("1 49170 10", Headers(shown, UsageOf({{"search", "1"}})));
}

TEST_F(LimitHeadersTest, Spec3_6_ADescendantsUsageCountsForItsAncestors) {
  // hits' u is hits=1 plus deep=2: (40-4)/3 = 12 on the minute.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kMinute, 40, 4),
      Report("search", Period::kDay, 100, 0)};

  EXPECT_EQ("12 30 40",
            Headers(shown, UsageOf({{"hits", "1"}, {"deep", "2"}})));
}

TEST_F(LimitHeadersTest, UsageNamesAreMatchedAsSent) {
  // status.rb selects the reports by @usage.keys and usage_report.rb reads
  // usage[metric_name]: a name with spaces around names no report.
  const std::vector<UsageReport> shown = {Report("hits", Period::kDay, 10, 0)};

  EXPECT_EQ("-1 -1 -", Headers(shown, UsageOf({{" hits", "1"}})));
  EXPECT_EQ("10 49170 10", Headers(shown, UsageOf({{"hits", "1"}})));
}

TEST_F(LimitHeadersTest, Spec3_6_TiesGoToTheLongerPeriod) {
  // golden extensions/limit_headers_tiebreak, steps 1 and 2.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 10, 2), Report("hits", Period::kHour, 10, 2),
      Report("other", Period::kEternity, 20, 0),
      Report("other", Period::kYear, 20, 0),
      Report("other", Period::kMinute, 30, 0)};

  EXPECT_EQ("10 -1 20", Headers(shown, UsageOf({{"other", "2"}})))
      << "eternity over year";
  EXPECT_EQ("8 49170 10",
            Headers(shown, UsageOf({{"other", "2"}, {"hits", "1"}})))
      << "day over hour";
}

TEST_F(LimitHeadersTest,
       Spec3_6_ATieWithTheShorterPeriodListedFirstStillGoesToTheLonger) {
  const std::vector<UsageReport> shown = {Report("hits", Period::kHour, 10, 2),
                                          Report("hits", Period::kDay, 10, 2)};

  EXPECT_EQ("8 49170 10", Headers(shown, UsageOf({{"hits", "1"}})));
}

TEST_F(LimitHeadersTest,
       Spec3_6_ResetIsTheCeilingOfTheRemainingSecondsFromNow) {
  // golden rollover/minute_limit_headers_reset: now's milliseconds count.
  const struct {
    UtcTime now;
    int64_t reset_s;
  } cases[] = {
      {Utc(2024, 5, 15, 10, 20, 30), 30},
      {Utc(2024, 5, 15, 10, 20, 59, 500), 1},
      {Utc(2024, 5, 15, 10, 20, 59, 999), 1},
      {Utc(2024, 5, 15, 10, 21, 0, 0), 60},
      {Utc(2024, 5, 15, 10, 21, 0, 500), 60},
      {Utc(2024, 5, 15, 10, 21, 1, 0), 59},
      {Utc(2024, 5, 15, 10, 21, 0, 1), 60},
  };
  for (const auto& c : cases) {
    now_ = c.now;
    const std::vector<UsageReport> shown = {
        Report("hits", Period::kEternity, 100, 0),
        Report("hits", Period::kMinute, 10, 0)};
    const ParamHash usage = UsageOf({{"hits", "1"}});
    const LimitHeaders h = ComputeLimitHeaders(shown, &usage, metrics_, now_);
    EXPECT_EQ(10, h.remaining) << FormatIso8601(c.now);
    EXPECT_EQ(c.reset_s, h.reset_s) << FormatIso8601(c.now);
    EXPECT_EQ(10, h.max_value.value_or(-1)) << FormatIso8601(c.now);
  }
}

TEST_F(LimitHeadersTest, Spec3_6_ResetOfLongerPeriodsCountsToTheirCalendarEnd) {
  now_ = Utc(2024, 2, 29, 23, 59, 59, 1);
  const struct {
    Period period;
    int64_t reset_s;
  } cases[] = {
      {Period::kHour, 1},
      {Period::kDay, 1},
      {Period::kWeek, 3 * 86400 + 1},  // To Monday 2024-03-04.
      {Period::kMonth, 1},
      {Period::kYear, 306 * 86400 + 1},  // To 2025-01-01.
  };
  for (const auto& c : cases) {
    const ParamHash usage = UsageOf({{"hits", "1"}});
    const LimitHeaders h = ComputeLimitHeaders(
        {Report("hits", c.period, 10, 0)}, &usage, metrics_, now_);
    EXPECT_EQ(c.reset_s, h.reset_s) << ToString(c.period);
  }
}

TEST_F(LimitHeadersTest, Spec3_6_ASetCountsAsItsValue) {
  // golden usage/set_vs_limit_headers: hits/day=100 with 10 stored.
  EXPECT_EQ("4 49170 100", Headers({Report("hits", Period::kDay, 100, 10)},
                                   UsageOf({{"hits", "#20"}})))
      << "authorize: (100-10)/20";
  EXPECT_EQ("4 49170 100", Headers({Report("hits", Period::kDay, 100, 20)},
                                   UsageOf({{"hits", "#20"}})))
      << "authrep: (100-20)/20";
  EXPECT_EQ("-1 -1 -", Headers({Report("hits", Period::kDay, 100, 0)},
                               UsageOf({{"hits", "#0"}})))
      << "#0";
}

TEST_F(LimitHeadersTest, Spec3_6_AnExceededReportLeavesZeroRemaining) {
  EXPECT_EQ("0 49170 10", Headers({Report("hits", Period::kDay, 10, 15)},
                                  UsageOf({{"hits", "1"}})));
  EXPECT_EQ("0 49170 10", Headers({Report("hits", Period::kDay, 10, 10)}))
      << "at the limit without usage";
}

TEST_F(LimitHeadersTest,
       GoldenComparator_AnUnconstrainedReportAfterAConstrainedOneWins) {
  // apisonator's LimitHeaders.compare ranks -1 below any number when it is
  // the newer element of Array#min: golden
  // extensions/limit_headers_denied_and_unconstrained step 8 and
  // random/seq00 step 13 answer -1/-1 though a report is at its limit.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 100, 10),         // -1
      Report("hits", Period::kHour, 10, 10),         // 0
      Report("forever", Period::kEternity, 50, 5)};  // -1, last

  EXPECT_EQ("-1 -1 -", Headers(shown));
}

TEST_F(LimitHeadersTest,
       GoldenComparator_AConstrainedReportAfterAnUnconstrainedOneWins) {
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 100, 10),   // -1
      Report("hits", Period::kHour, 10, 10)};  // 0, last

  EXPECT_EQ("0 2370 10", Headers(shown));
}

TEST_F(LimitHeadersTest,
       GoldenRandomSeq03_AZeroUsageChildResetsTheSearchForTheMinimum) {
  // random/seq03 step 8 (authorize hits=1&search=0&upload=2): hits' minute
  // allows 11, but search's -1 replaces it and upload's hour (25/2 = 12)
  // comes after.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 500, 5),
      Report("hits", Period::kHour, 200, 5),
      Report("hits", Period::kMinute, 40, 5),
      Report("search", Period::kDay, 100, 5),
      Report("search", Period::kMinute, 15, 5),
      Report("deep", Period::kHour, 30, 5),
      Report("deep", Period::kMinute, 6, 5),
      Report("upload", Period::kEternity, 200, 0),
      Report("upload", Period::kHour, 25, 0),
      Report("storage", Period::kDay, 50, 9)};

  EXPECT_EQ(
      "12 2370 25",
      Headers(shown,
              UsageOf({{"hits", "1"}, {"search", "0"}, {"upload", "2"}})));
}

TEST_F(LimitHeadersTest,
       GoldenRandomSeq15_ADescendantSetCanLeaveAnAncestorUnconstrained) {
  // random/seq15 step 2 (authrep hits=#8&storage=#5&search=#0): u(hits) is
  // #8 then #0 = 0, so hits is unconstrained and storage (45/5) decides.
  const std::vector<UsageReport> shown = {
      Report("hits", Period::kDay, 500, 0),
      Report("hits", Period::kHour, 200, 0),
      Report("hits", Period::kMinute, 40, 0),
      Report("search", Period::kDay, 100, 0),
      Report("search", Period::kMinute, 15, 0),
      Report("deep", Period::kHour, 30, 1),
      Report("deep", Period::kMinute, 6, 1),
      Report("upload", Period::kEternity, 200, 20),
      Report("upload", Period::kHour, 25, 20),
      Report("storage", Period::kDay, 50, 5)};

  EXPECT_EQ(
      "9 49170 50",
      Headers(shown,
              UsageOf({{"hits", "#8"}, {"storage", "#5"}, {"search", "#0"}})));
}

}  // namespace
}  // namespace scalecheck::core
