#include "harness/load_engine.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

namespace scalecheck::harness {

// ---- Results -------------------------------------------------------------

const char* ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAuthorized:
      return "authorized";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kError:
      return "error";
    case Outcome::kServerError:
      return "5xx";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kConnectionError:
      return "connection_error";
    case Outcome::kOther:
      return "other";
  }
  return "other";
}

bool IsFailure(Outcome outcome) {
  return outcome != Outcome::kAuthorized && outcome != Outcome::kDenied;
}

int64_t LoadResult::Count(Outcome outcome) const {
  int64_t n = 0;
  for (const OutcomeCount& c : outcomes) {
    if (c.outcome == outcome) n += c.count;
  }
  return n;
}

int64_t LoadResult::failures() const {
  int64_t n = dropped;
  for (const OutcomeCount& c : outcomes) {
    if (IsFailure(c.outcome)) n += c.count;
  }
  return n;
}

double LoadResult::achieved_rate_per_s() const {
  const double s = std::chrono::duration<double>(duration).count();
  return s > 0 ? static_cast<double>(sent_in_window) / s : 0;
}

double LoadResult::answered_rate_per_s() const {
  const double s = std::chrono::duration<double>(elapsed).count();
  return s > 0 ? static_cast<double>(answered) / s : 0;
}

double LoadResult::error_rate() const {
  return scheduled > 0
             ? static_cast<double>(failures()) / static_cast<double>(scheduled)
             : 0;
}

// ---- Engine ---------------------------------------------------------------

namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kReadChunk = 64 * 1024;
constexpr auto kLateAfter = milliseconds(1);
// How long a connection that could not be opened waits before the next try.
constexpr auto kReconnectBackoff = milliseconds(100);

// strerror() in our message style ("connection refused"), thread-safe.
std::string ErrnoText(int error) {
  char buffer[128];
  std::string text = ::strerror_r(error, buffer, sizeof buffer);  // GNU's.
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// An incremental HTTP/1.1 response parser over a connection's input buffer:
// status line, the few headers the engine needs, and a Content-Length,
// chunked or close-delimited body. Keeps the body only when it must read
// the <error code="..."> of a 4xx.
class ResponseParser {
 public:
  enum class Step { kNeedMore, kComplete, kError };

  void Reset() { *this = ResponseParser(); }

  // Parses what `in` holds; `eof`: the peer closed. On kComplete the
  // response is in_[0, consumed()).
  Step Parse(const std::string& in, bool eof) {
    while (true) {
      switch (state_) {
        case State::kHead: {
          const size_t from = scan_ > 3 ? scan_ - 3 : 0;
          const size_t end = in.find("\r\n\r\n", from);
          if (end == std::string::npos) {
            scan_ = in.size();
            if (in.size() - start_ > kMaxHeadBytes || eof) return Step::kError;
            return Step::kNeedMore;
          }
          if (!ParseHead(std::string_view(in).substr(start_, end - start_))) {
            return Step::kError;
          }
          pos_ = end + 4;
          if (status_ / 100 == 1) {  // Interim: the real answer follows.
            start_ = scan_ = pos_;
            continue;
          }
          keep_body_ = status_ >= 400 && status_ < 500 && status_ != 409;
          if (status_ == 204 || status_ == 304) return Done();
          if (chunked_) {
            state_ = State::kChunkSize;
          } else if (length_) {
            remaining_ = *length_;
            state_ = State::kBody;
          } else {
            state_ = State::kUntilClose;
          }
          break;
        }
        case State::kBody:
        case State::kChunkData: {
          const size_t take = std::min(in.size() - pos_, remaining_);
          if (keep_body_ && body_.size() < kMaxHeadBytes) {
            body_.append(in, pos_, take);
          }
          pos_ += take;
          remaining_ -= take;
          if (remaining_ > 0) return eof ? Step::kError : Step::kNeedMore;
          if (state_ == State::kBody) return Done();
          state_ = State::kChunkEnd;
          break;
        }
        case State::kChunkEnd:
          if (in.size() - pos_ < 2) return eof ? Step::kError : Step::kNeedMore;
          if (in.compare(pos_, 2, "\r\n") != 0) return Step::kError;
          pos_ += 2;
          state_ = State::kChunkSize;
          break;
        case State::kChunkSize: {
          const size_t line_end = in.find("\r\n", pos_);
          if (line_end == std::string::npos) {
            return eof || in.size() - pos_ > 1024 ? Step::kError
                                                  : Step::kNeedMore;
          }
          size_t size = 0;
          const char* first = in.data() + pos_;
          const auto [end, ec] =
              std::from_chars(first, in.data() + line_end, size, 16);
          if (ec != std::errc() || end == first) return Step::kError;
          pos_ = line_end + 2;
          if (size == 0) {
            state_ = State::kTrailer;
          } else {
            remaining_ = size;
            state_ = State::kChunkData;
          }
          break;
        }
        case State::kTrailer: {
          const size_t line_end = in.find("\r\n", pos_);
          if (line_end == std::string::npos) {
            return eof ? Step::kError : Step::kNeedMore;
          }
          const bool last = line_end == pos_;
          pos_ = line_end + 2;
          if (last) return Done();
          break;
        }
        case State::kUntilClose:
          if (!eof) return Step::kNeedMore;
          if (keep_body_) body_.append(in, pos_, std::string::npos);
          pos_ = in.size();
          close_ = true;
          return Done();
      }
    }
  }

  int status() const { return status_; }
  bool close() const { return close_; }
  size_t consumed() const { return pos_; }
  const std::string& rejection_reason() const { return rejection_reason_; }
  const std::string& error_code() const { return error_code_; }

 private:
  enum class State {
    kHead,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailer,
    kUntilClose
  };

  bool ParseHead(std::string_view head) {
    // "HTTP/1.1 200 OK"
    if (head.size() < 12 || !head.starts_with("HTTP/1.")) return false;
    int status = 0;
    for (size_t i = 9; i < 12; ++i) {
      if (head[i] < '0' || head[i] > '9') return false;
      status = status * 10 + (head[i] - '0');
    }
    status_ = status;
    length_.reset();
    chunked_ = false;
    close_ = head.starts_with("HTTP/1.0");
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
      const size_t start = pos + 2;
      const size_t end = head.find("\r\n", start);
      const std::string_view line = head.substr(
          start, (end == std::string_view::npos ? head.size() : end) - start);
      pos = end;
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view name = line.substr(0, colon);
      const std::string_view value = Trim(line.substr(colon + 1));
      if (EqualsLower(name, "content-length")) {
        size_t n = 0;
        const auto [p, ec] =
            std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || p != value.data() + value.size()) return false;
        length_ = n;
      } else if (EqualsLower(name, "transfer-encoding")) {
        chunked_ = value.find("chunked") != std::string_view::npos;
      } else if (EqualsLower(name, "connection")) {
        if (EqualsLower(value, "close")) close_ = true;
      } else if (EqualsLower(name, "3scale-rejection-reason")) {
        rejection_reason_.assign(value);
      }
    }
    return true;
  }

  Step Done() {
    if (keep_body_) {
      // <error code="application_not_found">...: only the attribute.
      const size_t at = body_.find("code=\"");
      if (at != std::string::npos) {
        const size_t end = body_.find('"', at + 6);
        if (end != std::string::npos && end - at - 6 <= 128) {
          error_code_ = body_.substr(at + 6, end - at - 6);
        }
      }
    }
    return Step::kComplete;
  }

  State state_ = State::kHead;
  size_t start_ = 0;  // Start of the current head.
  size_t scan_ = 0;   // Where the search for the head's end resumes.
  size_t pos_ = 0;
  size_t remaining_ = 0;
  int status_ = 0;
  std::optional<size_t> length_;
  bool chunked_ = false;
  bool close_ = false;
  bool keep_body_ = false;
  std::string body_;
  std::string rejection_reason_;
  std::string error_code_;
};

