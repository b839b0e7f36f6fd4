#include "harness/scenario_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/period.h"
#include "core/units.h"
#include "harness/seeding.h"

namespace scalecheck::harness {
namespace {

using Names = std::vector<std::string>;

// ---- Near misses ------------------------------------------------------------

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of two adjacent characters each cost one edit.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// How many edits still make a near miss of a name this long: short names
// differ from each other in few letters, so they get fewer.
size_t MaxEdits(size_t length) {
  if (length <= 3) return 1;
  if (length <= 6) return 2;
  return 3;
}

// The candidate that `name` most probably misspells; the first of equals.
std::optional<std::string> NearMiss(std::string_view name,
                                    const Names& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const std::string& candidate : candidates) {
    const size_t distance = EditDistance(name, candidate);
    // A near miss keeps some of the name: '3' is not a near miss of '1'.
    if (distance > 0 && distance <= MaxEdits(candidate.size()) &&
        distance < candidate.size() && distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string Joined(const Names& names) {
  std::string joined;
  for (const std::string& name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// "12:5": where in the same file.
std::string LineColumn(const SourceLocation& where) {
  return std::to_string(where.line) + ":" + std::to_string(where.column);
}

// " (did you mean 'x'?)" for a near miss; otherwise " (known: a, b; note)",
// or less when there are no candidates or no note.
std::string Hint(std::string_view name, const Names& candidates,
                 std::string_view note = {}) {
  if (const std::optional<std::string> near = NearMiss(name, candidates)) {
    return " (did you mean " + Quoted(*near) + "?)";
  }
  std::string inside;
  if (!candidates.empty()) inside = "known: " + Joined(candidates);
  if (!note.empty()) {
    if (!inside.empty()) inside += "; ";
    inside += note;
  }
  return inside.empty() ? "" : " (" + inside + ")";
}

// ---- Vocabulary -------------------------------------------------------------

const Names kTopKeys = {"id",       "title",    "tags",  "spec",
                        "requires", "clock",    "defaults", "services",
                        "steps",    "load"};
const Names kLoadKeys = {"duration",    "rate",        "stages",
                         "connections", "timeout",     "limit_check",
                         "mix",         "populations", "thresholds"};
const Names kStageKeys = {"duration", "rate", "to_rate"};
const Names kMixKeys = {"call", "weight", "usage", "extensions", "transactions"};
const Names kPopulationKeys = {"service",  "plan",   "count",        "id_prefix",
                               "with_keys", "choice", "zipf_exponent"};
const Names kThresholdKeys = {"p99_ms", "error_rate", "min_rate"};
const Names kCallKinds = {"authorize", "authrep", "oauth_authorize",
                          "oauth_authrep", "report"};
const Names kLimitChecks = {"strict", "lenient", "off"};
const Names kChoices = {"uniform", "zipf"};
const Names kClockKeys = {"start"};
const Names kDefaultsKeys = {"service", "app", "credentials"};
const Names kServiceKeys = {"id",
                            "provider_key",
                            "backend_version",
                            "state",
                            "referrer_filters_required",
                            "default_service",
                            "service_tokens",
                            "metrics",
                            "plans",
                            "applications",
                            "gateway"};
const Names kMetricKeys = {"id", "name", "parent"};
const Names kPlanKeys = {"id", "name", "limits"};
const Names kApplicationKeys = {
    "id",   "plan",     "plan_name",        "state",
    "keys", "user_key", "referrer_filters", "redirect_url"};
const Names kStepKinds = {"authorize",     "authrep", "oauth_authorize",
                          "oauth_authrep", "report",  "raw",
                          "advance",       "at",      "check",
                          "request"};
const Names kStepKeys = {
    "name",      "repeat",  "expect",          "allow_unknown",
    "authorize", "authrep", "oauth_authorize", "oauth_authrep",
    "report",    "raw",     "advance",         "at",
    "check",     "request"};
const Names kCallKeys = {"service",       "credentials",     "provider_key",
                         "service_token", "send_service_id", "app",
                         "app_key",       "user_key",        "referrer",
                         "redirect_url",  "redirect_uri",    "usage",
                         "log",           "extensions",      "params",
                         "omit",          "transactions"};
const Names kTransactionKeys = {"app", "user_key", "usage", "timestamp",
                                "log_code"};
const Names kRawKeys = {"method", "target", "version", "headers", "body"};
const Names kCheckKinds = {"counters", "utilization", "error_log", "journal"};
const Names kValuesCheckKeys = {"service", "app", "values"};
const Names kErrorLogKeys = {"service", "codes", "count"};
const Names kJournalKeys = {"endpoint", "service", "app", "count"};
const Names kExpectKeys = {"status",     "authorized",    "reason",
                           "error_code", "error_message", "rejection_reason",
                           "plan",       "usage_reports", "no_usage_reports",
                           "headers",    "body",          "body_contains",
                           "backend"};
const Names kUsageReportKeys = {"current_value", "max_value", "exceeded",
                                "period_start", "period_end"};

// The gateway ([services.gateway], request steps; spec/gateway.md).
const Names kGatewayKeys = {"hosts",         "credentials_location",
                            "auth_user_key", "auth_app_id",
                            "auth_app_key",  "backend_authentication",
                            "mapping_rules", "upstream",
                            "error_auth_missing", "error_auth_failed",
                            "error_limits_exceeded", "error_no_match"};
const Names kMappingRuleKeys = {"method", "pattern", "metric",
                                "delta",  "last",    "parameters"};
const Names kGatewayErrorKeys = {"status", "content_type", "body"};
const Names kCredentialsLocations = {"query", "headers", "authorization"};
const Names kBackendAuthentications = {"service_token", "provider_key", "none"};
// porta's methods (spec 2.9) and APIcast's ANY.
const Names kRuleMethods = {"GET",   "POST", "DELETE",  "PUT",
                            "PATCH", "HEAD", "OPTIONS", "ANY"};
const Names kRequestKeys = {"service", "method", "host", "path",
                            "query",   "headers", "body"};
// What expect may check on a request step: the gateway's answer and what
// it sent the backend.
const Names kRequestExpectKeys = {"status", "headers", "body", "body_contains",
                                  "backend"};
const Names kBackendExpectKeys = {"authrep", "usage", "credentials"};

const Names kFeatures = {"virtual-clock"};
const Names kCredentials = {"provider_key", "service_token", "none"};
const Names kBackendVersions = {"1", "2", "oauth"};
const Names kServiceStates = {"active", "suspended"};
const Names kApplicationStates = {"active", "suspended", "pending"};
// The 3scale-options entries apisonator knows (spec 1, 3.3).
const Names kExtensions = {"no_body",       "rejection_reason_header",
                           "limit_headers", "hierarchy",
                           "flat_usage",    "list_app_keys"};
// mock_backend::Journal::EndpointOf().
const Names kJournalEndpoints = {"authorize",     "authrep", "oauth_authorize",
                                 "oauth_authrep", "report",  "internal",
                                 "control",       "other"};
// The parameters the harness sends unasked, which `omit` may leave out (the
// others are sent only when a step gives them).
const Names kDefaultParams = {"provider_key", "service_token", "service_id",
                              "app_id",       "app_key",       "user_key"};

Names PeriodNames() {
  Names names;
  for (const core::Period period : core::kAllPeriods) {
    names.emplace_back(core::ToString(period));
  }
  return names;
}

// apisonator's error codes (spec 3.5), from core's catalogue.
Names ErrorCodes() {
  namespace e = core::errors;
  Names codes;
  for (const core::BackendError& error :
       {e::ProviderKeyOrServiceTokenRequired(),
        e::ServiceIdMissing(),
        e::ServiceTokenInvalid("", ""),
        e::ProviderKeyInvalidOrServiceMissing(""),
        e::ProviderKeyInvalid(""),
        e::ServiceIdInvalid(""),
        e::AuthenticationError(),
        e::UserKeyInvalid(""),
        e::ApplicationNotFound(""),
        e::MetricInvalid(""),
        e::UsageValueInvalid("", ""),
        e::NotValidData(),
        e::BadRequest(),
        e::ContentTypeInvalid(""),
        e::TransactionsIsBlank(),
        e::TransactionsFormatInvalid(),
        e::TransactionsHasNilTransaction(),
        e::EndUsersNoLongerSupported(),
        e::TransactionTimestampTooOld(),
        e::TransactionTimestampTooNew()}) {
    if (std::find(codes.begin(), codes.end(), error.code) == codes.end()) {
      codes.push_back(error.code);
    }
  }
  return codes;
}

// The codes of 409 denials (3scale-rejection-reason).
Names RejectionCodes() {
  namespace r = core::rejections;
  Names codes;
  for (const core::Rejection& rejection :
       {r::ApplicationKeyInvalid("k"), r::ReferrerNotAllowed("r"),
        r::ApplicationNotActive(), r::ServiceNotActive(), r::LimitsExceeded(),
        r::OauthNotEnabled(), r::RedirectUrlInvalid("u"),
        r::RedirectUriInvalid("u")}) {
    if (std::find(codes.begin(), codes.end(), rejection.code) == codes.end()) {
      codes.push_back(rejection.code);
    }
  }
  return codes;
}

bool Contains(const Names& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "a string", "an integer", ...: what a TOML value is, for messages.
std::string_view Described(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "a value";
}

// "scenarios/a/b.toml" -> "a/b"; a file outside any scenarios/ directory is
// named by its file name: "/tmp/x.toml" -> "x".
std::string DefaultId(const std::string& origin) {
  std::string id = origin;
  const std::string marker = "scenarios/";
  size_t at = std::string::npos;
  for (size_t pos = id.find(marker); pos != std::string::npos;
       pos = id.find(marker, pos + 1)) {
    if (pos == 0 || id[pos - 1] == '/') at = pos;
  }
  if (at != std::string::npos) {
    id = id.substr(at + marker.size());
  } else if (const size_t slash = id.rfind('/'); slash != std::string::npos) {
    id = id.substr(slash + 1);
  }
  const std::string_view suffix = ".toml";
  if (id.size() > suffix.size() &&
      id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0) {
    id.resize(id.size() - suffix.size());
  }
  return id;
}

// ---- Reading TOML -----------------------------------------------------------

struct Entry {
  std::string name;
  const toml::key* key = nullptr;
  const toml::node* node = nullptr;
};

// A table's entries in the order they were written (toml++ sorts them by
// name): usage parameters are sent in this order, and errors are reported in
// it.
std::vector<Entry> InOrder(const toml::table& table) {
  std::vector<Entry> entries;
  for (auto&& [key, node] : table) {
    entries.push_back({std::string(key.str()), &key, &node});
  }
  std::stable_sort(
      entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        const toml::source_position pa = a.key->source().begin;
        const toml::source_position pb = b.key->source().begin;
        return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
      });
  return entries;
}

std::optional<Entry> Find(const toml::table& table, std::string_view name) {
  const auto it = table.find(name);
  if (it == table.end()) return std::nullopt;
  return Entry{std::string((*it).first.str()), &(*it).first, &(*it).second};
}

// A name and text value written as `name = value`, e.g. a usage entry.
struct TextEntry {
  std::string name;
  std::string value;
  SourceLocation where;  // Of the name.
};

// The names one step may use although the scenario does not define them.
struct StepScope {
  std::set<std::string> allow_unknown;
  bool Allows(const std::string& name) const {
    return allow_unknown.count(name) > 0;
  }
};

// What an allow_unknown hint says.
std::string AllowNote(std::string_view name) {
  return "add " + Quoted(name) +
         " to the step's allow_unknown to use it anyway";
}

// Builds a Scenario from a parsed TOML table. Remembers the first error found;
// every reading function returns false when it finds one.
class Loader {
 public:
  explicit Loader(std::string origin) : origin_(std::move(origin)) {}

  core::Result<Scenario> Load(const toml::table& root) {
    Scenario scenario;
    scenario.file = origin_;
    if (!ReadScenario(root, scenario)) return *error_;
    return scenario;
  }

  SourceLocation At(const toml::source_region& region) const {
    return SourceLocation{origin_, static_cast<int>(region.begin.line),
                          static_cast<int>(region.begin.column)};
  }

 private:
  SourceLocation At(const toml::node& node) const { return At(node.source()); }
  SourceLocation At(const toml::key& key) const { return At(key.source()); }

  // Records the error (the first one wins) and returns false.
  bool Fail(const SourceLocation& where, const std::string& message) {
    if (!error_) {
      error_ = core::Status::InvalidArgument(where.ToString() + ": " + message);
    }
    return false;
  }
  bool Expected(std::string_view what, const toml::node& node) {
    return Fail(At(node), "expected " + std::string(what) + ", got " +
                              std::string(Described(node.type())));
  }

  // ---- Typed values ----

  bool CheckKeys(const toml::table& table, const Names& allowed,
                 std::string_view context) {
    for (const Entry& entry : InOrder(table)) {
      const std::string& name = entry.name;
      if (Contains(allowed, name)) continue;
      const std::string where =
          context.empty() ? "unknown top-level key " : "unknown key ";
      return Fail(At(*entry.key),
                  where + Quoted(name) +
                      (context.empty() ? "" : " in " + std::string(context)) +
                      Hint(name, allowed));
    }
    return true;
  }

  bool ReadTable(const toml::node& node, const toml::table*& out) {
    out = node.as_table();
    return out != nullptr || Expected("a table", node);
  }

  bool ReadString(const toml::node& node, std::string& out) {
    if (const auto* value = node.as_string()) {
      out = value->get();
      return true;
    }
    return Expected("a string", node);
  }

  bool ReadString(const toml::node& node, std::optional<std::string>& out) {
    std::string value;
    if (!ReadString(node, value)) return false;
    out = std::move(value);
    return true;
  }

  // A string that must not be empty; `what` names it in the message.
  bool ReadName(const toml::node& node, std::string& out,
                std::string_view what) {
    if (!ReadString(node, out)) return false;
    if (out.empty()) {
      return Fail(At(node), std::string(what) + " must not be empty");
    }
    return true;
  }

  bool ReadInt(const toml::node& node, int64_t& out) {
    if (const auto* value = node.as_integer()) {
      out = value->get();
      return true;
    }
    return Expected("an integer", node);
  }

  bool ReadInt(const toml::node& node, std::optional<int64_t>& out) {
    int64_t value = 0;
    if (!ReadInt(node, value)) return false;
    out = value;
    return true;
  }

  // An integer that must not be negative; `what` names it.
  bool ReadCount(const toml::node& node, int64_t& out, std::string_view what) {
    if (!ReadInt(node, out)) return false;
    if (out < 0) {
      return Fail(At(node), std::string(what) + " must not be negative");
    }
    return true;
  }

  bool ReadBool(const toml::node& node, bool& out) {
    if (const auto* value = node.as_boolean()) {
      out = value->get();
      return true;
    }
    return Expected("a boolean", node);
  }

  bool ReadBool(const toml::node& node, std::optional<bool>& out) {
    bool value = false;
    if (!ReadBool(node, value)) return false;
    out = value;
    return true;
  }

  // Text sent or compared as is: a string, or an integer as its decimal text.
  bool ReadText(const toml::node& node, std::string& out) {
    if (const auto* text = node.as_string()) {
      out = text->get();
      return true;
    }
    if (const auto* number = node.as_integer()) {
      out = std::to_string(number->get());
      return true;
    }
    return Expected("a string or an integer", node);
  }

  bool ReadText(const toml::node& node, std::optional<std::string>& out) {
    std::string value;
    if (!ReadText(node, value)) return false;
    out = std::move(value);
    return true;
  }

  bool ReadStrings(const toml::node& node, std::vector<std::string>& out,
                   std::vector<SourceLocation>* where = nullptr) {
    const toml::array* array = node.as_array();
    if (array == nullptr) return Expected("an array of strings", node);
    for (const toml::node& element : *array) {
      std::string value;
      if (!ReadString(element, value)) return false;
      out.push_back(std::move(value));
      if (where != nullptr) where->push_back(At(element));
    }
    return true;
  }

  // Like ReadStrings(), but every string must be non-empty and appear once.
  bool ReadNames(const toml::node& node, std::vector<std::string>& out,
                 std::string_view what,
                 std::vector<SourceLocation>* where = nullptr) {
    std::vector<SourceLocation> locations;
    if (!ReadStrings(node, out, &locations)) return false;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i].empty()) {
        return Fail(locations[i], std::string(what) + " must not be empty");
      }
      for (size_t j = 0; j < i; ++j) {
        if (out[j] == out[i]) {
          return Fail(locations[i],
                      "duplicate " + std::string(what) + " " + Quoted(out[i]));
        }
      }
    }
    if (where != nullptr) *where = std::move(locations);
    return true;
  }

  // An array of tables: `x = [ {...}, {...} ]` or `[[...x]]` sections.
  bool ReadTables(const toml::node& node,
                  std::vector<const toml::table*>& out) {
    const toml::array* array = node.as_array();
    if (array == nullptr) return Expected("an array of tables", node);
    for (const toml::node& element : *array) {
      const toml::table* table = nullptr;
      if (!ReadTable(element, table)) return false;
      out.push_back(table);
    }
    return true;
  }

  // `{ name = value, ... }` with text values, in written order.
  bool ReadTextTable(const toml::node& node, std::vector<TextEntry>& out) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table)) return false;
    for (const Entry& entry : InOrder(*table)) {
      TextEntry text{entry.name, "", At(*entry.key)};
      if (!ReadText(*entry.node, text.value)) return false;
      out.push_back(std::move(text));
    }
    return true;
  }

