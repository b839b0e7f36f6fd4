#include "harness/client_runner.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/params.h"
#include "core/registry.h"
#include "core/service_management.h"
#include "core/store.h"
#include "harness/case_report.h"
#include "harness/request_builder.h"
#include "harness/seeding.h"
#include "harness/state_checks.h"

namespace scalecheck::harness {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// The parameters of a request as apisonator reads them: the query, and for a
// POST the form body merged over it.
core::Result<core::ParamHash> RequestParams(const core::HttpRequest& request) {
  core::ParsedParams query = core::ParseNestedQuery(request.query());
  if (!query.ok()) {
    return core::Status::InvalidArgument("the query does not parse: " +
                                         query.error->message);
  }
  if (request.method != "POST") return std::move(query.params);
  core::ParsedParams body = core::ParseFormBody(request.body);
  if (!body.ok()) {
    return core::Status::InvalidArgument("the body does not parse: " +
                                         body.error->message);
  }
  return core::MergeParams(std::move(query.params), body.params);
}

core::Result<core::ParamHash> OptionsParams(const core::HttpRequest& request) {
  const std::string* header = request.Header("3scale-options");
  if (header == nullptr) return core::ParamHash();
  core::ParsedParams options = core::ParseNestedQuery(*header);
  if (!options.ok()) {
    return core::Status::InvalidArgument("3scale-options does not parse: " +
                                         options.error->message);
  }
  return std::move(options.params);
}

// Nested parameters as "usage[hits]" -> "1"; a key without a value shows as
// "(no value)".
void Flatten(const core::ParamValue& value, const std::string& path,
             std::map<std::string, std::string>& out) {
  if (value.is_nil()) {
    out[path] = "(no value)";
  } else if (value.is_string()) {
    out[path] = value.string();
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.array().size(); ++i) {
      Flatten(value.array()[i], path + "[" + std::to_string(i) + "]", out);
    }
  } else {
    for (const auto& [name, child] : value.hash().entries()) {
      Flatten(child, path.empty() ? name : path + "[" + name + "]", out);
    }
  }
}

std::map<std::string, std::string> Flatten(const core::ParamHash& hash) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : hash.entries()) Flatten(value, name, out);
  return out;
}

std::string Shown(const std::optional<std::string>& value) {
  return value ? "\"" + *value + "\"" : "(none)";
}

// A hash of plain values as a list, or why it is not one.
core::Result<ParamList> PlainHash(const core::ParamValue& value,
                                  const std::string& name) {
  if (!value.is_hash()) {
    return core::Status::InvalidArgument("parameter '" + name +
                                         "' is not a hash");
  }
  ParamList list;
  for (const auto& [key, child] : value.hash().entries()) {
    if (!child.is_string()) {
      return core::Status::InvalidArgument("parameter '" + name + "[" + key +
                                           "]' is not a plain value");
    }
    list.emplace_back(key, child.string());
  }
  return list;
}

core::Result<ClientTransaction> TransactionOf(const core::ParamValue& value,
                                              const std::string& name) {
  if (!value.is_hash()) {
    return core::Status::InvalidArgument("parameter '" + name +
                                         "' is not a hash");
  }
  ClientTransaction t;
  for (const auto& [key, child] : value.hash().entries()) {
    const std::string path = name + "[" + key + "]";
    if (key == "usage" || key == "log") {
      core::Result<ParamList> list = PlainHash(child, path);
      if (!list.ok()) return list.status();
      (key == "usage" ? t.usage : t.log) = std::move(list).value();
      continue;
    }
    std::optional<std::string>* field = key == "app_id"      ? &t.app_id
                                        : key == "user_key"  ? &t.user_key
                                        : key == "timestamp" ? &t.timestamp
                                                             : nullptr;
    if (field == nullptr) {
      return core::Status::InvalidArgument(
          "parameter '" + path + "' has no place in a client command");
    }
    if (!child.is_string()) {
      return core::Status::InvalidArgument("parameter '" + path +
                                           "' is not a plain value");
    }
    *field = child.string();
  }
  return t;
}

