// harness/replay.cc
#include "harness/replay.h"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/period.h"
#include "harness/raw_http_client.h"
#include "harness/recording.h"
#include "harness/replay_compare.h"
#include "mock_backend/mock_server.h"

namespace scalecheck::harness {
namespace {

constexpr std::string_view kInternalPrefix = "/internal";
constexpr std::string_view kNoControlApi = "target has no control API (clock)";
// Failing steps listed after the first one's diff, at most.
constexpr size_t kMaxMoreFailures = 10;

bool IsSuccess(int status) { return status >= 200 && status < 300; }

bool HasHeader(const HeaderList& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (name.size() != lower_name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == lower_name[i];
    }
    if (same) return true;
  }
  return false;
}

std::string RequestLine(const HttpRequest& request) {
  return request.method + " " + Printable(request.target) + " " +
         request.version;
}

// What happened to one case.
struct CaseOutcome {
  enum class Kind { kPass, kFail, kSkip, kUnreachable };
  Kind kind = Kind::kPass;
  std::string reason;  // kFail: "step N: what"; kSkip / kUnreachable: why.
  std::string diff;    // kFail: the diff lines of the first failure.
  std::vector<std::string> more_failures;  // "step N: what" after the first.
  bool framing_only = true;  // kFail: nothing but framing differed.
};

// Runs cases against one target over fresh connections.
class CaseRunner {
 public:
  CaseRunner(RawHttpClient& client, const ReplayOptions& options,
             std::ostream& out)
      : client_(client), options_(options), out_(out) {
    host_ = client_.endpoint().HostPort();
    if (!options_.internal_auth.empty()) {
      authorization_ = "Basic " + Base64Encode(options_.internal_auth);
    }
  }

  CaseOutcome Run(const Case& recording) {
    CaseOutcome outcome;
    // Reset. A target without the control API cannot be put in the
    // recorded state nor at the recorded time: skip rather than guess.
    core::Result<HttpResponse> reset = Control("POST", "/reset", "");
    if (!reset.ok()) return NoResponse("reset", reset.status());
    if (reset->status == 404) return Skip(std::string(kNoControlApi));
    if (!IsSuccess(reset->status)) {
      Fail(outcome,
           "reset: the control API answered " + std::to_string(reset->status),
           "", false);
      return outcome;
    }

    for (size_t i = 0; i < recording.fixture.size(); ++i) {
      const FixtureEntry& entry = recording.fixture[i];
      const std::string where = "fixture " + std::to_string(i + 1);
      const HttpRequest request =
          InternalRequest(entry.method, entry.path, {}, entry.body);
      core::Result<HttpResponse> response = client_.Send(request);
      if (!response.ok()) {
        CaseOutcome failed = NoResponse(where, response.status());
        if (failed.kind == CaseOutcome::Kind::kUnreachable) return failed;
        Fail(outcome, failed.reason, RequestLines(request), false);
        continue;
      }
      if (entry.status == 0) continue;
      HttpResponse expected;
      expected.status = entry.status;
      expected.body = entry.response_body;
      CompareOptions fixture_compare;
      fixture_compare.compare_headers = false;
      fixture_compare.compare_framing = false;
      const std::vector<Difference> differences = CompareResponse(
          expected, *response, UnorderedRulesFor(recording), fixture_compare);
      if (!differences.empty()) {
        Fail(outcome, where + ": " + differences.front().Summary(),
             RequestLines(request) +
                 FormatDifferences(expected, *response, differences),
             false);
      }
    }

    const UnorderedRules unordered = UnorderedRulesFor(recording);
    for (size_t i = 0; i < recording.steps.size(); ++i) {
      const RecordedStep& step = recording.steps[i];
      const std::string where = "step " + std::to_string(i + 1);
      core::Result<HttpResponse> set_clock =
          Control("PUT", "/clock",
                  "{\"now\":\"" + core::FormatIso8601(step.at) + "\"}");
      if (!set_clock.ok()) {
        return NoResponse(where + ": setting the clock", set_clock.status());
      }
      if (set_clock->status == 404) return Skip(std::string(kNoControlApi));
      if (!IsSuccess(set_clock->status)) {
        Fail(outcome,
             where + ": setting the clock: the control API answered " +
                 std::to_string(set_clock->status),
             "", false);
        return outcome;
      }

      const HttpRequest request = StepRequest(step.request);
      core::Result<HttpResponse> response = client_.Send(request);
      if (!response.ok()) {
        CaseOutcome failed = NoResponse(where, response.status());
        if (failed.kind == CaseOutcome::Kind::kUnreachable) return failed;
        Verbose(where, request, "no response");
        Fail(outcome, failed.reason, RequestLines(request), false);
        continue;
      }

      if (step.after_flush) {
        core::Result<HttpResponse> flush = Control("POST", "/flush", "");
        if (!flush.ok()) return NoResponse(where + ": flush", flush.status());
        if (!IsSuccess(flush->status)) {
          Fail(outcome,
               where + ": flush: the control API answered " +
                   std::to_string(flush->status),
               "", false);
        }
      }

      CompareOptions compare;
      compare.status_only = step.compare == RecordedCompare::kStatus;
      compare.compare_headers = options_.compare_headers;
      compare.compare_framing = options_.compare_framing;
      compare.strict_transport = options_.strict_transport;
      const std::vector<Difference> differences =
          CompareResponse(step.response, *response, unordered, compare);
      Verbose(where, request,
              std::to_string(response->status) +
                  (differences.empty() ? " ok" : " differs"));
      if (!differences.empty()) {
        Fail(outcome, where + ": " + differences.front().Summary(),
             RequestLines(request) +
                 FormatDifferences(step.response, *response, differences),
             OnlyFramingDiffers(differences));
      }
    }
    return outcome;
  }

