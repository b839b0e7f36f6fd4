// mock_backend/http_server.h
//
// An HTTP/1.x listener that hands every request, whatever its method or
// path, to one handler as core::HttpRequest, bytes untouched, and writes back
// the core::HttpResponse: Content-Length or chunked framing as the response
// asks (close-delimited for HTTP/1.0), keep-alive, Expect: 100-continue,
// chunked request bodies, TCP_NODELAY, Puma's 10 KiB query limit.
// Thread-safe; the handler is called from the worker threads concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/http_message.h"
#include "core/status.h"

namespace scalecheck::mock_backend {

struct HttpServerOptions {
  int threads = 64;         // Worker threads: at least the connection count.
  int read_timeout_s = 5;   // A stalled or slow client is dropped after this.
  int keep_alive_max_count = 100000;  // Requests per connection.
};

class HttpServer {
 public:
  using Handler = std::function<core::HttpResponse(const core::HttpRequest&)>;

  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host:port` (port 0: any free port) and serves on a background
  // thread. Returns the bound port; kUnavailable when it cannot bind.
  core::Result<int> Start(const std::string& host, int port);
  // Stops accepting, finishes in-flight requests and joins. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scalecheck::mock_backend
