// tests/core/usage_counters_test.cc: the usage counted for one application
// (spec 5.3, 5.8): seven granularities, increments and `#N` sets, minute
// expiry and period instances of past timestamps.
#include "core/usage_counters.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "tests/testing/utc_time.h"

namespace scalecheck::core {
namespace {

using namespace std::chrono_literals;
using test::Utc;

class UsageCountersTest : public testing::Test {
 protected:
  // "eternity=N year=N ... minute=N" for `metric` in the instances holding t.
  std::string AllPeriods(const std::string& metric, UtcTime t) const {
    std::string out;
    for (Period p : kAllPeriods) {
      if (!out.empty()) out += ' ';
      out += std::string(ToString(p)) + "=" +
             std::to_string(counters_.Get(metric, p, t));
    }
    return out;
  }

  // Whether the minute instance starting at `minute_start` is still held.
  bool HoldsMinute(const std::string& metric, UtcTime minute_start) const {
    const int64_t start_s = std::chrono::duration_cast<std::chrono::seconds>(
                                minute_start.time_since_epoch())
                                .count();
    for (const UsageCounters::Entry& e : counters_.entries()) {
      if (e.metric_id == metric && e.period == Period::kMinute &&
          e.start_s == start_s) {
        return true;
      }
    }
    return false;
  }

