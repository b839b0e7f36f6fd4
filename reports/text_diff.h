// reports/text_diff.h
//
// A small diff of an expected and an actual body, for people to read: the
// console and HTML reports show it under a failed step. Bodies are compared
// in units (lines; for XML one element per unit, so two <status> documents
// differ by the elements that differ), equal runs far from a change are
// elided, and long changed lines are cut around their first differing byte.
// Not a patch format, and not always minimal. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scalecheck::reports {

enum class DiffOp {
  kEqual,     // In both bodies.
  kExpected,  // Only in the expected body ("- ").
  kActual,    // Only in the actual body ("+ ").
  kElided,    // A run of equal units not shown; see DiffLine::elided.
};

struct DiffLine {
  DiffOp op = DiffOp::kEqual;
  // The unit's raw bytes (not escaped: writers escape for their format);
  // empty for kElided.
  std::string text;
  size_t elided = 0;  // kElided: how many equal units are not shown.
};

struct DiffOptions {
  size_t context = 2;  // Equal units kept on each side of a change.
  // Changed units longer than this are cut to about this many bytes around
  // their first difference (paired lines) or at the end, marked with "...".
  size_t max_line_bytes = 160;
  // Above this many expected x actual units (after the common prefix and
  // suffix are removed) the LCS is not computed: the middle is shown as
  // removed, then added.
  size_t max_cells = 1'000'000;
};

// The units a body is diffed in. XML (the first non-blank byte is '<'): one
// unit per tag, where a start tag keeps its text and end tag on one line
// ("<max_value>5</max_value>"), indented by two spaces per depth, blank text
// between tags dropped. Otherwise: one unit per line, without the '\n'.
std::vector<std::string> SplitForDiff(std::string_view body);

// The diff of `expected` against `actual`; empty if and only if they are
// equal. Both are split as XML when either looks like XML. Bodies whose units
// are equal while their bytes are not (whitespace between XML tags, a
// trailing newline) give one kExpected and one kActual line showing the bytes
// around the first difference.
std::vector<DiffLine> DiffBodies(std::string_view expected,
                                 std::string_view actual,
                                 const DiffOptions& options = {});

// Offset of the first byte where `a` and `b` differ, the shorter size if one
// is a prefix of the other, or std::string_view::npos when they are equal.
size_t FirstDifference(std::string_view a, std::string_view b);

}  // namespace scalecheck::reports
