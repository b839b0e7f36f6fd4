// harness/response_check.h
//
// Checks a response from the target: against the reference model's answer
// (`exact`: status, body bytes and the contract headers; `semantic`: the
// parsed <status>/<error> documents, usage reports compared as a set across
// metrics and in order within a metric, app keys and hierarchy as sets), and
// against a step's explicit expectation. The only user of pugixml. Pure.
#pragma once

#include <vector>

#include "core/http_message.h"
#include "harness/raw_http_client.h"
#include "harness/scenario.h"
#include "reports/run_report.h"

namespace scalecheck::harness {

enum class CompareMode { kExact, kSemantic };

std::vector<reports::Difference> CompareWithModel(const core::HttpResponse& model,
                                                  const HttpResponse& actual,
                                                  CompareMode mode);

std::vector<reports::Difference> CheckExpectation(const Expectation& expect,
                                                  const HttpResponse& actual);

// The headers every conforming implementation must send alike.
inline constexpr const char* kContractHeaders[] = {
    "content-type", "3scale-rejection-reason", "3scale-limit-remaining",
    "3scale-limit-reset", "3scale-limit-max-value"};

}  // namespace scalecheck::harness
