// harness/scenario_basics.h
//
// The small types scenario.h and load_spec.h share: where something was
// written, the kinds of Service Management API call, and parameter lists.
// Plain values.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace scalecheck::harness {

// Where something was written: "scenarios/x.toml", line, column (1-based).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  // "file:line:col".
  std::string ToString() const;
};

enum class CallKind {
  kAuthorize,
  kAuthrep,
  kOauthAuthorize,
  kOauthAuthrep,
  kReport,
};

// "authorize", "authrep", "oauth_authorize", "oauth_authrep", "report".
const char* ToString(CallKind kind);

// A parameter as the request carries it: value text, or absent.
using ParamList = std::vector<std::pair<std::string, std::string>>;

}  // namespace scalecheck::harness
