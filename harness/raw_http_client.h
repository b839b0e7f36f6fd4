// harness/raw_http_client.h
//
// An HTTP/1.x client that sends a request's exact bytes and reports the
// response as it was on the wire: status line, headers in order, interim 1xx
// responses, the framing and the de-chunked body. It is what replays golden
// recordings, whose requests carry odd bytes (raw brackets, "&\r\n", invalid
// UTF-8) that an ordinary client would encode or refuse. It does no TLS, no
// redirects, no retries and no content decoding. Not thread-safe: use one
// client or connection per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace scalecheck::harness {

// Header fields in wire order; duplicates kept.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// How the body of a response was delimited.
enum class Framing {
  kContentLength,  // A Content-Length header.
  kChunked,        // Transfer-Encoding: chunked.
  kNone,           // Neither: close-delimited, or empty without a length.
};

// "content-length", "chunked" or "none": the recordings' spelling.
std::string_view ToString(Framing framing);
// The inverse of ToString(); nullopt for anything else.
std::optional<Framing> ParseFraming(std::string_view text);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // Path and query, sent as they are.
  std::string version = "HTTP/1.1";
  HeaderList headers;  // Sent in this order, names as given. Nothing is added.
  std::string body;    // Sent after the blank line as it is.
};

struct HttpResponse {
  std::string version;  // "HTTP/1.1"; empty in recordings.
  int status = 0;
  std::string reason;  // May be empty.
  HeaderList headers;  // Names lower-cased, values trimmed, order kept.
  Framing framing = Framing::kNone;
  std::string body;  // De-chunked; empty for HEAD, 1xx, 204 and 304.
  // Status lines of the 1xx responses that came first, without CRLF, e.g.
  // "HTTP/1.1 100 Continue".
  std::vector<std::string> interim;

  // The value of the first header called `lower_name`; nullopt if absent.
  std::optional<std::string> Header(std::string_view lower_name) const;
};

// Where to connect.
struct Endpoint {
  std::string host;  // A name or an address, e.g. "127.0.0.1".
  int port = 80;

  // "127.0.0.1:3001", as used in messages and Host headers.
  std::string HostPort() const;
};

// Parses "http://host[:port][/]". Fails with kInvalidArgument for another
// scheme, a path, or a bad port (message like "unsupported scheme 'https'").
core::Result<Endpoint> ParseHttpUrl(std::string_view url);

struct RawHttpOptions {
  std::chrono::milliseconds connect_timeout{2000};
  // The longest wait for the whole response once the request is sent, and
  // for each write to make progress.
  std::chrono::milliseconds read_timeout{10000};
  // With "Expect: 100-continue": how long to wait for the interim response
  // before sending the body anyway (as curl does).
  std::chrono::milliseconds continue_timeout{1000};
  // A larger response (head plus body, as received) is an error.
  size_t max_response_bytes = size_t{64} << 20;
};

// One open connection that can carry several requests in turn (keep-alive).
class RawHttpConnection {
 public:
  // Connects to `endpoint`. `clock` (read for timeouts only) must outlive the
  // connection. Fails with kUnavailable: "cannot connect to 127.0.0.1:3001:
  // connection refused", "... timed out after 2000 ms".
  static core::Result<std::unique_ptr<RawHttpConnection>> Open(
      const Endpoint& endpoint, const RawHttpOptions& options,
      core::Clock& clock);
  ~RawHttpConnection();  // Closes the socket.
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  // Sends `request` byte for byte and reads one response. A HEAD request's
  // response has no body whatever its headers say. With an
  // "Expect: 100-continue" header the body follows the interim response, or
  // continue_timeout without one; a final answer instead of the interim one
  // means the body is not sent. Fails with kUnavailable on a write error
  // that left no response behind, a timeout, a malformed or oversized
  // response, or a connection closed early; the connection is then closed.
  core::Result<HttpResponse> RoundTrip(const HttpRequest& request);

  // False once the peer closed the connection, the response was
  // close-delimited or carried "Connection: close", or a round trip failed.
  bool reusable() const;

  struct Impl;

 private:
  explicit RawHttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Sends each request over a fresh connection, as the golden recorder did.
class RawHttpClient {
 public:
  // `clock` must outlive the client.
  RawHttpClient(Endpoint endpoint, RawHttpOptions options, core::Clock& clock)
      : endpoint_(std::move(endpoint)), options_(options), clock_(clock) {}

  // Opens a connection, does one round trip and closes it. Fails as
  // RawHttpConnection::Open() and RoundTrip() do.
  core::Result<HttpResponse> Send(const HttpRequest& request);
  // A connection to keep for several requests.
  core::Result<std::unique_ptr<RawHttpConnection>> Connect();
  // Only opens and closes a connection: whether the target listens.
  core::Status Probe();

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Endpoint endpoint_;
  RawHttpOptions options_;
  core::Clock& clock_;
};

}  // namespace scalecheck::harness