  // Like ReadTextTable(), or an array of [name, value] pairs, which may
  // repeat a name.
  bool ReadPairs(const toml::node& node, std::vector<TextEntry>& out) {
    if (node.is_table()) return ReadTextTable(node, out);
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      return Expected("a table or an array of [name, value] pairs", node);
    }
    for (const toml::node& element : *array) {
      const toml::array* pair = element.as_array();
      if (pair == nullptr || pair->size() != 2) {
        return Fail(At(element),
                    "expected a [name, value] pair, got " +
                        std::string(pair == nullptr
                                        ? Described(element.type())
                                        : "an array of " +
                                              std::to_string(pair->size())));
      }
      TextEntry text{"", "", At(element)};
      if (!ReadString(*pair->get(0), text.name) ||
          !ReadText(*pair->get(1), text.value)) {
        return false;
      }
      out.push_back(std::move(text));
    }
    return true;
  }

  static ParamList ToParams(const std::vector<TextEntry>& entries) {
    ParamList params;
    for (const TextEntry& entry : entries) {
      params.emplace_back(entry.name, entry.value);
    }
    return params;
  }

  // A UTC time: an ISO 8601 string ("2024-05-15T10:20:30Z", core's
  // ParseIso8601) or a TOML offset date-time (2024-05-15T10:20:30Z).
  bool ReadTime(const toml::node& node, core::UtcTime& out) {
    if (const auto* text = node.as_string()) {
      const std::optional<core::UtcTime> time = core::ParseIso8601(text->get());
      if (!time) {
        return Fail(At(node), "invalid time " + Quoted(text->get()) +
                                  " (expected ISO 8601 in UTC, e.g. "
                                  "2024-05-15T10:20:30Z)");
      }
      out = *time;
      return true;
    }
    if (const auto* value = node.as_date_time()) {
      const toml::date_time& dt = value->get();
      if (!dt.offset) {
        return Fail(At(node), "a time needs its zone: add Z for UTC");
      }
      const std::chrono::year_month_day day{
          std::chrono::year(static_cast<int>(dt.date.year)),
          std::chrono::month(dt.date.month), std::chrono::day(dt.date.day)};
      out = core::UtcTime(std::chrono::sys_days(day).time_since_epoch()) +
            std::chrono::hours(dt.time.hour) +
            std::chrono::minutes(dt.time.minute) +
            std::chrono::seconds(dt.time.second) +
            std::chrono::milliseconds(dt.time.nanosecond / 1'000'000) -
            std::chrono::minutes(dt.offset->minutes);
      return true;
    }
    return Expected("a time (a string or a date-time)", node);
  }

  // One of a closed set of words, e.g. a credentials kind.
  bool ReadChoice(const toml::node& node, const Names& choices,
                  std::string_view what, std::string& out) {
    if (!ReadString(node, out)) return false;
    if (Contains(choices, out)) return true;
    return Fail(At(node), "unknown " + std::string(what) + " " + Quoted(out) +
                              Hint(out, choices));
  }

  // A state: 3scale accepts any word and treats every one but "active" as
  // not active, so any word goes, except a near miss of a usual one, which
  // is far more likely a typo than a test.
  bool ReadState(const toml::node& node, const Names& usual, std::string& out) {
    if (!ReadName(node, out, "state")) return false;
    if (Contains(usual, out)) return true;
    if (const std::optional<std::string> near = NearMiss(out, usual)) {
      return Fail(At(node), "unknown state " + Quoted(out) + " (did you mean " +
                                Quoted(*near) + "?)");
    }
    return true;
  }

  bool ReadCredentials(const toml::node& node, Credentials& out) {
    std::string word;
    if (!ReadChoice(node, kCredentials, "credentials", word)) return false;
    out = word == "provider_key"    ? Credentials::kProviderKey
          : word == "service_token" ? Credentials::kServiceToken
                                    : Credentials::kNone;
    return true;
  }

  // ---- Scenario ----

  bool ReadScenario(const toml::table& root, Scenario& s) {
    if (!CheckKeys(root, kTopKeys, "")) return false;
    s.id = DefaultId(origin_);
    if (const auto id = Find(root, "id")) {
      if (!ReadName(*id->node, s.id, "id")) return false;
    }
    if (const auto title = Find(root, "title")) {
      if (!ReadString(*title->node, s.title)) return false;
    }
    if (const auto tags = Find(root, "tags")) {
      if (!ReadNames(*tags->node, s.tags, "tag")) return false;
    }
    if (const auto spec = Find(root, "spec")) {
      if (!ReadString(*spec->node, s.spec)) return false;
    }
    if (const auto features = Find(root, "requires")) {
      std::vector<SourceLocation> where;
      if (!ReadNames(*features->node, s.requires_features, "feature", &where)) {
        return false;
      }
      for (size_t i = 0; i < s.requires_features.size(); ++i) {
        const std::string& feature = s.requires_features[i];
        if (!Contains(kFeatures, feature)) {
          return Fail(where[i], "unknown feature " + Quoted(feature) +
                                    Hint(feature, kFeatures));
        }
      }
    }
    if (const auto clock = Find(root, "clock")) {
      const toml::table* table = nullptr;
      if (!ReadTable(*clock->node, table) ||
          !CheckKeys(*table, kClockKeys, "[clock]")) {
        return false;
      }
      if (const auto start = Find(*table, "start")) {
        core::UtcTime time;
        if (!ReadTime(*start->node, time)) return false;
        s.clock_start = time;
      }
    }
    if (const auto services = Find(root, "services")) {
      if (!ReadServices(*services->node, s)) return false;
    }
    if (!ReadDefaults(root, s)) return false;
    if (const auto load = Find(root, "load")) {
      LoadSpec spec;
      if (!ReadLoad(*load->node, s, spec)) return false;
      s.load = std::move(spec);
    }
    const auto steps = Find(root, "steps");
    if (!steps && !s.load) {
      return Fail(At(root), "a scenario needs at least one [[steps]]");
    }
    std::vector<const toml::table*> tables;
    if (steps && !ReadTables(*steps->node, tables)) return false;
    if (steps && tables.empty()) {
      return Fail(At(*steps->node), "a scenario needs at least one step");
    }
    for (const toml::table* table : tables) {
      Step step;
      if (!ReadStep(*table, s, step)) return false;
      s.steps.push_back(std::move(step));
    }
    // Setting the calendar (a start time, a jump to a time) needs a target
    // whose clock the harness controls. `advance` does not: a live target
    // can wait, within the runner's bounds.
    bool sets_clock = s.clock_start.has_value();
    for (const Step& step : s.steps) {
      if (step.kind == Step::Kind::kClock && step.clock.at) sets_clock = true;
    }
    if (sets_clock && !Contains(s.requires_features, "virtual-clock")) {
      s.requires_features.push_back("virtual-clock");
    }
    return true;
  }

  // ---- Load ----

  bool ReadDurationMs(const toml::node& node, std::chrono::milliseconds& out,
                      std::string_view what) {
    std::string text;
    if (!ReadString(node, text)) return false;
    const core::Result<std::chrono::microseconds> parsed = core::ParseDuration(text);
    if (!parsed.ok()) return Fail(At(node), parsed.status().message());
    if (parsed.value().count() <= 0) {
      return Fail(At(node), std::string(what) + " must be positive, got " + Quoted(text));
    }
    out = std::chrono::duration_cast<std::chrono::milliseconds>(parsed.value());
    return true;
  }

  bool ReadNumber(const toml::node& node, double& out, std::string_view what) {
    if (const auto* i = node.as_integer()) {
      out = static_cast<double>(i->get());
    } else if (const auto* f = node.as_floating_point()) {
      out = f->get();
    } else {
      return Expected("a number", node);
    }
    if (out < 0) return Fail(At(node), std::string(what) + " must not be negative");
    return true;
  }

  bool ReadLoad(const toml::node& node, const Scenario& s, LoadSpec& load) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) || !CheckKeys(*table, kLoadKeys, "[load]")) return false;
    load.where = At(node);
    const auto duration = Find(*table, "duration");
    const auto rate = Find(*table, "rate");
    const auto stages = Find(*table, "stages");
    if (stages && (duration || rate)) {
      return Fail(At(*stages->node), "give either stages or duration and rate, not both");
    }
    if (stages) {
      std::vector<const toml::table*> tables;
      if (!ReadTables(*stages->node, tables)) return false;
      for (const toml::table* t : tables) {
        if (!CheckKeys(*t, kStageKeys, "a load stage")) return false;
        LoadStage stage;
        const auto d = Find(*t, "duration");
        const auto r = Find(*t, "rate");
        if (!d || !r) return Fail(At(*t), "a load stage needs duration and rate");
        if (!ReadDurationMs(*d->node, stage.duration, "duration") ||
            !ReadNumber(*r->node, stage.rate_per_s, "rate")) {
          return false;
        }
        if (const auto to = Find(*t, "to_rate")) {
          double v = 0;
          if (!ReadNumber(*to->node, v, "to_rate")) return false;
          stage.to_rate_per_s = v;
        }
        load.stages.push_back(stage);
      }
    } else {
      if (!duration || !rate) {
        return Fail(At(node), "[load] needs duration and rate, or stages");
      }
      LoadStage stage;
      if (!ReadDurationMs(*duration->node, stage.duration, "duration") ||
          !ReadNumber(*rate->node, stage.rate_per_s, "rate")) {
        return false;
      }
      load.stages.push_back(stage);
    }
    if (const auto c = Find(*table, "connections")) {
      int64_t n = 0;
      if (!ReadCount(*c->node, n, "connections")) return false;
      load.connections = static_cast<int>(n);
    }
    if (const auto t = Find(*table, "timeout")) {
      if (!ReadDurationMs(*t->node, load.timeout, "timeout")) return false;
    }
    if (const auto lc = Find(*table, "limit_check")) {
      std::string word;
      if (!ReadChoice(*lc->node, kLimitChecks, "limit check", word)) return false;
      load.limit_check = word == "strict"    ? LimitCheck::kStrict
                         : word == "lenient" ? LimitCheck::kLenient
                                             : LimitCheck::kOff;
    }
    const auto mix = Find(*table, "mix");
    if (!mix) return Fail(At(node), "[load] needs a mix of calls ([[load.mix]])");
    std::vector<const toml::table*> calls;
    if (!ReadTables(*mix->node, calls)) return false;
    for (const toml::table* t : calls) {
      if (!CheckKeys(*t, kMixKeys, "[[load.mix]]")) return false;
      LoadCall call;
      const auto kind = Find(*t, "call");
      if (!kind) return Fail(At(*t), "a load call needs call = \"authrep\" (or another kind)");
      std::string word;
      if (!ReadChoice(*kind->node, kCallKinds, "call", word)) return false;
      call.kind = word == "authorize"         ? CallKind::kAuthorize
                  : word == "authrep"         ? CallKind::kAuthrep
                  : word == "oauth_authorize" ? CallKind::kOauthAuthorize
                  : word == "oauth_authrep"   ? CallKind::kOauthAuthrep
                                              : CallKind::kReport;
      if (const auto w = Find(*t, "weight")) {
        if (!ReadNumber(*w->node, call.weight, "weight")) return false;
      }
      if (const auto u = Find(*t, "usage")) {
        std::vector<TextEntry> entries;
        if (!ReadTextTable(*u->node, entries)) return false;
        call.usage = ToParams(entries);
      }
      if (const auto e = Find(*t, "extensions")) {
        std::vector<TextEntry> entries;
        if (!ReadTextTable(*e->node, entries)) return false;
        call.extensions = ToParams(entries);
      }
      if (const auto n = Find(*t, "transactions")) {
        int64_t count = 0;
        if (!ReadCount(*n->node, count, "transactions")) return false;
        call.transactions = static_cast<int>(count);
      }
      load.mix.push_back(std::move(call));
    }
    if (load.mix.empty()) return Fail(At(*mix->node), "[load] needs at least one call in mix");
    if (const auto p = Find(*table, "populations")) {
      std::vector<const toml::table*> tables;
      if (!ReadTables(*p->node, tables)) return false;
      for (const toml::table* t : tables) {
        if (!CheckKeys(*t, kPopulationKeys, "[[load.populations]]")) return false;
        LoadPopulation population;
        population.service = s.defaults.service;
        if (const auto v = Find(*t, "service")) {
          if (!ReadName(*v->node, population.service, "service")) return false;
          if (FindService(s, population.service) == nullptr) {
            return Fail(At(*v->node), "unknown service " + Quoted(population.service));
          }
        }
        const ServiceSpec* service = FindService(s, population.service);
        if (service == nullptr) return Fail(At(*t), "a population needs a service");
        if (const auto v = Find(*t, "plan")) {
          if (!ReadName(*v->node, population.plan, "plan")) return false;
        } else if (!service->plans.empty()) {
          population.plan = service->plans.front().id;
        }
        const bool known_plan =
            std::any_of(service->plans.begin(), service->plans.end(),
                        [&](const PlanSpec& plan) { return plan.id == population.plan; });
        if (!known_plan) {
          return Fail(At(*t), "unknown plan " + Quoted(population.plan) + " in service " +
                                  Quoted(service->id));
        }
        if (const auto v = Find(*t, "count")) {
          if (!ReadCount(*v->node, population.count, "count")) return false;
        }
        if (const auto v = Find(*t, "id_prefix")) {
          if (!ReadName(*v->node, population.id_prefix, "id_prefix")) return false;
        }
        if (const auto v = Find(*t, "with_keys")) {
          if (!ReadBool(*v->node, population.with_keys)) return false;
        }
        if (const auto v = Find(*t, "choice")) {
          std::string word;
          if (!ReadChoice(*v->node, kChoices, "choice", word)) return false;
          population.choice = word == "zipf" ? LoadPopulation::Choice::kZipf
                                             : LoadPopulation::Choice::kUniform;
        }
        if (const auto v = Find(*t, "zipf_exponent")) {
          if (!ReadNumber(*v->node, population.zipf_exponent, "zipf_exponent")) return false;
        }
        load.populations.push_back(population);
      }
    }
    if (const auto th = Find(*table, "thresholds")) {
      const toml::table* t = nullptr;
      if (!ReadTable(*th->node, t) || !CheckKeys(*t, kThresholdKeys, "[load.thresholds]")) {
        return false;
      }
      double v = 0;
      if (const auto p99 = Find(*t, "p99_ms")) {
        if (!ReadNumber(*p99->node, v, "p99_ms")) return false;
        load.thresholds.p99_ms = v;
      }
      if (const auto e = Find(*t, "error_rate")) {
        if (!ReadNumber(*e->node, v, "error_rate")) return false;
        if (v > 1) return Fail(At(*e->node), "error_rate is a fraction in [0, 1]");
        load.thresholds.error_rate = v;
      }
      if (const auto m = Find(*t, "min_rate")) {
        if (!ReadNumber(*m->node, v, "min_rate")) return false;
        load.thresholds.min_rate = v;
      }
    }
    return true;
  }

  // ---- Fixture ----

  bool ReadServices(const toml::node& node, Scenario& s) {
    std::vector<const toml::table*> tables;
    if (!ReadTables(node, tables)) return false;
    // Provider key -> the service that explicitly claims to be its default.
    std::map<std::string, std::string> explicit_default;
    for (const toml::table* table : tables) {
      ServiceSpec service;
      service.where = At(*table);
      if (!CheckKeys(*table, kServiceKeys, "[[services]]")) return false;
      const auto id = Find(*table, "id");
      if (!id) return Fail(service.where, "a service needs an id");
      if (!ReadName(*id->node, service.id, "service id")) return false;
      for (const ServiceSpec& other : s.services) {
        if (other.id == service.id) {
          return Fail(At(*id->node), "duplicate service id " +
                                         Quoted(service.id) + " (first at " +
                                         LineColumn(other.where) + ")");
        }
      }
      const auto provider_key = Find(*table, "provider_key");
      if (!provider_key) {
        return Fail(service.where,
                    "service " + Quoted(service.id) + " needs a provider_key");
      }
      if (!ReadName(*provider_key->node, service.provider_key,
                    "provider_key")) {
        return false;
      }
      if (const auto version = Find(*table, "backend_version")) {
        if (!ReadChoice(*version->node, kBackendVersions, "backend_version",
                        service.backend_version)) {
          return false;
        }
      }
      if (const auto state = Find(*table, "state")) {
        if (!ReadState(*state->node, kServiceStates, service.state)) {
          return false;
        }
      }
      if (const auto required = Find(*table, "referrer_filters_required")) {
        if (!ReadBool(*required->node, service.referrer_filters_required)) {
          return false;
        }
      }
      if (const auto is_default = Find(*table, "default_service")) {
        if (!ReadBool(*is_default->node, service.default_service)) {
          return false;
        }
        if (service.default_service) {
          auto [it, inserted] =
              explicit_default.emplace(service.provider_key, service.id);
          if (!inserted) {
            return Fail(At(*is_default->node),
                        "provider key " + Quoted(service.provider_key) +
                            " already has default service " +
                            Quoted(it->second));
          }
        }
      }
      if (const auto tokens = Find(*table, "service_tokens")) {
        if (!ReadNames(*tokens->node, service.service_tokens,
                       "service token")) {
          return false;
        }
      }
      if (const auto metrics = Find(*table, "metrics")) {
        if (!ReadMetrics(*metrics->node, service)) return false;
      }
      if (const auto plans = Find(*table, "plans")) {
        if (!ReadPlans(*plans->node, service)) return false;
      }
      if (const auto applications = Find(*table, "applications")) {
        if (!ReadApplications(*applications->node, service)) return false;
      }
      if (const auto gateway = Find(*table, "gateway")) {
        if (!ReadGateway(*gateway->node, service)) return false;
      }
      s.services.push_back(std::move(service));
    }
    return true;
  }

  static Names MetricNames(const ServiceSpec& service) {
    Names names;
    for (const MetricSpec& metric : service.metrics) {
      names.push_back(metric.name);
    }
    return names;
  }

  bool ReadMetrics(const toml::node& node, ServiceSpec& service) {
    std::vector<const toml::table*> tables;
    if (!ReadTables(node, tables)) return false;
    std::vector<SourceLocation> parent_at;
    for (size_t i = 0; i < tables.size(); ++i) {
      const toml::table& table = *tables[i];
      MetricSpec metric;
      metric.where = At(table);
      if (!CheckKeys(table, kMetricKeys, "metric")) return false;
      const auto name = Find(table, "name");
      if (!name) return Fail(metric.where, "a metric needs a name");
      if (!ReadName(*name->node, metric.name, "metric name")) return false;
      // Metrics without an id are numbered by their position: 1, 2, ...
      metric.id = std::to_string(i + 1);
      SourceLocation id_at = metric.where;
      if (const auto id = Find(table, "id")) {
        if (!ReadName(*id->node, metric.id, "metric id")) return false;
        id_at = At(*id->node);
      }
      for (const MetricSpec& other : service.metrics) {
        if (other.name == metric.name) {
          return Fail(At(*name->node), "duplicate metric " +
                                           Quoted(metric.name) + " (first at " +
                                           LineColumn(other.where) + ")");
        }
        if (other.id == metric.id) {
          return Fail(id_at, "duplicate metric id " + Quoted(metric.id) +
                                 " (also metric " + Quoted(other.name) +
                                 "; metrics without an id are numbered by "
                                 "position)");
        }
      }
      parent_at.push_back(metric.where);
      if (const auto parent = Find(table, "parent")) {
        if (!ReadName(*parent->node, metric.parent, "parent")) return false;
        parent_at.back() = At(*parent->node);
      }
      service.metrics.push_back(std::move(metric));
    }
    // Parents may be listed after their children.
    const Names names = MetricNames(service);
    for (size_t i = 0; i < service.metrics.size(); ++i) {
      const MetricSpec& metric = service.metrics[i];
      if (metric.parent.empty()) continue;
      if (!Contains(names, metric.parent)) {
        return Fail(parent_at[i], "unknown metric " + Quoted(metric.parent) +
                                      Hint(metric.parent, names));
      }
      // Walk up: a hierarchy has no loops.
      std::string ancestor = metric.parent;
      for (size_t depth = 0; !ancestor.empty(); ++depth) {
        if (ancestor == metric.name || depth > service.metrics.size()) {
          return Fail(parent_at[i], "metric " + Quoted(metric.name) +
                                        " would be its own ancestor");
        }
        const auto it = std::find_if(
            service.metrics.begin(), service.metrics.end(),
            [&](const MetricSpec& m) { return m.name == ancestor; });
        ancestor = it == service.metrics.end() ? "" : it->parent;
      }
    }
    return true;
  }

  bool ReadPlans(const toml::node& node, ServiceSpec& service) {
    std::vector<const toml::table*> tables;
    if (!ReadTables(node, tables)) return false;
    const Names metric_names = MetricNames(service);
    const Names period_names = PeriodNames();
    for (const toml::table* table : tables) {
      PlanSpec plan;
      plan.where = At(*table);
      if (!CheckKeys(*table, kPlanKeys, "[[services.plans]]")) return false;
      const auto id = Find(*table, "id");
      if (!id) return Fail(plan.where, "a plan needs an id");
      if (!ReadName(*id->node, plan.id, "plan id")) return false;
      for (const PlanSpec& other : service.plans) {
        if (other.id == plan.id) {
          return Fail(At(*id->node), "duplicate plan id " + Quoted(plan.id) +
                                         " (first at " +
                                         LineColumn(other.where) + ")");
        }
      }
      plan.name = plan.id;
      if (const auto name = Find(*table, "name")) {
        if (!ReadString(*name->node, plan.name)) return false;
      }
      if (const auto limits = Find(*table, "limits")) {
        const toml::table* by_metric = nullptr;
        if (!ReadTable(*limits->node, by_metric)) return false;
        for (const Entry& metric : InOrder(*by_metric)) {
          const std::string& metric_name = metric.name;
          if (!Contains(metric_names, metric_name)) {
            return Fail(At(*metric.key), "unknown metric " +
                                             Quoted(metric_name) +
                                             Hint(metric_name, metric_names));
          }
          const toml::table* by_period = nullptr;
          if (!ReadTable(*metric.node, by_period)) return false;
          for (const Entry& period : InOrder(*by_period)) {
            UsageLimitSpec limit;
            limit.metric = metric_name;
            limit.where = At(*period.key);
            const std::optional<core::Period> parsed =
                core::ParsePeriod(period.name);
            if (!parsed) {
              return Fail(limit.where, "unknown period " + Quoted(period.name) +
                                           Hint(period.name, period_names));
            }
            limit.period = *parsed;
            if (!ReadCount(*period.node, limit.max_value, "max_value")) {
              return false;
            }
            plan.limits.push_back(std::move(limit));
          }
        }
      }
      service.plans.push_back(std::move(plan));
    }
    return true;
  }

  bool ReadApplications(const toml::node& node, ServiceSpec& service) {
    std::vector<const toml::table*> tables;
    if (!ReadTables(node, tables)) return false;
    Names plan_ids;
    for (const PlanSpec& plan : service.plans) plan_ids.push_back(plan.id);
    for (const toml::table* table : tables) {
      ApplicationSpec app;
      app.where = At(*table);
      if (!CheckKeys(*table, kApplicationKeys, "[[services.applications]]")) {
        return false;
      }
      const auto id = Find(*table, "id");
      if (!id) return Fail(app.where, "an application needs an id");
      if (!ReadName(*id->node, app.id, "application id")) return false;
      for (const ApplicationSpec& other : service.applications) {
        if (other.id == app.id) {
          return Fail(At(*id->node), "duplicate application id " +
                                         Quoted(app.id) + " (first at " +
                                         LineColumn(other.where) + ")");
        }
      }
      // Without a plan, an application is on its service's first plan.
      if (!service.plans.empty()) app.plan = service.plans.front().id;
      if (const auto plan = Find(*table, "plan")) {
        if (!ReadName(*plan->node, app.plan, "plan")) return false;
        if (!Contains(plan_ids, app.plan)) {
          return Fail(At(*plan->node), "unknown plan " + Quoted(app.plan) +
                                           Hint(app.plan, plan_ids));
        }
      }
      if (const auto plan_name = Find(*table, "plan_name")) {
        if (!ReadString(*plan_name->node, app.plan_name)) return false;
      }
      if (const auto state = Find(*table, "state")) {
        if (!ReadState(*state->node, kApplicationStates, app.state)) {
          return false;
        }
      }
      if (const auto keys = Find(*table, "keys")) {
        if (!ReadNames(*keys->node, app.keys, "application key")) {
          return false;
        }
      }
      if (const auto user_key = Find(*table, "user_key")) {
        if (!ReadName(*user_key->node, app.user_key, "user_key")) {
          return false;
        }
        for (const ApplicationSpec& other : service.applications) {
          if (other.user_key == app.user_key) {
            return Fail(At(*user_key->node),
                        "user_key " + Quoted(app.user_key) +
                            " already belongs to application " +
                            Quoted(other.id));
          }
        }
      }
      if (const auto filters = Find(*table, "referrer_filters")) {
        if (!ReadNames(*filters->node, app.referrer_filters,
                       "referrer filter")) {
          return false;
        }
      }
      if (const auto redirect_url = Find(*table, "redirect_url")) {
        if (!ReadString(*redirect_url->node, app.redirect_url)) return false;
      }
      service.applications.push_back(std::move(app));
    }
    return true;
  }

  // ---- Gateway ----

  bool ReadGatewayError(const toml::node& node, core::GatewayError& error) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) ||
        !CheckKeys(*table, kGatewayErrorKeys, "a gateway error")) {
      return false;
    }
    if (const auto status = Find(*table, "status")) {
      int64_t code = 0;
      if (!ReadInt(*status->node, code)) return false;
      if (code < 100 || code > 599) {
        return Fail(At(*status->node),
                    "status must be an HTTP status (100 to 599), got " +
                        std::to_string(code));
      }
      error.status = static_cast<int>(code);
    }
    if (const auto type = Find(*table, "content_type")) {
      if (!ReadString(*type->node, error.content_type)) return false;
    }
    if (const auto body = Find(*table, "body")) {
      if (!ReadString(*body->node, error.body)) return false;
    }
    return true;
  }

  bool ReadMappingRule(const toml::table& table, const ServiceSpec& service,
                       GatewaySpec& gateway) {
    if (!CheckKeys(table, kMappingRuleKeys, "a mapping rule")) return false;
    core::MappingRule rule;
    rule.delta = 1;
    if (const auto method = Find(table, "method")) {
      if (!ReadChoice(*method->node, kRuleMethods, "http method", rule.http_method)) {
        return false;
      }
    }
    const auto pattern = Find(table, "pattern");
    if (!pattern) return Fail(At(table), "a mapping rule needs a pattern");
    if (!ReadString(*pattern->node, rule.pattern)) return false;
    if (rule.pattern.empty() || rule.pattern[0] != '/') {
      return Fail(At(*pattern->node), "a mapping rule pattern must start with '/', got " +
                                          Quoted(rule.pattern));
    }
    const auto metric = Find(table, "metric");
    if (!metric) return Fail(At(table), "a mapping rule needs a metric");
    if (!ReadName(*metric->node, rule.metric_system_name, "metric")) return false;
    const Names names = MetricNames(service);
    if (!Contains(names, rule.metric_system_name)) {
      return Fail(At(*metric->node), "unknown metric " + Quoted(rule.metric_system_name) +
                                         Hint(rule.metric_system_name, names));
    }
    if (const auto delta = Find(table, "delta")) {
      if (!ReadInt(*delta->node, rule.delta)) return false;
    }
    if (const auto last = Find(table, "last")) {
      if (!ReadBool(*last->node, rule.last)) return false;
    }
    if (const auto parameters = Find(table, "parameters")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*parameters->node, entries)) return false;
      for (const TextEntry& entry : entries) {
        rule.querystring_parameters.emplace_back(entry.name, entry.value);
      }
    }
    gateway.mapping_rules.push_back(std::move(rule));
    gateway.mapping_rule_where.push_back(At(table));
    return true;
  }

  bool ReadGateway(const toml::node& node, ServiceSpec& service) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) ||
        !CheckKeys(*table, kGatewayKeys, "[services.gateway]")) {
      return false;
    }
    GatewaySpec gateway;
    gateway.where = At(*table);
    if (service.backend_version == "oauth") {
      return Fail(gateway.where,
                  "the gateway model does not cover OIDC (backend_version "
                  "\"oauth\"); use \"1\" or \"2\"");
    }
    if (const auto hosts = Find(*table, "hosts")) {
      gateway.hosts.clear();
      std::vector<SourceLocation> where;
      if (!ReadNames(*hosts->node, gateway.hosts, "host", &where)) return false;
      for (size_t i = 0; i < gateway.hosts.size(); ++i) {
        for (const char c : gateway.hosts[i]) {
          if (c >= 'A' && c <= 'Z') {
            return Fail(where[i], "host " + Quoted(gateway.hosts[i]) +
                                      " must be lower case (APIcast compares it "
                                      "with the lowercased Host)");
          }
        }
      }
    }
    if (const auto location = Find(*table, "credentials_location")) {
      std::string word;
      if (!ReadChoice(*location->node, kCredentialsLocations, "credentials_location",
                      word)) {
        return false;
      }
      gateway.credentials_location =
          word == "query"     ? core::CredentialsLocation::kQuery
          : word == "headers" ? core::CredentialsLocation::kHeaders
                              : core::CredentialsLocation::kAuthorization;
    }
    for (const auto& [key, field] :
         {std::pair{"auth_user_key", &gateway.auth_user_key},
          std::pair{"auth_app_id", &gateway.auth_app_id},
          std::pair{"auth_app_key", &gateway.auth_app_key}}) {
      if (const auto entry = Find(*table, key)) {
        if (!ReadName(*entry->node, *field, key)) return false;
      }
    }
    gateway.backend_authentication =
        service.service_tokens.empty() ? "provider_key" : "service_token";
    if (const auto auth = Find(*table, "backend_authentication")) {
      if (!ReadChoice(*auth->node, kBackendAuthentications, "backend_authentication",
                      gateway.backend_authentication)) {
        return false;
      }
      if (gateway.backend_authentication == "service_token" &&
          service.service_tokens.empty()) {
        return Fail(At(*auth->node), "service " + Quoted(service.id) +
                                         " has no service_tokens to authenticate with");
      }
    }
    if (const auto rules = Find(*table, "mapping_rules")) {
      std::vector<const toml::table*> tables;
      if (!ReadTables(*rules->node, tables)) return false;
      for (const toml::table* rule : tables) {
        if (!ReadMappingRule(*rule, service, gateway)) return false;
      }
    }
    if (const auto upstream = Find(*table, "upstream")) {
      if (!ReadBool(*upstream->node, gateway.upstream)) return false;
    }
    for (const auto& [key, field] :
         {std::pair{"error_auth_missing", &gateway.errors.auth_missing},
          std::pair{"error_auth_failed", &gateway.errors.auth_failed},
          std::pair{"error_limits_exceeded", &gateway.errors.limits_exceeded},
          std::pair{"error_no_match", &gateway.errors.no_match}}) {
      if (const auto entry = Find(*table, key)) {
        if (!ReadGatewayError(*entry->node, *field)) return false;
      }
    }
    service.gateway = std::move(gateway);
    return true;
  }

  bool ReadRequest(const toml::node& node, const Scenario& s, const StepScope& scope,
                   GatewayRequestStep& request) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) || !CheckKeys(*table, kRequestKeys, "request")) {
      return false;
    }
    request.service = s.defaults.service;
    SourceLocation service_at = At(*table);
    if (const auto service = Find(*table, "service")) {
      if (!ReadName(*service->node, request.service, "service")) return false;
      service_at = At(*service->node);
    }
    const ServiceSpec* service = nullptr;
    if (request.service.empty()) {
      return Fail(service_at, "a request needs a service behind the gateway");
    }
    if (!CheckService(s, request.service, service_at, scope, service)) return false;
    if (service != nullptr && !service->gateway) {
      return Fail(service_at, "service " + Quoted(request.service) +
                                  " is not behind the gateway (give it a "
                                  "[services.gateway] table)");
    }
    if (const auto method = Find(*table, "method")) {
      if (!ReadName(*method->node, request.method, "method")) return false;
    }
    if (const auto host = Find(*table, "host")) {
      if (!ReadString(*host->node, request.host)) return false;
    } else if (service != nullptr && !service->gateway->hosts.empty()) {
      request.host = service->gateway->hosts.front();
    } else {
      request.host = "localhost";
    }
    if (const auto path = Find(*table, "path")) {
      if (!ReadString(*path->node, request.path)) return false;
      if (request.path.empty() || request.path[0] != '/') {
        return Fail(At(*path->node), "a request path must start with '/', got " +
                                         Quoted(request.path));
      }
      if (request.path.find_first_of("?# ") != std::string::npos) {
        return Fail(At(*path->node),
                    "a request path has no '?', '#' or space (put the query "
                    "in query, escape the rest)");
      }
    }
    if (const auto query = Find(*table, "query")) {
      if (!ReadString(*query->node, request.query)) return false;
      if (!request.query.empty() && request.query[0] == '?') {
        return Fail(At(*query->node), "query is written without the leading '?'");
      }
    }
    if (const auto headers = Find(*table, "headers")) {
      std::vector<TextEntry> entries;
      if (!ReadPairs(*headers->node, entries)) return false;
      for (TextEntry& entry : entries) {
        if (EqualsIgnoreCaseAscii(entry.name, "host")) {
          return Fail(entry.where, "give the Host header as host = \"...\"");
        }
        request.headers.emplace_back(std::move(entry.name), std::move(entry.value));
      }
    }
    if (const auto body = Find(*table, "body")) {
      if (!ReadString(*body->node, request.body)) return false;
    }
    return true;
  }

  static bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      const auto lower = [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      };
      if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
  }

  bool ReadBackendExpectation(const toml::node& node, const ServiceSpec* service,
                              const StepScope& scope,
                              Expectation::BackendExpectation& out) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) ||
        !CheckKeys(*table, kBackendExpectKeys, "expect.backend")) {
      return false;
    }
    if (const auto count = Find(*table, "authrep")) {
      int64_t n = 0;
      if (!ReadCount(*count->node, n, "authrep")) return false;
      out.authrep = n;
    }
    if (const auto usage = Find(*table, "usage")) {
      std::map<std::string, int64_t> values;
      const toml::table* by_metric = nullptr;
      if (!ReadTable(*usage->node, by_metric)) return false;
      for (const Entry& entry : InOrder(*by_metric)) {
        if (!CheckMetric(service, entry.name, At(*entry.key), scope)) return false;
        int64_t value = 0;
        if (!ReadInt(*entry.node, value)) return false;
        values[entry.name] = value;
      }
      out.usage = std::move(values);
    }
    if (const auto credentials = Find(*table, "credentials")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*credentials->node, entries)) return false;
      const Names known = {"user_key", "app_id", "app_key"};
      for (TextEntry& entry : entries) {
        if (!Contains(known, entry.name)) {
          return Fail(entry.where, "unknown credential " + Quoted(entry.name) +
                                       Hint(entry.name, known));
        }
        out.credentials[entry.name] = std::move(entry.value);
      }
    }
    if (out.authrep && *out.authrep == 0 && (out.usage || !out.credentials.empty())) {
      return Fail(At(*table), "authrep = 0 contradicts usage and credentials");
    }
    return true;
  }

  // ---- Lookups ----

  static const ServiceSpec* FindService(const Scenario& s,
                                        std::string_view id) {
    for (const ServiceSpec& service : s.services) {
      if (service.id == id) return &service;
    }
    return nullptr;
  }

  static const ApplicationSpec* FindApp(const ServiceSpec& service,
                                        std::string_view id) {
    for (const ApplicationSpec& app : service.applications) {
      if (app.id == id) return &app;
    }
    return nullptr;
  }

  static const PlanSpec* FindPlan(const ServiceSpec& service,
                                  std::string_view id) {
    for (const PlanSpec& plan : service.plans) {
      if (plan.id == id) return &plan;
    }
    return nullptr;
  }

  static Names ServiceIds(const Scenario& s) {
    Names ids;
    for (const ServiceSpec& service : s.services) ids.push_back(service.id);
    return ids;
  }

  static Names AppIds(const ServiceSpec& service) {
    Names ids;
    for (const ApplicationSpec& app : service.applications) {
      ids.push_back(app.id);
    }
    return ids;
  }

  // The application a step of `service` uses when it names none: the
  // default app on the default service, else the service's first one.
  static std::string DefaultApp(const Scenario& s, const std::string& service) {
    if (service == s.defaults.service) return s.defaults.app;
    const ServiceSpec* spec = FindService(s, service);
    if (spec == nullptr || spec->applications.empty()) return "";
    return spec->applications.front().id;
  }

  bool ReadDefaults(const toml::table& root, Scenario& s) {
    const auto defaults = Find(root, "defaults");
    const toml::table* table = nullptr;
    if (defaults && (!ReadTable(*defaults->node, table) ||
                     !CheckKeys(*table, kDefaultsKeys, "[defaults]"))) {
      return false;
    }
    const auto field = [&](std::string_view name) -> std::optional<Entry> {
      return table == nullptr ? std::nullopt : Find(*table, name);
    };
    if (!s.services.empty()) s.defaults.service = s.services.front().id;
    if (const auto service = field("service")) {
      if (!ReadName(*service->node, s.defaults.service, "service")) {
        return false;
      }
      if (FindService(s, s.defaults.service) == nullptr) {
        return Fail(At(*service->node),
                    "unknown service " + Quoted(s.defaults.service) +
                        Hint(s.defaults.service, ServiceIds(s)));
      }
    }
    const ServiceSpec* service = FindService(s, s.defaults.service);
    if (service != nullptr && !service->applications.empty()) {
      s.defaults.app = service->applications.front().id;
    }
    if (const auto app = field("app")) {
      if (!ReadName(*app->node, s.defaults.app, "app")) return false;
      if (service == nullptr || FindApp(*service, s.defaults.app) == nullptr) {
        return Fail(At(*app->node),
                    "unknown application " + Quoted(s.defaults.app) +
                        " in service " + Quoted(s.defaults.service) +
                        Hint(s.defaults.app,
                             service == nullptr ? Names{} : AppIds(*service)));
      }
    }
    if (const auto credentials = field("credentials")) {
      if (!ReadCredentials(*credentials->node, s.defaults.credentials)) {
        return false;
      }
    }
    return true;
  }

  // ---- References from steps ----
  //
  // A step may name services, applications and metrics the fixture does not
  // define only if it lists them in allow_unknown: sending them by mistake
  // is far more common than on purpose.

  // Sets `out` to the service, or to nullptr when it is unknown but allowed.
  bool CheckService(const Scenario& s, const std::string& id,
                    const SourceLocation& where, const StepScope& scope,
                    const ServiceSpec*& out) {
    out = FindService(s, id);
    if (out != nullptr || scope.Allows(id)) return true;
    return Fail(where, "unknown service " + Quoted(id) +
                           Hint(id, ServiceIds(s), AllowNote(id)));
  }

  // `service` nullptr: an unknown service, whose applications are unknown.
  bool CheckApp(const Scenario& s, const ServiceSpec* service,
                const std::string& app, const SourceLocation& where,
                const StepScope& scope) {
    if (service == nullptr || scope.Allows(app) ||
        FindApp(*service, app) != nullptr) {
      return true;
    }
    for (const ServiceSpec& other : s.services) {
      if (FindApp(other, app) != nullptr) {
        return Fail(where, "application " + Quoted(app) +
                               " belongs to service " + Quoted(other.id) +
                               ", not " + Quoted(service->id) +
                               " (set service = \"" + other.id + "\", or " +
                               AllowNote(app) + ")");
      }
    }
    return Fail(where, "unknown application " + Quoted(app) +
                           Hint(app, AppIds(*service), AllowNote(app)));
  }

  bool CheckMetric(const ServiceSpec* service, const std::string& metric,
                   const SourceLocation& where, const StepScope& scope) {
    if (service == nullptr || scope.Allows(metric)) return true;
    const Names names = MetricNames(*service);
    if (Contains(names, metric)) return true;
    return Fail(where, "unknown metric " + Quoted(metric) +
                           Hint(metric, names, AllowNote(metric)));
  }

  bool CheckWord(const Names& known, std::string_view what,
                 const std::string& word, const SourceLocation& where,
                 const StepScope& scope) {
    if (Contains(known, word) || scope.Allows(word)) return true;
    return Fail(where, "unknown " + std::string(what) + " " + Quoted(word) +
                           Hint(word, known, AllowNote(word)));
  }

  // "hits/day" (split at the last '/'): a metric of `service` and a period.
  bool ReadMetricPeriod(const ServiceSpec* service, const std::string& key,
                        const SourceLocation& where, const StepScope& scope,
                        std::string& metric, core::Period& period) {
    const size_t slash = key.rfind('/');
    if (slash == std::string::npos || slash == 0) {
      return Fail(where, "expected 'metric/period', e.g. 'hits/day', got " +
                             Quoted(key));
    }
    metric = key.substr(0, slash);
    const std::string period_name = key.substr(slash + 1);
    const std::optional<core::Period> parsed = core::ParsePeriod(period_name);
    if (!parsed) {
      return Fail(where, "unknown period " + Quoted(period_name) +
                             Hint(period_name, PeriodNames()));
    }
    period = *parsed;
    return CheckMetric(service, metric, where, scope);
  }

  // ---- Steps ----

  bool ReadStep(const toml::table& table, const Scenario& s, Step& step) {
    step.where = At(table);
    step.expect.where = step.where;
    if (!CheckKeys(table, kStepKeys, "[[steps]]")) return false;
    if (const auto name = Find(table, "name")) {
      if (!ReadString(*name->node, step.name)) return false;
    }
    StepScope scope;
    if (const auto allow = Find(table, "allow_unknown")) {
      std::vector<std::string> names;
      if (!ReadNames(*allow->node, names, "name")) return false;
      scope.allow_unknown.insert(names.begin(), names.end());
    }
    std::vector<Entry> kinds;
    for (const Entry& entry : InOrder(table)) {
      if (Contains(kStepKinds, entry.name)) kinds.push_back(entry);
    }
    if (kinds.empty()) {
      return Fail(step.where, "a step needs one of " + Joined(kStepKinds));
    }
    if (kinds.size() > 1) {
      return Fail(At(*kinds[1].key),
                  "a step does one thing, but this one has " +
                      Quoted(kinds[0].name) + " and " + Quoted(kinds[1].name) +
                      " (split it into two steps)");
    }
    const std::string& kind = kinds[0].name;
    const toml::node& body = *kinds[0].node;
    std::string service;  // For expectations on usage reports.
    if (kind == "raw") {
      step.kind = Step::Kind::kRaw;
      if (!ReadRaw(body, step.raw)) return false;
      service = s.defaults.service;
    } else if (kind == "advance" || kind == "at") {
      step.kind = Step::Kind::kClock;
      if (!ReadClock(kind, body, step.clock)) return false;
    } else if (kind == "check") {
      step.kind = Step::Kind::kCheck;
      if (!ReadCheck(body, s, scope, step.check)) return false;
    } else if (kind == "request") {
      step.kind = Step::Kind::kRequest;
      if (!ReadRequest(body, s, scope, step.request)) return false;
      service = step.request.service;
    } else {
      step.kind = Step::Kind::kCall;
      step.call.kind = kind == "authorize"         ? CallKind::kAuthorize
                       : kind == "authrep"         ? CallKind::kAuthrep
                       : kind == "oauth_authorize" ? CallKind::kOauthAuthorize
                       : kind == "oauth_authrep"   ? CallKind::kOauthAuthrep
                                                   : CallKind::kReport;
      if (!ReadCall(body, s, scope, step.where, step.call)) return false;
      service = step.call.service;
    }
    const bool sends = step.kind == Step::Kind::kCall ||
                       step.kind == Step::Kind::kRaw ||
                       step.kind == Step::Kind::kRequest;
    if (const auto repeat = Find(table, "repeat")) {
      if (!sends) {
        return Fail(At(*repeat->key),
                    "repeat applies only to calls, raw requests and "
                    "requests");
      }
      int64_t times = 0;
      if (!ReadInt(*repeat->node, times)) return false;
      if (times < 1 || times > 1'000'000) {
        return Fail(At(*repeat->node),
                    "repeat must be between 1 and 1000000, got " +
                        std::to_string(times));
      }
      step.repeat = static_cast<int>(times);
    }
    if (const auto expect = Find(table, "expect")) {
      if (!sends) {
        return Fail(At(*expect->key),
                    step.kind == Step::Kind::kCheck
                        ? "a check takes no expect: its values are what it "
                          "expects"
                        : "a clock step takes no expect");
      }
      if (!ReadExpect(*expect->node, FindService(s, service), scope,
                      step.kind == Step::Kind::kRequest, step.expect)) {
        return false;
      }
    }
    return true;
  }

  bool ReadCall(const toml::node& node, const Scenario& s,
                const StepScope& scope, const SourceLocation& step_at,
                CallStep& call) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table)) return false;
    const bool report = call.kind == CallKind::kReport;
    const bool oauth = call.kind == CallKind::kOauthAuthorize ||
                       call.kind == CallKind::kOauthAuthrep;
    const bool reports_usage =
        call.kind == CallKind::kAuthrep || call.kind == CallKind::kOauthAuthrep;
    // Why a call key does not apply to this kind of call; empty if it does.
    const auto misplaced = [&](const std::string& key) -> std::string {
      if (key == "transactions" && !report) {
        return "'transactions' applies only to report";
      }
      if (report && (key == "app" || key == "user_key" || key == "usage")) {
        return Quoted(key) +
               " does not apply to report: each transaction has its own";
      }
      if (report && (key == "app_key" || key == "referrer" || key == "log" ||
                     key == "redirect_url" || key == "redirect_uri")) {
        return Quoted(key) + " does not apply to report";
      }
      if (key == "log" && !reports_usage) {
        return "'log' applies only to authrep and oauth_authrep";
      }
      if ((key == "redirect_url" || key == "redirect_uri") && !oauth) {
        return Quoted(key) +
               " applies only to oauth_authorize and oauth_authrep";
      }
      return "";
    };
    Names applicable;
    for (const std::string& key : kCallKeys) {
      if (misplaced(key).empty()) applicable.push_back(key);
    }
    for (const Entry& entry : InOrder(*table)) {
      if (Contains(kCallKeys, entry.name)) {
        const std::string why = misplaced(entry.name);
        if (!why.empty()) return Fail(At(*entry.key), why);
      } else if (!CheckKeys(*table, applicable, ToString(call.kind))) {
        return false;
      }
    }

    // The service.
    call.service = s.defaults.service;
    SourceLocation service_at = At(*table);
    if (const auto service = Find(*table, "service")) {
      if (!ReadName(*service->node, call.service, "service")) return false;
      service_at = At(*service->node);
    }
    const ServiceSpec* service = nullptr;
    if (!call.service.empty() &&
        !CheckService(s, call.service, service_at, scope, service)) {
      return false;
    }

    // Credentials: as stated; else the kind of the one credential given;
    // else the scenario's default.
    const auto credentials = Find(*table, "credentials");
    const auto provider_key = Find(*table, "provider_key");
    const auto service_token = Find(*table, "service_token");
    if (credentials) {
      if (!ReadCredentials(*credentials->node, call.credentials)) return false;
    } else if (provider_key && service_token) {
      return Fail(At(*service_token->key),
                  "say which credential is sent: credentials = "
                  "\"provider_key\" or \"service_token\" (put the other in "
                  "params to send both)");
    } else if (provider_key) {
      call.credentials = Credentials::kProviderKey;
    } else if (service_token) {
      call.credentials = Credentials::kServiceToken;
    } else {
      call.credentials = s.defaults.credentials;
    }
    if (provider_key) {
      if (call.credentials != Credentials::kProviderKey) {
        return Fail(At(*provider_key->key),
                    "provider_key is not sent unless credentials = "
                    "\"provider_key\" (put it in params to send it anyway)");
      }
      if (!ReadString(*provider_key->node, call.provider_key)) return false;
    }
    if (service_token) {
      if (call.credentials != Credentials::kServiceToken) {
        return Fail(At(*service_token->key),
                    "service_token is not sent unless credentials = "
                    "\"service_token\" (put it in params to send it anyway)");
      }
      if (!ReadString(*service_token->node, call.service_token)) return false;
    }
    const SourceLocation credentials_at =
        credentials ? At(*credentials->node) : step_at;
    if (call.credentials == Credentials::kProviderKey && !call.provider_key &&
        service == nullptr) {
      return Fail(credentials_at,
                  call.service.empty()
                      ? "no provider_key to send: the scenario has no "
                        "services (give provider_key, or credentials = "
                        "\"none\")"
                      : "no provider_key to send for unknown service " +
                            Quoted(call.service) + " (give provider_key)");
    }
    if (call.credentials == Credentials::kServiceToken && !call.service_token &&
        (service == nullptr || service->service_tokens.empty())) {
      return Fail(credentials_at,
                  "no service_token to send: service " + Quoted(call.service) +
                      " has no service_tokens (give service_token)");
    }
    if (const auto send = Find(*table, "send_service_id")) {
      if (!ReadBool(*send->node, call.send_service_id)) return false;
    }

    // The application.
    if (const auto user_key = Find(*table, "user_key")) {
      if (!ReadString(*user_key->node, call.user_key)) return false;
    }
    if (const auto app = Find(*table, "app")) {
      std::string id;
      if (!ReadString(*app->node, id)) return false;
      // An empty app_id is a test of its own (application_not_found).
      if (!id.empty() && !CheckApp(s, service, id, At(*app->node), scope)) {
        return false;
      }
      call.app = id;
    } else if (!report && !call.user_key) {
      const std::string id = DefaultApp(s, call.service);
      const ApplicationSpec* default_app =
          service == nullptr ? nullptr : FindApp(*service, id);
      // backend_version 1 identifies applications by user_key (spec 2.2).
      if (default_app != nullptr && service->backend_version == "1" &&
          !default_app->user_key.empty()) {
        call.user_key = default_app->user_key;
      } else if (!id.empty()) {
        call.app = id;
      }
    }
    for (const auto& [key, field] :
         {std::pair{"app_key", &call.app_key},
          std::pair{"referrer", &call.referrer},
          std::pair{"redirect_url", &call.redirect_url},
          std::pair{"redirect_uri", &call.redirect_uri}}) {
      if (const auto entry = Find(*table, key)) {
        if (!ReadString(*entry->node, *field)) return false;
      }
    }

    // What is sent besides.
    if (const auto usage = Find(*table, "usage")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*usage->node, entries)) return false;
      for (const TextEntry& entry : entries) {
        if (!CheckMetric(service, entry.name, entry.where, scope)) {
          return false;
        }
      }
      call.usage = ToParams(entries);
    }
    if (const auto log = Find(*table, "log")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*log->node, entries)) return false;
      call.log = ToParams(entries);
    }
    if (const auto extensions = Find(*table, "extensions")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*extensions->node, entries)) return false;
      for (const TextEntry& entry : entries) {
        if (!CheckWord(kExtensions, "extension", entry.name, entry.where,
                       scope)) {
          return false;
        }
      }
      call.extensions = ToParams(entries);
    }
    if (const auto params = Find(*table, "params")) {
      std::vector<TextEntry> entries;
      if (!ReadPairs(*params->node, entries)) return false;
      for (const TextEntry& entry : entries) {
        if (entry.name.empty()) {
          return Fail(entry.where, "a parameter name must not be empty");
        }
      }
      call.params = ToParams(entries);
    }
    if (const auto omit = Find(*table, "omit")) {
      std::vector<SourceLocation> where;
      if (!ReadNames(*omit->node, call.omit, "parameter", &where)) {
        return false;
      }
      for (size_t i = 0; i < call.omit.size(); ++i) {
        if (!Contains(kDefaultParams, call.omit[i])) {
          return Fail(where[i], "unknown parameter " + Quoted(call.omit[i]) +
                                    " in omit" +
                                    Hint(call.omit[i], kDefaultParams));
        }
      }
    }
    if (report) {
      const auto transactions = Find(*table, "transactions");
      if (!transactions) {
        return Fail(At(*table),
                    "report needs transactions (an empty list sends none)");
      }
      std::vector<const toml::table*> tables;
      if (!ReadTables(*transactions->node, tables)) return false;
      for (const toml::table* transaction : tables) {
        ReportTransaction t;
        if (!ReadTransaction(*transaction, s, call.service, service, scope,
                             t)) {
          return false;
        }
        call.transactions.push_back(std::move(t));
      }
    }
    return true;
  }

  bool ReadTransaction(const toml::table& table, const Scenario& s,
                       const std::string& service_id,
                       const ServiceSpec* service, const StepScope& scope,
                       ReportTransaction& t) {
    t.where = At(table);
    if (!CheckKeys(table, kTransactionKeys, "transaction")) return false;
    if (const auto user_key = Find(table, "user_key")) {
      if (!ReadString(*user_key->node, t.user_key)) return false;
    }
    if (const auto app = Find(table, "app")) {
      if (!ReadString(*app->node, t.app)) return false;
      if (!t.app.empty() &&
          !CheckApp(s, service, t.app, At(*app->node), scope)) {
        return false;
      }
    } else if (t.user_key.empty()) {
      t.app = DefaultApp(s, service_id);
      if (t.app.empty()) {
        return Fail(t.where, "a transaction needs an app or a user_key");
      }
    }
    if (const auto usage = Find(table, "usage")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*usage->node, entries)) return false;
      for (const TextEntry& entry : entries) {
        if (!CheckMetric(service, entry.name, entry.where, scope)) {
          return false;
        }
      }
      t.usage = ToParams(entries);
    }
    if (const auto timestamp = Find(table, "timestamp")) {
      if (!ReadText(*timestamp->node, t.timestamp)) return false;
    }
    if (const auto log_code = Find(table, "log_code")) {
      if (!ReadText(*log_code->node, t.log_code)) return false;
    }
    return true;
  }

  bool ReadRaw(const toml::node& node, RawStep& raw) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) || !CheckKeys(*table, kRawKeys, "raw")) {
      return false;
    }
    if (const auto method = Find(*table, "method")) {
      if (!ReadName(*method->node, raw.method, "method")) return false;
    }
    const auto target = Find(*table, "target");
    if (!target) return Fail(At(*table), "raw needs a target");
    if (!ReadName(*target->node, raw.target, "target")) return false;
    if (const auto version = Find(*table, "version")) {
      if (!ReadName(*version->node, raw.version, "version")) return false;
    }
    if (const auto headers = Find(*table, "headers")) {
      std::vector<TextEntry> entries;
      if (!ReadPairs(*headers->node, entries)) return false;
      for (TextEntry& entry : entries) {
        raw.headers.emplace_back(std::move(entry.name), std::move(entry.value));
      }
    }
    if (const auto body = Find(*table, "body")) {
      if (!ReadString(*body->node, raw.body)) return false;
    }
    return true;
  }

  bool ReadClock(const std::string& kind, const toml::node& node,
                 ClockStep& clock) {
    if (kind == "at") {
      core::UtcTime time;
      if (!ReadTime(node, time)) return false;
      clock.at = time;
      return true;
    }
    std::string text;
    if (!ReadString(node, text)) return false;
    const core::Result<std::chrono::microseconds> parsed =
        core::ParseDuration(text);
    if (!parsed.ok()) return Fail(At(node), parsed.status().message());
    const std::chrono::microseconds us = parsed.value();
    if (us.count() <= 0) {
      return Fail(At(node), "advance must be positive, got " + Quoted(text));
    }
    if (us.count() % 1000 != 0) {
      return Fail(At(node),
                  "advance must be whole milliseconds, got " + Quoted(text));
    }
    clock.advance = std::chrono::duration_cast<std::chrono::milliseconds>(us);
    return true;
  }

  bool ReadCheck(const toml::node& node, const Scenario& s,
                 const StepScope& scope, CheckStep& check) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) || !CheckKeys(*table, kCheckKinds, "check")) {
      return false;
    }
    const std::vector<Entry> entries = InOrder(*table);
    if (entries.empty()) {
      return Fail(At(*table), "check needs one of " + Joined(kCheckKinds));
    }
    if (entries.size() > 1) {
      return Fail(At(*entries[1].key),
                  "a check checks one thing, but this one has " +
                      Quoted(entries[0].name) + " and " +
                      Quoted(entries[1].name) + " (split it into two steps)");
    }
    const std::string& kind = entries[0].name;
    const toml::table* body = nullptr;
    if (!ReadTable(*entries[0].node, body)) return false;
    if (kind == "counters" || kind == "utilization") {
      check.kind =
          kind == "counters" ? CheckKind::kCounters : CheckKind::kUtilization;
      return ReadValuesCheck(*body, kind, s, scope, check);
    }
    if (kind == "error_log") {
      check.kind = CheckKind::kErrorLog;
      return ReadErrorLogCheck(*body, s, scope, check);
    }
    check.kind = CheckKind::kJournal;
    return ReadJournalCheck(*body, s, scope, check);
  }

  // The service a check names, or the default one; nullptr if unknown.
  bool ReadCheckService(const toml::table& table, const Scenario& s,
                        const StepScope& scope, std::string& id,
                        const ServiceSpec*& service) {
    id = s.defaults.service;
    SourceLocation where = At(table);
    if (const auto named = Find(table, "service")) {
      if (!ReadName(*named->node, id, "service")) return false;
      where = At(*named->node);
    }
    if (id.empty()) {
      return Fail(where, "no service to check: the scenario has no services");
    }
    return CheckService(s, id, where, scope, service);
  }

  bool ReadValuesCheck(const toml::table& table, const std::string& kind,
                       const Scenario& s, const StepScope& scope,
                       CheckStep& check) {
    if (!CheckKeys(table, kValuesCheckKeys, kind)) return false;
    const ServiceSpec* service = nullptr;
    if (!ReadCheckService(table, s, scope, check.service, service)) {
      return false;
    }
    check.app = DefaultApp(s, check.service);
    SourceLocation app_at = At(table);
    if (const auto app = Find(table, "app")) {
      if (!ReadName(*app->node, check.app, "app")) return false;
      app_at = At(*app->node);
    }
    if (check.app.empty()) {
      return Fail(app_at, kind + " needs an app: service " +
                              Quoted(check.service) + " has none");
    }
    if (!CheckApp(s, service, check.app, app_at, scope)) return false;
    const auto values = Find(table, "values");
    if (!values) {
      return Fail(At(table), kind +
                                 " needs values, e.g. values = { "
                                 "\"hits/day\" = 1 }");
    }
    const toml::table* by_key = nullptr;
    if (!ReadTable(*values->node, by_key)) return false;
    if (by_key->empty()) {
      return Fail(At(*values->node), kind + " values must not be empty");
    }
    // Utilization lists the plan's limits only (spec 8).
    const PlanSpec* plan = nullptr;
    if (service != nullptr) {
      if (const ApplicationSpec* app = FindApp(*service, check.app)) {
        plan = FindPlan(*service, app->plan);
      }
    }
    for (const Entry& entry : InOrder(*by_key)) {
      const std::string& key = entry.name;
      std::string metric;
      core::Period period = core::Period::kDay;
      if (!ReadMetricPeriod(service, key, At(*entry.key), scope, metric,
                            period)) {
        return false;
      }
      int64_t value = 0;
      if (!ReadCount(*entry.node, value, "a counter")) return false;
      if (check.kind == CheckKind::kUtilization && plan != nullptr) {
        const bool limited =
            std::any_of(plan->limits.begin(), plan->limits.end(),
                        [&](const UsageLimitSpec& l) {
                          return l.metric == metric && l.period == period;
                        });
        if (!limited) {
          return Fail(At(*entry.key),
                      "utilization lists only limits, and plan " +
                          Quoted(plan->id) + " has no limit on " + Quoted(key));
        }
      }
      check.values[key] = value;
    }
    return true;
  }

  bool ReadErrorLogCheck(const toml::table& table, const Scenario& s,
                         const StepScope& scope, CheckStep& check) {
    if (!CheckKeys(table, kErrorLogKeys, "error_log")) return false;
    const ServiceSpec* service = nullptr;
    if (!ReadCheckService(table, s, scope, check.service, service)) {
      return false;
    }
    const auto codes = Find(table, "codes");
    const auto count = Find(table, "count");
    if (!codes && !count) {
      return Fail(At(table), "error_log needs codes or count");
    }
    if (codes) {
      std::vector<SourceLocation> where;
      if (!ReadStrings(*codes->node, check.error_codes, &where)) return false;
      const Names known = ErrorCodes();
      for (size_t i = 0; i < check.error_codes.size(); ++i) {
        if (!CheckWord(known, "error code", check.error_codes[i], where[i],
                       scope)) {
          return false;
        }
      }
    }
    if (count) {
      int64_t n = 0;
      if (!ReadCount(*count->node, n, "count")) return false;
      check.error_count = n;
      if (codes && static_cast<int64_t>(check.error_codes.size()) > n) {
        return Fail(At(*count->node),
                    "count " + std::to_string(n) + " is less than the " +
                        std::to_string(check.error_codes.size()) +
                        " codes listed");
      }
    }
    return true;
  }

  bool ReadJournalCheck(const toml::table& table, const Scenario& s,
                        const StepScope& scope, CheckStep& check) {
    if (!CheckKeys(table, kJournalKeys, "journal")) return false;
    if (const auto endpoint = Find(table, "endpoint")) {
      if (!ReadName(*endpoint->node, check.endpoint, "endpoint") ||
          !CheckWord(kJournalEndpoints, "endpoint", check.endpoint,
                     At(*endpoint->node), scope)) {
        return false;
      }
    }
    // Unlike the other checks, no service or app means any.
    const ServiceSpec* service = nullptr;
    if (const auto named = Find(table, "service")) {
      if (!ReadName(*named->node, check.service, "service") ||
          !CheckService(s, check.service, At(*named->node), scope, service)) {
        return false;
      }
    }
    if (const auto app = Find(table, "app")) {
      if (!ReadName(*app->node, check.app, "app")) return false;
      if (!check.service.empty()) {
        if (!CheckApp(s, service, check.app, At(*app->node), scope)) {
          return false;
        }
      } else if (!scope.Allows(check.app)) {
        Names all;
        for (const ServiceSpec& each : s.services) {
          for (const std::string& id : AppIds(each)) {
            if (!Contains(all, id)) all.push_back(id);
          }
        }
        const bool found = Contains(all, check.app);
        if (!found) {
          return Fail(At(*app->node),
                      "unknown application " + Quoted(check.app) +
                          Hint(check.app, all, AllowNote(check.app)));
        }
      }
    }
    const auto count = Find(table, "count");
    if (!count) return Fail(At(table), "journal needs a count");
    int64_t n = 0;
    if (!ReadCount(*count->node, n, "count")) return false;
    check.journal_count = n;
    return true;
  }

  // "2024-05-15 00:00:00 +0000", as apisonator prints period bounds.
  bool ReadPeriodBound(const toml::node& node,
                       std::optional<std::string>& out) {
    if (!ReadString(node, out)) return false;
    const std::string& text = *out;
    const std::string_view suffix = " +0000";
    const bool ok =
        text.size() == 19 + suffix.size() &&
        text.compare(19, suffix.size(), suffix) == 0 &&
        core::ParseIso8601(std::string_view(text).substr(0, 19)).has_value() &&
        text[10] == ' ';
    if (!ok) {
      return Fail(At(node), "invalid period bound " + Quoted(text) +
                                " (expected e.g. '2024-05-15 00:00:00 "
                                "+0000')");
    }
    return true;
  }

  // `service`: the step's, for the metrics of usage reports; nullptr if
  // unknown.
  bool ReadExpect(const toml::node& node, const ServiceSpec* service,
                  const StepScope& scope, bool request_step, Expectation& e) {
    const toml::table* table = nullptr;
    if (!ReadTable(node, table) || !CheckKeys(*table, kExpectKeys, "expect")) {
      return false;
    }
    for (const Entry& entry : InOrder(*table)) {
      if (request_step && !Contains(kRequestExpectKeys, entry.name)) {
        return Fail(At(*entry.key), Quoted(entry.name) +
                                        " does not apply to a request step (known: " +
                                        Joined(kRequestExpectKeys) + ")");
      }
      if (!request_step && entry.name == "backend") {
        return Fail(At(*entry.key), "'backend' applies only to request steps");
      }
    }
    if (const auto backend = Find(*table, "backend")) {
      Expectation::BackendExpectation expected;
      if (!ReadBackendExpectation(*backend->node, service, scope, expected)) return false;
      e.backend = std::move(expected);
    }
    e.where = At(*table);
    if (const auto status = Find(*table, "status")) {
      int64_t code = 0;
      if (!ReadInt(*status->node, code)) return false;
      if (code < 100 || code > 599) {
        return Fail(At(*status->node),
                    "status must be an HTTP status (100 to 599), got " +
                        std::to_string(code));
      }
      e.status = static_cast<int>(code);
    }
    if (const auto authorized = Find(*table, "authorized")) {
      if (!ReadBool(*authorized->node, e.authorized)) return false;
      if (e.status && *e.status != (*e.authorized ? 200 : 409)) {
        return Fail(At(*authorized->node),
                    std::string("authorized = ") +
                        (*e.authorized ? "true" : "false") +
                        " contradicts status = " + std::to_string(*e.status));
      }
    }
    for (const auto& [key, field] :
         {std::pair{"reason", &e.reason},
          std::pair{"error_message", &e.error_message},
          std::pair{"plan", &e.plan}, std::pair{"body", &e.body},
          std::pair{"body_contains", &e.body_contains}}) {
      if (const auto entry = Find(*table, key)) {
        if (!ReadString(*entry->node, *field)) return false;
      }
    }
    if (const auto code = Find(*table, "error_code")) {
      if (!ReadName(*code->node, e.error_code.emplace(), "error_code") ||
          !CheckWord(ErrorCodes(), "error code", *e.error_code, At(*code->node),
                     scope)) {
        return false;
      }
    }
    if (const auto reason = Find(*table, "rejection_reason")) {
      if (!ReadString(*reason->node, e.rejection_reason)) return false;
      if (!e.rejection_reason->empty() &&
          !CheckWord(RejectionCodes(), "rejection reason", *e.rejection_reason,
                     At(*reason->node), scope)) {
        return false;
      }
    }
    if (const auto reports = Find(*table, "usage_reports")) {
      const toml::table* by_key = nullptr;
      if (!ReadTable(*reports->node, by_key)) return false;
      for (const Entry& entry : InOrder(*by_key)) {
        const std::string& key = entry.name;
        std::string metric;
        core::Period period = core::Period::kDay;
        if (!ReadMetricPeriod(service, key, At(*entry.key), scope, metric,
                              period)) {
          return false;
        }
        const toml::table* fields = nullptr;
        if (!ReadTable(*entry.node, fields) ||
            !CheckKeys(*fields, kUsageReportKeys, "usage report")) {
          return false;
        }
        Expectation::UsageReportExpectation report;
        if (const auto v = Find(*fields, "current_value")) {
          if (!ReadInt(*v->node, report.current_value)) return false;
        }
        if (const auto v = Find(*fields, "max_value")) {
          if (!ReadInt(*v->node, report.max_value)) return false;
        }
        if (const auto v = Find(*fields, "exceeded")) {
          if (!ReadBool(*v->node, report.exceeded)) return false;
        }
        for (const auto& [name, bound] :
             {std::pair{"period_start", &report.period_start},
              std::pair{"period_end", &report.period_end}}) {
          if (const auto v = Find(*fields, name)) {
            if (period == core::Period::kEternity) {
              return Fail(At(*v->key), "an eternity usage report has no " +
                                           std::string(name));
            }
            if (!ReadPeriodBound(*v->node, *bound)) return false;
          }
        }
        e.usage_reports[key] = report;
      }
    }
    if (const auto none = Find(*table, "no_usage_reports")) {
      if (!ReadBool(*none->node, e.no_usage_reports)) return false;
      if (*e.no_usage_reports && !e.usage_reports.empty()) {
        return Fail(At(*none->node),
                    "no_usage_reports = true contradicts usage_reports");
      }
    }
    if (const auto headers = Find(*table, "headers")) {
      std::vector<TextEntry> entries;
      if (!ReadTextTable(*headers->node, entries)) return false;
      for (TextEntry& entry : entries) {
        std::string name = entry.name;
        for (char& c : name) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        if (name.empty()) {
          return Fail(entry.where, "a header name must not be empty");
        }
        if (!e.headers.emplace(name, std::move(entry.value)).second) {
          return Fail(entry.where, "duplicate header " + Quoted(name) +
                                       " (names are case-insensitive)");
        }
      }
    }
    return true;
  }

  const std::string origin_;
  std::optional<core::Status> error_;
};

}  // namespace

