// core/clock.h
//
// Time behind an interface, so that the mock backend can be driven through
// calendar periods in milliseconds and tests never sleep. Only clock.cc reads
// the real clocks. UtcTime is for calendars (period boundaries, report
// timestamps); MonoTime is for durations (latency, pacing, timeouts).
#pragma once

#include <chrono>
#include <mutex>

namespace scalecheck::core {

// Calendar time in UTC, millisecond precision: 3scale-limit-reset depends on
// the milliseconds of "now".
using UtcTime = std::chrono::sys_time<std::chrono::milliseconds>;
// Monotonic time: for latency, pacing and timeouts. Never for calendars.
using MonoTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UtcTime NowUtc() const = 0;
  virtual MonoTime NowMono() const = 0;
  // Returns once NowMono() >= deadline.
  virtual void SleepUntil(MonoTime deadline) = 0;
};

// The machine's clocks. Thread-safe.
class SystemClock final : public Clock {
 public:
  UtcTime NowUtc() const override;
  MonoTime NowMono() const override;
  void SleepUntil(MonoTime deadline) override;
};

// Stands still until Advance(), Set() or SleepUntil() moves it; its UTC and
// monotonic times always move together (Set() moves UTC only). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UtcTime start) : utc_(start) {}
  UtcTime NowUtc() const override;
  MonoTime NowMono() const override;
  // Jumps straight to `deadline`: a paced 60 s run finishes at once in a test.
  void SleepUntil(MonoTime deadline) override;
  void Advance(std::chrono::milliseconds delta);
  void Set(UtcTime now);

 private:
  mutable std::mutex mutex_;
  UtcTime utc_;                // Guarded by mutex_.
  MonoTime mono_ = MonoTime{};  // Guarded by mutex_.
};

// The mock backend's clock: calendar time that a control API can set, freeze,
// advance or let follow a base clock with an offset. Monotonic time and
// sleeping always come from the base clock. Thread-safe.
class VirtualClock final : public Clock {
 public:
  // `base` must outlive this clock. Starts following `base` with no offset.
  explicit VirtualClock(Clock& base) : base_(base) {}

  UtcTime NowUtc() const override;
  MonoTime NowMono() const override { return base_.NowMono(); }
  void SleepUntil(MonoTime deadline) override { base_.SleepUntil(deadline); }

  // Stops the calendar at `now` until Follow() or another Set().
  void Set(UtcTime now);
  // Moves the calendar by `delta`, frozen or not.
  void Advance(std::chrono::milliseconds delta);
  // Stops the calendar where it is now.
  void Freeze();
  // Lets the calendar run with the base clock again, from where it is now.
  void Follow();
  bool frozen() const;

 private:
  Clock& base_;
  mutable std::mutex mutex_;
  bool frozen_ = false;                        // Guarded by mutex_.
  UtcTime frozen_at_{};                        // Guarded by mutex_.
  std::chrono::milliseconds offset_{0};        // Guarded by mutex_.
};

}  // namespace scalecheck::core
