// mock_backend/http_server.cc
//
// A small HTTP/1.x server on POSIX sockets: an accept thread and a pool of
// workers, each serving one connection at a time for its keep-alive life.
// Written instead of using cpp-httplib 0.11.4 because that library changes
// what it receives before a handler sees it: it refuses a target with a
// second raw '?' (3scale's Java client sends them), %-decodes header values
// (a `3scale-options: no_body%3D1` header becomes `no_body=1`) and cannot
// answer HTTP/1.0 close-delimited; a mock must see the bytes apisonator saw.
#include "mock_backend/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <string_view>
#include <vector>

namespace scalecheck::mock_backend {
namespace {

// Puma refuses a query string longer than this before the application runs
// (golden badinput/*: 400 without headers).
constexpr size_t kMaxQueryBytes = 10 * 1024;
constexpr size_t kMaxHeadBytes = 80 * 1024;
constexpr size_t kMaxBodyBytes = size_t{64} << 20;

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ContainsToken(std::string_view value, std::string_view token) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    if (core::EqualsIgnoreCase(Trim(value.substr(start, end - start)), token)) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

// One client connection: buffered reads with a deadline, whole writes.
class Connection {
 public:
  Connection(int fd, int timeout_s) : fd_(fd), timeout_ms_(timeout_s * 1000) {}
  ~Connection() { ::close(fd_); }

  // Reads more bytes into the buffer; false on EOF, error or timeout.
  bool Fill() {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms_);
    if (ready <= 0) return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  bool WriteAll(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
          pollfd p{fd_, POLLOUT, 0};
          if (::poll(&p, 1, timeout_ms_) <= 0) return false;
          continue;
        }
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  std::string& buffer() { return buffer_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  int timeout_ms_;
  std::string buffer_;
};

std::string PeerAddress(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  char host[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, host, sizeof host);
  } else if (addr.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, host, sizeof host);
  }
  return host;
}

enum class ReadResult { kOk, kClosed, kBadRequest, kQueryTooLong };

// Parses the head at the start of `conn.buffer()` (complete up to `head_end`).
ReadResult ParseHead(std::string_view head, core::HttpRequest& request) {
  const size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return ReadResult::kBadRequest;
  request.method = std::string(line.substr(0, sp1));
  request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  request.version = std::string(line.substr(sp2 + 1));
  if (request.method.empty() || request.target.empty() ||
      request.version.rfind("HTTP/1.", 0) != 0) {
    return ReadResult::kBadRequest;
  }
  if (request.query().size() > kMaxQueryBytes) return ReadResult::kQueryTooLong;
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view field = head.substr(pos, end - pos);
    pos = end + 2;
    if (field.empty()) continue;
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return ReadResult::kBadRequest;
    request.headers.emplace_back(std::string(field.substr(0, colon)),
                                 std::string(Trim(field.substr(colon + 1))));
  }
  return ReadResult::kOk;
}

// Reads one request off `conn`. Sends "100 Continue" when asked.
ReadResult ReadRequest(Connection& conn, core::HttpRequest& request) {
  std::string& buf = conn.buffer();
  size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (buf.size() > kMaxHeadBytes) return ReadResult::kBadRequest;
    if (!conn.Fill()) return buf.empty() ? ReadResult::kClosed : ReadResult::kBadRequest;
  }
  const ReadResult parsed =
      ParseHead(std::string_view(buf).substr(0, head_end + 2), request);
  buf.erase(0, head_end + 4);
  if (parsed != ReadResult::kOk) return parsed;

  const std::string* length = request.Header("content-length");
  const std::string* encoding = request.Header("transfer-encoding");
  const bool chunked = encoding != nullptr && ContainsToken(*encoding, "chunked");
  if (length == nullptr && !chunked) return ReadResult::kOk;
  if (const std::string* expect = request.Header("expect");
      expect != nullptr && core::EqualsIgnoreCase(*expect, "100-continue") &&
      request.version == "HTTP/1.1") {
    if (!conn.WriteAll("HTTP/1.1 100 Continue\r\n\r\n")) return ReadResult::kClosed;
  }
  if (!chunked) {
    size_t want = 0;
    for (char c : *length) {
      if (c < '0' || c > '9') return ReadResult::kBadRequest;
      want = want * 10 + static_cast<size_t>(c - '0');
      if (want > kMaxBodyBytes) return ReadResult::kBadRequest;
    }
    while (buf.size() < want) {
      if (!conn.Fill()) return ReadResult::kBadRequest;
    }
    request.body = buf.substr(0, want);
    buf.erase(0, want);
    return ReadResult::kOk;
  }
  // Chunked request body.
  while (true) {
    size_t line_end;
    while ((line_end = buf.find("\r\n")) == std::string::npos) {
      if (!conn.Fill()) return ReadResult::kBadRequest;
    }
    size_t size = 0;
    size_t i = 0;
    for (; i < line_end; ++i) {
      const char c = buf[i];
      int digit;
      if (c >= '0' && c <= '9') digit = c - '0';
      else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      else break;
      size = size * 16 + static_cast<size_t>(digit);
      if (size > kMaxBodyBytes) return ReadResult::kBadRequest;
    }
    if (i == 0) return ReadResult::kBadRequest;
    buf.erase(0, line_end + 2);
    if (size == 0) {
      // Trailers, then the final CRLF.
      size_t end;
      while ((end = buf.find("\r\n")) != 0) {
        if (end == std::string::npos) {
          if (!conn.Fill()) return ReadResult::kBadRequest;
          continue;
        }
        buf.erase(0, end + 2);
      }
      buf.erase(0, 2);
      return ReadResult::kOk;
    }
    while (buf.size() < size + 2) {
      if (!conn.Fill()) return ReadResult::kBadRequest;
    }
    request.body.append(buf, 0, size);
    if (request.body.size() > kMaxBodyBytes) return ReadResult::kBadRequest;
    buf.erase(0, size + 2);
  }
}

