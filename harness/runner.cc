#include "harness/runner.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/gateway_model.h"
#include "core/params.h"
#include "core/period.h"
#include "core/registry.h"
#include "core/service_management.h"
#include "core/store.h"
#include "core/usage_report.h"
#include "harness/case_report.h"
#include "harness/backend_queries.h"
#include "harness/gateway_config.h"
#include "harness/request_builder.h"
#include "harness/seeding.h"
#include "harness/state_checks.h"

namespace scalecheck::harness {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

reports::HttpExchange Exchange(const core::HttpRequest& request,
                               const HttpResponse* response) {
  reports::HttpExchange exchange;
  exchange.method = request.method;
  exchange.target = request.target;
  exchange.request_headers = request.headers;
  exchange.request_body = request.body;
  if (response != nullptr) {
    exchange.status = response->status;
    exchange.response_headers = response->headers;
    exchange.response_body = response->body;
  }
  return exchange;
}

bool HasRequests(const Scenario& scenario) {
  return std::any_of(scenario.steps.begin(), scenario.steps.end(),
                     [](const Step& s) { return s.kind == Step::Kind::kRequest; });
}

// "hits=2,search=1".
std::string UsageText(const std::map<std::string, std::string>& usage) {
  std::string out;
  for (const auto& [metric, value] : usage) {
    out += (out.empty() ? "" : ",") + metric + "=" + value;
  }
  return out.empty() ? "(none)" : out;
}

std::map<std::string, std::string> UsageStrings(const core::GatewayUsage& usage) {
  std::map<std::string, std::string> out;
  for (const auto& [metric, delta] : usage) out[metric] = std::to_string(delta);
  return out;
}

// An authrep as the backend saw it: its parameters, decoded.
struct SeenAuthrep {
  std::string service_id;
  std::map<std::string, std::string> authentication;  // service_token / provider_key
  std::map<std::string, std::string> credentials;     // user_key / app_id / app_key
  std::map<std::string, std::string> usage;
  std::string options;  // The 3scale-options header.
};

SeenAuthrep ParseAuthrep(const JournalRecord& record) {
  SeenAuthrep seen;
  const core::ParsedParams parsed = core::ParseNestedQuery(record.request.query());
  for (const auto& [name, value] : parsed.params.entries()) {
    const std::string text = value.is_string() ? value.string() : "";
    if (name == "service_id") {
      seen.service_id = text;
    } else if (name == "service_token" || name == "provider_key") {
      seen.authentication[name] = text;
    } else if (name == "user_key" || name == "app_id" || name == "app_key") {
      seen.credentials[name] = text;
    } else if (name == "usage" && value.is_hash()) {
      for (const auto& [metric, delta] : value.hash().entries()) {
        seen.usage[metric] = delta.is_string() ? delta.string() : "(not a value)";
      }
    }
  }
  if (const std::string* options = record.request.Header("3scale-options")) {
    seen.options = *options;
  }
  return seen;
}

std::string MapText(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [name, value] : values) {
    out += (out.empty() ? "" : "&") + name + "=" + value;
  }
  return out.empty() ? "(none)" : out;
}

bool MovesClock(const Scenario& scenario) {
  return std::any_of(scenario.steps.begin(), scenario.steps.end(),
                     [](const Step& s) { return s.kind == Step::Kind::kClock; });
}

bool NeedsVirtualClock(const Scenario& scenario) {
  return std::find(scenario.requires_features.begin(),
                   scenario.requires_features.end(),
                   "virtual-clock") != scenario.requires_features.end();
}

// The longest real wait a live run of `scenario` would need.
std::chrono::milliseconds TotalWait(const Scenario& scenario) {
  std::chrono::milliseconds total{0};
  for (const Step& s : scenario.steps) {
    if (s.kind == Step::Kind::kClock && s.clock.advance) total += *s.clock.advance;
    if (s.kind == Step::Kind::kClock && s.clock.at) {
      return std::chrono::milliseconds::max();  // An absolute time: never live.
    }
  }
  return total;
}

class CaseRun {
 public:
  CaseRun(const Scenario& scenario, Target& target, GatewayTarget* gateway,
          const RunOptions& options, core::Clock& clock)
      : scenario_(scenario),
        target_(target),
        gateway_(gateway),
        options_(options),
        clock_(clock),
        cache_(gateway != nullptr ? gateway->options().cache
                                  : core::GatewayCacheMode::kNone) {}

