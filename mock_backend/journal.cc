#include "mock_backend/journal.h"

namespace scalecheck::mock_backend {

void Journal::Record(JournalEntry entry) {
  if (capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  entry.seq = next_seq_++;
  entries_.push_back(std::move(entry));
  if (entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
}

std::vector<JournalEntry> Journal::Query(const JournalFilter& filter) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<JournalEntry> out;
  for (const JournalEntry& e : entries_) {
    if (e.seq <= filter.since_seq) continue;
    if (!filter.endpoint.empty() && e.endpoint != filter.endpoint) continue;
    if (!filter.service_id.empty() && e.service_id != filter.service_id) continue;
    if (!filter.app_id.empty() && e.app_id != filter.app_id) continue;
    if (filter.status && e.response.status != *filter.status) continue;
    out.push_back(e);
  }
  if (filter.limit > 0 && out.size() > filter.limit) {
    out.erase(out.begin(), out.end() - static_cast<long>(filter.limit));
  }
  return out;
}

void Journal::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  dropped_ = 0;
}

size_t Journal::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

uint64_t Journal::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

std::string Journal::EndpointOf(const core::HttpRequest& request) {
  const std::string_view path = request.path();
  if (path.rfind("/internal", 0) == 0) return "internal";
  if (path.rfind("/__scalecheck", 0) == 0) return "control";
  std::string squeezed;
  for (char c : path) {
    if (c == '/' && !squeezed.empty() && squeezed.back() == '/') continue;
    squeezed += c;
  }
  if (squeezed == "/transactions.xml") return "report";
  for (const char* name :
       {"authorize", "authrep", "oauth_authorize", "oauth_authrep"}) {
    if (squeezed == std::string("/transactions/") + name + ".xml") return name;
  }
  return "other";
}

}  // namespace scalecheck::mock_backend
