// tests/harness/gateway_target_test.cc
//
// The gateway target over loopback: the upstream echo answers and counts,
// an unreachable gateway is an infrastructure error, and each scenario's
// APIcast configuration is written where the gateway reads it.
#include "harness/gateway_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "harness/scenario_loader.h"

namespace scalecheck::harness {
namespace {

using ::testing::HasSubstr;

TEST(UpstreamEchoTest, ServesOnAnEphemeralPortAndCounts) {
  core::ManualClock clock{core::UtcTime{}};  // Read for timeouts only.
  core::Result<std::unique_ptr<UpstreamEcho>> echo =
      UpstreamEcho::Start("127.0.0.1", 0);
  ASSERT_TRUE(echo.ok()) << echo.status().message();
  ASSERT_GT(echo.value()->port(), 0);
  RawHttpClient client(Endpoint{"127.0.0.1", echo.value()->port()},
                       RawHttpOptions{}, clock);
  HttpRequest request;
  request.target = "/hello?x=1";
  request.headers = {{"Host", "api"}};
  core::Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(200, response.value().status);
  EXPECT_EQ("echo", response.value().Header(kUpstreamHeader).value_or(""));
  EXPECT_THAT(response.value().body, HasSubstr("\"target\":\"/hello?x=1\""));
  EXPECT_EQ(1, echo.value()->requests());
}

TEST(GatewayTargetTest, SaysWhenTheGatewayCannotBeReached) {
  core::ManualClock clock{core::UtcTime{}};  // Read for timeouts only.
  int port = 0;
  {
    // A port that was free a moment ago: nothing listens there now.
    auto echo = UpstreamEcho::Start("127.0.0.1", 0);
    ASSERT_TRUE(echo.ok());
    port = echo.value()->port();
  }
  GatewayOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(port);
  core::Result<std::unique_ptr<GatewayTarget>> target =
      GatewayTarget::Open(options, clock);
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(core::StatusCode::kUnavailable, target.status().code());
  EXPECT_THAT(target.status().message(),
              HasSubstr("cannot reach the gateway at"));
}

TEST(GatewayTargetTest, RejectsABadUrlOrAddress) {
  core::ManualClock clock{core::UtcTime{}};  // Read for timeouts only.
  GatewayOptions options;
  options.url = "https://127.0.0.1:1";
  EXPECT_EQ(core::StatusCode::kInvalidArgument,
            GatewayTarget::Open(options, clock).status().code());
  options.url = "http://127.0.0.1:1";
  options.upstream_listen = "127.0.0.1";
  EXPECT_EQ(core::StatusCode::kInvalidArgument,
            GatewayTarget::Open(options, clock).status().code());
}

TEST(GatewayTargetTest, WritesEachScenariosConfigurationForTheGateway) {
  core::ManualClock clock{core::UtcTime{}};  // Read for timeouts only.
  // The "gateway" is another echo: Open() only needs something listening.
  auto gateway = UpstreamEcho::Start("127.0.0.1", 0);
  ASSERT_TRUE(gateway.ok());
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "gateway_target_test";
  std::filesystem::create_directories(dir);
  GatewayOptions options;
  options.url = gateway.value()->base_url();
  options.config_path = (dir / "apicast.json").string();
  core::Result<std::unique_ptr<GatewayTarget>> target =
      GatewayTarget::Open(options, clock);
  ASSERT_TRUE(target.ok()) << target.status().message();
  const core::Result<Scenario> scenario = ParseScenario(R"(
[[services]]
id = "42"
provider_key = "pk"
metrics = [{ name = "hits" }]
[services.gateway]
mapping_rules = [{ pattern = "/", metric = "hits" }]
[[steps]]
request = {}
)",
                                                        "t.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  ASSERT_TRUE(target.value()
                  ->Configure(scenario.value(), "http://127.0.0.1:4001")
                  .ok());
  std::ifstream in(options.config_path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"endpoint\": \"http://127.0.0.1:4001\""));
  EXPECT_THAT(text.str(), HasSubstr("\"api_backend\": \"" +
                                    target.value()->upstream_url()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scalecheck::harness
