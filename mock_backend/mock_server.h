// mock_backend/mock_server.h
//
// The mock 3scale backend as one object: state, clock, journal, faults and
// the HTTP listener serving the public Service Management API, the internal
// API under /internal and the control API under /__scalecheck. This is what
// `scalecheck mock` runs and what the harness embeds. Thread-safe.
//
// Control API (JSON in and out), documented in README.md:
//   GET    /__scalecheck/clock            {"now":"<ISO 8601>","frozen":true}
//   PUT    /__scalecheck/clock            {"now":"2024-05-31T23:59:59.300Z"} sets and freezes;
//                                         {"advance":"59s"}; {"mode":"freeze"|"follow"}
//   POST   /__scalecheck/reset            forgets every service, counter, error and journal entry
//   POST   /__scalecheck/flush            applies every pending (delayed) report now
//   GET    /__scalecheck/state            the whole state as a scenario fixture (JSON)
//   GET    /__scalecheck/journal?endpoint=&service_id=&app_id=&status=&limit=
//   DELETE /__scalecheck/journal
//   GET/POST/DELETE /__scalecheck/faults  fault rules
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace scalecheck::mock_backend {

inline constexpr const char* kControlPrefix = "/__scalecheck";

struct MockOptions {
  std::string host = "127.0.0.1";
  int port = 3001;  // 0: any free port.
  // "user:pass" for HTTP basic auth on /internal; empty: open.
  std::string internal_auth;
  // Zero: reports are applied before the answer (deterministic). Otherwise
  // they wait this long on the mock's clock, as apisonator's worker does.
  std::chrono::milliseconds report_delay{0};
  // Entries kept in the request journal (a ring).
  size_t journal_capacity = 100000;
  // Worker threads of the listener; at least the expected connection count.
  int threads = 64;
  // Seconds a connection may sit idle or stall mid-request.
  int read_timeout_s = 5;
  // The calendar starts here; nullopt: at the base clock's time.
  std::optional<core::UtcTime> start_time;
  // Whether the calendar stands still (moved only by the control API) or
  // runs with the base clock from its start.
  bool frozen = false;
};

class MockServer {
 public:
  // Binds and starts serving. `clock` (the base clock; the mock keeps its own
  // virtual clock on top) must outlive the server. Fails with kUnavailable
  // when the address cannot be bound.
  static core::Result<std::unique_ptr<MockServer>> Start(
      const MockOptions& options, core::Clock& clock);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  int port() const;
  // "http://127.0.0.1:PORT".
  std::string base_url() const;
  // Stops listening and joins the workers. Idempotent.
  void Stop();
  // Blocks until Stop() is called from another thread.
  void Wait();

  struct Impl;

 private:
  explicit MockServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace scalecheck::mock_backend
