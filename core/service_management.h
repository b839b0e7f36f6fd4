// core/service_management.h
//
// 3scale's Service Management API as apisonator 3.4.3 answers it (spec 1-3,
// 5; golden/): routing, the processing order of 2.3 that decides which error
// wins, authorize / authrep / oauth_authorize / oauth_authrep, report, and the
// report worker that validates and counts a batch. A function from request
// to response over a Registry (read-only here) and a Store (counters, error
// logs, report queue). The mock backend serves it; the harness runs it as
// the reference model. Thread-safety is the Store's: the caller keeps
// `registry` from changing during a call.
#pragma once

#include "core/clock.h"
#include "core/http_message.h"
#include "core/registry.h"
#include "core/report_job.h"
#include "core/store.h"

namespace scalecheck::core {

inline constexpr const char* kVendorContentType =
    "application/vnd.3scale-v2.0+xml";
inline constexpr const char* kBackendVersion = "3.4.3";

// Answers one request to the public API (anything not under /internal).
HttpResponse HandlePublicRequest(const Registry& registry, Store& store,
                                 const HttpRequest& request, UtcTime now);

// The report worker: validates `job` as a whole against `registry` and
// counts every transaction in it as of `now` (or its timestamp), or counts
// nothing and logs one error in the service's error log.
void ProcessReportJob(const Registry& registry, Store& store,
                      const ReportJob& job, UtcTime now);

}  // namespace scalecheck::core
