// core/store.h
//
// What the Service Management API needs from a backend's storage besides the
// Registry: each application's counters under exclusive access, the services'
// error logs, and a queue for reports. An interface because storage is a real
// boundary: the mock backend implements it in memory with locks sharded by
// application (and Redis may follow); core's MemoryStore is the plain,
// single-threaded one the harness uses as its reference model.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/error_log.h"
#include "core/report_job.h"
#include "core/usage_counters.h"

namespace scalecheck::core {

class Store {
 public:
  virtual ~Store() = default;

  // Calls `fn` with the counters of application `app_id` of `service_id`,
  // holding that application's lock: a check and a count made inside one
  // call are atomic. Counters are created empty on first use.
  virtual void WithCounters(std::string_view service_id,
                            std::string_view app_id,
                            const std::function<void(UsageCounters&)>& fn) = 0;
  virtual void LogError(std::string_view service_id, ErrorLogEntry entry) = 0;
  // Whether reports are applied before the answer (true) or queued with
  // EnqueueReport() for later, as apisonator's worker does.
  virtual bool synchronous_reports() const = 0;
  // REQUIRES: !synchronous_reports().
  virtual void EnqueueReport(ReportJob job) = 0;
};

// In memory, single-threaded, synchronous reports. Not thread-safe.
class MemoryStore final : public Store {
 public:
  void WithCounters(std::string_view service_id, std::string_view app_id,
                    const std::function<void(UsageCounters&)>& fn) override;
  void LogError(std::string_view service_id, ErrorLogEntry entry) override;
  bool synchronous_reports() const override { return true; }
  void EnqueueReport(ReportJob job) override;

  // nullptr when the application has never been counted.
  const UsageCounters* FindCounters(std::string_view service_id,
                                    std::string_view app_id) const;
  const ErrorLog* FindErrorLog(std::string_view service_id) const;
  void Clear();

 private:
  std::map<std::pair<std::string, std::string>, UsageCounters> counters_;
  std::map<std::string, ErrorLog, std::less<>> error_logs_;
};

}  // namespace scalecheck::core
