#include "mock_backend/mock_server.h"

#include <condition_variable>
#include <mutex>

#include "core/params.h"
#include "core/service_management.h"
#include "mock_backend/backend_state.h"
#include "mock_backend/control_api.h"
#include "mock_backend/faults.h"
#include "mock_backend/http_server.h"
#include "mock_backend/internal_api.h"
#include "mock_backend/journal.h"

namespace scalecheck::mock_backend {
namespace {

// A Store that lets a request see the real counters but keeps nothing it
// counts: the drop_report fault.
class DroppingStore final : public core::Store {
 public:
  explicit DroppingStore(BackendState& state) : state_(state) {}
  void WithCounters(std::string_view service_id, std::string_view app_id,
                    const std::function<void(core::UsageCounters&)>& fn)
      override {
    core::UsageCounters copy = state_.CountersOf(service_id, app_id);
    fn(copy);
  }
  void LogError(std::string_view service_id,
                core::ErrorLogEntry entry) override {
    state_.LogError(service_id, std::move(entry));
  }
  bool synchronous_reports() const override { return true; }
  void EnqueueReport(core::ReportJob) override {}

 private:
  BackendState& state_;
};

// A top-level parameter's decoded value, or "" (for the journal and faults).
std::string TopLevelParam(const core::ParamHash& params, std::string_view key) {
  const core::ParamValue* v = params.Find(key);
  return v != nullptr && v->is_string() ? v->string() : "";
}

}  // namespace

struct MockServer::Impl {
  Impl(const MockOptions& o, core::Clock& base)
      : options(o),
        clock(base),
        state(o.report_delay),
        journal(o.journal_capacity),
        faults(1),
        internal(state, o.internal_auth),
        control(state, clock, journal, faults, [this] { Flush(); }) {}

  // Applies queued reports that are due (or all of them).
  void ApplyReports(std::vector<core::ReportJob> jobs, core::UtcTime now) {
    if (jobs.empty()) return;
    state.ReadRegistry([&](const core::Registry& registry) {
      for (const core::ReportJob& job : jobs) {
        core::ProcessReportJob(registry, state, job, now);
      }
    });
  }
  void Flush() { ApplyReports(state.TakeAllReports(), clock.NowUtc()); }

  core::HttpResponse Handle(const core::HttpRequest& request) {
    const core::UtcTime now = clock.NowUtc();
    // apisonator's worker applies a report once it is due, whether or not
    // requests come: every request, internal and control ones included, sees
    // the reports due by now.
    if (!state.synchronous_reports()) {
      ApplyReports(state.TakeDueReports(now), now);
    }
    const std::string_view path = request.path();
    if (path.rfind(kControlPrefix, 0) == 0) return control.Handle(request);
    JournalEntry entry;
    entry.at = now;
    entry.endpoint = Journal::EndpointOf(request);
    core::HttpResponse response;
    if (entry.endpoint == "internal") {
      response = internal.Handle(request, now);
    } else {
      core::ParamHash params;
      if (journal.capacity() > 0 || !faults.Rules().empty()) {
        core::ParsedParams parsed = core::ParseNestedQuery(request.query());
        params = std::move(parsed.params);
        entry.service_id = TopLevelParam(params, "service_id");
        entry.app_id = TopLevelParam(params, "app_id");
      }
      std::optional<FaultRule> fault;
      if (!faults.Rules().empty()) {
        RequestFacts facts{entry.endpoint, entry.service_id, entry.app_id, {}};
        if (const core::ParamValue* usage = params.Find("usage");
            usage != nullptr && usage->is_hash()) {
          for (const auto& [name, v] : usage->hash().entries()) {
            facts.metrics.push_back(name);
          }
        }
        fault = faults.Match(facts, now);
      }
      response = Serve(request, now, fault);
    }
    if (journal.capacity() > 0) {
      entry.request = request;
      entry.response = response;
      journal.Record(std::move(entry));
    }
    return response;
  }

  core::HttpResponse Serve(const core::HttpRequest& request,
                           core::UtcTime now,
                           const std::optional<FaultRule>& fault) {
    if (fault) {
      switch (fault->action) {
        case FaultAction::kRespond: {
          core::HttpResponse r;
          r.status = fault->status;
          r.headers.emplace_back("content-type", fault->content_type);
          r.body = fault->body;
          return r;
        }
        case FaultAction::kHang: {
          clock.SleepUntil(clock.NowMono() + fault->delay);
          core::HttpResponse r;
          r.status = 0;  // No answer at all: the listener just closes.
          return r;
        }
        case FaultAction::kDelay:
          clock.SleepUntil(clock.NowMono() + fault->delay);
          break;
        case FaultAction::kDropReport: {
          DroppingStore dropping(state);
          return state.ReadRegistry([&](const core::Registry& registry) {
            return core::HandlePublicRequest(registry, dropping, request, now);
          });
        }
        case FaultAction::kTruncate:
        case FaultAction::kClose:
          break;
      }
    }
    core::HttpResponse response =
        state.ReadRegistry([&](const core::Registry& registry) {
          return core::HandlePublicRequest(registry, state, request, now);
        });
    if (fault && fault->action == FaultAction::kTruncate) {
      response.abort_after_body_bytes = response.body.size() / 2;
    } else if (fault && fault->action == FaultAction::kClose) {
      response.abort_after_body_bytes = 0;
    }
    return response;
  }

  MockOptions options;
  core::VirtualClock clock;
  BackendState state;
  Journal journal;
  FaultSet faults;
  InternalApi internal;
  ControlApi control;
  std::unique_ptr<HttpServer> server;
  int port = 0;
  std::mutex wait_mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;
};

MockServer::MockServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MockServer::~MockServer() { Stop(); }

core::Result<std::unique_ptr<MockServer>> MockServer::Start(
    const MockOptions& options, core::Clock& clock) {
  auto impl = std::make_unique<Impl>(options, clock);
  if (options.start_time) impl->clock.Set(*options.start_time);  // Freezes.
  if (options.frozen) {
    impl->clock.Freeze();
  } else {
    impl->clock.Follow();
  }
  Impl* raw = impl.get();
  impl->server = std::make_unique<HttpServer>(
      HttpServerOptions{options.threads, options.read_timeout_s},
      [raw](const core::HttpRequest& request) { return raw->Handle(request); });
  core::Result<int> port = impl->server->Start(options.host, options.port);
  if (!port.ok()) return port.status();
  impl->port = port.value();
  return std::unique_ptr<MockServer>(new MockServer(std::move(impl)));
}

int MockServer::port() const { return impl_->port; }

std::string MockServer::base_url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

void MockServer::Stop() {
  if (!impl_) return;
  impl_->server->Stop();
  std::lock_guard<std::mutex> lock(impl_->wait_mutex);
  impl_->stopped = true;
  impl_->stopped_cv.notify_all();
}

void MockServer::Wait() {
  std::unique_lock<std::mutex> lock(impl_->wait_mutex);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace scalecheck::mock_backend
