#include "harness/cli.h"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <sstream>

#include "core/period.h"
#include "core/units.h"

namespace scalecheck::harness {
namespace {

namespace po = boost::program_options;

constexpr const char* kVersion = "scalecheck 0.1.0 (apisonator 3.4.3 behaviour)\n";

constexpr const char* kExitStatus =
    "exit status:\n"
    "  0  every expectation held    2  bad command line or scenario file\n"
    "  1  an expectation failed     3  target unreachable, port in use or I/O error\n";

struct Subcommand {
  const char* name;
  const char* summary;
};

constexpr Subcommand kSubcommands[] = {
    {"run", "run scenarios against the embedded mock or a backend, write reports"},
    {"list", "list the ids and titles of scenarios without running them"},
    {"validate", "check scenario files and report file:line:col errors"},
    {"mock", "run the mock 3scale backend (apisonator 3.4.3) on a loopback port"},
    {"replay", "replay golden recordings against the mock or a URL, byte-exact"},
    {"load", "open-model load on a backend; checks counters, limits, latency"},
    {"export", "write a scenario's gateway configuration (export apicast)"},
};

CommandLine Usage(const std::string& message, const std::string& command) {
  CommandLine cl;
  cl.exit_code = ExitCode::kUsage;
  cl.message = "scalecheck: " + message + "\ntry 'scalecheck " +
               (command.empty() ? "" : command + " ") + "--help'\n";
  return cl;
}

CommandLine Help(std::string text) {
  CommandLine cl;
  cl.message = std::move(text);
  return cl;
}

std::string Render(const po::options_description& options) {
  std::ostringstream out;
  out << options;
  return out.str();
}

// Runs Boost's parser; its exceptions stop here and become usage errors.
std::optional<std::string> Parse(const std::vector<std::string>& args,
                                 const po::options_description& options,
                                 const po::positional_options_description* positional,
                                 po::variables_map& vm) {
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

CommandLine ParseMock(const std::vector<std::string>& args) {
  MockCommand cmd;
  const mock_backend::MockOptions defaults;
  std::string listen = defaults.host + ":" + std::to_string(defaults.port);
  std::string report_delay = "0s";
  std::string start_time;
  std::string clock = "system";
  po::options_description options("options");
  options.add_options()
      ("help,h", "print this help and exit")
      ("listen", po::value(&listen)->value_name("HOST:PORT")->default_value(listen),
       "address to serve on; port 0 picks a free port and prints it")
      ("port", po::value<int>()->value_name("N"), "shorthand for --listen 127.0.0.1:N")
      ("internal-auth", po::value(&cmd.options.internal_auth)->value_name("USER:PASS"),
       "require HTTP basic auth on /internal (default: open)")
      ("report-delay", po::value(&report_delay)->value_name("DURATION")->default_value(report_delay),
       "apply reports after this delay on the mock's clock, as apisonator's worker does")
      ("clock", po::value(&clock)->value_name("manual|system")->default_value(clock),
       "manual: the clock stands still at --start-time until the control API moves it")
      ("start-time", po::value(&start_time)->value_name("ISO8601"),
       "initial time of the mock's clock, e.g. 2024-05-31T23:59:59Z")
      ("journal-size", po::value(&cmd.options.journal_capacity)->value_name("N")
           ->default_value(defaults.journal_capacity), "requests kept in the journal (0: off)")
      ("threads", po::value(&cmd.options.threads)->value_name("N")->default_value(defaults.threads),
       "worker threads (at least the number of concurrent connections)")
      ("fixture", po::value(&cmd.fixture_path)->value_name("FILE"),
       "seed from a scenario's fixture (.toml) or a golden recording (.json)");
  po::variables_map vm;
  if (auto error = Parse(args, options, nullptr, vm)) return Usage(*error, "mock");
  if (vm.count("help")) {
    return Help("usage: scalecheck mock [options]\n\n"
                "Serves the Service Management API, apisonator's internal API under /internal\n"
                "and the control API under /__scalecheck (clock, reset, flush, state, journal,\n"
                "faults). Binds 127.0.0.1 by default. SIGINT or SIGTERM stop it.\n\n" +
                Render(options) + "\n" + kExitStatus +
                "\nexample:\n  scalecheck mock --listen 127.0.0.1:0 --clock manual "
                "--start-time 2024-05-31T23:59:59Z\n");
  }
  if (vm.count("port")) listen = "127.0.0.1:" + std::to_string(vm["port"].as<int>());
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Usage("--listen wants HOST:PORT, got '" + listen + "'", "mock");
  cmd.options.host = listen.substr(0, colon);
  auto port = core::ParseCount(listen.substr(colon + 1));
  if (!port.ok() || port.value() < 0 || port.value() > 65535) {
    return Usage("--listen: invalid port in '" + listen + "'", "mock");
  }
  cmd.options.port = static_cast<int>(port.value());
  auto delay = core::ParseDuration(report_delay);
  if (!delay.ok()) return Usage("--report-delay: " + delay.status().message(), "mock");
  cmd.options.report_delay =
      std::chrono::duration_cast<std::chrono::milliseconds>(delay.value());
  if (clock != "manual" && clock != "system") {
    return Usage("--clock must be 'manual' or 'system', got '" + clock + "'", "mock");
  }
  cmd.options.frozen = clock == "manual";
  if (!start_time.empty()) {
    auto t = core::ParseIso8601(start_time);
    if (!t) return Usage("--start-time: not an ISO 8601 time: '" + start_time + "'", "mock");
    cmd.options.start_time = *t;
  } else if (clock == "manual") {
    return Usage("--clock manual needs --start-time", "mock");
  }
  if (cmd.options.threads < 1) return Usage("--threads must be at least 1", "mock");
  CommandLine cl;
  cl.command = cmd;
  return cl;
}

CommandLine ParseReplay(const std::vector<std::string>& args) {
  ReplayCommand cmd;
  ReplayOptions& o = cmd.options;
  po::options_description options("options");
  options.add_options()
      ("help,h", "print this help and exit")
      ("target", po::value(&o.target_url)->value_name("URL"),
       "replay against this backend (it needs the control API); default: the embedded mock")
      ("internal-auth", po::value(&o.internal_auth)->value_name("USER:PASS")
           ->default_value(o.internal_auth), "basic auth for the internal API")
      ("filter", po::value(&o.filter)->value_name("GLOB"), "only cases whose area/name matches")
      ("verbose,v", po::bool_switch(&o.verbose), "print every step")
      ("no-framing", "do not compare Content-Length vs chunked framing")
      ("known-failures", po::value(&o.known_failures_path)->value_name("FILE"),
       "cases known to differ, with reasons: reported, not failed")
      ("strict-transport", po::bool_switch(&o.strict_transport),
       "also compare reason phrases and interim 1xx responses")
      ("paths", po::value(&o.paths)->value_name("PATH"), "recordings or directories of them");
  po::positional_options_description positional;
  positional.add("paths", -1);
  po::variables_map vm;
  if (auto error = Parse(args, options, &positional, vm)) return Usage(*error, "replay");
  if (vm.count("help")) {
    return Help("usage: scalecheck replay [options] PATH...\n\n"
                "Replays recordings of apisonator 3.4.3 (the golden format) against a target and\n"
                "compares status, body bytes, contract headers and framing.\n\n" +
                Render(options) + "\n" + kExitStatus +
                "\nexample:\n  scalecheck replay ../shared/golden\n");
  }
  if (vm.count("no-framing")) o.compare_framing = false;
  if (o.paths.empty()) return Usage("replay needs at least one PATH", "replay");
  CommandLine cl;
  cl.command = cmd;
  return cl;
}

// `run` and `list` share their selection flags.
CommandLine ParseRunOrList(const std::vector<std::string>& args, bool run) {
  const char* name = run ? "run" : "list";
  RunCommandOptions o;
  std::string compare = "exact";
  std::string max_wait = "0s";
  std::string settle = "0s";
  std::string client_timeout = "5s";
  std::string backend_listen = "127.0.0.1:0";
  std::string gateway_cache = "none";
  po::options_description options("options");
  options.add_options()("help,h", "print this help and exit")
      ("filter", po::value(&o.filters)->value_name("GLOB")->composing(),
       "only scenarios whose id matches (repeatable)")
      ("tag", po::value(&o.tags)->value_name("TAG")->composing(),
       "only scenarios with this tag (repeatable)")
      ("paths", po::value(&o.paths)->value_name("PATH"), "scenario files or directories");
  if (run) {
    options.add_options()
        ("target", po::value(&o.target.url)->value_name("URL"),
         "a Service Management API to test (default: the embedded mock)")
        ("internal-auth", po::value(&o.target.internal_auth)->value_name("USER:PASS"),
         "basic auth for the target's internal API")
        ("no-seed", "do not seed fixtures (the target is seeded already)")
        ("compare", po::value(&compare)->value_name("exact|semantic")->default_value(compare),
         "exact: bytes and contract headers; semantic: parsed XML")
        ("max-wait", po::value(&max_wait)->value_name("DURATION")->default_value(max_wait),
         "live targets: longest real wait for a clock move")
        ("settle", po::value(&settle)->value_name("DURATION")->default_value(settle),
         "live targets: wait after reporting steps (asynchronous backends)")
        ("report-dir", po::value(&o.report_dir)->value_name("DIR")->default_value(o.report_dir),
         "where to write junit.xml, report.json and report.html ('' for none)")
        ("seed", po::value(&o.seed)->value_name("N")->default_value(o.seed),
         "random seed; printed in every report")
        ("verbose,v", po::bool_switch(&o.verbose), "print every case's steps")
        ("color", po::bool_switch(&o.color), "color the console report")
        ("gateway", po::value(&o.gateway.url)->value_name("URL"),
         "an API gateway (APIcast) in front of the backend: request steps go to it")
        ("backend-listen", po::value(&backend_listen)->value_name("HOST:PORT")
             ->default_value(backend_listen),
         "with --gateway: where the embedded mock backend listens (port 0: any)")
        ("upstream-listen", po::value(&o.gateway.upstream_listen)->value_name("HOST:PORT")
             ->default_value(o.gateway.upstream_listen),
         "with --gateway: where the upstream echo API listens (port 0: any)")
        ("gateway-config", po::value(&o.gateway.config_path)->value_name("FILE"),
         "with --gateway: write each scenario's APIcast configuration here first")
        ("gateway-cache", po::value(&gateway_cache)->value_name("none|strict|resilient|allow")
             ->default_value(gateway_cache),
         "the gateway's caching policy; other than none, checks are lenient")
        ("client", po::value(&o.client)->value_name("COMMAND"),
         "a client library's adapter, run by /bin/sh -c: calls go through it to the "
         "embedded mock")
        ("deviations", po::value(&o.deviations_path)->value_name("FILE"),
         "with --client: the client's known deviations (TOML), reported, not failed")
        ("client-timeout", po::value(&client_timeout)->value_name("DURATION")
             ->default_value(client_timeout),
         "with --client: the longest wait for the adapter's answer to one call");
  }
  po::positional_options_description positional;
  positional.add("paths", -1);
  po::variables_map vm;
  if (auto error = Parse(args, options, &positional, vm)) return Usage(*error, name);
  if (vm.count("help")) {
    const std::string usage =
        std::string("usage: scalecheck ") + name + " [options] PATH...\n\n";
    const std::string what =
        run ? "Runs 3scale conformance scenarios against a target: every response is\n"
              "checked against the reference model and the scenario's expectations.\n\n"
            : "Lists the scenarios a run would select.\n\n";
    const std::string example =
        run ? " --filter 'authorize/*' --report-dir out scenarios/conformance\n"
            : " --tag limits scenarios/conformance\n";
    return Help(usage + what + Render(options) + "\n" + kExitStatus +
                "\nexample:\n  scalecheck " + name + example);
  }
  if (o.paths.empty()) return Usage(std::string(name) + " needs at least one PATH", name);
  CommandLine cl;
  if (!run) {
    cl.command = ListCommand{o};
    return cl;
  }
  if (compare == "exact") {
    o.run.compare = CompareMode::kExact;
  } else if (compare == "semantic") {
    o.run.compare = CompareMode::kSemantic;
  } else {
    return Usage("--compare must be 'exact' or 'semantic', got '" + compare + "'", name);
  }
  auto wait = core::ParseDuration(max_wait);
  if (!wait.ok()) return Usage("--max-wait: " + wait.status().message(), name);
  o.run.max_wait = std::chrono::duration_cast<std::chrono::milliseconds>(wait.value());
  auto settle_d = core::ParseDuration(settle);
  if (!settle_d.ok()) return Usage("--settle: " + settle_d.status().message(), name);
  o.run.settle = std::chrono::duration_cast<std::chrono::milliseconds>(settle_d.value());
  o.run.seed = vm.count("no-seed") == 0;
  if (gateway_cache == "none") {
    o.gateway.cache = core::GatewayCacheMode::kNone;
  } else if (gateway_cache == "strict") {
    o.gateway.cache = core::GatewayCacheMode::kStrict;
  } else if (gateway_cache == "resilient") {
    o.gateway.cache = core::GatewayCacheMode::kResilient;
  } else if (gateway_cache == "allow") {
    o.gateway.cache = core::GatewayCacheMode::kAllow;
  } else {
    return Usage("--gateway-cache must be none, strict, resilient or allow, got '" +
                     gateway_cache + "'", name);
  }
  const bool gateway_flags = !vm["backend-listen"].defaulted() ||
                             !vm["upstream-listen"].defaulted() ||
                             !vm["gateway-cache"].defaulted() || vm.count("gateway-config");
  if (o.gateway.url.empty() && gateway_flags) {
    return Usage("--backend-listen, --upstream-listen, --gateway-config and "
                 "--gateway-cache need --gateway", name);
  }
  if (!o.gateway.url.empty()) {
    if (core::Status s = ParseListenAddress(backend_listen, "--backend-listen",
                                            o.target.embedded_host, o.target.embedded_port);
        !s.ok()) {
      return Usage(s.message(), name);
    }
    std::string host;
    int port = 0;
    if (core::Status s = ParseListenAddress(o.gateway.upstream_listen, "--upstream-listen",
                                            host, port);
        !s.ok()) {
      return Usage(s.message(), name);
    }
    if (!o.target.url.empty() && !vm["backend-listen"].defaulted()) {
      return Usage("--backend-listen is for the embedded mock; --target names another",
                   name);
    }
  }
  if (o.client.empty() && (vm.count("deviations") || !vm["client-timeout"].defaulted())) {
    return Usage("--deviations and --client-timeout need --client", name);
  }
  if (!o.client.empty() && (!o.target.url.empty() || !o.gateway.url.empty())) {
    return Usage("--client runs against the embedded mock: drop --target and --gateway",
                 name);
  }
  auto client_wait = core::ParseDuration(client_timeout);
  if (!client_wait.ok() || client_wait.value().count() <= 0) {
    return Usage("--client-timeout: " + (client_wait.ok() ? std::string("must be positive")
                                                          : client_wait.status().message()),
                 name);
  }
  o.client_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(client_wait.value());
  cl.command = RunCommand{o};
  return cl;
}

CommandLine ParseExport(const std::vector<std::string>& args) {
  ExportCommand cmd;
  std::string cache = "none";
  std::string format;
  po::options_description options("options");
  options.add_options()("help,h", "print this help and exit")
      ("backend", po::value(&cmd.options.backend_url)->value_name("URL")
           ->default_value(cmd.options.backend_url),
       "the mock backend the gateway calls (proxy.backend.endpoint)")
      ("upstream", po::value(&cmd.options.upstream_url)->value_name("URL")
           ->default_value(cmd.options.upstream_url),
       "the API behind the gateway (proxy.api_backend)")
      ("gateway-cache", po::value(&cache)->value_name("none|strict|resilient|allow")
           ->default_value(cache), "the caching policy before apicast")
      ("format", po::value(&format)->value_name("FORMAT"), "apicast")
      ("scenario", po::value(&cmd.scenario_path)->value_name("SCENARIO"), "a scenario file");
  po::positional_options_description positional;
  positional.add("format", 1).add("scenario", 1);
  po::variables_map vm;
  if (auto error = Parse(args, options, &positional, vm)) return Usage(*error, "export");
  if (vm.count("help")) {
    return Help(
        "usage: scalecheck export apicast [options] SCENARIO.toml\n\n"
        "Prints the APIcast configuration (THREESCALE_CONFIG_FILE) of a scenario's\n"
        "[services.gateway] tables: hosts, credentials, mapping rules, explicit error\n"
        "settings, the caching policy, the backend pointing at the mock.\n\n" +
        Render(options) + "\n" + kExitStatus +
        "\nexample:\n  scalecheck export apicast --backend http://127.0.0.1:3001 "
        "scenarios/gateway/basic.toml > config.json\n");
  }
  if (format != "apicast") {
    return Usage(format.empty() ? "export needs a format: apicast"
                                : "unknown export format '" + format + "' (known: apicast)",
                 "export");
  }
  if (cmd.scenario_path.empty()) return Usage("export apicast needs a SCENARIO", "export");
  if (cache == "none") {
    cmd.options.cache = core::GatewayCacheMode::kNone;
  } else if (cache == "strict") {
    cmd.options.cache = core::GatewayCacheMode::kStrict;
  } else if (cache == "resilient") {
    cmd.options.cache = core::GatewayCacheMode::kResilient;
  } else if (cache == "allow") {
    cmd.options.cache = core::GatewayCacheMode::kAllow;
  } else {
    return Usage("--gateway-cache must be none, strict, resilient or allow, got '" + cache +
                     "'", "export");
  }
  CommandLine cl;
  cl.command = cmd;
  return cl;
}

CommandLine ParseLoad(const std::vector<std::string>& args) {
  LoadCommand cmd;
  LoadCommandOptions& o = cmd.options;
  std::string rate;
  std::string duration;
  po::options_description options("options");
  options.add_options()
      ("help,h", "print this help and exit")
      ("target", po::value(&o.target.url)->value_name("URL"),
       "the backend under load (default: the embedded mock)")
      ("internal-auth", po::value(&o.target.internal_auth)->value_name("USER:PASS"),
       "basic auth for the target's internal API (seeding, utilization)")
      ("rate", po::value(&rate)->value_name("N"),
       "requests per second, constant over the whole run (default: the scenario's stages)")
      ("duration", po::value(&duration)->value_name("DURATION"),
       "run this long (default: the scenario's; stages are scaled to fit)")
      ("connections", po::value<int>()->value_name("N"),
       "keep-alive connections (default: the scenario's)")
      ("seed", po::value(&o.seed)->value_name("N")->default_value(o.seed),
       "random seed of the requests drawn; printed in every report")
      ("no-seed", "use the target as it is: no reset, no seeding")
      ("report-dir", po::value(&o.report_dir)->value_name("DIR")->default_value(o.report_dir),
       "directory for report.json, junit.xml and latency.hgrm (\"\": none)")
      ("scenario", po::value(&o.scenario_path)->value_name("SCENARIO"),
       "a scenario with a [load] section");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (auto error = Parse(args, options, &positional, vm)) return Usage(*error, "load");
  if (vm.count("help")) {
    return Help("usage: scalecheck load [options] SCENARIO.toml\n\n"
                "Runs a scenario's [load] section (open-model arrival rate, latency from the\n"
                "intended send time) and checks the backend's counters, the usage limits per\n"
                "period and the thresholds. A progress line shows on a terminal.\n\n" +
                Render(options) + "\n" + kExitStatus +
                "\nexample:\n  scalecheck load --rate 2k --duration 30s "
                "scenarios/load/authrep_limits.toml\n");
  }
  if (o.scenario_path.empty()) return Usage("load needs a SCENARIO", "load");
  if (!rate.empty()) {
    // A count with a unit suffix ("20k"), or a plain number ("0.5").
    if (auto n = core::ParseCount(rate); n.ok()) {
      o.rate_per_s = static_cast<double>(n.value());
    } else {
      char* end = nullptr;
      const double value = std::strtod(rate.c_str(), &end);
      if (end != rate.c_str() + rate.size()) return Usage("--rate: not a number: '" + rate + "'", "load");
      o.rate_per_s = value;
    }
    if (!(*o.rate_per_s > 0)) return Usage("--rate must be positive", "load");
  }
  if (!duration.empty()) {
    auto d = core::ParseDuration(duration);
    if (!d.ok()) return Usage("--duration: " + d.status().message(), "load");
    o.duration = std::chrono::duration_cast<std::chrono::milliseconds>(d.value());
    if (o.duration->count() <= 0) return Usage("--duration must be positive", "load");
  }
  if (vm.count("connections")) {
    o.connections = vm["connections"].as<int>();
    if (*o.connections < 1) return Usage("--connections must be at least 1", "load");
  }
  o.seed_target = vm.count("no-seed") == 0;
  CommandLine cl;
  cl.command = cmd;
  return cl;
}

CommandLine ParseValidate(const std::vector<std::string>& args) {
  ValidateCommand cmd;
  po::options_description options("options");
  options.add_options()("help,h", "print this help and exit")
      ("paths", po::value(&cmd.paths)->value_name("PATH"), "scenario files or directories");
  po::positional_options_description positional;
  positional.add("paths", -1);
  po::variables_map vm;
  if (auto error = Parse(args, options, &positional, vm)) return Usage(*error, "validate");
  if (vm.count("help")) {
    return Help(
        "usage: scalecheck validate PATH...\n\n"
        "Checks scenario files; every error is printed as file:line:col: message.\n\n" +
        Render(options) + "\n" + kExitStatus +
        "\nexample:\n  scalecheck validate scenarios\n");
  }
  if (cmd.paths.empty()) return Usage("validate needs at least one PATH", "validate");
  CommandLine cl;
  cl.command = cmd;
  return cl;
}

}  // namespace

std::string TopLevelHelp() {
  std::string text =
      "usage: scalecheck [--help] [--version] COMMAND [ARGS]\n\n"
      "Simulation and conformance test harness for 3scale API management.\n\n"
      "commands:\n";
  for (const Subcommand& s : kSubcommands) {
    std::string name = s.name;
    name.resize(10, ' ');
    text += "  " + name + s.summary + "\n";
  }
  text += "\n";
  text += kExitStatus;
  text += "\nexample:\n  scalecheck mock --listen 127.0.0.1:0\n"
          "\n'scalecheck COMMAND --help' describes a command.\n";
  return text;
}

CommandLine ParseCommandLine(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    return Help(TopLevelHelp());
  }
  if (args[0] == "--version") return Help(kVersion);
  const std::string name = args[0];
  args.erase(args.begin());
  if (name == "mock") return ParseMock(args);
  if (name == "replay") return ParseReplay(args);
  if (name == "run") return ParseRunOrList(args, true);
  if (name == "list") return ParseRunOrList(args, false);
  if (name == "validate") return ParseValidate(args);
  if (name == "export") return ParseExport(args);
  if (name == "load") return ParseLoad(args);
  return Usage("unknown command '" + name + "'", "");
}

}  // namespace scalecheck::harness
