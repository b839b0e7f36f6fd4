// harness/recording.cc
//
// The only harness file that uses nlohmann-json. Its exceptions stop here:
// every one becomes a Status naming the file.
#include "harness/recording.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "core/period.h"

namespace scalecheck::harness {
namespace {

// Keeps the members of an object in file order: request headers are sent in
// the order they were recorded.
using Json = nlohmann::ordered_json;

std::string ToLower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Where in the file a value is, for messages: "step 3: request".
std::string Join(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : where + "." + std::string(key);
}

core::Status Bad(const std::string& where, const std::string& what) {
  return core::Status::InvalidArgument(where.empty() ? what
                                                     : where + ": " + what);
}

const Json* Member(const Json& object, std::string_view key) {
  const auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

core::Result<const Json*> GetObject(const Json& object, std::string_view key,
                                    const std::string& where) {
  const Json* value = Member(object, key);
  if (value == nullptr) return Bad(where, "missing '" + std::string(key) + "'");
  if (!value->is_object()) {
    return Bad(Join(where, key), "expected an object");
  }
  return value;
}

// A string member; `fallback` when absent, an error when absent without one.
core::Result<std::string> GetString(
    const Json& object, std::string_view key, const std::string& where,
    std::optional<std::string> fallback = std::nullopt) {
  const Json* value = Member(object, key);
  if (value == nullptr || value->is_null()) {
    if (fallback) return *fallback;
    return Bad(where, "missing '" + std::string(key) + "'");
  }
  if (!value->is_string()) return Bad(Join(where, key), "expected a string");
  return value->get<std::string>();
}

core::Result<bool> GetBool(const Json& object, std::string_view key,
                           const std::string& where) {
  const Json* value = Member(object, key);
  if (value == nullptr || value->is_null()) return false;
  if (!value->is_boolean())
    return Bad(Join(where, key), "expected true or false");
  return value->get<bool>();
}

core::Result<int> GetStatus(const Json& object, const std::string& where) {
  const Json* value = Member(object, "status");
  if (value == nullptr) return Bad(where, "missing 'status'");
  if (!value->is_number_integer() || value->get<int64_t>() < 100 ||
      value->get<int64_t>() > 999) {
    return Bad(Join(where, "status"), "expected an HTTP status (100-999)");
  }
  return static_cast<int>(value->get<int64_t>());
}

// "body" as it is, or "body_b64" decoded; "" when neither is present.
core::Result<std::string> GetBody(const Json& object,
                                  const std::string& where) {
  if (Member(object, "body_b64") != nullptr) {
    core::Result<std::string> encoded = GetString(object, "body_b64", where);
    if (!encoded.ok()) return encoded.status();
    std::optional<std::string> bytes = Base64Decode(*encoded);
    if (!bytes) return Bad(Join(where, "body_b64"), "not valid base64");
    return *bytes;
  }
  return GetString(object, "body", where, std::string());
}

core::Result<std::vector<std::string>> GetStrings(const Json& object,
                                                  std::string_view key,
                                                  const std::string& where) {
  std::vector<std::string> out;
  const Json* value = Member(object, key);
  if (value == nullptr || value->is_null()) return out;
  if (!value->is_array()) return Bad(Join(where, key), "expected an array");
  for (const Json& item : *value) {
    if (!item.is_string()) {
      return Bad(Join(where, key), "expected an array of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// {"Name": "value", ...} in file order, or [["Name", "value"], ...] for a
// list with repeated names.
core::Result<HeaderList> GetHeaders(const Json& object,
                                    const std::string& where, bool lower) {
  HeaderList out;
  const Json* value = Member(object, "headers");
  if (value == nullptr || value->is_null()) return out;
  const std::string here = Join(where, "headers");
  if (value->is_object()) {
    for (const auto& [name, field] : value->items()) {
      if (!field.is_string())
        return Bad(here + "." + name, "expected a string");
      out.emplace_back(lower ? ToLower(name) : name, field.get<std::string>());
    }
    return out;
  }
  if (value->is_array()) {
    for (const Json& pair : *value) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
          !pair[1].is_string()) {
        return Bad(here, "expected [name, value] pairs");
      }
      const std::string name = pair[0].get<std::string>();
      out.emplace_back(lower ? ToLower(name) : name,
                       pair[1].get<std::string>());
    }
    return out;
  }
  return Bad(here, "expected an object");
}

core::Result<FixtureEntry> ParseFixtureEntry(const Json& json,
                                             const std::string& where) {
  if (!json.is_object()) return Bad(where, "expected an object");
  FixtureEntry entry;
  core::Result<std::string> method = GetString(json, "method", where);
  if (!method.ok()) return method.status();
  entry.method = *method;
  core::Result<std::string> path = GetString(json, "path", where);
  if (!path.ok()) return path.status();
  entry.path = *path;
  core::Result<std::string> body = GetBody(json, where);
  if (!body.ok()) return body.status();
  entry.body = *body;
  if (Member(json, "response") != nullptr) {
    core::Result<const Json*> response = GetObject(json, "response", where);
    if (!response.ok()) return response.status();
    const std::string here = Join(where, "response");
    core::Result<int> status = GetStatus(**response, here);
    if (!status.ok()) return status.status();
    entry.status = *status;
    core::Result<std::string> response_body = GetBody(**response, here);
    if (!response_body.ok()) return response_body.status();
    entry.response_body = *response_body;
  }
  return entry;
}

core::Result<RecordedRequest> ParseRequest(const Json& json,
                                           const std::string& where) {
  RecordedRequest request;
  core::Result<std::string> api = GetString(json, "api", where, "public");
  if (!api.ok()) return api.status();
  if (*api == "public") {
    request.api = Api::kPublic;
  } else if (*api == "internal") {
    request.api = Api::kInternal;
  } else {
    return Bad(Join(where, "api"),
               "unknown api '" + *api + "' (public or internal)");
  }
  core::Result<std::string> method = GetString(json, "method", where);
  if (!method.ok()) return method.status();
  if (method->empty()) return Bad(Join(where, "method"), "empty method");
  request.method = *method;
  core::Result<std::string> target = GetString(json, "target", where);
  if (!target.ok()) return target.status();
  request.target = *target;
  core::Result<std::string> version =
      GetString(json, "version", where, "HTTP/1.1");
  if (!version.ok()) return version.status();
  request.version = *version;
  core::Result<HeaderList> headers = GetHeaders(json, where, /*lower=*/false);
  if (!headers.ok()) return headers.status();
  request.headers = *headers;
  core::Result<std::string> body = GetBody(json, where);
  if (!body.ok()) return body.status();
  request.body = *body;
  return request;
}

core::Result<HttpResponse> ParseResponse(const Json& json,
                                         const std::string& where) {
  HttpResponse response;
  core::Result<int> status = GetStatus(json, where);
  if (!status.ok()) return status.status();
  response.status = *status;
  core::Result<std::string> reason = GetString(json, "reason", where, "");
  if (!reason.ok()) return reason.status();
  response.reason = *reason;
  core::Result<HeaderList> headers = GetHeaders(json, where, /*lower=*/true);
  if (!headers.ok()) return headers.status();
  response.headers = *headers;
  core::Result<std::string> framing = GetString(json, "framing", where, "");
  if (!framing.ok()) return framing.status();
  if (framing->empty()) {
    // Older recordings: the headers say it.
    if (response.Header("transfer-encoding")) {
      response.framing = Framing::kChunked;
    } else if (response.Header("content-length")) {
      response.framing = Framing::kContentLength;
    } else {
      response.framing = Framing::kNone;
    }
  } else {
    const std::optional<Framing> parsed = ParseFraming(*framing);
    if (!parsed) {
      return Bad(Join(where, "framing"),
                 "unknown framing '" + *framing +
                     "' (content-length, chunked or none)");
    }
    response.framing = *parsed;
  }
  core::Result<std::string> body = GetBody(json, where);
  if (!body.ok()) return body.status();
  response.body = *body;
  core::Result<std::vector<std::string>> interim =
      GetStrings(json, "interim", where);
  if (!interim.ok()) return interim.status();
  response.interim = *interim;
  return response;
}

core::Result<RecordedStep> ParseStep(const Json& json, const std::string& where) {
  if (!json.is_object()) return Bad(where, "expected an object");
  RecordedStep step;
  core::Result<std::string> at = GetString(json, "at", where);
  if (!at.ok()) return at.status();
  const std::optional<core::UtcTime> parsed_at = core::ParseIso8601(*at);
  if (!parsed_at) {
    return Bad(Join(where, "at"),
               "bad time '" + *at + "' (expected 2026-11-22T02:05:22.246Z)");
  }
  step.at = *parsed_at;

  core::Result<const Json*> request = GetObject(json, "request", where);
  if (!request.ok()) return request.status();
  core::Result<RecordedRequest> parsed_request =
      ParseRequest(**request, Join(where, "request"));
  if (!parsed_request.ok()) return parsed_request.status();
  step.request = std::move(parsed_request).value();

  core::Result<const Json*> response = GetObject(json, "response", where);
  if (!response.ok()) return response.status();
  core::Result<HttpResponse> parsed_response =
      ParseResponse(**response, Join(where, "response"));
  if (!parsed_response.ok()) return parsed_response.status();
  step.response = std::move(parsed_response).value();

  core::Result<bool> after_flush = GetBool(json, "after_flush", where);
  if (!after_flush.ok()) return after_flush.status();
  step.after_flush = *after_flush;
  core::Result<std::string> compare = GetString(json, "compare", where, "");
  if (!compare.ok()) return compare.status();
  if (compare->empty()) {
    step.compare = RecordedCompare::kFull;
  } else if (*compare == "status") {
    step.compare = RecordedCompare::kStatus;
  } else {
    return Bad(Join(where, "compare"),
               "unknown compare '" + *compare + "' (only \"status\")");
  }
  core::Result<std::string> comment = GetString(json, "comment", where, "");
  if (!comment.ok()) return comment.status();
  step.comment = *comment;
  return step;
}

// The key value created by POST .../keys/ {"application_key":{"value":"k"}};
// nullopt for anything else (including bodies that are not JSON).
std::optional<std::string> CreatedAppKey(std::string_view method,
                                         std::string_view path,
                                         const std::string& body) {
  if (method != "POST" || path.find("/keys") == std::string_view::npos) {
    return std::nullopt;
  }
  const Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  const Json* key = Member(json, "application_key");
  if (key == nullptr || !key->is_object()) return std::nullopt;
  const Json* value = Member(*key, "value");
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

core::Result<Case> ParseCase(const Json& json) {
  if (!json.is_object()) return Bad("", "expected a JSON object");
  Case result;
  if (const Json* format = Member(json, "format"); format != nullptr) {
    if (!format->is_number_integer() || format->get<int64_t>() != 1) {
      return Bad("format", "unsupported format " + format->dump() +
                               " (this scalecheck reads format 1)");
    }
  }
  core::Result<std::string> name = GetString(json, "name", "");
  if (!name.ok()) return name.status();
  if (name->empty()) return Bad("name", "empty case name");
  result.name = *name;
  core::Result<std::string> area =
      GetString(json, "area", "", result.name.substr(0, result.name.find('/')));
  if (!area.ok()) return area.status();
  result.area = *area;
  core::Result<std::string> description =
      GetString(json, "description", "", "");
  if (!description.ok()) return description.status();
  result.description = *description;
  core::Result<std::vector<std::string>> unordered =
      GetStrings(json, "unordered", "");
  if (!unordered.ok()) return unordered.status();
  result.unordered = *unordered;

  if (const Json* fixture = Member(json, "fixture");
      fixture != nullptr && !fixture->is_null()) {
    if (!fixture->is_array()) return Bad("fixture", "expected an array");
    for (size_t i = 0; i < fixture->size(); ++i) {
      core::Result<FixtureEntry> entry =
          ParseFixtureEntry((*fixture)[i], "fixture " + std::to_string(i + 1));
      if (!entry.ok()) return entry.status();
      result.fixture.push_back(std::move(entry).value());
    }
  }
  const Json* steps = Member(json, "steps");
  if (steps == nullptr) return Bad("", "missing 'steps'");
  if (!steps->is_array()) return Bad("steps", "expected an array");
  for (size_t i = 0; i < steps->size(); ++i) {
    core::Result<RecordedStep> step =
        ParseStep((*steps)[i], "step " + std::to_string(i + 1));
    if (!step.ok()) return step.status();
    result.steps.push_back(std::move(step).value());
  }

  auto add_key = [&result](std::optional<std::string> key) {
    if (key && std::find(result.app_keys.begin(), result.app_keys.end(),
                         *key) == result.app_keys.end()) {
      result.app_keys.push_back(*key);
    }
  };
  for (const FixtureEntry& entry : result.fixture) {
    add_key(CreatedAppKey(entry.method, entry.path, entry.body));
  }
  for (const RecordedStep& step : result.steps) {
    if (step.request.api == Api::kInternal) {
      add_key(CreatedAppKey(step.request.method, step.request.target,
                            step.request.body));
    }
  }
  return result;
}

// nlohmann's what() without its "[json.exception.parse_error.101] " tag.
std::string JsonMessage(const std::exception& e) {
  std::string message = e.what();
  if (message.rfind("[json.exception.", 0) == 0) {
    const size_t end = message.find("] ");
    if (end != std::string::npos) message.erase(0, end + 2);
  }
  return message;
}

}  // namespace

core::Result<Case> LoadRecording(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Status::NotFound(path + ": cannot open the file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return core::Status::NotFound(path + ": cannot read the file");
  try {
    const Json json = Json::parse(text.str());
    core::Result<Case> parsed = ParseCase(json);
    if (!parsed.ok()) {
      return core::Status::InvalidArgument(path + ": " +
                                           parsed.status().message());
    }
    Case result = std::move(parsed).value();
    result.path = path;
    return result;
  } catch (const nlohmann::json::exception& e) {
    return core::Status::InvalidArgument(path + ": " + JsonMessage(e));
  } catch (const std::exception& e) {
    return core::Status::Internal(path + ": " + e.what());
  }
}

core::Result<std::vector<std::string>> ExpandPaths(
    const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return core::Status::NotFound(path + ": no such file or directory");
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::directory_iterator it(path, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code entry_ec;
      if (it->path().extension() == ".json" && it->is_regular_file(entry_ec)) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      return core::Status::NotFound(
          path + ": cannot list the directory: " + ec.message());
    }
    if (found.empty()) {
      return core::Status::InvalidArgument(path +
                                           ": no *.json recordings in it");
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}


}  // namespace scalecheck::harness
