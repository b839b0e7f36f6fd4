#include "core/service_management.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/errors.h"
#include "core/extensions.h"
#include "core/limit_headers.h"
#include "core/params.h"
#include "core/referrer_filter.h"
#include "core/report_timestamp.h"
#include "core/status_xml.h"
#include "core/usage.h"
#include "core/usage_report.h"

namespace scalecheck::core {
namespace {

// ---------------------------------------------------------------------------
// Responses, with the headers and framing apisonator 3.4.3 sends (golden
// "Surprises" 1, 2).

void AddSinatraHeaders(HttpResponse& r, const char* content_type) {
  if (content_type != nullptr) r.headers.emplace_back("content-type", content_type);
  r.headers.emplace_back("access-control-allow-origin", "*");
  r.headers.emplace_back("access-control-expose-headers",
                         "ETag, Link, 3scale-rejection-reason");
  r.headers.emplace_back("x-content-type-options", "nosniff");
}

HttpResponse VendorResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  AddSinatraHeaders(r, kVendorContentType);
  r.body = std::move(body);
  return r;
}

// An exception turned into <error> by the exception catcher: chunked.
HttpResponse ErrorResponse(const BackendError& error, bool no_body) {
  HttpResponse r = VendorResponse(error.http_status,
                                  no_body ? "" : RenderError(error));
  r.framing = Framing::kChunked;
  return r;
}

// A Sinatra `halt` with an <error> body: Content-Length.
HttpResponse HaltedErrorResponse(const BackendError& error) {
  return VendorResponse(error.http_status, RenderError(error));
}

HttpResponse NotFoundResponse() {
  HttpResponse r = VendorResponse(404, "");
  r.headers.emplace_back("x-cascade", "pass");
  return r;
}

// What apisonator's Puma answers when an exception escapes the application
// (a development backtrace there; a short text here).
HttpResponse InternalErrorResponse(std::string_view what) {
  HttpResponse r;
  r.status = 500;
  r.headers.emplace_back("content-type", "text/plain");
  r.body = "internal server error: " + std::string(what) + "\n";
  return r;
}

// Sinatra's own 400 for Rack's other ParameterTypeErrors (golden "Surprises"
// 3): HTML, no CORS, and the message escaped twice.
HttpResponse SinatraBadRequest(const std::string& text) {
  HttpResponse r;
  r.status = 400;
  r.headers.emplace_back("content-type", "text/html;charset=utf-8");
  r.headers.emplace_back("x-xss-protection", "1; mode=block");
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.headers.emplace_back("x-frame-options", "SAMEORIGIN");
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&amp;#x27;"; break;
      case '/': escaped += "&#x2F;"; break;
      default: escaped += c;
    }
  }
  r.body = std::move(escaped);
  return r;
}

// The answer to a Rack parse failure, as golden badinput/* recorded it.
HttpResponse ParamsErrorResponse(const ParamsError& error) {
  switch (error.kind) {
    case ParamsErrorKind::kInvalidPercentEncoding:
      return ErrorResponse(errors::BadRequestInvalidPercentEncoding(), false);
    case ParamsErrorKind::kTypeConflict:
      // Only "expected Hash (got Array)" reaches apisonator's catcher.
      if (error.message.rfind("expected Hash (got Array)", 0) == 0) {
        return ErrorResponse(errors::BadRequest(), false);
      }
      return SinatraBadRequest("Invalid query parameters: " + error.message);
    case ParamsErrorKind::kTooManyParams:
    case ParamsErrorKind::kTooDeep:
      return InternalErrorResponse(error.message);
    case ParamsErrorKind::kInvalidMultipart:
      return SinatraBadRequest("Invalid multipart/form-data: " + error.message);
  }
  return InternalErrorResponse("parameters");
}

// ---------------------------------------------------------------------------
// Parameters.

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos;
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || (s.front() >= '\t' && s.front() <= '\r') || s.front() == '\0')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || (s.back() >= '\t' && s.back() <= '\r') || s.back() == '\0')) {
    s.remove_suffix(1);
  }
  return s;
}

