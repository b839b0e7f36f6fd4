// tests/harness/load_engine_test.cc: harness/load_engine.h over loopback.
//
// The engine runs on a ManualClock: its sleeps jump the clock, so a schedule
// of seconds runs in milliseconds, and with max_io_wait of 1 ms the clock
// moves at the pace of real time only while a request is in flight. The
// server is a small loopback server written here: answers chosen per
// request, held until the fake clock has moved on, or never sent.
#include "harness/load_engine.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "tests/testing/utc_time.h"

namespace scalecheck::harness {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// ---- A loopback server answering as the test says ----

class TinyServer {
 public:
  struct Reply {
    std::string bytes;  // The answer; empty with close_after: close unanswered.
    bool close_after = false;
    bool hang = false;  // Never answer; keep the connection open.
    milliseconds hold{
        0};  // Answer once the clock is this far past the arrival.
  };
  // Called on the server's thread for request number `index` (from 0).
  using Responder =
      std::function<Reply(int64_t index, const std::string& request)>;

  TinyServer(core::Clock& clock, Responder respond)
      : clock_(clock), respond_(std::move(respond)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&address),
               sizeof address) != 0 ||
        ::listen(listen_, 128) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&address),
                      &length) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1:0";
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyServer() {
    stop_ = true;
    thread_.join();
    for (const Client& c : clients_) ::close(c.fd);
    ::close(listen_);
  }
  TinyServer(const TinyServer&) = delete;
  TinyServer& operator=(const TinyServer&) = delete;

  int port() const { return port_; }
  int64_t received() const { return received_.load(); }
  // The clock's time when each request arrived, in order of arrival.
  std::vector<core::MonoTime> arrivals() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrivals_;
  }

  // A chunked answer, a chunk per part, the sizes in hex.
  static std::string Chunked(int status,
                             const std::vector<std::string>& parts) {
    std::string out = "HTTP/1.1 " + std::to_string(status) +
                      " X\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const std::string& part : parts) {
      char size[16];
      std::snprintf(size, sizeof size, "%zx", part.size());
      out += std::string(size) + "\r\n" + part + "\r\n";
    }
    return out + "0\r\n\r\n";
  }

  static std::string Answer(int status, const std::string& extra_headers = "",
                            const std::string& body = "ok") {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           extra_headers + "\r\n" + body;
  }

 private:
  struct Client {
    int fd = -1;
    std::string in;
    bool hung = false;
  };
  struct Held {
    int fd = -1;
    std::string bytes;
    core::MonoTime at{};
  };

  void Serve() {
    while (!stop_) {
      std::vector<pollfd> fds = {{listen_, POLLIN, 0}};
      for (const Client& c : clients_) fds.push_back({c.fd, POLLIN, 0});
      // 1 ms: held answers wait for the (fake) clock to move.
      ::poll(fds.data(), fds.size(), 1);
      if (fds[0].revents & POLLIN) {
        const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) clients_.push_back({fd, "", false});
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Client* c = Find(fds[i].fd);
        if (c == nullptr) continue;
        char buffer[65536];
        const ssize_t n = ::recv(c->fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
          Drop(c->fd);
          continue;
        }
        c->in.append(buffer, static_cast<size_t>(n));
        Parse(c->fd);
      }
      const core::MonoTime now = clock_.NowMono();
      for (auto it = held_.begin(); it != held_.end();) {
        if (it->at <= now) {
          SendAll(it->fd, it->bytes);
          it = held_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  void Parse(int fd) {
    while (true) {
      Client* c = Find(fd);
      if (c == nullptr || c->hung) return;
      const size_t end = c->in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      size_t length = 0;
      const size_t at = c->in.find("Content-Length: ");
      if (at != std::string::npos && at < end) {
        length = std::stoul(c->in.substr(at + 16));
      }
      if (c->in.size() < end + 4 + length) return;
      const std::string request = c->in.substr(0, end + 4 + length);
      c->in.erase(0, end + 4 + length);
      const int64_t index = received_++;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        arrivals_.push_back(clock_.NowMono());
      }
      const Reply reply = respond_(index, request);
      if (reply.hang) {
        c->hung = true;
        return;
      }
      if (reply.hold.count() > 0) {
        held_.push_back({fd, reply.bytes, clock_.NowMono() + reply.hold});
        continue;
      }
      SendAll(fd, reply.bytes);
      if (reply.close_after) {
        Drop(fd);
        return;
      }
    }
  }

  static void SendAll(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n =
          ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  Client* Find(int fd) {
    for (Client& c : clients_) {
      if (c.fd == fd) return &c;
    }
    return nullptr;
  }

  void Drop(int fd) {
    ::close(fd);
    clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                  [fd](const Client& c) { return c.fd == fd; }),
                   clients_.end());
    held_.erase(std::remove_if(held_.begin(), held_.end(),
                               [fd](const Held& h) { return h.fd == fd; }),
                held_.end());
  }

  core::Clock& clock_;
  Responder respond_;
  int listen_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> received_{0};
  mutable std::mutex mutex_;
  std::vector<core::MonoTime> arrivals_;  // Guarded by mutex_.
  std::vector<Client> clients_;           // The server thread's.
  std::vector<Held> held_;                // The server thread's.
};