// Per-second rows, merged from every thread's partial rows: a second is
// final once every thread has moved past it. Holds the open seconds only
// (a handful of 2-digit histograms), so memory stays flat. Thread-safe.
class SeriesAggregator {
 public:
  struct Partial {
    SecondRow row;
    Histogram latency{2};
    bool empty() const {
      return row.sent == 0 && row.answered == 0 && row.failed == 0 &&
             row.late == 0;
    }
  };

  // `progress`, if set, is called (under the lock: it must be quick) each
  // time seconds become final, with the figures up to the last of them.
  SeriesAggregator(int threads, std::chrono::nanoseconds duration,
                   std::function<void(const LoadProgress&)> progress)
      : current_(static_cast<size_t>(threads), 0),
        duration_(duration),
        progress_(std::move(progress)) {}

  void Flush(const Partial& partial) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, inserted] = open_.try_emplace(partial.row.second);
    Partial& open = it->second;
    open.row.second = partial.row.second;
    Add(open.row, partial.row);
    open.latency.Merge(partial.latency);
    so_far_.Merge(partial.latency);
  }

  // Thread `thread` has reached `second`: seconds before every thread's
  // are final.
  void Advance(int thread, int64_t second) {
    std::lock_guard<std::mutex> lock(mutex_);
    current_[static_cast<size_t>(thread)] = second;
    const int64_t lowest = *std::min_element(current_.begin(), current_.end());
    const size_t before = rows_.size();
    while (!open_.empty() && open_.begin()->first < lowest) {
      Finalize(open_.begin());
    }
    if (progress_ && rows_.size() > before && lowest != kEnd) Report();
  }

  // Advance()'s second for a thread that has finished.
  static constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();

  std::vector<SecondRow> Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!open_.empty()) Finalize(open_.begin());
    return std::move(rows_);
  }

 private:
  // The progress up to the last final second: its rate is that second's.
  void Report() {
    LoadProgress p;
    p.elapsed = std::chrono::seconds(rows_.size());
    p.duration = duration_;
    for (const SecondRow& row : rows_) {
      p.sent += row.sent;
      p.answered += row.answered;
      p.failed += row.failed;
    }
    p.rate_per_s = static_cast<double>(rows_.back().sent);
    p.p50_us = so_far_.ValueAtPercentile(50);
    p.p99_us = so_far_.ValueAtPercentile(99);
    progress_(p);
  }

  static void Add(SecondRow& to, const SecondRow& from) {
    to.sent += from.sent;
    to.answered += from.answered;
    to.authorized += from.authorized;
    to.denied += from.denied;
    to.failed += from.failed;
    to.late += from.late;
  }

  void Finalize(std::map<int64_t, Partial>::iterator it) {
    // Seconds without any event still get a row, so the series has no gaps.
    while (static_cast<int64_t>(rows_.size()) < it->first) {
      SecondRow empty;
      empty.second = static_cast<int64_t>(rows_.size());
      rows_.push_back(empty);
    }
    SecondRow row = it->second.row;
    row.p50_us = it->second.latency.ValueAtPercentile(50);
    row.p99_us = it->second.latency.ValueAtPercentile(99);
    row.max_us = it->second.latency.Max();
    if (static_cast<int64_t>(rows_.size()) == row.second) {
      rows_.push_back(row);
    }
    open_.erase(it);
  }

  mutable std::mutex mutex_;
  std::vector<int64_t> current_;     // Guarded by mutex_.
  std::map<int64_t, Partial> open_;  // Guarded by mutex_.
  std::vector<SecondRow> rows_;      // Guarded by mutex_.
  Histogram so_far_{2};              // Guarded by mutex_.
  const std::chrono::nanoseconds duration_;
  const std::function<void(const LoadProgress&)> progress_;
};