  reports::CaseReport Run() {
    report_ = NewCaseReport(scenario_);
    const core::MonoTime started = clock_.NowMono();
    Execute();
    report_.duration = duration_cast<microseconds>(clock_.NowMono() - started);
    RollUpStepVerdicts(report_);
    return std::move(report_);
  }

 private:
  void Fail(reports::Verdict verdict, std::string message) {
    report_.verdict = verdict;
    report_.message = std::move(message);
  }

  void Execute() {
    if (scenario_.steps.empty() && scenario_.load) {
      Fail(reports::Verdict::kSkip,
           "a load scenario without steps: run it with `scalecheck load`");
      return;
    }
    virtual_ = target_.has_control_api();
    if (HasRequests(scenario_)) {
      if (gateway_ == nullptr) {
        Fail(reports::Verdict::kSkip,
             "has end-user requests: needs a gateway (--gateway URL)");
        return;
      }
      if (!target_.has_control_api()) {
        Fail(reports::Verdict::kSkip,
             "gateway checks read the backend's journal: the backend needs the "
             "control API (scalecheck mock)");
        return;
      }
    }
    if (!virtual_ && (NeedsVirtualClock(scenario_) || MovesClock(scenario_))) {
      const auto wait = TotalWait(scenario_);
      if (wait > options_.max_wait) {
        Fail(reports::Verdict::kSkip,
             "needs the virtual clock (the target has no control API) or a "
             "real wait longer than --max-wait");
        return;
      }
    }
    now_ = virtual_ ? scenario_.clock_start.value_or(
                          *core::ParseIso8601(kDefaultClockStart))
                    : clock_.NowUtc();
    if (virtual_) {
      if (core::Status s = target_.Reset(); !s.ok()) {
        return Fail(reports::Verdict::kError, "resetting the target: " + s.message());
      }
      if (core::Status s = target_.SetClock(now_); !s.ok()) {
        return Fail(reports::Verdict::kError, "setting the clock: " + s.message());
      }
    }
    if (options_.seed) {
      for (const InternalCall& call : SeedingCalls(scenario_)) {
        core::Result<HttpResponse> response =
            target_.Internal(call.method, call.path, call.body);
        if (!response.ok()) {
          return Fail(reports::Verdict::kError,
                      "seeding " + call.method + " /internal" + call.path + ": " +
                          response.status().message());
        }
        if (response.value().status >= 300) {
          return Fail(reports::Verdict::kError,
                      "seeding " + call.method + " /internal" + call.path +
                          " answered " + std::to_string(response.value().status) +
                          ": " + response.value().body);
        }
      }
    }
    SeedRegistry(scenario_, registry_);
    if (gateway_ != nullptr && HasRequests(scenario_)) {
      gateway_config_ = GatewayConfigOf(scenario_);
      if (core::Status s = gateway_->Configure(scenario_, target_.base_url()); !s.ok()) {
        return Fail(reports::Verdict::kError, "configuring the gateway: " + s.message());
      }
    }
    for (size_t i = 0; i < scenario_.steps.size(); ++i) {
      const Step& step = scenario_.steps[i];
      for (int iteration = 1; iteration <= step.repeat; ++iteration) {
        reports::StepReport step_report;
        step_report.index = static_cast<int>(i + 1);
        step_report.iteration = iteration;
        step_report.location = step.where.ToString();
        if (!virtual_) now_ = clock_.NowUtc();
        step_report.clock = core::FormatIso8601(now_);
        const core::MonoTime started = clock_.NowMono();
        const bool ok = RunStep(step, step_report);
        step_report.duration =
            duration_cast<microseconds>(clock_.NowMono() - started);
        report_.steps.push_back(std::move(step_report));
        if (!ok) return;  // Infrastructure: the case cannot go on.
      }
    }
  }

