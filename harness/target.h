// harness/target.h
//
// A Service Management API implementation under test, spoken to over HTTP:
// the embedded mock (started in-process on 127.0.0.1, any port), another
// `scalecheck mock`, or any backend at a URL (a real apisonator). Knows
// whether the target has scalecheck's control API, i.e. a clock the harness
// can move; without it the run is live. One keep-alive connection for the
// public API, reopened when the target closes it. Not thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/http_message.h"
#include "core/status.h"
#include "harness/raw_http_client.h"

namespace scalecheck::mock_backend {
class MockServer;
}

namespace scalecheck::harness {

struct TargetOptions {
  std::string url;  // Empty: the embedded mock.
  // Where the embedded mock listens (--backend-listen); port 0: any free one.
  std::string embedded_host = "127.0.0.1";
  int embedded_port = 0;
  // "user:pass" for the internal API's basic auth; empty: none.
  std::string internal_auth;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds read_timeout{10000};
};

class Target {
 public:
  // Starts the embedded mock, or connects to `options.url`. `clock` must
  // outlive the target. kUnavailable: "cannot reach http://...: ...".
  static core::Result<std::unique_ptr<Target>> Open(const TargetOptions& options,
                                                    core::Clock& clock);
  ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  // "embedded mock (http://127.0.0.1:PORT)" or the URL.
  std::string description() const;
  std::string base_url() const { return base_url_; }
  bool embedded() const;
  // Whether the target serves /__scalecheck: its clock can be set.
  bool has_control_api() const { return has_control_api_; }

  // Sends a request to the public API exactly as given.
  core::Result<HttpResponse> Send(const core::HttpRequest& request);
  // Calls the internal API (path relative to /internal).
  core::Result<HttpResponse> Internal(const std::string& method,
                                      const std::string& path,
                                      const std::string& body);
  // Calls the control API (path relative to /__scalecheck).
  core::Result<HttpResponse> Control(const std::string& method,
                                     const std::string& path,
                                     const std::string& body);

  // Control-API conveniences; kFailedPrecondition without a control API.
  core::Status Reset();
  core::Status SetClock(core::UtcTime now);
  core::Status Flush();

 private:
  Target(std::string base_url, Endpoint endpoint, TargetOptions options,
         core::Clock& clock);
  core::Result<HttpResponse> SendOnce(const HttpRequest& request, bool keep);

  std::unique_ptr<mock_backend::MockServer> mock_;
  std::string base_url_;
  Endpoint endpoint_;
  TargetOptions options_;
  core::Clock& clock_;
  RawHttpClient client_;
  std::unique_ptr<RawHttpConnection> connection_;
  bool has_control_api_ = false;
};

}  // namespace scalecheck::harness