// Serialises `response`; returns whether the connection may be kept.
bool WriteResponse(Connection& conn, const core::HttpRequest& request,
                   const core::HttpResponse& response, bool keep_alive) {
  const bool http10 = request.version == "HTTP/1.0";
  const bool head = request.method == "HEAD";
  const bool aborted = response.abort_after_body_bytes.has_value();
  // A chunked answer to an HTTP/1.0 client is close-delimited instead.
  const bool chunked = response.framing == core::Framing::kChunked && !aborted;
  if (chunked && http10) keep_alive = false;
  if (response.close_connection || aborted) keep_alive = false;

  std::string out;
  out.reserve(256 + response.body.size());
  out += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += ReasonPhrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  const bool bodiless_status = response.status == 204 || response.status == 304;
  if (chunked && !http10) {
    out += "transfer-encoding: chunked\r\n";
  } else if (!(chunked && http10) && !bodiless_status) {
    out += "content-length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  if (!keep_alive && !http10) {
    out += "connection: close\r\n";
  } else if (keep_alive && http10) {
    out += "connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!head && !bodiless_status) {
    if (aborted) {
      out.append(response.body, 0,
                 std::min(response.body.size(), *response.abort_after_body_bytes));
    } else if (chunked && !http10) {
      if (!response.body.empty()) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", response.body.size());
        out += size;
        out += response.body;
        out += "\r\n";
      }
      out += "0\r\n\r\n";
    } else {
      out += response.body;
    }
  }
  if (!conn.WriteAll(out)) return false;
  return keep_alive;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  int listen_fd = -1;
  std::atomic<bool> running{false};
  std::thread acceptor;
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<int> pending;   // Accepted connections; guarded by mutex.
  std::set<int> active;      // Connections being served; guarded by mutex.

  void Accept() {
    while (running) {
      pollfd p{listen_fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard<std::mutex> lock(mutex);
      pending.push_back(fd);
      ready.notify_one();
    }
  }

  void Work() {
    while (true) {
      int fd;
      {
        std::unique_lock<std::mutex> lock(mutex);
        ready.wait(lock, [this] { return !pending.empty() || !running; });
        if (!running && pending.empty()) return;
        fd = pending.front();
        pending.pop_front();
        active.insert(fd);
      }
      Connection conn(fd, options.read_timeout_s);
      Serve(conn);
      // Leave `active` before ~Connection closes the descriptor: Stop() shuts
      // down what is in `active`, and a closed number may be reused at once.
      std::lock_guard<std::mutex> lock(mutex);
      active.erase(fd);
    }
  }

  void Serve(Connection& conn) {
    const std::string peer = PeerAddress(conn.fd());
    for (int served = 0; running && served < options.keep_alive_max_count; ++served) {
      core::HttpRequest request;
      const ReadResult read = ReadRequest(conn, request);
      if (read == ReadResult::kClosed) return;
      if (read == ReadResult::kQueryTooLong) {
        conn.WriteAll("HTTP/1.1 400 Bad Request\r\n\r\n");
        return;
      }
      if (read == ReadResult::kBadRequest) {
        conn.WriteAll(
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n"
            "connection: close\r\n\r\n");
        return;
      }
      request.remote_ip = peer;
      const std::string* connection = request.Header("connection");
      bool keep_alive = request.version == "HTTP/1.1"
                            ? !(connection && ContainsToken(*connection, "close"))
                            : (connection && ContainsToken(*connection, "keep-alive"));
      const core::HttpResponse response = handler(request);
      if (response.status == 0) return;  // Answer nothing (the hang fault).
      if (!WriteResponse(conn, request, response, keep_alive)) return;
    }
  }
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { Stop(); }

core::Result<int> HttpServer::Start(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return core::Status::Unavailable("cannot listen on " + host + ":" + service +
                                     ": unknown address");
  }
  const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC,
                          found->ai_protocol);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || ::bind(fd, found->ai_addr, found->ai_addrlen) != 0 ||
      ::listen(fd, 1024) != 0) {
    const std::string why = std::strerror(errno);
    ::freeaddrinfo(found);
    if (fd >= 0) ::close(fd);
    return core::Status::Unavailable("cannot listen on " + host + ":" + service +
                                     ": " + why);
  }
  ::freeaddrinfo(found);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const int bound_port =
      bound.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
          : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  impl_->listen_fd = fd;
  impl_->running = true;
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->workers.emplace_back([this] { impl_->Work(); });
  }
  impl_->acceptor = std::thread([this] { impl_->Accept(); });
  return bound_port;
}

void HttpServer::Stop() {
  if (!impl_ || !impl_->running.exchange(false)) return;
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    // Wake workers blocked on their connections; drop queued ones.
    for (int fd : impl_->active) ::shutdown(fd, SHUT_RDWR);
    for (int fd : impl_->pending) ::close(fd);
    impl_->pending.clear();
    impl_->ready.notify_all();
  }
  for (std::thread& t : impl_->workers) t.join();
  impl_->workers.clear();
  ::close(impl_->listen_fd);
}

}  // namespace scalecheck::mock_backend