  // Returns false when the target failed in a way that ends the case.
  bool RunStep(const Step& step, reports::StepReport& out) {
    switch (step.kind) {
      case Step::Kind::kCall:
        out.kind = ToString(step.call.kind);
        out.description = DescribeCall(scenario_, step.call);
        return Exchange(BuildCallRequest(scenario_, step.call), step, out,
                        step.call.kind == CallKind::kReport ||
                            step.call.kind == CallKind::kAuthrep ||
                            step.call.kind == CallKind::kOauthAuthrep);
      case Step::Kind::kRaw:
        out.kind = "raw";
        out.description = step.raw.method + " " + step.raw.target;
        return Exchange(BuildRawRequest(step.raw), step, out, step.raw.method == "POST");
      case Step::Kind::kClock:
        return MoveClock(step, out);
      case Step::Kind::kCheck:
        return Check(step, out);
      case Step::Kind::kRequest:
        return Request(step, out);
    }
    return true;
  }

  // ---- Gateway requests ----

  static core::GatewayRequest ModelRequest(const GatewayRequestStep& r) {
    core::GatewayRequest request;
    request.method = r.method;
    request.host = r.host;
    request.path = r.path;
    request.query = r.query;
    request.headers = r.headers;
    request.body = r.body;
    return request;
  }

  static HttpRequest WireRequest(const GatewayRequestStep& r) {
    HttpRequest request;
    request.method = r.method;
    request.target = r.path + (r.query.empty() ? "" : "?" + r.query);
    request.headers.emplace_back("Host", r.host);
    for (const auto& header : r.headers) request.headers.push_back(header);
    const bool has_length = std::any_of(
        r.headers.begin(), r.headers.end(), [](const auto& h) {
          return core::EqualsIgnoreCase(h.first, "content-length") ||
                 core::EqualsIgnoreCase(h.first, "transfer-encoding");
        });
    if (!has_length && (!r.body.empty() || r.method == "POST" || r.method == "PUT" ||
                        r.method == "PATCH")) {
      request.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
    }
    request.headers.emplace_back("Connection", "close");
    request.body = r.body;
    return request;
  }

  static std::string Describe(const GatewayRequestStep& r) {
    return r.method + " " + r.host + r.path + (r.query.empty() ? "" : "?" + r.query);
  }

  // What the model says of the answer, as differences (none: it agrees).
  static std::vector<reports::Difference> CompareAnswer(const core::GatewayAnswer& want,
                                                        const HttpResponse& got) {
    std::vector<reports::Difference> diffs;
    const std::string kind = core::ToString(want.kind);
    if (got.status != want.status) {
      diffs.push_back({"gateway status (" + kind + ")", std::to_string(want.status),
                       std::to_string(got.status), "model"});
    }
    const std::optional<std::string> upstream = got.Header(kUpstreamHeader);
    if (want.kind == core::GatewayAnswerKind::kUpstream && !upstream) {
      diffs.push_back({"proxied to the upstream", "the echo's answer (" +
                                                      std::string(kUpstreamHeader) + ")",
                       "an answer the gateway made itself", "model"});
    }
    if (want.kind != core::GatewayAnswerKind::kUpstream && upstream) {
      diffs.push_back({"proxied to the upstream", "no: " + kind, "yes", "model"});
    }
    if (want.content_type) {
      const std::string type = got.Header("content-type").value_or("(absent)");
      if (type != *want.content_type) {
        diffs.push_back({"gateway content-type (" + kind + ")", *want.content_type, type,
                         "model"});
      }
    }
    if (want.body && got.body != *want.body) {
      diffs.push_back({"gateway body (" + kind + ")", *want.body, got.body, "model"});
    }
    const std::string retry = got.Header("retry-after").value_or("(absent)");
    if (retry != want.retry_after.value_or("(absent)")) {
      diffs.push_back({"gateway retry-after", want.retry_after.value_or("(absent)"), retry,
                       "model"});
    }
    return diffs;
  }

