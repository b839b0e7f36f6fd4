#include "harness/load_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <utility>
#include <vector>

#include "core/params.h"
#include "core/period.h"
#include "core/units.h"
#include "harness/histogram.h"
#include "harness/load_checks.h"
#include "harness/load_engine.h"
#include "harness/scenario_loader.h"
#include "harness/schedule.h"
#include "harness/seeding.h"
#include "mock_backend/mock_server.h"
#include "reports/text_format.h"

namespace scalecheck::harness {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

// The embedded mock's internal API credentials, as Target::Open uses.
constexpr const char* kEmbeddedAuth = "scalecheck:scalecheck";
// Applications per batch request when seeding a population.
constexpr size_t kBatchSize = 1000;
// Skew allowed between the target's calendar and ours when placing an
// authrep in a period instance: small when we set the target's clock,
// larger for a live target.
constexpr milliseconds kControlledMargin{10};
constexpr milliseconds kLiveMargin{1000};

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// Microseconds as milliseconds with 3 decimals.
std::string Ms(int64_t us) {
  return Fixed(static_cast<double>(us) / 1000.0, 3);
}

double Seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

// --rate, --duration and --connections applied to the scenario's section.
core::Status ApplyOverrides(const LoadCommandOptions& options, LoadSpec& load) {
  milliseconds total{0};
  for (const LoadStage& s : load.stages) total += s.duration;
  if (options.duration && options.duration->count() <= 0) {
    return core::Status::InvalidArgument("--duration must be positive");
  }
  if (options.rate_per_s) {
    if (!std::isfinite(*options.rate_per_s) || *options.rate_per_s <= 0) {
      return core::Status::InvalidArgument("--rate must be a positive number");
    }
    LoadStage stage;
    stage.duration = options.duration.value_or(total);
    stage.rate_per_s = *options.rate_per_s;
    load.stages = {stage};
  } else if (options.duration && total.count() > 0) {
    // Every stage scaled alike; the last takes the rounding.
    milliseconds assigned{0};
    for (size_t i = 0; i < load.stages.size(); ++i) {
      LoadStage& s = load.stages[i];
      if (i + 1 == load.stages.size()) {
        s.duration = *options.duration - assigned;
      } else {
        s.duration = milliseconds(static_cast<int64_t>(
            std::llround(static_cast<double>(s.duration.count()) *
                         static_cast<double>(options.duration->count()) /
                         static_cast<double>(total.count()))));
      }
      if (s.duration.count() <= 0) {
        return core::Status::InvalidArgument(
            "--duration is too short for " +
            std::to_string(load.stages.size()) + " stages");
      }
      assigned += s.duration;
    }
  }
  if (options.connections) {
    if (*options.connections < 1 || *options.connections > 10000) {
      return core::Status::InvalidArgument(
          "--connections must be from 1 to 10000");
    }
    load.connections = *options.connections;
  }
  if (load.connections < 1) {
    return core::Status::InvalidArgument("connections must be at least 1");
  }
  return core::Status();
}

core::Status Expect2xx(const core::Result<HttpResponse>& response,
                       const std::string& what) {
  if (!response.ok()) {
    return core::Status::Unavailable(what + ": " + response.status().message());
  }
  if (response.value().status / 100 != 2) {
    return core::Status::Unavailable(
        what + " answered " + std::to_string(response.value().status) + ": " +
        reports::Truncate(response.value().body, 300));
  }
  return core::Status();
}

// Resets a target with the control API, keeping the fault rules it had (a
// run against a deliberately faulty mock stays faulty), and sets its
// calendar to `now`, running from there.
core::Status ResetKeepingFaults(Target& target, core::UtcTime now, int& kept) {
  core::Result<HttpResponse> faults = target.Control("GET", "/faults", "");
  std::vector<Json> rules;
  if (faults.ok() && faults.value().status == 200) {
    const Json body = Json::parse(faults.value().body, nullptr, false);
    if (body.is_object() && body["faults"].is_array()) {
      for (Json rule : body["faults"]) {
        if (!rule.is_object()) continue;
        rule.erase("hits");
        rules.push_back(std::move(rule));
      }
    }
  }
  if (core::Status s = target.Reset(); !s.ok()) return s;
  for (const Json& rule : rules) {
    if (core::Status s =
            Expect2xx(target.Control("POST", "/faults", rule.dump()),
                      "restoring fault rule " + rule.value("id", ""));
        !s.ok()) {
      return s;
    }
  }
  kept = static_cast<int>(rules.size());
  if (core::Status s = target.SetClock(now); !s.ok()) return s;
  return Expect2xx(target.Control("PUT", "/clock", R"({"mode":"follow"})"),
                   "letting the clock run");
}

// The fixture, then the generated populations: the batch endpoint of newer
// apisonator releases, or one application at a time where it is missing
// (apisonator 3.4.3).
core::Status Seed(Target& target, const Scenario& scenario,
                  const Workload& workload) {
  for (const InternalCall& call : SeedingCalls(scenario)) {
    if (core::Status s =
            Expect2xx(target.Internal(call.method, call.path, call.body),
                      "seeding " + call.method + " /internal" + call.path);
        !s.ok()) {
      return s;
    }
  }
  for (size_t p = 0; p < workload.populations().size(); ++p) {
    if (!workload.generated(p)) continue;
    const Workload::Population& population = workload.populations()[p];
    const std::string sid = workload.services()[population.service].id;
    const std::string base =
        "/services/" + core::EncodeComponent(sid) + "/applications/";
    bool batch = true;
    for (size_t first = 0; first < population.count; first += kBatchSize) {
      const size_t last = std::min(population.count, first + kBatchSize);
      Json apps = Json::array();
      for (size_t i = first; i < last; ++i) {
        const size_t app = population.first_app + i;
        Json entry = {{"id", workload.AppId(app)},
                      {"state", "active"},
                      {"plan_id", population.plan_id},
                      {"plan_name", population.plan_name}};
        if (population.with_keys) {
          entry["application_keys"] = Json::array({workload.AppKey(app)});
        }
        apps.push_back(std::move(entry));
      }
      if (batch) {
        core::Result<HttpResponse> r = target.Internal(
            "PUT", base + "batch", Json{{"applications", apps}}.dump());
        if (r.ok() && r.value().status == 404) {
          batch = false;
        } else {
          if (core::Status s = Expect2xx(r, "seeding " + sid + " applications");
              !s.ok()) {
            return s;
          }
          const Json body = Json::parse(r.value().body, nullptr, false);
          if (!body.is_object() || body.value("failed", int64_t{-1}) != 0) {
            return core::Status::Unavailable(
                "seeding " + sid +
                " applications: " + reports::Truncate(r.value().body, 300));
          }
          continue;
        }
      }
      for (const Json& entry : apps) {
        const std::string path =
            base + core::EncodeComponent(entry["id"].get<std::string>());
        const Json attributes = {{"application",
                                  {{"state", "active"},
                                   {"plan_id", population.plan_id},
                                   {"plan_name", population.plan_name}}}};
        if (core::Status s =
                Expect2xx(target.Internal("POST", path, attributes.dump()),
                          "seeding POST /internal" + path);
            !s.ok()) {
          return s;
        }
        if (!entry.contains("application_keys")) continue;
        const Json key = {
            {"application_key", {{"value", entry["application_keys"][0]}}}};
        if (core::Status s =
                Expect2xx(target.Internal("POST", path + "/keys/", key.dump()),
                          "seeding POST /internal" + path + "/keys/");
            !s.ok()) {
          return s;
        }
      }
    }
  }
  return core::Status();
}

void PrintProgress(std::ostream& out, const LoadProgress& p) {
  out << "\r  " << Fixed(Seconds(p.elapsed), 0) << "/"
      << Fixed(Seconds(p.duration), 0) << " s  " << Fixed(p.rate_per_s, 0)
      << " req/s  p50 " << Ms(p.p50_us) << " ms  p99 " << Ms(p.p99_us)
      << " ms  errors " << p.failed << "\x1b[K" << std::flush;
}

std::string Percent(double part, double whole) {
  return whole > 0 ? Fixed(100.0 * part / whole, 2) + "%" : "-";
}

void PrintSummary(std::ostream& out, const LoadResult& r) {
  out << "  schedule: " << r.scheduled << " requests over "
      << Fixed(Seconds(r.duration), 1) << " s ("
      << Fixed(r.intended_rate_per_s, 1) << " req/s intended), "
      << r.connections << " connections on " << r.threads << " thread(s)\n";
  out << "  sent " << r.sent << ": achieved "
      << Fixed(r.achieved_rate_per_s(), 1) << " req/s ("
      << Percent(r.achieved_rate_per_s(), r.intended_rate_per_s)
      << " of intended); answered " << r.answered << " ("
      << Fixed(r.answered_rate_per_s(), 1) << " req/s); late " << r.late
      << " (> 1 ms); dropped " << r.dropped << "\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %-16s %9s %9s %9s %9s %9s\n",
                "latency (ms)", "p50", "p90", "p99", "p99.9", "max");
  out << line;
  for (const auto& [name, h] :
       {std::pair<const char*, const Histogram*>{"corrected", &r.corrected},
        {"uncorrected", &r.uncorrected}}) {
    std::snprintf(line, sizeof line, "  %-16s %9s %9s %9s %9s %9s\n", name,
                  Ms(h->ValueAtPercentile(50)).c_str(),
                  Ms(h->ValueAtPercentile(90)).c_str(),
                  Ms(h->ValueAtPercentile(99)).c_str(),
                  Ms(h->ValueAtPercentile(99.9)).c_str(), Ms(h->Max()).c_str());
    out << line;
  }
  out << "  outcomes:";
  const Outcome order[] = {Outcome::kAuthorized, Outcome::kDenied,
                           Outcome::kError,      Outcome::kServerError,
                           Outcome::kTimeout,    Outcome::kConnectionError,
                           Outcome::kOther};
  bool first = true;
  for (const Outcome o : order) {
    const int64_t n = r.Count(o);
    if (n == 0 && o != Outcome::kAuthorized) continue;
    out << (first ? " " : ", ") << ToString(o) << " " << n;
    first = false;
    std::string details;
    for (const OutcomeCount& c : r.outcomes) {
      if (c.outcome != o || c.detail.empty()) continue;
      details += (details.empty() ? "" : ", ") + c.detail + " " +
                 std::to_string(c.count);
    }
    if (!details.empty()) out << " (" << details << ")";
  }
  out << "\n";
}