// Service s1 (provider key pk1, metric hits, plan p1 "Basic") and a
// population of 10 applications load-app-0..9; the mix is one authrep
// reporting hits=1.
class LoadEngineTest : public testing::Test {
 protected:
  LoadEngineTest() {
    ServiceSpec service;
    service.id = "s1";
    service.provider_key = "pk1";
    service.metrics = {MetricSpec{"1", "hits", "", {}}};
    PlanSpec plan;
    plan.id = "p1";
    plan.name = "Basic";
    service.plans = {plan};
    scenario_.services = {service};
    scenario_.defaults.service = "s1";
    LoadCall call;
    call.kind = CallKind::kAuthrep;
    call.usage = {{"hits", "1"}};
    load_.mix = {call};
    LoadPopulation population;
    population.service = "s1";
    population.plan = "p1";
    population.count = 10;
    load_.populations = {population};
  }

  // Runs `stages` against 127.0.0.1:`port` on one thread.
  LoadResult Run(int port, std::vector<LoadStage> stages, int connections,
                 milliseconds timeout = seconds(1)) {
    load_.stages = std::move(stages);
    core::Result<Workload> workload = Workload::Create(scenario_, load_);
    EXPECT_TRUE(workload.ok()) << workload.status().message();
    core::Result<Schedule> schedule = Schedule::Create(load_.stages);
    EXPECT_TRUE(schedule.ok()) << schedule.status().message();
    if (!workload.ok() || !schedule.ok()) return {};
    LoadEngineOptions options;
    options.endpoint = Endpoint{"127.0.0.1", port};
    options.connections = connections;
    options.threads = 1;
    options.timeout = timeout;
    options.max_io_wait = milliseconds(1);
    options.anchor_mono = clock_.NowMono();
    options.anchor_utc = clock_.NowUtc();
    start_ = clock_.NowMono();
    LoadEngine engine(workload.value(), schedule.value(), options, clock_);
    std::mt19937_64 rng(1);
    core::Result<LoadResult> result = engine.Run(rng);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? std::move(result).value() : LoadResult{};
  }

  static LoadStage Constant(milliseconds duration, double rate) {
    return {duration, rate, std::nullopt};
  }

  int64_t Outcomes(const LoadResult& r, Outcome outcome,
                   const std::string& detail) {
    for (const OutcomeCount& c : r.outcomes) {
      if (c.outcome == outcome && c.detail == detail) return c.count;
    }
    return 0;
  }

  static int64_t Sum(const std::vector<int64_t>& v) {
    int64_t total = 0;
    for (const int64_t x : v) total += x;
    return total;
  }

  core::ManualClock clock_{test::Utc(2024, 5, 31, 12, 0, 0)};
  core::MonoTime start_{};
  Scenario scenario_;
  LoadSpec load_;
};

