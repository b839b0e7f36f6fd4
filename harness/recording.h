// harness/recording.h
//
// The golden recordings (shared/golden/*.json, format described in its
// README.md) as plain structs, and their loader. A Case is a fixture seeded
// through the internal API plus steps, each a request sent at a recorded
// time and the exact response apisonator gave. Loading does not interpret
// the requests or responses. Plain values; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/base64.h"  // Base64Encode/Decode, used with recordings.
#include "core/status.h"
#include "harness/raw_http_client.h"

namespace scalecheck::harness {

using core::Base64Decode;
using core::Base64Encode;

// One internal-API call made before the first step.
struct FixtureEntry {
  std::string method;  // "POST", "PUT", "DELETE".
  std::string path;    // Relative to the internal API root: "/services/".
  std::string body;    // Exact JSON text sent; empty: no body.
  int status = 0;  // What apisonator answered; 0: not recorded, not checked.
  std::string response_body;
};

// Which API a step's request goes to.
enum class Api {
  kPublic,    // The Service Management API: sent exactly as recorded.
  kInternal,  // The internal API: the target is relative to "/internal".
};

struct RecordedRequest {
  Api api = Api::kPublic;
  std::string method;
  std::string target;  // Path and query as sent (internal: without /internal).
  std::string version = "HTTP/1.1";
  // As sent, in order. Internal steps omit the Authorization header.
  HeaderList headers;
  std::string body;  // Decoded from body_b64 when the recording used it.
};

// How much of a step's response is a contract.
enum class RecordedCompare {
  kFull,    // Status, headers, framing and body bytes.
  kStatus,  // Only the status ("compare": "status").
};

struct RecordedStep {
  core::UtcTime at{};  // The clock when the request was sent (ms precision).
  RecordedRequest request;
  // Recorded with lower-cased header names, empty `version`, and the body
  // de-chunked.
  HttpResponse response;
  bool after_flush = false;  // Apply enqueued reports before the next step.
  RecordedCompare compare = RecordedCompare::kFull;
  std::string comment;
};

struct Case {
  std::string name;  // "authorize/app_not_found".
  std::string area;  // "authorize".
  std::string description;
  // Free-text names of the collections whose order is not reproducible;
  // non-empty means "compare those as multisets".
  std::vector<std::string> unordered;
  std::vector<FixtureEntry> fixture;
  std::vector<RecordedStep> steps;
  // Derived at load time: every application key value the fixture and the
  // internal steps create ({"application_key":{"value":...}}), for
  // comparing "<application><key>", which is any member of the set.
  std::vector<std::string> app_keys;
  std::string path;  // The file it was loaded from.
};

// Reads one recording. Fails with kNotFound when the file cannot be read and
// kInvalidArgument when it is not a valid recording; the message starts with
// the path: "golden/x.json: step 3: bad 'at' value 'yesterday'".
core::Result<Case> LoadRecording(const std::string& path);

// Turns files and directories into the recording files to load, in order: a
// file stays itself, a directory becomes its *.json files sorted by name (a
// README or any other file is skipped; subdirectories are not entered).
// Fails with kNotFound for a missing path ("x: no such file or directory")
// and kInvalidArgument for a directory without recordings.
core::Result<std::vector<std::string>> ExpandPaths(
    const std::vector<std::string>& paths);


}  // namespace scalecheck::harness
