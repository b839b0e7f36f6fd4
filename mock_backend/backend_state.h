// mock_backend/backend_state.h
//
// The mock backend's shared mutable state: one core::Registry behind a
// reader/writer lock (requests read it concurrently; the internal API writes
// it), each application's counters behind one of kShards mutexes chosen by
// hashing the application (so requests for different applications never
// wait on each other), the services' error logs, and the queue of delayed
// reports. Thread-safe. Lock order: registry, then a shard, then the others.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "core/store.h"

namespace scalecheck::mock_backend {

class BackendState final : public core::Store {
 public:
  // Zero `report_delay`: reports are applied before the answer.
  explicit BackendState(std::chrono::milliseconds report_delay)
      : report_delay_(report_delay) {}
  BackendState(const BackendState&) = delete;
  BackendState& operator=(const BackendState&) = delete;

  // Calls `fn(const core::Registry&)` under the shared (reader) lock.
  template <typename F>
  auto ReadRegistry(F&& fn) const {
    std::shared_lock lock(registry_mutex_);
    return fn(static_cast<const core::Registry&>(registry_));
  }
  // Calls `fn(core::Registry&)` under the exclusive (writer) lock.
  template <typename F>
  auto WriteRegistry(F&& fn) {
    std::unique_lock lock(registry_mutex_);
    return fn(registry_);
  }

  // core::Store.
  void WithCounters(std::string_view service_id, std::string_view app_id,
                    const std::function<void(core::UsageCounters&)>& fn)
      override;
  void LogError(std::string_view service_id,
                core::ErrorLogEntry entry) override;
  bool synchronous_reports() const override {
    return report_delay_.count() == 0;
  }
  void EnqueueReport(core::ReportJob job) override;

  // A copy of the application's counters (empty if never counted).
  core::UsageCounters CountersOf(std::string_view service_id,
                                 std::string_view app_id) const;
  // Every application's counters, for the state export.
  std::vector<std::pair<std::pair<std::string, std::string>,
                        core::UsageCounters>>
  AllCounters() const;

  // Page `page` (from 1) of a service's error log, newest first, and the
  // total count.
  std::pair<std::vector<core::ErrorLogEntry>, size_t> ErrorPage(
      std::string_view service_id, size_t page, size_t per_page) const;
  void ClearErrors(std::string_view service_id);

  // Removes and returns the queued reports received at or before `cutoff`
  // (received_at + report_delay <= now), oldest first.
  std::vector<core::ReportJob> TakeDueReports(core::UtcTime now);
  // Removes and returns every queued report, oldest first.
  std::vector<core::ReportJob> TakeAllReports();
  size_t pending_reports() const;

  // Forgets everything: registry, counters, error logs, queued reports.
  void Reset();

  static constexpr size_t kShards = 64;

 private:
  struct Shard {
    mutable std::mutex mutex;
    // Key: service id + '\n' + app id.
    std::unordered_map<std::string, core::UsageCounters> counters;
  };
  Shard& ShardFor(const std::string& key) const;

  const std::chrono::milliseconds report_delay_;
  mutable std::shared_mutex registry_mutex_;
  core::Registry registry_;  // Guarded by registry_mutex_.
  mutable std::array<Shard, kShards> shards_;
  mutable std::mutex errors_mutex_;
  std::map<std::string, core::ErrorLog, std::less<>> errors_;  // errors_mutex_
  mutable std::mutex reports_mutex_;
  std::deque<core::ReportJob> reports_;  // Guarded by reports_mutex_.
};

}  // namespace scalecheck::mock_backend
