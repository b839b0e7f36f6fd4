// tests/harness/raw_http_client_test.cc
//
// RawHttpClient against a canned server on 127.0.0.1:0 that answers fixed
// bytes. Every wait is a bounded poll(); nothing sleeps.
#include "harness/raw_http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"

namespace scalecheck::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

// The canned server never waits longer than this for its peer.
constexpr int kServerWaitMs = 5000;

// Reads what is available within kServerWaitMs; "" at the end of the stream
// or on timeout.
std::string ReadSome(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, kServerWaitMs) <= 0) return "";
  char buffer[4096];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

// Reads up to and including the blank line after the request head; what
// follows it is left in `rest`.
std::string ReadHead(int fd, std::string& rest) {
  std::string data = rest;
  rest.clear();
  size_t end = std::string::npos;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    const std::string more = ReadSome(fd);
    if (more.empty()) return data;
    data += more;
  }
  rest = data.substr(end + 4);
  return data.substr(0, end + 4);
}

// Reads until `rest` holds `size` bytes, and takes them.
std::string ReadBytes(int fd, std::string& rest, size_t size) {
  while (rest.size() < size) {
    const std::string more = ReadSome(fd);
    if (more.empty()) break;
    rest += more;
  }
  std::string out = rest.substr(0, size);
  rest.erase(0, out.size());
  return out;
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Waits until the client closes its end (bounded).
void WaitForClose(int fd) {
  while (!ReadSome(fd).empty()) {
  }
}

// Accepts connections on 127.0.0.1:0 in a thread and hands each to
// `handler`, which answers and returns; the connection is then closed.
class CannedServer {
 public:
  using Handler = std::function<void(int fd)>;

  explicit CannedServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listen_fd_, 16);
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    if (::pipe(stop_pipe_) != 0) stop_pipe_[0] = stop_pipe_[1] = -1;
    thread_ = std::thread([this] { Loop(); });
  }

  ~CannedServer() {
    const char byte = 'x';
    if (::write(stop_pipe_[1], &byte, 1) < 0) {
      // The loop still ends at its next poll timeout.
    }
    thread_.join();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
  }

  Endpoint endpoint() const { return Endpoint{"127.0.0.1", port_}; }
  int accepted() const { return accepted_.load(); }

 private:
  void Loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds, 2, kServerWaitMs) <= 0) return;
      if (fds[1].revents != 0) return;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepted_;
      handler_(fd);
      ::close(fd);
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// What the canned server received, for checks after the round trip.
class Received {
 public:
  void Set(std::string bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    bytes_ = std::move(bytes);
  }
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
  }

 private:
  mutable std::mutex mutex_;
  std::string bytes_;
};

// A handler that reads the request head and answers `response`.
CannedServer::Handler Answer(std::string response) {
  return [response](int fd) {
    std::string rest;
    ReadHead(fd, rest);
    WriteAll(fd, response);
  };
}

class RawHttpClientTest : public ::testing::Test {
 protected:
  core::Result<HttpResponse> Send(const CannedServer& server,
                                  const HttpRequest& request) {
    RawHttpClient client(server.endpoint(), options_, clock_);
    return client.Send(request);
  }

  static HttpRequest Get(std::string target) {
    HttpRequest request;
    request.target = std::move(target);
    request.headers = {{"Host", "su1.3scale.net"}};
    return request;
  }

  core::ManualClock clock_{core::UtcTime{}};
  RawHttpOptions options_;
};

TEST_F(RawHttpClientTest, ReadsAContentLengthResponse) {
  CannedServer server(
      Answer("HTTP/1.1 200 OK\r\n"
             "Content-Type: application/vnd.3scale-v2.0+xml\r\n"
             "X-Content-Type-Options: nosniff\r\n"
             "Content-Length: 5\r\n"
             "\r\n"
             "hello"));
  const core::Result<HttpResponse> response = Send(server, Get("/status"));
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->version, "HTTP/1.1");
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->reason, "OK");
  EXPECT_THAT(
      response->headers,
      ElementsAre(Pair("content-type", "application/vnd.3scale-v2.0+xml"),
                  Pair("x-content-type-options", "nosniff"),
                  Pair("content-length", "5")));
  EXPECT_EQ(response->framing, Framing::kContentLength);
  EXPECT_EQ(response->body, "hello");
  EXPECT_TRUE(response->interim.empty());
}

