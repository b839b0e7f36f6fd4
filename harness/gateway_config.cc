#include "harness/gateway_config.h"

#include <nlohmann/json.hpp>

namespace scalecheck::harness {
namespace {

using Json = nlohmann::ordered_json;

// "service_token" -> the service's first token; "provider_key" -> its key.
void ResolveAuthentication(const ServiceSpec& spec,
                           core::GatewayService& service) {
  const std::string& kind = spec.gateway->backend_authentication;
  if (kind == "service_token" && !spec.service_tokens.empty()) {
    service.backend_authentication_type = "service_token";
    service.backend_authentication_value = spec.service_tokens.front();
  } else if (kind == "provider_key" || kind.empty()) {
    service.backend_authentication_type = "provider_key";
    service.backend_authentication_value = spec.provider_key;
  } else {
    service.backend_authentication_type.clear();
    service.backend_authentication_value.clear();
  }
}

// porta's `parameters`: the placeholder names of the pattern's path.
Json Placeholders(const std::string& pattern) {
  Json names = Json::array();
  const std::string path = pattern.substr(0, pattern.find('?'));
  for (size_t open = path.find('{'); open != std::string::npos;
       open = path.find('{', open + 1)) {
    const size_t close = path.find('}', open + 1);
    if (close == std::string::npos) break;
    names.push_back(path.substr(open + 1, close - open - 1));
  }
  return names;
}

}  // namespace

core::GatewayConfig GatewayConfigOf(const Scenario& scenario) {
  core::GatewayConfig config;
  for (const ServiceSpec& spec : scenario.services) {
    if (!spec.gateway) continue;
    const GatewaySpec& g = *spec.gateway;
    core::GatewayService service;
    service.id = spec.id;
    service.backend_version = spec.backend_version;
    ResolveAuthentication(spec, service);
    service.hosts = g.hosts;
    service.credentials_location = g.credentials_location;
    service.auth_user_key = g.auth_user_key;
    service.auth_app_id = g.auth_app_id;
    service.auth_app_key = g.auth_app_key;
    service.rules = g.mapping_rules;
    service.errors = g.errors;
    service.has_upstream = g.upstream;
    config.services.push_back(std::move(service));
  }
  return config;
}

std::string ExportApicastConfig(const Scenario& scenario,
                                const ApicastExportOptions& options) {
  const core::GatewayConfig config = GatewayConfigOf(scenario);
  Json services = Json::array();
  for (const core::GatewayService& s : config.services) {
    Json rules = Json::array();
    for (const core::MappingRule& r : s.rules) {
      Json qs = Json::object();
      for (const auto& [name, value] : r.querystring_parameters)
        qs[name] = value;
      rules.push_back(Json{{"http_method", r.http_method},
                           {"pattern", r.pattern},
                           {"metric_system_name", r.metric_system_name},
                           {"delta", r.delta},
                           {"last", r.last},
                           {"parameters", Placeholders(r.pattern)},
                           {"querystring_parameters", qs}});
    }
    Json proxy = Json::object();
    proxy["hosts"] = s.hosts;
    proxy["api_backend"] =
        s.has_upstream ? Json(options.upstream_url) : Json(nullptr);
    proxy["backend"] = Json{{"endpoint", options.backend_url}};
    proxy["credentials_location"] = core::ToString(s.credentials_location);
    proxy["auth_user_key"] = s.auth_user_key;
    proxy["auth_app_id"] = s.auth_app_id;
    proxy["auth_app_key"] = s.auth_app_key;
    for (const auto& [name, error] :
         {std::pair{"auth_missing", &s.errors.auth_missing},
          std::pair{"auth_failed", &s.errors.auth_failed},
          std::pair{"limits_exceeded", &s.errors.limits_exceeded},
          std::pair{"no_match", &s.errors.no_match}}) {
      proxy[std::string("error_") + name] = error->body;
      proxy[std::string("error_status_") + name] = error->status;
      proxy[std::string("error_headers_") + name] = error->content_type;
    }
    proxy["policy_chain"] = Json::array(
        {Json{{"name", "caching"},
              {"version", "builtin"},
              {"configuration",
               Json{{"caching_type", core::ToString(options.cache)}}}},
         Json{{"name", "apicast"},
              {"version", "builtin"},
              {"configuration", Json::object()}}});
    proxy["proxy_rules"] = rules;
    Json service = Json::object();
    service["id"] = s.id;
    service["backend_version"] = s.backend_version;
    if (!s.backend_authentication_type.empty()) {
      service["backend_authentication_type"] = s.backend_authentication_type;
      service["backend_authentication_value"] = s.backend_authentication_value;
    }
    service["proxy"] = proxy;
    services.push_back(service);
  }
  return Json{{"services", services}}.dump(2) + "\n";
}

}  // namespace scalecheck::harness
