#include "mock_backend/control_api.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "core/base64.h"
#include "core/params.h"
#include "core/period.h"
#include "core/units.h"

namespace scalecheck::mock_backend {
namespace {

using Json = nlohmann::ordered_json;

core::HttpResponse JsonResponse(int status, const Json& body) {
  core::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("content-type", "application/json");
  r.body = body.dump();
  return r;
}

core::HttpResponse JsonError(int status, const std::string& message) {
  return JsonResponse(status, Json{{"status", "error"}, {"error", message}});
}

Json ClockJson(const core::VirtualClock& clock) {
  return Json{{"now", core::FormatIso8601(clock.NowUtc())},
              {"frozen", clock.frozen()}};
}

Json HeadersJson(const core::HeaderList& headers) {
  Json out = Json::object();
  for (const auto& [name, value] : headers) out[name] = value;
  return out;
}

// A body as JSON text when it is valid UTF-8, else base64 under body_b64:
// the golden recording format.
void PutBody(Json& json, const std::string& body) {
  if (core::IsValidUtf8(body)) {
    json["body"] = body;
    return;
  }
  json["body_b64"] = core::Base64Encode(body);
}

// One journal entry as a step of the golden recording format, so that
// recorded traffic can be replayed anywhere.
Json EntryJson(const JournalEntry& e) {
  // Internal calls are recorded relative to /internal, as golden does.
  const bool internal = e.endpoint == "internal";
  Json request = {{"api", internal ? "internal" : "public"},
                  {"method", e.request.method},
                  {"target", internal ? e.request.target.substr(9) : e.request.target}};
  if (e.request.version != "HTTP/1.1") request["version"] = e.request.version;
  request["headers"] = HeadersJson(e.request.headers);
  PutBody(request, e.request.body);
  Json response = {{"status", e.response.status},
                   {"headers", HeadersJson(e.response.headers)},
                   {"framing", e.response.framing == core::Framing::kChunked
                                   ? "chunked"
                                   : "content-length"}};
  PutBody(response, e.response.body);
  return Json{{"seq", e.seq},
              {"at", core::FormatIso8601(e.at)},
              {"endpoint", e.endpoint},
              {"service_id", e.service_id},
              {"app_id", e.app_id},
              {"request", request},
              {"response", response}};
}

Json StateJson(const BackendState& state) {
  Json services = Json::array();
  Json applications = Json::array();
  Json tokens = Json::array();
  state.ReadRegistry([&](const core::Registry& registry) {
    for (const core::Service* s : registry.Services()) {
      Json metrics = Json::array();
      for (const core::Metric* m : s->metrics.Ordered()) {
        Json metric = {{"id", m->id}, {"name", m->name}};
        if (!m->parent_id.empty()) metric["parent_id"] = m->parent_id;
        metrics.push_back(metric);
      }
      Json plans = Json::object();
      for (const auto& [plan_id, limits] : s->plan_limits) {
        Json list = Json::array();
        for (const auto& [key, value] : limits) {
          list.push_back({{"metric_id", key.first},
                          {"period", std::string(core::ToString(key.second))},
                          {"max_value", value}});
        }
        plans[plan_id] = list;
      }
      Json user_keys = Json::object();
      for (const auto& [key, app] : registry.UserKeys(s->id)) user_keys[key] = app;
      services.push_back({{"id", s->id},
                          {"provider_key", s->provider_key},
                          {"backend_version", s->backend_version},
                          {"referrer_filters_required", s->referrer_filters_required},
                          {"state", s->active ? "active" : "suspended"},
                          {"default_service", registry.IsDefaultService(*s)},
                          {"metrics", metrics},
                          {"usage_limits", plans},
                          {"user_keys", user_keys}});
    }
    for (const core::Application* a : registry.Applications()) {
      Json app = {{"service_id", a->service_id},
                  {"id", a->id},
                  {"state", a->state},
                  {"plan_id", a->plan_id},
                  {"plan_name", a->plan_name},
                  {"application_keys", a->keys},
                  {"referrer_filters", a->referrer_filters}};
      if (a->redirect_url) app["redirect_url"] = *a->redirect_url;
      applications.push_back(app);
    }
    for (const auto& [token, sid] : registry.service_tokens()) {
      tokens.push_back({{"service_token", token}, {"service_id", sid}});
    }
  });
  Json counters = Json::array();
  for (const auto& [key, values] : state.AllCounters()) {
    for (const core::UsageCounters::Entry& e : values.entries()) {
      counters.push_back(
          {{"service_id", key.first},
           {"app_id", key.second},
           {"metric_id", e.metric_id},
           {"period", std::string(core::ToString(e.period))},
           {"period_start",
            core::FormatIso8601(core::UtcTime(std::chrono::seconds(e.start_s)))},
           {"value", e.value}});
    }
  }
  return Json{{"services", services},
              {"applications", applications},
              {"service_tokens", tokens},
              {"counters", counters}};
}

// The journal as one golden-format case ("format": 1): every recorded
// request a step, stamped with the mock's time, so traffic seen here can be
// replayed against any backend with `scalecheck replay`.
Json RecordingJson(const std::vector<JournalEntry>& entries) {
  Json steps = Json::array();
  for (const JournalEntry& e : entries) {
    Json entry = EntryJson(e);
    Json step = {{"at", entry["at"]},
                 {"request", entry["request"]},
                 {"response", entry["response"]},
                 {"after_flush", false}};
    steps.push_back(step);
  }
  return Json{{"format", 1},
              {"name", "journal/export"},
              {"area", "journal"},
              {"description", "requests recorded by scalecheck mock"},
              {"fixture", Json::array()},
              {"steps", steps}};
}

// A TOML string literal.
std::string TomlString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string TomlList(const std::set<std::string>& values) {
  std::string out = "[";
  bool first = true;
  for (const std::string& v : values) {
    if (!first) out += ", ";
    first = false;
    out += TomlString(v);
  }
  return out + "]";
}

// The registry as the fixture part of a scenario (scenarios/README.md), so
// a state reached by hand can be pinned down in a scenario file.
std::string FixtureToml(const BackendState& state) {
  std::string out = "# The state of a scalecheck mock, as a scenario fixture.\n";
  state.ReadRegistry([&](const core::Registry& registry) {
    for (const core::Service* s : registry.Services()) {
      out += "\n[[services]]\nid = " + TomlString(s->id) +
             "\nprovider_key = " + TomlString(s->provider_key) +
             "\nbackend_version = " +
             TomlString(s->backend_version.empty() ? "2" : s->backend_version) +
             "\nstate = " + TomlString(s->active ? "active" : "suspended") +
             "\nreferrer_filters_required = " +
             (s->referrer_filters_required ? "true" : "false") +
             "\ndefault_service = " + (registry.IsDefaultService(*s) ? "true" : "false") + "\n";
      std::set<std::string> tokens;
      for (const auto& [token, sid] : registry.service_tokens()) {
        if (sid == s->id) tokens.insert(token);
      }
      if (!tokens.empty()) out += "service_tokens = " + TomlList(tokens) + "\n";
      out += "metrics = [";
      bool first = true;
      for (const core::Metric* m : s->metrics.Ordered()) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "  { id = " + TomlString(m->id) + ", name = " + TomlString(m->name);
        if (const core::Metric* parent = s->metrics.FindById(m->parent_id)) {
          out += ", parent = " + TomlString(parent->name);
        }
        out += " }";
      }
      out += "\n]\n";
      // Plan names live on applications; take the first one seen.
      std::map<std::string, std::string> plan_names;
      for (const core::Application* a : registry.Applications()) {
        if (a->service_id == s->id) plan_names.emplace(a->plan_id, a->plan_name);
      }
      for (const auto& [plan_id, limits] : s->plan_limits) plan_names.emplace(plan_id, "");
      for (const auto& [plan_id, name] : plan_names) {
        out += "\n[[services.plans]]\nid = " + TomlString(plan_id) +
               "\nname = " + TomlString(name) + "\n";
        auto plan = s->plan_limits.find(plan_id);
        if (plan == s->plan_limits.end() || plan->second.empty()) continue;
        std::map<std::string, std::string> by_metric;
        for (const auto& [key, value] : plan->second) {
          const core::Metric* m = s->metrics.FindById(key.first);
          if (m == nullptr) continue;
          std::string& entry = by_metric[m->name];
          if (!entry.empty()) entry += ", ";
          entry += std::string(core::ToString(key.second)) + " = " + std::to_string(value);
        }
        out += "limits = {";
        bool first_metric = true;
        for (const auto& [metric, periods] : by_metric) {
          out += first_metric ? " " : ", ";
          first_metric = false;
          out += TomlString(metric) + " = { " + periods + " }";
        }
        out += " }\n";
      }
      const auto user_keys = registry.UserKeys(s->id);
      for (const core::Application* a : registry.Applications()) {
        if (a->service_id != s->id) continue;
        out += "\n[[services.applications]]\nid = " + TomlString(a->id) +
               "\nplan = " + TomlString(a->plan_id) + "\nstate = " + TomlString(a->state) + "\n";
        if (!a->keys.empty()) out += "keys = " + TomlList(a->keys) + "\n";
        if (!a->referrer_filters.empty()) {
          out += "referrer_filters = " + TomlList(a->referrer_filters) + "\n";
        }
        if (a->redirect_url) out += "redirect_url = " + TomlString(*a->redirect_url) + "\n";
        for (const auto& [key, app] : user_keys) {
          if (app == a->id) {
            out += "user_key = " + TomlString(key) + "\n";
            break;
          }
        }
      }
    }
  });
  return out;
}

std::string QueryValue(std::string_view query, const std::string& key) {
  core::ParsedParams parsed = core::ParseNestedQuery(query);
  const core::ParamValue* v = parsed.params.Find(key);
  return v != nullptr && v->is_string() ? v->string() : "";
}

core::Result<FaultRule> ParseFaultRule(const Json& j) {
  FaultRule rule;
  if (!j.is_object()) return core::Status::InvalidArgument("a fault rule is a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key == "id" || key == "endpoint" || key == "service_id" ||
        key == "app_id" || key == "metric" || key == "body" ||
        key == "content_type") {
      if (!value.is_string()) return core::Status::InvalidArgument("'" + key + "' must be a string");
      const std::string s = value.get<std::string>();
      if (key == "id") rule.id = s;
      if (key == "endpoint") rule.endpoint = s;
      if (key == "service_id") rule.service_id = s;
      if (key == "app_id") rule.app_id = s;
      if (key == "metric") rule.metric = s;
      if (key == "body") rule.body = s;
      if (key == "content_type") rule.content_type = s;
    } else if (key == "action") {
      if (!value.is_string()) return core::Status::InvalidArgument("'action' must be a string");
      auto action = ParseFaultAction(value.get<std::string>());
      if (!action) {
        return core::Status::InvalidArgument(
            "unknown fault action '" + value.get<std::string>() +
            "' (delay, respond, hang, truncate, close, drop_report)");
      }
      rule.action = *action;
    } else if (key == "status") {
      if (!value.is_number_integer()) return core::Status::InvalidArgument("'status' must be an integer");
      rule.status = value.get<int>();
    } else if (key == "probability") {
      if (!value.is_number()) return core::Status::InvalidArgument("'probability' must be a number");
      rule.probability = value.get<double>();
      if (rule.probability < 0 || rule.probability > 1) {
        return core::Status::InvalidArgument("'probability' must be within [0, 1]");
      }
    } else if (key == "max_hits") {
      if (!value.is_number_unsigned()) return core::Status::InvalidArgument("'max_hits' must be a whole number");
      rule.max_hits = value.get<uint64_t>();
    } else if (key == "delay") {
      if (!value.is_string()) return core::Status::InvalidArgument("'delay' must be a duration string such as \"250ms\"");
      auto d = core::ParseDuration(value.get<std::string>());
      if (!d.ok()) return d.status();
      rule.delay = std::chrono::duration_cast<std::chrono::milliseconds>(d.value());
    } else if (key == "from" || key == "until") {
      if (!value.is_string()) return core::Status::InvalidArgument("'" + key + "' must be an ISO 8601 time");
      auto t = core::ParseIso8601(value.get<std::string>());
      if (!t) return core::Status::InvalidArgument("'" + key + "' must be an ISO 8601 time");
      (key == "from" ? rule.from : rule.until) = *t;
    } else {
      return core::Status::InvalidArgument("unknown fault rule key '" + key + "'");
    }
  }
  return rule;
}

