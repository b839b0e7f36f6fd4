// core/error_log.h
//
// A service's log of backend errors (spec 2.3, 2.5; internal API
// GET /services/:id/errors/): what the listener raised after resolving the
// service, and every report batch the worker rejected. Newest first, at most
// 1000 kept, paged 100 at a time by default. Not thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "core/clock.h"

namespace scalecheck::core {

struct ErrorLogEntry {
  std::string code;
  std::string message;
  UtcTime timestamp;  // Printed to the second, "YYYY-MM-DD HH:MM:SS UTC".
  // The request the listener was serving, as a JSON object text; "{}" for
  // errors of the report worker (golden "Surprises" 18).
  std::string context_info_json = "{}";
};

class ErrorLog {
 public:
  static constexpr size_t kMaxEntries = 1000;

  void Append(ErrorLogEntry entry);
  // Page `page` (from 1) of `per_page` entries, newest first.
  // REQUIRES: page >= 1, per_page >= 1.
  std::vector<ErrorLogEntry> Page(size_t page, size_t per_page) const;
  size_t count() const { return entries_.size(); }
  void Clear() { entries_.clear(); }

 private:
  std::deque<ErrorLogEntry> entries_;  // Newest first.
};

}  // namespace scalecheck::core
