#include "core/status_xml.h"

namespace scalecheck::core {
namespace {

constexpr std::string_view kDeclaration =
    R"(<?xml version="1.0" encoding="UTF-8"?>)";

void AppendUsageReport(std::string& out, const UsageReport& r) {
  out += "<usage_report metric=\"";
  out += r.metric_name;  // Raw, as status.rb concatenates it.
  out += "\" period=\"";
  out += ToString(r.period);
  out += '"';
  if (r.exceeded) out += " exceeded=\"true\"";
  out += '>';
  if (r.period != Period::kEternity) {
    out += "<period_start>";
    out += FormatTimestamp(r.period_start);
    out += "</period_start><period_end>";
    out += FormatTimestamp(r.period_end);
    out += "</period_end>";
  }
  out += "<max_value>";
  out += std::to_string(r.max_value);
  out += "</max_value><current_value>";
  out += std::to_string(r.current_value);
  out += "</current_value></usage_report>";
}

}  // namespace

std::string EscapeXmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderStatus(const StatusDocument& s) {
  std::string out;
  out.reserve(256 + s.usage_reports.size() * 200);
  out += kDeclaration;
  out += "<status><authorized>";
  out += s.authorized ? "true" : "false";
  out += "</authorized>";
  if (!s.authorized) {
    out += "<reason>";
    out += s.reason;
    out += "</reason>";
  }
  if (s.application) {
    const char* tag = s.application->named_redirect_uri ? "redirect_uri"
                                                        : "redirect_url";
    out += "<application><id>";
    out += s.application->id;
    out += "</id><key>";
    out += s.application->key;
    out += "</key><";
    out += tag;
    out += '>';
    // Not escaped in 3.4.3 (golden "Surprises" 12).
    out += s.application->redirect_url;
    out += "</";
    out += tag;
    out += "></application>";
  }
  out += "<plan>";
  out += EscapeXmlText(s.plan_name);
  out += "</plan>";
  if (!s.usage_reports.empty()) {
    out += "<usage_reports>";
    for (const UsageReport& r : s.usage_reports) AppendUsageReport(out, r);
    out += "</usage_reports>";
  }
  if (s.app_keys) {
    out += "<app_keys app=\"";
    out += s.app_keys->app_id;
    out += "\" svc=\"";
    out += s.app_keys->service_id;
    out += "\">";
    for (const std::string& key : s.app_keys->keys) {
      out += "<key id=\"";
      out += key;
      out += "\"/>";
    }
    out += "</app_keys>";
  }
  if (s.hierarchy) {
    out += "<hierarchy>";
    for (const HierarchyEntry& h : *s.hierarchy) {
      out += "<metric name=\"";
      out += h.metric_name;
      out += "\" children=\"";
      for (size_t i = 0; i < h.children.size(); ++i) {
        if (i > 0) out += ' ';
        out += h.children[i];
      }
      out += "\"/>";
    }
    out += "</hierarchy>";
  }
  out += "</status>";
  return out;
}

std::string RenderError(const BackendError& error) {
  std::string out(kDeclaration);
  out += "<error code=\"";
  out += error.code;
  out += "\">";
  out += EscapeXmlText(error.message);
  out += "</error>";
  return out;
}

}  // namespace scalecheck::core
