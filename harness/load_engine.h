// harness/load_engine.h
//
// The load engine: sends a [load] section's requests on an open-model
// schedule over keep-alive HTTP/1.1 connections (non-blocking sockets and
// epoll, T = min(cores, connections) threads, each owning its connections
// and every T-th send of the schedule) and aggregates what came back as it
// goes, so that memory stays flat for any run length: latency histograms
// (from the intended send time, and apart from the actual send), outcomes
// by category, a per-second series, and the authorized usage per
// application and metric (and per period instance of each usage limit)
// that load_checks compares with the backend. It keeps no per-request
// history. The Workload and Schedule are immutable and shared by the
// threads; a LoadEngine runs once, from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/period.h"
#include "core/status.h"
#include "harness/histogram.h"
#include "harness/load_spec.h"
#include "harness/load_workload.h"
#include "harness/raw_http_client.h"
#include "harness/scenario.h"
#include "harness/schedule.h"

namespace scalecheck::harness {

// ---- Results ------------------------------------------------------------

enum class Outcome {
  kAuthorized,   // 2xx: authorized, or a report accepted.
  kDenied,       // 409, by 3scale-rejection-reason: expected, not a failure.
  kError,        // Another 4xx, by <error code="...">.
  kServerError,  // 5xx, by status.
  kTimeout,      // No complete answer within the timeout.
  kConnectionError,  // The connection failed or closed before the answer.
  kOther,            // 1xx/3xx, or a response that could not be parsed.
};
// "authorized", "denied", "error", "5xx", "timeout", "connection_error",
// "other".
const char* ToString(Outcome outcome);
// Whether the outcome counts against error_rate.
bool IsFailure(Outcome outcome);

struct OutcomeCount {
  Outcome outcome = Outcome::kAuthorized;
  // The rejection reason, error code, status or errno text; may be empty.
  std::string detail;
  int64_t count = 0;
};

// One second of the run, counted by when things happened: sends by their
// actual time, answers and latency by the answer's.
struct SecondRow {
  int64_t second = 0;  // From the start of the schedule.
  int64_t sent = 0;
  int64_t answered = 0;
  int64_t authorized = 0;
  int64_t denied = 0;
  int64_t failed = 0;  // Outcomes for which IsFailure().
  int64_t late = 0;
  int64_t p50_us = 0;  // Corrected latency, 2 significant digits.
  int64_t p99_us = 0;
  int64_t max_us = 0;
};

// Authorized usage of one limit's metric in one period instance, from the
// authreps whose whole [send, answer] interval fell inside it.
struct PeriodUsage {
  uint32_t app = 0;
  uint32_t limit = 0;   // Index in the population's limits.
  int64_t start_s = 0;  // Unix seconds of the instance's start.
  int64_t usage = 0;
};

struct LoadResult {
  int threads = 0;
  int connections = 0;
  int64_t scheduled = 0;  // Sends in the schedule.
  int64_t sent = 0;
  int64_t sent_in_window = 0;  // Sent before the schedule's end.
  int64_t answered = 0;        // Complete responses, whatever the status.
  int64_t late = 0;            // Sent more than 1 ms after the intended time.
  int64_t dropped = 0;         // Never sent: not before end + timeout.
  std::chrono::nanoseconds duration{0};  // Of the schedule.
  std::chrono::nanoseconds elapsed{0};   // Start to the last answer.
  double intended_rate_per_s = 0;
  // An upper bound: the sum of each thread's most requests in flight.
  int max_in_flight = 0;
  Histogram corrected{3};    // µs from the intended send to the answer.
  Histogram uncorrected{3};  // µs from the actual send to the answer.
  std::vector<OutcomeCount> outcomes;  // Sorted by outcome, then detail.
  std::vector<SecondRow> seconds;
  // By Workload::Slot(): usage authorized (or accepted) by the answers, and
  // usage whose fate is unknown (timeouts, connection errors after the
  // request was written, 5xx): the backend may or may not have counted it.
  std::vector<int64_t> authorized_usage;
  std::vector<int64_t> uncertain_usage;
  // Sorted by app, limit, start. Authreps answered across a period
  // boundary are left out (their instance is unknown) and counted here.
  std::vector<PeriodUsage> period_usage;
  int64_t ambiguous_period_requests = 0;

  int64_t Count(Outcome outcome) const;
  // Requests that count against error_rate, dropped sends included.
  int64_t failures() const;
  // Sends within the schedule per second of the schedule.
  double achieved_rate_per_s() const;
  // Answers per second from the start to the last answer.
  double answered_rate_per_s() const;
  // failures() / scheduled.
  double error_rate() const;
};

// What the progress line shows, each time a second of the run is complete
// (every thread has moved past it): the figures up to that second.
struct LoadProgress {
  std::chrono::nanoseconds elapsed{0};   // Complete seconds.
  std::chrono::nanoseconds duration{0};  // Of the schedule.
  int64_t sent = 0;
  int64_t answered = 0;
  int64_t failed = 0;
  double rate_per_s = 0;  // Sends in the last complete second.
  int64_t p50_us = 0;     // Corrected, so far (2 significant digits).
  int64_t p99_us = 0;
};

// ---- Engine --------------------------------------------------------------

struct LoadEngineOptions {
  Endpoint endpoint;
  int connections = 50;
  int threads = 0;  // 0: min(hardware threads, connections).
  std::chrono::milliseconds timeout{5000};  // Per request, from its send.
  std::chrono::milliseconds connect_timeout{2000};
  // The longest an engine thread waits on its sockets before it consults the
  // clock again. With a real clock any value works; with a ManualClock, time
  // moves only through SleepUntil(), so a small value (1 ms) lets a test's
  // stalled server stall in fake time too.
  std::chrono::microseconds max_io_wait{100000};
  // The target's calendar: at `anchor_mono` on the engine's clock it was
  // `anchor_utc`, and it moves with the clock. Authreps are placed in period
  // instances by it, each side of the interval widened by `period_margin`
  // (the skew allowed between the target's calendar and ours).
  core::MonoTime anchor_mono{};
  core::UtcTime anchor_utc{};
  std::chrono::milliseconds period_margin{0};
  // Called from an engine thread (one at a time) about once a second; must
  // be quick: the engine's threads wait for it.
  std::function<void(const LoadProgress&)> progress;
};

class LoadEngine {
 public:
  // `workload`, `schedule` and `clock` must outlive the engine.
  LoadEngine(const Workload& workload, const Schedule& schedule,
             LoadEngineOptions options, core::Clock& clock);
  LoadEngine(const LoadEngine&) = delete;
  LoadEngine& operator=(const LoadEngine&) = delete;

  // Opens the connections, runs the schedule from now, waits for the last
  // answers (at most the timeout after the schedule's end plus the
  // timeout) and returns what was aggregated. The requests are drawn from
  // one 64-bit key taken from `rng`. kUnavailable "cannot connect to
  // 127.0.0.1:3001: connection refused" when not one connection opens at
  // the start.
  core::Result<LoadResult> Run(std::mt19937_64& rng);

 private:
  const Workload& workload_;
  const Schedule& schedule_;
  LoadEngineOptions options_;
  core::Clock& clock_;
};

}  // namespace scalecheck::harness
