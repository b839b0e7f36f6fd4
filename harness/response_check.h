// harness/response_check.h
//
// Checks a response from the target: against the reference model's answer
// (`exact`: status, body bytes and the contract headers; `semantic`: the
// parsed <status>/<error> documents, usage reports compared as a set across
// metrics and in order within a metric, app keys and hierarchy as sets), and
// against a step's explicit expectation; and reduces an answer to what a
// client library can read from it (SummarizeAnswer). The only user of
// pugixml. Pure.
#pragma once

#include <optional>
#include <string>
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

// One <usage_report> as a client reads it: values as the document prints
// them.
struct UsageReportSummary {
  std::string metric;
  std::string period;
  std::optional<std::string> current_value;
  std::optional<std::string> max_value;
  std::optional<std::string> period_start;  // Absent for eternity.
  std::optional<std::string> period_end;
  bool exceeded = false;  // exceeded="true".
};

// What spec/clients.md ("What clients read") says a client can see in an
// answer: the status, and the <status> or <error> document if the body is
// one. A body that is neither (empty, no_body, a 500's text) leaves both
// flags false.
struct AnswerSummary {
  int status = 0;
  bool status_document = false;  // The body is a <status> document.
  bool error_document = false;   // The body is an <error> document.
  bool authorized = false;       // <authorized>true</authorized>.
  std::optional<std::string> reason;  // <reason>, when present.
  std::optional<std::string> plan;    // <plan>, when present.
  std::vector<UsageReportSummary> usage_reports;  // In document order.
  std::optional<std::string> error_code;     // <error code="...">.
  std::optional<std::string> error_message;  // <error> text.
};

AnswerSummary SummarizeAnswer(int status, const std::string& body);

// The headers every conforming implementation must send alike.
inline constexpr const char* kContractHeaders[] = {
    "content-type", "3scale-rejection-reason", "3scale-limit-remaining",
    "3scale-limit-reset", "3scale-limit-max-value"};

}  // namespace scalecheck::harness