 private:
  // Records a failure; the first one keeps its diff.
  static void Fail(CaseOutcome& outcome, std::string reason, std::string diff,
                   bool framing_only) {
    outcome.framing_only = outcome.framing_only && framing_only;
    if (outcome.kind != CaseOutcome::Kind::kFail) {
      outcome.kind = CaseOutcome::Kind::kFail;
      outcome.reason = std::move(reason);
      outcome.diff = std::move(diff);
    } else {
      outcome.more_failures.push_back(std::move(reason));
    }
  }

  static CaseOutcome Skip(std::string reason) {
    CaseOutcome outcome;
    outcome.kind = CaseOutcome::Kind::kSkip;
    outcome.reason = std::move(reason);
    return outcome;
  }

  // A request got no answer: the target is gone (kUnreachable) or it did
  // not answer this request (a failure of the case).
  CaseOutcome NoResponse(const std::string& where, const core::Status& error) {
    CaseOutcome outcome;
    const core::Status probe = client_.Probe();
    if (!probe.ok()) {
      outcome.kind = CaseOutcome::Kind::kUnreachable;
      outcome.reason = probe.message();
      return outcome;
    }
    outcome.kind = CaseOutcome::Kind::kFail;
    outcome.framing_only = false;
    outcome.reason = where + ": no response: " + error.message();
    return outcome;
  }

  core::Result<HttpResponse> Control(const std::string& method,
                                     std::string_view path,
                                     const std::string& body) {
    HttpRequest request;
    request.method = method;
    request.target =
        std::string(mock_backend::kControlPrefix) + std::string(path);
    request.headers.emplace_back("Host", host_);
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
    }
    request.headers.emplace_back("Content-Length", std::to_string(body.size()));
    request.body = body;
    return client_.Send(request);
  }

