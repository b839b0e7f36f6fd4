// harness/upstream_echo.h
//
// The API behind the gateway under test: a loopback HTTP server that answers
// every request with 200 and a JSON document of what it received (method,
// target, headers, body) plus the header `x-scalecheck-upstream: echo`, so
// the harness can tell a proxied answer from one the gateway made itself. It
// counts the requests it served. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/http_message.h"
#include "core/status.h"

namespace scalecheck::mock_backend {
class HttpServer;
}

namespace scalecheck::harness {

inline constexpr const char* kUpstreamHeader = "x-scalecheck-upstream";

// The answer to `request`: 200, application/json, the echo header and
// {"method":..,"target":..,"headers":{..},"body":..}. Pure.
core::HttpResponse EchoResponse(const core::HttpRequest& request);

class UpstreamEcho {
 public:
  // Listens on host:port (port 0: any free port). kUnavailable: "cannot
  // listen on 127.0.0.1:PORT".
  static core::Result<std::unique_ptr<UpstreamEcho>> Start(
      const std::string& host, int port);
  ~UpstreamEcho();
  UpstreamEcho(const UpstreamEcho&) = delete;
  UpstreamEcho& operator=(const UpstreamEcho&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT".
  std::string base_url() const;
  // Requests answered since the start.
  int64_t requests() const { return requests_->load(); }

 private:
  UpstreamEcho() = default;
  std::string host_;
  int port_ = 0;
  std::shared_ptr<std::atomic<int64_t>> requests_ =
      std::make_shared<std::atomic<int64_t>>(0);
  std::unique_ptr<mock_backend::HttpServer> server_;
};

}  // namespace scalecheck::harness
