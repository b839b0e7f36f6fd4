#include "harness/upstream_echo.h"

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/params.h"
#include "mock_backend/http_server.h"

namespace scalecheck::harness {

core::HttpResponse EchoResponse(const core::HttpRequest& request) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : request.headers) headers[name] = value;
  nlohmann::json body = {{"method", request.method},
                         {"target", request.target},
                         {"headers", headers}};
  if (core::IsValidUtf8(request.body)) {
    body["body"] = request.body;
  } else {
    body["body_b64"] = core::Base64Encode(request.body);
  }
  core::HttpResponse response;
  response.status = 200;
  response.headers = {{"content-type", "application/json"},
                      {kUpstreamHeader, "echo"}};
  response.body = body.dump();
  return response;
}

core::Result<std::unique_ptr<UpstreamEcho>> UpstreamEcho::Start(
    const std::string& host, int port) {
  std::unique_ptr<UpstreamEcho> echo(new UpstreamEcho());
  echo->host_ = host;
  auto counter = echo->requests_;
  mock_backend::HttpServerOptions options;
  options.threads = 8;
  echo->server_ = std::make_unique<mock_backend::HttpServer>(
      options, [counter](const core::HttpRequest& request) {
        ++*counter;
        return EchoResponse(request);
      });
  core::Result<int> bound = echo->server_->Start(host, port);
  if (!bound.ok()) return bound.status();
  echo->port_ = bound.value();
  return echo;
}

UpstreamEcho::~UpstreamEcho() {
  if (server_) server_->Stop();
}

std::string UpstreamEcho::base_url() const {
  return "http://" + host_ + ":" + std::to_string(port_);
}

}  // namespace scalecheck::harness
