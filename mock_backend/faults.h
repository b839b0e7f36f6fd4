// mock_backend/faults.h
//
// Fault injection: rules matched against each public request (endpoint,
// service, application, metric in the usage, a probability drawn from a
// seeded generator, a window on the mock's clock) and what to do instead of,
// or before, answering: delay, answer with a fixed status and body (a 500, a
// 503, garbage XML), hang, close the connection mid-body, or drop the report
// (answer as usual but count nothing). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/http_message.h"

namespace scalecheck::mock_backend {

enum class FaultAction {
  kDelay,     // Answer normally after `delay`.
  kRespond,   // Answer `status` with `body` (content type `content_type`).
  kHang,      // Answer nothing for `delay`, then close.
  kTruncate,  // Send the headers and half the body, then close.
  kClose,     // Send the headers, then close without a body.
  kDropReport,  // Answer normally but do not count the report.
};

struct FaultRule {
  std::string id;        // Given by the caller or generated ("f1", ...).
  std::string endpoint;  // "authrep", "report", ...; empty: any public.
  std::string service_id;
  std::string app_id;
  std::string metric;    // Matches when usage[metric] is in the request.
  double probability = 1.0;  // In [0, 1].
  std::optional<core::UtcTime> from;   // Window on the mock's clock.
  std::optional<core::UtcTime> until;  // Exclusive.
  std::optional<uint64_t> max_hits;    // Stop after this many.
  FaultAction action = FaultAction::kRespond;
  std::chrono::milliseconds delay{0};
  int status = 500;
  std::string body;
  std::string content_type = "text/plain";
  uint64_t hits = 0;  // How often it fired.
};

struct RequestFacts {
  std::string endpoint;
  std::string service_id;
  std::string app_id;
  std::vector<std::string> metrics;  // Names in usage[...].
};

class FaultSet {
 public:
  explicit FaultSet(uint64_t seed) : rng_(seed) {}

  std::string Add(FaultRule rule);
  bool Remove(const std::string& id);
  void Clear();
  std::vector<FaultRule> Rules() const;
  void Reseed(uint64_t seed);

  // The first rule that matches and fires (counting the hit), if any.
  std::optional<FaultRule> Match(const RequestFacts& facts, core::UtcTime now);

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;  // Guarded by mutex_.
  std::mt19937_64 rng_;           // Guarded by mutex_.
  uint64_t next_id_ = 1;          // Guarded by mutex_.
};

std::optional<FaultAction> ParseFaultAction(const std::string& name);
std::string ToString(FaultAction action);

}  // namespace scalecheck::mock_backend
