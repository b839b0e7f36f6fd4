// harness/load_workload.h
//
// The requests a load run can send, compiled once from a scenario and its
// [load] section: the applications of the populations (generated ids and
// keys, or the fixture's), the metrics of their services with the hierarchy
// resolved, the usage limits of their plans, and a request template per
// call of the mix and population, made by request_builder so that a load
// request is exactly what a scenario step would send. Request number i of
// a run is drawn from (seed, i) alone. No I/O. Immutable after Create(), so
// the engine's threads share one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/period.h"
#include "core/status.h"
#include "harness/load_spec.h"
#include "harness/scenario.h"

namespace scalecheck::harness {

// Every request a run can send, compiled once from the scenario: the
// applications of the populations, the metrics of their services (with the
// hierarchy resolved), the usage limits of their plans, and a request
// template per call of the mix and population. Immutable.
class Workload {
 public:
  // kInvalidArgument "file:line:col: ..." for a population on a service or
  // plan the fixture lacks, a usage value that is not "N", "#N" or "A..B",
  // a usage metric the service lacks, an empty mix or weights that add up
  // to 0. Without populations the default service's fixture applications
  // are the population.
  static core::Result<Workload> Create(const Scenario& scenario,
                                       const LoadSpec& load);

  struct Limit {
    size_t metric = 0;  // Index in Service::metrics.
    core::Period period = core::Period::kEternity;
    int64_t max_value = 0;
  };
  struct Service {
    std::string id;
    std::vector<std::string> metrics;  // Names, in fixture order.
    // Some call sets the metric ("#N", directly or through a child): its
    // counters cannot be predicted from sums, so they are not checked.
    std::vector<bool> set_by_usage;
  };
  struct Population {
    size_t service = 0;  // Index in services().
    std::string plan_id;
    std::string plan_name;
    std::string id_prefix;
    bool with_keys = false;
    size_t first_app = 0;  // Index of its first application.
    size_t count = 0;
    // The cumulative distribution of a zipf choice; empty for uniform.
    std::vector<double> zipf_cdf;
    // When the population is the fixture's applications: their ids and
    // first keys ("" for none). Empty for a generated population.
    std::vector<std::string> fixed_ids;
    std::vector<std::string> fixed_keys;
    std::vector<Limit> limits;  // Of the plan.
    // Request text of the ids: the encoded prefix, or the encoded fixed ids
    // and keys.
    std::string encoded_prefix;
    std::vector<std::string> encoded_ids;
    std::vector<std::string> encoded_keys;
    size_t first_slot = 0;
  };

  const std::vector<Service>& services() const { return services_; }
  const std::vector<Population>& populations() const { return populations_; }
  size_t app_count() const { return app_count_; }
  size_t PopulationOf(size_t app) const;
  // "<prefix><n>" for a generated population.
  std::string AppId(size_t app) const;
  // "<id>-key" when the population has keys; the fixture's first key; or "".
  std::string AppKey(size_t app) const;
  // Whether the population was generated (seeded by the load command)
  // rather than taken from the fixture (seeded with it).
  bool generated(size_t population) const {
    return populations_[population].fixed_ids.empty();
  }

  // One counter per application and metric of its service.
  size_t slot_count() const { return slot_count_; }
  size_t Slot(size_t app, size_t metric) const;
  // The most usage of `metric` one request can carry for one application
  // (for the lenient limit check).
  int64_t MaxUsagePerRequest(size_t service, size_t metric) const;
  size_t call_count() const { return calls_.size(); }
  // "authrep usage[hits]=1..3", for reports.
  const std::string& CallDescription(size_t call) const;

