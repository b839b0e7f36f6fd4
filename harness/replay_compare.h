// harness/replay_compare.h
//
// Compares a response a target gave with the one apisonator recorded, as the
// golden README's "What must match" says: status, the contract headers,
// framing and body bytes, with the recording's unordered collections
// compared as multisets. Pure functions: no I/O, no state.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/raw_http_client.h"
#include "harness/recording.h"

namespace scalecheck::harness {

// Headers compared for presence and exact value (absence is significant).
inline constexpr std::array<std::string_view, 15> kComparedHeaders = {
    "content-type",
    "3scale-rejection-reason",
    "3scale-limit-remaining",
    "3scale-limit-reset",
    "3scale-limit-max-value",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "x-content-type-options",
    "x-cascade",
    "x-frame-options",
    "x-xss-protection",
    "www-authenticate",
};

struct CompareOptions {
  // Only the status: the step's "compare": "status".
  bool status_only = false;
  bool compare_headers = true;  // The kComparedHeaders.
  bool compare_framing = true;  // content-length vs chunked vs none.
  // Also the reason phrase and the interim 1xx responses.
  bool strict_transport = false;
};

// How a case's "unordered" list loosens the body comparison.
struct UnorderedRules {
  // When set: in XML bodies the <usage_report>s of each <usage_reports> and
  // the <key>s of each <app_keys> compare as multisets and
  // <application><key> may be any of `app_keys`; in JSON bodies every array
  // compares as a multiset (insignificant whitespace is then ignored too).
  bool enabled = false;
  // Values <application><key> may take; empty: any value.
  std::vector<std::string> app_keys;
};

// Rules for `recording`: enabled when its `unordered` list is not empty.
UnorderedRules UnorderedRulesFor(const Case& recording);

enum class DifferenceKind {
  kStatus,
  kReason,
  kInterim,
  kHeader,
  kFraming,
  kBody
};

struct Difference {
  DifferenceKind kind = DifferenceKind::kStatus;
  std::string name;  // kHeader: the lower-case header name.
  // The values; nullopt for an absent header. kBody: ~60 bytes of each body
  // around `offset`, escaped for printing.
  std::optional<std::string> expected;
  std::optional<std::string> actual;
  size_t offset = 0;         // kBody: first differing byte.
  size_t expected_size = 0;  // kBody: body sizes in bytes.
  size_t actual_size = 0;
  bool normalized = false;  // kBody: compared after sorting unordered parts.

  // One line for the FAIL summary: "status 200, expected 409",
  // "header 3scale-limit-reset \"59\", expected \"60\"",
  // "body differs at byte 57".
  std::string Summary() const;
};

// Every way `actual` departs from `expected` under `options`, in the order
// status, reason, interim, headers (kComparedHeaders order), framing, body.
// Empty when they match.
std::vector<Difference> CompareResponse(const HttpResponse& expected,
                                        const HttpResponse& actual,
                                        const UnorderedRules& unordered,
                                        const CompareOptions& options);

// True when every difference is a framing difference (and there is one).
bool OnlyFramingDiffers(const std::vector<Difference>& differences);

// The diff lines for a failure, each indented by two spaces and ending in
// '\n': always the status line ("status: expected 409 Conflict, got 200
// OK"), then each difference other than the status.
std::string FormatDifferences(const HttpResponse& expected,
                              const HttpResponse& actual,
                              const std::vector<Difference>& differences);

// `body` with the unordered parts that `rules` names put in a canonical
// order. Returns `body` unchanged when rules are off or it cannot be parsed.
std::string NormalizeUnordered(std::string_view body,
                               const UnorderedRules& rules);

// Offset of the first byte where `a` and `b` differ (the shorter length if
// one is a prefix of the other); npos when equal.
size_t FirstDifference(std::string_view a, std::string_view b);

// About `width` bytes of `text` around `offset`, printable: "\r", "\n",
// "\t", "\\" and "\xHH" escapes; "..." marks a cut.
std::string Excerpt(std::string_view text, size_t offset, size_t width = 60);

// `text` with the same escapes as Excerpt(), cut to `max_bytes`.
std::string Printable(std::string_view text, size_t max_bytes = 200);

}  // namespace scalecheck::harness