// A string parameter, or nullopt when absent or not a string.
std::optional<std::string> StringParam(const ParamHash& params,
                                       std::string_view key) {
  const ParamValue* v = params.Find(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->string();
}

// Ruby's blank?: nil, false, empty or whitespace strings, empty collections.
bool IsBlankValue(const ParamValue* v) {
  if (v == nullptr || v->is_nil()) return true;
  if (v->is_string()) return IsBlank(v->string());
  if (v->is_array()) return v->array().empty();
  return v->hash().empty();
}

bool KeysAreValidUtf8(const ParamHash& params) {
  for (const auto& [k, v] : params.entries()) {
    if (!IsValidUtf8(k)) return false;
    if (v.is_hash() && !KeysAreValidUtf8(v.hash())) return false;
    if (v.is_array()) {
      for (const ParamValue& e : v.array()) {
        if (e.is_hash() && !KeysAreValidUtf8(e.hash())) return false;
      }
    }
  }
  return true;
}

bool ValueIsValidUtf8(const ParamValue& v) {
  if (v.is_string()) return IsValidUtf8(v.string());
  if (v.is_hash()) return IsValidUtf8(v.hash());
  if (v.is_array()) {
    for (const ParamValue& e : v.array()) {
      if (!ValueIsValidUtf8(e)) return false;
    }
  }
  return true;
}

// Rack's Request#media_type: the Content-Type up to ';' or ',', trimmed and
// lower-cased; empty when there is none.
std::string MediaType(const HttpRequest& request) {
  const std::string* content_type = request.Header("content-type");
  if (content_type == nullptr) return "";
  std::string_view type = *content_type;
  type = type.substr(0, type.find_first_of(";,"));
  std::string out(Strip(type));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The request's parameters: the query, with an urlencoded or multipart
// body merged over it.
ParsedParams RequestParams(const HttpRequest& request) {
  ParsedParams query = ParseNestedQuery(request.query());
  if (!query.ok() || request.body.empty()) return query;
  const std::string media_type = MediaType(request);
  ParsedParams body;
  if (media_type.empty() || media_type == "application/x-www-form-urlencoded") {
    body = ParseFormBody(request.body);
  } else if (media_type == "multipart/form-data") {
    const std::string_view type = *request.Header("content-type");
    const size_t b = type.find("boundary=");
    std::string_view boundary =
        b == std::string_view::npos ? "" : type.substr(b + 9);
    if (const size_t semi = boundary.find(';'); semi != std::string_view::npos) {
      boundary = boundary.substr(0, semi);
    }
    if (boundary.size() >= 2 && boundary.front() == '"' &&
        boundary.back() == '"') {
      boundary = boundary.substr(1, boundary.size() - 2);
    }
    body = ParseMultipart(request.body, boundary);
  } else {
    return query;
  }
  if (!body.ok()) return body;
  query.params = MergeParams(std::move(query.params), body.params);
  return query;
}

// normalize_non_empty_keys! (spec 2.2).
struct Credentials {
  std::optional<std::string> provider_key;
  std::optional<std::string> service_token;
  std::optional<std::string> service_id;
  std::optional<std::string> app_id;
  std::optional<std::string> app_key;
  std::optional<std::string> user_key;
};

Credentials NormalizedCredentials(const ParamHash& params) {
  auto non_blank = [&params](std::string_view key) {
    std::optional<std::string> v = StringParam(params, key);
    if (v && IsBlank(*v)) v.reset();
    return v;
  };
  Credentials c;
  c.provider_key = non_blank("provider_key");
  c.service_token = non_blank("service_token");
  c.service_id = non_blank("service_id");
  c.app_id = non_blank("app_id");
  c.user_key = non_blank("user_key");
  if (std::optional<std::string> key = StringParam(params, "app_key")) {
    c.app_key = std::string(Strip(*key));
  }
  return c;
}

// ---------------------------------------------------------------------------
// Credentials and services (spec 2.4).

using ServiceOrError = std::variant<const Service*, BackendError>;

// raise_provider_key_error.
BackendError ProviderKeyError(const ParamHash& params) {
  const ParamValue* token = params.Find("service_token");
  if (IsBlankValue(token)) return errors::ProviderKeyOrServiceTokenRequired();
  const ParamValue* sid = params.Find("service_id");
  if (IsBlankValue(sid)) return errors::ServiceIdMissing();
  return errors::ServiceTokenInvalid(token->is_string() ? token->string() : "",
                                     sid->is_string() ? sid->string() : "");
}

// The provider key a request acts for: its provider_key when present (the
// report endpoint does not drop an empty one), else the one of a registered
// (service_token, service_id) pair.
std::variant<std::string, BackendError> ResolveProviderKey(
    const Registry& registry, const ParamHash& params) {
  const ParamValue* pk = params.Find("provider_key");
  if (pk != nullptr && !pk->is_nil()) {
    if (IsBlankValue(pk) || !pk->is_string()) return ProviderKeyError(params);
    return pk->string();
  }
  const std::optional<std::string> token = StringParam(params, "service_token");
  const std::optional<std::string> sid = StringParam(params, "service_id");
  if (token && sid && !IsBlank(*token) && !IsBlank(*sid) &&
      registry.HasServiceToken(*token, *sid)) {
    if (const Service* s = registry.FindService(*sid);
        s != nullptr && !s->provider_key.empty()) {
      return s->provider_key;
    }
  }
  return ProviderKeyError(params);
}

// "foo-123" is first tried as "123" (Service.load_by_id quirk).
const Service* LoadServiceById(const Registry& registry, std::string_view id) {
  if (const size_t dash = id.rfind('-'); dash != std::string_view::npos) {
    if (const Service* s = registry.FindService(id.substr(dash + 1))) return s;
  }
  return registry.FindService(id);
}

// Service.load_with_provider_key!.
ServiceOrError ResolveService(const Registry& registry,
                              const std::string& provider_key,
                              const std::optional<std::string>& service_id) {
  if (!service_id) {
    const Service* s = registry.DefaultService(provider_key);
    if (s == nullptr) {
      return errors::ProviderKeyInvalidOrServiceMissing(provider_key);
    }
    return s;
  }
  const Service* s = LoadServiceById(registry, *service_id);
  if (s == nullptr) return errors::ServiceIdInvalid(*service_id);
  if (s->provider_key != provider_key) {
    if (registry.DefaultService(provider_key) != nullptr) {
      return errors::ServiceIdInvalid(*service_id);
    }
    return errors::ProviderKeyInvalid(provider_key);
  }
  return s;
}

// The service an error is logged against: an explicit service id owned by
// the provider key, or the provider's default service.
const Service* ServiceForErrorLog(const Registry& registry,
                                  const std::optional<std::string>& pk,
                                  const std::optional<std::string>& sid) {
  if (!pk) return nullptr;
  if (!sid) return registry.DefaultService(*pk);
  const Service* s = LoadServiceById(registry, *sid);
  return s != nullptr && s->provider_key == *pk ? s : nullptr;
}

std::string ErrorContextJson(const HttpRequest& request,
                             const Extensions& ext) {
  auto header_or_null = [&request](std::string_view name) {
    const std::string* v = request.Header(name);
    return v == nullptr ? std::string("null") : JsonString(*v);
  };
  const std::string* host = request.Header("host");
  std::string url = "http://" + (host ? *host : std::string()) + request.target;
  std::string json = "{\"url\":" + JsonString(url);
  json += ",\"method\":" + JsonString(request.method);
  json += ",\"form_vars\":";
  json += request.method == "GET" || request.body.empty()
              ? "null"
              : JsonString(request.body);
  json += ",\"user_agent\":" + header_or_null("user-agent");
  json += ",\"ip\":" + JsonString(request.remote_ip);
  json += ",\"content_type\":" + header_or_null("content-type");
  json += ",\"content_length\":" + header_or_null("content-length");
  json += ",\"extensions\":" + ext.json + "}";
  return json;
}

// ---------------------------------------------------------------------------
// Authorization endpoints.

enum class Endpoint { kAuthorize, kAuthrep, kOauthAuthorize, kOauthAuthrep };

bool Reports(Endpoint e) {
  return e == Endpoint::kAuthrep || e == Endpoint::kOauthAuthrep;
}
bool IsOauthEndpoint(Endpoint e) {
  return e == Endpoint::kOauthAuthorize || e == Endpoint::kOauthAuthrep;
}

// Integer-looking members first, ascending, then the rest: Redis set order.
std::vector<std::string> RedisSetOrder(const std::set<std::string>& members) {
  auto is_int = [](const std::string& s) {
    if (s.empty() || s.size() > 18) return false;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size() || (s[i] == '0' && s.size() > i + 1)) return false;
    return std::all_of(s.begin() + static_cast<long>(i), s.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  std::vector<std::string> ints, others;
  for (const std::string& m : members) (is_int(m) ? ints : others).push_back(m);
  std::sort(ints.begin(), ints.end(), [](const std::string& a, const std::string& b) {
    return std::stoll(a) < std::stoll(b);
  });
  ints.insert(ints.end(), others.begin(), others.end());
  return ints;
}

struct AuthContext {
  Endpoint endpoint;
  const HttpRequest* request;
  const Registry* registry;
  Store* store;
  UtcTime now;
  ParamHash params;
  Extensions ext;
  Credentials creds;
  std::optional<std::string> provider_key;
  const Service* service = nullptr;
  const Application* app = nullptr;
};

// An error after service resolution: logged, then answered.
HttpResponse LoggedError(AuthContext& ctx, const BackendError& error) {
  // Before the service is resolved, only a provider_key parameter names one
  // (a service token does not: golden clients/python_authorize_authrep).
  const Service* log_service =
      ctx.service != nullptr
          ? ctx.service
          : ServiceForErrorLog(*ctx.registry, ctx.creds.provider_key,
                               ctx.creds.service_id);
  if (log_service != nullptr) {
    ctx.store->LogError(log_service->id,
                        ErrorLogEntry{error.code, error.message, ctx.now,
                                      ErrorContextJson(*ctx.request, ctx.ext)});
  }
  return ErrorResponse(error, ctx.ext.no_body);
}

// Validators before Limits (spec 2.3 step 13). nullopt: all passed.
// `redirect_validated` tells whether the RedirectURI validator was reached.
std::optional<Rejection> RunValidators(const AuthContext& ctx,
                                       bool& redirect_validated,
                                       bool& referrer_crash) {
  const Service& service = *ctx.service;
  const Application& app = *ctx.app;
  const bool oauth_endpoint = IsOauthEndpoint(ctx.endpoint);
  if (oauth_endpoint && !service.oauth()) return rejections::OauthNotEnabled();
  if (oauth_endpoint || service.oauth()) {
    // OauthKey: an absent key passes; a present one must match.
    if (ctx.creds.app_key) {
      if (ctx.creds.app_key->empty()) return rejections::ApplicationKeyMissing();
      if (app.keys.count(*ctx.creds.app_key) == 0) {
        return rejections::ApplicationKeyInvalid(*ctx.creds.app_key);
      }
    }
  } else if (!service.user_key_mode() && !app.keys.empty()) {
    // Key: never on backend_version 1 (golden "Surprises" 11).
    if (!ctx.creds.app_key || ctx.creds.app_key->empty()) {
      return rejections::ApplicationKeyMissing();
    }
    if (app.keys.count(*ctx.creds.app_key) == 0) {
      return rejections::ApplicationKeyInvalid(*ctx.creds.app_key);
    }
  }
  if (oauth_endpoint) {
    redirect_validated = true;
    std::optional<std::string> url = StringParam(ctx.params, "redirect_url");
    bool is_uri = false;
    if (!url) {
      url = StringParam(ctx.params, "redirect_uri");
      is_uri = url.has_value();
    }
    if (url && !url->empty() && url != app.redirect_url) {
      return is_uri ? rejections::RedirectUriInvalid(*url)
                    : rejections::RedirectUrlInvalid(*url);
    }
  }
  if (service.referrer_filters_required && !app.referrer_filters.empty()) {
    // validators/referrer.rb: every filter is matched against the value
    // first (so `*` lets an empty referrer through); only a value that
    // matched nothing is judged missing (blank) or not allowed.
    const std::optional<std::string> referrer =
        StringParam(ctx.params, "referrer");
    if (!referrer) return rejections::ReferrerMissing();
    if (*referrer != "*") {
      if (!IsValidUtf8(*referrer)) {
        referrer_crash = true;
        return std::nullopt;
      }
      const bool allowed = std::any_of(
          app.referrer_filters.begin(), app.referrer_filters.end(),
          [&](const std::string& f) { return ReferrerMatches(f, *referrer); });
      if (!allowed) return rejections::ReferrerNotAllowed(*referrer);
    }
  }
  if (!app.active()) return rejections::ApplicationNotActive();
  if (!service.active) return rejections::ServiceNotActive();
  return std::nullopt;
}

// The Limits validator (spec 5.4).
bool WithinLimits(const std::vector<UsageReport>& stored,
                  const Usage& processed) {
  if (processed.empty()) {
    return std::all_of(stored.begin(), stored.end(), [](const UsageReport& r) {
      return r.current_value <= r.max_value;
    });
  }
  for (const UsageReport& r : stored) {
    const UsageEntry* u = FindUsage(processed, r.metric_id);
    if (u == nullptr) continue;
    if (u->value.ApplyTo(r.current_value) > r.max_value) return false;
  }
  return true;
}

// Counts processed usage, as the worker's aggregator does.
void CountUsage(UsageCounters& counters, const Usage& processed, UtcTime at) {
  for (const UsageEntry& e : processed) {
    if (e.value.set) {
      counters.Set(e.metric_id, e.value.value, at);
    } else {
      counters.Increment(e.metric_id, e.value.value, at);
    }
  }
}

// The usage hash without entries whose value is exactly "0".
ParamHash WithoutZeroUsage(const ParamHash& usage) {
  ParamHash kept;
  for (const auto& [k, v] : usage.entries()) {
    if (v.is_string() && v.string() == "0") continue;
    kept.Set(k, v);
  }
  return kept;
}

HttpResponse HandleAuth(Endpoint endpoint, const Registry& registry,
                        Store& store, const HttpRequest& request,
                        UtcTime now) {
  AuthContext ctx{endpoint, &request, &registry, &store, now, {}, {}, {}, {},
                  nullptr, nullptr};
  // Step 1: parameters and their encoding.
  ParsedParams parsed = RequestParams(request);
  if (!parsed.ok()) return ParamsErrorResponse(*parsed.error);
  ctx.params = std::move(parsed.params);
  if (!KeysAreValidUtf8(ctx.params)) {
    return ErrorResponse(errors::NotValidData(), false);
  }
  for (const char* key :
       {"provider_key", "service_id", "app_id", "app_key", "user_key",
        "service_token"}) {
    const ParamValue* v = ctx.params.Find(key);
    if (v != nullptr && !ValueIsValidUtf8(*v)) {
      return HaltedErrorResponse(errors::NotValidData());
    }
  }
  std::optional<Extensions> ext = ResolveExtensions(request, ctx.params);
  if (!ext) return InternalErrorResponse("malformed 3scale-options header");
  ctx.ext = std::move(*ext);
  // Step 2: normalisation; step 3: credentials.
  ctx.creds = NormalizedCredentials(ctx.params);
  ParamHash cred_params;
  if (ctx.creds.provider_key) {
    cred_params.Set("provider_key", ParamValue{*ctx.creds.provider_key});
  }
  for (const char* key : {"service_token", "service_id"}) {
    if (const ParamValue* v = ctx.params.Find(key)) cred_params.Set(key, *v);
  }
  if (ctx.creds.service_id) {
    cred_params.Set("service_id", ParamValue{*ctx.creds.service_id});
  } else {
    cred_params.Erase("service_id");
  }
  auto pk = ResolveProviderKey(registry, cred_params);
  if (auto* error = std::get_if<BackendError>(&pk)) {
    return ErrorResponse(*error, ctx.ext.no_body);
  }
  ctx.provider_key = std::get<std::string>(pk);
  // Step 4: end users.
  if (ctx.params.Find("user_id") != nullptr) {
    return LoggedError(ctx, errors::EndUsersNoLongerSupported());
  }
  // Step 5: usage must be a hash.
  // A bare `usage` (nil) is no usage at all (golden usage/empty_hash).
  const ParamValue* usage_param = ctx.params.Find("usage");
  if (usage_param != nullptr && usage_param->is_nil()) usage_param = nullptr;
  if (usage_param != nullptr && !usage_param->is_hash()) {
    return VendorResponse(403, "");
  }
  static const ParamHash kNoUsage;
  const ParamHash& raw_usage =
      usage_param != nullptr ? usage_param->hash() : kNoUsage;
  // Step 6: log, only its code kept.
  std::optional<ParamValue> log;
  if (const ParamValue* l = ctx.params.Find("log"); l != nullptr && !l->is_nil()) {
    if (!l->is_hash()) return InternalErrorResponse("log is not a hash");
    if (const ParamValue* code = l->hash().Find("code")) {
      ParamHash kept;
      kept.Set("code", *code);
      log = ParamValue{std::move(kept)};
    }
  }
  // Step 7: the service.
  auto service = ResolveService(registry, *ctx.provider_key, ctx.creds.service_id);
  if (auto* error = std::get_if<BackendError>(&service)) {
    return LoggedError(ctx, *error);
  }
  ctx.service = std::get<const Service*>(service);
  // Steps 8-11: the application.
  if (ctx.creds.app_id && ctx.creds.user_key) {
    return LoggedError(ctx, errors::AuthenticationError());
  }
  std::string app_id;
  if (ctx.creds.app_id) {
    app_id = *ctx.creds.app_id;
  } else if (ctx.creds.user_key && !IsOauthEndpoint(endpoint)) {
    std::optional<std::string> found =
        registry.FindAppIdByUserKey(ctx.service->id, *ctx.creds.user_key);
    if (!found) return LoggedError(ctx, errors::UserKeyInvalid(*ctx.creds.user_key));
    app_id = *found;
  }
  ctx.app = app_id.empty() ? nullptr
                           : registry.FindApplication(ctx.service->id, app_id);
  if (ctx.app == nullptr) {
    return LoggedError(ctx, errors::ApplicationNotFound(app_id));
  }
  // Step 12: with no_body, metric names are resolved (untrimmed) first.
  if (ctx.ext.no_body && !raw_usage.empty()) {
    for (const auto& [name, value] : raw_usage.entries()) {
      if (ctx.service->metrics.FindByName(name) == nullptr) {
        return LoggedError(ctx, errors::MetricInvalid(name));
      }
    }
  }
  // Step 13: validators.
  bool redirect_validated = false;
  bool referrer_crash = false;
  std::optional<Rejection> rejection =
      RunValidators(ctx, redirect_validated, referrer_crash);
  if (referrer_crash) return InternalErrorResponse("invalid referrer encoding");
  // Step 14: the Limits validator parses the usage; it raises, not denies.
  Usage usage;
  if (!rejection) {
    for (const auto& [name, value] : raw_usage.entries()) {
      if (!ValueIsValidUtf8(value)) {
        return InternalErrorResponse("invalid usage value encoding");
      }
    }
    auto parsed_usage = ParseUsage(raw_usage, ctx.service->metrics);
    if (auto* error = std::get_if<BackendError>(&parsed_usage)) {
      return LoggedError(ctx, *error);
    }
    usage = std::get<Usage>(std::move(parsed_usage));
  }
  const Usage processed =
      PropagateToAncestors(usage, ctx.service->metrics, ctx.ext.flat_usage);

  // Decide, and count an authorized authrep, under the application's lock.
  std::vector<UsageReport> reports;
  bool authorized = false;
  const bool has_log = log.has_value();
  store.WithCounters(ctx.service->id, ctx.app->id, [&](UsageCounters& counters) {
    reports = StoredUsageReports(*ctx.service, *ctx.app, counters, now);
    if (!rejection && !WithinLimits(reports, processed)) {
      rejection = rejections::LimitsExceeded();
    }
    authorized = !rejection;
    if (!authorized || !Reports(endpoint)) return;
    for (UsageReport& r : reports) {
      r.current_value = ShownValueAfter(usage, ctx.service->metrics,
                                        r.metric_id, r.current_value);
    }
    const ParamHash reported = WithoutZeroUsage(raw_usage);
    if (reported.empty() && !has_log) return;
    if (store.synchronous_reports()) {
      // The job's usage is the request's, less "0"s, propagated again.
      auto to_count = ParseUsage(reported, ctx.service->metrics);
      if (auto* u = std::get_if<Usage>(&to_count)) {
        CountUsage(counters, PropagateToAncestors(*u, ctx.service->metrics,
                                                  ctx.ext.flat_usage),
                   now);
      }
    }
  });
  if (authorized && Reports(endpoint) && !store.synchronous_reports()) {
    const ParamHash reported = WithoutZeroUsage(raw_usage);
    if (!reported.empty() || has_log) {
      ParamHash transaction;
      transaction.Set("app_id", ParamValue{ctx.app->id});
      if (!reported.empty()) transaction.Set("usage", ParamValue{reported});
      if (log) transaction.Set("log", *log);
      store.EnqueueReport(ReportJob{ctx.service->id, {std::move(transaction)},
                                    ctx.ext.flat_usage, now});
    }
  }

  StatusDocument doc;
  doc.authorized = authorized;
  if (rejection) doc.reason = rejection->message;
  if (IsOauthEndpoint(endpoint)) {
    OauthApplicationSection section;
    section.id = ctx.app->id;
    const std::vector<std::string> keys = RedisSetOrder(ctx.app->keys);
    if (!keys.empty()) section.key = keys.front();
    section.redirect_url = ctx.app->redirect_url.value_or("");
    section.named_redirect_uri = redirect_validated &&
                                 ctx.params.Find("redirect_url") == nullptr &&
                                 ctx.params.Find("redirect_uri") != nullptr;
    doc.application = std::move(section);
  }
  doc.plan_name = ctx.app->plan_name;
  doc.usage_reports = reports;
  if (ctx.ext.list_app_keys) {
    AppKeysSection keys{ctx.app->id, ctx.service->id,
                        RedisSetOrder(ctx.app->keys)};
    if (keys.keys.size() > 256) keys.keys.resize(256);
    doc.app_keys = std::move(keys);
  }
  if (ctx.ext.hierarchy) {
    std::vector<HierarchyEntry> entries;
    for (const UsageReport& r : reports) {
      entries.push_back(
          {r.metric_name, ctx.service->metrics.ChildNames(r.metric_id)});
    }
    doc.hierarchy = std::move(entries);
  }
  HttpResponse response =
      VendorResponse(authorized ? 200 : 409,
                     ctx.ext.no_body ? "" : RenderStatus(doc));
  if (!authorized && ctx.ext.rejection_reason_header) {
    response.headers.emplace_back("3scale-rejection-reason", rejection->code);
  }
  if (ctx.ext.limit_headers &&
      (authorized || rejection->code == "limits_exceeded")) {
    const LimitHeaders h = ComputeLimitHeaders(
        reports, usage_param != nullptr ? &raw_usage : nullptr,
        ctx.service->metrics, now);
    response.headers.emplace_back("3scale-limit-remaining",
                                  std::to_string(h.remaining));
    response.headers.emplace_back("3scale-limit-reset",
                                  std::to_string(h.reset_s));
    if (h.max_value) {
      response.headers.emplace_back("3scale-limit-max-value",
                                    std::to_string(*h.max_value));
    }
  }
  return response;
}

// ---------------------------------------------------------------------------
// Report (spec 2.5).

HttpResponse HandleReport(const Registry& registry, Store& store,
                          const HttpRequest& request, UtcTime now) {
  const std::string media_type = MediaType(request);
  if (!media_type.empty() && media_type != "application/x-www-form-urlencoded" &&
      media_type != "multipart/form-data") {
    // no_body can only come from the query or the header here.
    const std::optional<Extensions> ext =
        ResolveExtensions(request, ParseNestedQuery(request.query()).params);
    return ErrorResponse(errors::ContentTypeInvalid(media_type),
                         ext.has_value() && ext->no_body);
  }
  ParsedParams parsed = RequestParams(request);
  if (!parsed.ok()) return ParamsErrorResponse(*parsed.error);
  const ParamHash& params = parsed.params;
  std::optional<Extensions> ext = ResolveExtensions(request, params);
  if (!ext) return InternalErrorResponse("malformed 3scale-options header");
  auto pk = ResolveProviderKey(registry, params);
  if (auto* error = std::get_if<BackendError>(&pk)) {
    return ErrorResponse(*error, ext->no_body);
  }
  // Invalid UTF-8 in a name is raised (chunked), in a value halted
  // (Content-Length): golden report/invalid_utf8_in_transaction.
  if (!KeysAreValidUtf8(params)) {
    return ErrorResponse(errors::NotValidData(), false);
  }
  if (!IsValidUtf8(params)) return HaltedErrorResponse(errors::NotValidData());
  const ParamValue* transactions = params.Find("transactions");
  if (IsBlankValue(transactions)) {
    return ErrorResponse(errors::TransactionsIsBlank(), ext->no_body);
  }
  if (!transactions->is_hash()) {
    return ErrorResponse(errors::TransactionsFormatInvalid(), ext->no_body);
  }
  for (const auto& [index, t] : transactions->hash().entries()) {
    if (t.is_nil()) {
      return ErrorResponse(errors::TransactionsHasNilTransaction(), ext->no_body);
    }
    if (t.is_hash() && t.hash().Find("user_id") != nullptr) {
      return ErrorResponse(errors::EndUsersNoLongerSupported(), ext->no_body);
    }
  }
  std::optional<std::string> sid = StringParam(params, "service_id");
  if (sid && IsBlank(*sid)) sid.reset();
  auto service = ResolveService(registry, std::get<std::string>(pk), sid);
  if (auto* error = std::get_if<BackendError>(&service)) {
    return ErrorResponse(*error, ext->no_body);
  }
  ReportJob job;
  job.service_id = std::get<const Service*>(service)->id;
  job.flat_usage = ext->flat_usage;
  job.received_at = now;
  for (const auto& [index, t] : transactions->hash().entries()) {
    // Non-hash transactions, usages and logs crash 3.4.3 (golden
    // "Surprises" 9).
    if (!t.is_hash()) return InternalErrorResponse("transaction is not a hash");
    const ParamValue* usage = t.hash().Find("usage");
    const ParamValue* log = t.hash().Find("log");
    if (usage != nullptr && !usage->is_nil() && !usage->is_hash()) {
      return InternalErrorResponse("usage is not a hash");
    }
    if (log != nullptr && !log->is_nil() && !log->is_hash()) {
      return InternalErrorResponse("log is not a hash");
    }
    if (usage == nullptr || !usage->is_hash()) continue;
    ParamHash kept_usage = WithoutZeroUsage(usage->hash());
    if (kept_usage.empty()) continue;
    ParamHash transaction = t.hash();
    transaction.Set("usage", ParamValue{std::move(kept_usage)});
    job.transactions.push_back(std::move(transaction));
  }
  if (!job.transactions.empty()) {
    if (store.synchronous_reports()) {
      ProcessReportJob(registry, store, job, now);
    } else {
      store.EnqueueReport(std::move(job));
    }
  }
  return VendorResponse(202, "");
}

// ---------------------------------------------------------------------------
// Routing.

HttpResponse OptionsResponse() {
  HttpResponse r;
  r.status = 204;
  AddSinatraHeaders(r, nullptr);
  r.headers.emplace_back("access-control-max-age", "86400");
  r.headers.emplace_back("access-control-allow-methods",
                         "GET, POST, PATCH, PUT, DELETE");
  r.headers.emplace_back(
      "access-control-allow-headers",
      "Authorization, Accept-Encoding, Content-Type, Cache-Control, Accept, "
      "If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, "
      "X-Requested-With, X-HTTP-Method-Override, 3scale-options");
  return r;
}

// The path routes are matched on, as Rack::Protection::PathTraversal
// cleans it before Sinatra sees it: %2e, %2f and %5c decoded, backslashes as
// slashes, empty and "." segments dropped, ".." popping one, a trailing
// slash kept ("/transactions//authorize.xml" is authorize: golden
// badinput/unknown_routes).
std::string RoutePath(std::string_view path) {
  std::string unescaped;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      const char a = path[i + 1];
      const char b = static_cast<char>(path[i + 2] | 0x20);
      if (a == '2' && b == 'e') { unescaped += '.'; i += 2; continue; }
      if (a == '2' && b == 'f') { unescaped += '/'; i += 2; continue; }
      if (a == '5' && b == 'c') { unescaped += '/'; i += 2; continue; }
    }
    unescaped += path[i] == '\\' ? '/' : path[i];
  }
  std::vector<std::string_view> parts;
  const std::string_view u = unescaped;
  size_t start = 0;
  while (start <= u.size()) {
    size_t end = u.find('/', start);
    if (end == std::string_view::npos) end = u.size();
    const std::string_view part = u.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string cleaned = "/";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) cleaned += '/';
    cleaned += parts[i];
  }
  const bool trailing = u.size() >= 1 && (u.back() == '/' ||
      (u.size() >= 2 && u.substr(u.size() - 2) == "/.") ||
      (u.size() >= 3 && u.substr(u.size() - 3) == "/.."));
  if (!parts.empty() && trailing) cleaned += '/';
  return cleaned;
}

}  // namespace

