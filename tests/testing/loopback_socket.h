// tests/testing/loopback_socket.h
//
// A raw TCP client for tests of our HTTP listeners: it sends exact bytes
// (garbage request lines, truncated heads, pipelined requests, stalls) and
// reads with bounded poll()s, so that a test tells an answer, a close and a
// stall apart without sleeping. It understands just enough HTTP/1.1 to split
// responses. Header-only. Not thread-safe: one socket per thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scalecheck::test {

// The longest a test waits for its peer in one read: generous, because a
// sanitizer build on a busy 2-core machine is slow, yet it only bounds a
// failure; a passing test never waits it out.
inline constexpr std::chrono::milliseconds kIoBound{10000};

// One HTTP/1.x response as it came off the wire.
struct WireResponse {
  int status = 0;
  std::string head;  // Status line and header lines, up to the blank line.
  std::string body;  // De-chunked.
  // Lower-case name; the first value, or nullopt.
  std::optional<std::string> Header(std::string_view lower_name) const {
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
      const size_t start = pos + 2;
      const size_t end = head.find("\r\n", start);
      const std::string_view line(
          head.data() + start,
          (end == std::string::npos ? head.size() : end) - start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos && colon == lower_name.size()) {
        bool same = true;
        for (size_t i = 0; i < colon; ++i) {
          char c = line[i];
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          same = same && c == lower_name[i];
        }
        if (same) {
          std::string_view value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
          return std::string(value);
        }
      }
      pos = end;
    }
    return std::nullopt;
  }
};

class LoopbackSocket {
 public:
  // Connects to 127.0.0.1:`port`; connected() tells whether it could.
  explicit LoopbackSocket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address),
                              sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ >= 0) {
      const int one = 1;
      ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
  }
  ~LoopbackSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Whether the peer has closed its end (seen as end of stream or reset).
  bool peer_closed() const { return peer_closed_; }

  // Sends all of `bytes`; false when the peer is gone.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Shuts our sending side (the peer reads end of stream).
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // Reads one response: the head, then a Content-Length or chunked body,
  // or (neither) everything until the peer closes. nullopt when the peer
  // closed or went silent for `bound` before the response was complete.
  std::optional<WireResponse> ReadResponse(
      std::chrono::milliseconds bound = kIoBound, bool head_request = false) {
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(bound)) return std::nullopt;
    }
    WireResponse response;
    response.head = buffer_.substr(0, head_end);
    buffer_.erase(0, head_end + 4);
    if (response.head.size() < 12 || response.head.rfind("HTTP/1.", 0) != 0) {
      return std::nullopt;
    }
    response.status = std::stoi(response.head.substr(9, 3));
    if (response.status / 100 == 1) return response;  // Interim: no body.
    if (head_request || response.status == 204 || response.status == 304) {
      return response;
    }
    const std::optional<std::string> length = response.Header("content-length");
    const std::optional<std::string> encoding =
        response.Header("transfer-encoding");
    if (encoding && encoding->find("chunked") != std::string::npos) {
      while (true) {
        size_t line_end;
        while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
          if (!Fill(bound)) return std::nullopt;
        }
        const size_t size =
            std::stoul(buffer_.substr(0, line_end), nullptr, 16);
        buffer_.erase(0, line_end + 2);
        while (buffer_.size() < size + 2) {
          if (!Fill(bound)) return std::nullopt;
        }
        response.body += buffer_.substr(0, size);
        buffer_.erase(0, size + 2);
        if (size == 0) return response;  // No trailers from our servers.
      }
    }
    if (length) {
      const size_t want = std::stoul(*length);
      while (buffer_.size() < want) {
        if (!Fill(bound)) return std::nullopt;
      }
      response.body = buffer_.substr(0, want);
      buffer_.erase(0, want);
      return response;
    }
    while (Fill(bound)) {
    }
    if (!peer_closed_) return std::nullopt;
    response.body = std::move(buffer_);
    buffer_.clear();
    return response;
  }

  // Reads until the peer closes and returns every byte not yet consumed;
  // stops early (peer_closed() false) when nothing arrives for `bound`.
  std::string ReadUntilClosed(std::chrono::milliseconds bound = kIoBound) {
    while (Fill(bound)) {
    }
    std::string all = std::move(buffer_);
    buffer_.clear();
    return all;
  }

  // Whether the peer closes the connection within `bound` of silence;
  // whatever it sent first is discarded.
  bool WaitForClose(std::chrono::milliseconds bound = kIoBound) {
    ReadUntilClosed(bound);
    return peer_closed_;
  }

  // Whether the peer sends nothing and keeps the connection open for
  // `bound`: the only deliberate wait in these tests, kept short.
  bool StaysSilent(std::chrono::milliseconds bound) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(bound.count())) == 0;
  }

 private:
  // Appends what arrives within `bound`; false on timeout or end of stream.
  bool Fill(std::chrono::milliseconds bound) {
    if (peer_closed_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(bound.count())) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      peer_closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;  // Received and not yet consumed.
  bool peer_closed_ = false;
};

}  // namespace scalecheck::test
