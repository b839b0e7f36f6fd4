#include "harness/client_adapter.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <climits>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

extern char** environ;

namespace scalecheck::harness {
namespace {

using Json = nlohmann::ordered_json;
using std::chrono::milliseconds;

constexpr const char* kBackendUrlVariable = "SCALECHECK_BACKEND_URL";
constexpr const char* kTimeoutVariable = "SCALECHECK_CLIENT_TIMEOUT_MS";

std::string ErrnoText(int error) { return std::strerror(error); }

// Milliseconds from now to `deadline` as poll() wants them; 0 if passed.
int PollTimeoutMs(const core::Clock& clock, core::MonoTime deadline) {
  const auto left =
      std::chrono::ceil<milliseconds>(deadline - clock.NowMono()).count();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Moves `fd` to a number above 2 (close-on-exec), so that dup2() onto the
// child's 0, 1 and 2 can never overwrite another of the child's ends: the
// harness itself may run with its standard streams closed.
int AboveStandardStreams(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

// A connected pair of sockets rather than a pipe: writing to an adapter that
// has gone must be an EPIPE, not a SIGPIPE that kills the harness, and
// send(MSG_NOSIGNAL) is how to get that without touching signal dispositions
// that belong to main(). Both ends close-on-exec and above 2.
bool SocketPair(int (&ends)[2]) {
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    return false;
  ends[0] = AboveStandardStreams(ends[0]);
  ends[1] = AboveStandardStreams(ends[1]);
  return ends[0] >= 0 && ends[1] >= 0;
}

// This process's environment with the adapter's two variables set.
std::vector<std::string> AdapterEnvironment(
    const ClientAdapterOptions& options) {
  std::vector<std::string> env;
  const std::string url_prefix = std::string(kBackendUrlVariable) + "=";
  const std::string timeout_prefix = std::string(kTimeoutVariable) + "=";
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    if (entry.rfind(url_prefix, 0) == 0 || entry.rfind(timeout_prefix, 0) == 0)
      continue;
    env.push_back(entry);
  }
  env.push_back(url_prefix + options.backend_url);
  env.push_back(timeout_prefix + std::to_string(options.timeout.count()));
  return env;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) {
    return "adapter exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    const char* name = ::sigabbrev_np(signal_number);
    return "adapter was killed by signal " + std::to_string(signal_number) +
           (name != nullptr ? std::string(" (SIG") + name + ")" : "");
  }
  return "adapter ended with wait status " + std::to_string(status);
}

void WaitFor(pid_t pid, int* status) {
  while (::waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

// Text of a JSON value as a result field: strings as they are, numbers and
// booleans as their JSON text; null is absent.
std::optional<std::string> TextOf(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ParamObject(const ParamList& params) {
  Json object = Json::object();
  for (const auto& [name, value] : params) object[name] = value;
  return object;
}

void PutText(Json& json, const char* key,
             const std::optional<std::string>& value) {
  if (value) json[key] = *value;
}

std::string Abbreviated(const std::string& line) {
  return line.size() <= 200 ? line : line.substr(0, 197) + "...";
}

}  // namespace

std::string ToJsonLine(const ClientCommand& command) {
  Json json = {{"op", command.op}};
  PutText(json, "service_id", command.service_id);
  PutText(json, "provider_key", command.provider_key);
  PutText(json, "service_token", command.service_token);
  PutText(json, "app_id", command.app_id);
  PutText(json, "app_key", command.app_key);
  PutText(json, "user_key", command.user_key);
  PutText(json, "referrer", command.referrer);
  PutText(json, "redirect_url", command.redirect_url);
  PutText(json, "redirect_uri", command.redirect_uri);
  if (!command.usage.empty()) json["usage"] = ParamObject(command.usage);
  if (command.log_text) {
    json["log"] = *command.log_text;
  } else if (!command.log.empty()) {
    json["log"] = ParamObject(command.log);
  }
  if (!command.extensions.empty())
    json["extensions"] = ParamObject(command.extensions);
  if (command.op == "report") {
    Json transactions = Json::array();
    for (const ClientTransaction& t : command.transactions) {
      Json transaction = Json::object();
      PutText(transaction, "app_id", t.app_id);
      PutText(transaction, "user_key", t.user_key);
      if (!t.usage.empty()) transaction["usage"] = ParamObject(t.usage);
      PutText(transaction, "timestamp", t.timestamp);
      if (!t.log.empty()) transaction["log"] = ParamObject(t.log);
      transactions.push_back(std::move(transaction));
    }
    json["transactions"] = std::move(transactions);
  }
  // Invalid UTF-8 cannot be JSON text; the caller checks values first, and
  // anything left is replaced rather than thrown.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

core::Result<ClientResult> ParseResultLine(const std::string& line) {
  const Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return core::Status::InvalidArgument("not a JSON object: '" +
                                         Abbreviated(line) + "'");
  }
  if (json.contains("adapter_error")) {
    return core::Status::InvalidArgument(
        "adapter error: " + TextOf(json["adapter_error"]).value_or("(null)"));
  }
  ClientResult result;
  result.line = line;
  if (json.contains("exception")) {
    result.exception = TextOf(json["exception"]).value_or("(null)");
    return result;
  }
  auto bad = [](const std::string& what) {
    return core::Status::InvalidArgument("bad result: " + what);
  };
  if (json.contains("ok")) {
    if (!json["ok"].is_boolean()) return bad("ok must be true or false");
    result.ok = json["ok"].get<bool>();
  }
  if (json.contains("http_status") && !json["http_status"].is_null()) {
    const Json& status = json["http_status"];
    if (status.is_number_integer()) {
      result.http_status = status.get<int>();
    } else if (status.is_string() && !status.get<std::string>().empty() &&
               status.get<std::string>().size() <= 3 &&
               status.get<std::string>().find_first_not_of("0123456789") ==
                   std::string::npos) {
      result.http_status = std::stoi(status.get<std::string>());
    } else {
      return bad("http_status must be a number, got " + status.dump());
    }
  }
  for (auto [key, field] : {std::pair{"error_code", &result.error_code},
                            std::pair{"reason", &result.reason},
                            std::pair{"error_message", &result.error_message},
                            std::pair{"plan", &result.plan}}) {
    if (json.contains(key)) *field = TextOf(json[key]);
  }
  if (json.contains("usage_reports") && !json["usage_reports"].is_null()) {
    if (!json["usage_reports"].is_array())
      return bad("usage_reports must be a list");
    for (const Json& r : json["usage_reports"]) {
      if (!r.is_object()) return bad("each usage report must be an object");
      ClientUsageReport report;
      report.metric =
          r.contains("metric") ? TextOf(r["metric"]).value_or("") : "";
      report.period =
          r.contains("period") ? TextOf(r["period"]).value_or("") : "";
      for (auto [key, field] :
           {std::pair{"current_value", &report.current_value},
            std::pair{"max_value", &report.max_value},
            std::pair{"period_start", &report.period_start},
            std::pair{"period_end", &report.period_end}}) {
        if (r.contains(key)) *field = TextOf(r[key]);
      }
      if (r.contains("exceeded") && r["exceeded"].is_boolean()) {
        report.exceeded = r["exceeded"].get<bool>();
      }
      result.usage_reports.push_back(std::move(report));
    }
  }
  return result;
}

// The running process and our ends of its standard streams.
struct ClientAdapter::Process {
  pid_t pid = -1;
  int in = -1;     // Its stdin.
  int out = -1;    // Its stdout.
  int err = -1;    // Its stderr; -1 once it ended.
  int pidfd = -1;  // Readable when it exits; -1 where the kernel has none.

  ~Process() {
    CloseFd(in);
    CloseFd(out);
    CloseFd(err);
    CloseFd(pidfd);
  }
};

ClientAdapter::ClientAdapter(ClientAdapterOptions options, core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

ClientAdapter::~ClientAdapter() { Stop(); }

core::Result<std::unique_ptr<ClientAdapter>> ClientAdapter::Start(
    const ClientAdapterOptions& options, core::Clock& clock) {
  assert(!options.command.empty());
  std::unique_ptr<ClientAdapter> adapter(new ClientAdapter(options, clock));
  if (core::Status s = adapter->Spawn(); !s.ok()) return s;
  return adapter;
}

core::Status ClientAdapter::Spawn() {
  assert(process_ == nullptr);
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  auto close_all = [&] {
    for (int* pair : {in, out, err}) {
      CloseFd(pair[0]);
      CloseFd(pair[1]);
    }
  };
  if (!SocketPair(in) || !SocketPair(out) || !SocketPair(err)) {
    const int error = errno;
    close_all();
    return core::Status::Unavailable("cannot start the adapter: socketpair: " +
                                     ErrnoText(error));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[1], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  // Nothing else of the harness's (the embedded mock's sockets among them)
  // leaks into the adapter, close-on-exec or not.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A process group of its own, so that Stop() also ends what the shell
  // started (`sh -c "node adapter.js"` may fork rather than exec); no
  // blocked signals, and the default action for the ones a harness thread
  // may have blocked or ignored.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP |
                                            POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD})
    sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attributes, &defaults);

  std::vector<std::string> env = AdapterEnvironment(options_);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "sh";
  std::string dash_c = "-c";
  std::string command = options_.command;
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};

  pid_t pid = -1;
  const int spawned =
      ::posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  CloseFd(in[1]);
  CloseFd(out[1]);
  CloseFd(err[1]);
  if (spawned != 0) {
    close_all();
    return core::Status::Unavailable("cannot start the adapter: /bin/sh: " +
                                     ErrnoText(spawned));
  }
  process_ = std::make_unique<Process>();
  process_->pid = pid;
  process_->in = in[0];
  process_->out = out[0];
  process_->err = err[0];
  process_->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  stdout_buffer_.clear();
  return core::Status();
}

void ClientAdapter::Stop() {
  if (process_ == nullptr) return;
  CloseFd(process_->in);
  ::kill(-process_->pid, SIGKILL);
  int status = 0;
  WaitFor(process_->pid, &status);
  process_.reset();
}

core::Status ClientAdapter::Restart() {
  Stop();
  return Spawn();
}

void ClientAdapter::KeepStderr(const char* data, size_t size) {
  stderr_tail_.append(data, size);
  if (stderr_tail_.size() > options_.stderr_bytes) {
    stderr_tail_.erase(0, stderr_tail_.size() - options_.stderr_bytes);
  }
}

std::string ClientAdapter::StderrTail(size_t lines) const {
  // Non-blank lines, newest first, trimmed.
  std::vector<std::string> newest_first;
  size_t end = stderr_tail_.size();
  while (end > 0) {
    const size_t newline = stderr_tail_.rfind('\n', end - 1);
    const size_t start = newline == std::string::npos ? 0 : newline + 1;
    std::string line = stderr_tail_.substr(start, end - start);
    while (!line.empty() &&
           (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos) newest_first.push_back(line.substr(first));
    if (newline == std::string::npos) break;
    end = newline;
  }
  std::vector<std::string> kept(
      newest_first.begin(),
      newest_first.begin() +
          static_cast<std::ptrdiff_t>(std::min(lines, newest_first.size())));
  std::reverse(kept.begin(), kept.end());
  // Runtimes print an error and then a stack trace or a banner: the newest
  // line that names an error comes first when it is older than the tail.
  for (size_t i = kept.size(); i < newest_first.size(); ++i) {
    const std::string& line = newest_first[i];
    if (line.find("Error") != std::string::npos ||
        line.find("error") != std::string::npos ||
        line.find("Exception") != std::string::npos) {
      kept.insert(kept.begin(), {line, "..."});
      break;
    }
  }
  std::string joined;
  for (const std::string& line : kept)
    joined += (joined.empty() ? "" : " | ") + line;
  return joined;
}

core::Result<ClientResult> ClientAdapter::Send(const ClientCommand& command) {
  core::Result<std::string> line = SendLine(ToJsonLine(command));
  if (!line.ok()) return line.status();
  core::Result<ClientResult> result = ParseResultLine(line.value());
  // After a line that is not a result the conversation cannot be trusted.
  if (!result.ok() &&
      result.status().message().rfind("adapter error: ", 0) != 0) {
    Stop();
  }
  return result;
}

core::Result<std::string> ClientAdapter::SendLine(const std::string& line) {
  if (process_ == nullptr) {
    return core::Status::Unavailable("the adapter is not running");
  }
  const core::MonoTime deadline = clock_.NowMono() + options_.timeout;
  const std::string data = line + "\n";
  size_t sent = 0;
  while (sent < data.size()) {
    // Read stderr while writing: an adapter blocked on a full stderr would
    // never read its stdin.
    pollfd fds[2] = {{process_->in, POLLOUT, 0}, {process_->err, POLLIN, 0}};
    const int ready = ::poll(fds, process_->err >= 0 ? 2 : 1,
                             PollTimeoutMs(clock_, deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0)
      return core::Status::Unavailable("poll: " + ErrnoText(errno));
    if (ready == 0) break;
    if (process_->err >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char chunk[4096];
      const ssize_t n =
          ::recv(process_->err, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) KeepStderr(chunk, static_cast<size_t>(n));
      if (n == 0) CloseFd(process_->err);
    }
    if (fds[0].revents & (POLLOUT | POLLHUP | POLLERR)) {
      const ssize_t n = ::send(process_->in, data.data() + sent,
                               data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && errno != EINTR && errno != EAGAIN &&
                 errno != EWOULDBLOCK) {
        return Ended(deadline);  // EPIPE or ECONNRESET: it is gone.
      }
    }
  }
  if (sent < data.size()) {
    Stop();
    return core::Status::Unavailable(
        "the adapter did not read its command within " +
        std::to_string(options_.timeout.count()) + " ms (stopped it)" +
        (StderrTail().empty() ? "" : ": " + StderrTail()));
  }
  return ReadLine(deadline);
}

core::Result<std::string> ClientAdapter::ReadLine(core::MonoTime deadline) {
  for (;;) {
    const size_t newline = stdout_buffer_.find('\n');
    // The limit holds whether the line came in one read or many.
    const size_t line_length =
        newline == std::string::npos ? stdout_buffer_.size() : newline;
    if (line_length > options_.max_line_bytes) {
      Stop();
      return core::Status::InvalidArgument(
          "not a JSON object: a result line longer than " +
          std::to_string(options_.max_line_bytes) + " bytes");
    }
    if (newline != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, newline);
      stdout_buffer_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      ++answered_;
      return line;
    }
    pollfd fds[2] = {{process_->out, POLLIN, 0}, {process_->err, POLLIN, 0}};
    const int ready = ::poll(fds, process_->err >= 0 ? 2 : 1,
                             PollTimeoutMs(clock_, deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0)
      return core::Status::Unavailable("poll: " + ErrnoText(errno));
    if (ready == 0) {
      Stop();
      const std::string tail = StderrTail();
      return core::Status::Unavailable(
          "no result from the adapter within " +
          std::to_string(options_.timeout.count()) + " ms (stopped it)" +
          (tail.empty() ? "" : ": " + tail));
    }
    char chunk[8192];
    if (process_->err >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const ssize_t n =
          ::recv(process_->err, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) KeepStderr(chunk, static_cast<size_t>(n));
      if (n == 0) CloseFd(process_->err);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n =
          ::recv(process_->out, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) {
        stdout_buffer_.append(chunk, static_cast<size_t>(n));
      } else if (n == 0 ||
                 (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        return Ended(deadline);
      }
    }
  }
}

core::Status ClientAdapter::Ended(core::MonoTime deadline) {
  // Its last words come on stderr: read them to the end, but not for long
  // (a grandchild may hold stderr open).
  const core::MonoTime grace =
      std::min(deadline, clock_.NowMono() + std::chrono::milliseconds(1000));
  while (process_->err >= 0) {
    pollfd p{process_->err, POLLIN, 0};
    const int ready = ::poll(&p, 1, PollTimeoutMs(clock_, grace));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[4096];
    const ssize_t n = ::recv(process_->err, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      KeepStderr(chunk, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      CloseFd(process_->err);
    }
  }
  // Closing stdout usually means exiting; wait for the exit (the pidfd turns
  // readable) so that the status is its own and not our SIGKILL's.
  bool exited = false;
  if (process_->pidfd >= 0) {
    for (;;) {
      pollfd p{process_->pidfd, POLLIN, 0};
      const int ready = ::poll(&p, 1, PollTimeoutMs(clock_, grace));
      if (ready < 0 && errno == EINTR) continue;
      exited = ready > 0;
      break;
    }
  }
  const pid_t pid = process_->pid;
  CloseFd(process_->in);
  ::kill(-pid, SIGKILL);  // What it left behind in its group.
  int status = 0;
  WaitFor(pid, &status);
  process_.reset();
  std::string message = DescribeWaitStatus(status);
  if (!exited && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    message = "adapter closed its stdout without exiting (stopped it)";
  }
  const std::string tail = StderrTail();
  return core::Status::Unavailable(message + (tail.empty() ? "" : ": " + tail));
}

}  // namespace scalecheck::harness
