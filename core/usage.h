// core/usage.h
//
// The `usage` of a request (spec 5.1, 5.6, 5.7): metric name -> value, where
// a value is an increment ("5") or a set ("#5"). Validation with
// apisonator's exact errors, and the two ways apisonator propagates usage to
// ancestor metrics: the worker's (what gets counted and checked) and the
// status document's (what an authrep shows), which differ in their quirks
// (golden "Surprises" 14, 15). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/errors.h"
#include "core/metric.h"
#include "core/params.h"

namespace scalecheck::core {

// One metric's usage. Ruby semantics: a set when the text starts with '#'
// (N = the rest's to_i), else an increment of the text's to_i (" #5" is an
// increment of 0).
struct UsageValue {
  bool set = false;
  int64_t value = 0;  // Saturated at INT64_MAX.

  // Usage.get_from: the value after applying this usage to `current`.
  int64_t ApplyTo(int64_t current) const;
  // Ruby's to_i of the text: what an increment of the same text adds when a
  // set is folded into a sum ("#3".to_i == 0).
  int64_t as_increment() const { return set ? 0 : value; }
};

// Parses `text` as Ruby would (no validation).
UsageValue ParseUsageValue(std::string_view text);

// Whether `text` passes apisonator's sane_value? check, /\A\s*#?\d+\s*\Z/.
bool IsSaneUsageValue(std::string_view text);

struct UsageEntry {
  std::string metric_id;
  std::string metric_name;  // As found in the service.
  UsageValue value;
};

// Usage by metric, in request order, each metric once.
using Usage = std::vector<UsageEntry>;

// Validates `usage` (a hash) against `metrics` in request order: for each
// entry the value first (usage_value_invalid, 403), then the metric name
// (metric_invalid, 404). Names are trimmed first, for the lookup and the
// error messages. Returns the first error, or the usage.
std::variant<Usage, BackendError> ParseUsage(const ParamHash& usage,
                                             const MetricSet& metrics);

// The worker's propagation (Metric::Collection#process_parents): each
// entry, in request order, updates every ancestor: a set is copied up, an
// increment adds to the ancestor's to_i. `flat`: no propagation.
Usage PropagateToAncestors(const Usage& usage, const MetricSet& metrics,
                           bool flat);

// The value an authorized authrep shows for `metric_id` (usage_report.rb's
// compute_current_value): `stored`, then this request's own usage of the
// metric applied, then each descendant's in Metric.descendants order (the
// direct children in print order, then each child's descendants in turn).
int64_t ShownValueAfter(const Usage& raw_usage, const MetricSet& metrics,
                        std::string_view metric_id, int64_t stored);

// The "u" of the limit headers (spec 3.6; usage_report.rb's compute_usage):
// the usage of `metric_id`, then of its descendants in ShownValueAfter's
// order, applied in turn to 0. An increment adds and a set replaces the sum
// so far, so hits=#8&search=#0 gives hits 0 (golden random/seq15).
int64_t UsageWithDescendants(const Usage& raw_usage, const MetricSet& metrics,
                             std::string_view metric_id);

const UsageEntry* FindUsage(const Usage& usage, std::string_view metric_id);

// Every descendant of metric `id` in Metric.descendants order: the direct
// children in print order, then each child's descendants in turn (for
// hits -> {search -> deep, upload}: search, upload, deep).
std::vector<const Metric*> DescendantsOf(const MetricSet& metrics,
                                         std::string_view id);

}  // namespace scalecheck::core
