#include "core/usage.h"

#include <algorithm>
#include <limits>
#include <set>

namespace scalecheck::core {
namespace {

bool IsRubySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

// Ruby's String#to_i: leading whitespace, an optional sign, digits and
// underscores between digits; anything else ends the number.
int64_t RubyToI(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsRubySpace(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  int64_t value = 0;
  bool saturated = false;
  bool last_digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      const int d = c - '0';
      if (value > (std::numeric_limits<int64_t>::max() - d) / 10) {
        saturated = true;
      } else if (!saturated) {
        value = value * 10 + d;
      }
      last_digit = true;
    } else if (c == '_' && last_digit && i + 1 < s.size() && s[i + 1] >= '0' &&
               s[i + 1] <= '9') {
      last_digit = false;
    } else {
      break;
    }
  }
  if (saturated) value = std::numeric_limits<int64_t>::max();
  return negative ? -value : value;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsRubySpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsRubySpace(s.back())) s.remove_suffix(1);
  return s;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

}  // namespace

int64_t UsageValue::ApplyTo(int64_t current) const {
  return set ? value : SaturatingAdd(current, value);
}

UsageValue ParseUsageValue(std::string_view text) {
  if (!text.empty() && text[0] == '#') {
    return UsageValue{true, RubyToI(text.substr(1))};
  }
  return UsageValue{false, RubyToI(text)};
}

bool IsSaneUsageValue(std::string_view text) {
  // /\A\s*#?\d+\s*\Z/: \Z also matches before one final "\n".
  size_t i = 0;
  while (i < text.size() && IsRubySpace(text[i])) ++i;
  if (i < text.size() && text[i] == '#') ++i;
  const size_t digits_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == digits_start) return false;
  while (i < text.size() && IsRubySpace(text[i])) ++i;
  return i == text.size();
}

std::variant<Usage, BackendError> ParseUsage(const ParamHash& usage,
                                             const MetricSet& metrics) {
  Usage parsed;
  for (const auto& [raw_name, value] : usage.entries()) {
    // parse_usage strips the name before anything can raise, so the errors
    // name the trimmed metric too.
    const std::string_view name = Trim(raw_name);
    if (!value.is_string() || Trim(value.string()).empty()) {
      return errors::UsageValueEmpty(name);
    }
    if (!IsSaneUsageValue(value.string())) {
      return errors::UsageValueInvalid(name, value.string());
    }
    const Metric* metric = metrics.FindByName(name);
    if (metric == nullptr) return errors::MetricInvalid(name);
    const UsageValue v = ParseUsageValue(value.string());
    auto existing = std::find_if(
        parsed.begin(), parsed.end(),
        [&](const UsageEntry& e) { return e.metric_id == metric->id; });
    if (existing != parsed.end()) {
      existing->value = v;
    } else {
      parsed.push_back(UsageEntry{metric->id, metric->name, v});
    }
  }
  return parsed;
}

Usage PropagateToAncestors(const Usage& usage, const MetricSet& metrics,
                           bool flat) {
  Usage memo = usage;
  if (flat) return memo;
  for (const UsageEntry& entry : usage) {
    for (const std::string& ancestor_id :
         metrics.AncestorIds(entry.metric_id)) {
      auto it = std::find_if(
          memo.begin(), memo.end(),
          [&](const UsageEntry& e) { return e.metric_id == ancestor_id; });
      if (it == memo.end()) {
        const Metric* ancestor = metrics.FindById(ancestor_id);
        memo.push_back(UsageEntry{ancestor_id, ancestor->name, UsageValue{}});
        it = memo.end() - 1;
      }
      if (entry.value.set) {
        it->value = entry.value;
      } else {
        // memo[parent].to_i + value.to_i: a set folded into a sum counts 0.
        it->value = UsageValue{
            false, SaturatingAdd(it->value.as_increment(), entry.value.value)};
      }
    }
  }
  return memo;
}

namespace {

// Metric.descendants: the direct children (in print order), then each
// child's descendants in turn; for hits -> {search -> deep, upload} that is
// search, upload, deep (golden random/seq03). `seen` cuts cycles.
void AppendDescendants(const MetricSet& metrics, std::string_view id,
                       std::set<std::string, std::less<>>& seen,
                       std::vector<const Metric*>& out) {
  std::vector<const Metric*> children;
  for (const Metric* m : metrics.Ordered()) {
    if (m->parent_id == id && seen.insert(m->id).second) children.push_back(m);
  }
  out.insert(out.end(), children.begin(), children.end());
  for (const Metric* child : children) {
    AppendDescendants(metrics, child->id, seen, out);
  }
}

std::vector<const Metric*> Descendants(const MetricSet& metrics,
                                       std::string_view id) {
  std::set<std::string, std::less<>> seen = {std::string(id)};
  std::vector<const Metric*> out;
  AppendDescendants(metrics, id, seen, out);
  return out;
}

}  // namespace

const UsageEntry* FindUsage(const Usage& usage, std::string_view metric_id) {
  for (const UsageEntry& e : usage) {
    if (e.metric_id == metric_id) return &e;
  }
  return nullptr;
}

int64_t ShownValueAfter(const Usage& raw_usage, const MetricSet& metrics,
                        std::string_view metric_id, int64_t stored) {
  int64_t value = stored;
  if (const UsageEntry* own = FindUsage(raw_usage, metric_id)) {
    value = own->value.ApplyTo(value);
  }
  for (const Metric* d : Descendants(metrics, metric_id)) {
    if (const UsageEntry* e = FindUsage(raw_usage, d->id)) {
      value = e->value.ApplyTo(value);
    }
  }
  return value;
}

int64_t UsageWithDescendants(const Usage& raw_usage, const MetricSet& metrics,
                             std::string_view metric_id) {
  // usage_report.rb's compute_usage: Usage.get_from over the own usage, then
  // over each descendant's, from 0. A set replaces the sum so far, so
  // hits=#8&search=#0 gives hits 0 (golden random/seq15).
  int64_t total = 0;
  if (const UsageEntry* own = FindUsage(raw_usage, metric_id)) {
    total = own->value.ApplyTo(total);
  }
  for (const Metric* d : Descendants(metrics, metric_id)) {
    if (const UsageEntry* e = FindUsage(raw_usage, d->id)) {
      total = e->value.ApplyTo(total);
    }
  }
  return total;
}

std::vector<const Metric*> DescendantsOf(const MetricSet& metrics,
                                         std::string_view id) {
  return Descendants(metrics, id);
}

}  // namespace scalecheck::core
