#include "mock_backend/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <utility>

#include "core/params.h"

namespace scalecheck::mock_backend {
namespace {

core::HttpRequest Translate(const httplib::Request& req) {
  core::HttpRequest out;
  out.method = req.method;
  out.target = req.target;
  out.version = req.version;
  out.headers.reserve(req.headers.size());
  // httplib keeps headers in a multimap sorted by name; the original order is
  // lost, which no endpoint depends on.
  for (const auto& [name, value] : req.headers) {
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" ||
        name == "LOCAL_ADDR" || name == "LOCAL_PORT") {
      continue;
    }
    out.headers.emplace_back(name, value);
  }
  out.remote_ip = req.remote_addr;
  return out;
}

void Write(const core::HttpResponse& response, httplib::Response& res) {
  res.status = response.status;
  std::string content_type;
  for (const auto& [name, value] : response.headers) {
    if (name == "content-type") {
      content_type = value;
    } else {
      res.set_header(name.c_str(), value);
    }
  }
  if (response.close_connection) res.set_header("Connection", "close");
  if (response.abort_after_body_bytes) {
    auto body = std::make_shared<std::string>(response.body.substr(
        0, std::min(response.body.size(), *response.abort_after_body_bytes)));
    res.set_chunked_content_provider(
        content_type, [body](size_t offset, httplib::DataSink& sink) {
          if (offset < body->size()) {
            sink.write(body->data() + offset, body->size() - offset);
            return true;
          }
          return false;  // Drops the connection mid-body.
        });
    return;
  }
  if (response.framing == core::Framing::kChunked) {
    auto body = std::make_shared<std::string>(response.body);
    res.set_chunked_content_provider(
        content_type, [body](size_t offset, httplib::DataSink& sink) {
          if (offset < body->size()) {
            sink.write(body->data() + offset, body->size() - offset);
          }
          sink.done();
          return true;
        });
    return;
  }
  if (!content_type.empty() || !response.body.empty()) {
    res.set_content(response.body, content_type.c_str());
  }
  if (content_type.empty()) res.headers.erase("Content-Type");
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> running{false};
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->handler = std::move(handler);
  httplib::Server& server = impl_->server;
  // Nagle plus delayed ACKs cost ~40 ms per keep-alive request.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(static_cast<size_t>(options.keep_alive_max_count));
  server.set_keep_alive_timeout(options.read_timeout_s);
  server.set_read_timeout(options.read_timeout_s, 0);
  server.set_write_timeout(options.read_timeout_s, 0);
  server.set_payload_max_length(64u << 20);
  const int threads = options.threads;
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  Impl* impl = impl_.get();
  // Bodiless requests are answered before routing: no regex per request.
  server.set_pre_routing_handler(
      [impl](const httplib::Request& req, httplib::Response& res) {
        if (req.has_header("Content-Length") ||
            req.has_header("Transfer-Encoding")) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        Write(impl->handler(Translate(req)), res);
        return httplib::Server::HandlerResponse::Handled;
      });
  // Requests with a body: read it raw (httplib's own form parsing stops at
  // 8 KiB; reports can be megabytes).
  auto with_body = [impl](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& content_reader) {
    core::HttpRequest request = Translate(req);
    if (req.is_multipart_form_data()) {
      // httplib parses multipart itself; re-encode the parts as a form.
      std::vector<std::pair<std::string, std::string>> parts;
      content_reader(
          [&parts](const httplib::MultipartFormData& file) {
            parts.emplace_back(file.name, "");
            return true;
          },
          [&parts](const char* data, size_t length) {
            if (!parts.empty()) parts.back().second.append(data, length);
            return true;
          });
      for (const auto& [name, value] : parts) {
        if (!request.body.empty()) request.body += '&';
        request.body += core::EncodeComponent(name) + "=" +
                        core::EncodeComponent(value);
      }
      for (auto& [name, value] : request.headers) {
        if (core::EqualsIgnoreCase(name, "content-type")) {
          value = "application/x-www-form-urlencoded";
        }
      }
    } else {
      content_reader([&request](const char* data, size_t length) {
        request.body.append(data, length);
        return true;
      });
    }
    Write(impl->handler(request), res);
  };
  server.Post(".*", with_body);
  server.Put(".*", with_body);
  server.Patch(".*", with_body);
  server.Delete(".*", with_body);
  auto without_body = [impl](const httplib::Request& req,
                             httplib::Response& res) {
    Write(impl->handler(Translate(req)), res);
  };
  server.Get(".*", without_body);
  server.Options(".*", without_body);
}

HttpServer::~HttpServer() { Stop(); }

core::Result<int> HttpServer::Start(const std::string& host, int port) {
  httplib::Server& server = impl_->server;
  const int bound = port == 0 ? server.bind_to_any_port(host)
                    : server.bind_to_port(host, port) ? port
                                                      : -1;
  if (bound < 0) {
    return core::Status::Unavailable("cannot listen on " + host + ":" +
                                     std::to_string(port));
  }
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // cpp-httplib 0.11 has no wait_until_ready(), and its stop() is lost if
  // called before the accept loop starts. Wait for the loop.
  while (!server.is_running()) std::this_thread::yield();
  return bound;
}

void HttpServer::Stop() {
  if (!impl_ || !impl_->running.exchange(false)) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace scalecheck::mock_backend
