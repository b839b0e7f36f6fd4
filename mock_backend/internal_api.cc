// mock_backend/internal_api.cc
//
// apisonator 3.4.3's internal API (app/api/internal/*.rb: a Sinatra app with
// Sinatra::Namespace, mounted at /internal behind Rack::Auth::Basic) as a
// JSON adapter over core::Registry. Routing, before filters, echoes and error
// texts follow the Ruby code; where Ruby raises (a NoMethodError on an
// unexpected JSON type, say) the answer is a 500, as apisonator's. This is
// the only file of the mock backend that uses nlohmann-json; every exception
// it could throw is caught here.

#include "mock_backend/internal_api.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/extensions.h"
#include "core/error_log.h"
#include "core/metric.h"
#include "core/params.h"
#include "core/period.h"
#include "core/registry.h"
#include "core/status.h"
#include "core/usage_counters.h"
#include "core/usage_report.h"

namespace scalecheck::mock_backend {
namespace {

// Ordered, so that echoed objects keep the key order they were sent in (Ruby
// hashes are ordered; nlohmann's default json sorts keys).
using Json = nlohmann::ordered_json;

constexpr std::string_view kMountPoint = "/internal";
constexpr std::string_view kBackendVersion = "3.4.3";

// --- Ruby's JSON generator ---------------------------------------------------

// A JSON string as Ruby's JSON generator writes it: '"', '\\' and control
// characters escaped (\b \f \n \r \t, others \u00xx in lower case); '/' and
// non-ASCII UTF-8 pass through unchanged.
void AppendQuoted(std::string& out, std::string_view s) {
  out += core::JsonString(s);
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendQuoted(out, s);
  return out;
}

// Float#to_s: the shortest digits that round-trip, fixed notation for
// decimal exponents -4 < e <= 16 ("100.0", "0.0001"), else "1.0e+20".
std::string RubyFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const auto result =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(result.ptr - buf));
  std::string out;
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  std::string_view exponent = text.substr(e + 1);
  if (!exponent.empty() && exponent.front() == '+') exponent.remove_prefix(1);
  int exp10 = 0;
  std::from_chars(exponent.data(), exponent.data() + exponent.size(), exp10);
  const int decpt = exp10 + 1;  // Digits before the decimal point.
  const auto ndigits = static_cast<int>(digits.size());
  if (decpt > 0 && decpt <= 16) {
    if (ndigits <= decpt) {
      out += digits;
      out.append(static_cast<size_t>(decpt - ndigits), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<size_t>(decpt));
    }
  } else if (decpt <= 0 && decpt > -4) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out += digits;
  } else {
    out += digits[0];
    out += '.';
    out += ndigits > 1 ? digits.substr(1) : std::string("0");
    char exp_text[16];
    std::snprintf(exp_text, sizeof exp_text, "e%+03d", decpt - 1);
    out += exp_text;
  }
  return out;
}

// A parsed request value echoed back, as Ruby's #to_json prints it.
void AppendRubyJson(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      out += "null";
      break;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_unsigned:
      out += std::to_string(v.get<uint64_t>());
      break;
    case Json::value_t::number_integer:
      out += std::to_string(v.get<int64_t>());
      break;
    case Json::value_t::number_float:
      out += RubyFloat(v.get<double>());
      break;
    case Json::value_t::string:
      AppendQuoted(out, v.get_ref<const std::string&>());
      break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : v) {
        if (!first) out += ',';
        first = false;
        AppendRubyJson(out, item);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        AppendQuoted(out, it.key());
        out += ':';
        AppendRubyJson(out, it.value());
      }
      out += '}';
      break;
    }
    default:
      out += "null";
      break;  // Binary and discarded: never parsed.
  }
}

std::string RubyJson(const Json* v) {
  if (v == nullptr) return "null";
  std::string out;
  AppendRubyJson(out, *v);
  return out;
}

std::string Bool(bool b) { return b ? "true" : "false"; }
std::string Int(int64_t i) { return std::to_string(i); }
std::string StringOrNull(std::string_view s) {
  return s.empty() ? "null" : Quoted(s);
}

// {"k1":v1,"k2":v2} from values already written as JSON.
std::string Object(
    std::initializer_list<std::pair<std::string_view, std::string>> members) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : members) {
    if (!first) out += ',';
    first = false;
    AppendQuoted(out, key);
    out += ':';
    out += value;
  }
  out += '}';
  return out;
}

std::string Array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  out += ']';
  return out;
}

// --- Ruby's view of request values -------------------------------------------

// Ruby truthiness: everything but nil (absent included) and false.
bool Truthy(const Json* v) {
  return v != nullptr && !v->is_null() && !(v->is_boolean() && !v->get<bool>());
}

const Json* Member(const Json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// What redis-rb stores for a Ruby value: strings as they are, numbers as
// #to_s prints them, nil as "".
std::string RedisString(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "";
    case Json::value_t::string:
      return v.get<std::string>();
    case Json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case Json::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case Json::value_t::number_float:
      return RubyFloat(v.get<double>());
    default:
      return RubyJson(&v);
  }
}

// String#to_i: leading whitespace, an optional sign, then digits (single
// underscores between digits allowed) up to the first other character; 0
// when there are none. Saturates at the int64 range (Ruby's are unbounded).
int64_t RubyStringToI(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  bool saturated = false;
  bool last_was_digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_' && last_was_digit && i + 1 < s.size() && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
      last_was_digit = false;
      continue;
    }
    if (c < '0' || c > '9') break;
    last_was_digit = true;
    const int digit = c - '0';
    if (value > (kMax - digit) / 10) {
      saturated = true;
    } else if (!saturated) {
      value = value * 10 + digit;
    }
  }
  if (saturated) {
    return negative ? std::numeric_limits<int64_t>::min() : kMax;
  }
  return negative ? -value : value;
}

// value.to_i on a request value; nullopt where Ruby has no #to_i (true,
// arrays, hashes) and raises.
std::optional<int64_t> RubyToI(const Json& v) {
  constexpr auto kMax =
      static_cast<double>(std::numeric_limits<int64_t>::max());
  switch (v.type()) {
    case Json::value_t::string:
      return RubyStringToI(v.get<std::string>());
    case Json::value_t::number_integer:
      return v.get<int64_t>();
    case Json::value_t::number_unsigned: {
      const uint64_t u = v.get<uint64_t>();
      return u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                 ? std::numeric_limits<int64_t>::max()
                 : static_cast<int64_t>(u);
    }
    case Json::value_t::number_float: {
      const double d = std::trunc(v.get<double>());
      if (std::isnan(d)) return std::nullopt;
      if (d >= kMax) return std::numeric_limits<int64_t>::max();
      if (d <= -kMax) return std::numeric_limits<int64_t>::min();
      return static_cast<int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

// apisonator's String#blank?: no character outside [ \t\r\n\f\v].
bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  });
}