  // A request to the internal API as the recorder sent it: Host, the
  // recorded headers (or Content-Type for a fixture body), our credentials
  // and a Content-Length for bodies and bodiless POST/PUT/PATCH.
  HttpRequest InternalRequest(const std::string& method,
                              const std::string& path,
                              const HeaderList& recorded_headers,
                              const std::string& body) const {
    HttpRequest request;
    request.method = method;
    request.target = std::string(kInternalPrefix) + path;
    HeaderList headers = recorded_headers;
    if (!HasHeader(headers, "host")) {
      headers.insert(headers.begin(), {"Host", host_});
    }
    if (!body.empty() && !HasHeader(headers, "content-type")) {
      headers.emplace_back("Content-Type", "application/json");
    }
    if (!authorization_.empty() && !HasHeader(headers, "authorization")) {
      headers.emplace_back("Authorization", authorization_);
    }
    const bool wants_length = !body.empty() || method == "POST" ||
                              method == "PUT" || method == "PATCH";
    if (wants_length && !HasHeader(headers, "content-length") &&
        !HasHeader(headers, "transfer-encoding")) {
      headers.emplace_back("Content-Length", std::to_string(body.size()));
    }
    request.headers = std::move(headers);
    request.body = body;
    return request;
  }

  HttpRequest StepRequest(const RecordedRequest& recorded) const {
    if (recorded.api == Api::kInternal) {
      HttpRequest request = InternalRequest(recorded.method, recorded.target,
                                            recorded.headers, recorded.body);
      request.version = recorded.version;
      return request;
    }
    HttpRequest request;
    request.method = recorded.method;
    request.target = recorded.target;
    request.version = recorded.version;
    request.headers = recorded.headers;
    request.body = recorded.body;
    return request;
  }

  // "  request: GET /x HTTP/1.1", and with --verbose the headers and body
  // that went with it.
  std::string RequestLines(const HttpRequest& request) const {
    std::string lines = "  request: " + RequestLine(request) + "\n";
    if (!options_.verbose) return lines;
    for (const auto& [name, value] : request.headers) {
      lines += "  request header: " + Printable(name) + ": " +
               Printable(value) + "\n";
    }
    if (!request.body.empty()) {
      lines += "  request body: " + Printable(request.body) + "\n";
    }
    return lines;
  }

  void Verbose(const std::string& where, const HttpRequest& request,
               const std::string& result) {
    if (!options_.verbose) return;
    out_ << "  " << where << ": " << RequestLine(request) << " -> " << result
         << "\n";
  }

  RawHttpClient& client_;
  const ReplayOptions& options_;
  std::ostream& out_;
  std::string host_;           // "127.0.0.1:3001" for Host headers.
  std::string authorization_;  // "Basic ..."; empty: none.
};

core::Result<std::map<std::string, std::string>> LoadKnownFailures(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Status::NotFound(path + ": cannot read");
  std::map<std::string, std::string> known;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    const size_t end = line.find_first_of(" \t", start);
    const std::string name = line.substr(start, end - start);
    const size_t reason_start =
        end == std::string::npos ? end : line.find_first_not_of(" \t", end);
    if (reason_start == std::string::npos) {
      return core::Status::InvalidArgument(
          path + ":" + std::to_string(number) + ":1: '" + name +
          "' needs a reason after the case name");
    }
    known[name] = line.substr(reason_start);
  }
  return known;
}

}  // namespace

