// tests/testing/utc_time.h
//
// Fixed calendar times for tests, so that no test depends on the wall clock:
// Utc(2024, 2, 29, 13, 45, 12, 500) is 2024-02-29T13:45:12.500Z. Header-only.
#pragma once

#include <chrono>

#include "core/clock.h"

namespace scalecheck::test {

// REQUIRES: a valid calendar date.
inline core::UtcTime Utc(int year, unsigned month, unsigned day, int hour = 0,
                         int minute = 0, int second = 0, int millis = 0) {
  const std::chrono::sys_days date = std::chrono::year(year) /
                                     std::chrono::month(month) /
                                     std::chrono::day(day);
  return core::UtcTime(date.time_since_epoch()) + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + std::chrono::seconds(second) +
         std::chrono::milliseconds(millis);
}

}  // namespace scalecheck::test