// --- Decoding ----------------------------------------------------------------

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path segment as Mustermann hands it to a route: %XX decoded ("%2F"
// included), '+' kept, malformed escapes left as they are.
std::string DecodeSegment(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      const int hi = HexValue(raw[i + 1]);
      const int lo = HexValue(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Ruby's strict_decode64 ("m0"): whole 4-character groups of the standard
// alphabet, padding only at the end, no stray bits; nullopt otherwise.
std::optional<std::string> StrictDecode64(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    const bool last = i + 4 == s.size();
    const int a = Base64Value(s[i]);
    const int b = Base64Value(s[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    const unsigned v1 = static_cast<unsigned>(a << 2 | b >> 4);
    if (last && s[i + 2] == '=' && s[i + 3] == '=') {
      if ((b & 0xf) != 0) return std::nullopt;
      out += static_cast<char>(v1);
      break;
    }
    const int c = Base64Value(s[i + 2]);
    if (c < 0) return std::nullopt;
    const unsigned v2 = static_cast<unsigned>((b & 0xf) << 4 | c >> 2);
    if (last && s[i + 3] == '=') {
      if ((c & 0x3) != 0) return std::nullopt;
      out += static_cast<char>(v1);
      out += static_cast<char>(v2 & 0xff);
      break;
    }
    const int d = Base64Value(s[i + 3]);
    if (d < 0) return std::nullopt;
    out += static_cast<char>(v1 & 0xff);
    out += static_cast<char>(v2 & 0xff);
    out += static_cast<char>(((c & 0x3) << 6 | d) & 0xff);
  }
  return out;
}

// Base64.urlsafe_decode64: '-' and '_' for '+' and '/', missing padding
// added, then strict.
std::optional<std::string> UrlSafeDecode64(std::string_view s) {
  std::string text(s);
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  if (text.empty() || text.back() != '=') {
    while (text.size() % 4 != 0) text += '=';
  }
  return StrictDecode64(text);
}

// String#unpack1("m"), as Rack::Auth::Basic decodes credentials: characters
// outside the alphabet skipped, stops at '='.
std::string LenientDecode64(std::string_view s) {
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (char c : s) {
    if (c == '=') break;
    const int v = Base64Value(c);
    if (v < 0) continue;
    bits = (bits << 6 | static_cast<unsigned>(v)) & 0xffffff;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xff);
    }
  }
  return out;
}

std::string Encode64(std::string_view s) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16 |
                       static_cast<unsigned char>(s[i + 1]) << 8 |
                       static_cast<unsigned char>(s[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == s.size()) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16 |
                       static_cast<unsigned char>(s[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += '=';
  }
  return out;
}

// Whether JSON text nests arrays and objects deeper than `limit` (Ruby's
// JSON.parse refuses more than max_nesting, 100, levels).
bool NestsDeeperThan(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// Rack parameters (strings, nil, arrays, hashes) as JSON values, so that the
// query string and the JSON body merge into one hash as Sinatra's params do.
Json ToJson(const core::ParamValue& value) {
  if (value.is_string()) return Json(value.string());
  if (value.is_array()) {
    Json array = Json::array();
    for (const core::ParamValue& item : value.array()) {
      array.push_back(ToJson(item));
    }
    return array;
  }
  if (value.is_hash()) {
    Json object = Json::object();
    for (const auto& [key, item] : value.hash().entries()) {
      object[key] = ToJson(item);
    }
    return object;
  }
  return Json();
}

// --- Responses ---------------------------------------------------------------

// Every answer of the Sinatra app: its before filter sets the content type
// and Rack::Protection adds nosniff (golden "Surprises" 1).
core::HttpResponse Reply(int status, std::string body) {
  core::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("content-type", "application/json");
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.body = std::move(body);
  return r;
}

// Sinatra's not_found handler for a path no route matches; X-Cascade comes
// from Sinatra::NotFound.
core::HttpResponse RouteNotFound() {
  core::HttpResponse r;
  r.status = 404;
  r.headers.emplace_back("content-type", "application/json");
  r.headers.emplace_back("x-cascade", "pass");
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.body = R"({"status":"not_found","error":"Not found"})";
  return r;
}

// Where apisonator raises outside any rescue (a NoMethodError on a JSON value
// of an unexpected type, say) Puma answers 500 with a development backtrace;
// the body is not part of the contract (golden compares only the status).
core::HttpResponse InternalError(std::string_view what) {
  core::HttpResponse r;
  r.status = 500;
  r.headers.emplace_back("content-type", "text/plain");
  r.body = "internal server error: " + std::string(what) + "\n";
  return r;
}

core::HttpResponse NotFoundError(std::string_view message) {
  return Reply(404, Object({{"status", Quoted("not_found")},
                            {"error", Quoted(message)}}));
}

core::HttpResponse Error400(std::string_view message) {
  return Reply(400, Object({{"error", Quoted(message)}}));
}

core::HttpResponse StatusError(int status, std::string_view message) {
  return Reply(status, Object({{"status", Quoted("error")},
                               {"error", Quoted(message)}}));
}

core::HttpResponse Deleted() { return Reply(200, R"({"status":"deleted"})"); }

// Sinatra's 400 when Rack cannot parse the query string (its BadRequest,
// raised before the app's before filter sets the JSON content type).
core::HttpResponse InvalidQuery(const core::ParamsError& error) {
  if (error.kind == core::ParamsErrorKind::kTooManyParams ||
      error.kind == core::ParamsErrorKind::kTooDeep) {
    return InternalError(error.message);
  }
  core::HttpResponse r;
  r.status = 400;
  r.headers.emplace_back("content-type", "text/html;charset=utf-8");
  r.headers.emplace_back("x-xss-protection", "1; mode=block");
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.headers.emplace_back("x-frame-options", "SAMEORIGIN");
  for (char c : "Invalid query parameters: " + error.message) {
    switch (c) {
      case '&':
        r.body += "&amp;";
        break;
      case '<':
        r.body += "&lt;";
        break;
      case '>':
        r.body += "&gt;";
        break;
      case '"':
        r.body += "&quot;";
        break;
      case '\'':
        r.body += "&amp;#x27;";
        break;
      case '/':
        r.body += "&#x2F;";
        break;
      default:
        r.body += c;
    }
  }
  return r;
}

// --- Basic auth --------------------------------------------------------------

// Rack::Auth::Basic in front of the app: 401 without credentials or with
// wrong ones, 400 for another scheme or undecodable credentials. nullopt:
// let the request through.
std::optional<core::HttpResponse> CheckAuthorization(
    const core::HttpRequest& request, std::string_view expected) {
  if (expected.empty()) return std::nullopt;
  // expected is "Basic " + base64("user:pass").
  const std::string configured = LenientDecode64(expected.substr(6));
  const size_t colon = configured.find(':');
  const std::string user = configured.substr(0, colon);
  const std::string pass =
      colon == std::string::npos ? "" : configured.substr(colon + 1);
  if (user.empty() && pass.empty()) return std::nullopt;

  core::HttpResponse unauthorized;
  unauthorized.status = 401;
  unauthorized.headers.emplace_back("content-type", "text/plain");
  unauthorized.headers.emplace_back("www-authenticate", "Basic realm=\"\"");
  core::HttpResponse bad_request;
  bad_request.status = 400;
  bad_request.headers.emplace_back("content-type", "text/plain");

  const std::string* header = request.Header("Authorization");
  if (header == nullptr) return unauthorized;
  // header.split(' ', 2): awk-style fields, the second one the rest.
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  std::string_view h = *header;
  while (!h.empty() && is_space(h.front())) h.remove_prefix(1);
  if (h.empty()) return bad_request;
  size_t end = 0;
  while (end < h.size() && !is_space(h[end])) ++end;
  std::string scheme(h.substr(0, end));
  std::string_view params = h.substr(end);
  while (!params.empty() && is_space(params.front())) params.remove_prefix(1);
  if (params.empty()) params = h.substr(0, end);  // parts.last is the scheme.
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::string credentials = LenientDecode64(params);
  const size_t sep = credentials.find(':');
  if (scheme != "basic" || sep == std::string::npos) return bad_request;
  if (credentials.substr(0, sep) != user ||
      credentials.substr(sep + 1) != pass) {
    return unauthorized;
  }
  return std::nullopt;
}

// --- Routing -----------------------------------------------------------------

using Segments = std::vector<std::string>;
using Captures = std::vector<std::string>;

// Splits a path below the mount point into decoded segments: "/services/"
// is {"services", ""}, so trailing slashes count as Sinatra's routes do.
Segments SplitPath(std::string_view path_info) {
  if (path_info.empty()) path_info = "/";
  path_info.remove_prefix(1);
  Segments segments;
  size_t start = 0;
  while (true) {
    const size_t slash = path_info.find('/', start);
    segments.push_back(DecodeSegment(path_info.substr(start, slash - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool IsCapture(std::string_view pattern) {
  return !pattern.empty() && pattern.front() == ':';
}

// A namespace's before filter: the namespace pattern followed by nothing or
// by "/..." (Sinatra::Namespace's default filter pattern). ":name" matches
// one non-empty segment. Returns the captures.
std::optional<Captures> MatchPrefix(
    const Segments& segments, std::initializer_list<std::string_view> pattern) {
  if (segments.size() < pattern.size()) return std::nullopt;
  Captures captures;
  size_t i = 0;
  for (std::string_view p : pattern) {
    const std::string& segment = segments[i++];
    if (IsCapture(p)) {
      if (segment.empty()) return std::nullopt;
      captures.push_back(segment);
    } else if (p != segment) {
      return std::nullopt;
    }
  }
  return captures;
}

// A route: the whole path. "" as the last segment is a trailing slash.
std::optional<Captures> Match(const Segments& segments,
                              std::initializer_list<std::string_view> pattern) {
  if (segments.size() != pattern.size()) return std::nullopt;
  return MatchPrefix(segments, pattern);
}

// A deterministic stand-in for SecureRandom.hex(16): 32 hex digits that
// depend on the application and `nonce` (the mock has no entropy source of
// its own; golden never records generated keys).
std::string GeneratedKey(std::string_view service_id, std::string_view app_id,
                         uint64_t nonce) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a.
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(service_id);
  mix(app_id);
  h ^= nonce;
  std::string out;
  for (int word = 0; word < 2; ++word) {
    h += 0x9e3779b97f4a7c15ull;  // splitmix64.
    uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(z));
    out += buf;
  }
  return out;
}

// Service, Application and Metric.attribute_names (service_id and id come
// from the path; an application's metric_names is never stored).
constexpr std::array<std::string_view, 6> kServiceAttributes = {
    "state",
    "referrer_filters_required",
    "backend_version",
    "provider_key",
    "id",
    "default_service"};
constexpr std::array<std::string_view, 4> kApplicationAttributes = {
    "state", "plan_id", "plan_name", "redirect_url"};
constexpr std::array<std::string_view, 3> kMetricAttributes = {
    "parent_id", "name", "children"};

// The attributes of an entity payload, as InternalAPI#api_params extracts
// them: the wrapper must be present and truthy (else 400 "missing
// parameter"), must be a hash (else Ruby raises: 500), and keeps the listed
// attributes whose value is not nil.
struct ApiParams {
  Json values = Json::object();
  std::optional<core::HttpResponse> error;
};

ApiParams ExtractApiParams(const Json* wrapper, std::string_view scope,
                           std::span<const std::string_view> names) {
  ApiParams result;
  if (!Truthy(wrapper)) {
    result.error =
        StatusError(400, "missing parameter '" + std::string(scope) + "'");
    return result;
  }
  if (!wrapper->is_object()) {
    result.error = InternalError("no implicit conversion of Symbol");
    return result;
  }
  for (std::string_view name : names) {
    const Json* v = Member(*wrapper, std::string(name));
    if (v != nullptr && !v->is_null()) result.values[std::string(name)] = *v;
  }
  return result;
}

// The six fields of Service#to_hash, each already written as JSON.
struct ServiceView {
  std::string id;
  std::string state;
  std::string provider_key;
  std::string backend_version;
  std::string referrer_filters_required;
  std::string default_service;
};

std::string ServiceJson(const ServiceView& v) {
  return Object({{"id", v.id},
                 {"state", v.state},
                 {"provider_key", v.provider_key},
                 {"backend_version", v.backend_version},
                 {"referrer_filters_required", v.referrer_filters_required},
                 {"default_service", v.default_service}});
}

// A service as Service.load_by_id reads it back from storage.
ServiceView StoredView(const core::Service& service, bool is_default) {
  return {Quoted(service.id),
          Quoted(service.active ? "active" : "suspended"),
          Quoted(service.provider_key),
          StringOrNull(service.backend_version),
          Bool(service.referrer_filters_required),
          Bool(is_default)};
}

// An application as Application.load reads it back.
std::string StoredApplicationJson(const core::Application& app) {
  return Object({{"service_id", Quoted(app.service_id)},
                 {"id", Quoted(app.id)},
                 {"state", Quoted(app.state)},
                 {"plan_id", StringOrNull(app.plan_id)},
                 {"plan_name", StringOrNull(app.plan_name)},
                 {"redirect_url", app.redirect_url ? Quoted(*app.redirect_url)
                                                   : std::string("null")}});
}

// Service#state=: only "active" is active (golden "Surprises" 21). nullopt:
// a value without #to_sym, on which Ruby raises.
std::optional<std::string> ServiceState(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  return v.get_ref<const std::string&>() == "active" ? "active" : "suspended";
}

// One request on its way through the app.
class Call {
 public:
  Call(BackendState& state, core::UtcTime now, std::string method,
       Segments segments, Json params)
      : state_(state),
        now_(now),
        method_(std::move(method)),
        segments_(std::move(segments)),
        params_(std::move(params)) {}

  core::HttpResponse Run() {
    if (auto stop = BeforeFilters()) return *std::move(stop);
    if (auto response = Route()) return *std::move(response);
    return RouteNotFound();
  }

 private:
  // params[name]: the JSON body's value, else the query string's.
  const Json* Param(const std::string& name) const {
    return Member(params_, name);
  }

  bool Is(std::string_view method) const { return method_ == method; }
  // Sinatra answers HEAD with the GET route (Rack::Head drops the body; the
  // HTTP layer does that here, keeping Content-Length).
  bool IsGet() const { return method_ == "GET" || method_ == "HEAD"; }

  bool ServiceExists(const std::string& id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      return registry.FindService(id) != nullptr;
    });
  }
  bool ApplicationExists(const std::string& service_id,
                         const std::string& app_id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      return registry.FindApplication(service_id, app_id) != nullptr;
    });
  }

  // The namespaces' before filters (errors.rb, utilization.rb,
  // application_keys.rb, application_referrer_filters.rb). They run for
  // every path below the namespace, matched by a route or not.
  std::optional<core::HttpResponse> BeforeFilters() const {
    if (auto c = MatchPrefix(segments_, {"services", ":sid", "errors"})) {
      if (!ServiceExists((*c)[0])) return NotFoundError("service not found");
    }
    if (auto c = MatchPrefix(segments_, {"services", ":sid", "applications",
                                         ":aid", "utilization"})) {
      if (!ServiceExists((*c)[0])) return NotFoundError("service not found");
      if (!ApplicationExists((*c)[0], (*c)[1])) {
        return NotFoundError("application not found");
      }
    }
    for (std::string_view leaf : {"keys", "referrer_filters"}) {
      if (auto c = MatchPrefix(
              segments_, {"services", ":sid", "applications", ":aid", leaf})) {
        if (!ApplicationExists((*c)[0], (*c)[1])) {
          return NotFoundError("application not found");
        }
      }
    }
    return std::nullopt;
  }

  std::optional<core::HttpResponse> Route() {
    const Segments& s = segments_;
    if (IsGet() && Match(s, {"check.json"})) {
      return Reply(200, R"({"status":"ok"})");
    }
    if (IsGet() && Match(s, {"status"})) {
      return Reply(200,
                   Object({{"status", Quoted("ok")},
                           {"version",
                            Object({{"backend", Quoted(kBackendVersion)}})}}));
    }
    if (auto r = RouteServices()) return r;
    if (auto r = RouteServiceTokens()) return r;
    if (auto r = RouteApplications()) return r;
    if (auto r = RouteKeysAndFilters()) return r;
    if (auto r = RouteMetricsAndLimits()) return r;
    if (IsGet()) {
      if (auto c = Match(s, {"services", ":sid", "applications", ":aid",
                             "utilization", ""})) {
        return GetUtilization((*c)[0], (*c)[1]);
      }
      if (auto c = Match(s, {"services", ":sid", "errors", ""})) {
        return GetErrors((*c)[0]);
      }
    }
    if (Is("DELETE")) {
      if (auto c = Match(s, {"services", ":sid", "errors", ""})) {
        state_.ClearErrors((*c)[0]);
        return Deleted();
      }
    }
    return std::nullopt;
  }

  // --- services.rb ---

  std::optional<core::HttpResponse> RouteServices() {
    const Segments& s = segments_;
    if (IsGet()) {
      if (auto c = Match(s, {"services", ":id"})) return GetService((*c)[0]);
    }
    if (Is("POST") && Match(s, {"services", ""})) return PostService();
    if (Is("PUT")) {
      if (auto c = Match(s, {"services", ":id"})) return PutService((*c)[0]);
      if (auto c = Match(s, {"services", "change_provider_key", ":key"})) {
        return ChangeProviderKey((*c)[0]);
      }
    }
    if (Is("DELETE")) {
      if (auto c = Match(s, {"services", ":id"})) return DeleteService((*c)[0]);
    }
    return std::nullopt;
  }

  core::HttpResponse GetService(const std::string& id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      const core::Service* service = registry.FindService(id);
      if (service == nullptr) return Reply(404, R"({"error":"not_found"})");
      return Reply(
          200, Object({{"status", Quoted("found")},
                       {"service",
                        ServiceJson(StoredView(
                            *service, registry.IsDefaultService(*service)))}}));
    });
  }

  // Service.save!(attributes): a new Service object from the payload alone
  // (absent attributes echo null, state defaults to active), saved over any
  // stored one. `status_member` follows the service in the answer.
  core::HttpResponse SaveNewService(const Json& attrs, int http_status,
                                    std::string_view status_member) {
    const Json* id = Member(attrs, "id");
    const Json* provider_key = Member(attrs, "provider_key");
    const Json* backend_version = Member(attrs, "backend_version");
    const Json* filters_required = Member(attrs, "referrer_filters_required");
    const Json* default_service = Member(attrs, "default_service");
    std::string state = "active";
    if (const Json* given = Member(attrs, "state")) {
      auto mapped = ServiceState(*given);
      if (!mapped) return InternalError("undefined method `to_sym'");
      state = *mapped;
    }
    core::ServiceAttributes save;
    save.id = id ? RedisString(*id) : "";
    save.provider_key = provider_key ? RedisString(*provider_key) : "";
    if (backend_version) save.backend_version = RedisString(*backend_version);
    save.referrer_filters_required = Truthy(filters_required);
    save.state = state;
    const std::string default_json =
        state_.WriteRegistry([&](core::Registry& registry) {
          // Service#set_as_default_if_needed: unless given, the service is
          // the default when its provider key has none yet.
          const bool is_default =
              default_service
                  ? Truthy(default_service)
                  : registry.DefaultService(*save.provider_key) == nullptr;
          save.default_service = is_default;
          // apisonator would store a service without id under an empty id;
          // nothing could reach it by id, so the mock keeps nothing.
          if (!save.id.empty()) registry.SaveService(save);
          return default_service ? RubyJson(default_service) : Bool(is_default);
        });
    const ServiceView echo{RubyJson(id),
                           Quoted(state),
                           RubyJson(provider_key),
                           RubyJson(backend_version),
                           RubyJson(filters_required),
                           default_json};
    return Reply(http_status, Object({{"service", ServiceJson(echo)},
                                      {"status", Quoted(status_member)}}));
  }

  core::HttpResponse PostService() {
    ApiParams attrs =
        ExtractApiParams(Param("service"), "service", kServiceAttributes);
    if (attrs.error) return *std::move(attrs.error);
    return SaveNewService(attrs.values, 201, "created");
  }

  // Updates the stored service with the given attributes (echoing the
  // stored values for the others), or saves a new one from the payload.
  core::HttpResponse PutService(const std::string& path_id) {
    ApiParams attrs =
        ExtractApiParams(Param("service"), "service", kServiceAttributes);
    if (attrs.error) return *std::move(attrs.error);
    const Json& given = attrs.values;
    auto loaded = state_.ReadRegistry(
        [&](const core::Registry& registry)
            -> std::optional<std::pair<core::Service, bool>> {
          const core::Service* service = registry.FindService(path_id);
          if (service == nullptr) return std::nullopt;
          return std::make_pair(*service, registry.IsDefaultService(*service));
        });
    if (!loaded) return SaveNewService(given, 200, "ok");

    const core::Service& stored = loaded->first;
    ServiceView echo = StoredView(stored, loaded->second);
    core::ServiceAttributes save;
    save.id = stored.id;
    save.provider_key = stored.provider_key;
    if (!stored.backend_version.empty()) {
      save.backend_version = stored.backend_version;
    }
    save.referrer_filters_required = stored.referrer_filters_required;
    save.state = stored.active ? "active" : "suspended";
    save.default_service = loaded->second;
    if (const Json* v = Member(given, "state")) {
      auto mapped = ServiceState(*v);
      if (!mapped) return InternalError("undefined method `to_sym'");
      save.state = *mapped;
      echo.state = Quoted(*mapped);
    }
    if (const Json* v = Member(given, "referrer_filters_required")) {
      save.referrer_filters_required = Truthy(v);
      echo.referrer_filters_required = RubyJson(v);
    }
    if (const Json* v = Member(given, "backend_version")) {
      save.backend_version = RedisString(*v);
      echo.backend_version = RubyJson(v);
    }
    if (const Json* v = Member(given, "provider_key")) {
      save.provider_key = RedisString(*v);
      echo.provider_key = RubyJson(v);
    }
    if (const Json* v = Member(given, "id")) {
      save.id = RedisString(*v);
      echo.id = RubyJson(v);
    }
    if (const Json* v = Member(given, "default_service")) {
      save.default_service = Truthy(v);
      echo.default_service = RubyJson(v);
    }
    if (!save.id.empty()) {
      state_.WriteRegistry(
          [&](core::Registry& registry) { return registry.SaveService(save); });
    }
    return Reply(200, Object({{"service", ServiceJson(echo)},
                              {"status", Quoted("ok")}}));
  }

  core::HttpResponse DeleteService(const std::string& id) {
    const core::Status status = state_.WriteRegistry(
        [&](core::Registry& registry) { return registry.DeleteService(id); });
    if (status.code() == core::StatusCode::kNotFound) {
      return NotFoundError(status.message());
    }
    if (!status.ok()) return Error400(status.message());
    state_.ClearErrors(id);  // Service#delete_data: ErrorStorage.delete_all.
    return Deleted();
  }

  // ProviderKeyChangeUseCase: every error is a 400 with its message.
  core::HttpResponse ChangeProviderKey(const std::string& old_key) {
    const Json* new_key = Param("new_key");
    std::string key;
    if (new_key != nullptr && !new_key->is_null()) {
      if ((new_key->is_array() || new_key->is_object()) && new_key->empty()) {
        key.clear();  // [] and {} are #empty?: "not valid".
      } else if (!new_key->is_string()) {
        return InternalError("undefined method `empty?'");
      } else {
        key = new_key->get<std::string>();
      }
    }
    const core::Status status =
        state_.WriteRegistry([&](core::Registry& registry) {
          return registry.ChangeProviderKey(old_key, key);
        });
    if (!status.ok()) return Error400(status.message());
    return Reply(200, R"({"status":"ok"})");
  }

  // --- service_tokens.rb ---

  std::optional<core::HttpResponse> RouteServiceTokens() {
    const Segments& s = segments_;
    if (Is("HEAD")) {
      if (auto c = Match(s, {"service_tokens", ":token", ":sid", ""})) {
        const bool exists =
            state_.ReadRegistry([&](const core::Registry& registry) {
              return registry.HasServiceToken((*c)[0], (*c)[1]);
            });
        return Reply(exists ? 200 : 404, "");
      }
    }
    if (IsGet()) {
      if (auto c =
              Match(s, {"service_tokens", ":token", ":sid", "provider_key"})) {
        return GetTokenProviderKey((*c)[0], (*c)[1]);
      }
    }
    if (Is("POST") && Match(s, {"service_tokens", ""})) return PostTokens();
    if (Is("DELETE") && Match(s, {"service_tokens", ""})) return DeleteTokens();
    return std::nullopt;
  }

  core::HttpResponse GetTokenProviderKey(const std::string& token,
                                         const std::string& service_id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      if (!registry.HasServiceToken(token, service_id)) {
        return NotFoundError("token/service combination not found");
      }
      // Service.provider_key_for: nil when the service does not exist.
      const core::Service* service = registry.FindService(service_id);
      return Reply(
          200, Object({{"status", Quoted("found")},
                       {"provider_key", service ? Quoted(service->provider_key)
                                                : std::string("null")}}));
    });
  }

  core::HttpResponse PostTokens() {
    const Json* tokens = Param("service_tokens");
    if (!Truthy(tokens)) {
      return Error400("missing parameter 'service_tokens'");
    }
    // {"TOKEN": {"service_id": "s1"}, ...}; anything else makes Ruby raise.
    if (tokens->is_array() && tokens->empty()) {
      return Reply(201, R"({"status":"created"})");
    }
    if (!tokens->is_object()) return InternalError("service_tokens");
    std::vector<std::pair<std::string, std::string>> pairs;
    bool blank_token = false;
    bool blank_id = false;
    for (auto it = tokens->begin(); it != tokens->end(); ++it) {
      if (!it.value().is_object()) return InternalError("service_tokens");
      const Json* id = Member(it.value(), "service_id");
      const std::string id_text =
          id == nullptr || id->is_null() ? "" : RedisString(*id);
      if (it.key().empty()) blank_token = true;
      if (id_text.empty()) blank_id = true;
      pairs.emplace_back(it.key(), id_text);
    }
    // ServiceToken.validate_pairs: a 422 (ThreeScale::Backend::Invalid).
    if (blank_token) return StatusError(422, "Service token cannot be blank");
    if (blank_id) return StatusError(422, "Service ID cannot be blank");
    state_.WriteRegistry([&](core::Registry& registry) {
      for (auto& [token, id] : pairs) registry.AddServiceToken(token, id);
      return true;
    });
    return Reply(201, R"({"status":"created"})");
  }

  core::HttpResponse DeleteTokens() {
    const Json* tokens = Param("service_tokens");
    if (!Truthy(tokens)) {
      return Error400("missing parameter 'service_tokens'");
    }
    // [{"service_token": "T", "service_id": "s1"}, ...].
    if (tokens->is_object() && tokens->empty()) {
      return Reply(200, R"({"status":"deleted","count":0})");
    }
    if (!tokens->is_array()) return InternalError("service_tokens");
    for (const Json& pair : *tokens) {
      if (!pair.is_object()) return InternalError("service_tokens");
    }
    const int64_t count = state_.WriteRegistry([&](core::Registry& registry) {
      int64_t n = 0;
      for (const Json& pair : *tokens) {
        const Json* token = Member(pair, "service_token");
        const Json* id = Member(pair, "service_id");
        if (registry.RemoveServiceToken(token ? RedisString(*token) : "",
                                        id ? RedisString(*id) : "")) {
          ++n;
        }
      }
      return n;
    });
    return Reply(
        200, Object({{"status", Quoted("deleted")}, {"count", Int(count)}}));
  }

  // --- applications.rb ---

  std::optional<core::HttpResponse> RouteApplications() {
    const Segments& s = segments_;
    if (IsGet()) {
      if (auto c = Match(s, {"services", ":sid", "applications", ":id"})) {
        return GetApplication((*c)[0], (*c)[1]);
      }
      if (auto c = Match(
              s, {"services", ":sid", "applications", "key", ":user_key"})) {
        return GetApplicationByUserKey((*c)[0], (*c)[1]);
      }
    }
    if (Is("POST")) {
      if (auto c = Match(s, {"services", ":sid", "applications", ":id"})) {
        return SaveApplication((*c)[0], (*c)[1], /*create=*/true);
      }
    }
    if (Is("PUT")) {
      // The batch endpoint of apisonator's newer releases (spec 8). 3.4.3
      // routes this path to PUT /:id, which is what a payload without
      // "applications" still gets.
      if (auto c = Match(s, {"services", ":sid", "applications", "batch"});
          c && Param("applications") != nullptr) {
        return PutApplicationsBatch((*c)[0]);
      }
      if (auto c = Match(s, {"services", ":sid", "applications", ":id"})) {
        return SaveApplication((*c)[0], (*c)[1], /*create=*/false);
      }
      if (auto c = Match(s, {"services", ":sid", "applications", ":id", "key",
                             ":user_key"})) {
        return PutUserKey((*c)[0], (*c)[1], (*c)[2]);
      }
    }
    if (Is("DELETE")) {
      if (auto c = Match(s, {"services", ":sid", "applications", ":id"})) {
        const bool deleted =
            state_.WriteRegistry([&](core::Registry& registry) {
              return registry.DeleteApplication((*c)[0], (*c)[1]);
            });
        if (!deleted) return NotFoundError("application not found");
        return Deleted();
      }
      if (auto c = Match(
              s, {"services", ":sid", "applications", "key", ":user_key"})) {
        state_.WriteRegistry([&](core::Registry& registry) {
          return registry.DeleteUserKey((*c)[0], (*c)[1]);
        });
        return Deleted();
      }
    }
    return std::nullopt;
  }

  core::HttpResponse GetApplication(const std::string& service_id,
                                    const std::string& id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      const core::Application* app = registry.FindApplication(service_id, id);
      if (app == nullptr) return NotFoundError("application not found");
      return Reply(200, Object({{"status", Quoted("found")},
                                {"application", StoredApplicationJson(*app)}}));
    });
  }

  core::HttpResponse GetApplicationByUserKey(
      const std::string& service_id, const std::string& user_key) const {
    auto id = state_.ReadRegistry([&](const core::Registry& registry) {
      return registry.FindAppIdByUserKey(service_id, user_key);
    });
    if (!id) return NotFoundError("application key not found");
    return Reply(200, Object({{"status", Quoted("found")},
                              {"application", Object({{"id", Quoted(*id)}})}}));
  }

  core::HttpResponse PutUserKey(const std::string& service_id,
                                const std::string& id,
                                const std::string& user_key) {
    // Application.save_id_by_key raises ApplicationHasInconsistentData,
    // which nothing rescues.
    if (Blank(service_id) || Blank(id) || Blank(user_key)) {
      return InternalError("ApplicationHasInconsistentData");
    }
    state_.WriteRegistry([&](core::Registry& registry) {
      registry.SetUserKey(service_id, user_key, id);
      return true;
    });
    return Reply(200, Object({{"status", Quoted("modified")},
                              {"application", Object({{"id", Quoted(id)}})}}));
  }

  // The echo of Application#to_hash for an object built from the payload:
  // the given values as sent, null for the others (golden "Surprises" 21).
  static std::string EchoApplicationJson(std::string_view service_id,
                                         const std::string& id_json,
                                         const Json& attrs) {
    return Object({{"service_id", Quoted(service_id)},
                   {"id", id_json},
                   {"state", RubyJson(Member(attrs, "state"))},
                   {"plan_id", RubyJson(Member(attrs, "plan_id"))},
                   {"plan_name", RubyJson(Member(attrs, "plan_name"))},
                   {"redirect_url", RubyJson(Member(attrs, "redirect_url"))}});
  }

  static core::ApplicationAttributes ToApplicationAttributes(
      const Json& attrs) {
    core::ApplicationAttributes save;
    if (const Json* v = Member(attrs, "state")) save.state = RedisString(*v);
    if (const Json* v = Member(attrs, "plan_id")) {
      save.plan_id = RedisString(*v);
    }
    if (const Json* v = Member(attrs, "plan_name")) {
      save.plan_name = RedisString(*v);
    }
    if (const Json* v = Member(attrs, "redirect_url")) {
      save.redirect_url = RedisString(*v);
    }
    return save;
  }

  static std::string NoStateMessage(std::string_view id) {
    return "Application with id=\"" + std::string(id) + "\" has no state ";
  }

  // POST (create only: 405 when it exists) and PUT (create or update). The
  // stored values of omitted attributes are kept.
  core::HttpResponse SaveApplication(const std::string& service_id,
                                     const std::string& id, bool create) {
    ApiParams attrs = ExtractApiParams(Param("application"), "application",
                                       kApplicationAttributes);
    if (attrs.error) return *std::move(attrs.error);
    const bool existed = ApplicationExists(service_id, id);
    if (create && existed) {
      return Reply(405,
                   Object({{"status", Quoted("exists")},
                           {"error", Quoted("application cannot be created, "
                                            "exists already")}}));
    }
    if (!Truthy(Member(attrs.values, "state"))) {
      return Reply(400, Object({{"status", Quoted("bad_request")},
                                {"error", Quoted(NoStateMessage(id))}}));
    }
    state_.WriteRegistry([&](core::Registry& registry) {
      return registry.SaveApplication(service_id, id,
                                      ToApplicationAttributes(attrs.values));
    });
    const std::string app =
        EchoApplicationJson(service_id, Quoted(id), attrs.values);
    if (create) {
      return Reply(
          201, Object({{"status", Quoted("created")}, {"application", app}}));
    }
    return Reply(200,
                 Object({{"status", Quoted(existed ? "modified" : "created")},
                         {"application", app}}));
  }

  // PUT /services/:sid/applications/batch of newer apisonator releases:
  // each application saved with its user_key, keys and referrer filters;
  // failures are reported per application.
  core::HttpResponse PutApplicationsBatch(const std::string& service_id) {
    const Json* batch = Param("applications");
    if (!Truthy(batch)) {
      return StatusError(400, "missing parameter 'applications'");
    }
    if (!batch->is_array()) return InternalError("applications");
    for (const Json& app_data : *batch) {
      if (!app_data.is_object()) return InternalError("applications");
    }
    std::vector<std::string> results;
    std::vector<std::string> failures;
    int64_t successful = 0;
    for (const Json& app_data : *batch) {
      const Json* id_value = Member(app_data, "id");
      const std::string id = id_value ? RedisString(*id_value) : "";
      Json attrs = Json::object();
      for (std::string_view name : kApplicationAttributes) {
        const Json* v = Member(app_data, std::string(name));
        if (v != nullptr && !v->is_null()) attrs[std::string(name)] = *v;
      }
      auto fail = [&](const std::string& message) {
        results.push_back(Object({{"status", Quoted("error")},
                                  {"id", RubyJson(id_value)},
                                  {"error", Quoted(message)}}));
        failures.push_back(
            Object({{"id", RubyJson(id_value)}, {"error", Quoted(message)}}));
      };
      if (!Truthy(Member(attrs, "state"))) {
        fail(NoStateMessage(id));
        continue;
      }
      const Json* user_key = Member(app_data, "user_key");
      const Json* keys = Member(app_data, "application_keys");
      const Json* filters = Member(app_data, "referrer_filters");
      std::string error;
      auto outcome = state_.WriteRegistry([&](core::Registry& registry) {
        const bool existed =
            registry.FindApplication(service_id, id) != nullptr;
        registry.SaveApplication(service_id, id,
                                 ToApplicationAttributes(attrs));
        if (Truthy(user_key)) {
          const std::string uk = RedisString(*user_key);
          if (Blank(service_id) || Blank(id) || Blank(uk)) {
            error = "Application id=\"" + id + "\" with user_key=\"" + uk +
                    "\" has inconsistent data and could not be saved";
            return existed;
          }
          registry.SetUserKey(service_id, uk, id);
        }
        if (Truthy(keys) && keys->is_array()) {
          uint64_t nonce = 0;
          for (const Json& key : *keys) {
            // Application#create_key: nil gets a random key.
            const std::string value =
                key.is_null() ? GeneratedKey(service_id, id, nonce++)
                              : RedisString(key);
            (void)registry.AddApplicationKey(service_id, id, value);
          }
        }
        if (Truthy(filters) && filters->is_array()) {
          for (const Json& filter : *filters) {
            if (filter.is_null() ||
                (filter.is_string() && Blank(filter.get<std::string>()))) {
              error = "referrer filter can't be blank";
              return existed;
            }
            (void)registry.AddReferrerFilter(service_id, id,
                                             RedisString(filter));
          }
        }
        return existed;
      });
      if (!error.empty()) {
        fail(error);
        continue;
      }
      const std::string entry =
          state_.ReadRegistry([&](const core::Registry& registry) {
            const core::Application* app =
                registry.FindApplication(service_id, id);
            std::string user_key_json = "null";
            if (Truthy(user_key)) {
              auto mapped = registry.FindAppIdByUserKey(service_id,
                                                        RedisString(*user_key));
              if (mapped && *mapped == id) user_key_json = RubyJson(user_key);
            }
            std::vector<std::string> key_list;
            std::vector<std::string> filter_list;
            if (app != nullptr) {
              for (const std::string& k : app->keys) {
                key_list.push_back(Quoted(k));
              }
              for (const std::string& f : app->referrer_filters) {
                filter_list.push_back(Quoted(f));
              }
            }
            return Object(
                {{"status", Quoted(outcome ? "modified" : "created")},
                 {"application",
                  Object({{"service_id", Quoted(service_id)},
                          {"id", RubyJson(id_value)},
                          {"state", RubyJson(Member(attrs, "state"))},
                          {"plan_id", RubyJson(Member(attrs, "plan_id"))},
                          {"plan_name", RubyJson(Member(attrs, "plan_name"))},
                          {"redirect_url",
                           RubyJson(Member(attrs, "redirect_url"))},
                          {"user_key", user_key_json},
                          {"application_keys", Array(key_list)},
                          {"referrer_filters", Array(filter_list)}})}});
          });
      results.push_back(entry);
      ++successful;
    }
    const auto total = static_cast<int64_t>(batch->size());
    std::string body = Object({{"status", Quoted("completed")},
                               {"total", Int(total)},
                               {"successful", Int(successful)},
                               {"failed", Int(total - successful)},
                               {"applications", Array(results)}});
    if (!failures.empty()) {
      body.pop_back();
      body += ",\"failures\":" + Array(failures) + "}";
    }
    return Reply(200, std::move(body));
  }

  // --- application_keys.rb and application_referrer_filters.rb ---

  std::optional<core::HttpResponse> RouteKeysAndFilters() {
    const Segments& s = segments_;
    if (auto c = Match(
            s, {"services", ":sid", "applications", ":aid", "keys", ""})) {
      if (IsGet()) return GetKeys((*c)[0], (*c)[1]);
      if (Is("POST")) return PostKey((*c)[0], (*c)[1]);
    }
    if (Is("DELETE")) {
      if (auto c = Match(s, {"services", ":sid", "applications", ":aid", "keys",
                             ":value"})) {
        const bool deleted =
            state_.WriteRegistry([&](core::Registry& registry) {
              return registry.DeleteApplicationKey((*c)[0], (*c)[1], (*c)[2]);
            });
        if (!deleted) return NotFoundError("application key not found");
        return Deleted();
      }
    }
    if (auto c = Match(s, {"services", ":sid", "applications", ":aid",
                           "referrer_filters"})) {
      if (IsGet()) return GetReferrerFilters((*c)[0], (*c)[1]);
      if (Is("POST")) return PostReferrerFilter((*c)[0], (*c)[1]);
    }
    if (Is("DELETE")) {
      if (auto c = Match(s, {"services", ":sid", "applications", ":aid",
                             "referrer_filters", ":value"})) {
        // The value is the filter in URL-safe Base64, or the filter itself
        // when it does not decode.
        const std::string filter = UrlSafeDecode64((*c)[2]).value_or((*c)[2]);
        state_.WriteRegistry([&](core::Registry& registry) {
          return registry.DeleteReferrerFilter((*c)[0], (*c)[1], filter);
        });
        return Deleted();
      }
    }
    return std::nullopt;
  }

  core::HttpResponse GetKeys(const std::string& service_id,
                             const std::string& app_id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      const core::Application* app =
          registry.FindApplication(service_id, app_id);
      std::vector<std::string> keys;
      if (app != nullptr) {
        for (const std::string& key : app->keys) {
          keys.push_back(Object({{"service_id", Quoted(service_id)},
                                 {"app_id", Quoted(app_id)},
                                 {"value", Quoted(key)}}));
        }
      }
      return Reply(200, Object({{"status", Quoted("found")},
                                {"application_keys", Array(keys)}}));
    });
  }

  core::HttpResponse PostKey(const std::string& service_id,
                             const std::string& app_id) {
    // params.fetch(:application_key, {}).fetch(:value, nil).
    const Json* wrapper = Param("application_key");
    const Json* value = nullptr;
    if (wrapper != nullptr) {
      if (!wrapper->is_object()) {
        return InternalError("undefined method `fetch'");
      }
      value = Member(*wrapper, "value");
    }
    std::string key;
    if (value != nullptr && !value->is_null()) {
      if (!value->is_string()) {
        return InternalError("undefined method `empty?'");
      }
      key = value->get<std::string>();
    }
    (void)state_.WriteRegistry([&](core::Registry& registry) {
      if (key.empty()) {
        // SecureRandom.hex(16) in apisonator.
        const core::Application* app =
            registry.FindApplication(service_id, app_id);
        uint64_t nonce = app ? app->keys.size() : 0;
        do {
          key = GeneratedKey(service_id, app_id, nonce++);
        } while (app != nullptr && app->keys.count(key) > 0);
      }
      return registry.AddApplicationKey(service_id, app_id, key);
    });
    return Reply(
        201, Object({{"status", Quoted("created")},
                     {"application_key", Object({{"app_id", Quoted(app_id)},
                                                 {"value", Quoted(key)}})}}));
  }

  core::HttpResponse GetReferrerFilters(const std::string& service_id,
                                        const std::string& app_id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      const core::Application* app =
          registry.FindApplication(service_id, app_id);
      std::vector<std::string> filters;
      if (app != nullptr) {
        // A std::set: sorted bytewise, as Ruby's Array#sort sorts strings.
        for (const std::string& f : app->referrer_filters) {
          filters.push_back(Quoted(f));
        }
      }
      return Reply(200, Object({{"status", Quoted("found")},
                                {"referrer_filters", Array(filters)}}));
    });
  }

  core::HttpResponse PostReferrerFilter(const std::string& service_id,
                                        const std::string& app_id) {
    const Json* value = Param("referrer_filter");
    if (value != nullptr && !value->is_null() && !value->is_string()) {
      return InternalError("undefined method `blank?'");
    }
    if (value == nullptr || value->is_null() ||
        Blank(value->get_ref<const std::string&>())) {
      return Error400("referrer filter can't be blank");
    }
    const std::string filter = value->get<std::string>();
    (void)state_.WriteRegistry([&](core::Registry& registry) {
      return registry.AddReferrerFilter(service_id, app_id, filter);
    });
    return Reply(201, Object({{"status", Quoted("created")},
                              {"referrer_filter", Quoted(filter)}}));
  }

  // --- metrics.rb and usagelimits.rb ---

  std::optional<core::HttpResponse> RouteMetricsAndLimits() {
    const Segments& s = segments_;
    if (auto c = Match(s, {"services", ":sid", "metrics", ":id"})) {
      if (IsGet()) return GetMetric((*c)[0], (*c)[1]);
      if (Is("POST")) return SaveMetric((*c)[0], (*c)[1], 201, "created");
      if (Is("PUT")) return SaveMetric((*c)[0], (*c)[1], 200, "modified");
      if (Is("DELETE")) return DeleteMetric((*c)[0], (*c)[1]);
    }
    if (auto c = Match(s, {"services", ":sid", "plans", ":plan", "usagelimits",
                           ":metric", ":period"})) {
      if (IsGet()) return GetUsageLimit(*c);
      if (Is("PUT")) return PutUsageLimit(*c);
      if (Is("DELETE")) {
        if (auto period = core::ParsePeriod((*c)[3])) {
          state_.WriteRegistry([&](core::Registry& registry) {
            return registry.DeleteUsageLimit((*c)[0], (*c)[1], (*c)[2],
                                             *period);
          });
        }
        return Deleted();
      }
    }
    return std::nullopt;
  }

  core::HttpResponse GetMetric(const std::string& service_id,
                               const std::string& id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      const core::Service* service = registry.FindService(service_id);
      const core::Metric* metric =
          service ? service->metrics.FindById(id) : nullptr;
      if (metric == nullptr) return NotFoundError("metric not found");
      return Reply(
          200, Object({{"status", Quoted("found")},
                       {"metric",
                        Object({{"service_id", Quoted(service_id)},
                                {"id", Quoted(id)},
                                {"parent_id", StringOrNull(metric->parent_id)},
                                {"name", Quoted(metric->name)}})}}));
    });
  }

  // Metric.save: the name and (when truthy) parent_id are written; a stored
  // parent_id is never removed. The echo shows the payload as sent, so an
  // integer parent_id stays an integer (golden "Surprises" 21).
  core::HttpResponse SaveMetric(const std::string& service_id,
                                const std::string& id, int http_status,
                                std::string_view status_word) {
    ApiParams attrs =
        ExtractApiParams(Param("metric"), "metric", kMetricAttributes);
    if (attrs.error) return *std::move(attrs.error);
    const Json* name = Member(attrs.values, "name");
    const Json* parent_id = Member(attrs.values, "parent_id");
    (void)state_.WriteRegistry([&](core::Registry& registry) {
      core::Metric metric{id, name ? RedisString(*name) : "", ""};
      if (Truthy(parent_id)) {
        metric.parent_id = RedisString(*parent_id);
      } else if (const core::Service* service =
                     registry.FindService(service_id)) {
        if (const core::Metric* old = service->metrics.FindById(id)) {
          metric.parent_id = old->parent_id;
        }
      }
      // apisonator stores metrics of services that do not exist (yet); the
      // Registry keeps metrics inside their service, so those are dropped.
      return registry.PutMetric(service_id, std::move(metric));
    });
    // Metric#save_children: anything but nil, false or an empty collection
    // makes Ruby raise after the metric was saved.
    if (const Json* children = Member(attrs.values, "children");
        Truthy(children) && !((children->is_array() || children->is_object()) &&
                              children->empty())) {
      return InternalError("undefined method `service_id='");
    }
    return Reply(http_status,
                 Object({{"status", Quoted(status_word)},
                         {"metric", Object({{"service_id", Quoted(service_id)},
                                            {"id", Quoted(id)},
                                            {"parent_id", RubyJson(parent_id)},
                                            {"name", RubyJson(name)}})}}));
  }

  core::HttpResponse DeleteMetric(const std::string& service_id,
                                  const std::string& id) {
    const bool deleted = state_.WriteRegistry([&](core::Registry& registry) {
      const core::Service* service = registry.FindService(service_id);
      const core::Metric* metric =
          service ? service->metrics.FindById(id) : nullptr;
      // Metric.delete refuses a metric whose stored name is empty.
      if (metric == nullptr || metric->name.empty()) return false;
      return registry.DeleteMetric(service_id, id);
    });
    if (!deleted) return NotFoundError("metric not found");
    return Deleted();
  }

  // Captures: service id, plan id, metric id, period.
  core::HttpResponse GetUsageLimit(const Captures& c) const {
    std::optional<int64_t> value;
    if (auto period = core::ParsePeriod(c[3])) {
      value = state_.ReadRegistry([&](const core::Registry& registry) {
        return registry.FindUsageLimit(c[0], c[1], c[2], *period);
      });
    }
    if (!value) return NotFoundError("usagelimit not found");
    return Reply(200,
                 Object({{"status", Quoted("found")},
                         {"usagelimit", Object({{"service_id", Quoted(c[0])},
                                                {"plan_id", Quoted(c[1])},
                                                {"metric_id", Quoted(c[2])},
                                                {c[3], Int(*value)}})}}));
  }

  // The value is echoed as sent (a string stays a string) and stored as
  // Redis does, to be read back with #to_i.
  core::HttpResponse PutUsageLimit(const Captures& c) {
    const Json* attrs = Param("usagelimit");
    if (!Truthy(attrs)) {
      return StatusError(400, "missing parameter 'usagelimit'");
    }
    if (!attrs->is_object()) return InternalError("no implicit conversion");
    const Json* value = Member(*attrs, c[3]);
    if (!Truthy(value)) {
      return StatusError(400, "missing parameter '" + c[3] + "'");
    }
    if (value->is_array() || value->is_object()) {
      return InternalError("ERR syntax error");
    }
    if (auto period = core::ParsePeriod(c[3])) {
      const core::UsageLimit limit{c[2], *period,
                                   RubyStringToI(RedisString(*value))};
      // Dropped when the service does not exist, as metrics are.
      (void)state_.WriteRegistry([&](core::Registry& registry) {
        return registry.PutUsageLimit(c[0], c[1], limit);
      });
    }
    return Reply(200,
                 Object({{"status", Quoted("modified")},
                         {"usagelimit", Object({{"service_id", Quoted(c[0])},
                                                {"plan_id", Quoted(c[1])},
                                                {"metric_id", Quoted(c[2])},
                                                {c[3], RubyJson(value)}})}}));
  }

  // --- utilization.rb and errors.rb ---

  core::HttpResponse GetUtilization(const std::string& service_id,
                                    const std::string& app_id) const {
    return state_.ReadRegistry([&](const core::Registry& registry) {
      const core::Service* service = registry.FindService(service_id);
      const core::Application* app =
          registry.FindApplication(service_id, app_id);
      std::vector<std::string> entries;
      if (service != nullptr && app != nullptr) {
        const core::UsageCounters counters =
            state_.CountersOf(service_id, app_id);
        for (const core::UsageReport& report :
             core::StoredUsageReports(*service, *app, counters, now_)) {
          entries.push_back(
              Object({{"period", Quoted(core::ToString(report.period))},
                      {"metric_name", Quoted(report.metric_name)},
                      {"max_value", Int(report.max_value)},
                      {"current_value", Int(report.current_value)}}));
        }
      }
      return Reply(200, Object({{"status", Quoted("found")},
                                {"utilization", Array(entries)}}));
    });
  }

  // ErrorStorage.list: page and per_page through #to_i, then Redis LRANGE
  // over the newest-first list (so page=0 gives the oldest entries).
  core::HttpResponse GetErrors(const std::string& service_id) const {
    int64_t per_page = 100;
    int64_t page = 1;
    if (const Json* v = Param("per_page"); Truthy(v)) {
      auto n = RubyToI(*v);
      if (!n) return InternalError("undefined method `to_i'");
      if (*n <= 0) return Error400("per_page needs to be > 0");
      per_page = *n;
    }
    if (const Json* v = Param("page"); Truthy(v)) {
      auto n = RubyToI(*v);
      if (!n) return InternalError("undefined method `to_i'");
      page = *n;
    }
    auto [all, count] =
        state_.ErrorPage(service_id, 1, core::ErrorLog::kMaxEntries);
    // At most kMaxEntries entries: clamping keeps every product in range
    // and the resulting range unchanged.
    per_page = std::min<int64_t>(per_page, 1000000);
    page = std::clamp<int64_t>(page, -10000000, 10000000);
    const auto len = static_cast<int64_t>(all.size());
    int64_t start = (page - 1) * per_page;
    int64_t end = start + per_page - 1;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end >= len) end = len - 1;
    std::vector<std::string> errors;
    for (int64_t i = start; i <= end && i < len; ++i) {
      const core::ErrorLogEntry& e = all[static_cast<size_t>(i)];
      errors.push_back(
          Object({{"code", Quoted(e.code)},
                  {"message", Quoted(e.message)},
                  {"timestamp", Quoted(core::FormatUtcTimestamp(e.timestamp))},
                  {"context_info",
                   e.context_info_json.empty() ? "{}" : e.context_info_json}}));
    }
    return Reply(200, Object({{"status", Quoted("found")},
                              {"errors", Array(errors)},
                              {"count", Int(static_cast<int64_t>(count))}}));
  }

  BackendState& state_;
  const core::UtcTime now_;
  const std::string method_;
  const Segments segments_;
  const Json params_;
};

}  // namespace

