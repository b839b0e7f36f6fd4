// reports/text_format.h
//
// Text helpers the report writers share: UTF-8 checking, escaping for a
// terminal, XML and HTML, truncation and durations. Pure functions; no
// locale is consulted.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace scalecheck::reports {

bool IsValidUtf8(std::string_view text);

// `text` with every byte that is not part of a valid UTF-8 sequence replaced
// by U+FFFD.
std::string SanitizeUtf8(std::string_view text);

// `text` made safe to show in a terminal or a <pre>: control bytes become
// \n \r \t \xNN, DEL and bytes of invalid UTF-8 become \xNN. The result is
// valid UTF-8 without control characters. With `keep_line_breaks`, '\n' and
// '\t' are kept as they are (the result then spans lines).
std::string Printable(std::string_view text, bool keep_line_breaks = false);

// `text` if it has at most `max_bytes` bytes; otherwise its first bytes, cut
// at a UTF-8 sequence boundary, then "... (N bytes)" with N = text.size().
std::string Truncate(std::string_view text, size_t max_bytes);

// Escapes for XML 1.0 character data (`attribute` false) or a double-quoted
// attribute value (`attribute` true): & < > become references, and in an
// attribute also " \t \n \r, so they survive attribute normalization.
// Characters XML 1.0 forbids (\x00-\x08, \x0B, \x0C, \x0E-\x1F, U+FFFE,
// U+FFFF) are dropped; invalid UTF-8 becomes U+FFFD.
std::string EscapeXml(std::string_view text, bool attribute);

// Escapes & < > " ' for HTML text and quoted attribute values; invalid UTF-8
// becomes U+FFFD.
std::string EscapeHtml(std::string_view text);

// "1.2 ms": milliseconds with one decimal.
std::string FormatMillis(std::chrono::microseconds duration);

// "0.001200": seconds with six decimals, as JUnit's time attributes.
std::string FormatSeconds(std::chrono::microseconds duration);

}  // namespace scalecheck::reports
