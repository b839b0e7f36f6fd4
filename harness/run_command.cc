#include "harness/run_command.h"

#include <fnmatch.h>

#include <algorithm>

#include "core/period.h"
#include "harness/scenario_loader.h"
#include "reports/console_report.h"
#include "reports/report_files.h"

namespace scalecheck::harness {
namespace {

bool Selected(const Scenario& scenario, const RunCommandOptions& options) {
  if (!options.filters.empty() &&
      std::none_of(options.filters.begin(), options.filters.end(),
                   [&](const std::string& glob) {
                     return ::fnmatch(glob.c_str(), scenario.id.c_str(), 0) == 0;
                   })) {
    return false;
  }
  if (!options.tags.empty() &&
      std::none_of(options.tags.begin(), options.tags.end(),
                   [&](const std::string& tag) {
                     return std::find(scenario.tags.begin(), scenario.tags.end(),
                                      tag) != scenario.tags.end();
                   })) {
    return false;
  }
  return true;
}

// Loads and selects; prints every load error. nullopt: a bad scenario.
std::optional<std::vector<Scenario>> LoadSelected(
    const RunCommandOptions& options, std::ostream& err) {
  core::Result<std::vector<std::string>> files = FindScenarioFiles(options.paths);
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
      continue;
    }
    if (Selected(scenario.value(), options)) {
      scenarios.push_back(std::move(scenario).value());
    }
  }
  if (bad) return std::nullopt;
  return scenarios;
}

std::string WallClockNow(core::Clock& clock) {
  return core::FormatIso8601(clock.NowUtc());
}

}  // namespace

ExitCode RunRunCommand(const RunCommandOptions& options, core::Clock& clock,
                       std::ostream& out, std::ostream& err) {
  if (!options.client.empty()) {
    ClientCommandOptions client;
    client.command = options.client;
    client.paths = options.paths;
    client.filters = options.filters;
    client.tags = options.tags;
    client.deviations_path = options.deviations_path;
    client.report_dir = options.report_dir;
    client.timeout = options.client_timeout;
    client.run = options.run;
    client.seed = options.seed;
    client.verbose = options.verbose;
    client.color = options.color;
    return RunClientCommand(client, clock, out, err);
  }
  std::optional<std::vector<Scenario>> scenarios = LoadSelected(options, err);
  if (!scenarios) return ExitCode::kUsage;
  if (scenarios->empty()) {
    err << "scalecheck: no scenario matches the paths, --filter and --tag given\n";
    return ExitCode::kUsage;
  }
  core::Result<std::unique_ptr<Target>> target = Target::Open(options.target, clock);
  if (!target.ok()) {
    err << "scalecheck: " << target.status().message() << "\n";
    return target.status().code() == core::StatusCode::kInvalidArgument
               ? ExitCode::kUsage
               : ExitCode::kInfrastructure;
  }
  std::unique_ptr<GatewayTarget> gateway;
  if (!options.gateway.url.empty()) {
    core::Result<std::unique_ptr<GatewayTarget>> opened =
        GatewayTarget::Open(options.gateway, clock);
    if (!opened.ok()) {
      err << "scalecheck: " << opened.status().message() << "\n";
      return opened.status().code() == core::StatusCode::kInvalidArgument
                 ? ExitCode::kUsage
                 : ExitCode::kInfrastructure;
    }
    gateway = std::move(opened).value();
  }
  reports::RunReport report;
  report.tool_version = "scalecheck 0.1.0";
  report.target = target.value()->description() +
                  (target.value()->has_control_api() ? "" : " (live: no control API)");
  if (gateway) {
    report.target = gateway->description() + " in front of " + report.target +
                    ", caching " + core::ToString(options.gateway.cache);
  }
  report.compare_mode =
      options.run.compare == CompareMode::kExact ? "exact" : "semantic";
  report.seed = options.seed;
  report.started_at = WallClockNow(clock);
  const core::MonoTime started = clock.NowMono();
  bool infrastructure = false;
  for (const Scenario& scenario : *scenarios) {
    report.cases.push_back(
        RunScenario(scenario, *target.value(), gateway.get(), options.run, clock));
    if (report.cases.back().verdict == reports::Verdict::kError) infrastructure = true;
  }
  report.wall_time = std::chrono::duration_cast<std::chrono::microseconds>(
      clock.NowMono() - started);
  reports::ConsoleOptions console;
  console.verbose = options.verbose;
  console.color = options.color;
  reports::WriteConsoleReport(report, console, out);
  if (!options.report_dir.empty()) {
    if (core::Status written = reports::WriteReportFiles(report, options.report_dir);
        !written.ok()) {
      err << "scalecheck: " << written.message() << "\n";
      return ExitCode::kInfrastructure;
    }
    out << "reports: " << options.report_dir << "/junit.xml, report.json, report.html\n";
  }
  if (infrastructure) return ExitCode::kInfrastructure;
  return report.Count(reports::Verdict::kFail) > 0 ? ExitCode::kFailed : ExitCode::kOk;
}

ExitCode RunListCommand(const RunCommandOptions& options, std::ostream& out,
                        std::ostream& err) {
  std::optional<std::vector<Scenario>> scenarios = LoadSelected(options, err);
  if (!scenarios) return ExitCode::kUsage;
  for (const Scenario& s : *scenarios) {
    out << s.id << "  " << s.title << "\n";
  }
  out << scenarios->size() << " scenarios\n";
  return ExitCode::kOk;
}

}  // namespace scalecheck::harness
