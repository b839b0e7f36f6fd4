#include "core/error_log.h"

#include <cassert>

namespace scalecheck::core {

void ErrorLog::Append(ErrorLogEntry entry) {
  entries_.push_front(std::move(entry));
  if (entries_.size() > kMaxEntries) entries_.pop_back();
}

std::vector<ErrorLogEntry> ErrorLog::Page(size_t page, size_t per_page) const {
  assert(page >= 1 && per_page >= 1);
  std::vector<ErrorLogEntry> out;
  const size_t first = (page - 1) * per_page;
  for (size_t i = first; i < entries_.size() && i < first + per_page; ++i) {
    out.push_back(entries_[i]);
  }
  return out;
}

}  // namespace scalecheck::core