// What the model's answer means to a client, in a few words.
std::string ExpectedOutcome(const AnswerSummary& model, CallKind kind) {
  std::string text = "http_status " + std::to_string(model.status);
  if (model.error_document)
    text += ", error_code " + model.error_code.value_or("");
  if (model.status_document) {
    text +=
        model.authorized ? ", authorized" : ", reason " + Shown(model.reason);
  }
  if (kind == CallKind::kReport && model.status == 202) text += ", accepted";
  return text;
}

std::string Described(const std::vector<JournalRecord>& sent) {
  std::string text;
  for (const JournalRecord& r : sent) {
    text +=
        (text.empty() ? "" : ", ") + r.request.method + " " + r.request.target;
  }
  return text.empty() ? "none" : text;
}

reports::HttpExchange ExchangeOf(const JournalRecord& record) {
  reports::HttpExchange exchange;
  exchange.method = record.request.method;
  exchange.target = record.request.target;
  exchange.request_headers = record.request.headers;
  exchange.request_body = record.request.body;
  exchange.status = record.response.status;
  exchange.response_headers = record.response.headers;
  exchange.response_body = record.response.body;
  return exchange;
}

HttpResponse ToWire(const core::HttpResponse& model) {
  HttpResponse r;
  r.status = model.status;
  r.headers = model.headers;
  r.body = model.body;
  return r;
}

// The parts of an expectation only the bytes on the wire show.
Expectation WireExpectation(const Expectation& expect) {
  Expectation wire;
  wire.headers = expect.headers;
  wire.body = expect.body;
  wire.body_contains = expect.body_contains;
  wire.rejection_reason = expect.rejection_reason;
  wire.where = expect.where;
  return wire;
}

bool HasWireExpectation(const Expectation& expect) {
  return !expect.headers.empty() || expect.body || expect.body_contains ||
         expect.rejection_reason;
}

class ClientCaseRun {
 public:
  ClientCaseRun(const Scenario& scenario, ClientAdapter& adapter,
                Target& backend, const RunOptions& options, core::Clock& clock)
      : scenario_(scenario),
        adapter_(adapter),
        backend_(backend),
        options_(options),
        clock_(clock) {}

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

  // Why the scenario cannot go through a client, or nullopt.
  std::optional<std::string> Inexpressible() const {
    for (size_t i = 0; i < scenario_.steps.size(); ++i) {
      const Step& step = scenario_.steps[i];
      const std::string at = "step " + std::to_string(i + 1) + " (" +
                             step.where.ToString() + "): ";
      if (step.kind == Step::Kind::kRaw) {
        return at + "a raw request cannot be sent through a client";
      }
      if (step.kind == Step::Kind::kClock || step.kind == Step::Kind::kCheck)
        continue;
      if (step.kind != Step::Kind::kCall) {
        return at +
               "only calls, clock moves and checks can go through a client";
      }
      core::Result<ClientCommand> command = CommandForRequest(
          step.call.kind, BuildCallRequest(scenario_, step.call));
      if (!command.ok()) return at + command.status().message();
    }
    return std::nullopt;
  }

  void Execute() {
    if (!backend_.has_control_api()) {
      return Fail(
          reports::Verdict::kError,
          "a client run needs a backend with the control API (its journal "
          "shows what the client sent): use the embedded mock");
    }
    if (std::optional<std::string> why = Inexpressible()) {
      return Fail(reports::Verdict::kSkip, *why);
    }
    if (!adapter_.running()) {
      if (core::Status s = adapter_.Restart(); !s.ok()) {
        return Fail(reports::Verdict::kError, s.message());
      }
    }
    now_ =
        scenario_.clock_start.value_or(*core::ParseIso8601(kDefaultClockStart));
    if (core::Status s = backend_.Reset(); !s.ok()) {
      return Fail(reports::Verdict::kError,
                  "resetting the backend: " + s.message());
    }
    if (core::Status s = backend_.SetClock(now_); !s.ok()) {
      return Fail(reports::Verdict::kError,
                  "setting the clock: " + s.message());
    }
    if (options_.seed) {
      for (const InternalCall& call : SeedingCalls(scenario_)) {
        core::Result<HttpResponse> response =
            backend_.Internal(call.method, call.path, call.body);
        const std::string what =
            "seeding " + call.method + " /internal" + call.path;
        if (!response.ok()) {
          return Fail(reports::Verdict::kError,
                      what + ": " + response.status().message());
        }
        if (response.value().status >= 300) {
          return Fail(reports::Verdict::kError,
                      what + " answered " +
                          std::to_string(response.value().status) + ": " +
                          response.value().body);
        }
      }
    }
    SeedRegistry(scenario_, registry_);
    for (size_t i = 0; i < scenario_.steps.size(); ++i) {
      const Step& step = scenario_.steps[i];
      for (int iteration = 1; iteration <= step.repeat; ++iteration) {
        reports::StepReport out;
        out.index = static_cast<int>(i + 1);
        out.iteration = iteration;
        out.location = step.where.ToString();
        out.clock = core::FormatIso8601(now_);
        const core::MonoTime started = clock_.NowMono();
        const bool go_on = RunStep(step, out);
        out.duration = duration_cast<microseconds>(clock_.NowMono() - started);
        report_.steps.push_back(std::move(out));
        if (!go_on) return;
      }
    }
  }

