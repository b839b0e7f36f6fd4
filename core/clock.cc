// core/clock.cc: the only file allowed to read the real clocks or sleep.
#include "core/clock.h"

#include <thread>

namespace scalecheck::core {

UtcTime SystemClock::NowUtc() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
}

MonoTime SystemClock::NowMono() const {
  return std::chrono::steady_clock::now();
}

void SystemClock::SleepUntil(MonoTime deadline) {
  std::this_thread::sleep_until(deadline);
}

UtcTime ManualClock::NowUtc() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return utc_;
}

MonoTime ManualClock::NowMono() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return mono_;
}

void ManualClock::SleepUntil(MonoTime deadline) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (deadline > mono_) {
    utc_ += std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                  mono_);
    mono_ = deadline;
  }
}

void ManualClock::Advance(std::chrono::milliseconds delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  utc_ += delta;
  mono_ += delta;
}

void ManualClock::Set(UtcTime now) {
  std::lock_guard<std::mutex> lock(mutex_);
  utc_ = now;
}

UtcTime VirtualClock::NowUtc() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (frozen_) return frozen_at_;
  return base_.NowUtc() + offset_;
}

void VirtualClock::Set(UtcTime now) {
  std::lock_guard<std::mutex> lock(mutex_);
  frozen_ = true;
  frozen_at_ = now;
}

void VirtualClock::Advance(std::chrono::milliseconds delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (frozen_) {
    frozen_at_ += delta;
  } else {
    offset_ += delta;
  }
}

void VirtualClock::Freeze() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (frozen_) return;
  frozen_at_ = base_.NowUtc() + offset_;
  frozen_ = true;
}

void VirtualClock::Follow() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!frozen_) return;
  offset_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      frozen_at_ - base_.NowUtc());
  frozen_ = false;
}

bool VirtualClock::frozen() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return frozen_;
}

}  // namespace scalecheck::core
