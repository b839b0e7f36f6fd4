// tests/mock_backend/concurrency_test.cc
//
// The mock backend's promise under load (issue 3, item 6): an authrep's
// check and count are one atomic step per application, so with any number
// of connections a limit of N admits exactly N hits and the counter ends at
// exactly N; concurrent reports are all counted. Checked over HTTP (one
// keep-alive connection per thread) and, with more iterations, directly on
// BackendState through core::HandlePublicRequest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/http_message.h"
#include "core/period.h"
#include "core/registry.h"
#include "core/service_management.h"
#include "mock_backend/backend_state.h"
#include "mock_backend/mock_server.h"
#include "tests/testing/loopback_socket.h"
#include "tests/testing/running_mock.h"
#include "tests/testing/utc_time.h"

namespace scalecheck::mock_backend {
namespace {

using std::chrono_literals::operator""ms;
using test::LoopbackSocket;
using test::RequestBytes;
using test::RunningMock;
using test::WireResponse;

constexpr int kThreads = 16;

// How the answers of one load run were distributed.
struct Tally {
  std::atomic<int64_t> ok{0};         // 200 (authrep) or 202 (report).
  std::atomic<int64_t> denied{0};     // 409.
  std::atomic<int64_t> other{0};      // Any other status.
  std::atomic<int64_t> transport{0};  // No response: reconnected.
};

// Runs `per_thread` requests from each of kThreads threads, all released at
// once, each thread on one keep-alive connection of `mock`. `request(t, i)`
// gives the bytes of thread t's i-th request.
template <typename MakeRequest>
void LoadOverHttp(const RunningMock& mock, int per_thread, Tally& tally,
                  MakeRequest request) {
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto socket = std::make_unique<LoopbackSocket>(mock.port());
      start.arrive_and_wait();
      for (int i = 0; i < per_thread; ++i) {
        std::optional<WireResponse> response;
        if (socket->Send(request(t, i))) response = socket->ReadResponse();
        if (!response) {
          ++tally.transport;
          socket = std::make_unique<LoopbackSocket>(mock.port());
          continue;
        }
        if (response->status == 200 || response->status == 202) {
          ++tally.ok;
        } else if (response->status == 409) {
          ++tally.denied;
        } else {
          ++tally.other;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// The value of hits for `app` and `period` in the control API's state
// export; -1 when absent.
int64_t ExportedCounter(const RunningMock& mock, const std::string& app,
                        const std::string& period) {
  const nlohmann::json state = mock.Control("GET", "/state");
  for (const nlohmann::json& c : state.value("counters", nlohmann::json())) {
    if (c.value("app_id", "") == app && c.value("metric_id", "") == "1" &&
        c.value("period", "") == period) {
      return c.value("value", int64_t{-1});
    }
  }
  return -1;
}

TEST(MockConcurrencyTest, SixteenConnectionsAuthRepExactlyUpToTheLimit) {
  RunningMock mock;
  ASSERT_TRUE(mock.ok());
  mock.SeedStandardFixture(10000, "eternity");

  Tally tally;
  const std::string authrep =
      RequestBytes("GET", RunningMock::AuthRepTarget("a1"));
  LoadOverHttp(mock, 2000, tally, [&](int, int) { return authrep; });

  EXPECT_EQ(10000, tally.ok.load());
  EXPECT_EQ(16 * 2000 - 10000, tally.denied.load());
  EXPECT_EQ(0, tally.other.load());
  EXPECT_EQ(0, tally.transport.load()) << "keep-alive connections must survive";
  EXPECT_EQ(10000, mock.Utilization("a1"));
  EXPECT_EQ(10000, ExportedCounter(mock, "a1", "eternity"));
  EXPECT_EQ(0, mock.Utilization("a2"));
}

TEST(MockConcurrencyTest, ADailyLimitIsExactForEachApplication) {
  RunningMock mock;
  ASSERT_TRUE(mock.ok());
  mock.SeedStandardFixture(5000, "day");

  Tally tally;
  const std::string a1 = RequestBytes("GET", RunningMock::AuthRepTarget("a1"));
  const std::string a2 = RequestBytes("GET", RunningMock::AuthRepTarget("a2"));
  // Odd threads hammer a1, even threads a2: 8 x 1,000 each.
  LoadOverHttp(mock, 1000, tally,
               [&](int t, int) { return t % 2 == 1 ? a1 : a2; });

  EXPECT_EQ(2 * 5000, tally.ok.load());
  EXPECT_EQ(16 * 1000 - 2 * 5000, tally.denied.load());
  EXPECT_EQ(0, tally.other.load() + tally.transport.load());
  EXPECT_EQ(5000, mock.Utilization("a1", "day"));
  EXPECT_EQ(5000, mock.Utilization("a2", "day"));
}

TEST(MockConcurrencyTest, ConcurrentReportsAreAllCounted) {
  RunningMock mock;
  ASSERT_TRUE(mock.ok());
  mock.SeedStandardFixture(10, "eternity");  // Reports ignore limits.

  Tally tally;
  // Thread t reports t + 1 hits, alternately for a1 and a2.
  LoadOverHttp(mock, 400, tally, [](int t, int i) {
    return RequestBytes(
        "POST", "/transactions.xml",
        RunningMock::ReportBody(i % 2 == 0 ? "a1" : "a2", t + 1),
        RunningMock::FormHeader());
  });

  EXPECT_EQ(16 * 400, tally.ok.load());
  EXPECT_EQ(0,
            tally.denied.load() + tally.other.load() + tally.transport.load());
  // Each thread sends 200 reports per application: 200 * (1 + ... + 16).
  EXPECT_EQ(200 * 136, mock.Utilization("a1"));
  EXPECT_EQ(200 * 136, mock.Utilization("a2"));
}

// --- Without sockets: BackendState through core::HandlePublicRequest ------

class BackendStateConcurrencyTest : public testing::Test {
 protected:
  // Service s1 with metric hits limited to `max_value` per `period` for
  // plan p1, and `apps` applications "a0", "a1", ... on it.
  void Seed(int64_t max_value, core::Period period, int apps) {
    state_.WriteRegistry([&](core::Registry& registry) {
      core::ServiceAttributes service;
      service.id = "s1";
      service.provider_key = "pk1";
      registry.SaveService(service);
      ASSERT_TRUE(registry.PutMetric("s1", core::Metric{"1", "hits", ""}).ok());
      ASSERT_TRUE(
          registry.PutUsageLimit("s1", "p1", {"1", period, max_value}).ok());
      core::ApplicationAttributes app;
      app.state = "active";
      app.plan_id = "p1";
      app.plan_name = "Basic";
      for (int a = 0; a < apps; ++a) {
        registry.SaveApplication("s1", "a" + std::to_string(a), app);
      }
    });
  }

  int Handle(const std::string& target) {
    core::HttpRequest request;
    request.method = "GET";
    request.target = target;
    request.headers.emplace_back("Host", "su1.3scale.net");
    return state_.ReadRegistry([&](const core::Registry& registry) {
      return core::HandlePublicRequest(registry, state_, request, kNow).status;
    });
  }

  // Runs `per_thread` authreps of `hits` from each of kThreads threads;
  // thread t uses application "a<t % apps>". Returns how many were
  // authorized per application.
  std::vector<int64_t> AuthRepFromAllThreads(int per_thread, int64_t hits,
                                             int apps) {
    std::vector<std::atomic<int64_t>> authorized(static_cast<size_t>(apps));
    std::atomic<int64_t> unexpected{0};
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const int app = t % apps;
        const std::string target =
            "/transactions/authrep.xml?provider_key=pk1&app_id=a" +
            std::to_string(app) + "&usage%5Bhits%5D=" + std::to_string(hits);
        start.arrive_and_wait();
        for (int i = 0; i < per_thread; ++i) {
          const int status = Handle(target);
          if (status == 200) {
            ++authorized[static_cast<size_t>(app)];
          } else if (status != 409) {
            ++unexpected;
          }
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(0, unexpected.load());
    std::vector<int64_t> out;
    for (const auto& n : authorized) out.push_back(n.load());
    return out;
  }

  int64_t Counter(const std::string& app, core::Period period) const {
    return state_.CountersOf("s1", app).Get("1", period, kNow);
  }

  const core::UtcTime kNow = test::Utc(2024, 5, 31, 12, 0, 0);
  BackendState state_{0ms};
};

TEST_F(BackendStateConcurrencyTest, SixteenThreadsAuthRepExactlyUpToTheLimit) {
  Seed(10000, core::Period::kEternity, 1);
  const std::vector<int64_t> authorized = AuthRepFromAllThreads(3000, 1, 1);
  EXPECT_EQ(10000, authorized[0]);
  EXPECT_EQ(10000, Counter("a0", core::Period::kEternity));
}

TEST_F(BackendStateConcurrencyTest, AuthRepsOfSeveralHitsNeverOvershoot) {
  // 10,000 / 7: 1,428 authreps fit (9,996 hits); the 1,429th would exceed.
  Seed(10000, core::Period::kDay, 1);
  const std::vector<int64_t> authorized = AuthRepFromAllThreads(2000, 7, 1);
  EXPECT_EQ(1428, authorized[0]);
  EXPECT_EQ(9996, Counter("a0", core::Period::kDay));
  EXPECT_EQ(9996, Counter("a0", core::Period::kEternity));
}

TEST_F(BackendStateConcurrencyTest, ApplicationsOnDifferentShardsAreEachExact) {
  Seed(2000, core::Period::kDay, 8);  // Two threads per application.
  const std::vector<int64_t> authorized = AuthRepFromAllThreads(2500, 1, 8);
  for (int a = 0; a < 8; ++a) {
    const std::string app = "a" + std::to_string(a);
    EXPECT_EQ(2000, authorized[static_cast<size_t>(a)]) << app;
    EXPECT_EQ(2000, Counter(app, core::Period::kDay)) << app;
  }
}

TEST_F(BackendStateConcurrencyTest, ConcurrentReportsAreAllCounted) {
  Seed(1, core::Period::kEternity, 2);
  std::atomic<int64_t> accepted{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      core::HttpRequest request;
      request.method = "POST";
      request.target = "/transactions.xml";
      request.headers = {{"Host", "su1.3scale.net"},
                         {"Content-Type", "application/x-www-form-urlencoded"}};
      // Two transactions per batch: a<t%2> gets 1 hit, a<(t+1)%2> gets 2.
      request.body =
          "provider_key=pk1"
          "&transactions%5B0%5D%5Bapp_id%5D=a" +
          std::to_string(t % 2) +
          "&transactions%5B0%5D%5Busage%5D%5Bhits%5D=1"
          "&transactions%5B1%5D%5Bapp_id%5D=a" +
          std::to_string((t + 1) % 2) +
          "&transactions%5B1%5D%5Busage%5D%5Bhits%5D=2";
      start.arrive_and_wait();
      for (int i = 0; i < 1000; ++i) {
        const int status = state_.ReadRegistry([&](const core::Registry& r) {
          return core::HandlePublicRequest(r, state_, request, kNow).status;
        });
        if (status == 202) ++accepted;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(16 * 1000, accepted.load());
  // Each application: 8 threads x 1,000 x (1 + 2) hits.
  EXPECT_EQ(24000, Counter("a0", core::Period::kEternity));
  EXPECT_EQ(24000, Counter("a1", core::Period::kEternity));
}

}  // namespace
}  // namespace scalecheck::mock_backend
