#include "reports/json_report.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reports/text_format.h"
#include "core/base64.h"

namespace scalecheck::reports {
namespace {

// Keys stay in the order they are added, which follows the model.
using Json = nlohmann::ordered_json;


// Sets `key`, or `key`_b64 when `bytes` is not valid UTF-8.
void SetBytes(Json& object, const std::string& key, std::string_view bytes) {
  if (IsValidUtf8(bytes)) {
    object[key] = std::string(bytes);
  } else {
    object[key + "_b64"] = core::Base64Encode(bytes);
  }
}

Json HeadersJson(const Headers& headers) {
  Json array = Json::array();
  for (const auto& [name, value] : headers) array.push_back({name, value});
  return array;
}

Json RequestJson(const HttpExchange& x) {
  if (x.method.empty()) return nullptr;
  Json request;
  request["method"] = x.method;
  request["target"] = x.target;
  request["headers"] = HeadersJson(x.request_headers);
  SetBytes(request, "body", x.request_body);
  return request;
}

Json ResponseJson(const HttpExchange& x) {
  if (x.status == 0) return nullptr;
  Json response;
  response["status"] = x.status;
  response["headers"] = HeadersJson(x.response_headers);
  SetBytes(response, "body", x.response_body);
  return response;
}

Json StepJson(const StepReport& step) {
  Json j;
  j["index"] = step.index;
  j["iteration"] = step.iteration;
  j["kind"] = step.kind;
  j["description"] = step.description;
  j["location"] = step.location;
  j["clock"] = step.clock;
  j["verdict"] = ToString(step.verdict);
  j["message"] = step.message;
  j["duration_us"] = step.duration.count();
  j["request"] = RequestJson(step.exchange);
  j["response"] = ResponseJson(step.exchange);
  SetBytes(j, "expected_body", step.expected_body);
  Json differences = Json::array();
  for (const Difference& d : step.differences) {
    Json difference;
    difference["what"] = d.what;
    SetBytes(difference, "expected", d.expected);
    SetBytes(difference, "actual", d.actual);
    difference["source"] = d.source;
    differences.push_back(std::move(difference));
  }
  j["differences"] = std::move(differences);
  return j;
}

Json CaseJson(const CaseReport& c) {
  Json j;
  j["id"] = c.id;
  j["title"] = c.title;
  j["file"] = c.file;
  j["spec"] = c.spec;
  j["tags"] = c.tags;
  j["verdict"] = ToString(c.verdict);
  j["message"] = c.message;
  j["duration_us"] = c.duration.count();
  Json steps = Json::array();
  for (const StepReport& step : c.steps) steps.push_back(StepJson(step));
  j["steps"] = std::move(steps);
  return j;
}

}  // namespace

void WriteJsonReport(const RunReport& report, std::ostream& out) {
  Json j;
  j["format"] = "scalecheck-report";
  j["format_version"] = 1;
  j["tool_version"] = report.tool_version;
  j["target"] = report.target;
  j["compare_mode"] = report.compare_mode;
  j["seed"] = report.seed;
  j["started_at"] = report.started_at;
  j["wall_time_us"] = report.wall_time.count();
  j["summary"] = {
      {"cases", report.cases.size()},
      {"pass", report.Count(Verdict::kPass)},
      {"fail", report.Count(Verdict::kFail)},
      {"skip", report.Count(Verdict::kSkip)},
      {"error", report.Count(Verdict::kError)},
      {"known_deviation", report.Count(Verdict::kKnownDeviation)},
  };
  Json cases = Json::array();
  for (const CaseReport& c : report.cases) cases.push_back(CaseJson(c));
  j["cases"] = std::move(cases);
  // error_handler_t::replace: dump() would otherwise throw on the invalid
  // UTF-8 a description or header value may hold; we never throw.
  out << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace scalecheck::reports