  // Returns false when the case cannot go on.
  bool RunStep(const Step& step, reports::StepReport& out) {
    switch (step.kind) {
      case Step::Kind::kCall:
        return Call(step, out);
      case Step::Kind::kClock:
        return MoveClock(step, out);
      case Step::Kind::kCheck:
        return Check(step, out);
      default:
        break;  // Inexpressible() ruled the other kinds out.
    }
    return true;
  }

  bool Call(const Step& step, reports::StepReport& out) {
    const CallKind kind = step.call.kind;
    out.kind = ToString(kind);
    out.description =
        DescribeCall(scenario_, step.call) + " (through the client)";
    const core::HttpRequest request = BuildCallRequest(scenario_, step.call);
    const core::HttpResponse model =
        core::HandlePublicRequest(registry_, store_, request, now_);
    out.expected_body = model.body;
    core::Result<ClientCommand> command = CommandForRequest(kind, request);
    if (!command.ok()) return StepError(out, command.status().message());

    core::Result<uint64_t> since = LatestJournalSeq(backend_);
    if (!since.ok())
      return StepError(out, "reading the journal: " + since.status().message());
    core::Result<ClientResult> result = adapter_.Send(command.value());
    if (!result.ok() && adapter_.answered() == 0) {
      return StepError(out, "the client adapter never answered (" +
                                adapter_.command() +
                                "): " + result.status().message());
    }
    core::Result<std::vector<JournalRecord>> journal =
        ReadJournal(backend_, since.value());
    if (!journal.ok()) {
      return StepError(out,
                       "reading the journal: " + journal.status().message());
    }
    std::vector<JournalRecord> sent;
    for (JournalRecord& r : journal.value()) {
      if (r.endpoint != "control" && r.endpoint != "internal")
        sent.push_back(std::move(r));
    }
    if (!sent.empty()) out.exchange = ExchangeOf(sent.front());
    if (options_.settle.count() > 0 && kind != CallKind::kAuthorize &&
        kind != CallKind::kOauthAuthorize) {
      clock_.SleepUntil(clock_.NowMono() + options_.settle);
    }

    std::vector<reports::Difference> diffs;
    if (!result.ok()) {
      diffs.push_back(
          {"client result",
           ExpectedOutcome(SummarizeAnswer(model.status, model.body), kind),
           "no result: " + result.status().message(), "model"});
    } else {
      diffs = CompareClientResult(SummarizeAnswer(model.status, model.body),
                                  kind, result.value());
      for (reports::Difference& d :
           CheckClientExpectation(step.expect, kind, result.value())) {
        diffs.push_back(std::move(d));
      }
    }
    for (reports::Difference& d : CompareSentRequests(kind, request, sent)) {
      diffs.push_back(std::move(d));
    }
    if (HasWireExpectation(step.expect)) {
      if (sent.size() == 1) {
        for (reports::Difference& d : CheckExpectation(
                 WireExpectation(step.expect), sent.front().response)) {
          diffs.push_back({"answer to the client: " + d.what, d.expected,
                           d.actual, d.source});
        }
      }
    }
    // An explicit expectation the model itself contradicts is a defect of
    // the scenario or of the model.
    for (const reports::Difference& d :
         CheckExpectation(step.expect, ToWire(model))) {
      diffs.push_back(
          {"model vs expect: " + d.what, d.expected, d.actual, d.source});
    }
    Judge(out, std::move(diffs));
    if (!result.ok()) {
      // The adapter is gone or out of step: this case cannot go on.
      out.message = "client adapter: " + result.status().message();
      return false;
    }
    return true;
  }

