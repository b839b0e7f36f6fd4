// tests/core/clock_test.cc: ManualClock, and VirtualClock driven by a
// ManualClock base, so that no test reads the machine's clocks or sleeps.
#include "core/clock.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/testing/utc_time.h"

namespace scalecheck::core {
namespace {

using namespace std::chrono_literals;
using test::Utc;

// One fixture for the module: `manual_` is a ManualClock on its own, and
// `virtual_` a VirtualClock over `base_` (moving base_ stands for real time
// passing).
class ClockTest : public testing::Test {
 protected:
  ManualClock manual_{Utc(2024, 5, 15, 10, 20, 30)};
  ManualClock base_{Utc(2024, 5, 15, 10, 20, 30)};
  VirtualClock virtual_{base_};
};

// --- ManualClock -------------------------------------------------------------

TEST_F(ClockTest, ManualClockStandsStillAtItsStartTime) {
  const MonoTime mono = manual_.NowMono();

  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 30), manual_.NowUtc());
  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 30), manual_.NowUtc());
  EXPECT_EQ(mono, manual_.NowMono());
}

TEST_F(ClockTest, ManualClockAdvanceMovesCalendarAndMonotonicTimeTogether) {
  const MonoTime mono = manual_.NowMono();

  manual_.Advance(1500ms);

  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 31, 500), manual_.NowUtc());
  EXPECT_EQ(mono + 1500ms, manual_.NowMono());
}

TEST_F(ClockTest, ManualClockAdvanceCrossesDayAndYearBoundaries) {
  manual_.Set(Utc(2024, 12, 31, 23, 59, 59, 900));

  manual_.Advance(100ms);

  EXPECT_EQ(Utc(2025, 1, 1), manual_.NowUtc());
}

TEST_F(ClockTest, ManualClockSetMovesTheCalendarOnly) {
  const MonoTime mono = manual_.NowMono();

  manual_.Set(Utc(2010, 4, 23));

  EXPECT_EQ(Utc(2010, 4, 23), manual_.NowUtc());
  EXPECT_EQ(mono, manual_.NowMono()) << "monotonic time never goes back";
}

TEST_F(ClockTest, ManualClockSleepUntilJumpsStraightToTheDeadline) {
  const MonoTime deadline = manual_.NowMono() + 60s;

  manual_.SleepUntil(deadline);

  EXPECT_EQ(deadline, manual_.NowMono());
  EXPECT_EQ(Utc(2024, 5, 15, 10, 21, 30), manual_.NowUtc());
}

TEST_F(ClockTest, ManualClockSleepUntilAPassedDeadlineReturnsWithoutMoving) {
  const MonoTime past = manual_.NowMono();
  manual_.Advance(5s);

  manual_.SleepUntil(past);

  EXPECT_EQ(past + 5s, manual_.NowMono());
  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 35), manual_.NowUtc());
}

// --- VirtualClock ------------------------------------------------------------

TEST_F(ClockTest, VirtualClockStartsFollowingItsBaseWithNoOffset) {
  EXPECT_FALSE(virtual_.frozen());
  EXPECT_EQ(base_.NowUtc(), virtual_.NowUtc());

  base_.Advance(2500ms);

  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 32, 500), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockSetFreezesTheCalendarAtTheGivenTime) {
  virtual_.Set(Utc(2024, 5, 19, 23, 59, 59));

  base_.Advance(10s);

  EXPECT_TRUE(virtual_.frozen());
  EXPECT_EQ(Utc(2024, 5, 19, 23, 59, 59), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockAdvanceMovesAFrozenCalendarWhichStaysFrozen) {
  virtual_.Set(Utc(2024, 5, 19, 23, 59, 59));

  virtual_.Advance(1s);
  base_.Advance(1h);

  EXPECT_TRUE(virtual_.frozen());
  EXPECT_EQ(Utc(2024, 5, 20), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockAdvanceWhileFollowingAddsAnOffsetToTheBase) {
  virtual_.Advance(1h);
  EXPECT_EQ(Utc(2024, 5, 15, 11, 20, 30), virtual_.NowUtc());

  base_.Advance(30s);

  EXPECT_FALSE(virtual_.frozen());
  EXPECT_EQ(Utc(2024, 5, 15, 11, 21, 0), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockFreezeStopsTheCalendarWhereItIs) {
  virtual_.Advance(1h);

  virtual_.Freeze();
  base_.Advance(5min);

  EXPECT_TRUE(virtual_.frozen());
  EXPECT_EQ(Utc(2024, 5, 15, 11, 20, 30), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockFreezeTwiceKeepsTheFirstFrozenTime) {
  virtual_.Freeze();
  base_.Advance(5s);

  virtual_.Freeze();

  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 30), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockFollowResumesFromTheFrozenTime) {
  virtual_.Set(Utc(2010, 4, 23));
  base_.Advance(1min);  // Lost while frozen.

  virtual_.Follow();
  EXPECT_FALSE(virtual_.frozen());
  EXPECT_EQ(Utc(2010, 4, 23), virtual_.NowUtc());

  base_.Advance(1500ms);

  EXPECT_EQ(Utc(2010, 4, 23, 0, 0, 1, 500), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockFollowWhenAlreadyFollowingKeepsTheOffset) {
  virtual_.Advance(-1h);

  virtual_.Follow();

  EXPECT_EQ(Utc(2024, 5, 15, 9, 20, 30), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockFreezeThenFollowLosesNoTime) {
  virtual_.Advance(250ms);
  virtual_.Freeze();
  virtual_.Follow();

  base_.Advance(1s);

  EXPECT_EQ(Utc(2024, 5, 15, 10, 20, 31, 250), virtual_.NowUtc());
}

TEST_F(ClockTest, VirtualClockMonotonicTimeAndSleepingComeFromTheBase) {
  virtual_.Set(Utc(2010, 4, 23));
  const MonoTime start = virtual_.NowMono();
  EXPECT_EQ(base_.NowMono(), start);

  virtual_.SleepUntil(start + 2s);

  EXPECT_EQ(start + 2s, base_.NowMono());
  EXPECT_EQ(start + 2s, virtual_.NowMono());
  EXPECT_EQ(Utc(2010, 4, 23), virtual_.NowUtc()) << "still frozen";
}

}  // namespace
}  // namespace scalecheck::core
