// harness/client_adapter.h
//
// A client library's adapter process (spec/clients.md, "The client adapter
// protocol"): started as `/bin/sh -c COMMAND` in a process group of its own,
// with the backend's base URL in SCALECHECK_BACKEND_URL, spoken to in JSON
// lines (one command on its stdin, one result on its stdout), its stderr kept
// in a bounded buffer for diagnostics. One command at a time, each with a
// timeout measured on the injected clock. An adapter that exits, hangs or
// answers something else than a result is a Status naming what happened
// (with its last stderr lines), never a crash of the harness. It does not
// interpret results: client_runner.h checks them. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "harness/scenario_basics.h"

namespace scalecheck::harness {

struct ClientAdapterOptions {
  std::string command;      // Run by /bin/sh -c. REQUIRES: not empty.
  std::string backend_url;  // Exported as SCALECHECK_BACKEND_URL.
  // The longest wait for one result, from the moment the command is sent;
  // also exported as SCALECHECK_CLIENT_TIMEOUT_MS so that an adapter can
  // give up on a callback before the harness gives up on the adapter.
  std::chrono::milliseconds timeout{5000};
  size_t stderr_bytes = 16 * 1024;      // The newest stderr bytes kept.
  size_t max_line_bytes = 1024 * 1024;  // A longer result line is an error.
};

// One transaction of a report command.
struct ClientTransaction {
  std::optional<std::string> app_id;
  std::optional<std::string> user_key;
  ParamList usage;  // Metric name -> value text, in order; empty: none.
  std::optional<std::string> timestamp;
  ParamList log;  // {"code", "200"}; empty: none.
};

// One command, as the protocol's JSON object. Absent fields are not sent.
struct ClientCommand {
  // "authorize", "authrep", "oauth_authorize", "oauth_authrep" or "report".
  std::string op;
  std::optional<std::string> service_id;
  std::optional<std::string> provider_key;
  std::optional<std::string> service_token;
  std::optional<std::string> app_id;
  std::optional<std::string> app_key;
  std::optional<std::string> user_key;
  std::optional<std::string> referrer;
  std::optional<std::string> redirect_url;
  std::optional<std::string> redirect_uri;
  ParamList usage;  // Metric name -> value text, in order; empty: none.
  ParamList log;    // log[name] = value; empty: none.
  // "log" as a plain value instead of a hash (log=abc): apisonator crashes
  // on it, so it is how a scenario makes the backend answer 500.
  std::optional<std::string> log_text;
  ParamList extensions;  // The 3scale-options entries; empty: none.
  std::vector<ClientTransaction> transactions;  // "report" only.
};

// One <usage_report> as the client parsed it.
struct ClientUsageReport {
  std::string metric;
  std::string period;
  // Values as text: the protocol allows numbers or strings.
  std::optional<std::string> current_value;
  std::optional<std::string> max_value;
  std::optional<std::string> period_start;
  std::optional<std::string> period_end;
  std::optional<bool> exceeded;  // What the client says, if it says.
};

// What the client made of the answer, or what it threw.
struct ClientResult {
  // Set when the client threw (or never called back); nothing else is then.
  std::optional<std::string> exception;
  bool ok = false;  // The client's own verdict (authorized, or accepted).
  std::optional<int> http_status;
  std::optional<std::string> error_code;
  std::optional<std::string> reason;         // The denial's <reason>.
  std::optional<std::string> error_message;  // The <error> text.
  std::optional<std::string> plan;
  std::vector<ClientUsageReport> usage_reports;
  std::string line;  // The result line as received, for reports.
};

// The protocol's JSON text of `command`, without the newline.
std::string ToJsonLine(const ClientCommand& command);

// Parses one result line. kInvalidArgument "not a JSON object: ..." for a
// line that is not one, "adapter error: MESSAGE" for {"adapter_error":...}
// (the adapter cannot express the command), or "bad result: FIELD ..." for a
// field of the wrong type.
core::Result<ClientResult> ParseResultLine(const std::string& line);

class ClientAdapter {
 public:
  // Starts the adapter. `clock` must outlive the adapter. kUnavailable
  // "cannot start the adapter: ..." when no process could be created; a
  // command that runs but exits at once (sh: not found) is only seen by the
  // first Send().
  static core::Result<std::unique_ptr<ClientAdapter>> Start(
      const ClientAdapterOptions& options, core::Clock& clock);
  // Closes the adapter's stdin, kills its process group and reaps it.
  ~ClientAdapter();
  ClientAdapter(const ClientAdapter&) = delete;
  ClientAdapter& operator=(const ClientAdapter&) = delete;

  // Sends `command` and waits for its result line. Failures:
  // kUnavailable "adapter exited with status N: <last stderr lines>" (or
  // "adapter was killed by signal N: ..."), when it is gone;
  // kUnavailable "no result from the adapter within N ms (stopped it): ...";
  // kInvalidArgument as ParseResultLine(). After kUnavailable, and after a
  // line that is not a result (anything but an adapter error), the process
  // is gone: running() is false and Restart() starts a new one.
  core::Result<ClientResult> Send(const ClientCommand& command);
  // Sends one line as it is (without its newline) and returns the line that
  // comes back, with the failures of Send() but no parsing.
  core::Result<std::string> SendLine(const std::string& line);

  // Stops the current process, if any, and starts a new one.
  core::Status Restart();
  bool running() const { return process_ != nullptr; }
  // Result lines received from every process this adapter started.
  int answered() const { return answered_; }
  const std::string& command() const { return options_.command; }
  // The last `lines` non-blank lines the adapter wrote to stderr (of the
  // bytes kept), joined with " | "; when an older line names an error
  // ("Error", "error", "Exception"), the newest such line comes first,
  // followed by "...": a runtime's error usually precedes its stack trace.
  std::string StderrTail(size_t lines = 5) const;

 private:
  struct Process;
  ClientAdapter(ClientAdapterOptions options, core::Clock& clock);
  core::Status Spawn();
  void Stop();
  // Reads stderr and stdout until a line is complete or `deadline`.
  core::Result<std::string> ReadLine(core::MonoTime deadline);
  // The adapter's stdout ended: reap it and describe how it ended.
  core::Status Ended(core::MonoTime deadline);
  void KeepStderr(const char* data, size_t size);

  ClientAdapterOptions options_;
  core::Clock& clock_;
  std::unique_ptr<Process> process_;
  std::string stdout_buffer_;  // Bytes after the last complete line.
  std::string stderr_tail_;    // At most options_.stderr_bytes.
  int answered_ = 0;
};

}  // namespace scalecheck::harness
