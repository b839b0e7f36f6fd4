// harness/load_spec.h
//
// A scenario's [load] section as plain values: how long, at what open-model
// arrival rate (stages), over how many connections, which weighted mix of
// calls, against which generated population of applications, and the
// thresholds that fail the run. scenario_loader builds it; load_engine runs
// it. Plain values; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario_basics.h"


namespace scalecheck::harness {

// One stage of the arrival rate: constant, or a linear ramp from
// `rate_per_s` to `to_rate_per_s`.
struct LoadStage {
  std::chrono::milliseconds duration{0};
  double rate_per_s = 0;
  std::optional<double> to_rate_per_s;  // Set: a linear ramp.
};

// One kind of call in the mix. Usage values are templates: "1", "#5", or
// "1..5" (uniform in the range).
struct LoadCall {
  CallKind kind = CallKind::kAuthrep;
  double weight = 1;
  ParamList usage;
  ParamList extensions;
  int transactions = 1;  // kReport: transactions per batch.
};

// A generated population: `count` applications on `plan` of `service`,
// ids "<prefix>0".."<prefix>N-1", each with one key when `with_keys`.
struct LoadPopulation {
  std::string service;
  std::string plan;
  int64_t count = 100;
  std::string id_prefix = "load-app-";
  bool with_keys = false;
  enum class Choice { kUniform, kZipf } choice = Choice::kUniform;
  double zipf_exponent = 1.0;
};

// After the run: every counter equals the authorized usage (nothing lost,
// nothing counted twice), and per period the authorized usage never exceeds
// a limit (`strict`) or exceeds it by at most the requests in flight when
// the limit was reached (`lenient`, for asynchronous backends).
enum class LimitCheck { kStrict, kLenient, kOff };

struct LoadThresholds {
  std::optional<double> p99_ms;
  std::optional<double> error_rate;  // Fraction of requests in [0, 1].
  std::optional<double> min_rate;    // Achieved requests per second.
};

struct LoadSpec {
  std::vector<LoadStage> stages;  // Total duration = their sum.
  int connections = 50;
  std::vector<LoadCall> mix;
  std::vector<LoadPopulation> populations;
  LimitCheck limit_check = LimitCheck::kStrict;
  LoadThresholds thresholds;
  std::chrono::milliseconds timeout{5000};  // Per request.
  SourceLocation where;
};

}  // namespace scalecheck::harness
