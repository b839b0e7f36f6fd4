// tests/harness/schedule_test.cc: harness/schedule.h
#include "harness/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

namespace scalecheck::harness {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using testing::HasSubstr;

LoadStage Constant(milliseconds duration, double rate) {
  return {duration, rate, std::nullopt};
}
LoadStage Ramp(milliseconds duration, double from, double to) {
  return {duration, from, to};
}

Schedule Make(const std::vector<LoadStage>& stages) {
  core::Result<Schedule> s = Schedule::Create(stages);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(s).value();
}

TEST(ScheduleTest, AConstantStageHasExactlyRateTimesDurationSends) {
  const Schedule s = Make({Constant(seconds(10), 20000)});
  EXPECT_EQ(200000, s.size());
  EXPECT_EQ(nanoseconds(0), s.SendTime(0));
  EXPECT_EQ(nanoseconds(50000), s.SendTime(1));
  EXPECT_EQ(nanoseconds(9999950000), s.SendTime(199999));
  EXPECT_EQ(seconds(10), s.duration());
  EXPECT_DOUBLE_EQ(20000, s.mean_rate_per_s());
}

TEST(ScheduleTest, ARateThatDoesNotDivideEvenlyRoundsTheCountUp) {
  EXPECT_EQ(4, Make({Constant(milliseconds(1000), 3.5)})
                   .size());  // 0, 286, 571, 857 ms.
  EXPECT_EQ(3, Make({Constant(milliseconds(1000), 3)}).size());
}

TEST(ScheduleTest, ALinearRampIntegratesTheRate) {
  // 0 -> 100/s over 10 s: 500 sends, send i at sqrt(i / 5) s.
  const Schedule s = Make({Ramp(seconds(10), 0, 100)});
  ASSERT_EQ(500, s.size());
  for (const int64_t i : {0, 1, 5, 125, 499}) {
    const double want = std::sqrt(static_cast<double>(i) / 5.0);
    EXPECT_NEAR(want, std::chrono::duration<double>(s.SendTime(i)).count(),
                1e-9)
        << i;
  }
}

TEST(ScheduleTest, ARampDownIsTheMirrorOfARampUp) {
  const Schedule down = Make({Ramp(seconds(2), 30, 10)});
  ASSERT_EQ(40, down.size());
  // Faster at the start: the first half of the sends take less than half
  // the time.
  EXPECT_LT(down.SendTime(20), seconds(1));
  EXPECT_LT(down.SendTime(39), seconds(2));
}

TEST(ScheduleTest, StagesFollowOneAnotherAndAPauseSendsNothing) {
  const Schedule s = Make({Constant(seconds(1), 10), Ramp(seconds(2), 10, 30),
                           Constant(seconds(1), 0), Constant(seconds(2), 5)});
  ASSERT_EQ(60, s.size());  // 10 + 40 + 0 + 10.
  EXPECT_EQ(nanoseconds(900000000), s.SendTime(9));
  EXPECT_EQ(seconds(1), s.SendTime(10));
  EXPECT_EQ(seconds(4), s.SendTime(50));  // After the pause.
  EXPECT_EQ(seconds(6), s.duration());
  for (int64_t i = 1; i < s.size(); ++i) {
    EXPECT_LE(s.SendTime(i - 1), s.SendTime(i)) << i;
  }
}

TEST(ScheduleTest, SendsBeforeATimeMatchTheIntegral) {
  const Schedule s =
      Make({Ramp(seconds(4), 100, 300), Constant(seconds(1), 50)});
  for (const auto t :
       {milliseconds(0), milliseconds(500), milliseconds(2500),
        milliseconds(4000), milliseconds(4700), milliseconds(5000)}) {
    int64_t before = 0;
    while (before < s.size() && s.SendTime(before) < t) ++before;
    EXPECT_NEAR(s.ExpectedBy(t), static_cast<double>(before), 1.0) << t.count();
  }
  EXPECT_DOUBLE_EQ(850, s.ExpectedBy(seconds(5)));
}

TEST(ScheduleTest, IsDeterministic) {
  const std::vector<LoadStage> stages = {Ramp(milliseconds(1500), 7, 1234)};
  const Schedule a = Make(stages);
  const Schedule b = Make(stages);
  ASSERT_EQ(a.size(), b.size());
  for (int64_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.SendTime(i), b.SendTime(i));
  }
}

TEST(ScheduleTest, RejectsImpossibleStages) {
  const struct {
    std::vector<LoadStage> stages;
    const char* error;
  } cases[] = {
      {{}, "at least one stage"},
      {{Constant(milliseconds(0), 10)},
       "load stage 1: duration must be positive"},
      {{Constant(seconds(1), 10), Constant(seconds(1), -1)},
       "load stage 2: rate must be"},
      {{Ramp(seconds(1), 1, NAN)}, "rate must be a finite number"},
      {{Constant(seconds(100000000), 1e9)}, "more than 2^40"},
  };
  for (const auto& c : cases) {
    const core::Result<Schedule> s = Schedule::Create(c.stages);
    ASSERT_FALSE(s.ok()) << c.error;
    EXPECT_EQ(core::StatusCode::kInvalidArgument, s.status().code());
    EXPECT_THAT(s.status().message(), HasSubstr(c.error));
  }
}

}  // namespace
}  // namespace scalecheck::harness
