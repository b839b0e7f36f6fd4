#include "harness/gateway_target.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "harness/gateway_config.h"

namespace scalecheck::harness {

core::Status ParseListenAddress(const std::string& text,
                                const std::string& flag, std::string& host,
                                int& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return core::Status::InvalidArgument(flag + " wants HOST:PORT, got '" +
                                         text + "'");
  }
  host = text.substr(0, colon);
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(digits) > 65535) {
    return core::Status::InvalidArgument(flag + ": invalid port in '" + text +
                                         "'");
  }
  port = std::stoi(digits);
  return core::Status();
}

core::Result<std::unique_ptr<GatewayTarget>> GatewayTarget::Open(
    const GatewayOptions& options, core::Clock& clock) {
  core::Result<Endpoint> endpoint = ParseHttpUrl(options.url);
  if (!endpoint.ok()) {
    return core::Status::InvalidArgument("bad gateway url '" + options.url +
                                         "': " + endpoint.status().message());
  }
  std::string host;
  int port = 0;
  if (core::Status s = ParseListenAddress(options.upstream_listen,
                                          "--upstream-listen", host, port);
      !s.ok()) {
    return s;
  }
  std::unique_ptr<GatewayTarget> target(
      new GatewayTarget(options, endpoint.value(), clock));
  core::Result<std::unique_ptr<UpstreamEcho>> echo =
      UpstreamEcho::Start(host, port);
  if (!echo.ok()) {
    return core::Status::Unavailable("upstream echo: " +
                                     echo.status().message());
  }
  target->echo_ = std::move(echo).value();
  if (core::Status probe = target->client_.Probe(); !probe.ok()) {
    return core::Status::Unavailable("cannot reach the gateway at " +
                                     options.url + ": " + probe.message());
  }
  return target;
}

std::string GatewayTarget::description() const {
  return "gateway " + options_.url + " (upstream " + upstream_url() + ")";
}

core::Status GatewayTarget::Configure(const Scenario& scenario,
                                      const std::string& backend_url) {
  if (options_.config_path.empty()) return core::Status();
  ApicastExportOptions export_options;
  export_options.backend_url = backend_url;
  export_options.upstream_url = upstream_url();
  export_options.cache = options_.cache;
  const std::string json = ExportApicastConfig(scenario, export_options);
  // Written aside and renamed, so that a gateway reading it per request
  // never sees half a file.
  const std::string temporary = options_.config_path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out) {
      return core::Status::Unavailable("cannot write " + temporary);
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, options_.config_path, error);
  if (error) {
    return core::Status::Unavailable("cannot write " + options_.config_path +
                                     ": " + error.message());
  }
  return core::Status();
}

core::Result<HttpResponse> GatewayTarget::Send(const HttpRequest& request) {
  return client_.Send(request);
}

}  // namespace scalecheck::harness
