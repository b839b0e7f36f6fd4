// tests/mock_backend/http_server_test.cc
//
// The HTTP/1.x listener on its own, with a trivial handler, over raw
// loopback sockets: keep-alive, HTTP/1.0 framing, Expect: 100-continue,
// chunked request bodies, pipelining, HEAD, Connection: close, 204, aborted
// answers, requests handed over byte for byte, and a prompt Stop(). Every
// wait is a bounded poll(); nothing sleeps.
#include "mock_backend/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http_message.h"
#include "tests/testing/loopback_socket.h"

namespace scalecheck::mock_backend {
namespace {

using test::LoopbackSocket;
using test::WireResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

// What the trivial handler answers, by path:
//   /chunked  200 "hello", chunked framing
//   /empty    204, no body
//   /close    200 "bye", closing the connection
//   /abort    200 "0123456789" cut after 4 body bytes
//   otherwise 200 with "METHOD TARGET VERSION|BODY" as the body
core::HttpResponse Answer(const core::HttpRequest& request) {
  core::HttpResponse r;
  r.headers.emplace_back("content-type", "text/plain");
  const std::string_view path = request.path();
  if (path == "/chunked") {
    r.framing = core::Framing::kChunked;
    r.body = "hello";
  } else if (path == "/empty") {
    r.status = 204;
    r.headers.clear();
  } else if (path == "/close") {
    r.body = "bye";
    r.close_connection = true;
  } else if (path == "/abort") {
    r.body = "0123456789";
    r.abort_after_body_bytes = 4;
  } else {
    r.body = request.method + " " + request.target + " " + request.version +
             "|" + request.body;
  }
  return r;
}

class HttpServerTest : public testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<HttpServer>(HttpServerOptions{4, 30, 100000},
                                     [this](const core::HttpRequest& request) {
                                       std::lock_guard<std::mutex> lock(mutex_);
                                       seen_.push_back(request);
                                       return Answer(request);
                                     });
    const core::Result<int> port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = port.value();
  }

  std::vector<core::HttpRequest> Seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

  std::unique_ptr<LoopbackSocket> Connect() const {
    auto socket = std::make_unique<LoopbackSocket>(port_);
    EXPECT_TRUE(socket->connected());
    return socket;
  }

  static std::string Get(const std::string& target,
                         const std::string& extra = "",
                         const std::string& version = "HTTP/1.1") {
    return "GET " + target + " " + version + "\r\nHost: test\r\n" + extra +
           "\r\n";
  }

  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<core::HttpRequest> seen_;  // Guarded by mutex_.
};

TEST_F(HttpServerTest, KeepsAConnectionAliveForSeveralRequests) {
  auto socket = Connect();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(socket->Send(Get("/r" + std::to_string(i))));
    const std::optional<WireResponse> r = socket->ReadResponse();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ("GET /r" + std::to_string(i) + " HTTP/1.1|", r->body);
    EXPECT_EQ(std::nullopt, r->Header("connection"));
  }
  EXPECT_EQ(3u, Seen().size());
  EXPECT_FALSE(socket->peer_closed());
}

TEST_F(HttpServerTest, HandsTheRequestOverByteForByte) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(
      "GET /t?a=1?b=%41&c=[x] HTTP/1.1\r\nHost: anything\r\n"
      "3scale-options: no_body%3D1\r\nX-Dup: 1\r\nx-dup:  2 \r\n\r\n"));
  ASSERT_TRUE(socket->ReadResponse().has_value());
  const std::vector<core::HttpRequest> seen = Seen();
  ASSERT_EQ(1u, seen.size());
  EXPECT_EQ("/t?a=1?b=%41&c=[x]", seen[0].target);
  EXPECT_EQ("/t", seen[0].path());
  EXPECT_EQ("a=1?b=%41&c=[x]", seen[0].query());
  EXPECT_THAT(seen[0].headers,
              ElementsAre(Pair("Host", "anything"),
                          Pair("3scale-options", "no_body%3D1"),
                          Pair("X-Dup", "1"), Pair("x-dup", "2")));
  EXPECT_EQ("127.0.0.1", seen[0].remote_ip);
}

TEST_F(HttpServerTest, AnswersAnHttp10ChunkedBodyCloseDelimited) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(Get("/chunked", "", "HTTP/1.0")));
  const std::optional<WireResponse> r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_THAT(r->head, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_EQ(std::nullopt, r->Header("transfer-encoding"));
  EXPECT_EQ(std::nullopt, r->Header("content-length"));
  EXPECT_EQ("hello", r->body);
  EXPECT_TRUE(socket->peer_closed());
}

TEST_F(HttpServerTest, ClosesAnHttp10ConnectionUnlessAskedToKeepIt) {
  auto plain = Connect();
  ASSERT_TRUE(plain->Send(Get("/a", "", "HTTP/1.0")));
  std::optional<WireResponse> r = plain->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ("GET /a HTTP/1.0|", r->body);
  EXPECT_EQ(std::nullopt, r->Header("connection"));
  EXPECT_TRUE(plain->WaitForClose());

  auto kept = Connect();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        kept->Send(Get("/b", "Connection: keep-alive\r\n", "HTTP/1.0")));
    r = kept->ReadResponse();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_THAT(r->head, StartsWith("HTTP/1.0 200 OK\r\n"));
    EXPECT_EQ("keep-alive", r->Header("connection").value_or(""));
    EXPECT_EQ("16", r->Header("content-length").value_or(""));
  }
  EXPECT_FALSE(kept->peer_closed());
}

