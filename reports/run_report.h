// reports/run_report.h
//
// What a run did, as plain values: every case and every step with the
// request sent, the response received, what was expected and why the step
// failed. The harness fills it in; the writers (console, JUnit, JSON, HTML)
// only read it. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace scalecheck::reports {

using Headers = std::vector<std::pair<std::string, std::string>>;

enum class Verdict { kPass, kFail, kSkip, kError, kKnownDeviation };

// "pass", "fail", "skip", "error", "known-deviation".
const char* ToString(Verdict verdict);

struct HttpExchange {
  std::string method;
  std::string target;  // Path and query as sent.
  Headers request_headers;
  std::string request_body;
  int status = 0;  // 0: no response.
  Headers response_headers;
  std::string response_body;
};

// One difference between what was expected and what came back.
struct Difference {
  std::string what;  // "status", "body", "header 3scale-limit-reset", ...
  std::string expected;
  std::string actual;
  // Where the expectation came from: "model" (the reference model) or the
  // scenario location "file:line:col" of an explicit expect.
  std::string source;
};

struct StepReport {
  int index = 0;      // 1-based position in the scenario.
  int iteration = 0;  // 1-based, for repeated steps.
  std::string kind;   // "authorize", "report", "raw", "advance", "check", ...
  std::string description;  // One line: "authrep app=a1 usage[hits]=1".
  std::string location;     // "file:line:col".
  std::string clock;        // The virtual time of the step, ISO 8601.
  Verdict verdict = Verdict::kPass;
  HttpExchange exchange;      // Empty for clock steps.
  std::string expected_body;  // The reference model's body, when compared.
  std::vector<Difference> differences;
  std::string message;  // Why it failed or was skipped, in a sentence.
  std::chrono::microseconds duration{0};
};

struct CaseReport {
  std::string id;  // "authorize/basic".
  std::string title;
  std::string file;
  std::string spec;  // Spec section, if any.
  std::vector<std::string> tags;
  Verdict verdict = Verdict::kPass;
  std::string message;  // The first failure, or the skip reason.
  std::vector<StepReport> steps;
  std::chrono::microseconds duration{0};
};

struct RunReport {
  std::string tool_version;  // "scalecheck 0.1.0".
  std::string target;  // "embedded mock (http://127.0.0.1:PORT)", or a URL.
  std::string compare_mode;  // "exact" or "semantic".
  uint64_t seed = 1;
  std::string started_at;  // ISO 8601, wall clock.
  std::chrono::microseconds wall_time{0};
  std::vector<CaseReport> cases;

  int Count(Verdict verdict) const;
};

}  // namespace scalecheck::reports