InternalApi::InternalApi(BackendState& state, std::string basic_auth)
    : state_(state),
      expected_authorization_(
          basic_auth.empty() ? "" : "Basic " + Encode64(basic_auth)) {}

core::HttpResponse InternalApi::Handle(const core::HttpRequest& request,
                                       core::UtcTime now) {
  try {
    if (auto denied = CheckAuthorization(request, expected_authorization_)) {
      return *std::move(denied);
    }
    std::string_view path = request.path();
    if (path.substr(0, kMountPoint.size()) == kMountPoint) {
      path.remove_prefix(kMountPoint.size());
    }

    // Sinatra's params: the query string's, with the JSON body merged over
    // them at the top level (the before filter parses any non-empty body,
    // whatever its Content-Type).
    core::ParsedParams query = core::ParseNestedQuery(request.query());
    if (!query.ok()) return InvalidQuery(*query.error);
    Json params = Json::object();
    for (const auto& [key, value] : query.params.entries()) {
      params[key] = ToJson(value);
    }
    if (!request.body.empty()) {
      // Ruby's parser accepts comments too.
      Json body = NestsDeeperThan(request.body, 100)
                      ? Json(Json::value_t::discarded)
                      : Json::parse(request.body, nullptr,
                                    /*allow_exceptions=*/false,
                                    /*ignore_comments=*/true);
      // apisonator raises here (JSON::ParserError or NestingError, or a
      // TypeError merging a non-object) and answers 500 with a backtrace;
      // the mock says why.
      if (body.is_discarded()) {
        return StatusError(400, "invalid JSON in the request body");
      }
      if (!body.is_object()) {
        return StatusError(400, "the request body must be a JSON object");
      }
      for (auto it = body.begin(); it != body.end(); ++it) {
        params[it.key()] = it.value();
      }
    }

    Call call(state_, now, request.method, SplitPath(path), std::move(params));
    core::HttpResponse response = call.Run();
    // Ruby's generator raises on a string that is not UTF-8 (an invalid
    // %-escape in a path segment echoed back, say).
    if (!core::IsValidUtf8(response.body)) {
      return InternalError("source sequence is illegal/malformed utf-8");
    }
    return response;
  } catch (const std::exception& e) {
    return InternalError(e.what());
  }
}

}  // namespace scalecheck::mock_backend
