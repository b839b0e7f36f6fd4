#include "harness/known_deviations.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace scalecheck::harness {
namespace {

core::Status ErrorAt(const std::string& origin,
                     const toml::source_region& where,
                     const std::string& message) {
  return core::Status::InvalidArgument(
      origin + ":" + std::to_string(where.begin.line) + ":" +
      std::to_string(where.begin.column) + ": " + message);
}

}  // namespace

core::Result<KnownDeviations> KnownDeviations::Parse(
    std::string_view toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {  // toml++ reports syntax by throwing.
    return ErrorAt(origin, e.source(), std::string(e.description()));
  }
  KnownDeviations manifest;
  for (const auto& [key, node] : root) {
    if (key.str() != "deviation") {
      return ErrorAt(origin, key.source(),
                     "unknown key '" + std::string(key.str()) +
                         "' (a manifest has only [[deviation]] entries)");
    }
    const toml::array* entries = node.as_array();
    if (entries == nullptr || !entries->is_array_of_tables()) {
      return ErrorAt(
          origin, node.source(),
          "'deviation' must be [[deviation]] tables with case and reason");
    }
    for (const toml::node& entry : *entries) {
      const toml::table& table = *entry.as_table();
      for (const auto& [name, value] : table) {
        if (name.str() != "case" && name.str() != "reason") {
          return ErrorAt(origin, name.source(),
                         "unknown key '" + std::string(name.str()) +
                             "' in deviation (known: case, reason)");
        }
        if (!value.is_string() || value.as_string()->get().empty()) {
          return ErrorAt(
              origin, value.source(),
              "'" + std::string(name.str()) + "' must be a non-empty string");
        }
      }
      const toml::node* id = table.get("case");
      const toml::node* reason = table.get("reason");
      if (id == nullptr || reason == nullptr) {
        return ErrorAt(origin, table.source(),
                       std::string("deviation needs ") +
                           (id == nullptr ? "a case id" : "a reason"));
      }
      const std::string& case_id = id->as_string()->get();
      if (manifest.reasons_.count(case_id) > 0) {
        return ErrorAt(origin, id->source(),
                       "case '" + case_id + "' is listed twice");
      }
      manifest.reasons_[case_id] = reason->as_string()->get();
    }
  }
  return manifest;
}

core::Result<KnownDeviations> KnownDeviations::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Status::NotFound(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const std::string* KnownDeviations::Find(const std::string& case_id) const {
  auto it = reasons_.find(case_id);
  return it == reasons_.end() ? nullptr : &it->second;
}

void KnownDeviations::Apply(reports::CaseReport& report) const {
  const std::string* reason = Find(report.id);
  if (reason == nullptr) return;
  if (report.verdict == reports::Verdict::kFail) {
    report.verdict = reports::Verdict::kKnownDeviation;
    report.message =
        *reason +
        (report.message.empty() ? "" : " (seen: " + report.message + ")");
  } else if (report.verdict == reports::Verdict::kPass) {
    report.verdict = reports::Verdict::kFail;
    report.message = kDeviationGone;
  }
}

}  // namespace scalecheck::harness