TEST_F(HttpServerTest, SendsOneHundredContinueBeforeReadingTheBody) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(
      "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n"));
  // The body has not been sent: only the interim answer can come.
  const std::optional<WireResponse> interim = socket->ReadResponse();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ("HTTP/1.1 100 Continue", interim->head);

  ASSERT_TRUE(socket->Send("hello"));
  const std::optional<WireResponse> final_answer = socket->ReadResponse();
  ASSERT_TRUE(final_answer.has_value());
  EXPECT_EQ(200, final_answer->status);
  EXPECT_EQ("POST /upload HTTP/1.1|hello", final_answer->body);
}

TEST_F(HttpServerTest, SendsNoInterimAnswerToHttp10) {
  auto socket = Connect();
  ASSERT_TRUE(
      socket->Send("POST /upload HTTP/1.0\r\nContent-Length: 2\r\n"
                   "Expect: 100-continue\r\n\r\nok"));
  const std::optional<WireResponse> r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(200, r->status);
  EXPECT_EQ("POST /upload HTTP/1.0|ok", r->body);
}

TEST_F(HttpServerTest, ReadsAChunkedRequestBody) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(
      "POST /form HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n"
      "6;name=value\r\n world\r\n"  // A chunk extension is ignored.
      "0\r\nX-Trailer: t\r\n\r\n"));
  std::optional<WireResponse> r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ("POST /form HTTP/1.1|hello world", r->body);

  // The connection stays usable: the body was consumed exactly.
  ASSERT_TRUE(socket->Send(Get("/after")));
  r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ("GET /after HTTP/1.1|", r->body);
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(
      Get("/one") +
      "POST /two HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc" +
      Get("/three", "Connection: close\r\n")));
  std::vector<std::string> bodies;
  while (std::optional<WireResponse> r = socket->ReadResponse()) {
    bodies.push_back(r->body);
  }
  EXPECT_THAT(bodies,
              ElementsAre("GET /one HTTP/1.1|", "POST /two HTTP/1.1|abc",
                          "GET /three HTTP/1.1|"));
  EXPECT_TRUE(socket->peer_closed());
}

TEST_F(HttpServerTest, AnswersHeadWithoutABodyButWithItsLength) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send("HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n"));
  const std::optional<WireResponse> head =
      socket->ReadResponse(test::kIoBound, /*head_request=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(200, head->status);
  EXPECT_EQ(std::to_string(std::string("HEAD /h HTTP/1.1|").size()),
            head->Header("content-length").value_or(""));

  // No stray body bytes precede the next answer.
  ASSERT_TRUE(socket->Send(Get("/next")));
  const std::optional<WireResponse> next = socket->ReadResponse();
  ASSERT_TRUE(next.has_value());
  EXPECT_THAT(next->head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ("GET /next HTTP/1.1|", next->body);
}

TEST_F(HttpServerTest, HonoursConnectionClose) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(Get("/c", "Connection: close\r\n")));
  const std::optional<WireResponse> r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ("close", r->Header("connection").value_or(""));
  EXPECT_TRUE(socket->WaitForClose());
}

TEST_F(HttpServerTest, ClosesWhenTheHandlerAsks) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(Get("/close")));
  const std::optional<WireResponse> r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ("bye", r->body);
  EXPECT_EQ("close", r->Header("connection").value_or(""));
  EXPECT_TRUE(socket->WaitForClose());
}

TEST_F(HttpServerTest, Sends204WithoutContentLengthAndKeepsTheConnection) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(Get("/empty")));
  const std::optional<WireResponse> r = socket->ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ("HTTP/1.1 204 No Content", r->head);
  EXPECT_THAT(r->body, IsEmpty());

  ASSERT_TRUE(socket->Send(Get("/next")));
  const std::optional<WireResponse> next = socket->ReadResponse();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ("GET /next HTTP/1.1|", next->body);
}

TEST_F(HttpServerTest, CutsAnAbortedAnswerShortAndCloses) {
  auto socket = Connect();
  ASSERT_TRUE(socket->Send(Get("/abort")));
  const std::string bytes = socket->ReadUntilClosed();
  EXPECT_TRUE(socket->peer_closed());
  EXPECT_THAT(bytes, HasSubstr("content-length: 10\r\n"));
  EXPECT_THAT(bytes, testing::EndsWith("\r\n\r\n0123"));
}

TEST_F(HttpServerTest, StopReturnsPromptlyWithAnIdleKeepAliveConnection) {
  // The read timeout is 30 s: Stop() must not wait for it.
  auto idle = Connect();
  ASSERT_TRUE(idle->Send(Get("/idle")));
  ASSERT_TRUE(idle->ReadResponse().has_value());

  std::future<void> stopped =
      std::async(std::launch::async, [this] { server_->Stop(); });
  ASSERT_EQ(std::future_status::ready, stopped.wait_for(test::kIoBound));
  EXPECT_TRUE(idle->WaitForClose());
  EXPECT_FALSE(LoopbackSocket(port_).connected()) << "nothing listens any more";
  server_->Stop();  // Idempotent.
}

TEST_F(HttpServerTest, CannotListenOnAPortInUse) {
  HttpServer second(HttpServerOptions{}, Answer);
  const core::Result<int> port = second.Start("127.0.0.1", port_);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(core::StatusCode::kUnavailable, port.status().code());
  EXPECT_THAT(
      port.status().message(),
      StartsWith("cannot listen on 127.0.0.1:" + std::to_string(port_)));
}

}  // namespace
}  // namespace scalecheck::mock_backend
