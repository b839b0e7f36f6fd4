#include "harness/client_command.h"

#include <fnmatch.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "core/period.h"
#include "harness/client_adapter.h"
#include "harness/client_runner.h"
#include "harness/known_deviations.h"
#include "harness/scenario_loader.h"
#include "harness/target.h"
#include "reports/console_report.h"
#include "reports/report_files.h"

namespace scalecheck::harness {
namespace {

// The same selection as `scalecheck run`: any --filter glob on the id, any
// --tag.
bool Selected(const Scenario& scenario, const ClientCommandOptions& options) {
  const auto matches_glob = [&](const std::string& glob) {
    return ::fnmatch(glob.c_str(), scenario.id.c_str(), 0) == 0;
  };
  const auto has_tag = [&](const std::string& tag) {
    return std::find(scenario.tags.begin(), scenario.tags.end(), tag) !=
           scenario.tags.end();
  };
  return (options.filters.empty() ||
          std::any_of(options.filters.begin(), options.filters.end(),
                      matches_glob)) &&
         (options.tags.empty() ||
          std::any_of(options.tags.begin(), options.tags.end(), has_tag));
}

// Loads and selects; prints every load error. nullopt: a bad scenario.
std::optional<std::vector<Scenario>> LoadSelected(
    const ClientCommandOptions& options, std::ostream& err) {
  core::Result<std::vector<std::string>> files =
      FindScenarioFiles(options.paths);
  if (!files.ok()) {
    err << "scalecheck: " << files.status().message() << "\n";
    return std::nullopt;
  }
  std::vector<Scenario> scenarios;
  bool bad = false;
  for (const std::string& file : files.value()) {
    core::Result<Scenario> scenario = LoadScenario(file);
    if (!scenario.ok()) {
      err << scenario.status().message() << "\n";
      bad = true;
    } else if (Selected(scenario.value(), options)) {
      scenarios.push_back(std::move(scenario).value());
    }
  }
  if (bad) return std::nullopt;
  return scenarios;
}

}  // namespace

ExitCode RunClientCommand(const ClientCommandOptions& options,
                          core::Clock& clock, std::ostream& out,
                          std::ostream& err) {
  if (options.command.empty()) {
    err << "scalecheck: --client needs the command that starts the adapter\n";
    return ExitCode::kUsage;
  }
  if (options.timeout.count() <= 0) {
    err << "scalecheck: --client-timeout must be positive\n";
    return ExitCode::kUsage;
  }
  KnownDeviations deviations;
  if (!options.deviations_path.empty()) {
    core::Result<KnownDeviations> loaded =
        KnownDeviations::Load(options.deviations_path);
    if (!loaded.ok()) {
      err << "scalecheck: " << loaded.status().message() << "\n";
      return ExitCode::kUsage;
    }
    deviations = std::move(loaded).value();
  }
  std::optional<std::vector<Scenario>> scenarios = LoadSelected(options, err);
  if (!scenarios) return ExitCode::kUsage;
  if (scenarios->empty()) {
    err << "scalecheck: no scenario matches the paths, --filter and --tag "
           "given\n";
    return ExitCode::kUsage;
  }
  core::Result<std::unique_ptr<Target>> backend =
      Target::Open(TargetOptions{}, clock);
  if (!backend.ok()) {
    err << "scalecheck: " << backend.status().message() << "\n";
    return ExitCode::kInfrastructure;
  }
  ClientAdapterOptions adapter_options;
  adapter_options.command = options.command;
  adapter_options.backend_url = backend.value()->base_url();
  adapter_options.timeout = options.timeout;
  core::Result<std::unique_ptr<ClientAdapter>> adapter =
      ClientAdapter::Start(adapter_options, clock);
  if (!adapter.ok()) {
    err << "scalecheck: " << adapter.status().message() << "\n";
    return ExitCode::kInfrastructure;
  }

  reports::RunReport report;
  report.tool_version = "scalecheck 0.1.0";
  report.target = "client '" + options.command + "' against the " +
                  backend.value()->description();
  report.compare_mode = "client";
  report.seed = options.seed;
  report.started_at = core::FormatIso8601(clock.NowUtc());
  const core::MonoTime started = clock.NowMono();
  bool infrastructure = false;
  for (const Scenario& scenario : *scenarios) {
    report.cases.push_back(RunClientScenario(scenario, *adapter.value(),
                                             *backend.value(), deviations,
                                             options.run, clock));
    const reports::CaseReport& done = report.cases.back();
    if (done.verdict != reports::Verdict::kError) continue;
    infrastructure = true;
    if (adapter.value()->answered() == 0) {
      // Nothing will work: say so once rather than once per case.
      err << "scalecheck: the client adapter cannot start: " << done.message
          << "\n";
      break;
    }
  }
  report.wall_time = std::chrono::duration_cast<std::chrono::microseconds>(
      clock.NowMono() - started);
  reports::ConsoleOptions console;
  console.verbose = options.verbose;
  console.color = options.color;
  reports::WriteConsoleReport(report, console, out);
  if (!options.report_dir.empty()) {
    if (core::Status written =
            reports::WriteReportFiles(report, options.report_dir);
        !written.ok()) {
      err << "scalecheck: " << written.message() << "\n";
      return ExitCode::kInfrastructure;
    }
    out << "reports: " << options.report_dir
        << "/junit.xml, report.json, report.html\n";
  }
  if (infrastructure) return ExitCode::kInfrastructure;
  return report.Count(reports::Verdict::kFail) > 0 ? ExitCode::kFailed
                                                   : ExitCode::kOk;
}

}  // namespace scalecheck::harness