TEST_F(RawHttpClientTest, SendsTheRequestBytesExactly) {
  const std::string expected =
      "POST /transactions.xml?usage[hits]=1 HTTP/1.0\r\n"
      "Host: su1.3scale.net\r\n"
      "x-odd-Name: a\tb \r\n"
      "Content-Length: 12\r\n"
      "\r\n"
      "a=1&\r\nb=\xff\xfe x";
  Received received;
  CannedServer server([&received, &expected](int fd) {
    std::string rest;
    std::string bytes = ReadHead(fd, rest);
    bytes += ReadBytes(fd, rest, 12);
    received.Set(bytes);
    WriteAll(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
  });
  HttpRequest request;
  request.method = "POST";
  request.target = "/transactions.xml?usage[hits]=1";
  request.version = "HTTP/1.0";
  request.headers = {{"Host", "su1.3scale.net"},
                     {"x-odd-Name", "a\tb "},
                     {"Content-Length", "12"}};
  request.body = "a=1&\r\nb=\xff\xfe x";
  const core::Result<HttpResponse> response = Send(server, request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(received.Get(), expected);
}

TEST_F(RawHttpClientTest, DechunksAChunkedResponse) {
  CannedServer server(
      Answer("HTTP/1.1 404 Not Found\r\n"
             "Content-Type: application/vnd.3scale-v2.0+xml\r\n"
             "Transfer-Encoding: chunked\r\n"
             "\r\n"
             "5;name=value\r\nhello\r\n"
             "7\r\n, world\r\n"
             "0\r\n"
             "X-Trailer: ignored\r\n"
             "\r\n"));
  const core::Result<HttpResponse> response = Send(server, Get("/x"));
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->reason, "Not Found");
  EXPECT_EQ(response->framing, Framing::kChunked);
  EXPECT_EQ(response->body, "hello, world");
  EXPECT_EQ(response->Header("transfer-encoding"), "chunked");
}

TEST_F(RawHttpClientTest, ReadsACloseDelimitedBodyAsFramingNone) {
  CannedServer server(
      Answer("HTTP/1.0 403 Forbidden\r\n"
             "Content-Type: application/vnd.3scale-v2.0+xml\r\n"
             "\r\n"
             "<error>x</error>"));
  const core::Result<HttpResponse> response = Send(server, Get("/x"));
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->version, "HTTP/1.0");
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->framing, Framing::kNone);
  EXPECT_EQ(response->body, "<error>x</error>");
}