  // How request number `index` of a run seeded with `key` is made: the
  // call of the mix, and per transaction the application and usage values.
  struct Draw {
    uint32_t call = 0;
    uint32_t population = 0;
    std::vector<uint32_t> apps;   // Per transaction.
    std::vector<int64_t> values;  // Per transaction and usage entry.
  };
  // Deterministic in (key, index) alone, so that a run sends the same
  // requests whatever its thread count.
  void DrawRequest(uint64_t key, int64_t index, Draw& draw) const;
  // Appends the request's bytes to `out`; `scratch` is working memory.
  void Render(const Draw& draw, std::string& out, std::string& scratch) const;

  // What a request counted when it was answered as authorized (or, for a
  // report, accepted): calls `fn(app, metric, amount)` for every metric it
  // increments, ancestors included. Authorize calls count nothing.
  template <typename F>
  void ForEachIncrement(const Draw& draw, F&& fn) const;
  // Calls `fn(app, limit index, amount)` for each limit of the
  // population whose metric an authrep increments.
  template <typename F>
  void ForEachLimitedIncrement(const Draw& draw, F&& fn) const;
  // Whether an authorized answer to the call counts usage (authrep,
  // oauth_authrep, report), and whether a limit admitted it (not report).
  bool counts(const Draw& draw) const { return calls_[draw.call].counts; }
  bool limited(const Draw& draw) const { return calls_[draw.call].limited; }
  bool is_report(const Draw& draw) const { return calls_[draw.call].report; }

  // Internal; public so that the compiler's helpers in the .cc reach it.
  struct Segment {
    enum class Kind { kLiteral, kAppId, kAppKey, kUsage, kContentLength };
    Kind kind = Kind::kLiteral;
    std::string text;
    int transaction = 0;
    int entry = 0;
  };
  struct UsageEntry {
    std::string metric;  // Name.
    bool set = false;
    int64_t low = 0;  // Inclusive range; equal for a fixed value.
    int64_t high = 0;
  };
  struct Call {
    CallKind kind = CallKind::kAuthrep;
    double weight = 1;
    int transactions = 1;
    bool counts = false;
    bool limited = false;
    bool report = false;
    std::vector<UsageEntry> usage;
    // Per population and usage entry: the metric and its ancestors.
    std::vector<std::vector<std::vector<size_t>>> metrics;
    // Per population: the request template, head and body.
    std::vector<std::vector<Segment>> head;
    std::vector<std::vector<Segment>> body;
    // Per population and limit: the usage entries that increment its metric.
    std::vector<std::vector<std::vector<int>>> limit_entries;
    std::string description;
  };

 private:
  Workload() = default;

  std::vector<Service> services_;
  std::vector<Population> populations_;
  std::vector<double> population_cdf_;  // By count.
  std::vector<Call> calls_;
  std::vector<double> call_cdf_;                 // By weight.
  std::vector<std::vector<int64_t>> max_usage_;  // [service][metric].
  size_t app_count_ = 0;
  size_t slot_count_ = 0;
};

template <typename F>
void Workload::ForEachIncrement(const Draw& draw, F&& fn) const {
  const Call& call = calls_[draw.call];
  if (!call.counts) return;
  const size_t entries = call.usage.size();
  for (size_t t = 0; t < draw.apps.size(); ++t) {
    for (size_t k = 0; k < entries; ++k) {
      if (call.usage[k].set) continue;
      for (const size_t metric : call.metrics[draw.population][k]) {
        fn(draw.apps[t], metric, draw.values[t * entries + k]);
      }
    }
  }
}

template <typename F>
void Workload::ForEachLimitedIncrement(const Draw& draw, F&& fn) const {
  const Call& call = calls_[draw.call];
  if (!call.limited) return;
  const size_t entries = call.usage.size();
  const auto& per_limit = call.limit_entries[draw.population];
  for (size_t t = 0; t < draw.apps.size(); ++t) {
    for (size_t l = 0; l < per_limit.size(); ++l) {
      int64_t amount = 0;
      for (const int k : per_limit[l]) {
        amount += draw.values[t * entries + static_cast<size_t>(k)];
      }
      if (amount > 0) fn(draw.apps[t], l, amount);
    }
  }
}

}  // namespace scalecheck::harness
