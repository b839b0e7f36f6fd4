// harness/raw_http_client.cc
#include "harness/raw_http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>

namespace scalecheck::harness {
namespace {

using std::chrono::milliseconds;

// A head bigger than this is not an HTTP server talking.
constexpr size_t kMaxHeadBytes = size_t{1} << 20;
constexpr size_t kReadChunkBytes = 64 * 1024;

char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// strerror() in our message style: "connection refused".
std::string ErrnoText(int err) { return ToLower(std::strerror(err)); }

// A line of the peer's output fit for a message: printable, at most 80 bytes.
std::string ForMessage(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (text.size() > 80) out += "...";
  return out;
}

// Milliseconds from now to `deadline` as poll() wants them; 0 if passed.
int PollTimeoutMs(const core::Clock& clock, core::MonoTime deadline) {
  const auto left =
      std::chrono::ceil<milliseconds>(deadline - clock.NowMono()).count();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

// poll() on one descriptor, retried on EINTR. Returns 1 when ready, 0 on
// timeout, -1 with errno set on failure.
int PollOne(int fd, short events, const core::Clock& clock,
            core::MonoTime deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, PollTimeoutMs(clock, deadline));
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

bool IsAllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// Parses a port number; nullopt unless 1..65535.
std::optional<int> ParsePort(std::string_view text) {
  if (!IsAllDigits(text) || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) port = port * 10 + (c - '0');
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

// The status line and header fields of one response.
struct Head {
  std::string status_line;
  std::string version;
  int status = 0;
  std::string reason;
  HeaderList headers;
};

// Where the head in `buffer` ends (just after its blank line); npos while it
// is incomplete. Accepts bare LF line ends, as most clients do.
size_t FindHeadEnd(std::string_view buffer) {
  size_t pos = 0;
  while (pos < buffer.size()) {
    const size_t nl = buffer.find('\n', pos);
    if (nl == std::string_view::npos) return std::string_view::npos;
    std::string_view line = buffer.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() && pos > 0) return nl + 1;
    pos = nl + 1;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view ToString(Framing framing) {
  switch (framing) {
    case Framing::kContentLength:
      return "content-length";
    case Framing::kChunked:
      return "chunked";
    case Framing::kNone:
      return "none";
  }
  return "none";
}

std::optional<Framing> ParseFraming(std::string_view text) {
  for (Framing f :
       {Framing::kContentLength, Framing::kChunked, Framing::kNone}) {
    if (ToString(f) == text) return f;
  }
  return std::nullopt;
}

std::optional<std::string> HttpResponse::Header(
    std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::string Endpoint::HostPort() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::Result<Endpoint> ParseHttpUrl(std::string_view url) {
  const std::string quoted = "'" + std::string(url) + "'";
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return core::Status::InvalidArgument(quoted +
                                         ": expected http://host:port");
  }
  const std::string scheme = ToLower(url.substr(0, scheme_end));
  if (scheme != "http") {
    return core::Status::InvalidArgument(quoted + ": unsupported scheme '" +
                                         scheme + "' (only http)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") {
      return core::Status::InvalidArgument(quoted +
                                           ": a target URL takes no path");
    }
    rest = rest.substr(0, slash);
  }
  Endpoint endpoint;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return core::Status::InvalidArgument(quoted + ": unterminated '['");
    }
    endpoint.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return core::Status::InvalidArgument(quoted + ": bad host");
      }
      port_text = after.substr(1);
      if (port_text.empty()) port_text = "x";  // "[::1]:" has no port.
    }
  } else {
    const size_t colon = rest.rfind(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) port_text = "x";
    }
  }
  if (endpoint.host.empty()) {
    return core::Status::InvalidArgument(quoted + ": no host");
  }
  if (!port_text.empty()) {
    const std::optional<int> port = ParsePort(port_text);
    if (!port) {
      return core::Status::InvalidArgument(quoted + ": bad port '" +
                                           std::string(port_text) + "'");
    }
    endpoint.port = *port;
  }
  return endpoint;
}

// ---------------------------------------------------------------------------

struct RawHttpConnection::Impl {
  Impl(int socket_fd, std::string peer_name, const RawHttpOptions& opts,
       core::Clock& clk)
      : fd(socket_fd), peer(std::move(peer_name)), options(opts), clock(clk) {}
  ~Impl() { Close(); }

