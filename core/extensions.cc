#include "core/extensions.h"

#include <cstdio>

namespace scalecheck::core {

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x",
                        static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string JsonValue(const ParamValue& value) {
  if (value.is_nil()) return "null";
  if (value.is_string()) return JsonString(value.string());
  std::string out;
  if (value.is_array()) {
    out = "[";
    bool first = true;
    for (const ParamValue& v : value.array()) {
      if (!first) out += ',';
      first = false;
      out += JsonValue(v);
    }
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (const auto& [k, v] : value.hash().entries()) {
    if (!first) out += ',';
    first = false;
    out += JsonString(k);
    out += ':';
    out += JsonValue(v);
  }
  return out + "}";
}

std::optional<Extensions> ResolveExtensions(const HttpRequest& request,
                                            const ParamHash& params) {
  // Rack turns both "3scale-options" and "3scale_options" into
  // HTTP_3SCALE_OPTIONS (golden "Surprises" 4).
  const std::string* header = nullptr;
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, "3scale-options") ||
        EqualsIgnoreCase(name, "3scale_options")) {
      header = &value;
      break;
    }
  }
  ParamHash options;
  if (header != nullptr) {
    ParsedParams parsed = ParseNestedQuery(*header);
    if (!parsed.ok() || !IsValidUtf8(parsed.params)) return std::nullopt;
    options = std::move(parsed.params);
  }
  // no_body = ext[:no_body] || params[:no_body]; any value but "false" and
  // "0" enables it, and nil (a key without '=') is no value at all.
  const ParamValue* no_body = options.Find("no_body");
  if (no_body == nullptr || no_body->is_nil()) {
    if (const ParamValue* url = params.Find("no_body");
        url != nullptr && !url->is_nil()) {
      no_body = url;
    }
  }
  Extensions ext;
  const bool no_body_given = no_body != nullptr && !no_body->is_nil();
  if (no_body_given) {
    ext.no_body = !(no_body->is_string() && (no_body->string() == "false" ||
                                             no_body->string() == "0"));
    // ext[:no_body] = <boolean>: replaced in place, or appended.
    if (options.Find("no_body") == nullptr) options.Set("no_body", {});
  }
  auto is_one = [&options](std::string_view key) {
    const ParamValue* v = options.Find(key);
    return v != nullptr && v->is_string() && v->string() == "1";
  };
  ext.rejection_reason_header = is_one("rejection_reason_header");
  ext.limit_headers = is_one("limit_headers");
  ext.hierarchy = is_one("hierarchy");
  ext.flat_usage = is_one("flat_usage");
  ext.list_app_keys = is_one("list_app_keys");
  ext.json = "{";
  bool first = true;
  for (const auto& [k, v] : options.entries()) {
    if (!first) ext.json += ',';
    first = false;
    ext.json += JsonString(k);
    ext.json += ':';
    if (k == "no_body" && no_body_given) {
      ext.json += ext.no_body ? "true" : "false";
    } else {
      ext.json += JsonValue(v);
    }
  }
  ext.json += '}';
  return ext;
}

}  // namespace scalecheck::core