TEST_F(LoadEngineTest, KeepsTheScheduleWhenTheServerAnswersAtOnce) {
  TinyServer server(clock_, [](int64_t, const std::string&) {
    return TinyServer::Reply{TinyServer::Answer(200)};
  });
  const LoadResult r = Run(server.port(), {Constant(seconds(2), 100)}, 2);
  EXPECT_EQ(200, r.scheduled);
  EXPECT_EQ(200, r.sent);
  EXPECT_EQ(200, r.answered);
  EXPECT_EQ(0, r.late);
  EXPECT_EQ(0, r.dropped);
  EXPECT_EQ(200, r.Count(Outcome::kAuthorized));
  EXPECT_EQ(200, Sum(r.authorized_usage));
  EXPECT_DOUBLE_EQ(100, r.achieved_rate_per_s());
  // Every request arrived in order, never before its intended time, 10 ms
  // apart. (The server reads the clock when it gets to the request; while a
  // request is in flight the fake clock moves in real time, so a slow
  // server thread sees it a few ms on.)
  const std::vector<core::MonoTime> arrivals = server.arrivals();
  ASSERT_EQ(200u, arrivals.size());
  for (size_t i = 0; i < arrivals.size(); ++i) {
    const auto offset = arrivals[i] - start_;
    EXPECT_GE(offset, milliseconds(10 * static_cast<int64_t>(i))) << i;
    EXPECT_LT(offset, milliseconds(10 * static_cast<int64_t>(i) + 10)) << i;
  }
  ASSERT_EQ(2u, r.seconds.size());
  EXPECT_EQ(100, r.seconds[0].sent);
  EXPECT_EQ(100, r.seconds[1].answered);
}

TEST_F(LoadEngineTest, CorrectedLatencyCountsTheWaitBehindAStalledServer) {
  // One connection; request 10's answer is held for 200 ms, so the requests
  // due meanwhile wait for the connection: late, and slow when corrected,
  // but quick from their actual send.
  TinyServer server(clock_, [](int64_t index, const std::string&) {
    TinyServer::Reply reply{TinyServer::Answer(200)};
    if (index == 10) reply.hold = milliseconds(200);
    return reply;
  });
  const LoadResult r = Run(server.port(), {Constant(seconds(1), 100)}, 1);
  EXPECT_EQ(100, r.answered);
  EXPECT_EQ(0, r.dropped);
  EXPECT_GE(r.late, 15);
  EXPECT_GE(r.corrected.Max(), 200000);
  EXPECT_GE(r.uncorrected.Max(), 200000);  // Request 10 itself.
  EXPECT_GT(r.corrected.ValueAtPercentile(90), 50000);
  EXPECT_LT(r.uncorrected.ValueAtPercentile(90), 10000);
}

TEST_F(LoadEngineTest, SortsAnswersIntoOutcomeCategories) {
  TinyServer server(clock_, [](int64_t index, const std::string&) {
    switch (index % 6) {
      case 0:
        return TinyServer::Reply{TinyServer::Answer(200)};
      case 1:
        return TinyServer::Reply{TinyServer::Answer(
            409, "3scale-rejection-reason: limits_exceeded\r\n")};
      case 2:  // A chunked <error>, as apisonator sends exceptions.
        return TinyServer::Reply{TinyServer::Chunked(
            403, {"<?xml version=\"1", ".0\"?><error code=\"provider_key_",
                  "invalid\">x</e", "rror>\n"})};
      case 3:
        return TinyServer::Reply{TinyServer::Answer(503)};
      case 4:
        return TinyServer::Reply{"", true};
      default:
        return TinyServer::Reply{"", false, true};
    }
  });
  const LoadResult r = Run(server.port(), {Constant(milliseconds(600), 100)}, 8,
                           milliseconds(50));
  EXPECT_EQ(60, r.sent);
  EXPECT_EQ(10, Outcomes(r, Outcome::kAuthorized, ""));
  EXPECT_EQ(10, Outcomes(r, Outcome::kDenied, "limits_exceeded"));
  EXPECT_EQ(10, Outcomes(r, Outcome::kError, "provider_key_invalid"));
  EXPECT_EQ(10, Outcomes(r, Outcome::kServerError, "503"));
  EXPECT_EQ(10,
            Outcomes(r, Outcome::kConnectionError, "closed before the answer"));
  EXPECT_EQ(10, Outcomes(r, Outcome::kTimeout, "50 ms"));
  EXPECT_EQ(40, r.answered);
  EXPECT_EQ(40,
            r.failures());  // All but authorized and denied: a 409 is expected.
  // Authorized usage counts; unanswered and 5xx usage is uncertain.
  EXPECT_EQ(10, Sum(r.authorized_usage));
  EXPECT_EQ(30, Sum(r.uncertain_usage));
}

