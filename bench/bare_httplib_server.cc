// bench/bare_httplib_server.cc
//
// The "bare" reference of `make bench`: Debian's cpp-httplib 0.11.4 answering
// every GET with the static XML of an authorized authrep, and nothing else.
// The mock's authrep throughput is compared with this, so the difference is
// the cost of 3scale's logic (and of our listener), not of HTTP itself.
//
// usage: scalecheck_bare_httplib [PORT [THREADS [BODY_FILE]]]
//   PORT 0 (the default) binds any free port; the first line on stdout is
//   `listening on 127.0.0.1:PORT`. THREADS defaults to 64. BODY_FILE, when
//   given, replaces the default body (the bench passes the mock's own answer,
//   usage reports included). SIGINT or SIGTERM stops it cleanly.
//
// Tuned as the issue measured it (57k req/s on the 2-core bench machine):
//   - TCP_NODELAY: without it Nagle plus delayed ACKs cap it near 1k req/s;
//   - a thread pool at least as large as the connection count (httplib
//     serves one keep-alive connection per thread, so wrk -c50 needs 50);
//   - keep_alive_max_count raised from 5, which otherwise reconnects every
//     fifth request (about 37k req/s);
//   - and the accept backlog raised from 5 (see RaiseBacklog).
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace {

// The body and content type apisonator 3.4.3 returns for an authorized
// authrep on a plan named "Basic" with no usage limits to report.
constexpr char kDefaultBody[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><status><authorized>true"
    "</authorized><plan>Basic</plan></status>";
constexpr char kContentType[] = "application/vnd.3scale-v2.0+xml";

// Raises the accept backlog of the listening socket bound to `port`. Debian
// compiles cpp-httplib with CPPHTTPLIB_LISTEN_BACKLOG 5, so when wrk opens
// its 50 connections at once the accept queue overflows: the kernel falls
// back to SYN cookies ("possible SYN flooding" in dmesg) and some first
// requests wait for a retransmission, a second or more. httplib keeps the
// socket to itself, so it is found among our descriptors; listen() on a
// listening socket only changes its backlog. The mock's listener uses 1024.
void RaiseBacklog(int port) {
  for (int fd = 3; fd < 1024; ++fd) {
    int accepting = 0;
    socklen_t length = sizeof accepting;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 ||
        accepting == 0) {
      continue;
    }
    sockaddr_in address{};
    length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) ==
            0 &&
        address.sin_family == AF_INET && ntohs(address.sin_port) == port) {
      ::listen(fd, 1024);
      return;
    }
  }
}

// Parses a non-negative decimal argument; -1 when it is not one.
long ParseArg(const char* text) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && value >= 0 ? value : -1;
}

// The whole content of `path`, or nullopt when it cannot be read.
std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

int main(int argc, char** argv) {
  const long port = argc > 1 ? ParseArg(argv[1]) : 0;
  const long threads = argc > 2 ? ParseArg(argv[2]) : 64;
  if (argc > 4 || port < 0 || port > 65535 || threads < 1) {
    std::fputs("usage: scalecheck_bare_httplib [PORT [THREADS [BODY_FILE]]]\n",
               stderr);
    return 2;
  }
  std::string body = kDefaultBody;
  if (argc > 3) {
    std::optional<std::string> from_file = ReadFile(argv[3]);
    if (!from_file) {
      std::fprintf(stderr, "scalecheck_bare_httplib: %s: cannot read\n",
                   argv[3]);
      return 2;
    }
    body = *std::move(from_file);
  }

  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and only the waiter below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);
  // httplib's hook wants a raw owning pointer; the Server deletes it.
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server.Get(".*",
             [&body](const httplib::Request&, httplib::Response& response) {
               response.set_content(body, kContentType);
             });

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                    : server.bind_to_port("127.0.0.1", static_cast<int>(port))
                        ? static_cast<int>(port)
                        : -1;
  if (bound < 0) {
    std::fprintf(stderr,
                 "scalecheck_bare_httplib: cannot listen on 127.0.0.1:%ld\n",
                 port);
    return 3;
  }
  RaiseBacklog(bound);
  std::printf("listening on 127.0.0.1:%d\n", bound);
  std::fflush(stdout);

  std::atomic<bool> accept_loop_ended{false};
  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    // httplib 0.11's stop() is lost if the accept loop has not started yet.
    while (!server.is_running() && !accept_loop_ended) {
      std::this_thread::yield();
    }
    server.stop();
  });
  const bool stopped_cleanly = server.listen_after_bind();
  accept_loop_ended = true;
  // Wakes the stopper if the loop ended on an error rather than a signal;
  // otherwise the signal stays pending, blocked, and is never delivered.
  ::kill(::getpid(), SIGTERM);
  stopper.join();
  return stopped_cleanly ? 0 : 3;
}