HttpResponse HandlePublicRequest(const Registry& registry, Store& store,
                                 const HttpRequest& request, UtcTime now) {
  if (request.method == "OPTIONS") {
    if (request.target == "*") {
      HttpResponse r;
      r.status = 404;
      r.headers.emplace_back("content-type", "text/plain");
      r.body = "Not Found: *";
      return r;
    }
    return OptionsResponse();
  }
  const bool head = request.method == "HEAD";
  const bool get = request.method == "GET" || head;
  const std::string path = RoutePath(request.path());
  HttpResponse response;
  if (get && path == "/transactions/authorize.xml") {
    response = HandleAuth(Endpoint::kAuthorize, registry, store, request, now);
  } else if (get && path == "/transactions/authrep.xml") {
    response = HandleAuth(Endpoint::kAuthrep, registry, store, request, now);
  } else if (get && path == "/transactions/oauth_authorize.xml") {
    response =
        HandleAuth(Endpoint::kOauthAuthorize, registry, store, request, now);
  } else if (get && path == "/transactions/oauth_authrep.xml") {
    response =
        HandleAuth(Endpoint::kOauthAuthrep, registry, store, request, now);
  } else if (request.method == "POST" && path == "/transactions.xml") {
    response = HandleReport(registry, store, request, now);
  } else if (get && path == "/status") {
    response = VendorResponse(200, std::string("{\"status\":\"ok\",\"version\":{\"backend\":\"") +
                                       kBackendVersion + "\"}}");
    response.SetHeader("content-type", "application/json");
  } else if (get && path == "/check.txt") {
    response = VendorResponse(200, "ok");
    response.SetHeader("content-type", "text/plain;charset=utf-8");
  } else if (head && path == "/available") {
    response = VendorResponse(200, "");
  } else {
    response = NotFoundResponse();
  }
  // HEAD is answered like GET; the server sends no body but its length.
  return response;
}

