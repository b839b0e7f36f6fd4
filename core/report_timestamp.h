// core/report_timestamp.h
//
// The `timestamp` of a reported transaction, read as apisonator 3.4.3 reads
// it (Time.parse_to_utc, spec 5.8, golden report/timestamp_*): Unix seconds
// when Ruby's Integer() accepts the text, else whatever Ruby's Date._parse
// can take a calendar date (and perhaps a time and a zone) from, else
// nothing. And the window a report must fall in. Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"

namespace scalecheck::core {

// The instant `text` names, in UTC, at second precision or finer; nullopt
// when it names none (missing, empty, garbage): the report then counts at
// processing time. Examples: "1271980765", " 123 ", "1_000", "010" (octal 8),
// "0x1f", "-5"; "2010-04-22 23:59:30" (UTC), "... UTC", "... +0200",
// "... -02:00", "2010-04-22T23:59:30Z", RFC 2822 dates, "PST" and other zone
// abbreviations, "2012/10/01" (midnight), fractional seconds.
std::optional<UtcTime> ParseReportTimestamp(std::string_view text);

enum class TimestampWindow { kInside, kTooOld, kTooNew };

// Whether `ts` is within [now - 86400 s, now + 3600 s], compared in whole
// seconds (both truncated to the second) as apisonator does.
TimestampWindow CheckTimestampWindow(UtcTime ts, UtcTime now);

}  // namespace scalecheck::core