Json HistogramJson(const Histogram& h) {
  Json buckets = Json::array();
  h.ForEachBucket([&buckets](int64_t low, int64_t high, int64_t count) {
    buckets.push_back(Json::array({low, high, count}));
  });
  return Json{{"count", h.TotalCount()},
              {"min", h.Min()},
              {"max", h.Max()},
              {"mean", h.Mean()},
              {"p50", h.ValueAtPercentile(50)},
              {"p90", h.ValueAtPercentile(90)},
              {"p99", h.ValueAtPercentile(99)},
              {"p99_9", h.ValueAtPercentile(99.9)},
              {"saturated", h.saturated()},
              {"significant_digits", h.significant_digits()},
              {"buckets", buckets}};
}

struct RunInfo {
  std::string scenario_id;
  std::string file;
  std::string target;
  uint64_t seed = 0;
  std::string started_at;
  const LoadSpec* load = nullptr;
};

Json ReportJson(const RunInfo& info, const LoadResult& r,
                const Workload& workload,
                const std::vector<LoadCheckResult>& checks, bool passed) {
  Json stages = Json::array();
  for (const LoadStage& s : info.load->stages) {
    Json stage = {{"duration_ms", s.duration.count()},
                  {"rate_per_s", s.rate_per_s}};
    if (s.to_rate_per_s) stage["to_rate_per_s"] = *s.to_rate_per_s;
    stages.push_back(stage);
  }
  Json outcomes = Json::array();
  for (const OutcomeCount& c : r.outcomes) {
    outcomes.push_back({{"outcome", ToString(c.outcome)},
                        {"detail", c.detail},
                        {"count", c.count}});
  }
  Json seconds = Json::array();
  for (const SecondRow& s : r.seconds) {
    seconds.push_back({{"second", s.second},
                       {"sent", s.sent},
                       {"answered", s.answered},
                       {"authorized", s.authorized},
                       {"denied", s.denied},
                       {"failed", s.failed},
                       {"late", s.late},
                       {"p50_us", s.p50_us},
                       {"p99_us", s.p99_us},
                       {"max_us", s.max_us}});
  }
  Json check_list = Json::array();
  for (const LoadCheckResult& c : checks) {
    check_list.push_back({{"name", c.name},
                          {"verdict", ToString(c.verdict)},
                          {"message", c.message}});
  }
  Json mix = Json::array();
  for (size_t i = 0; i < workload.call_count(); ++i) {
    mix.push_back(workload.CallDescription(i));
  }
  return Json{{"tool_version", "scalecheck 0.1.0"},
              {"kind", "load"},
              {"scenario", info.scenario_id},
              {"file", info.file},
              {"target", info.target},
              {"seed", info.seed},
              {"started_at", info.started_at},
              {"passed", passed},
              {"schedule",
               {{"requests", r.scheduled},
                {"duration_s", Seconds(r.duration)},
                {"intended_rate_per_s", r.intended_rate_per_s},
                {"stages", stages}}},
              {"mix", mix},
              {"applications", workload.app_count()},
              {"connections", r.connections},
              {"max_in_flight", r.max_in_flight},
              {"threads", r.threads},
              {"sent", r.sent},
              {"sent_in_window", r.sent_in_window},
              {"answered", r.answered},
              {"late", r.late},
              {"dropped", r.dropped},
              {"elapsed_s", Seconds(r.elapsed)},
              {"achieved_rate_per_s", r.achieved_rate_per_s()},
              {"answered_rate_per_s", r.answered_rate_per_s()},
              {"error_rate", r.error_rate()},
              {"ambiguous_period_requests", r.ambiguous_period_requests},
              {"latency_us",
               {{"corrected", HistogramJson(r.corrected)},
                {"uncorrected", HistogramJson(r.uncorrected)}}},
              {"outcomes", outcomes},
              {"seconds", seconds},
              {"checks", check_list}};
}

