// harness/backend_queries.h
//
// What the harness reads back from a target to check a run: an
// application's utilization (internal API), a service's error log
// (internal API), and how many requests the mock's journal recorded (control
// API). The JSON is parsed here and nowhere else in the runner.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/http_message.h"
#include "core/status.h"
#include "harness/target.h"

namespace scalecheck::harness {

// "metric/period" -> {current_value, max_value}.
struct UtilizationEntry {
  int64_t current_value = 0;
  int64_t max_value = 0;
};
core::Result<std::map<std::string, UtilizationEntry>> ReadUtilization(
    Target& target, const std::string& service_id, const std::string& app_id);

// Every counter of an application for the period instances containing
// `now`, from the mock's state export (control API): "metric/period" ->
// value, by metric name. Counters never written are absent (zero).
core::Result<std::map<std::string, int64_t>> ReadCounters(
    Target& target, const std::string& service_id, const std::string& app_id,
    core::UtcTime now);

struct ErrorLogPage {
  std::vector<std::string> codes;  // Newest first.
  int64_t count = 0;
};
core::Result<ErrorLogPage> ReadErrorLog(Target& target,
                                        const std::string& service_id);

// Entries of the journal for `endpoint` (and `app_id` if not empty).
core::Result<int64_t> CountJournal(Target& target, const std::string& endpoint,
                                   const std::string& app_id);

// One request the target's journal recorded, with its answer.
struct JournalRecord {
  uint64_t seq = 0;
  // "authorize", "authrep", "oauth_authorize", "oauth_authrep", "report",
  // "internal", "control", "other".
  std::string endpoint;
  core::HttpRequest request;  // Method, target, headers and body as received.
  HttpResponse response;      // Status, headers (names lower-case) and body.
};

// The journal's entries with a sequence number above `since_seq`, oldest
// first (control API). kUnavailable when the journal cannot be read.
core::Result<std::vector<JournalRecord>> ReadJournal(Target& target,
                                                     uint64_t since_seq);

// The sequence number of the newest journal entry; 0 when it is empty.
core::Result<uint64_t> LatestJournalSeq(Target& target);

}  // namespace scalecheck::harness