  void Close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
    reusable = false;
  }

  core::Status Fail(std::string what) const {
    return core::Status::Unavailable(peer + ": " + std::move(what));
  }

  core::Status Malformed(std::string what) const {
    return Fail("malformed response: " + std::move(what));
  }

  core::Status TimedOut() const {
    return Fail("no complete response within " +
                std::to_string(options.read_timeout.count()) + " ms");
  }

  // Sends all of `data`. A failure keeps errno's text.
  core::Status WriteAll(std::string_view data, core::MonoTime deadline) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n >= 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        return Fail("cannot send the request: " + ErrnoText(errno));
      }
      const int ready = PollOne(fd, POLLOUT, clock, deadline);
      if (ready < 0) return Fail("poll: " + ErrnoText(errno));
      if (ready == 0) {
        return Fail("cannot send the request: timed out after " +
                    std::to_string(options.read_timeout.count()) + " ms");
      }
    }
    return core::Status();
  }

  // Waits for input until `deadline` and appends what arrives to `buffer`.
  // Returns false on timeout, true when bytes or the end of the stream
  // (peer_closed) arrived.
  core::Result<bool> FillOnce(core::MonoTime deadline) {
    if (peer_closed) return true;
    for (;;) {
      const int ready = PollOne(fd, POLLIN, clock, deadline);
      if (ready < 0) return Fail("poll: " + ErrnoText(errno));
      if (ready == 0) return false;
      char chunk[kReadChunkBytes];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
          continue;
        }
        if (errno == ECONNRESET) {
          peer_closed = true;
          reset_by_peer = true;
          return true;
        }
        return Fail("cannot read the response: " + ErrnoText(errno));
      }
      if (n == 0) {
        peer_closed = true;
        return true;
      }
      received += static_cast<size_t>(n);
      if (received > options.max_response_bytes) {
        return Fail("response larger than " +
                    std::to_string(options.max_response_bytes) + " bytes");
      }
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }

  core::Status EarlyClose(std::string_view waiting_for) const {
    if (reset_by_peer) {
      return Fail("connection reset while waiting for " +
                  std::string(waiting_for));
    }
    return Fail("connection closed while waiting for " +
                std::string(waiting_for));
  }

  // Reads until `buffer` holds at least `size` bytes.
  core::Status FillTo(size_t size, core::MonoTime deadline,
                      std::string_view waiting_for) {
    while (buffer.size() < size) {
      if (peer_closed) return EarlyClose(waiting_for);
      core::Result<bool> got = FillOnce(deadline);
      if (!got.ok()) return got.status();
      if (!*got) return TimedOut();
    }
    return core::Status();
  }

  // Takes one line (without its CR LF or LF) from the front of `buffer`.
  core::Result<std::string> TakeLine(core::MonoTime deadline,
                                     std::string_view waiting_for) {
    for (;;) {
      const size_t nl = buffer.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buffer.size() > kMaxHeadBytes) {
        return Malformed("line longer than " + std::to_string(kMaxHeadBytes) +
                         " bytes");
      }
      if (peer_closed) return EarlyClose(waiting_for);
      core::Result<bool> got = FillOnce(deadline);
      if (!got.ok()) return got.status();
      if (!*got) return TimedOut();
    }
  }

  bool HasCompleteHead() {
    // Blank lines before a status line are skipped (RFC 9112 2.2).
    while (!buffer.empty() &&
           (buffer.front() == '\r' || buffer.front() == '\n')) {
      buffer.erase(0, 1);
    }
    return FindHeadEnd(buffer) != std::string::npos;
  }

  core::Result<Head> ReadHead(core::MonoTime deadline) {
    while (!HasCompleteHead()) {
      if (buffer.size() > kMaxHeadBytes) {
        return Malformed("head larger than " + std::to_string(kMaxHeadBytes) +
                         " bytes");
      }
      if (peer_closed) {
        if (buffer.empty()) {
          return reset_by_peer ? Fail("connection reset without a response")
                               : Fail("connection closed without a response");
        }
        return EarlyClose("the end of the response head");
      }
      core::Result<bool> got = FillOnce(deadline);
      if (!got.ok()) return got.status();
      if (!*got) return TimedOut();
    }
    const size_t end = FindHeadEnd(buffer);
    const std::string text = buffer.substr(0, end);
    buffer.erase(0, end);
    return ParseHead(text);
  }

  core::Result<Head> ParseHead(std::string_view text) const {
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines.push_back(line);
      pos = nl + 1;
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    if (lines.empty()) return Malformed("empty head");

    Head head;
    const std::string_view status_line = lines.front();
    head.status_line = std::string(status_line);
    // HTTP-version SP 3DIGIT [SP reason-phrase]; a missing reason is common.
    const bool version_ok =
        status_line.size() >= 12 && status_line.substr(0, 5) == "HTTP/" &&
        std::isdigit(static_cast<unsigned char>(status_line[5])) &&
        status_line[6] == '.' &&
        std::isdigit(static_cast<unsigned char>(status_line[7])) &&
        status_line[8] == ' ' && IsAllDigits(status_line.substr(9, 3)) &&
        (status_line.size() == 12 || status_line[12] == ' ');
    if (!version_ok) {
      return Malformed("bad status line '" + ForMessage(status_line) + "'");
    }
    head.version = std::string(status_line.substr(0, 8));
    head.status = (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 +
                  (status_line[11] - '0');
    if (status_line.size() > 12)
      head.reason = std::string(status_line.substr(13));

    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string_view line = lines[i];
      if (line.front() == ' ' || line.front() == '\t') {
        // Obsolete line folding continues the previous value.
        if (head.headers.empty()) {
          return Malformed("folded line before any header");
        }
        std::string& value = head.headers.back().second;
        value += ' ';
        value += Trim(line);
        continue;
      }
      const size_t colon = line.find(':');
      const std::string_view name =
          colon == std::string_view::npos ? line : line.substr(0, colon);
      const bool name_ok = colon != std::string_view::npos && !name.empty() &&
                           std::none_of(name.begin(), name.end(), [](char c) {
                             const auto u = static_cast<unsigned char>(c);
                             return u <= 0x20 || u >= 0x7f;
                           });
      if (!name_ok) {
        return Malformed("bad header line '" + ForMessage(line) + "'");
      }
      head.headers.emplace_back(ToLower(name),
                                std::string(Trim(line.substr(colon + 1))));
    }
    return head;
  }

  // How the body after these headers is delimited, and its length for
  // kContentLength.
  core::Result<std::pair<Framing, size_t>> BodyFraming(
      const HeaderList& headers) const {
    std::string transfer_encoding;
    std::vector<std::string_view> lengths;
    for (const auto& [name, value] : headers) {
      if (name == "transfer-encoding") {
        if (!transfer_encoding.empty()) transfer_encoding += ',';
        transfer_encoding += value;
      } else if (name == "content-length") {
        std::string_view rest = value;
        for (;;) {
          const size_t comma = rest.find(',');
          lengths.push_back(Trim(rest.substr(0, comma)));
          if (comma == std::string_view::npos) break;
          rest.remove_prefix(comma + 1);
        }
      }
    }
    if (!transfer_encoding.empty()) {
      // Chunked only when it is the last coding (RFC 9112 6.3); any other
      // transfer coding is read until the connection closes.
      std::string_view last = transfer_encoding;
      const size_t comma = last.rfind(',');
      if (comma != std::string_view::npos) last.remove_prefix(comma + 1);
      if (EqualsIgnoreCase(Trim(last), "chunked")) {
        return std::make_pair(Framing::kChunked, size_t{0});
      }
      return std::make_pair(Framing::kNone, size_t{0});
    }
    if (lengths.empty()) return std::make_pair(Framing::kNone, size_t{0});
    for (std::string_view length : lengths) {
      if (!IsAllDigits(length) || length != lengths.front()) {
        return Malformed("bad content-length '" + ForMessage(length) + "'");
      }
    }
    if (lengths.front().size() > 15) {
      return Fail("response larger than " +
                  std::to_string(options.max_response_bytes) + " bytes");
    }
    size_t length = 0;
    for (char c : lengths.front()) {
      length = length * 10 + static_cast<size_t>(c - '0');
    }
    if (length > options.max_response_bytes) {
      return Fail("response larger than " +
                  std::to_string(options.max_response_bytes) + " bytes");
    }
    return std::make_pair(Framing::kContentLength, length);
  }

  core::Status ReadChunkedBody(core::MonoTime deadline, std::string& body) {
    for (;;) {
      core::Result<std::string> line = TakeLine(deadline, "a chunk size");
      if (!line.ok()) return line.status();
      std::string_view size_text = *line;
      size_text = Trim(size_text.substr(0, size_text.find(';')));
      size_t size = 0;
      const bool size_ok =
          !size_text.empty() && size_text.size() <= 15 &&
          std::all_of(size_text.begin(), size_text.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c));
          });
      if (!size_ok) {
        return Malformed("bad chunk size line '" + ForMessage(*line) + "'");
      }
      for (char c : size_text) {
        const int digit = std::isdigit(static_cast<unsigned char>(c))
                              ? c - '0'
                              : ToLowerAscii(c) - 'a' + 10;
        size = size * 16 + static_cast<size_t>(digit);
      }
      if (size == 0) break;
      if (body.size() + size > options.max_response_bytes) {
        return Fail("response larger than " +
                    std::to_string(options.max_response_bytes) + " bytes");
      }
      core::Status filled = FillTo(size, deadline, "the rest of a chunk");
      if (!filled.ok()) return filled;
      body.append(buffer, 0, size);
      buffer.erase(0, size);
      core::Result<std::string> end = TakeLine(deadline, "the end of a chunk");
      if (!end.ok()) return end.status();
      if (!end->empty()) {
        return Malformed("chunk longer than its size line says");
      }
    }
    // Trailer fields, up to the blank line; their content is not kept.
    for (;;) {
      core::Result<std::string> trailer = TakeLine(deadline, "the last chunk");
      if (!trailer.ok()) return trailer.status();
      if (trailer->empty()) return core::Status();
    }
  }

  core::Result<HttpResponse> RoundTrip(const HttpRequest& request) {
    received = buffer.size();
    const core::MonoTime start = clock.NowMono();
    const core::MonoTime deadline = start + options.read_timeout;

    std::string head_bytes;
    head_bytes.reserve(256 + request.target.size());
    head_bytes += request.method;
    head_bytes += ' ';
    head_bytes += request.target;
    head_bytes += ' ';
    head_bytes += request.version;
    head_bytes += "\r\n";
    bool expect_continue = false;
    for (const auto& [name, value] : request.headers) {
      head_bytes += name;
      head_bytes += ": ";
      head_bytes += value;
      head_bytes += "\r\n";
      if (EqualsIgnoreCase(Trim(name), "expect") &&
          EqualsIgnoreCase(Trim(value), "100-continue")) {
        expect_continue = true;
      }
    }
    head_bytes += "\r\n";
    expect_continue = expect_continue && !request.body.empty();

    HttpResponse response;
    std::optional<Head> final_head;
    // A write error may follow an early answer (e.g. a 400 for an oversized
    // request); the answer is what counts, so it is read before giving up.
    core::Status write_status;
    bool body_withheld = false;
    if (!expect_continue) {
      write_status = WriteAll(head_bytes + request.body, deadline);
    } else {
      write_status = WriteAll(head_bytes, deadline);
      if (write_status.ok()) {
        const core::MonoTime continue_deadline =
            std::min(deadline, start + options.continue_timeout);
        while (!HasCompleteHead() && !peer_closed) {
          core::Result<bool> got = FillOnce(continue_deadline);
          if (!got.ok()) return got.status();
          if (!*got) break;
        }
        while (HasCompleteHead()) {
          core::Result<Head> head = ReadHead(deadline);
          if (!head.ok()) return head.status();
          if (head->status / 100 == 1 && head->status != 101) {
            response.interim.push_back(head->status_line);
            if (head->status == 100) break;  // The go-ahead for the body.
            continue;
          }
          // Answered before the body: it is not wanted, and the connection
          // cannot carry another request.
          final_head = std::move(head).value();
          body_withheld = true;
          break;
        }
        if (!body_withheld && !peer_closed) {
          write_status = WriteAll(request.body, deadline);
        }
      }
    }

    while (!final_head) {
      core::Result<Head> head = ReadHead(deadline);
      if (!head.ok()) return write_status.ok() ? head.status() : write_status;
      if (head->status / 100 == 1 && head->status != 101) {
        response.interim.push_back(head->status_line);
        continue;
      }
      final_head = std::move(head).value();
    }

    response.version = final_head->version;
    response.status = final_head->status;
    response.reason = final_head->reason;
    response.headers = std::move(final_head->headers);

    core::Result<std::pair<Framing, size_t>> framing =
        BodyFraming(response.headers);
    if (!framing.ok()) return framing.status();
    response.framing = framing->first;

    const bool no_body = request.method == "HEAD" ||
                         response.status / 100 == 1 || response.status == 204 ||
                         response.status == 304;
    if (!no_body) {
      switch (response.framing) {
        case Framing::kContentLength: {
          core::Status filled = FillTo(framing->second, deadline, "the body");
          if (!filled.ok()) return filled;
          response.body = buffer.substr(0, framing->second);
          buffer.erase(0, framing->second);
          break;
        }
        case Framing::kChunked: {
          core::Status read = ReadChunkedBody(deadline, response.body);
          if (!read.ok()) return read;
          break;
        }
        case Framing::kNone: {
          while (!peer_closed) {
            core::Result<bool> got = FillOnce(deadline);
            if (!got.ok()) return got.status();
            if (!*got) {
              return Fail("close-delimited body not finished within " +
                          std::to_string(options.read_timeout.count()) + " ms");
            }
          }
          response.body = std::move(buffer);
          buffer.clear();
          break;
        }
      }
    }

    const std::optional<std::string> connection = response.Header("connection");
    const bool close_asked =
        connection && ToLower(*connection).find("close") != std::string::npos;
    const bool keep_alive_asked =
        connection &&
        ToLower(*connection).find("keep-alive") != std::string::npos;
    if (peer_closed || close_asked || !write_status.ok() || body_withheld ||
        (response.framing == Framing::kNone && !no_body) ||
        (response.version == "HTTP/1.0" && !keep_alive_asked)) {
      reusable = false;
    }
    return response;
  }

  int fd = -1;
  std::string peer;  // "host:port", the start of every message.
  RawHttpOptions options;
  core::Clock& clock;
  std::string buffer;   // Received and not yet parsed.
  size_t received = 0;  // Bytes received for the current response.
  bool peer_closed = false;
  bool reset_by_peer = false;
  bool reusable = true;
};

