// harness/scenario.h
//
// A scenario as plain structs: a fixture (services, metrics, plans with
// usage limits, applications), a start time for the virtual clock, defaults,
// and steps (calls, raw requests, clock moves, checks), each call with an
// optional explicit expectation. scenario_loader.h builds these from TOML
// (scenarios/README.md is the format's reference); the runner executes them.
// Every element keeps where it came from (file:line:col) so that a failure
// can point at the scenario line. Plain values; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/gateway_model.h"
#include "core/mapping_rule.h"
#include "core/period.h"
#include "harness/load_spec.h"
#include "harness/scenario_basics.h"

namespace scalecheck::harness {

// ---- Fixture ----------------------------------------------------------------

struct MetricSpec {
  std::string id;    // "1"; the loader numbers metrics 1, 2, ... when absent.
  std::string name;  // "hits".
  std::string parent;  // Parent metric *name*; empty: top level.
  SourceLocation where;
};

struct UsageLimitSpec {
  std::string metric;  // Metric name.
  core::Period period = core::Period::kDay;
  int64_t max_value = 0;
  SourceLocation where;
};

struct PlanSpec {
  std::string id;    // "p1".
  std::string name;  // plan_name given to applications on this plan.
  std::vector<UsageLimitSpec> limits;
  SourceLocation where;
};

struct ApplicationSpec {
  std::string id;
  std::string plan;  // Plan id.
  std::string state = "active";
  std::vector<std::string> keys;  // Application keys.
  std::string user_key;           // Empty: none.
  std::vector<std::string> referrer_filters;
  std::optional<std::string> redirect_url;
  // plan_name override; default: the plan's name.
  std::optional<std::string> plan_name;
  SourceLocation where;
};

// A service's gateway settings ([services.gateway], spec/gateway.md 6.1):
// what APIcast's configuration says about it. The gateway model and `export
// apicast` both read this.
struct GatewaySpec {
  std::vector<std::string> hosts = {"localhost"};  // Lower case.
  core::CredentialsLocation credentials_location = core::CredentialsLocation::kQuery;
  std::string auth_user_key = "user_key";  // Names in the end user's request.
  std::string auth_app_id = "app_id";
  std::string auth_app_key = "app_key";
  // "service_token" (the service's first token), "provider_key" or "none".
  // Default: "service_token" if the service has tokens, else "provider_key".
  std::string backend_authentication;
  std::vector<core::MappingRule> mapping_rules;  // In evaluation order.
  std::vector<SourceLocation> mapping_rule_where;  // One per rule.
  core::GatewayErrors errors;  // APIcast's defaults unless the scenario says.
  bool upstream = true;        // false: no api_backend (404 after authrep).
  SourceLocation where;
};

struct ServiceSpec {
  std::string id;
  std::string provider_key;
  std::string backend_version = "2";  // "1", "2" or "oauth".
  std::string state = "active";
  bool referrer_filters_required = false;
  bool default_service = false;  // The first service of a key is anyway.
  std::vector<std::string> service_tokens;
  std::vector<MetricSpec> metrics;
  std::vector<PlanSpec> plans;
  std::vector<ApplicationSpec> applications;
  std::optional<GatewaySpec> gateway;  // [services.gateway]; none: not behind one.
  SourceLocation where;
};

// ---- Steps ------------------------------------------------------------------

struct ReportTransaction {
  std::string app;       // app_id; empty with user_key.
  std::string user_key;  // Instead of app.
  ParamList usage;       // metric -> value text ("1", "#5").
  std::optional<std::string> timestamp;
  std::optional<std::string> log_code;
  SourceLocation where;
};

// How a call identifies the provider.
enum class Credentials { kProviderKey, kServiceToken, kNone };

// What a step must produce, beyond agreeing with the reference model.
struct Expectation {
  std::optional<int> status;
  std::optional<bool> authorized;
  std::optional<std::string> reason;            // <reason> text.
  std::optional<std::string> error_code;        // <error code="...">.
  std::optional<std::string> error_message;     // <error> text.
  std::optional<std::string> rejection_reason;  // 3scale-rejection-reason; "" = absent.
  std::optional<std::string> plan;
  // Usage reports: "metric/period" -> {current_value, max_value, exceeded}.
  struct UsageReportExpectation {
    std::optional<int64_t> current_value;
    std::optional<int64_t> max_value;
    std::optional<bool> exceeded;
    std::optional<std::string> period_start;  // "YYYY-MM-DD HH:MM:SS +0000".
    std::optional<std::string> period_end;
  };
  std::map<std::string, UsageReportExpectation> usage_reports;
  // true: the document must have no <usage_reports> at all.
  std::optional<bool> no_usage_reports;
  // Header name (lower case) -> value; "" means the header must be absent.
  std::map<std::string, std::string> headers;
  std::optional<std::string> body;  // Exact bytes.
  std::optional<std::string> body_contains;
  // Request steps: what the gateway sent the backend for this request.
  struct BackendExpectation {
    std::optional<int64_t> authrep;  // How many authrep calls.
    std::optional<std::map<std::string, int64_t>> usage;  // Of the authrep.
    // Backend parameter (user_key, app_id, app_key) -> value, decoded.
    std::map<std::string, std::string> credentials;
  };
  std::optional<BackendExpectation> backend;
  SourceLocation where;
};

// A request to the Service Management API built from named fields.
struct CallStep {
  CallKind kind = CallKind::kAuthorize;
  std::string service;  // Service id; default: defaults.service.
  Credentials credentials = Credentials::kProviderKey;
  // Explicit credential values; default: the service's.
  std::optional<std::string> provider_key;
  std::optional<std::string> service_token;
  // Whether service_id is sent (default: only when not the default service,
  // or with a service token).
  std::optional<bool> send_service_id;
  std::optional<std::string> app;       // app_id; default: defaults.app.
  std::optional<std::string> app_key;   // Default: the app's first key, if any.
  std::optional<std::string> user_key;
  std::optional<std::string> referrer;
  std::optional<std::string> redirect_url;
  std::optional<std::string> redirect_uri;
  ParamList usage;                      // metric -> value text.
  ParamList log;                        // log[code]=...
  ParamList extensions;                 // 3scale-options header entries.
  ParamList params;                     // Extra raw parameters, appended.
  std::vector<std::string> omit;        // Parameters not to send at all.
  std::vector<ReportTransaction> transactions;  // kReport.
};

// A request given byte for byte (parser edge cases).
struct RawStep {
  std::string method = "GET";
  std::string target;  // Path and query exactly as sent.
  std::string version = "HTTP/1.1";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// An end user's API request through the gateway (`request = {...}`).
struct GatewayRequestStep {
  std::string service;  // Whose first host is the default Host.
  std::string method = "GET";
  std::string host;  // The Host header; the loader fills in the default.
  std::string path = "/";  // Raw.
  std::string query;       // Raw, without '?'.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ClockStep {
  std::optional<std::chrono::milliseconds> advance;
  std::optional<core::UtcTime> at;
};

enum class CheckKind { kCounters, kUtilization, kErrorLog, kJournal };

struct CheckStep {
  CheckKind kind = CheckKind::kCounters;
  std::string service;
  std::string app;
  // kCounters / kUtilization: "metric/period" -> value.
  std::map<std::string, int64_t> values;
  // kErrorLog: the codes of the newest entries, newest first; and the count.
  std::vector<std::string> error_codes;
  std::optional<int64_t> error_count;
  // kJournal: requests the target received matching `endpoint` (and app).
  std::string endpoint;
  std::optional<int64_t> journal_count;
};

struct Step {
  enum class Kind { kCall, kRaw, kClock, kCheck, kRequest } kind = Kind::kCall;
  std::string name;  // Optional label for reports.
  CallStep call;
  RawStep raw;
  ClockStep clock;
  CheckStep check;
  GatewayRequestStep request;
  Expectation expect;
  int repeat = 1;  // The step runs this many times (calls and raws).
  SourceLocation where;
};

// ---- Scenario ---------------------------------------------------------------

struct Scenario {
  std::string id;     // "authorize/basic"; default: path under scenarios/.
  std::string title;
  std::string file;   // Path it was loaded from.
  std::vector<std::string> tags;
  std::string spec;   // Spec section, e.g. "7.21"; for reports.
  // "virtual-clock": needs a target whose clock the harness controls.
  std::vector<std::string> requires_features;
  std::optional<core::UtcTime> clock_start;
  struct Defaults {
    std::string service;  // Default: the first service.
    std::string app;      // Default: the first application of that service.
    Credentials credentials = Credentials::kProviderKey;
  } defaults;
  std::vector<ServiceSpec> services;
  std::vector<Step> steps;  // May be empty when `load` is set.
  std::optional<LoadSpec> load;  // The [load] section.
};

}  // namespace scalecheck::harness