Json FaultJson(const FaultRule& r) {
  Json j = {{"id", r.id}, {"action", ToString(r.action)}};
  if (!r.endpoint.empty()) j["endpoint"] = r.endpoint;
  if (!r.service_id.empty()) j["service_id"] = r.service_id;
  if (!r.app_id.empty()) j["app_id"] = r.app_id;
  if (!r.metric.empty()) j["metric"] = r.metric;
  j["probability"] = r.probability;
  if (r.action == FaultAction::kRespond) {
    j["status"] = r.status;
    j["body"] = r.body;
    j["content_type"] = r.content_type;
  }
  if (r.delay.count() > 0) j["delay"] = core::FormatDuration(r.delay);
  if (r.from) j["from"] = core::FormatIso8601(*r.from);
  if (r.until) j["until"] = core::FormatIso8601(*r.until);
  if (r.max_hits) j["max_hits"] = *r.max_hits;
  j["hits"] = r.hits;
  return j;
}

}  // namespace

ControlApi::ControlApi(BackendState& state, core::VirtualClock& clock,
                       Journal& journal, FaultSet& faults,
                       std::function<void()> flush)
    : state_(state),
      clock_(clock),
      journal_(journal),
      faults_(faults),
      flush_(std::move(flush)) {}

core::HttpResponse ControlApi::Handle(const core::HttpRequest& request) {
  std::string path(request.path());
  path = path.substr(std::string("/__scalecheck").size());
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  const std::string& method = request.method;
  Json body;
  if (!request.body.empty()) {
    body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return JsonError(400, "request body is not valid JSON");
  }
  if (path == "/clock" && method == "GET") return JsonResponse(200, ClockJson(clock_));
  if (path == "/clock" && (method == "PUT" || method == "POST")) {
    if (!body.is_object()) return JsonError(400, "expected a JSON object: {\"now\":...}, {\"advance\":...} or {\"mode\":...}");
    if (body.contains("now")) {
      if (!body["now"].is_string()) return JsonError(400, "'now' must be an ISO 8601 time");
      auto t = core::ParseIso8601(body["now"].get<std::string>());
      if (!t) return JsonError(400, "'now' must be an ISO 8601 time such as 2024-05-31T23:59:59.300Z");
      clock_.Set(*t);
    }
    if (body.contains("advance")) {
      if (!body["advance"].is_string()) return JsonError(400, "'advance' must be a duration such as \"59s\"");
      auto d = core::ParseDuration(body["advance"].get<std::string>());
      if (!d.ok()) return JsonError(400, d.status().message());
      clock_.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(d.value()));
    }
    if (body.contains("mode")) {
      const Json& mode = body["mode"];
      if (mode == "freeze") {
        clock_.Freeze();
      } else if (mode == "follow") {
        clock_.Follow();
      } else {
        return JsonError(400, "'mode' must be \"freeze\" or \"follow\"");
      }
    }
    return JsonResponse(200, ClockJson(clock_));
  }
  if (path == "/reset" && method == "POST") {
    state_.Reset();
    journal_.Clear();
    faults_.Clear();
    return JsonResponse(200, Json{{"status", "ok"}});
  }
  if (path == "/flush" && method == "POST") {
    flush_();
    return JsonResponse(200, Json{{"status", "ok"}});
  }
  if (path == "/state" && method == "GET") return JsonResponse(200, StateJson(state_));
  if (path == "/state/fixture" && method == "GET") {
    core::HttpResponse r;
    r.status = 200;
    r.headers.emplace_back("content-type", "application/toml");
    r.body = FixtureToml(state_);
    return r;
  }
  if (path == "/journal/recording" && method == "GET") {
    return JsonResponse(200, RecordingJson(journal_.Query(JournalFilter{})));
  }
  if (path == "/journal" && method == "GET") {
    JournalFilter filter;
    const std::string_view q = request.query();
    filter.endpoint = QueryValue(q, "endpoint");
    filter.service_id = QueryValue(q, "service_id");
    filter.app_id = QueryValue(q, "app_id");
    if (const std::string s = QueryValue(q, "status"); !s.empty()) {
      auto n = core::ParseCount(s);
      if (!n.ok()) return JsonError(400, "status must be a number");
      filter.status = static_cast<int>(n.value());
    }
    if (const std::string s = QueryValue(q, "limit"); !s.empty()) {
      auto n = core::ParseCount(s);
      if (!n.ok() || n.value() < 0) return JsonError(400, "limit must be a whole number");
      filter.limit = static_cast<size_t>(n.value());
    }
    if (const std::string s = QueryValue(q, "since"); !s.empty()) {
      auto n = core::ParseCount(s);
      if (!n.ok() || n.value() < 0) return JsonError(400, "since must be a whole number");
      filter.since_seq = static_cast<uint64_t>(n.value());
    }
    Json entries = Json::array();
    for (const JournalEntry& e : journal_.Query(filter)) entries.push_back(EntryJson(e));
    return JsonResponse(200, Json{{"entries", entries},
                                  {"capacity", journal_.capacity()},
                                  {"dropped", journal_.dropped()}});
  }
  if (path == "/journal" && method == "DELETE") {
    journal_.Clear();
    return JsonResponse(200, Json{{"status", "ok"}});
  }
  if (path == "/faults" && method == "GET") {
    Json rules = Json::array();
    for (const FaultRule& r : faults_.Rules()) rules.push_back(FaultJson(r));
    return JsonResponse(200, Json{{"faults", rules}});
  }
  if (path == "/faults" && method == "POST") {
    if (body.contains("seed")) {
      if (!body["seed"].is_number_unsigned()) return JsonError(400, "'seed' must be a whole number");
      faults_.Reseed(body["seed"].get<uint64_t>());
      body.erase("seed");
    }
    auto rule = ParseFaultRule(body);
    if (!rule.ok()) return JsonError(400, rule.status().message());
    const std::string id = faults_.Add(rule.value());
    return JsonResponse(201, Json{{"status", "created"}, {"id", id}});
  }
  if (path == "/faults" && method == "DELETE") {
    faults_.Clear();
    return JsonResponse(200, Json{{"status", "ok"}});
  }
  if (path.rfind("/faults/", 0) == 0 && method == "DELETE") {
    if (!faults_.Remove(path.substr(8))) return JsonError(404, "no fault rule '" + path.substr(8) + "'");
    return JsonResponse(200, Json{{"status", "deleted"}});
  }
  return JsonError(404, "unknown control operation " + method + " /__scalecheck" + path);
}

}  // namespace scalecheck::mock_backend