void WriteJUnit(std::ostream& out, const RunInfo& info, const LoadResult& r,
                const std::vector<LoadCheckResult>& checks) {
  int failures = 0;
  int skipped = 0;
  for (const LoadCheckResult& c : checks) {
    failures += c.verdict == LoadCheckResult::Verdict::kFail;
    skipped += c.verdict == LoadCheckResult::Verdict::kSkip;
  }
  auto attr = [](std::string_view text) {
    return reports::EscapeXml(text, true);
  };
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuite name=\"scalecheck load " << attr(info.scenario_id)
      << "\" tests=\"" << checks.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\""
      << Fixed(Seconds(r.elapsed), 6) << "\">\n";
  out << "  <properties>\n"
      << "    <property name=\"target\" value=\"" << attr(info.target)
      << "\"/>\n"
      << "    <property name=\"seed\" value=\"" << info.seed << "\"/>\n"
      << "    <property name=\"started_at\" value=\"" << attr(info.started_at)
      << "\"/>\n"
      << "  </properties>\n";
  for (const LoadCheckResult& c : checks) {
    out << "  <testcase classname=\"load." << attr(info.scenario_id)
        << "\" name=\"" << attr(c.name) << "\" file=\"" << attr(info.file)
        << "\"";
    switch (c.verdict) {
      case LoadCheckResult::Verdict::kPass:
        out << "><system-out>" << reports::EscapeXml(c.message, false)
            << "</system-out></testcase>\n";
        break;
      case LoadCheckResult::Verdict::kFail: {
        const std::string first_line =
            c.message.substr(0, c.message.find('\n'));
        out << "><failure message=\"" << attr(first_line) << "\" type=\"fail\">"
            << reports::EscapeXml(c.message, false)
            << "</failure></testcase>\n";
        break;
      }
      case LoadCheckResult::Verdict::kSkip:
        out << "><skipped message=\"" << attr(c.message) << "\"/></testcase>\n";
        break;
    }
  }
  out << "</testsuite>\n";
}

