// core/status_xml.h
//
// The XML apisonator answers with, byte for byte (spec 3.1-3.4): the
// <status> document of authorize/authrep (200/409) and the <error> document
// of an exception. No whitespace, no trailing newline, `+0000` offsets,
// apisonator's escaping (plan names and error texts escaped, reason texts,
// ids, metric names, keys and the OAuth redirect_url raw). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "core/usage_report.h"

namespace scalecheck::core {

// Escapes & < > as Builder does for text (quotes stay literal).
std::string EscapeXmlText(std::string_view text);

struct OauthApplicationSection {
  std::string id;
  std::string key;  // First application key; empty when none.
  std::string redirect_url;
  // The element is <redirect_uri> when the request used redirect_uri.
  bool named_redirect_uri = false;
};

struct AppKeysSection {
  std::string app_id;
  std::string service_id;
  std::vector<std::string> keys;  // In print order, at most 256.
};

struct HierarchyEntry {
  std::string metric_name;
  std::vector<std::string> children;  // Direct children's names.
};

struct StatusDocument {
  bool authorized = true;
  std::string reason;  // Only when !authorized.
  std::optional<OauthApplicationSection> application;
  std::string plan_name;
  std::vector<UsageReport> usage_reports;
  std::optional<AppKeysSection> app_keys;
  // One entry per usage report (hierarchy=1); nullopt: no element.
  std::optional<std::vector<HierarchyEntry>> hierarchy;
};

std::string RenderStatus(const StatusDocument& status);

// <?xml ...?><error code="...">message</error>
std::string RenderError(const BackendError& error);

}  // namespace scalecheck::core