  // Compares an authrep the backend received with the one the model predicts.
  static void CompareAuthrep(const core::GatewayAuthrep& want, const SeenAuthrep& got,
                             std::vector<reports::Difference>& diffs) {
    if (got.service_id != want.service_id) {
      diffs.push_back({"authrep service_id", want.service_id, got.service_id, "model"});
    }
    std::map<std::string, std::string> authentication;
    if (!want.authentication_name.empty()) {
      authentication[want.authentication_name] = want.authentication_value;
    }
    if (got.authentication != authentication) {
      diffs.push_back({"authrep authentication", MapText(authentication),
                       MapText(got.authentication), "model"});
    }
    std::map<std::string, std::string> credentials(want.credentials.begin(),
                                                   want.credentials.end());
    if (got.credentials != credentials) {
      diffs.push_back({"authrep credentials", MapText(credentials), MapText(got.credentials),
                       "model"});
    }
    if (got.usage != UsageStrings(want.usage)) {
      diffs.push_back({"authrep usage", UsageText(UsageStrings(want.usage)),
                       UsageText(got.usage), "model"});
    }
    const core::ParsedParams options = core::ParseNestedQuery(got.options);
    for (const char* option : {"rejection_reason_header", "limit_headers"}) {
      const core::ParamValue* v = options.params.Find(option);
      if (v == nullptr || !v->is_string() || v->string() != "1") {
        diffs.push_back({std::string("authrep 3scale-options ") + option, "1",
                         got.options.empty() ? "(no 3scale-options header)" : got.options,
                         "model"});
      }
    }
  }

  bool Request(const Step& step, reports::StepReport& out) {
    const GatewayRequestStep& r = step.request;
    out.kind = "request";
    out.description = Describe(r);
    const std::string where = step.where.ToString();
    const bool lenient = cache_mode() != core::GatewayCacheMode::kNone;

    // The model: the decision, the backend's verdict on the authrep (from
    // the reference backend, which counts it), the answer.
    const core::GatewayDecision decision =
        core::DecideGatewayRequest(gateway_config_, ModelRequest(r));
    core::GatewayAnswer want;
    std::optional<core::GatewayAnswer> alternative;  // Lenient cache modes.
    if (decision.stage == core::GatewayStage::kAuthorize) {
      const std::string key = decision.authrep->CacheKey();
      const bool hit = cache_.Hit(key);
      const core::HttpResponse verdict = core::HandlePublicRequest(
          registry_, store_, decision.authrep->ToRequest("backend"), now_);
      cache_.Store(key, verdict.status);
      const core::GatewayAnswer synchronous = core::AnswerFromBackend(
          gateway_config_, decision, {verdict.status, verdict.headers}, cache_.HoldsOk(key));
      want = hit ? core::AdmittedAnswer(gateway_config_, decision) : synchronous;
      if (hit) alternative = synchronous;
      out.description += " -> authrep " + core::EncodeUsage(decision.authrep->usage) +
                         " (backend " + std::to_string(verdict.status) + ")";
    } else {
      want = core::AnswerWithoutBackend(gateway_config_, decision);
    }
    out.expected_body = want.body.value_or("");

    core::Result<uint64_t> since = LatestJournalSeq(target_);
    if (!since.ok()) return CheckError(out, since.status());
    const int64_t upstream_before = gateway_->upstream_requests();
    const HttpRequest wire = WireRequest(r);
    core::Result<HttpResponse> actual = gateway_->Send(wire);
    core::HttpRequest shown;
    shown.method = wire.method;
    shown.target = wire.target;
    shown.headers = wire.headers;
    shown.body = wire.body;
    out.exchange = harness::Exchange(shown, actual.ok() ? &actual.value() : nullptr);
    if (!actual.ok()) {
      out.verdict = reports::Verdict::kError;
      out.message = "no response from the gateway: " + actual.status().message();
      Fail(reports::Verdict::kError, "step " + std::to_string(out.index) + " (" +
                                         out.location + "): " + out.message);
      return false;
    }
    if (lenient && options_.settle.count() > 0) {
      clock_.SleepUntil(clock_.NowMono() + options_.settle);
    }
    core::Result<std::vector<JournalRecord>> journal = ReadJournal(target_, since.value());
    if (!journal.ok()) return CheckError(out, journal.status());

    // (a) The answer.
    std::vector<reports::Difference> diffs = CompareAnswer(want, actual.value());
    if (!diffs.empty() && alternative && CompareAnswer(*alternative, actual.value()).empty()) {
      diffs.clear();  // A cache miss where the model had a hit: allowed.
    }
    const int64_t upstream_calls = gateway_->upstream_requests() - upstream_before;
    if (!lenient && want.kind == core::GatewayAnswerKind::kUpstream && upstream_calls != 1) {
      diffs.push_back({"requests the upstream received", "1",
                       std::to_string(upstream_calls), "model"});
    }
    // (b) What the gateway sent the backend.
    std::vector<SeenAuthrep> authreps;
    std::vector<std::string> others;
    for (const JournalRecord& record : journal.value()) {
      if (record.endpoint == "authrep") {
        authreps.push_back(ParseAuthrep(record));
      } else if (record.endpoint != "internal" && record.endpoint != "control") {
        others.push_back(record.request.method + " " + record.request.target);
      }
    }
    const size_t expected_calls = decision.authrep ? 1 : 0;
    if (!others.empty()) {
      diffs.push_back({"backend calls other than authrep", "(none)", others.front() +
                       (others.size() > 1 ? " and " + std::to_string(others.size() - 1) +
                                                " more" : ""),
                       "model"});
    }
    if (!lenient && authreps.size() != expected_calls) {
      diffs.push_back({"authrep calls", std::to_string(expected_calls),
                       std::to_string(authreps.size()), "model"});
    }
    if (decision.authrep) {
      for (const SeenAuthrep& seen : authreps) CompareAuthrep(*decision.authrep, seen, diffs);
    }
    // The step's explicit expectations: on the answer, then on the backend.
    for (reports::Difference& d : CheckExpectation(step.expect, actual.value())) {
      d.what = "gateway " + d.what;
      diffs.push_back(std::move(d));
    }
    // With a caching gateway either answer may be the right one.
    if (step.expect.status && *step.expect.status != want.status &&
        !(alternative && *step.expect.status == alternative->status)) {
      diffs.push_back({"model vs expect: gateway status", std::to_string(*step.expect.status),
                       std::to_string(want.status), where});
    }
    if (const auto& backend = step.expect.backend) {
      CheckBackendExpectation(*backend, decision, authreps, where, diffs);
    }
    Judge(out, std::move(diffs));
    return true;
  }

