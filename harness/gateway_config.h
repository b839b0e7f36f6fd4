// harness/gateway_config.h
//
// A scenario's gateway settings ([services.gateway]) seen two ways: as the
// gateway model's core::GatewayConfig (what the harness predicts with) and as
// APIcast's configuration file (spec/gateway.md 6.1, THREESCALE_CONFIG_FILE),
// which `scalecheck export apicast` prints and `run --gateway-config` writes,
// so the gateway under test and the model read the same settings. Pure.
#pragma once

#include <string>

#include "core/gateway_model.h"
#include "harness/scenario.h"

namespace scalecheck::harness {

// The model's configuration: the scenario's services that have a gateway
// table, in scenario order, with their backend authentication resolved.
core::GatewayConfig GatewayConfigOf(const Scenario& scenario);

struct ApicastExportOptions {
  std::string backend_url = "http://127.0.0.1:3001";   // proxy.backend.endpoint
  std::string upstream_url = "http://127.0.0.1:3002";  // proxy.api_backend
  // The caching policy put before apicast in every policy chain.
  core::GatewayCacheMode cache = core::GatewayCacheMode::kNone;
};

// The APIcast configuration JSON (pretty-printed, ending in a newline):
// every gateway service with backend_version, backend authentication,
// proxy.hosts, api_backend (null without an upstream), backend endpoint,
// credentials location and names, all error settings written explicitly,
// a policy chain [caching, apicast], and proxy_rules with
// querystring_parameters.
std::string ExportApicastConfig(const Scenario& scenario,
                                const ApicastExportOptions& options);

}  // namespace scalecheck::harness