struct PeriodKey {
  uint32_t app = 0;
  uint32_t limit = 0;
  int64_t start_s = 0;
  bool operator==(const PeriodKey&) const = default;
};

struct PeriodKeyHash {
  size_t operator()(const PeriodKey& k) const {
    uint64_t h = (uint64_t{k.app} << 32) ^ k.limit;
    h ^= static_cast<uint64_t>(k.start_s) * 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

// What every thread shares: read-only inputs, the start gate, and the
// usage sums (atomics: threads add to the same application's counters).
struct Shared {
  Shared(const Workload& w, const Schedule& s, const LoadEngineOptions& o,
         core::Clock& c, int thread_count)
      : workload(w),
        schedule(s),
        options(o),
        clock(c),
        threads(thread_count),
        authorized(w.slot_count()),
        uncertain(w.slot_count()),
        series(thread_count, s.duration(), o.progress) {}

  const Workload& workload;
  const Schedule& schedule;
  const LoadEngineOptions& options;
  core::Clock& clock;
  const int threads;
  sockaddr_storage address{};
  socklen_t address_length = 0;
  uint64_t key = 0;

  std::mutex mutex;
  std::condition_variable changed;
  int ready = 0;           // Guarded by mutex.
  bool go = false;         // Guarded by mutex.
  bool abort = false;      // Guarded by mutex.
  core::MonoTime start{};  // Written before `go`.

  std::vector<std::atomic<int64_t>> authorized;
  std::vector<std::atomic<int64_t>> uncertain;
  SeriesAggregator series;
};

// One engine thread: its connections, every `threads`-th send of the
// schedule from `index`, and its own aggregates.
class Worker {
 public:
  Worker(Shared& shared, int index, int connections)
      : shared_(shared),
        workload_(shared.workload),
        clock_(shared.clock),
        index_(index),
        conns_(static_cast<size_t>(connections)) {}
  ~Worker() {
    for (Conn& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    if (epoll_ >= 0) ::close(epoll_);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Run() {
    // Timer slack of 1 µs instead of 50: pacing at 50 µs intervals needs it.
    ::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    const int connected = epoll_ >= 0 ? ConnectAll() : 0;
    {
      std::unique_lock<std::mutex> lock(shared_.mutex);
      connected_ = connected;
      ++shared_.ready;
      shared_.changed.notify_all();
      shared_.changed.wait(lock,
                           [this] { return shared_.go || shared_.abort; });
      if (shared_.abort) return;
    }
    Loop();
  }

  int connected() const { return connected_; }
  const std::string& connect_error() const { return connect_error_; }

  // Aggregates, read after the thread ended.
  Histogram corrected{3};
  Histogram uncorrected{3};
  int64_t sent = 0;
  int64_t sent_in_window = 0;
  int64_t answered = 0;
  int64_t late = 0;
  int64_t dropped = 0;
  int max_in_flight = 0;
  core::MonoTime last_event{};
  std::map<std::pair<Outcome, std::string>, int64_t> outcomes;
  int64_t authorized_count = 0;  // Outcome::kAuthorized without a detail.
  std::unordered_map<PeriodKey, int64_t, PeriodKeyHash> period_usage;
  int64_t ambiguous = 0;

 private:
  enum class State { kClosed, kConnecting, kIdle, kBusy };
  struct Conn {
    int fd = -1;
    State state = State::kClosed;
    core::MonoTime deadline{};  // kConnecting and kBusy.
    core::MonoTime retry_at{};  // kClosed after a failed connect.
    uint32_t events = 0;        // Registered with epoll.
    // Bumped for each socket, so that an event still queued for a closed
    // socket is not taken for its successor's.
    uint32_t generation = 0;
    std::string out;
    size_t out_done = 0;
    std::string in;
    ResponseParser parser;
    // The request in flight (kBusy).
    int64_t request = -1;
    core::MonoTime intended{};
    core::MonoTime sent{};
    bool wrote_any = false;
    Workload::Draw draw;
  };

  // ---- Connections ----

  // Starts a non-blocking connect. False when it failed at once.
  bool StartConnect(Conn& c, core::MonoTime now) {
    c.fd = ::socket(shared_.address.ss_family,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
      connect_error_ = ErrnoText(errno);
      c.retry_at = now + kReconnectBackoff;
      return false;
    }
    const int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.in.clear();
    c.out.clear();
    c.out_done = 0;
    const int rc =
        ::connect(c.fd, reinterpret_cast<const sockaddr*>(&shared_.address),
                  shared_.address_length);
    if (rc != 0 && errno != EINPROGRESS) {
      connect_error_ = ErrnoText(errno);
      ::close(c.fd);
      c.fd = -1;
      c.retry_at = now + kReconnectBackoff;
      return false;
    }
    c.state = rc == 0 ? State::kIdle : State::kConnecting;
    c.events =
        rc == 0 ? (EPOLLIN | EPOLLRDHUP) : (EPOLLOUT | EPOLLIN | EPOLLRDHUP);
    ++c.generation;
    epoll_event ev{};
    ev.events = c.events;
    ev.data.u64 = Tag(c);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    if (c.state == State::kIdle) {
      idle_.push_back(static_cast<int>(&c - conns_.data()));
    } else {
      c.deadline = now + shared_.options.connect_timeout;
      NoteDeadline(c.deadline);
      ++active_;
    }
    return true;
  }

  // The initial connections, before the start: waits (on the sockets, at
  // most connect_timeout) until each is open or failed.
  int ConnectAll() {
    const core::MonoTime now = clock_.NowMono();
    for (Conn& c : conns_) StartConnect(c, now);
    const int bound_ms =
        static_cast<int>(shared_.options.connect_timeout.count());
    epoll_event events[64];
    while (active_ > 0) {
      const int n = ::epoll_wait(epoll_, events, 64, bound_ms);
      if (n <= 0) break;
      for (int i = 0; i < n; ++i) {
        Conn* c = Owner(events[i]);
        if (c != nullptr && c->state == State::kConnecting) {
          FinishConnect(*c, now);
        }
      }
    }
    int open = 0;
    for (Conn& c : conns_) {
      if (c.state == State::kConnecting) {
        connect_error_ =
            "timed out after " +
            std::to_string(shared_.options.connect_timeout.count()) + " ms";
        Close(c);
        --active_;
      }
      if (c.state == State::kIdle) ++open;
    }
    return open;
  }

  void FinishConnect(Conn& c, core::MonoTime now) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    --active_;
    if (error != 0) {
      connect_error_ = ErrnoText(error);
      Close(c);
      c.retry_at = now + kReconnectBackoff;
      return;
    }
    c.state = State::kIdle;
    SetEvents(c, EPOLLIN | EPOLLRDHUP);
    idle_.push_back(static_cast<int>(&c - conns_.data()));
  }

  void SetEvents(Conn& c, uint32_t events) {
    if (c.events == events) return;
    c.events = events;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = Tag(c);
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  uint64_t Tag(const Conn& c) const {
    return (uint64_t{c.generation} << 32) |
           static_cast<uint64_t>(&c - conns_.data());
  }

  // The connection an event is for, or nullptr if its socket is gone.
  Conn* Owner(const epoll_event& event) {
    Conn& c = conns_[static_cast<size_t>(event.data.u64 & 0xffffffffU)];
    if (c.fd < 0 ||
        c.generation != static_cast<uint32_t>(event.data.u64 >> 32)) {
      return nullptr;
    }
    return &c;
  }

  void Close(Conn& c) {
    if (c.fd >= 0) {
      ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
    }
    if (c.state == State::kIdle) {
      const int me = static_cast<int>(&c - conns_.data());
      idle_.erase(std::remove(idle_.begin(), idle_.end(), me), idle_.end());
    }
    c.fd = -1;
    c.state = State::kClosed;
    c.events = 0;
    c.in.clear();
    c.parser.Reset();
  }

  // Closes after an answer or a failure and opens again at once.
  void Recycle(Conn& c, core::MonoTime now) {
    Close(c);
    StartConnect(c, now);
  }

  void NoteDeadline(core::MonoTime deadline) {
    earliest_deadline_ = std::min(earliest_deadline_, deadline);
  }

  // ---- Requests ----

  // Sends request `request` on idle connection `c`. False when nothing could
  // be written (the connection was closed under us): the request is still
  // unsent.
  bool Send(Conn& c, int64_t request, core::MonoTime intended) {
    workload_.DrawRequest(shared_.key, request, c.draw);
    c.out.clear();
    workload_.Render(c.draw, c.out, scratch_);
    c.out_done = 0;
    c.parser.Reset();
    c.in.clear();
    const core::MonoTime now = clock_.NowMono();
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      Recycle(c, now);
      return false;
    }
    c.out_done = n > 0 ? static_cast<size_t>(n) : 0;
    c.wrote_any = n > 0;
    c.request = request;
    c.intended = intended;
    c.sent = now;
    c.state = State::kBusy;
    c.deadline = now + shared_.options.timeout;
    NoteDeadline(c.deadline);
    ++active_;
    max_in_flight = std::max(max_in_flight, active_);
    idle_.pop_back();
    if (c.out_done < c.out.size()) {
      SetEvents(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    }
    ++sent;
    if (now < window_end_) ++sent_in_window;
    Partial(now).row.sent++;
    if (now - intended > kLateAfter) {
      ++late;
      Partial(now).row.late++;
    }
    return true;
  }

  void Record(Outcome outcome, std::string detail, core::MonoTime now) {
    if (outcome == Outcome::kAuthorized && detail.empty()) {
      ++authorized_count;  // The common case, without a map lookup.
    } else {
      ++outcomes[{outcome, std::move(detail)}];
    }
    SeriesAggregator::Partial& p = Partial(now);
    if (outcome == Outcome::kAuthorized) ++p.row.authorized;
    if (outcome == Outcome::kDenied) ++p.row.denied;
    if (IsFailure(outcome)) ++p.row.failed;
    last_event = std::max(last_event, now);
  }

  void AddUncertain(const Conn& c) {
    if (!c.wrote_any || !workload_.counts(c.draw)) return;
    workload_.ForEachIncrement(
        c.draw, [this](size_t app, size_t metric, int64_t amount) {
          shared_.uncertain[workload_.Slot(app, metric)].fetch_add(
              amount, std::memory_order_relaxed);
        });
  }

  // A complete response on `c`.
  void Answer(Conn& c, core::MonoTime now) {
    const ResponseParser& r = c.parser;
    const int status = r.status();
    const int64_t corrected_us =
        duration_cast<microseconds>(now - c.intended).count();
    const int64_t uncorrected_us =
        duration_cast<microseconds>(now - c.sent).count();
    corrected.Record(corrected_us);
    uncorrected.Record(uncorrected_us);
    ++answered;
    SeriesAggregator::Partial& p = Partial(now);
    ++p.row.answered;
    p.latency.Record(corrected_us);
    if (status / 100 == 2) {
      Record(Outcome::kAuthorized, "", now);
      Authorized(c, now);
    } else if (status == 409) {
      Record(Outcome::kDenied, r.rejection_reason(), now);
    } else if (status / 100 == 4) {
      Record(Outcome::kError,
             r.error_code().empty() ? std::to_string(status) : r.error_code(),
             now);
    } else if (status / 100 == 5) {
      Record(Outcome::kServerError, std::to_string(status), now);
      AddUncertain(c);
    } else {
      Record(Outcome::kOther, std::to_string(status), now);
      AddUncertain(c);
    }
    --active_;
    c.request = -1;
    const size_t consumed = c.parser.consumed();
    if (r.close() || consumed != c.in.size()) {
      Recycle(c, now);  // Closing, or bytes we did not ask for.
      return;
    }
    c.in.clear();
    c.state = State::kIdle;
    idle_.push_back(static_cast<int>(&c - conns_.data()));
  }

  void Authorized(const Conn& c, core::MonoTime now) {
    workload_.ForEachIncrement(
        c.draw, [this](size_t app, size_t metric, int64_t amount) {
          shared_.authorized[workload_.Slot(app, metric)].fetch_add(
              amount, std::memory_order_relaxed);
        });
    if (!workload_.limited(c.draw)) return;
    // The backend decided somewhere between the send and the answer.
    const auto& options = shared_.options;
    const core::UtcTime low =
        options.anchor_utc +
        std::chrono::floor<milliseconds>(c.sent - options.anchor_mono) -
        options.period_margin;
    const core::UtcTime high =
        options.anchor_utc +
        std::chrono::ceil<milliseconds>(now - options.anchor_mono) +
        options.period_margin;
    const auto& limits = workload_.populations()[c.draw.population].limits;
    bool ambiguous_here = false;
    workload_.ForEachLimitedIncrement(
        c.draw, [&](size_t app, size_t l, int64_t amount) {
          const core::Period period = limits[l].period;
          const core::UtcTime start = InstanceStart(period, low);
          if (InstanceStart(period, high) != start) {
            ambiguous_here = true;
            return;
          }
          const PeriodKey key{
              static_cast<uint32_t>(app), static_cast<uint32_t>(l),
              duration_cast<std::chrono::seconds>(start.time_since_epoch())
                  .count()};
          period_usage[key] += amount;
        });
    if (ambiguous_here) ++ambiguous;
  }

  core::UtcTime InstanceStart(core::Period period, core::UtcTime t) {
    Instance& cached = instances_[static_cast<size_t>(period)];
    if (!cached.valid || t < cached.start || t >= cached.end) {
      cached.start = core::PeriodStart(period, t);
      cached.end = core::PeriodEnd(period, t);
      cached.valid = true;
    }
    return cached.start;
  }

  // The request on `c` failed without a (complete) answer.
  void Fail(Conn& c, Outcome outcome, std::string detail, core::MonoTime now) {
    Record(outcome, std::move(detail), now);
    AddUncertain(c);
    --active_;
    c.request = -1;
    Recycle(c, now);
  }

  // ---- Events ----

  void HandleEvents(const epoll_event* events, int n, core::MonoTime now) {
    for (int i = 0; i < n; ++i) {
      Conn* owner = Owner(events[i]);
      if (owner == nullptr) continue;
      Conn& c = *owner;
      const uint32_t e = events[i].events;
      switch (c.state) {
        case State::kConnecting:
          FinishConnect(c, now);
          break;
        case State::kIdle:
          // Data or a close on an idle connection: the peer is done with it.
          Recycle(c, now);
          break;
        case State::kBusy:
          if ((e & EPOLLOUT) && c.out_done < c.out.size()) WriteMore(c, now);
          if (c.state == State::kBusy &&
              (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
            ReadFrom(c, now);
          }
          break;
        case State::kClosed:
          break;
      }
    }
  }

  void WriteMore(Conn& c, core::MonoTime now) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_done,
                             c.out.size() - c.out_done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      Fail(c, Outcome::kConnectionError, ErrnoText(errno), now);
      return;
    }
    c.out_done += static_cast<size_t>(n);
    c.wrote_any = c.wrote_any || n > 0;
    if (c.out_done == c.out.size()) SetEvents(c, EPOLLIN | EPOLLRDHUP);
  }

  void ReadFrom(Conn& c, core::MonoTime now) {
    bool eof = false;
    while (true) {
      const ssize_t n =
          ::recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
      if (n > 0) {
        c.in.append(read_buffer_.data(), static_cast<size_t>(n));
        if (static_cast<size_t>(n) < read_buffer_.size()) break;
        continue;
      }
      if (n == 0) {
        eof = true;
        break;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      Fail(c, Outcome::kConnectionError, ErrnoText(errno), now);
      return;
    }
    switch (c.parser.Parse(c.in, eof)) {
      case ResponseParser::Step::kComplete:
        Answer(c, now);
        return;
      case ResponseParser::Step::kError:
        if (c.in.empty()) {
          Fail(c, Outcome::kConnectionError, "closed before the answer", now);
        } else {
          Fail(c, Outcome::kOther, "malformed response", now);
        }
        return;
      case ResponseParser::Step::kNeedMore:
        if (eof) {
          Fail(c, Outcome::kConnectionError, "closed before the answer", now);
        }
        return;
    }
  }

  void Expire(core::MonoTime now) {
    earliest_deadline_ = core::MonoTime::max();
    for (Conn& c : conns_) {
      if (c.state == State::kBusy) {
        if (c.deadline <= now) {
          Fail(c, Outcome::kTimeout,
               std::to_string(shared_.options.timeout.count()) + " ms", now);
        } else {
          NoteDeadline(c.deadline);
        }
      } else if (c.state == State::kConnecting) {
        if (c.deadline <= now) {
          connect_error_ = "connect timed out";
          --active_;
          Close(c);
          c.retry_at = now + kReconnectBackoff;
        } else {
          NoteDeadline(c.deadline);
        }
      }
    }
  }

  // ---- The loop ----

  SeriesAggregator::Partial& Partial(core::MonoTime t) {
    const int64_t second =
        duration_cast<std::chrono::seconds>(t - start_).count();
    if (second != partial_.row.second) MoveToSecond(second);
    return partial_;
  }

  void MoveToSecond(int64_t second) {
    if (second < partial_.row.second) return;  // A stale time; keep the row.
    if (!partial_.empty()) shared_.series.Flush(partial_);
    partial_.row = SecondRow();
    partial_.row.second = second;
    partial_.latency.Reset();
    shared_.series.Advance(index_, second);
  }

  // Due work that no connection can take: every connection is closed and
  // waiting to retry (the target is down). Such requests fail at their
  // time instead of piling up.
  bool AllDown() const { return idle_.empty() && active_ == 0; }

  void ReopenDue(core::MonoTime now) {
    for (Conn& c : conns_) {
      if (c.state == State::kClosed && c.retry_at <= now) StartConnect(c, now);
    }
  }

  core::MonoTime NextRetry() const {
    core::MonoTime next = core::MonoTime::max();
    for (const Conn& c : conns_) {
      if (c.state == State::kClosed) next = std::min(next, c.retry_at);
    }
    return next;
  }

  void Loop() {
    const Schedule& schedule = shared_.schedule;
    const auto& options = shared_.options;
    start_ = shared_.start;
    window_end_ = start_ + schedule.duration();
    const core::MonoTime send_end = window_end_ + options.timeout;
    const int64_t total = schedule.size();
    const int64_t step = shared_.threads;
    int64_t next = index_;
    auto due_at = [&](int64_t i) { return start_ + schedule.SendTime(i); };
    core::MonoTime next_due =
        next < total ? due_at(next) : core::MonoTime::max();
    partial_.row.second = 0;
    std::array<epoll_event, 256> events;
    while (true) {
      core::MonoTime now = clock_.NowMono();
      Partial(now);
      if (now >= earliest_deadline_) Expire(now);
      bool sending = next < total && now < send_end;
      if (sending && next_due <= now && idle_.empty()) ReopenDue(now);
      while (sending && next_due <= now) {
        if (idle_.empty()) {
          if (!AllDown()) break;
          Record(Outcome::kConnectionError, connect_error_, now);
        } else if (!Send(conns_[static_cast<size_t>(idle_.back())], next,
                         next_due)) {
          continue;
        }
        next += step;
        next_due = next < total ? due_at(next) : core::MonoTime::max();
        sending = next < total;
      }
      if (!sending && active_ == 0) break;

      core::MonoTime wake = earliest_deadline_;
      if (sending) {
        if (!idle_.empty()) wake = std::min(wake, next_due);
        if (idle_.empty() && active_ == 0) wake = std::min(wake, NextRetry());
        wake = std::min(wake, send_end);
      }
      if (options.progress) {  // Every thread moves on each second.
        wake = std::min(wake,
                        start_ + std::chrono::seconds(partial_.row.second + 1));
      }
      Wait(now, wake, events.data(), static_cast<int>(events.size()));
    }
    if (next < total) dropped = (total - 1 - next) / step + 1;
    if (!partial_.empty()) shared_.series.Flush(partial_);
    shared_.series.Advance(index_, SeriesAggregator::kEnd);
    for (Conn& c : conns_) Close(c);
  }

  // Waits for socket events until `wake` at the latest. With nothing in
  // flight there is nothing to hear: sleep on the clock. Otherwise wait on
  // the sockets, at most max_io_wait, then on the clock for what is left of
  // that slice (nothing, with a real clock).
  void Wait(core::MonoTime now, core::MonoTime wake, epoll_event* events,
            int capacity) {
    if (active_ == 0) {
      if (wake == core::MonoTime::max()) return;
      if (wake > now) clock_.SleepUntil(wake);
      // Closes of idle connections that came meanwhile.
      const int n = ::epoll_wait(epoll_, events, capacity, 0);
      if (n > 0) HandleEvents(events, n, clock_.NowMono());
      return;
    }
    nanoseconds slice = wake > now ? wake - now : nanoseconds(0);
    slice = std::min<nanoseconds>(slice, shared_.options.max_io_wait);
    int n = EpollWait(events, capacity, slice);
    if (n > 0) {
      HandleEvents(events, n, clock_.NowMono());
      return;
    }
    if (slice.count() > 0) clock_.SleepUntil(std::min(wake, now + slice));
  }

  int EpollWait(epoll_event* events, int capacity, nanoseconds timeout) {
    if (use_pwait2_) {
      timespec ts{};
      ts.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
      const int n = ::epoll_pwait2(epoll_, events, capacity, &ts, nullptr);
      if (n >= 0 || errno != ENOSYS) return std::max(n, 0);
      use_pwait2_ = false;  // A kernel before 5.11.
    }
    const auto ms = std::chrono::ceil<milliseconds>(timeout).count();
    return std::max(
        ::epoll_wait(epoll_, events, capacity, static_cast<int>(ms)), 0);
  }

  struct Instance {
    bool valid = false;
    core::UtcTime start{};
    core::UtcTime end{};
  };

  Shared& shared_;
  const Workload& workload_;
  core::Clock& clock_;
  const int index_;
  std::vector<Conn> conns_;
  std::vector<int> idle_;  // Indices of idle connections.
  int active_ = 0;         // Busy or connecting.
  int epoll_ = -1;
  bool use_pwait2_ = true;
  int connected_ = 0;
  std::string connect_error_;
  std::string scratch_;
  std::vector<char> read_buffer_ = std::vector<char>(kReadChunk);
  core::MonoTime start_{};
  core::MonoTime window_end_{};
  core::MonoTime earliest_deadline_ = core::MonoTime::max();
  SeriesAggregator::Partial partial_;
  std::array<Instance, core::kAllPeriods.size()> instances_{};
};

core::Status Resolve(const Endpoint& endpoint, sockaddr_storage& address,
                     socklen_t& length) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int rc =
      ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return core::Status::Unavailable("cannot resolve " + endpoint.host + ": " +
                                     ::gai_strerror(rc));
  }
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  length = found->ai_addrlen;
  ::freeaddrinfo(found);
  return core::Status();
}

}  // namespace

LoadEngine::LoadEngine(const Workload& workload, const Schedule& schedule,
                       LoadEngineOptions options, core::Clock& clock)
    : workload_(workload),
      schedule_(schedule),
      options_(std::move(options)),
      clock_(clock) {}

core::Result<LoadResult> LoadEngine::Run(std::mt19937_64& rng) {
  assert(options_.connections > 0);
  int threads = options_.threads;
  if (threads <= 0) {
    threads =
        std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  threads = std::min(threads, options_.connections);
  Shared shared(workload_, schedule_, options_, clock_, threads);
  if (core::Status s =
          Resolve(options_.endpoint, shared.address, shared.address_length);
      !s.ok()) {
    return s;
  }
  shared.key = rng();

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    const int connections = options_.connections / threads +
                            (i < options_.connections % threads ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(shared, i, connections));
  }
  std::vector<std::thread> running;
  for (auto& w : workers) running.emplace_back([&w] { w->Run(); });
  int connected = 0;
  {
    std::unique_lock<std::mutex> lock(shared.mutex);
    shared.changed.wait(lock, [&] { return shared.ready == threads; });
    for (const auto& w : workers) connected += w->connected();
    if (connected == 0) {
      shared.abort = true;
    } else {
      shared.start = clock_.NowMono();
      shared.go = true;
    }
    shared.changed.notify_all();
  }
  for (std::thread& t : running) t.join();
  if (connected == 0) {
    return core::Status::Unavailable("cannot connect to " +
                                     options_.endpoint.HostPort() + ": " +
                                     workers.front()->connect_error());
  }

  LoadResult result;
  result.threads = threads;
  result.connections = options_.connections;
  result.scheduled = schedule_.size();
  result.duration = schedule_.duration();
  result.intended_rate_per_s = schedule_.mean_rate_per_s();
  std::map<std::pair<Outcome, std::string>, int64_t> outcomes;
  std::unordered_map<PeriodKey, int64_t, PeriodKeyHash> period_usage;
  core::MonoTime last = shared.start;
  for (const auto& w : workers) {
    result.corrected.Merge(w->corrected);
    result.uncorrected.Merge(w->uncorrected);
    result.sent += w->sent;
    result.sent_in_window += w->sent_in_window;
    result.answered += w->answered;
    result.late += w->late;
    result.dropped += w->dropped;
    result.max_in_flight += w->max_in_flight;
    result.ambiguous_period_requests += w->ambiguous;
    last = std::max(last, w->last_event);
    for (const auto& [key, count] : w->outcomes) outcomes[key] += count;
    if (w->authorized_count > 0) {
      outcomes[{Outcome::kAuthorized, ""}] += w->authorized_count;
    }
    for (const auto& [key, usage] : w->period_usage) period_usage[key] += usage;
  }
  result.elapsed = last - shared.start;
  for (const auto& [key, count] : outcomes) {
    result.outcomes.push_back(OutcomeCount{key.first, key.second, count});
  }
  for (const auto& [key, usage] : period_usage) {
    result.period_usage.push_back(
        PeriodUsage{key.app, key.limit, key.start_s, usage});
  }
  std::sort(result.period_usage.begin(), result.period_usage.end(),
            [](const PeriodUsage& a, const PeriodUsage& b) {
              return std::tie(a.app, a.limit, a.start_s) <
                     std::tie(b.app, b.limit, b.start_s);
            });
  result.seconds = shared.series.Finish();
  result.authorized_usage.resize(workload_.slot_count());
  result.uncertain_usage.resize(workload_.slot_count());
  for (size_t i = 0; i < workload_.slot_count(); ++i) {
    result.authorized_usage[i] = shared.authorized[i].load();
    result.uncertain_usage[i] = shared.uncertain[i].load();
  }
  return result;
}

}  // namespace scalecheck::harness
