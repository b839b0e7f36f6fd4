// core/units.h
//
// Durations and counts with unit suffixes, for flags and scenario files:
// "59s", "1500ms", "2m", "1h", "1d", "250us"; "20k", "1M", "1000". Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace scalecheck::core {

// "59s" -> 59 s in microseconds. Units: us, ms,
// s, m, h, d; a fraction is rounded to the microsecond ("1.5s"). A bare
// number is seconds. kInvalidArgument otherwise, e.g.
// "unknown duration unit 'x' in '5x' (use us, ms, s, m, h or d)".
Result<std::chrono::microseconds> ParseDuration(std::string_view text);

// "20k" -> 20000, "1M" -> 1000000, "1.5k" -> 1500, "3" -> 3. kInvalidArgument
// for anything else, a fraction of one ("1.5") or more than INT64_MAX.
Result<int64_t> ParseCount(std::string_view text);

// In a form ParseDuration() reads back: whole minutes under an hour in m,
// else the largest of s, ms and us that is exact. 59000 ms -> "59s",
// 1500 ms -> "1500ms", 90 s -> "90s", 120 s -> "2m", 1 h -> "3600s".
std::string FormatDuration(std::chrono::microseconds d);

}  // namespace scalecheck::core