ExitCode RunReplay(const ReplayOptions& options, core::Clock& clock,
                   std::ostream& out, std::ostream& err) {
  if (options.paths.empty()) {
    err << "scalecheck: replay needs recordings (files or directories)\n";
    return ExitCode::kUsage;
  }
  core::Result<std::vector<std::string>> files = ExpandPaths(options.paths);
  if (!files.ok()) {
    err << files.status().message() << "\n";
    return ExitCode::kUsage;
  }
  std::vector<Case> cases;
  bool unreadable = false;
  for (const std::string& file : *files) {
    core::Result<Case> loaded = LoadRecording(file);
    if (!loaded.ok()) {
      err << loaded.status().message() << "\n";
      unreadable = true;
      continue;
    }
    if (options.filter.empty() ||
        ::fnmatch(options.filter.c_str(), loaded->name.c_str(), 0) == 0) {
      cases.push_back(std::move(loaded).value());
    }
  }
  if (unreadable) return ExitCode::kUsage;
  if (cases.empty()) {
    err << "scalecheck: no recording matches --filter '" << options.filter
        << "'\n";
    return ExitCode::kUsage;
  }

  std::map<std::string, std::string> known;
  if (!options.known_failures_path.empty()) {
    core::Result<std::map<std::string, std::string>> loaded =
        LoadKnownFailures(options.known_failures_path);
    if (!loaded.ok()) {
      err << loaded.status().message() << "\n";
      return ExitCode::kUsage;
    }
    known = std::move(loaded).value();
  }

  std::unique_ptr<mock_backend::MockServer> mock;
  std::string base_url = options.target_url;
  if (base_url.empty()) {
    mock_backend::MockOptions mock_options;
    mock_options.host = "127.0.0.1";
    mock_options.port = 0;
    mock_options.internal_auth = options.internal_auth;
    core::Result<std::unique_ptr<mock_backend::MockServer>> started =
        mock_backend::MockServer::Start(mock_options, clock);
    if (!started.ok()) {
      err << "scalecheck: cannot start the embedded mock: "
          << started.status().message() << "\n";
      return ExitCode::kInfrastructure;
    }
    mock = std::move(started).value();
    base_url = mock->base_url();
  }
  core::Result<Endpoint> endpoint = ParseHttpUrl(base_url);
  if (!endpoint.ok()) {
    err << "scalecheck: bad target url " << endpoint.status().message() << "\n";
    return ExitCode::kUsage;
  }
  RawHttpOptions http_options;
  http_options.connect_timeout = options.connect_timeout;
  http_options.read_timeout = options.read_timeout;
  RawHttpClient client(*endpoint, http_options, clock);
  if (core::Status reachable = client.Probe(); !reachable.ok()) {
    err << "scalecheck: cannot reach target " << base_url << ": "
        << reachable.message() << "\n";
    return ExitCode::kInfrastructure;
  }

  CaseRunner runner(client, options, out);
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int framing_only = 0;
  int known_failed = 0;
  for (const Case& recording : cases) {
    const CaseOutcome outcome = runner.Run(recording);
    const auto known_reason = known.find(recording.name);
    if (known_reason != known.end()) {
      if (outcome.kind == CaseOutcome::Kind::kFail) {
        ++known_failed;
        out << "KNOWN " << recording.name << " (" << outcome.reason
            << "): " << known_reason->second << "\n";
        continue;
      }
      if (outcome.kind == CaseOutcome::Kind::kPass) {
        ++failed;
        out << "FIXED " << recording.name
            << " (listed in " << options.known_failures_path
            << " but passes: remove it from the list)\n";
        continue;
      }
    }
    switch (outcome.kind) {
      case CaseOutcome::Kind::kPass:
        ++passed;
        out << "PASS " << recording.name << "\n";
        break;
      case CaseOutcome::Kind::kSkip:
        ++skipped;
        out << "SKIP " << recording.name << " (" << outcome.reason << ")\n";
        break;
      case CaseOutcome::Kind::kFail: {
        ++failed;
        if (outcome.framing_only) ++framing_only;
        out << "FAIL " << recording.name << " (" << outcome.reason;
        if (!outcome.more_failures.empty()) {
          out << "; " << outcome.more_failures.size() << " more";
        }
        out << ")\n" << outcome.diff;
        const size_t listed =
            std::min(outcome.more_failures.size(), kMaxMoreFailures);
        for (size_t i = 0; i < listed; ++i) {
          out << "  also: " << outcome.more_failures[i] << "\n";
        }
        if (listed < outcome.more_failures.size()) {
          out << "  also: " << outcome.more_failures.size() - listed
              << " more\n";
        }
        break;
      }
      case CaseOutcome::Kind::kUnreachable:
        out.flush();
        err << "scalecheck: cannot reach target " << base_url << ": "
            << outcome.reason << "\n";
        return ExitCode::kInfrastructure;
    }
  }
  if (framing_only > 0) {
    out << "replay: " << framing_only << " of the " << failed
        << " failed cases differ only in framing\n";
  }
  out << "replay: " << passed << " passed, " << failed << " failed, " << skipped
      << " skipped, " << known_failed << " known failures\n";
  out << passed << " passed, " << failed << " failed\n";
  if (mock) mock->Stop();
  return failed > 0 ? ExitCode::kFailed : ExitCode::kOk;
}

}  // namespace scalecheck::harness