  void CheckBackendExpectation(const Expectation::BackendExpectation& e,
                               const core::GatewayDecision& decision,
                               const std::vector<SeenAuthrep>& authreps,
                               const std::string& where,
                               std::vector<reports::Difference>& diffs) {
    const int64_t modeled = decision.authrep ? 1 : 0;
    if (e.authrep) {
      if (*e.authrep != static_cast<int64_t>(authreps.size())) {
        diffs.push_back({"authrep calls", std::to_string(*e.authrep),
                         std::to_string(authreps.size()), where});
      }
      if (*e.authrep != modeled) {
        diffs.push_back({"model vs expect: authrep calls", std::to_string(*e.authrep),
                         std::to_string(modeled), where});
      }
    }
    if (e.usage) {
      std::map<std::string, std::string> want;
      for (const auto& [metric, value] : *e.usage) want[metric] = std::to_string(value);
      const std::map<std::string, std::string> got =
          authreps.empty() ? std::map<std::string, std::string>{} : authreps.front().usage;
      if (got != want) {
        diffs.push_back({"authrep usage", UsageText(want), UsageText(got), where});
      }
      const std::map<std::string, std::string> model =
          decision.authrep ? UsageStrings(decision.authrep->usage)
                           : std::map<std::string, std::string>{};
      if (model != want) {
        diffs.push_back({"model vs expect: authrep usage", UsageText(want), UsageText(model),
                         where});
      }
    }
    for (const auto& [name, value] : e.credentials) {
      std::string got = "(absent)";
      if (!authreps.empty()) {
        const auto it = authreps.front().credentials.find(name);
        if (it != authreps.front().credentials.end()) got = it->second;
      }
      if (got != value) diffs.push_back({"authrep " + name, value, got, where});
    }
  }

  core::GatewayCacheMode cache_mode() const {
    return gateway_ != nullptr ? gateway_->options().cache : core::GatewayCacheMode::kNone;
  }