  const UtcTime now_ = Utc(2024, 5, 15, 10, 20, 30, 250);  // A Wednesday.
  UsageCounters counters_;
};

TEST_F(UsageCountersTest, StartsEmpty) {
  EXPECT_TRUE(counters_.empty());
  EXPECT_EQ(0u, counters_.size());
  EXPECT_EQ("eternity=0 year=0 month=0 week=0 day=0 hour=0 minute=0",
            AllPeriods("1", now_));
}

TEST_F(UsageCountersTest, Spec5_3_AnIncrementHitsAllSevenGranularities) {
  counters_.Increment("1", 3, now_);

  EXPECT_EQ("eternity=3 year=3 month=3 week=3 day=3 hour=3 minute=3",
            AllPeriods("1", now_));
  EXPECT_EQ(7u, counters_.size());
  EXPECT_FALSE(counters_.empty());
}

TEST_F(UsageCountersTest, Spec5_3_IncrementsAddUp) {
  counters_.Increment("1", 3, now_);
  counters_.Increment("1", 4, now_ + 10s);

  EXPECT_EQ("eternity=7 year=7 month=7 week=7 day=7 hour=7 minute=7",
            AllPeriods("1", now_));
  EXPECT_EQ(7u, counters_.size());
}

TEST_F(UsageCountersTest,
       Spec5_2_ANewMinuteStartsAtZeroWhileLongerPeriodsGoOn) {
  counters_.Increment("1", 3, now_);  // 10:20:30
  counters_.Increment("1", 2, Utc(2024, 5, 15, 10, 21));

  EXPECT_EQ(3, counters_.Get("1", Period::kMinute, now_));
  EXPECT_EQ("eternity=5 year=5 month=5 week=5 day=5 hour=5 minute=2",
            AllPeriods("1", Utc(2024, 5, 15, 10, 21, 59)));
  EXPECT_EQ("eternity=5 year=5 month=5 week=5 day=0 hour=0 minute=0",
            AllPeriods("1", Utc(2024, 5, 16)))
      << "the next day";
  EXPECT_EQ("eternity=5 year=5 month=5 week=0 day=0 hour=0 minute=0",
            AllPeriods("1", Utc(2024, 5, 20)))
      << "the next Monday";
}

TEST_F(UsageCountersTest, Spec5_3_ASetReplacesEveryGranularity) {
  counters_.Increment("1", 99, now_);

  counters_.Set("1", 2, now_);

  EXPECT_EQ("eternity=2 year=2 month=2 week=2 day=2 hour=2 minute=2",
            AllPeriods("1", now_));
}

TEST_F(UsageCountersTest, Spec5_3_ASetInANewMinuteLeavesTheOldMinuteAlone) {
  counters_.Increment("1", 5, now_);

  counters_.Set("1", 2, Utc(2024, 5, 15, 10, 21, 5));

  EXPECT_EQ(5, counters_.Get("1", Period::kMinute, now_));
  EXPECT_EQ("eternity=2 year=2 month=2 week=2 day=2 hour=2 minute=2",
            AllPeriods("1", Utc(2024, 5, 15, 10, 21, 5)));
}

TEST_F(UsageCountersTest, Spec5_3_HashZeroResetsEveryGranularity) {
  counters_.Increment("1", 5, now_);

  counters_.Set("1", 0, now_);

  EXPECT_EQ("eternity=0 year=0 month=0 week=0 day=0 hour=0 minute=0",
            AllPeriods("1", now_));
}

TEST_F(UsageCountersTest, Spec5_3_ASetCreatesCountersThatDidNotExist) {
  counters_.Set("1", 7, now_);

  EXPECT_EQ("eternity=7 year=7 month=7 week=7 day=7 hour=7 minute=7",
            AllPeriods("1", now_));
}

TEST_F(UsageCountersTest, MetricsAreCountedApart) {
  counters_.Increment("1", 3, now_);
  counters_.Increment("2", 1, now_);
  counters_.Set("2", 9, now_);

  EXPECT_EQ(3, counters_.Get("1", Period::kDay, now_));
  EXPECT_EQ(9, counters_.Get("2", Period::kDay, now_));
  EXPECT_EQ(0, counters_.Get("3", Period::kDay, now_));
  EXPECT_EQ(14u, counters_.size());
}

TEST_F(UsageCountersTest,
       Spec5_3_MinuteInstancesAreForgotten180sAfterTheirEnd) {
  const UtcTime minute = Utc(2024, 5, 15, 10, 20);
  counters_.Increment("1", 3, now_);  // The minute ends at 10:21:00.

  counters_.Increment("1", 1, Utc(2024, 5, 15, 10, 23, 59));
  EXPECT_TRUE(HoldsMinute("1", minute)) << "179 s after its end";

  counters_.Increment("1", 1, Utc(2024, 5, 15, 10, 24, 1));
  EXPECT_FALSE(HoldsMinute("1", minute)) << "181 s after its end";
  EXPECT_EQ(0, counters_.Get("1", Period::kMinute, now_));
  EXPECT_EQ(5, counters_.Get("1", Period::kHour, now_)) << "hours are kept";
}

TEST_F(UsageCountersTest, Spec5_3_ASetAlsoForgetsExpiredMinutes) {
  counters_.Increment("1", 3, now_);

  counters_.Set("2", 1, Utc(2024, 5, 15, 11));

  EXPECT_FALSE(HoldsMinute("1", Utc(2024, 5, 15, 10, 20)));
  EXPECT_EQ(3, counters_.Get("1", Period::kHour, now_));
}

TEST_F(UsageCountersTest, Spec5_3_LongerInstancesAreKeptForever) {
  counters_.Increment("1", 3, now_);

  counters_.Increment("1", 1, Utc(2025, 3, 1));

  EXPECT_EQ(3, counters_.Get("1", Period::kHour, now_));
  EXPECT_EQ(3, counters_.Get("1", Period::kDay, now_));
  EXPECT_EQ(3, counters_.Get("1", Period::kWeek, now_));
  EXPECT_EQ(3, counters_.Get("1", Period::kMonth, now_));
  EXPECT_EQ(3, counters_.Get("1", Period::kYear, now_));
  EXPECT_EQ(4, counters_.Get("1", Period::kEternity, now_));
}

TEST_F(UsageCountersTest, Spec5_8_PastTimestampsCountInTheirOwnInstances) {
  // A report stamped 2 h ago, just after midnight: yesterday's day counter,
  // the same week, month, year and eternity.
  const UtcTime now = Utc(2024, 5, 15, 0, 30);
  const UtcTime two_hours_ago = now - 2h;  // 2024-05-14 22:30.
  counters_.Increment("1", 5, now);

  counters_.Increment("1", 2, two_hours_ago);

  EXPECT_EQ("eternity=7 year=7 month=7 week=7 day=5 hour=5 minute=5",
            AllPeriods("1", now));
  EXPECT_EQ("eternity=7 year=7 month=7 week=7 day=2 hour=2 minute=2",
            AllPeriods("1", two_hours_ago));
}

TEST_F(UsageCountersTest, Spec5_8_APastSetDoesNotTouchTheCurrentInstances) {
  const UtcTime now = Utc(2024, 5, 15, 0, 30);
  counters_.Increment("1", 5, now);

  counters_.Set("1", 1, now - 2h);

  EXPECT_EQ("eternity=1 year=1 month=1 week=1 day=5 hour=5 minute=5",
            AllPeriods("1", now));
}

TEST_F(UsageCountersTest, Spec5_8_AReportFromLastMonthDoesNotCountThisMonth) {
  const UtcTime now = Utc(2024, 3, 1, 0, 10);
  counters_.Increment("1", 1, now - 1h);  // 2024-02-29 23:10, the leap day.

  EXPECT_EQ(0, counters_.Get("1", Period::kMonth, now));
  EXPECT_EQ(1, counters_.Get("1", Period::kMonth, now - 1h));
  EXPECT_EQ(1, counters_.Get("1", Period::kWeek, now)) << "same week";
  EXPECT_EQ(1, counters_.Get("1", Period::kYear, now));
}

TEST_F(UsageCountersTest, IncrementsSaturateAtInt64Max) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  counters_.Increment("1", kMax - 1, now_);

  counters_.Increment("1", 5, now_);

  for (Period p : kAllPeriods) {
    EXPECT_EQ(kMax, counters_.Get("1", p, now_)) << ToString(p);
  }
  counters_.Increment("1", kMax, now_);
  EXPECT_EQ(kMax, counters_.Get("1", Period::kDay, now_));
}

TEST_F(UsageCountersTest, AZeroIncrementCreatesZeroCounters) {
  // Golden "Surprises" 15: "00" counts as +0.
  counters_.Increment("1", 0, now_);

  EXPECT_EQ(7u, counters_.size());
  EXPECT_EQ(0, counters_.Get("1", Period::kEternity, now_));
}

}  // namespace
}  // namespace scalecheck::core
