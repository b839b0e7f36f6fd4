// core/http_message.h
//
// HTTP requests and responses as plain values, so that the 3scale endpoints
// are functions from one to the other and can be tested without a socket.
// The HTTP server translates its library's types to these and back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scalecheck::core {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive ASCII comparison, for header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The value of the first header named `name` (case-insensitive), or nullptr.
const std::string* FindHeader(const HeaderList& headers, std::string_view name);

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  // Raw, as the request line carried it: "/transactions/authorize.xml?a=1".
  std::string target;
  std::string version = "HTTP/1.1";
  HeaderList headers;   // In the order received.
  std::string body;
  std::string remote_ip = "127.0.0.1";

  const std::string* Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
  // The target up to the first '?'.
  std::string_view path() const;
  // The target after the first '?', raw; empty when there is none.
  std::string_view query() const;
};

// How a body goes on the wire. apisonator's answers differ here (golden
// "Surprises" 2): <status> and empty bodies with Content-Length, exception
// <error> documents chunked.
enum class Framing { kContentLength, kChunked };

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // Names as apisonator sends them, lower-case.
  std::string body;
  Framing framing = Framing::kContentLength;
  // The connection is closed after the answer (fault injection).
  bool close_connection = false;
  // Fault injection: send the headers and at most this many body bytes,
  // then drop the connection.
  std::optional<size_t> abort_after_body_bytes;

  const std::string* Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
  void SetHeader(std::string name, std::string value);
};

}  // namespace scalecheck::core
