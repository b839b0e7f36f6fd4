// core/report_job.h
//
// A batch of transactions accepted by POST /transactions.xml (or the
// reporting half of an authrep), waiting to be validated and counted as a
// whole, as apisonator's ReportJob is (spec 2.5, 5.8). Plain value.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/params.h"

namespace scalecheck::core {

struct ReportJob {
  std::string service_id;
  // Each transaction's own parameters (app_id or user_key, usage,
  // timestamp, log), in request order, zero usages already dropped.
  std::vector<ParamHash> transactions;
  bool flat_usage = false;  // The flat_usage extension of the request.
  UtcTime received_at{};    // When the listener accepted it.
};

}  // namespace scalecheck::core
