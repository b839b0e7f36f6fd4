// tests/testing/running_mock.h
//
// A MockServer on 127.0.0.1:0 over a ManualClock, with the few requests the
// mock backend's component tests repeat: seeding through the internal API
// (as every scenario does), public calls, the control API and reading a
// counter back. Each helper opens its own connection, so a helper may be
// used from any thread; the object itself is created and destroyed by one.
// Header-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "mock_backend/mock_server.h"
#include "tests/testing/loopback_socket.h"
#include "tests/testing/utc_time.h"

namespace scalecheck::test {

// Request bytes: `method target HTTP/1.1`, a Host, the `extra` header lines
// (each ending in CRLF), and a Content-Length when there is a body or the
// method is POST or PUT.
inline std::string RequestBytes(std::string_view method,
                                std::string_view target,
                                std::string_view body = "",
                                std::string_view extra = "") {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  out += "Host: su1.3scale.net\r\n";
  out.append(extra);
  if (!body.empty() || method == "POST" || method == "PUT") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out.append(body);
  return out;
}

class RunningMock {
 public:
  // Starts the mock with `options` (its port is forced to 0) on a
  // ManualClock standing at 2024-05-31T12:00:00Z. Check ok() before use.
  explicit RunningMock(mock_backend::MockOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    auto started = mock_backend::MockServer::Start(options, clock_);
    EXPECT_TRUE(started.ok()) << started.status().message();
    if (started.ok()) server_ = std::move(started).value();
  }

  bool ok() const { return server_ != nullptr; }
  int port() const { return server_->port(); }
  core::ManualClock& clock() { return clock_; }
  mock_backend::MockServer& server() { return *server_; }

  // Sends `bytes` on a fresh connection and reads one response; status 0
  // when none came (closed, or silent for kIoBound).
  WireResponse Send(std::string_view bytes) const {
    LoopbackSocket socket(server_->port());
    if (!socket.connected() || !socket.Send(bytes)) return {};
    return socket.ReadResponse().value_or(WireResponse{});
  }
  WireResponse Call(std::string_view method, std::string_view target,
                    std::string_view body = "",
                    std::string_view extra_headers = "") const {
    return Send(RequestBytes(method, target, body, extra_headers));
  }
  // A JSON request (internal or control API).
  WireResponse CallJson(std::string_view method, std::string_view target,
                        std::string_view body = "") const {
    return Call(method, target, body,
                body.empty() ? "" : "Content-Type: application/json\r\n");
  }
  // The JSON body of a control API answer; ADD_FAILURE unless `want_status`.
  nlohmann::json Control(std::string_view method, std::string_view path,
                         std::string_view body = "",
                         int want_status = 200) const {
    const WireResponse r = CallJson(
        method, std::string(mock_backend::kControlPrefix) + std::string(path),
        body);
    EXPECT_EQ(want_status, r.status)
        << method << " " << path << " " << body << " -> " << r.body;
    return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  // Seeds, through the internal API, service s1 of provider key pk1 with
  // metric "1" called hits, plan p1 limited to `max_value` hits per `period`
  // ("eternity", "day", ...), and active applications a1 and a2 on p1.
  void SeedStandardFixture(int64_t max_value = 1000,
                           std::string_view period = "eternity") const {
    Seed("POST", "/services/",
         R"({"service":{"id":"s1","provider_key":"pk1","state":"active"}})");
    Seed("POST", "/services/s1/metrics/1", R"({"metric":{"name":"hits"}})");
    Seed("PUT", "/services/s1/plans/p1/usagelimits/1/" + std::string(period),
         R"({"usagelimit":{")" + std::string(period) + R"(":)" +
             std::to_string(max_value) + "}}");
    for (const char* app : {"a1", "a2"}) {
      Seed(
          "POST", std::string("/services/s1/applications/") + app,
          R"({"application":{"state":"active","plan_id":"p1","plan_name":"Basic"}})");
    }
  }
  // One internal API call that must succeed (2xx).
  void Seed(std::string_view method, const std::string& path,
            const std::string& body) const {
    const WireResponse r = CallJson(method, "/internal" + path, body);
    EXPECT_TRUE(r.status / 100 == 2) << method << " /internal" << path << " -> "
                                     << r.status << " " << r.body;
  }

  // GET /transactions/authrep.xml for `app` reporting `hits`.
  static std::string AuthRepTarget(std::string_view app, int64_t hits = 1) {
    return "/transactions/authrep.xml?provider_key=pk1&app_id=" +
           std::string(app) + "&usage%5Bhits%5D=" + std::to_string(hits);
  }
  // POST /transactions.xml body reporting `hits` for `app`.
  static std::string ReportBody(std::string_view app, int64_t hits = 1) {
    return "provider_key=pk1&transactions%5B0%5D%5Bapp_id%5D=" +
           std::string(app) +
           "&transactions%5B0%5D%5Busage%5D%5Bhits%5D=" + std::to_string(hits);
  }
  static std::string FormHeader() {
    return "Content-Type: application/x-www-form-urlencoded\r\n";
  }

  // current_value of hits in `app`'s utilization for `period`, as the
  // internal API reports it; -1 when absent or on failure.
  int64_t Utilization(std::string_view app,
                      std::string_view period = "eternity") const {
    const WireResponse r = Call("GET", "/internal/services/s1/applications/" +
                                           std::string(app) + "/utilization/");
    const nlohmann::json j =
        nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (r.status != 200 || !j.is_object()) return -1;
    for (const nlohmann::json& entry :
         j.value("utilization", nlohmann::json::array())) {
      if (entry.value("metric_name", "") == "hits" &&
          entry.value("period", "") == period) {
        return entry.value("current_value", int64_t{-1});
      }
    }
    return -1;
  }

  // Every counter of the state export, as its JSON text: equal before and
  // after a request that must not count anything.
  std::string Counters() const {
    const nlohmann::json state = Control("GET", "/state");
    return state.is_object() ? state.value("counters", nlohmann::json()).dump()
                             : "<no state>";
  }

 private:
  core::ManualClock clock_{Utc(2024, 5, 31, 12, 0, 0)};
  std::unique_ptr<mock_backend::MockServer> server_;
};

}  // namespace scalecheck::test
