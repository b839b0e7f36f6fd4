// mock_backend/journal.h
//
// The request journal: every request the mock answered and its response,
// stamped with the mock's clock, in a bounded ring (the oldest entries go
// first). Tests and the harness read it to check what a gateway or client
// actually sent. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/http_message.h"

namespace scalecheck::mock_backend {

struct JournalEntry {
  uint64_t seq = 0;  // 1, 2, ... in arrival order; never reused until reset.
  core::UtcTime at{};
  // "authorize", "authrep", "oauth_authorize", "oauth_authrep", "report",
  // "internal", "control", "other".
  std::string endpoint;
  std::string service_id;  // As the request named it, if it did.
  std::string app_id;      // Likewise (app_id, or user_key's app).
  core::HttpRequest request;
  core::HttpResponse response;
};

struct JournalFilter {
  std::string endpoint;  // Empty: any.
  std::string service_id;
  std::string app_id;
  std::optional<int> status;
  uint64_t since_seq = 0;  // Only entries with seq > since_seq.
  size_t limit = 0;        // 0: no limit; else the newest `limit` entries.
};

class Journal {
 public:
  // capacity 0 disables the journal.
  explicit Journal(size_t capacity) : capacity_(capacity) {}

  void Record(JournalEntry entry);
  // Matching entries, oldest first.
  std::vector<JournalEntry> Query(const JournalFilter& filter) const;
  void Clear();
  size_t size() const;
  size_t capacity() const { return capacity_; }
  // Entries dropped from the ring since the last Clear().
  uint64_t dropped() const;

  // The endpoint family of a request path.
  static std::string EndpointOf(const core::HttpRequest& request);

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<JournalEntry> entries_;  // Guarded by mutex_.
  uint64_t next_seq_ = 1;             // Guarded by mutex_.
  uint64_t dropped_ = 0;              // Guarded by mutex_.
};

}  // namespace scalecheck::mock_backend
