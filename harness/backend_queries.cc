#include "harness/backend_queries.h"

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/params.h"
#include "core/period.h"

namespace scalecheck::harness {
namespace {

using Json = nlohmann::json;

core::Result<Json> GetJson(const core::Result<HttpResponse>& response,
                           const std::string& what) {
  if (!response.ok()) return response.status();
  if (response.value().status != 200) {
    return core::Status::Unavailable(what + " answered " +
                                     std::to_string(response.value().status) +
                                     ": " + response.value().body);
  }
  Json json = Json::parse(response.value().body, nullptr, false);
  if (json.is_discarded()) {
    return core::Status::Unavailable(what + " answered with invalid JSON");
  }
  return json;
}

int64_t AsInt(const Json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_unsigned()) return static_cast<int64_t>(value.get<uint64_t>());
  return 0;
}

}  // namespace

core::Result<std::map<std::string, UtilizationEntry>> ReadUtilization(
    Target& target, const std::string& service_id, const std::string& app_id) {
  core::Result<Json> json = GetJson(
      target.Internal("GET",
                      "/services/" + core::EncodeComponent(service_id) +
                          "/applications/" + core::EncodeComponent(app_id) +
                          "/utilization/",
                      ""),
      "utilization of " + app_id);
  if (!json.ok()) return json.status();
  std::map<std::string, UtilizationEntry> entries;
  const Json& list = json.value()["utilization"];
  if (!list.is_array()) return core::Status::Unavailable("utilization is not a list");
  for (const Json& e : list) {
    if (!e.is_object() || !e["metric_name"].is_string() || !e["period"].is_string()) {
      continue;
    }
    entries[e["metric_name"].get<std::string>() + "/" + e["period"].get<std::string>()] =
        UtilizationEntry{AsInt(e["current_value"]), AsInt(e["max_value"])};
  }
  return entries;
}

core::Result<std::map<std::string, int64_t>> ReadCounters(
    Target& target, const std::string& service_id, const std::string& app_id,
    core::UtcTime now) {
  core::Result<Json> json = GetJson(target.Control("GET", "/state", ""), "the state export");
  if (!json.ok()) return json.status();
  // Metric names by id, from the service's metrics.
  std::map<std::string, std::string> names;
  for (const Json& service : json.value()["services"]) {
    if (!service.is_object() || service["id"] != service_id) continue;
    for (const Json& m : service["metrics"]) {
      if (m["id"].is_string() && m["name"].is_string()) {
        names[m["id"].get<std::string>()] = m["name"].get<std::string>();
      }
    }
  }
  std::map<std::string, int64_t> values;
  for (const Json& c : json.value()["counters"]) {
    if (!c.is_object() || c["service_id"] != service_id || c["app_id"] != app_id ||
        !c["period"].is_string() || !c["period_start"].is_string() ||
        !c["metric_id"].is_string()) {
      continue;
    }
    const std::optional<core::Period> period =
        core::ParsePeriod(c["period"].get<std::string>());
    const std::optional<core::UtcTime> start =
        core::ParseIso8601(c["period_start"].get<std::string>());
    if (!period || !start || *start != core::PeriodStart(*period, now)) continue;
    auto name = names.find(c["metric_id"].get<std::string>());
    if (name == names.end()) continue;
    values[name->second + "/" + c["period"].get<std::string>()] = AsInt(c["value"]);
  }
  return values;
}

core::Result<ErrorLogPage> ReadErrorLog(Target& target,
                                        const std::string& service_id) {
  core::Result<Json> json = GetJson(
      target.Internal("GET", "/services/" + core::EncodeComponent(service_id) +
                                 "/errors/?per_page=1000", ""),
      "the error log of " + service_id);
  if (!json.ok()) return json.status();
  ErrorLogPage page;
  for (const Json& e : json.value()["errors"]) {
    if (e.is_object() && e["code"].is_string()) {
      page.codes.push_back(e["code"].get<std::string>());
    }
  }
  page.count = AsInt(json.value()["count"]);
  return page;
}

core::Result<int64_t> CountJournal(Target& target, const std::string& endpoint,
                                   const std::string& app_id) {
  std::string query = "?endpoint=" + core::EncodeComponent(endpoint);
  if (!app_id.empty()) query += "&app_id=" + core::EncodeComponent(app_id);
  core::Result<Json> json =
      GetJson(target.Control("GET", "/journal" + query, ""), "the journal");
  if (!json.ok()) return json.status();
  const Json& entries = json.value()["entries"];
  return entries.is_array() ? static_cast<int64_t>(entries.size()) : 0;
}


namespace {

// A body as the journal gives it: text, or base64 when it is not UTF-8.
std::string BodyOf(const Json& message) {
  if (message.contains("body") && message["body"].is_string()) {
    return message["body"].get<std::string>();
  }
  if (message.contains("body_b64") && message["body_b64"].is_string()) {
    return core::Base64Decode(message["body_b64"].get<std::string>()).value_or("");
  }
  return "";
}

core::HeaderList HeadersOf(const Json& message) {
  core::HeaderList headers;
  if (!message.contains("headers") || !message["headers"].is_object()) return headers;
  for (const auto& [name, value] : message["headers"].items()) {
    if (value.is_string()) headers.emplace_back(name, value.get<std::string>());
  }
  return headers;
}

std::string StringOf(const Json& object, const char* key) {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>()
                                                          : "";
}

}  // namespace

core::Result<std::vector<JournalRecord>> ReadJournal(Target& target,
                                                     uint64_t since_seq) {
  core::Result<Json> json = GetJson(
      target.Control("GET", "/journal?since=" + std::to_string(since_seq), ""),
      "the journal");
  if (!json.ok()) return json.status();
  const Json& entries = json.value()["entries"];
  if (!entries.is_array()) return core::Status::Unavailable("the journal has no entries list");
  std::vector<JournalRecord> records;
  for (const Json& e : entries) {
    if (!e.is_object() || !e["request"].is_object() || !e["response"].is_object()) continue;
    JournalRecord record;
    record.seq = static_cast<uint64_t>(AsInt(e["seq"]));
    record.endpoint = StringOf(e, "endpoint");
    const Json& request = e["request"];
    record.request.method = StringOf(request, "method");
    record.request.target = StringOf(request, "target");
    if (record.endpoint == "internal") record.request.target.insert(0, "/internal");
    if (request.contains("version")) record.request.version = StringOf(request, "version");
    record.request.headers = HeadersOf(request);
    record.request.body = BodyOf(request);
    const Json& response = e["response"];
    record.response.status = static_cast<int>(AsInt(response["status"]));
    record.response.headers = HeadersOf(response);
    record.response.body = BodyOf(response);
    records.push_back(std::move(record));
  }
  return records;
}

core::Result<uint64_t> LatestJournalSeq(Target& target) {
  core::Result<Json> json =
      GetJson(target.Control("GET", "/journal?limit=1", ""), "the journal");
  if (!json.ok()) return json.status();
  const Json& entries = json.value()["entries"];
  if (!entries.is_array() || entries.empty()) return uint64_t{0};
  return static_cast<uint64_t>(AsInt(entries.back()["seq"]));
}

}  // namespace scalecheck::harness
