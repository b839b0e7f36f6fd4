// core/params.h
//
// Request parameters parsed the way apisonator 3.4.3 sees them: Rack 2.2's
// nested query parser (Debian's rack 2.2.22, as recorded in golden/) over
// query strings, urlencoded bodies, multipart bodies and the 3scale-options
// header. Every quirk real clients depend on is kept (spec/clients.md):
// separators '&' and ';' with spaces after them skipped, '+' as a space,
// leading brackets dropped ("[usage][hits]"), "transactions[0]app_id", raw
// brackets and spaces, CR/LF kept in keys, a key without '=' has a nil value.
// Values are raw bytes: UTF-8 validity is the caller's check (IsValidUtf8).
// Pure functions; the types are plain values. Not thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace scalecheck::core {

struct ParamValue;

// Rack's Array.
using ParamArray = std::vector<ParamValue>;

// Rack's Params hash: string keys in insertion order (Ruby hashes are
// ordered, and apisonator validates usage entries in request order).
class ParamHash {
 public:
  using Entry = std::pair<std::string, ParamValue>;

  // The value under `key`, or nullptr. The pointer is valid until the next
  // mutation of this hash.
  const ParamValue* Find(std::string_view key) const;
  ParamValue* Find(std::string_view key);
  // Replaces the value under `key` in place, or appends a new entry.
  void Set(std::string key, ParamValue value);
  void Erase(std::string_view key);

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
};

// One parameter value: nil (a key without '='), a string, an array or a hash.
struct ParamValue {
  std::variant<std::monostate, std::string, ParamArray, ParamHash> value;

  bool is_nil() const { return value.index() == 0; }
  bool is_string() const { return value.index() == 1; }
  bool is_array() const { return value.index() == 2; }
  bool is_hash() const { return value.index() == 3; }
  // REQUIRES: the matching is_*().
  const std::string& string() const { return std::get<std::string>(value); }
  const ParamArray& array() const { return std::get<ParamArray>(value); }
  const ParamHash& hash() const { return std::get<ParamHash>(value); }
  ParamHash& hash() { return std::get<ParamHash>(value); }
};

// Why Rack refused a parameter string. The kinds map to different answers in
// apisonator 3.4.3 (golden badinput/*), so they are kept apart.
enum class ParamsErrorKind {
  // A '%' not followed by two hex digits: 400 bad_request "Invalid query
  // parameters: invalid %-encoding".
  kInvalidPercentEncoding,
  // Rack's ParameterTypeError, e.g. "expected Hash (got Array) for param
  // `usage'" or "expected Hash (got String) for param `0'".
  kTypeConflict,
  // More than kMaxParams parameters (Rack's QueryLimitError): a 500.
  kTooManyParams,
  // Nesting deeper than Rack's limit (ParamsTooDeepError): a 500.
  kTooDeep,
};

struct ParamsError {
  ParamsErrorKind kind = ParamsErrorKind::kInvalidPercentEncoding;
  // Rack's exception message, e.g. "expected Array (got
  // Rack::QueryParser::Params) for param `usage'" (with the backquote and the
  // closing single quote exactly as Rack writes them).
  std::string message;
};

// Parameters, or why there are none.
struct ParsedParams {
  ParamHash params;
  std::optional<ParamsError> error;
  bool ok() const { return !error.has_value(); }
};

// Rack 2.2.22's limit on the number of parameters in one string.
inline constexpr size_t kMaxParams = 4096;

// Parses a query string or an application/x-www-form-urlencoded body with
// Rack::QueryParser#parse_nested_query.
ParsedParams ParseNestedQuery(std::string_view text);

// Parses a multipart/form-data body with the given boundary (the Content-Type
// parameter, without quotes) into the same nested structure: each part's
// name is a nested key, its content the value.
ParsedParams ParseMultipart(std::string_view body, std::string_view boundary);

// Rack::Request#params: the query's parameters, then the body's merged over
// them at the top level (the body wins on a shared key).
ParamHash MergeParams(ParamHash query, const ParamHash& body);

// Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF), as Ruby's String#valid_encoding? decides.
bool IsValidUtf8(std::string_view bytes);

// Whether every key and every string value in `params`, recursively, is
// valid UTF-8.
bool IsValidUtf8(const ParamHash& params);

// Decodes one component as URI.decode_www_form_component does: '+' is a
// space, %XX a byte. nullopt on a malformed '%'.
std::optional<std::string> DecodeWwwFormComponent(std::string_view text);

// Encodes every byte but unreserved ones (A-Z a-z 0-9 - . _ ~) as %XX; a
// space becomes %20. For building requests.
std::string EncodeComponent(std::string_view text);

}  // namespace scalecheck::core
