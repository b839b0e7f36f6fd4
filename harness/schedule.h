// harness/schedule.h
//
// The open-model schedule of a load run: the intended send time of every
// request, from the arrival-rate stages of a [load] section (constant, or a
// linear ramp). Send i leaves when the integral of the rate reaches i, so
// a 20,000/s stage of 10 s has exactly 200,000 sends, at 0, 50 µs, ...
// Pure and deterministic: no clock, no randomness; times are offsets from
// the run's start. Immutable after Create(), so threads may share one.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "harness/load_spec.h"

namespace scalecheck::harness {

class Schedule {
 public:
  // kInvalidArgument for no stage, a stage that is not positive in
  // duration, a negative or non-finite rate, or more than 2^40 sends.
  static core::Result<Schedule> Create(const std::vector<LoadStage>& stages);

  // The number of sends: the integral of the rate over the whole duration,
  // rounded up (a send at every whole value the integral reaches before
  // the end, starting with 0 at the start).
  int64_t size() const { return size_; }
  std::chrono::nanoseconds duration() const { return duration_; }

  // Intended time of send `i` after the start. REQUIRES: 0 <= i < size().
  std::chrono::nanoseconds SendTime(int64_t i) const;
  // The integral of the rate from the start to `t` (clamped to the run):
  // how many sends were due by then, as a real number.
  double ExpectedBy(std::chrono::nanoseconds t) const;
  // The average intended rate over the whole run, per second.
  double mean_rate_per_s() const;

 private:
  struct Stage {
    double start_s = 0;  // Offset of the stage's start.
    double duration_s = 0;
    double count_before = 0;  // The integral up to the stage's start.
    double count = 0;         // The integral over the stage.
    double from_rate = 0;     // Per second, at the stage's start.
    double to_rate = 0;       // At its end; equal for a constant stage.
  };
  Schedule() = default;

  std::vector<Stage> stages_;
  int64_t size_ = 0;
  std::chrono::nanoseconds duration_{0};
};

}  // namespace scalecheck::harness