// ---------------------------------------------------------------------------
// The report worker.

void ProcessReportJob(const Registry& registry, Store& store,
                      const ReportJob& job, UtcTime now) {
  const Service* service = registry.FindService(job.service_id);
  if (service == nullptr) return;
  auto fail = [&](const BackendError& error) {
    store.LogError(job.service_id, ErrorLogEntry{error.code, error.message, now, "{}"});
  };
  struct Counted {
    std::string app_id;
    Usage usage;
    UtcTime at;
  };
  std::vector<Counted> batch;
  // Application.extract_id! for every transaction first (group_by).
  std::vector<std::string> app_ids;
  for (const ParamHash& t : job.transactions) {
    std::optional<std::string> app_id = StringParam(t, "app_id");
    std::optional<std::string> user_key = StringParam(t, "user_key");
    if (app_id && user_key) return fail(errors::AuthenticationError());
    if (!app_id && user_key) {
      app_id = registry.FindAppIdByUserKey(service->id, *user_key);
      if (!app_id) return fail(errors::UserKeyInvalid(*user_key));
    }
    if (!app_id || registry.FindApplication(service->id, *app_id) == nullptr) {
      return fail(errors::ApplicationNotFound(app_id.value_or("")));
    }
    app_ids.push_back(*app_id);
  }
  for (size_t i = 0; i < job.transactions.size(); ++i) {
    const ParamHash& t = job.transactions[i];
    UtcTime at = now;
    if (std::optional<std::string> ts = StringParam(t, "timestamp")) {
      if (std::optional<UtcTime> parsed = ParseReportTimestamp(*ts)) {
        switch (CheckTimestampWindow(*parsed, now)) {
          case TimestampWindow::kTooOld:
            return fail(errors::TransactionTimestampTooOld());
          case TimestampWindow::kTooNew:
            return fail(errors::TransactionTimestampTooNew());
          case TimestampWindow::kInside:
            at = *parsed;
        }
      }
    }
    const ParamValue* usage = t.Find("usage");
    auto parsed = ParseUsage(usage->hash(), service->metrics);
    if (auto* error = std::get_if<BackendError>(&parsed)) return fail(*error);
    batch.push_back(Counted{app_ids[i],
                            PropagateToAncestors(std::get<Usage>(parsed),
                                                 service->metrics,
                                                 job.flat_usage),
                            at});
  }
  for (const Counted& c : batch) {
    store.WithCounters(service->id, c.app_id, [&](UsageCounters& counters) {
      CountUsage(counters, c.usage, c.at);
    });
  }
}

}  // namespace scalecheck::core
