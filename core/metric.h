// core/metric.h
//
// The metrics of one service and their hierarchy (spec 5.1): a method is a
// Metric with a parent, and a hierarchy may be any depth. Answers the
// questions the authorization and reporting paths ask: by name, ancestors,
// direct children, and apisonator's print order. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scalecheck::core {

struct Metric {
  std::string id;    // "1", or any string.
  std::string name;  // System name, unique in the service: "hits".
  std::string parent_id;  // Empty: a top-level metric.
};

class MetricSet {
 public:
  // Adds or replaces the metric with `metric.id`.
  void Put(Metric metric);
  // Whether a metric was removed. Its usage limits stay and are ignored.
  bool Erase(std::string_view id);

  const Metric* FindById(std::string_view id) const;
  const Metric* FindByName(std::string_view name) const;

  // Ids of the ancestors of `id`, parent first. A parent_id naming no metric
  // ends the chain; a cycle is cut at the first repeat.
  std::vector<std::string> AncestorIds(std::string_view id) const;
  // Names of the direct children of `id`, in print order.
  std::vector<std::string> ChildNames(std::string_view id) const;

  // Every metric in apisonator's print order: integer ids ascending (Redis
  // keeps an intset), then other ids in byte order (Redis' hash order is not
  // reproducible; golden marks such cases unordered).
  const std::vector<const Metric*>& Ordered() const { return ordered_; }
  bool empty() const { return by_id_.empty(); }

 private:
  void Reorder();

  std::map<std::string, Metric, std::less<>> by_id_;
  std::map<std::string, std::string, std::less<>> id_by_name_;
  std::vector<const Metric*> ordered_;
};

}  // namespace scalecheck::core