core::Status WriteFile(const std::filesystem::path& path,
                       const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return core::Status::Unavailable("cannot write " + path.string());
  file << text;
  file.close();
  if (!file) return core::Status::Unavailable("cannot write " + path.string());
  return core::Status();
}

core::Status WriteReports(const std::string& dir, const RunInfo& info,
                          const LoadResult& r, const Workload& workload,
                          const std::vector<LoadCheckResult>& checks,
                          bool passed) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return core::Status::Unavailable("cannot write " + dir + ": " +
                                     ec.message());
  }
  const std::filesystem::path base(dir);
  if (core::Status s = WriteFile(
          base / "report.json",
          ReportJson(info, r, workload, checks, passed).dump(2) + "\n");
      !s.ok()) {
    return s;
  }
  std::ostringstream junit;
  WriteJUnit(junit, info, r, checks);
  if (core::Status s = WriteFile(base / "junit.xml", junit.str()); !s.ok()) {
    return s;
  }
  std::ostringstream hgrm;
  r.corrected.WriteHgrm(hgrm);
  if (core::Status s = WriteFile(base / "latency.hgrm", hgrm.str()); !s.ok()) {
    return s;
  }
  std::ostringstream uncorrected;
  r.uncorrected.WriteHgrm(uncorrected);
  return WriteFile(base / "latency-uncorrected.hgrm", uncorrected.str());
}