TEST_F(RawHttpClientTest, RecordsInterim100ContinueAndSendsTheBodyAfterIt) {
  Received received;
  CannedServer server([&received](int fd) {
    std::string rest;
    ReadHead(fd, rest);
    WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    received.Set(ReadBytes(fd, rest, 3));
    WriteAll(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
  });
  HttpRequest request;
  request.method = "POST";
  request.target = "/transactions.xml";
  request.headers = {{"Content-Length", "3"}, {"Expect", "100-continue"}};
  request.body = "a=1";
  const core::Result<HttpResponse> response = Send(server, request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_THAT(response->interim, ElementsAre("HTTP/1.1 100 Continue"));
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->framing, Framing::kContentLength);
  EXPECT_EQ(received.Get(), "a=1");
}

TEST_F(RawHttpClientTest, SendsTheBodyAnywayWhenNoInterimResponseComes) {
  Received received;
  CannedServer server([&received](int fd) {
    std::string rest;
    ReadHead(fd, rest);
    received.Set(ReadBytes(fd, rest, 3));
    WriteAll(fd, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
  });
  options_.continue_timeout = std::chrono::milliseconds(50);
  HttpRequest request;
  request.method = "POST";
  request.headers = {{"Content-Length", "3"}, {"Expect", "100-continue"}};
  request.body = "a=1";
  const core::Result<HttpResponse> response = Send(server, request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_TRUE(response->interim.empty());
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(received.Get(), "a=1");
}

TEST_F(RawHttpClientTest, KeepsTheBodyBackWhenTheServerAnswersFinallyFirst) {
  CannedServer server(
      Answer("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n"));
  HttpRequest request;
  request.method = "POST";
  request.headers = {{"Content-Length", "3"}, {"Expect", "100-continue"}};
  request.body = "a=1";
  const core::Result<HttpResponse> response = Send(server, request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_TRUE(response->interim.empty());
  EXPECT_EQ(response->status, 417);
}

TEST_F(RawHttpClientTest, ReadsNoBodyForHeadWhateverTheLengthSays) {
  CannedServer server([](int fd) {
    std::string rest;
    ReadHead(fd, rest);
    WriteAll(fd,
             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
             "Content-Length: 45\r\n\r\n");
    WaitForClose(fd);
  });
  HttpRequest request = Get("/status");
  request.method = "HEAD";
  const core::Result<HttpResponse> response = Send(server, request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->framing, Framing::kContentLength);
  EXPECT_EQ(response->body, "");
}

TEST_F(RawHttpClientTest, ReadsNoBodyForA204WithoutLength) {
  CannedServer server([](int fd) {
    std::string rest;
    ReadHead(fd, rest);
    WriteAll(fd,
             "HTTP/1.1 204 No Content\r\nAccess-Control-Max-Age: 1\r\n\r\n");
    WaitForClose(fd);
  });
  const core::Result<HttpResponse> response = Send(server, Get("/"));
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->framing, Framing::kNone);
  EXPECT_EQ(response->body, "");
}

TEST_F(RawHttpClientTest, AcceptsBareLineFeedsFoldedHeadersAndNoReason) {
  CannedServer server(Answer("HTTP/1.1 200\nX-A:  one\n two\n\n"));
  HttpRequest request = Get("/");
  request.method = "HEAD";
  const core::Result<HttpResponse> response = Send(server, request);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->reason, "");
  EXPECT_THAT(response->headers, ElementsAre(Pair("x-a", "one two")));
}

TEST_F(RawHttpClientTest, KeepsOneConnectionForSeveralRequests) {
  CannedServer server([](int fd) {
    std::string rest;
    for (int i = 0; i < 2; ++i) {
      ReadHead(fd, rest);
      WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  });
  RawHttpClient client(server.endpoint(), options_, clock_);
  core::Result<std::unique_ptr<RawHttpConnection>> connection =
      client.Connect();
  ASSERT_TRUE(connection.ok()) << connection.status().message();
  for (int i = 0; i < 2; ++i) {
    const core::Result<HttpResponse> response =
        connection.value()->RoundTrip(Get("/status"));
    ASSERT_TRUE(response.ok()) << i << ": " << response.status().message();
    EXPECT_EQ(response->body, "ok") << i;
    EXPECT_TRUE(connection.value()->reusable()) << i;
  }
  connection.value().reset();
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(RawHttpClientTest, SaysConnectionRefused) {
  // A port nobody listens on: bound, then released.
  int port = 0;
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    ::close(fd);
  }
  RawHttpClient client(Endpoint{"127.0.0.1", port}, options_, clock_);
  const core::Result<HttpResponse> response = client.Send(Get("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), core::StatusCode::kUnavailable);
  EXPECT_EQ(response.status().message(),
            "cannot connect to 127.0.0.1:" + std::to_string(port) +
                ": connection refused");
  EXPECT_FALSE(client.Probe().ok());
}

TEST_F(RawHttpClientTest, TimesOutWhenTheServerNeverAnswers) {
  CannedServer server([](int fd) {
    std::string rest;
    ReadHead(fd, rest);
    WaitForClose(fd);
  });
  options_.read_timeout = std::chrono::milliseconds(100);
  const core::Result<HttpResponse> response = Send(server, Get("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), core::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(),
              HasSubstr("no complete response within 100 ms"));
}

TEST_F(RawHttpClientTest, SaysWhenTheServerClosesWithoutAnswering) {
  CannedServer server(Answer(""));
  const core::Result<HttpResponse> response = Send(server, Get("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_THAT(response.status().message(),
              HasSubstr("connection closed without a response"));
}

TEST_F(RawHttpClientTest, RejectsMalformedResponses) {
  struct Case {
    std::string bytes;
    std::string error;
  };
  const Case cases[] = {
      {"HTTX/1.1 200 OK\r\n\r\n",
       "malformed response: bad status line 'HTTX/1.1 200 OK'"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "bad status line"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "bad header line 'no colon'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "bad content-length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
       "bad content-length"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       "bad chunk size line 'zz'"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
       "chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
       "chunk longer than its size line says"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
       "connection closed while waiting for the body"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
       "connection closed while waiting for the rest of a chunk"},
      {"HTTP/1.1 200 OK\r\nContent-Le",
       "connection closed while waiting for the end of the response head"},
  };
  for (const Case& c : cases) {
    CannedServer server(Answer(c.bytes));
    const core::Result<HttpResponse> response = Send(server, Get("/"));
    ASSERT_FALSE(response.ok()) << c.bytes;
    EXPECT_EQ(response.status().code(), core::StatusCode::kUnavailable)
        << c.bytes;
    EXPECT_THAT(response.status().message(), StartsWith("127.0.0.1:"))
        << c.bytes;
    EXPECT_THAT(response.status().message(), HasSubstr(c.error)) << c.bytes;
  }
}

TEST_F(RawHttpClientTest, RefusesResponsesOverTheSizeCap) {
  options_.max_response_bytes = 1000;
  const std::string big(2000, 'x');
  const std::string responses[] = {
      "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + big,
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + big +
          "\r\n0\r\n\r\n",
      "HTTP/1.0 200 OK\r\n\r\n" + big,
  };
  for (const std::string& bytes : responses) {
    CannedServer server(Answer(bytes));
    const core::Result<HttpResponse> response = Send(server, Get("/"));
    ASSERT_FALSE(response.ok()) << bytes.substr(0, 60);
    EXPECT_THAT(response.status().message(),
                HasSubstr("response larger than 1000 bytes"))
        << bytes.substr(0, 60);
  }
}

TEST(ParseHttpUrlTest, ReadsHostAndPort) {
  struct Case {
    std::string url;
    std::string host;
    int port;
  };
  const Case cases[] = {
      {"http://127.0.0.1:3001", "127.0.0.1", 3001},
      {"http://127.0.0.1:3001/", "127.0.0.1", 3001},
      {"http://localhost", "localhost", 80},
      {"HTTP://backend.example:8080", "backend.example", 8080},
      {"http://[::1]:3001", "::1", 3001},
  };
  for (const Case& c : cases) {
    const core::Result<Endpoint> endpoint = ParseHttpUrl(c.url);
    ASSERT_TRUE(endpoint.ok()) << c.url << ": " << endpoint.status().message();
    EXPECT_EQ(endpoint->host, c.host) << c.url;
    EXPECT_EQ(endpoint->port, c.port) << c.url;
  }
  EXPECT_EQ((Endpoint{"::1", 3001}).HostPort(), "[::1]:3001");
}

TEST(ParseHttpUrlTest, RejectsWhatItCannotReach) {
  struct Case {
    std::string url;
    std::string error;
  };
  const Case cases[] = {
      {"127.0.0.1:3001", "'127.0.0.1:3001': expected http://host:port"},
      {"https://x:443",
       "'https://x:443': unsupported scheme 'https' (only http)"},
      {"http://x:3001/api", "'http://x:3001/api': a target URL takes no path"},
      {"http://x:0", "'http://x:0': bad port '0'"},
      {"http://x:70000", "'http://x:70000': bad port '70000'"},
      {"http://x:", "'http://x:': bad port 'x'"},
      {"http://:80", "'http://:80': no host"},
  };
  for (const Case& c : cases) {
    const core::Result<Endpoint> endpoint = ParseHttpUrl(c.url);
    ASSERT_FALSE(endpoint.ok()) << c.url;
    EXPECT_EQ(endpoint.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_EQ(endpoint.status().message(), c.error) << c.url;
  }
}

TEST(FramingTest, SpellsFramingAsTheRecordingsDo) {
  for (Framing framing :
       {Framing::kContentLength, Framing::kChunked, Framing::kNone}) {
    EXPECT_EQ(ParseFraming(ToString(framing)), framing) << ToString(framing);
  }
  EXPECT_EQ(ToString(Framing::kContentLength), "content-length");
  EXPECT_EQ(ParseFraming("Chunked"), std::nullopt);
}

}  // namespace
}  // namespace scalecheck::harness
