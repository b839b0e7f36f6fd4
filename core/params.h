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
// Rack raises "invalid byte sequence in UTF-8" at the first parameter whose
// decoded *name* is not UTF-8; these parsers stop there too, store that name
// as given as a top-level key (with its value) and return ok(), so
// IsValidUtf8(params) is false and nothing after it was parsed (Rack's
// precedence over later errors). Pure functions; the types are plain values.
// Not thread-safe.
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
  // More than kMaxParams parameters (Rack's QueryLimitError): a 500. Also
  // Rack's other size limits, all of which end in a 500: a text over 4 MiB
  // ("total query size exceeds limit (4194304)"), more than 65536 characters
  // of keys in one hash ("exceeded available parameter key space"), and
  // multipart's 128 file parts or 4096 parts ("Too many open files -
  // Maximum file multiparts in content reached", "Maximum total multiparts
  // in content reached").
  kTooManyParams,
  // Nesting deeper than Rack's limit (ParamsTooDeepError): a 500. Rack gives
  // normalize_params a depth of 100 and takes one off per "[key]" and per
  // "[][key]", so 100 "[a]" after a name are too deep and 99 are not.
  // Message: "Rack::QueryParser::QueryLimitError" (raised without one).
  kTooDeep,
  // A malformed multipart body (Rack::Multipart::Parser raises EOFError):
  // Sinatra answers 400 "Invalid multipart/form-data: " + message, e.g.
  // "EOFError" (the body ends before a part does) or "multipart boundary not
  // found within limit". Only ParseMultipart gives it.
  kInvalidMultipart,
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

// Parses a query string or the 3scale-options header with
// Rack::QueryParser#parse_nested_query: fields split at '&' and ';' (spaces
// after a separator skipped), empty fields ignored, "k" alone gives nil.
// kTooManyParams when the text has 4096 or more '&' and ';' (Rack counts
// separators before splitting: 4097 fields, empty ones included).
ParsedParams ParseNestedQuery(std::string_view text);

// Parses an application/x-www-form-urlencoded body as Rack::Request#POST
// does. Unlike a query string, only '&' separates fields ("a=1;b=2" is
// {"a" => "1;b=2"}) and only '&' counts towards kMaxParams; one trailing NUL
// byte is dropped.
ParsedParams ParseFormBody(std::string_view body);

// Parses a multipart/form-data body with the given boundary (the Content-Type
// parameter, without quotes) as Rack::Multipart::Parser does, into the same
// nested structure: each part's Content-Disposition name (else its
// Content-ID, else its filename, else "<content type>[]") is a nested key
// fed to the same normalize_params, its content the value. Rack gives a part
// with a filename a hash of upload details; here the value is the content as
// a string (so a conflict names String where Rack names Hash). A part whose
// filename is "" is left out, as in Rack. An empty body or boundary is what
// Rack reads as a urlencoded form: ParseFormBody. Malformed bodies give
// kInvalidMultipart, never a crash. The body is scanned in one piece:
// Rack's limits checked between its 1 MiB reads (16 KiB before the first
// boundary, 64 KiB of part head) apply only as they do to a body of up to 1
// MiB. Not reproduced: Rack's crashes (500s) on a text/plain charset or a
// filename* encoding that Ruby does not know, or a text/plain parameter
// without '='; such parts are read like any other.
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