  bool StepError(reports::StepReport& out, const std::string& message) {
    out.verdict = reports::Verdict::kError;
    out.message = message;
    Fail(reports::Verdict::kError, "step " + std::to_string(out.index) + " (" +
                                       out.location + "): " + message);
    return false;
  }

  static std::string Abbreviated(const std::string& s) {
    return s.size() <= 80 ? s : s.substr(0, 77) + "...";
  }

  void Judge(reports::StepReport& out, std::vector<reports::Difference> diffs) {
    out.differences = std::move(diffs);
    if (out.differences.empty()) return;
    out.verdict = reports::Verdict::kFail;
    const reports::Difference& first = out.differences.front();
    out.message =
        first.what + ": expected " + Abbreviated(first.expected) + ", got " +
        Abbreviated(first.actual) +
        (first.source == "model" ? " (reference model)"
                                 : " (expect at " + first.source + ")");
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
      out.description =
          "advance " + std::to_string(step.clock.advance->count()) + " ms";
    }
    if (core::Status s = backend_.SetClock(next); !s.ok()) {
      return StepError(out, "setting the clock: " + s.message());
    }
    now_ = next;
    out.clock = core::FormatIso8601(now_);
    return true;
  }

  bool Check(const Step& step, reports::StepReport& out) {
    CheckOutcome outcome =
        RunCheck(scenario_, step, backend_, registry_, store_, now_);
    out.kind = outcome.kind;
    out.description = outcome.description;
    if (!outcome.error.ok()) return StepError(out, outcome.error.message());
    if (outcome.skipped) {
      out.verdict = reports::Verdict::kSkip;
      out.message = outcome.skip_reason;
      return true;
    }
    Judge(out, std::move(outcome.differences));
    return true;
  }

  const Scenario& scenario_;
  ClientAdapter& adapter_;
  Target& backend_;
  const RunOptions& options_;
  core::Clock& clock_;
  reports::CaseReport report_;
  core::Registry registry_;
  core::MemoryStore store_;
  core::UtcTime now_{};
};

}  // namespace

core::Result<ClientCommand> CommandForRequest(
    CallKind kind, const core::HttpRequest& request) {
  core::Result<core::ParamHash> params = RequestParams(request);
  if (!params.ok()) return params.status();
  core::Result<core::ParamHash> options = OptionsParams(request);
  if (!options.ok()) return options.status();
  if (!core::IsValidUtf8(params.value()) ||
      !core::IsValidUtf8(options.value())) {
    return core::Status::InvalidArgument(
        "a parameter is not UTF-8, and a client command is JSON text");
  }
  ClientCommand command;
  command.op = ToString(kind);
  const bool report = kind == CallKind::kReport;
  for (const auto& [name, value] : params.value().entries()) {
    std::optional<std::string>* field =
        name == "service_id"      ? &command.service_id
        : name == "provider_key"  ? &command.provider_key
        : name == "service_token" ? &command.service_token
        : report                  ? nullptr
        : name == "app_id"        ? &command.app_id
        : name == "app_key"       ? &command.app_key
        : name == "user_key"      ? &command.user_key
        : name == "referrer"      ? &command.referrer
        : name == "redirect_url"  ? &command.redirect_url
        : name == "redirect_uri"  ? &command.redirect_uri
                                  : nullptr;
    if (field != nullptr) {
      if (!value.is_string()) {
        return core::Status::InvalidArgument("parameter '" + name +
                                             "' is not a plain value");
      }
      *field = value.string();
    } else if (!report && name == "usage") {
      core::Result<ParamList> usage = PlainHash(value, name);
      if (!usage.ok()) return usage.status();
      command.usage = std::move(usage).value();
    } else if (!report && name == "log" && value.is_string()) {
      command.log_text = value.string();
    } else if (!report && name == "log") {
      core::Result<ParamList> log = PlainHash(value, name);
      if (!log.ok()) return log.status();
      command.log = std::move(log).value();
    } else if (report && name == "transactions" && value.is_hash()) {
      for (const auto& [index, transaction] : value.hash().entries()) {
        core::Result<ClientTransaction> t =
            TransactionOf(transaction, "transactions[" + index + "]");
        if (!t.ok()) return t.status();
        command.transactions.push_back(std::move(t).value());
      }
    } else {
      return core::Status::InvalidArgument(
          "parameter '" + name + "' has no place in a client command");
    }
  }
  for (const auto& [name, value] : options.value().entries()) {
    if (!value.is_string()) {
      return core::Status::InvalidArgument("3scale-options entry '" + name +
                                           "' is not a plain value");
    }
    command.extensions.emplace_back(name, value.string());
  }
  return command;
}