ExitCode Infrastructure(std::ostream& err, const std::string& message) {
  err << "scalecheck: " << message << "\n";
  return ExitCode::kInfrastructure;
}

}  // namespace

ExitCode RunLoad(const LoadCommandOptions& options, core::Clock& clock,
                 std::ostream& out, std::ostream& err) {
  // The scenario, the overrides, and what they compile to.
  core::Result<Scenario> loaded = LoadScenario(options.scenario_path);
  if (!loaded.ok()) {
    err << loaded.status().message() << "\n";
    return ExitCode::kUsage;
  }
  const Scenario& scenario = loaded.value();
  if (!scenario.load) {
    err << "scalecheck: " << options.scenario_path
        << ": no [load] section (scalecheck run runs its steps)\n";
    return ExitCode::kUsage;
  }
  LoadSpec load = *scenario.load;
  if (core::Status s = ApplyOverrides(options, load); !s.ok()) {
    err << "scalecheck: " << s.message() << "\n";
    return ExitCode::kUsage;
  }
  core::Result<Workload> workload = Workload::Create(scenario, load);
  if (!workload.ok()) {
    err << workload.status().message() << "\n";
    return ExitCode::kUsage;
  }
  core::Result<Schedule> schedule = Schedule::Create(load.stages);
  if (!schedule.ok()) {
    err << "scalecheck: " << options.scenario_path << ": "
        << schedule.status().message() << "\n";
    return ExitCode::kUsage;
  }

  // The target: the embedded mock sized for the connections (its listener
  // holds a thread per keep-alive connection), or the one given.
  std::unique_ptr<mock_backend::MockServer> mock;
  TargetOptions target_options = options.target;
  if (target_options.url.empty()) {
    mock_backend::MockOptions mock_options;
    mock_options.host = "127.0.0.1";
    mock_options.port = 0;
    mock_options.threads =
        std::max(mock_options.threads, load.connections + 16);
    mock_options.journal_capacity = 0;  // A load run reads no journal.
    mock_options.internal_auth = kEmbeddedAuth;
    auto started = mock_backend::MockServer::Start(mock_options, clock);
    if (!started.ok()) {
      return Infrastructure(
          err, "cannot start the embedded mock: " + started.status().message());
    }
    mock = std::move(started).value();
    target_options.url = mock->base_url();
    target_options.internal_auth = kEmbeddedAuth;
  }
  core::Result<std::unique_ptr<Target>> opened =
      Target::Open(target_options, clock);
  if (!opened.ok()) {
    err << "scalecheck: " << opened.status().message() << "\n";
    return opened.status().code() == core::StatusCode::kInvalidArgument
               ? ExitCode::kUsage
               : ExitCode::kInfrastructure;
  }
  Target& target = *opened.value();
  const std::string description =
      mock ? "embedded mock (" + target.base_url() + ")" : target.description();
  core::Result<Endpoint> endpoint = ParseHttpUrl(target.base_url());
  if (!endpoint.ok()) return Infrastructure(err, endpoint.status().message());

  RunInfo info;
  info.scenario_id = scenario.id;
  info.file = scenario.file;
  info.target = description;
  info.seed = options.seed;
  info.started_at = core::FormatIso8601(clock.NowUtc());
  info.load = &load;
  out << "scalecheck load: " << scenario.id << " against " << description
      << ", seed " << options.seed << "\n";

  // Reset and seed; place the run on the target's calendar.
  LoadEngineOptions engine;
  engine.endpoint = endpoint.value();
  engine.connections = load.connections;
  engine.threads = options.threads;
  engine.timeout = load.timeout;
  engine.max_io_wait = options.max_io_wait;
  if (target.has_control_api() && options.seed_target) {
    const core::UtcTime start = scenario.clock_start.value_or(clock.NowUtc());
    int kept = 0;
    if (core::Status s = ResetKeepingFaults(target, start, kept); !s.ok()) {
      return Infrastructure(err, "preparing the target: " + s.message());
    }
    if (kept > 0) {
      out << "  keeping the target's " << kept << " fault rule(s)\n";
    }
    engine.anchor_utc = start;
    engine.anchor_mono = clock.NowMono();
    engine.period_margin = kControlledMargin;
  } else {
    if (scenario.clock_start) {
      out << "  note: the target's clock is not set; [clock] start is ignored "
             "(live run)\n";
    }
    engine.anchor_utc = clock.NowUtc();
    engine.anchor_mono = clock.NowMono();
    engine.period_margin = kLiveMargin;
  }
  if (options.seed_target) {
    if (core::Status s = Seed(target, scenario, workload.value()); !s.ok()) {
      return Infrastructure(err, s.message());
    }
  }
  // Counters start at zero after a reset; otherwise the run's change counts.
  BackendCounters before;
  std::string unreadable;
  if (!target.has_control_api() || !options.seed_target) {
    core::Result<BackendCounters> read =
        ReadBackendCounters(target, workload.value());
    if (!read.ok()) {
      if (options.seed_target) {
        return Infrastructure(err,
                              "reading counters: " + read.status().message());
      }
      unreadable = read.status().message();
    } else {
      before = std::move(read).value();
    }
  }

  // The run.
  if (options.tty) {
    engine.progress = [&out](const LoadProgress& p) { PrintProgress(out, p); };
  }
  const core::MonoTime run_started = clock.NowMono();
  std::mt19937_64 rng(options.seed);
  LoadEngine load_engine(workload.value(), schedule.value(), engine, clock);
  core::Result<LoadResult> ran = load_engine.Run(rng);
  if (options.tty) out << "\r\x1b[K";
  if (!ran.ok()) return Infrastructure(err, ran.status().message());
  const LoadResult& result = ran.value();
  const core::MonoTime run_ended = clock.NowMono();
  PrintSummary(out, result);
  if (result.scheduled > 0 && result.answered == 0) {
    return Infrastructure(err, "no request was answered by " + description);
  }

  // The checks.
  if (!target.has_control_api() && options.settle.count() > 0) {
    clock.SleepUntil(clock.NowMono() + options.settle);
  }
  core::Result<BackendCounters> after =
      unreadable.empty() ? ReadBackendCounters(target, workload.value())
                         : core::Result<BackendCounters>(BackendCounters{});
  if (!after.ok()) {
    if (options.seed_target) {
      return Infrastructure(err,
                            "reading counters: " + after.status().message());
    }
    unreadable = after.status().message();
  }
  const core::UtcTime run_first =
      engine.anchor_utc +
      std::chrono::floor<milliseconds>(run_started - engine.anchor_mono) -
      engine.period_margin;
  const core::UtcTime run_last =
      engine.anchor_utc +
      std::chrono::ceil<milliseconds>(run_ended - engine.anchor_mono) +
      engine.period_margin;
  std::vector<LoadCheckResult> checks;
  if (unreadable.empty()) {
    checks.push_back(
        CheckCounters(workload.value(), result,
                      SelectCounters(workload.value(), before, after.value(),
                                     run_first, run_last)));
  } else {
    checks.push_back(
        {"counters", LoadCheckResult::Verdict::kSkip,
         "cannot read the target's counters (--no-seed): " + unreadable});
  }
  checks.push_back(CheckLimits(workload.value(), result, load.limit_check,
                               load.connections));
  for (LoadCheckResult& c : CheckThresholds(load.thresholds, result)) {
    checks.push_back(std::move(c));
  }
  bool passed = true;
  out << "checks:\n";
  for (const LoadCheckResult& c : checks) {
    const char* label = c.verdict == LoadCheckResult::Verdict::kPass   ? "PASS"
                        : c.verdict == LoadCheckResult::Verdict::kFail ? "FAIL"
                                                                       : "SKIP";
    std::string message = c.message;  // Continuation lines indented under it.
    for (size_t at = message.find('\n'); at != std::string::npos;
         at = message.find('\n', at + 3)) {
      message.insert(at + 1, "  ");
    }
    out << "  " << label << " " << c.name << ": " << message << "\n";
    passed = passed && c.verdict != LoadCheckResult::Verdict::kFail;
  }
  if (!options.report_dir.empty()) {
    if (core::Status s = WriteReports(options.report_dir, info, result,
                                      workload.value(), checks, passed);
        !s.ok()) {
      return Infrastructure(err, s.message());
    }
    out << "reports: " << options.report_dir
        << "/report.json, junit.xml, latency.hgrm, latency-uncorrected.hgrm\n";
  }
  return passed ? ExitCode::kOk : ExitCode::kFailed;
}

}  // namespace scalecheck::harness