  bool Exchange(const core::HttpRequest& request, const Step& step,
                reports::StepReport& out, bool reports_usage) {
    core::HttpResponse model =
        core::HandlePublicRequest(registry_, store_, request, now_);
    if (request.method == "HEAD") model.body.clear();  // Never on the wire.
    core::Result<HttpResponse> actual = target_.Send(request);
    out.exchange = harness::Exchange(request, actual.ok() ? &actual.value() : nullptr);
    out.expected_body = model.body;
    if (!actual.ok()) {
      out.verdict = reports::Verdict::kError;
      out.message = "no response: " + actual.status().message();
      Fail(reports::Verdict::kError, "step " + std::to_string(out.index) + " (" +
                                         out.location + "): " + out.message);
      return false;
    }
    if (reports_usage && !virtual_ && options_.settle.count() > 0) {
      clock_.SleepUntil(clock_.NowMono() + options_.settle);
    }
    std::vector<reports::Difference> diffs =
        CompareWithModel(model, actual.value(), options_.compare);
    std::vector<reports::Difference> explicit_diffs =
        CheckExpectation(step.expect, actual.value());
    diffs.insert(diffs.end(), explicit_diffs.begin(), explicit_diffs.end());
    // An explicit expectation the model itself contradicts is a defect of
    // the scenario or of the model: report it as such.
    for (const reports::Difference& d :
         CheckExpectation(step.expect, ToWire(model))) {
      diffs.push_back({"model vs expect: " + d.what, d.expected, d.actual, d.source});
    }
    Judge(out, std::move(diffs));
    return true;
  }

  static HttpResponse ToWire(const core::HttpResponse& model) {
    HttpResponse r;
    r.status = model.status;
    r.headers = model.headers;
    r.body = model.body;
    return r;
  }

  void Judge(reports::StepReport& out, std::vector<reports::Difference> diffs) {
    out.differences = std::move(diffs);
    if (out.differences.empty()) return;
    out.verdict = reports::Verdict::kFail;
    const reports::Difference& first = out.differences.front();
    out.message = first.what + ": expected " + Abbreviated(first.expected) +
                  ", got " + Abbreviated(first.actual) +
                  (first.source == "model" ? " (reference model)"
                                           : " (expect at " + first.source + ")");
  }

  static std::string Abbreviated(const std::string& s) {
    return s.size() <= 80 ? s : s.substr(0, 77) + "...";
  }

  bool MoveClock(const Step& step, reports::StepReport& out) {
    core::UtcTime next = now_;
    if (step.clock.at) {
      next = *step.clock.at;
      out.kind = "at";
      out.description = "at " + core::FormatIso8601(next);
    } else if (step.clock.advance) {
      next = now_ + *step.clock.advance;
      out.kind = "advance";
      out.description = "advance " + std::to_string(step.clock.advance->count()) + " ms";
    }
    if (virtual_) {
      if (core::Status s = target_.SetClock(next); !s.ok()) {
        out.verdict = reports::Verdict::kError;
        out.message = s.message();
        Fail(reports::Verdict::kError, "setting the clock: " + s.message());
        return false;
      }
      now_ = next;
    } else if (step.clock.advance) {
      clock_.SleepUntil(clock_.NowMono() + *step.clock.advance);
      now_ = clock_.NowUtc();
    }
    out.clock = core::FormatIso8601(now_);
    return true;
  }

  bool Check(const Step& step, reports::StepReport& out) {
    CheckOutcome outcome = RunCheck(scenario_, step, target_, registry_, store_, now_);
    out.kind = outcome.kind;
    out.description = outcome.description;
    if (!outcome.error.ok()) return CheckError(out, outcome.error);
    if (outcome.skipped) {
      out.verdict = reports::Verdict::kSkip;
      out.message = outcome.skip_reason;
      return true;
    }
    Judge(out, std::move(outcome.differences));
    return true;
  }

  bool CheckError(reports::StepReport& out, const core::Status& status) {
    out.verdict = reports::Verdict::kError;
    out.message = status.message();
    Fail(reports::Verdict::kError, "step " + std::to_string(out.index) + " (" +
                                       out.location + "): " + status.message());
    return false;
  }

  const Scenario& scenario_;
  Target& target_;
  GatewayTarget* gateway_;  // nullptr: no gateway.
  const RunOptions& options_;
  core::Clock& clock_;
  core::GatewayConfig gateway_config_;
  core::AuthCache cache_;
  reports::CaseReport report_;
  core::Registry registry_;
  core::MemoryStore store_;
  core::UtcTime now_{};
  bool virtual_ = false;
};

}  // namespace

reports::CaseReport RunScenario(const Scenario& scenario, Target& target,
                                const RunOptions& options, core::Clock& clock) {
  return CaseRun(scenario, target, nullptr, options, clock).Run();
}

reports::CaseReport RunScenario(const Scenario& scenario, Target& target,
                                GatewayTarget* gateway, const RunOptions& options,
                                core::Clock& clock) {
  return CaseRun(scenario, target, gateway, options, clock).Run();
}

}  // namespace scalecheck::harness