std::vector<reports::Difference> CompareClientResult(
    const AnswerSummary& model, CallKind kind, const ClientResult& result) {
  std::vector<reports::Difference> diffs;
  auto add = [&diffs](std::string what, std::string want, std::string got) {
    diffs.push_back(
        {std::move(what), std::move(want), std::move(got), "model"});
  };
  if (result.exception) {
    add("client result", ExpectedOutcome(model, kind),
        "exception: " + *result.exception);
    return diffs;
  }
  const std::string got_status =
      result.http_status ? std::to_string(*result.http_status) : "(none)";
  if (got_status != std::to_string(model.status)) {
    add("http_status", std::to_string(model.status), got_status);
  }
  // A conformant client succeeds on 200 (authorized; a denial is a 409) and,
  // for a report, on 202.
  const bool want_ok = model.status == (kind == CallKind::kReport ? 202 : 200);
  if (result.ok != want_ok) {
    add("ok", want_ok ? "true" : "false", result.ok ? "true" : "false");
  }
  if (model.status == 500) return diffs;  // apisonator crashed: no document.
  const std::optional<std::string> none;
  auto compare = [&](const char* what, const std::optional<std::string>& want,
                     const std::optional<std::string>& got) {
    if (want != got) add(what, Shown(want), Shown(got));
  };
  compare("error_code", model.error_document ? model.error_code : none,
          result.error_code);
  compare("error_message", model.error_document ? model.error_message : none,
          result.error_message);
  compare("reason", model.status_document ? model.reason : none, result.reason);
  compare("plan", model.status_document ? model.plan : none, result.plan);
  // Usage reports: the n-th report of a metric and period against the n-th.
  std::vector<bool> used(result.usage_reports.size(), false);
  for (const UsageReportSummary& want : model.usage_reports) {
    const std::string key = want.metric + "/" + want.period;
    const ClientUsageReport* got = nullptr;
    for (size_t i = 0; i < result.usage_reports.size() && got == nullptr; ++i) {
      const ClientUsageReport& r = result.usage_reports[i];
      if (!used[i] && r.metric == want.metric && r.period == want.period) {
        used[i] = true;
        got = &r;
      }
    }
    if (got == nullptr) {
      add("usage_report " + key, "present", "(absent)");
      continue;
    }
    compare(("usage_report " + key + " current_value").c_str(),
            want.current_value, got->current_value);
    compare(("usage_report " + key + " max_value").c_str(), want.max_value,
            got->max_value);
    compare(("usage_report " + key + " period_start").c_str(),
            want.period_start, got->period_start);
    compare(("usage_report " + key + " period_end").c_str(), want.period_end,
            got->period_end);
    if (got->exceeded && *got->exceeded != want.exceeded) {
      add("usage_report " + key + " exceeded", want.exceeded ? "true" : "false",
          *got->exceeded ? "true" : "false");
    }
  }
  for (size_t i = 0; i < result.usage_reports.size(); ++i) {
    if (used[i]) continue;
    const ClientUsageReport& r = result.usage_reports[i];
    add("usage_report " + r.metric + "/" + r.period, "(absent)", "present");
  }
  return diffs;
}

