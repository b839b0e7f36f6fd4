#include "mock_backend/faults.h"

#include <algorithm>

namespace scalecheck::mock_backend {

std::string FaultSet::Add(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (rule.id.empty()) rule.id = "f" + std::to_string(next_id_++);
  rules_.push_back(rule);
  return rule.id;
}

bool FaultSet::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto before = rules_.size();
  std::erase_if(rules_, [&id](const FaultRule& r) { return r.id == id; });
  return rules_.size() != before;
}

void FaultSet::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_.clear();
}

std::vector<FaultRule> FaultSet::Rules() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rules_;
}

void FaultSet::Reseed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(mutex_);
  rng_.seed(seed);
}

std::optional<FaultRule> FaultSet::Match(const RequestFacts& facts,
                                         core::UtcTime now) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (FaultRule& rule : rules_) {
    if (!rule.endpoint.empty() && rule.endpoint != facts.endpoint) continue;
    if (!rule.service_id.empty() && rule.service_id != facts.service_id) continue;
    if (!rule.app_id.empty() && rule.app_id != facts.app_id) continue;
    if (!rule.metric.empty() &&
        std::find(facts.metrics.begin(), facts.metrics.end(), rule.metric) ==
            facts.metrics.end()) {
      continue;
    }
    if (rule.from && now < *rule.from) continue;
    if (rule.until && now >= *rule.until) continue;
    if (rule.max_hits && rule.hits >= *rule.max_hits) continue;
    if (rule.probability < 1.0) {
      std::uniform_real_distribution<double> draw(0.0, 1.0);
      if (draw(rng_) >= rule.probability) continue;
    }
    ++rule.hits;
    return rule;
  }
  return std::nullopt;
}

std::optional<FaultAction> ParseFaultAction(const std::string& name) {
  if (name == "delay") return FaultAction::kDelay;
  if (name == "respond") return FaultAction::kRespond;
  if (name == "hang") return FaultAction::kHang;
  if (name == "truncate") return FaultAction::kTruncate;
  if (name == "close") return FaultAction::kClose;
  if (name == "drop_report") return FaultAction::kDropReport;
  return std::nullopt;
}

std::string ToString(FaultAction action) {
  switch (action) {
    case FaultAction::kDelay: return "delay";
    case FaultAction::kRespond: return "respond";
    case FaultAction::kHang: return "hang";
    case FaultAction::kTruncate: return "truncate";
    case FaultAction::kClose: return "close";
    case FaultAction::kDropReport: return "drop_report";
  }
  return "respond";
}

}  // namespace scalecheck::mock_backend