TEST_F(LoadEngineTest, ReconnectsWhenTheServerClosesAfterEachAnswer) {
  TinyServer server(clock_, [](int64_t, const std::string&) {
    return TinyServer::Reply{TinyServer::Answer(200, "Connection: close\r\n"),
                             true};
  });
  const LoadResult r =
      Run(server.port(), {Constant(milliseconds(500), 100)}, 2);
  EXPECT_EQ(50, r.answered);
  EXPECT_EQ(50, r.Count(Outcome::kAuthorized));
  EXPECT_EQ(0, r.failures());
}

TEST_F(LoadEngineTest, DropsOnlyWhatCannotBeSentBeforeTheEndPlusTheTimeout) {
  // Every request hangs until the 200 ms timeout; one connection. Request
  // 0 at 0, request 1 at 200 ms (190 ms late); at 400 ms sending stops.
  TinyServer server(clock_, [](int64_t, const std::string&) {
    return TinyServer::Reply{"", false, true};
  });
  const LoadResult r = Run(server.port(), {Constant(milliseconds(200), 100)}, 1,
                           milliseconds(200));
  EXPECT_EQ(20, r.scheduled);
  EXPECT_EQ(2, r.sent);
  EXPECT_EQ(1, r.late);
  EXPECT_EQ(18, r.dropped);
  EXPECT_EQ(2, r.Count(Outcome::kTimeout));
  EXPECT_EQ(20, r.failures());
}

TEST_F(LoadEngineTest, SplitsTheScheduleOverThreads) {
  // Two threads share the fake clock, so one's sleep makes the other's
  // sends late; what is sent and counted must still add up exactly.
  TinyServer server(clock_, [](int64_t, const std::string&) {
    return TinyServer::Reply{TinyServer::Answer(200)};
  });
  load_.stages = {Constant(seconds(1), 200)};
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  const core::Result<Schedule> s = Schedule::Create(load_.stages);
  ASSERT_TRUE(w.ok() && s.ok());
  LoadEngineOptions options;
  options.endpoint = Endpoint{"127.0.0.1", server.port()};
  options.connections = 4;
  options.threads = 2;
  options.max_io_wait = milliseconds(1);
  LoadEngine engine(w.value(), s.value(), options, clock_);
  std::mt19937_64 rng(1);
  const core::Result<LoadResult> r = engine.Run(rng);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(2, r.value().threads);
  EXPECT_EQ(200, r.value().sent);
  EXPECT_EQ(200, r.value().answered);
  EXPECT_EQ(200, server.received());
  EXPECT_EQ(200, Sum(r.value().authorized_usage));
  int64_t series_sent = 0;
  for (const SecondRow& row : r.value().seconds) series_sent += row.sent;
  EXPECT_EQ(200, series_sent);
}

TEST_F(LoadEngineTest, FailsToStartWhenNothingListens) {
  int port = 0;
  {
    TinyServer gone(clock_, [](int64_t, const std::string&) {
      return TinyServer::Reply{};
    });
    port = gone.port();
  }
  load_.stages = {Constant(seconds(1), 10)};
  const core::Result<Workload> w = Workload::Create(scenario_, load_);
  const core::Result<Schedule> s = Schedule::Create(load_.stages);
  ASSERT_TRUE(w.ok() && s.ok());
  LoadEngineOptions options;
  options.endpoint = Endpoint{"127.0.0.1", port};
  options.connections = 2;
  LoadEngine engine(w.value(), s.value(), options, clock_);
  std::mt19937_64 rng(1);
  const core::Result<LoadResult> r = engine.Run(rng);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("cannot connect to 127.0.0.1:" + std::to_string(port) +
                ": connection refused",
            r.status().message());
}

}  // namespace
}  // namespace scalecheck::harness
