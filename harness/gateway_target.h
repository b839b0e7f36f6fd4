// harness/gateway_target.h
//
// An API gateway under test (APIcast, or anything that claims to do what it
// does), reached at a URL, together with the upstream echo API it proxies
// to. Before each scenario the harness can write the scenario's APIcast
// configuration to a file the gateway reads per request (--gateway-config),
// pointing at the backend and the echo. The backend itself is an ordinary
// Target (the embedded mock, or a mock at a URL). Not thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/gateway_model.h"
#include "core/http_message.h"
#include "core/status.h"
#include "harness/raw_http_client.h"
#include "harness/scenario.h"
#include "harness/upstream_echo.h"

namespace scalecheck::harness {

struct GatewayOptions {
  std::string url;                              // --gateway; empty: no gateway.
  std::string upstream_listen = "127.0.0.1:0";  // --upstream-listen HOST:PORT
  // --gateway-config: where each scenario's APIcast configuration is written
  // before it runs; empty: the gateway is configured already.
  std::string config_path;
  // --gateway-cache: the caching policy the gateway runs with; anything but
  // none makes the answer and backend checks lenient (spec/gateway.md 4.3).
  core::GatewayCacheMode cache = core::GatewayCacheMode::kNone;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds read_timeout{10000};
};

class GatewayTarget {
 public:
  // Starts the upstream echo on options.upstream_listen and checks that the
  // gateway listens. `clock` must outlive the target. kInvalidArgument for a
  // bad URL or address; kUnavailable "cannot reach the gateway at URL: ..."
  // or "cannot listen on ...".
  static core::Result<std::unique_ptr<GatewayTarget>> Open(
      const GatewayOptions& options, core::Clock& clock);
  GatewayTarget(const GatewayTarget&) = delete;
  GatewayTarget& operator=(const GatewayTarget&) = delete;

  // "gateway http://127.0.0.1:PORT (upstream http://127.0.0.1:PORT)".
  std::string description() const;
  const GatewayOptions& options() const { return options_; }
  const std::string& url() const { return options_.url; }
  std::string upstream_url() const { return echo_->base_url(); }
  int64_t upstream_requests() const { return echo_->requests(); }

  // Writes `scenario`'s APIcast configuration (backend at `backend_url`,
  // upstream the echo) to the config path, if one was given. kUnavailable
  // when it cannot be written.
  core::Status Configure(const Scenario& scenario,
                         const std::string& backend_url);

  // Sends an end user's request to the gateway over a fresh connection.
  core::Result<HttpResponse> Send(const HttpRequest& request);

 private:
  GatewayTarget(GatewayOptions options, Endpoint endpoint, core::Clock& clock)
      : options_(std::move(options)),
        client_(endpoint,
                RawHttpOptions{options_.connect_timeout, options_.read_timeout},
                clock) {}
  GatewayOptions options_;
  RawHttpClient client_;
  std::unique_ptr<UpstreamEcho> echo_;
};

// "127.0.0.1:8080" -> host and port. kInvalidArgument with `flag` named.
core::Status ParseListenAddress(const std::string& text,
                                const std::string& flag, std::string& host,
                                int& port);

}  // namespace scalecheck::harness
