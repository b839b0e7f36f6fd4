#include "harness/request_builder.h"

#include <algorithm>

#include "core/params.h"
#include "harness/seeding.h"

namespace scalecheck::harness {
namespace {

using core::EncodeComponent;

// Encodes a parameter name, keeping the brackets readable in journals is not
// worth a second encoder: everything but unreserved bytes is %-encoded.
void Append(std::string& out, const std::string& name, const std::string& value) {
  if (!out.empty()) out += '&';
  out += EncodeComponent(name);
  out += '=';
  out += EncodeComponent(value);
}

// The service a call names. One the fixture does not define (a scenario
// may name one on purpose) is an empty service of that id, which is never
// a default service, so its service_id is always sent.
ServiceSpec ServiceOf(const Scenario& scenario, const CallStep& call) {
  const std::string& id =
      call.service.empty() ? scenario.defaults.service : call.service;
  if (const ServiceSpec* s = FindService(scenario, id)) return *s;
  ServiceSpec unknown;
  unknown.id = id;
  return unknown;
}

// Whether `service` is what `provider_key` resolves to without a service_id.
bool IsDefaultService(const Scenario& scenario, const ServiceSpec& service,
                      const std::string& provider_key) {
  const ServiceSpec* first = nullptr;
  for (const ServiceSpec& s : scenario.services) {
    if (s.provider_key != provider_key) continue;
    if (s.default_service) return s.id == service.id;
    if (first == nullptr) first = &s;
  }
  return first != nullptr && first->id == service.id;
}

// The parameters that identify provider and service.
void AppendCredentials(std::string& out, const Scenario& scenario,
                       const CallStep& call, const ServiceSpec& service,
                       const std::vector<std::string>& omit) {
  auto wanted = [&omit](const char* name) {
    return std::find(omit.begin(), omit.end(), name) == omit.end();
  };
  const Credentials credentials = call.credentials;
  const std::string provider_key = call.provider_key.value_or(service.provider_key);
  if (credentials == Credentials::kProviderKey && wanted("provider_key")) {
    Append(out, "provider_key", provider_key);
  }
  if (credentials == Credentials::kServiceToken && wanted("service_token")) {
    const std::string token =
        call.service_token.value_or(service.service_tokens.empty()
                                        ? std::string()
                                        : service.service_tokens.front());
    Append(out, "service_token", token);
  }
  const bool send_service_id = call.send_service_id.value_or(
      credentials == Credentials::kServiceToken ||
      !IsDefaultService(scenario, service, provider_key));
  if (send_service_id && wanted("service_id")) Append(out, "service_id", service.id);
}

}  // namespace

core::HttpRequest BuildCallRequest(const Scenario& scenario,
                                   const CallStep& call) {
  const ServiceSpec service = ServiceOf(scenario, call);
  core::HttpRequest request;
  request.headers.emplace_back("Host", "localhost");
  auto wanted = [&call](const char* name) {
    return std::find(call.omit.begin(), call.omit.end(), name) == call.omit.end();
  };
  std::string params;
  AppendCredentials(params, scenario, call, service, call.omit);

  if (call.kind == CallKind::kReport) {
    for (size_t i = 0; i < call.transactions.size(); ++i) {
      const ReportTransaction& t = call.transactions[i];
      const std::string prefix = "transactions[" + std::to_string(i) + "]";
      if (!t.app.empty()) Append(params, prefix + "[app_id]", t.app);
      if (!t.user_key.empty()) Append(params, prefix + "[user_key]", t.user_key);
      for (const auto& [metric, value] : t.usage) {
        Append(params, prefix + "[usage][" + metric + "]", value);
      }
      if (t.timestamp) Append(params, prefix + "[timestamp]", *t.timestamp);
      if (t.log_code) Append(params, prefix + "[log][code]", *t.log_code);
    }
    for (const auto& [name, value] : call.params) Append(params, name, value);
    request.method = "POST";
    request.target = "/transactions.xml";
    request.headers.emplace_back("Content-Type",
                                 "application/x-www-form-urlencoded");
    request.headers.emplace_back("Content-Length", std::to_string(params.size()));
    request.body = std::move(params);
  } else {
    // The application: app_id, or user_key on backend_version 1.
    const std::string app_id =
        call.app.value_or(call.user_key ? std::string() : scenario.defaults.app);
    const ApplicationSpec* app = FindApplication(service, app_id);
    const bool by_user_key =
        !call.app && !call.user_key && service.backend_version == "1" &&
        app != nullptr && !app->user_key.empty();
    if (by_user_key) {
      if (wanted("user_key")) Append(params, "user_key", app->user_key);
    } else if (!app_id.empty() && wanted("app_id")) {
      Append(params, "app_id", app_id);
    }
    if (call.user_key && wanted("user_key")) Append(params, "user_key", *call.user_key);
    if (call.app_key) {
      if (wanted("app_key")) Append(params, "app_key", *call.app_key);
    } else if (app != nullptr && !app->keys.empty() && !by_user_key &&
               service.backend_version != "oauth" &&
               call.kind != CallKind::kOauthAuthorize &&
               call.kind != CallKind::kOauthAuthrep && wanted("app_key")) {
      Append(params, "app_key", app->keys.front());
    }
    if (call.referrer) Append(params, "referrer", *call.referrer);
    if (call.redirect_url) Append(params, "redirect_url", *call.redirect_url);
    if (call.redirect_uri) Append(params, "redirect_uri", *call.redirect_uri);
    for (const auto& [metric, value] : call.usage) {
      Append(params, "usage[" + metric + "]", value);
    }
    for (const auto& [name, value] : call.log) {
      Append(params, "log[" + name + "]", value);
    }
    for (const auto& [name, value] : call.params) Append(params, name, value);
    request.method = "GET";
    request.target = std::string("/transactions/") + ToString(call.kind) +
                     ".xml" + (params.empty() ? "" : "?" + params);
  }
  if (!call.extensions.empty()) {
    std::string options;
    for (const auto& [name, value] : call.extensions) Append(options, name, value);
    request.headers.emplace_back("3scale-options", options);
  }
  return request;
}

core::HttpRequest BuildRawRequest(const RawStep& raw) {
  core::HttpRequest request;
  request.method = raw.method;
  request.target = raw.target;
  request.version = raw.version;
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : raw.headers) {
    has_host = has_host || core::EqualsIgnoreCase(name, "host");
    has_length = has_length || core::EqualsIgnoreCase(name, "content-length") ||
                 core::EqualsIgnoreCase(name, "transfer-encoding");
    request.headers.emplace_back(name, value);
  }
  if (!has_host) request.headers.insert(request.headers.begin(), {"Host", "localhost"});
  if (!has_length && (!raw.body.empty() || raw.method == "POST" ||
                      raw.method == "PUT")) {
    request.headers.emplace_back("Content-Length", std::to_string(raw.body.size()));
  }
  request.body = raw.body;
  return request;
}

std::string DescribeCall(const Scenario& scenario, const CallStep& call) {
  std::string text = ToString(call.kind);
  if (call.kind == CallKind::kReport) {
    text += " " + std::to_string(call.transactions.size()) + " transaction(s)";
    return text;
  }
  text += " app=" + call.app.value_or(call.user_key ? "" : scenario.defaults.app);
  if (call.user_key) text += " user_key=" + *call.user_key;
  for (const auto& [metric, value] : call.usage) {
    text += " usage[" + metric + "]=" + value;
  }
  for (const auto& [name, value] : call.extensions) {
    text += " " + name + "=" + value;
  }
  return text;
}

}  // namespace scalecheck::harness
