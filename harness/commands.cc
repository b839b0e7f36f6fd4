#include "harness/commands.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <type_traits>

#include "harness/gateway_config.h"
#include "harness/raw_http_client.h"
#include "harness/recording.h"
#include "harness/scenario_loader.h"
#include "harness/seeding.h"
#include "harness/validate.h"
#include "mock_backend/mock_server.h"

namespace scalecheck::harness {
namespace {

std::string BasicAuthorization(const std::string& user_pass) {
  return "Basic " + Base64Encode(user_pass);
}

// Seeds a running mock through its own internal API, as any target is seeded.
ExitCode SeedFixture(const std::string& path, const std::string& base_url,
                     const std::string& internal_auth, core::Clock& clock,
                     std::ostream& err) {
  // A scenario's fixture (.toml), or the internal-API calls of a golden
  // recording (.json).
  std::vector<FixtureEntry> entries;
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".toml") == 0) {
    core::Result<Scenario> scenario = LoadScenario(path);
    if (!scenario.ok()) {
      err << scenario.status().message() << "\n";
      return ExitCode::kUsage;
    }
    for (const InternalCall& call : SeedingCalls(scenario.value())) {
      entries.push_back(FixtureEntry{call.method, call.path, call.body, 0, ""});
    }
  } else {
    core::Result<Case> recording = LoadRecording(path);
    if (!recording.ok()) {
      err << "scalecheck: " << recording.status().message() << "\n";
      return ExitCode::kUsage;
    }
    entries = recording.value().fixture;
  }
  core::Result<Endpoint> endpoint = ParseHttpUrl(base_url);
  if (!endpoint.ok()) {
    err << "scalecheck: " << endpoint.status().message() << "\n";
    return ExitCode::kInfrastructure;
  }
  RawHttpClient client(endpoint.value(), RawHttpOptions{}, clock);
  for (const FixtureEntry& entry : entries) {
    HttpRequest request;
    request.method = entry.method;
    request.target = "/internal" + entry.path;
    request.headers = {{"Host", endpoint.value().HostPort()}};
    if (!internal_auth.empty()) {
      request.headers.emplace_back("Authorization",
                                   BasicAuthorization(internal_auth));
    }
    if (!entry.body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
    }
    request.headers.emplace_back("Content-Length",
                                 std::to_string(entry.body.size()));
    request.body = entry.body;
    core::Result<HttpResponse> response = client.Send(request);
    if (!response.ok()) {
      err << "scalecheck: " << response.status().message() << "\n";
      return ExitCode::kInfrastructure;
    }
    if (response.value().status >= 400) {
      err << "scalecheck: " << path << ": " << entry.method << " " << entry.path
          << " answered " << response.value().status << ": "
          << response.value().body << "\n";
      return ExitCode::kUsage;
    }
  }
  return ExitCode::kOk;
}

ExitCode RunMock(const MockCommand& command, core::Clock& clock,
                 std::ostream& out, std::ostream& err) {
  // Block the stop signals in every thread the server starts; this thread
  // takes them with sigwait(), so no handler runs in signal context.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto server = mock_backend::MockServer::Start(command.options, clock);
  if (!server.ok()) {
    err << "scalecheck: " << server.status().message() << "\n";
    return ExitCode::kInfrastructure;
  }
  out << "listening on " << command.options.host << ":"
      << server.value()->port() << std::endl;
  if (!command.fixture_path.empty()) {
    const ExitCode seeded =
        SeedFixture(command.fixture_path, server.value()->base_url(),
                    command.options.internal_auth, clock, err);
    if (seeded != ExitCode::kOk) return seeded;
    out << "seeded from " << command.fixture_path << std::endl;
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  out << "stopping on signal " << signal_number << std::endl;
  server.value()->Stop();
  return ExitCode::kOk;
}

// `export apicast`: the scenario's APIcast configuration on `out`.
ExitCode RunExport(const ExportCommand& command, std::ostream& out, std::ostream& err) {
  core::Result<Scenario> scenario = LoadScenario(command.scenario_path);
  if (!scenario.ok()) {
    err << scenario.status().message() << "\n";
    return ExitCode::kUsage;
  }
  const bool any = std::any_of(scenario.value().services.begin(),
                               scenario.value().services.end(),
                               [](const ServiceSpec& s) { return s.gateway.has_value(); });
  if (!any) {
    err << "scalecheck: " << command.scenario_path
        << ": no service has a [services.gateway] table\n";
    return ExitCode::kUsage;
  }
  out << ExportApicastConfig(scenario.value(), command.options);
  return out ? ExitCode::kOk : ExitCode::kInfrastructure;
}

}  // namespace

ExitCode ExecuteCommand(const Command& command, core::Clock& clock,
                    std::ostream& out, std::ostream& err) {
  return std::visit(
      [&](const auto& c) -> ExitCode {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, MockCommand>) {
          return RunMock(c, clock, out, err);
        } else if constexpr (std::is_same_v<T, ReplayCommand>) {
          return RunReplay(c.options, clock, out, err);
        } else if constexpr (std::is_same_v<T, RunCommand>) {
          return RunRunCommand(c.options, clock, out, err);
        } else if constexpr (std::is_same_v<T, ListCommand>) {
          return RunListCommand(c.options, out, err);
        } else if constexpr (std::is_same_v<T, ExportCommand>) {
          return RunExport(c, out, err);
        } else if constexpr (std::is_same_v<T, LoadCommand>) {
          return RunLoad(c.options, clock, out, err);
        } else {
          return RunValidate(c.paths, out, err);
        }
      },
      command);
}

}  // namespace scalecheck::harness
