// core/period.h
//
// 3scale's calendar periods (spec 5.2): minute, hour, day, week (from Monday),
// month, year and eternity, all in UTC, and the "YYYY-MM-DD HH:MM:SS +0000"
// text apisonator prints. Pure functions; no time zones other than UTC.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace scalecheck::core {

// Declared from the longest to the shortest: the order apisonator prints the
// usage reports of one metric in (spec 5.12).
enum class Period { kEternity, kYear, kMonth, kWeek, kDay, kHour, kMinute };

inline constexpr std::array<Period, 7> kAllPeriods = {
    Period::kEternity, Period::kYear, Period::kMonth, Period::kWeek,
    Period::kDay,      Period::kHour, Period::kMinute};

// "eternity", "year", ... "minute".
std::string_view ToString(Period period);
// The inverse of ToString(); nullopt for anything else (case-sensitive).
std::optional<Period> ParsePeriod(std::string_view name);

// Start of the period instance containing `t`, second precision. Eternity
// starts at the epoch.
UtcTime PeriodStart(Period period, UtcTime t);
// Exclusive end: the start of the next instance. Eternity ends at
// 9999-12-31 23:59:59 (it never resets).
UtcTime PeriodEnd(Period period, UtcTime t);

// "2024-02-29 13:45:00 +0000" (strftime "%Y-%m-%d %H:%M:%S %z" in UTC).
std::string FormatTimestamp(UtcTime t);
// "2024-02-29 13:45:00 UTC": the error log's timestamps (golden internal/*).
std::string FormatUtcTimestamp(UtcTime t);
// "2024-02-29T13:45:00.123Z": the journal's and the recordings' time.
std::string FormatIso8601(UtcTime t);
// Parses "2024-02-29T13:45:00Z", "2024-02-29T13:45:00.123Z" and
// "2024-02-29 13:45:00" (taken as UTC); nullopt if malformed.
std::optional<UtcTime> ParseIso8601(std::string_view text);

}  // namespace scalecheck::core