std::vector<reports::Difference> CheckClientExpectation(
    const Expectation& expect, CallKind kind, const ClientResult& result) {
  std::vector<reports::Difference> diffs;
  if (result.exception) return diffs;
  const std::string where = expect.where.ToString();
  auto add = [&](std::string what, std::string want, std::string got) {
    diffs.push_back({std::move(what), std::move(want), std::move(got), where});
  };
  auto compare = [&](const char* what, const std::optional<std::string>& want,
                     const std::optional<std::string>& got) {
    if (want && want != got) add(what, Shown(want), Shown(got));
  };
  if (expect.status && result.http_status != expect.status) {
    add("http_status", std::to_string(*expect.status),
        result.http_status ? std::to_string(*result.http_status) : "(none)");
  }
  if (expect.authorized && kind != CallKind::kReport &&
      *expect.authorized != result.ok) {
    add("ok (authorized)", *expect.authorized ? "true" : "false",
        result.ok ? "true" : "false");
  }
  compare("reason", expect.reason, result.reason);
  compare("error_code", expect.error_code, result.error_code);
  compare("error_message", expect.error_message, result.error_message);
  compare("plan", expect.plan, result.plan);
  if (expect.no_usage_reports && *expect.no_usage_reports &&
      !result.usage_reports.empty()) {
    add("usage_reports", "(none)", std::to_string(result.usage_reports.size()));
  }
  for (const auto& [key, want] : expect.usage_reports) {
    const ClientUsageReport* got = nullptr;
    for (const ClientUsageReport& r : result.usage_reports) {
      if (r.metric + "/" + r.period == key) {
        got = &r;
        break;
      }
    }
    if (got == nullptr) {
      add("usage_report " + key, "present", "(absent)");
      continue;
    }
    auto number =
        [](const std::optional<int64_t>& v) -> std::optional<std::string> {
      return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
    };
    compare(("usage_report " + key + " current_value").c_str(),
            number(want.current_value), got->current_value);
    compare(("usage_report " + key + " max_value").c_str(),
            number(want.max_value), got->max_value);
    compare(("usage_report " + key + " period_start").c_str(),
            want.period_start, got->period_start);
    compare(("usage_report " + key + " period_end").c_str(), want.period_end,
            got->period_end);
    if (want.exceeded && got->exceeded && *want.exceeded != *got->exceeded) {
      add("usage_report " + key + " exceeded",
          *want.exceeded ? "true" : "false", *got->exceeded ? "true" : "false");
    }
  }
  return diffs;
}

std::vector<reports::Difference> CompareSentRequests(
    CallKind kind, const core::HttpRequest& request,
    const std::vector<JournalRecord>& sent) {
  std::vector<reports::Difference> diffs;
  auto add = [&diffs](std::string what, std::string want, std::string got) {
    diffs.push_back(
        {std::move(what), std::move(want), std::move(got), "model"});
  };
  const std::string endpoint = ToString(kind);
  if (sent.size() != 1) {
    add("requests the client sent",
        "1 (" + request.method + " " + std::string(request.path()) + ")",
        std::to_string(sent.size()) + " (" + Described(sent) + ")");
    if (sent.empty()) return diffs;
  }
  const JournalRecord& actual = sent.front();
  if (actual.endpoint != endpoint) add("endpoint", endpoint, actual.endpoint);
  auto compare = [&](const std::string& prefix,
                     const core::Result<core::ParamHash>& want,
                     const core::Result<core::ParamHash>& got) {
    if (!want.ok() || !got.ok()) {
      add(prefix + "parameters",
          want.ok() ? "parameters" : want.status().message(),
          got.ok() ? "parameters" : got.status().message());
      return;
    }
    const std::map<std::string, std::string> a = Flatten(want.value());
    const std::map<std::string, std::string> b = Flatten(got.value());
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() || j != b.end()) {
      if (j == b.end() || (i != a.end() && i->first < j->first)) {
        add(prefix + i->first, i->second, "(not sent)");
        ++i;
      } else if (i == a.end() || j->first < i->first) {
        add(prefix + j->first, "(not sent)", j->second);
        ++j;
      } else {
        if (i->second != j->second)
          add(prefix + i->first, i->second, j->second);
        ++i;
        ++j;
      }
    }
  };
  compare("sent ", RequestParams(request), RequestParams(actual.request));
  compare("sent 3scale-options ", OptionsParams(request),
          OptionsParams(actual.request));
  return diffs;
}

reports::CaseReport RunClientScenario(const Scenario& scenario,
                                      ClientAdapter& adapter, Target& backend,
                                      const KnownDeviations& deviations,
                                      const RunOptions& options,
                                      core::Clock& clock) {
  reports::CaseReport report =
      ClientCaseRun(scenario, adapter, backend, options, clock).Run();
  deviations.Apply(report);
  return report;
}

}  // namespace scalecheck::harness
