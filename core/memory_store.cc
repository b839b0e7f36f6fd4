#include "core/store.h"

#include <cassert>

namespace scalecheck::core {

void MemoryStore::WithCounters(std::string_view service_id,
                               std::string_view app_id,
                               const std::function<void(UsageCounters&)>& fn) {
  fn(counters_[{std::string(service_id), std::string(app_id)}]);
}

void MemoryStore::LogError(std::string_view service_id, ErrorLogEntry entry) {
  error_logs_[std::string(service_id)].Append(std::move(entry));
}

void MemoryStore::EnqueueReport(ReportJob /*job*/) {
  // synchronous_reports() is true: nothing is ever queued here.
  assert(false && "MemoryStore applies reports synchronously");
}

const UsageCounters* MemoryStore::FindCounters(std::string_view service_id,
                                               std::string_view app_id) const {
  auto it = counters_.find({std::string(service_id), std::string(app_id)});
  return it == counters_.end() ? nullptr : &it->second;
}

const ErrorLog* MemoryStore::FindErrorLog(std::string_view service_id) const {
  auto it = error_logs_.find(service_id);
  return it == error_logs_.end() ? nullptr : &it->second;
}

void MemoryStore::Clear() {
  counters_.clear();
  error_logs_.clear();
}

}  // namespace scalecheck::core
