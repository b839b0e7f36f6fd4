#include "harness/scenario.h"

#include <string>

namespace scalecheck::harness {

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char* ToString(CallKind kind) {
  switch (kind) {
    case CallKind::kAuthorize:
      return "authorize";
    case CallKind::kAuthrep:
      return "authrep";
    case CallKind::kOauthAuthorize:
      return "oauth_authorize";
    case CallKind::kOauthAuthrep:
      return "oauth_authrep";
    case CallKind::kReport:
      return "report";
  }
  return "unknown";
}

}  // namespace scalecheck::harness
