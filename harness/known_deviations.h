// harness/known_deviations.h
//
// A target's manifest of known deviations: the cases where a client library
// (or any target) is known to differ from 3scale, each with the reason, e.g.
// examples/clients/node/deviations.toml:
//
//   [[deviation]]
//   case = "clients/report_service_token"
//   reason = "puts the service token inside each transaction: 403"
//
// A listed case that fails is reported as a known deviation and does not
// fail the run; a listed case that passes fails, so that the manifest never
// keeps an entry that no longer holds. Plain values; not thread-safe.
//
// known_deviations.cc is the second user of toml++ (after
// scenario_loader.cc): the manifest is a TOML file of its own with nothing
// in common with the scenario format, so it gets its own small adapter that
// catches toml++'s exceptions like the first one does, rather than a
// dependency on the scenario loader's internals or a third file format.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "reports/run_report.h"

namespace scalecheck::harness {

// The message of a listed case that passed.
inline constexpr const char* kDeviationGone =
    "known deviation no longer happens: remove it from the manifest";

class KnownDeviations {
 public:
  // An empty manifest: no case is known to deviate.
  KnownDeviations() = default;

  // Parses a manifest. `origin` names the text in messages. On failure
  // kInvalidArgument "origin:line:col: message": TOML syntax (toml++'s
  // words), a key other than `deviation` at the top or other than `case`
  // and `reason` in an entry, a missing or empty `case` or `reason`, a case
  // listed twice.
  static core::Result<KnownDeviations> Parse(std::string_view toml_text,
                                             const std::string& origin);
  // Reads and parses the file at `path`; kNotFound "path: cannot read".
  static core::Result<KnownDeviations> Load(const std::string& path);

  // The reason `case_id` is listed with, or nullptr.
  const std::string* Find(const std::string& case_id) const;
  size_t size() const { return reasons_.size(); }
  bool empty() const { return reasons_.empty(); }

  // Applies the manifest to a finished case. A listed case that failed
  // (kFail) becomes kKnownDeviation with the message "REASON (seen: FIRST
  // FAILURE)"; one that passed becomes kFail with kDeviationGone. Cases not
  // listed, skipped cases and errors are left as they are.
  void Apply(reports::CaseReport& report) const;

 private:
  std::map<std::string, std::string> reasons_;  // Case id -> reason.
};

}  // namespace scalecheck::harness
