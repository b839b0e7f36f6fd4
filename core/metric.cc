#include "core/metric.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <set>

namespace scalecheck::core {
namespace {

// Redis stores a set as an intset while every member is an integer in the
// int64 range (written without leading zeros or '+'): its value then, else
// nullopt.
std::optional<int64_t> RedisInteger(std::string_view s) {
  const size_t first_digit = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == first_digit) return std::nullopt;
  if (s[first_digit] == '0' && s.size() > first_digit + 1) return std::nullopt;
  if (s == "-0") return std::nullopt;
  int64_t value = 0;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

bool PrintsBefore(const Metric* a, const Metric* b) {
  const std::optional<int64_t> ai = RedisInteger(a->id);
  const std::optional<int64_t> bi = RedisInteger(b->id);
  if (ai.has_value() != bi.has_value()) return ai.has_value();
  if (ai) return *ai < *bi;
  return a->id < b->id;
}

}  // namespace

void MetricSet::Put(Metric metric) {
  auto it = by_id_.find(metric.id);
  if (it != by_id_.end()) {
    auto name_it = id_by_name_.find(it->second.name);
    if (name_it != id_by_name_.end() && name_it->second == metric.id) {
      id_by_name_.erase(name_it);
    }
  }
  id_by_name_[metric.name] = metric.id;
  by_id_[metric.id] = std::move(metric);
  Reorder();
}

bool MetricSet::Erase(std::string_view id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  auto name_it = id_by_name_.find(it->second.name);
  if (name_it != id_by_name_.end() && name_it->second == it->second.id) {
    id_by_name_.erase(name_it);
  }
  by_id_.erase(it);
  Reorder();
  return true;
}

const Metric* MetricSet::FindById(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const Metric* MetricSet::FindByName(std::string_view name) const {
  auto it = id_by_name_.find(name);
  return it == id_by_name_.end() ? nullptr : FindById(it->second);
}

std::vector<std::string> MetricSet::AncestorIds(std::string_view id) const {
  std::vector<std::string> ancestors;
  std::set<std::string, std::less<>> seen = {std::string(id)};
  const Metric* metric = FindById(id);
  while (metric != nullptr && !metric->parent_id.empty()) {
    if (!seen.insert(metric->parent_id).second) break;
    const Metric* parent = FindById(metric->parent_id);
    if (parent == nullptr) break;
    ancestors.push_back(parent->id);
    metric = parent;
  }
  return ancestors;
}

std::vector<std::string> MetricSet::ChildNames(std::string_view id) const {
  std::vector<std::string> names;
  for (const Metric* m : ordered_) {
    if (m->parent_id == id) names.push_back(m->name);
  }
  return names;
}

void MetricSet::Reorder() {
  ordered_.clear();
  for (const auto& [id, metric] : by_id_) ordered_.push_back(&metric);
  std::sort(ordered_.begin(), ordered_.end(), PrintsBefore);
}

}  // namespace scalecheck::core