core::Result<std::unique_ptr<RawHttpConnection>> RawHttpConnection::Open(
    const Endpoint& endpoint, const RawHttpOptions& options,
    core::Clock& clock) {
  const std::string peer = endpoint.HostPort();
  const std::string prefix = "cannot connect to " + peer + ": ";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const int gai =
      ::getaddrinfo(endpoint.host.c_str(),
                    std::to_string(endpoint.port).c_str(), &hints, &addresses);
  if (gai != 0) {
    return core::Status::Unavailable(prefix + ToLower(::gai_strerror(gai)));
  }
  const core::MonoTime deadline = clock.NowMono() + options.connect_timeout;
  std::string error = "no address";
  int fd = -1;
  for (addrinfo* a = addresses; a != nullptr && fd < 0; a = a->ai_next) {
    const int s =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                 a->ai_protocol);
    if (s < 0) {
      error = ErrnoText(errno);
      continue;
    }
    int rc = ::connect(s, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const int ready = PollOne(s, POLLOUT, clock, deadline);
      if (ready == 0) {
        error = "timed out after " +
                std::to_string(options.connect_timeout.count()) + " ms";
        ::close(s);
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (ready < 0) {
        so_error = errno;
      } else if (::getsockopt(s, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
        so_error = errno;
      }
      rc = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (rc != 0) {
      error = ErrnoText(errno);
      ::close(s);
      continue;
    }
    const int one = 1;
    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd = s;
  }
  ::freeaddrinfo(addresses);
  if (fd < 0) return core::Status::Unavailable(prefix + error);
  return std::unique_ptr<RawHttpConnection>(
      new RawHttpConnection(std::make_unique<Impl>(fd, peer, options, clock)));
}

RawHttpConnection::RawHttpConnection(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

RawHttpConnection::~RawHttpConnection() = default;

core::Result<HttpResponse> RawHttpConnection::RoundTrip(
    const HttpRequest& request) {
  if (impl_->fd < 0) {
    return impl_->Fail("connection already closed");
  }
  core::Result<HttpResponse> response = impl_->RoundTrip(request);
  if (!response.ok()) impl_->Close();
  return response;
}

bool RawHttpConnection::reusable() const {
  return impl_->fd >= 0 && impl_->reusable;
}

core::Result<HttpResponse> RawHttpClient::Send(const HttpRequest& request) {
  core::Result<std::unique_ptr<RawHttpConnection>> connection = Connect();
  if (!connection.ok()) return connection.status();
  return connection.value()->RoundTrip(request);
}

core::Result<std::unique_ptr<RawHttpConnection>> RawHttpClient::Connect() {
  return RawHttpConnection::Open(endpoint_, options_, clock_);
}

core::Status RawHttpClient::Probe() {
  core::Result<std::unique_ptr<RawHttpConnection>> connection = Connect();
  return connection.status();
}

}  // namespace scalecheck::harness
