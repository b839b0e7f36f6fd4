#include "mock_backend/backend_state.h"

namespace scalecheck::mock_backend {
namespace {

std::string CounterKey(std::string_view service_id, std::string_view app_id) {
  std::string key;
  key.reserve(service_id.size() + app_id.size() + 1);
  key.append(service_id);
  key += '\n';
  key.append(app_id);
  return key;
}

}  // namespace

BackendState::Shard& BackendState::ShardFor(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

void BackendState::WithCounters(
    std::string_view service_id, std::string_view app_id,
    const std::function<void(core::UsageCounters&)>& fn) {
  const std::string key = CounterKey(service_id, app_id);
  Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  fn(shard.counters[key]);
}

core::UsageCounters BackendState::CountersOf(std::string_view service_id,
                                             std::string_view app_id) const {
  const std::string key = CounterKey(service_id, app_id);
  const Shard& shard = ShardFor(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.counters.find(key);
  return it == shard.counters.end() ? core::UsageCounters() : it->second;
}

std::vector<std::pair<std::pair<std::string, std::string>, core::UsageCounters>>
BackendState::AllCounters() const {
  std::vector<
      std::pair<std::pair<std::string, std::string>, core::UsageCounters>>
      all;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    for (const auto& [key, counters] : shard.counters) {
      const size_t nl = key.find('\n');
      all.push_back({{key.substr(0, nl), key.substr(nl + 1)}, counters});
    }
  }
  return all;
}

void BackendState::LogError(std::string_view service_id,
                            core::ErrorLogEntry entry) {
  std::lock_guard<std::mutex> lock(errors_mutex_);
  errors_[std::string(service_id)].Append(std::move(entry));
}

std::pair<std::vector<core::ErrorLogEntry>, size_t> BackendState::ErrorPage(
    std::string_view service_id, size_t page, size_t per_page) const {
  std::lock_guard<std::mutex> lock(errors_mutex_);
  auto it = errors_.find(service_id);
  if (it == errors_.end()) return {{}, 0};
  return {it->second.Page(page, per_page), it->second.count()};
}

void BackendState::ClearErrors(std::string_view service_id) {
  std::lock_guard<std::mutex> lock(errors_mutex_);
  auto it = errors_.find(service_id);
  if (it != errors_.end()) it->second.Clear();
}

void BackendState::EnqueueReport(core::ReportJob job) {
  std::lock_guard<std::mutex> lock(reports_mutex_);
  reports_.push_back(std::move(job));
}

std::vector<core::ReportJob> BackendState::TakeDueReports(core::UtcTime now) {
  std::lock_guard<std::mutex> lock(reports_mutex_);
  std::vector<core::ReportJob> due;
  while (!reports_.empty() &&
         reports_.front().received_at + report_delay_ <= now) {
    due.push_back(std::move(reports_.front()));
    reports_.pop_front();
  }
  return due;
}

std::vector<core::ReportJob> BackendState::TakeAllReports() {
  std::lock_guard<std::mutex> lock(reports_mutex_);
  std::vector<core::ReportJob> all(std::make_move_iterator(reports_.begin()),
                                   std::make_move_iterator(reports_.end()));
  reports_.clear();
  return all;
}

size_t BackendState::pending_reports() const {
  std::lock_guard<std::mutex> lock(reports_mutex_);
  return reports_.size();
}

void BackendState::Reset() {
  std::unique_lock registry_lock(registry_mutex_);
  registry_.Clear();
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.counters.clear();
  }
  {
    std::lock_guard<std::mutex> lock(errors_mutex_);
    errors_.clear();
  }
  std::lock_guard<std::mutex> lock(reports_mutex_);
  reports_.clear();
}

}  // namespace scalecheck::mock_backend
