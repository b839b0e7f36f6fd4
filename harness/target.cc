#include "harness/target.h"

#include "core/period.h"
#include "harness/recording.h"
#include "mock_backend/mock_server.h"

namespace scalecheck::harness {
namespace {

HttpRequest ToWire(const core::HttpRequest& request) {
  HttpRequest wire;
  wire.method = request.method;
  wire.target = request.target;
  wire.version = request.version;
  wire.headers = request.headers;
  wire.body = request.body;
  return wire;
}

}  // namespace

Target::Target(std::string base_url, Endpoint endpoint, TargetOptions options,
               core::Clock& clock)
    : base_url_(std::move(base_url)),
      endpoint_(endpoint),
      options_(std::move(options)),
      clock_(clock),
      client_(endpoint_,
              RawHttpOptions{options_.connect_timeout, options_.read_timeout},
              clock) {}

Target::~Target() {
  connection_.reset();
  if (mock_) mock_->Stop();
}

core::Result<std::unique_ptr<Target>> Target::Open(const TargetOptions& options,
                                                   core::Clock& clock) {
  std::unique_ptr<mock_backend::MockServer> mock;
  TargetOptions effective = options;
  std::string url = options.url;
  if (url.empty()) {
    mock_backend::MockOptions mock_options;
    mock_options.host = options.embedded_host;
    mock_options.port = options.embedded_port;
    mock_options.threads = 8;
    if (effective.internal_auth.empty()) {
      effective.internal_auth = "scalecheck:scalecheck";
    }
    mock_options.internal_auth = effective.internal_auth;
    auto started = mock_backend::MockServer::Start(mock_options, clock);
    if (!started.ok()) {
      return core::Status::Unavailable("cannot start the embedded mock: " +
                                       started.status().message());
    }
    mock = std::move(started).value();
    url = mock->base_url();
  }
  core::Result<Endpoint> endpoint = ParseHttpUrl(url);
  if (!endpoint.ok()) {
    return core::Status::InvalidArgument("bad target url '" + url +
                                         "': " + endpoint.status().message());
  }
  std::unique_ptr<Target> target(
      new Target(url, endpoint.value(), effective, clock));
  target->mock_ = std::move(mock);
  if (core::Status probe = target->client_.Probe(); !probe.ok()) {
    return core::Status::Unavailable("cannot reach " + url + ": " +
                                     probe.message());
  }
  core::Result<HttpResponse> clock_answer = target->Control("GET", "/clock", "");
  target->has_control_api_ =
      clock_answer.ok() && clock_answer.value().status == 200;
  return target;
}

bool Target::embedded() const { return mock_ != nullptr; }

std::string Target::description() const {
  return embedded() ? "embedded mock (" + base_url_ + ")" : base_url_;
}

core::Result<HttpResponse> Target::SendOnce(const HttpRequest& request,
                                            bool keep) {
  if (!keep) return client_.Send(request);
  if (!connection_ || !connection_->reusable()) {
    core::Result<std::unique_ptr<RawHttpConnection>> opened = client_.Connect();
    if (!opened.ok()) return opened.status();
    connection_ = std::move(opened).value();
  }
  core::Result<HttpResponse> response = connection_->RoundTrip(request);
  if (!response.ok()) connection_.reset();
  return response;
}

core::Result<HttpResponse> Target::Send(const core::HttpRequest& request) {
  HttpRequest wire = ToWire(request);
  // A kept connection may have been closed by the server since the last
  // request; one retry on a fresh connection tells that from an outage.
  core::Result<HttpResponse> response = SendOnce(wire, true);
  if (!response.ok()) response = SendOnce(wire, true);
  return response;
}

core::Result<HttpResponse> Target::Internal(const std::string& method,
                                            const std::string& path,
                                            const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.target = "/internal" + path;
  request.headers.emplace_back("Host", endpoint_.HostPort());
  if (!options_.internal_auth.empty()) {
    request.headers.emplace_back("Authorization",
                                 "Basic " + Base64Encode(options_.internal_auth));
  }
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.headers.emplace_back("Content-Length", std::to_string(body.size()));
  }
  request.body = body;
  return SendOnce(request, false);
}

core::Result<HttpResponse> Target::Control(const std::string& method,
                                           const std::string& path,
                                           const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.target = "/__scalecheck" + path;
  request.headers.emplace_back("Host", endpoint_.HostPort());
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.headers.emplace_back("Content-Length", std::to_string(body.size()));
  }
  request.body = body;
  return SendOnce(request, false);
}

namespace {

core::Status Expect200(const core::Result<HttpResponse>& response,
                       const std::string& what) {
  if (!response.ok()) return response.status();
  if (response.value().status != 200) {
    return core::Status::Unavailable(what + " answered " +
                                     std::to_string(response.value().status) +
                                     ": " + response.value().body);
  }
  return core::Status();
}

}  // namespace

core::Status Target::Reset() {
  if (!has_control_api_) return core::Status::FailedPrecondition("no control API");
  connection_.reset();
  return Expect200(Control("POST", "/reset", ""), "reset");
}

core::Status Target::SetClock(core::UtcTime now) {
  if (!has_control_api_) return core::Status::FailedPrecondition("no control API");
  return Expect200(
      Control("PUT", "/clock", "{\"now\":\"" + core::FormatIso8601(now) + "\"}"),
      "setting the clock");
}

core::Status Target::Flush() {
  if (!has_control_api_) return core::Status::FailedPrecondition("no control API");
  return Expect200(Control("POST", "/flush", ""), "flush");
}

}  // namespace scalecheck::harness
