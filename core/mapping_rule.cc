#include "core/mapping_rule.h"

#include <regex>

#include "core/params.h"

namespace scalecheck::core {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ngx_lua's unescape: %XX decoded, a bad '%' kept, '+' a space.
std::string UnescapeArg(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out +=
          static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Whether ngx_escape_uri(NGX_ESCAPE_URI) escapes `c`.
bool Escaped(unsigned char c, UriEscaping escaping) {
  if (c < 0x20 || c >= 0x7f) return true;
  switch (c) {
    case ' ':
    case '#':
    case '%':
    case '?':
      return true;
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
      return escaping == UriEscaping::kNginx1_21;
    default:
      return false;
  }
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Whether `value` contains "{name}" with name made of word characters and
// '-' (mapping_rule.lua's placeholder test for querystring values).
bool HasPlaceholder(std::string_view value) {
  for (size_t open = value.find('{'); open != std::string_view::npos;
       open = value.find('{', open + 1)) {
    size_t i = open + 1;
    while (i < value.size() && (IsWordChar(value[i]) || value[i] == '-')) ++i;
    if (i > open + 1 && i < value.size() && value[i] == '}') return true;
  }
  return false;
}

bool IsBackendRule(const MappingRule& rule) {
  return rule.owner_type == "BackendApi" && !rule.owner_id.empty();
}

}  // namespace

std::optional<std::string> NormalizePath(std::string_view raw_path) {
  std::string decoded;
  decoded.reserve(raw_path.size());
  for (size_t i = 0; i < raw_path.size(); ++i) {
    if (raw_path[i] != '%') {
      decoded += raw_path[i];
      continue;
    }
    if (i + 2 >= raw_path.size()) return std::nullopt;
    const int high = HexValue(raw_path[i + 1]);
    const int low = HexValue(raw_path[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    const char c = static_cast<char>(high * 16 + low);
    if (c == '\0') return std::nullopt;
    decoded += c;
    i += 2;
  }
  std::vector<std::string> segments;
  bool trailing_slash = false;
  size_t start = decoded.empty() || decoded[0] != '/' ? 0 : 1;
  while (start <= decoded.size()) {
    size_t end = decoded.find('/', start);
    if (end == std::string::npos) end = decoded.size();
    const std::string segment = decoded.substr(start, end - start);
    const bool is_last = end == decoded.size();
    if (segment.empty() || segment == ".") {
      if (is_last) trailing_slash = true;
    } else if (segment == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
      if (is_last) trailing_slash = true;
    } else {
      segments.push_back(segment);
      if (is_last) trailing_slash = false;
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& segment : segments) out += "/" + segment;
  if (out.empty() || trailing_slash) out += "/";
  return out;
}

std::string EscapeUri(std::string_view path, UriEscaping escaping) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (Escaped(c, escaping)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  return out;
}

std::optional<std::string> MatchablePath(std::string_view raw_path,
                                         UriEscaping escaping) {
  std::optional<std::string> normalized = NormalizePath(raw_path);
  if (!normalized) return std::nullopt;
  return EscapeUri(*normalized, escaping);
}

std::string PatternRegex(std::string_view pattern) {
  // 1. Runs of '/' become one.
  std::string merged;
  for (const char c : pattern) {
    if (c == '/' && !merged.empty() && merged.back() == '/') continue;
    merged += c;
  }
  // 2. The query is dropped.
  if (const size_t q = merged.find('?'); q != std::string::npos)
    merged.resize(q);
  // 3. and 4. Placeholders (APIcast's \{.+?\}: shortest, non-empty) become a
  // group of URI characters; dots are escaped. Braces left over are literal
  // in PCRE; std::regex needs them escaped.
  std::string regex = "^";
  for (size_t i = 0; i < merged.size(); ++i) {
    const char c = merged[i];
    if (c == '{') {
      const size_t close = merged.find('}', i + 2);
      if (close != std::string::npos) {
        regex += "([A-Za-z0-9_.~%!$&'()*+,;=@:-]+)";
        i = close;
        continue;
      }
      regex += "\\{";
    } else if (c == '}') {
      regex += "\\}";
    } else if (c == '.') {
      regex += "\\.";
    } else {
      regex += c;
    }
  }
  return regex;
}

bool PatternMatches(std::string_view pattern, std::string_view path) {
  // std::regex reports a malformed expression by throwing; APIcast's
  // ngx.re.match returns an error instead, and the rule does not match.
  try {
    const std::regex re(PatternRegex(pattern), std::regex::ECMAScript);
    return std::regex_search(path.begin(), path.end(), re);
  } catch (const std::regex_error&) {
    return false;
  }
}

RequestArgs ParseRequestArgs(std::string_view query, size_t max_args) {
  RequestArgs args;
  size_t read = 0;
  size_t start = 0;
  while (start <= query.size() && read < max_args) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view field = query.substr(start, end - start);
    start = end + 1;
    if (field.empty()) continue;
    ++read;
    const size_t equals = field.find('=');
    const std::string name = UnescapeArg(field.substr(0, equals));
    if (name.empty()) continue;
    if (equals == std::string_view::npos) {
      args[name].push_back(std::nullopt);
    } else {
      args[name].push_back(UnescapeArg(field.substr(equals + 1)));
    }
  }
  return args;
}

RequestArgs OverlayArgs(RequestArgs query, const RequestArgs& body) {
  for (const auto& [name, values] : body) query[name] = values;
  return query;
}

bool ArgsMatch(const MappingRule& rule, const RequestArgs& args) {
  for (const auto& [name, expected] : rule.querystring_parameters) {
    const auto it = args.find(name);
    if (it == args.end() || it->second.empty()) return false;
    if (HasPlaceholder(expected)) continue;
    const std::optional<std::string>& last = it->second.back();
    if (!last || *last != expected) return false;
  }
  return true;
}

bool RuleMatches(const MappingRule& rule, std::string_view method,
                 std::string_view path, const RequestArgs& args) {
  if (rule.http_method != "ANY" && rule.http_method != method) return false;
  return PatternMatches(rule.pattern, path) && ArgsMatch(rule, args);
}

UsageComputation ComputeUsage(
    const std::vector<MappingRule>& rules, std::string_view method,
    std::string_view path, const RequestArgs& args,
    const std::optional<std::string>& routed_owner_id) {
  UsageComputation result;
  std::map<std::string, int64_t> totals;
  for (size_t i = 0; i < rules.size(); ++i) {
    const MappingRule& rule = rules[i];
    if (!RuleMatches(rule, method, path, args)) continue;
    result.matched.push_back(i);
    totals[rule.metric_system_name] += rule.delta;
    if (rule.last) break;
  }
  if (routed_owner_id) {
    for (const size_t i : result.matched) {
      const MappingRule& rule = rules[i];
      if (IsBackendRule(rule) && rule.owner_id != *routed_owner_id) {
        totals[rule.metric_system_name] -= rule.delta;
      }
    }
  }
  for (const auto& [metric, total] : totals) {
    if (total > 0) result.usage[metric] = total;
  }
  return result;
}

std::string EncodeUsage(const GatewayUsage& usage) {
  std::string out;
  for (const auto& [metric, delta] : usage) {
    if (!out.empty()) out += '&';
    out +=
        EncodeComponent("usage[" + metric + "]") + "=" + std::to_string(delta);
  }
  return out;
}

}  // namespace scalecheck::core