core::Result<Scenario> ParseScenario(std::string_view toml_text,
                                     const std::string& origin) {
  Loader loader(origin);
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {  // toml++ reports syntax by throwing.
    return core::Status::InvalidArgument(loader.At(e.source()).ToString() +
                                         ": " + std::string(e.description()));
  }
  return loader.Load(root);
}

core::Result<Scenario> LoadScenario(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return core::Status::NotFound(path + ": cannot read");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || !text) return core::Status::NotFound(path + ": cannot read");
  return ParseScenario(text.str(), path);
}

core::Result<std::vector<std::string>> FindScenarioFiles(
    const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::set<std::string> seen;
  const auto add = [&](const std::string& file) {
    if (seen.insert(file).second) files.push_back(file);
  };
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return core::Status::NotFound(path + ": no such file or directory");
    }
    if (!fs::is_directory(status)) {
      add(path);
      continue;
    }
    std::vector<std::string> found;
    const fs::path root = fs::path(path).lexically_normal();
    fs::recursive_directory_iterator it(root, error);
    for (const fs::recursive_directory_iterator end; !error && it != end;
         it.increment(error)) {
      const fs::directory_entry& entry = *it;
      std::error_code ignored;
      if (entry.is_directory(ignored)) {
        if (entry.path().filename() == "invalid")
          it.disable_recursion_pending();
        continue;
      }
      if (entry.path().extension() == ".toml" &&
          entry.is_regular_file(ignored)) {
        found.push_back(entry.path().generic_string());
      }
    }
    if (error) return core::Status::Unavailable(path + ": cannot read");
    std::sort(found.begin(), found.end());
    for (const std::string& file : found) add(file);
  }
  return files;
}

}  // namespace scalecheck::harness
