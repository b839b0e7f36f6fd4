// core/params.cc
//
// A transcription of Rack 2.2.22 as Debian 12 ships it (ruby-rack
// 2.2.22-0+deb12u1/u2): Rack::QueryParser#parse_nested_query, its
// normalize_params and check_query_string, Rack::Request#POST's reading of a
// form body, and Rack::Multipart::Parser. Ruby regular expressions are
// replaced by hand-written scanners; each one says which regex it stands for.
// Ruby details that matter here: `^` and `$` match at every line ("\n")
// boundary, `.` does not match "\n", and String#strip also strips NUL.

#include "core/params.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace scalecheck::core {
namespace {

// Rack 2.2.22 limits (lib/rack/query_parser.rb, lib/rack/utils.rb).
constexpr size_t kMaxQueryBytes = 4194304;  // QueryParser::BYTESIZE_LIMIT
constexpr size_t kKeySpaceLimit = 65536;    // Utils.key_space_limit, chars
constexpr int kParamDepthLimit = 100;       // Utils.param_depth_limit

// Rack::Multipart::Parser limits.
constexpr size_t kMultipartReadBytes = 1048576;  // Parser::BUFSIZE
constexpr size_t kBoundaryStartLimitBytes = 16 * 1024;
constexpr size_t kMimeHeaderLimitBytes = 64 * 1024;
constexpr size_t kRetainedLimitBytes = 16 * 1024 * 1024;
constexpr size_t kMultipartFileLimit = 128;   // Utils.multipart_file_limit
constexpr size_t kMultipartPartLimit = 4096;  // multipart_total_part_limit

// ParamsTooDeepError is an alias of QueryLimitError, raised without a
// message, so Ruby uses the class name.
constexpr std::string_view kTooDeepMessage =
    "Rack::QueryParser::QueryLimitError";

ParamsError MakeError(ParamsErrorKind kind, std::string message) {
  return ParamsError{kind, std::move(message)};
}

ParsedParams Failed(ParamsError error) {
  ParsedParams result;
  result.error = std::move(error);
  return result;
}

// --- Bytes ------------------------------------------------------------------

// The value of a hex digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether s[i] and s[i + 1] are both hex digits.
bool IsHexPair(std::string_view s, size_t i) {
  return i + 1 < s.size() && HexValue(s[i]) >= 0 && HexValue(s[i + 1]) >= 0;
}

// URI.decode_www_form_component into `out` (replaced). False when a '%' is
// not followed by two hex digits (Ruby's /%(?!\h\h)/ check).
bool DecodeInto(std::string_view text, std::string& out) {
  size_t plain = 0;
  while (plain < text.size() && text[plain] != '%' && text[plain] != '+') {
    ++plain;
  }
  out.assign(text.substr(0, plain));
  for (size_t i = plain; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (!IsHexPair(text, i + 1)) return false;
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 +
                                      HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

uint8_t Byte(std::string_view s, size_t i) {
  return static_cast<uint8_t>(s[i]);
}

// How many bytes of a UTF-8 sequence starting at s[i] are well formed
// (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above
// U+10FFFF). `complete` tells whether they form a whole character.
struct Utf8Prefix {
  size_t length = 0;
  bool complete = false;
};

Utf8Prefix ScanUtf8(std::string_view s, size_t i) {
  const uint8_t lead = Byte(s, i);
  if (lead < 0x80) return {1, true};
  size_t need = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead == 0xE0) {
    need = 2;
    lo = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    need = 2;
  } else if (lead == 0xED) {
    need = 2;
    hi = 0x9F;
  } else if (lead == 0xF0) {
    need = 3;
    lo = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    need = 3;
  } else if (lead == 0xF4) {
    need = 3;
    hi = 0x8F;
  } else {
    return {0, false};  // 80..C1, F5..FF never start a character.
  }
  size_t length = 1;
  for (size_t k = 0; k < need; ++k) {
    if (i + length >= s.size()) return {length, false};
    const uint8_t b = Byte(s, i + length);
    if (b < lo || b > hi) return {length, false};
    lo = 0x80;
    hi = 0xBF;
    ++length;
  }
  return {length, true};
}

// Ruby's String#scrub: each maximal ill-formed subsequence becomes U+FFFD.
std::string Scrub(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const Utf8Prefix p = ScanUtf8(s, i);
    if (p.complete) {
      out.append(s.substr(i, p.length));
      i += p.length;
    } else {
      out.append("\xEF\xBF\xBD");
      i += std::max<size_t>(p.length, 1);
    }
  }
  return out;
}

// String#size of a valid UTF-8 string: its number of characters.
size_t CountChars(std::string_view s) {
  size_t chars = 0;
  for (const char c : s) chars += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return chars;
}

bool IsRubySpace(char c) {  // Ruby's \s: [ \t\r\n\f\v].
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

// String#strip: whitespace and NUL at both ends.
std::string_view StripRuby(std::string_view s) {
  const auto strippable = [](char c) { return c == '\0' || IsRubySpace(c); };
  while (!s.empty() && strippable(s.front())) s.remove_prefix(1);
  while (!s.empty() && strippable(s.back())) s.remove_suffix(1);
  return s;
}

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Whether s[i..] starts with `lower_prefix`, ignoring ASCII case.
bool StartsWithNoCase(std::string_view s, size_t i,
                      std::string_view lower_prefix) {
  if (i > s.size() || s.size() - i < lower_prefix.size()) return false;
  for (size_t k = 0; k < lower_prefix.size(); ++k) {
    if (AsciiLower(s[i + k]) != lower_prefix[k]) return false;
  }
  return true;
}

// Leftmost i >= from where s[i..] starts with `lower_prefix`, ignoring case.
size_t FindNoCase(std::string_view s, std::string_view lower_prefix,
                  size_t from) {
  for (size_t i = from; i + lower_prefix.size() <= s.size(); ++i) {
    if (StartsWithNoCase(s, i, lower_prefix)) return i;
  }
  return std::string_view::npos;
}

// --- ParamHash helpers ------------------------------------------------------

// Ruby's class names, as Rack prints them in ParameterTypeError messages.
std::string_view RubyClassName(const ParamValue& v) {
  switch (v.value.index()) {
    case 0:
      return "NilClass";
    case 1:
      return "String";
    case 2:
      return "Array";
    default:
      return "Rack::QueryParser::Params";
  }
}

bool IsBracket(char c) { return c == '[' || c == ']'; }

// Rack's params_hash_has_key?: whether the path of `key`'s bracket-separated
// parts already exists in `hash`, hash by hash. False for keys with "[]".
bool HashHasKey(const ParamHash& hash, std::string_view key) {
  if (key.find("[]") != std::string_view::npos) return false;
  const ParamValue* current = nullptr;
  const ParamHash* h = &hash;
  size_t i = 0;
  while (i < key.size()) {
    while (i < key.size() && IsBracket(key[i])) ++i;
    const size_t start = i;
    while (i < key.size() && !IsBracket(key[i])) ++i;
    if (start == i) break;
    if (h == nullptr) return false;
    current = h->Find(key.substr(start, i - start));
    if (current == nullptr) return false;
    h = current->is_hash() ? &current->hash() : nullptr;
  }
  return true;
}

// The two array-of-hashes patterns of normalize_params, tried on `after`:
// %r(^\[\]\[([^\[\]]+)\]$) and then %r(^\[\](.+)$), with Ruby's line
// anchors. Returns the captured child key.
std::optional<std::string_view> MatchArrayChild(std::string_view after) {
  const bool multiline = after.find('\n') != std::string_view::npos;
  const auto next_line_start = [&](size_t p) -> size_t {
    if (!multiline) return std::string_view::npos;
    const size_t nl = after.find('\n', p);
    return nl == std::string_view::npos ? nl : nl + 1;
  };
  for (size_t p = 0; p != std::string_view::npos && p <= after.size();
       p = next_line_start(p)) {
    if (after.size() - p < 3 || after.compare(p, 3, "[][") != 0) continue;
    size_t r = p + 3;
    while (r < after.size() && !IsBracket(after[r])) ++r;
    if (r > p + 3 && r < after.size() && after[r] == ']' &&
        (r + 1 == after.size() || after[r + 1] == '\n')) {
      return after.substr(p + 3, r - p - 3);
    }
  }
  for (size_t p = 0; p != std::string_view::npos && p <= after.size();
       p = next_line_start(p)) {
    if (after.size() - p < 3 || after.compare(p, 2, "[]") != 0 ||
        after[p + 2] == '\n') {
      continue;
    }
    const size_t nl = after.find('\n', p + 2);
    const size_t end = nl == std::string_view::npos ? after.size() : nl;
    return after.substr(p + 2, end - p - 2);
  }
  return std::nullopt;
}

// Appends `key`, which must be absent, and returns its value. Set() puts a
// new key last; `params` is not const, so neither is that entry, and the
// cast only undoes entries()'s read-only view.
ParamValue& Append(ParamHash& params, std::string_view key, ParamValue value) {
  params.Set(std::string(key), std::move(value));
  return const_cast<ParamValue&>(params.entries().back().second);
}

// Rack's QueryParser#normalize_params. The first error is kept in error_ and
// every caller unwinds.
class Normalizer {
 public:
  // What normalize_params returns: the hash it was given (kParams), nil,
  // Array(v) (only for the name "[]"), or it raised (kError).
  enum class Outcome { kParams, kNil, kArray, kError };

  Outcome Normalize(ParamHash& params, std::string_view name, ParamValue& v,
                    int depth) {
    if (depth <= 0) {
      return Fail(ParamsErrorKind::kTooDeep, std::string(kTooDeepMessage));
    }
    // name =~ %r(\A[\[\]]*([^\[\]]+)\]*): k is the first run of
    // non-brackets after leading brackets; `after` follows its closing ']'s.
    size_t i = 0;
    while (i < name.size() && IsBracket(name[i])) ++i;
    size_t j = i;
    while (j < name.size() && !IsBracket(name[j])) ++j;
    if (j == i) {
      return (!v.is_nil() && name == "[]") ? Outcome::kArray : Outcome::kNil;
    }
    const std::string_view k = name.substr(i, j - i);
    while (j < name.size() && name[j] == ']') ++j;
    const std::string_view after = name.substr(j);

    if (after.empty()) return Assign(params, k, std::move(v));
    if (after == "[") return Assign(params, name, std::move(v));
    if (after == "[]") {
      ParamArray* array = ArrayAt(params, k);
      if (array == nullptr) return Outcome::kError;
      array->push_back(std::move(v));
      return Outcome::kParams;
    }
    if (const std::optional<std::string_view> child_key =
            MatchArrayChild(after)) {
      ParamArray* array = ArrayAt(params, k);
      if (array == nullptr) return Outcome::kError;
      if (!array->empty() && array->back().is_hash() &&
          !HashHasKey(array->back().hash(), *child_key)) {
        const Outcome o =
            Normalize(array->back().hash(), *child_key, v, depth - 1);
        return o == Outcome::kError ? o : Outcome::kParams;
      }
      ParamHash fresh;
      const Outcome o = Normalize(fresh, *child_key, v, depth - 1);
      if (o == Outcome::kError) return o;
      array->push_back(Returned(o, std::move(fresh), v));
      return Outcome::kParams;
    }
    ParamValue* slot = params.Find(k);
    if (slot == nullptr) {
      if (!FitsKeySpace(params, k)) return Outcome::kError;
      slot = &Append(params, k, ParamValue{ParamHash()});
    } else if (slot->is_nil()) {
      slot->value = ParamHash();
    }
    if (!slot->is_hash()) return TypeError("Hash", *slot, k);
    const Outcome o = Normalize(slot->hash(), after, v, depth - 1);
    if (o == Outcome::kError) return o;
    // params[k] = normalize_params(params[k], ...): usually the same hash,
    // but nil for names like "a[[" (and then the hash is gone).
    if (o != Outcome::kParams) *slot = Returned(o, ParamHash(), v);
    return Outcome::kParams;
  }

  // Whether key-space accounting is needed: only once the decoded names
  // seen so far add up to more than Rack's key space, since each hash's
  // keys are disjoint pieces of those names.
  void AddNameBytes(size_t bytes) {
    name_bytes_ += bytes;
    check_key_space_ = name_bytes_ > kKeySpaceLimit;
  }

  std::optional<ParamsError>& error() { return error_; }

 private:
  static ParamValue Returned(Outcome o, ParamHash&& hash, ParamValue& v) {
    switch (o) {
      case Outcome::kParams:
        return ParamValue{std::move(hash)};
      case Outcome::kArray:
        return ParamValue{ParamArray{std::move(v)}};
      default:
        return ParamValue{};
    }
  }

  Outcome Fail(ParamsErrorKind kind, std::string message) {
    error_ = MakeError(kind, std::move(message));
    return Outcome::kError;
  }

  Outcome TypeError(std::string_view expected, const ParamValue& got,
                    std::string_view k) {
    std::string message = "expected ";
    message.append(expected).append(" (got ").append(RubyClassName(got));
    message.append(") for param `").append(k).append("'");
    return Fail(ParamsErrorKind::kTypeConflict, std::move(message));
  }

  // params[k] = v.
  Outcome Assign(ParamHash& params, std::string_view k, ParamValue&& v) {
    if (ParamValue* slot = params.Find(k)) {
      *slot = std::move(v);
      return Outcome::kParams;
    }
    if (!FitsKeySpace(params, k)) return Outcome::kError;
    Append(params, k, std::move(v));
    return Outcome::kParams;
  }

  // params[k] ||= [], then the Array check.
  ParamArray* ArrayAt(ParamHash& params, std::string_view k) {
    ParamValue* slot = params.Find(k);
    if (slot == nullptr) {
      if (!FitsKeySpace(params, k)) return nullptr;
      slot = &Append(params, k, ParamValue{ParamArray()});
    } else if (slot->is_nil()) {
      slot->value = ParamArray();
    }
    if (!slot->is_array()) {
      TypeError("Array", *slot, k);
      return nullptr;
    }
    return &std::get<ParamArray>(slot->value);
  }

  // Params#[]= for a new key: each hash holds at most 65536 characters of
  // keys ("exceeded available parameter key space", a QueryLimitError).
  bool FitsKeySpace(const ParamHash& params, std::string_view new_key) {
    if (!check_key_space_) return true;
    size_t bytes = new_key.size();
    for (const auto& [key, value] : params.entries()) bytes += key.size();
    if (bytes <= kKeySpaceLimit) return true;
    size_t chars = CountChars(new_key);
    for (const auto& [key, value] : params.entries()) chars += CountChars(key);
    if (chars <= kKeySpaceLimit) return true;
    Fail(ParamsErrorKind::kTooManyParams,
         "exceeded available parameter key space");
    return false;
  }

  std::optional<ParamsError> error_;
  size_t name_bytes_ = 0;
  bool check_key_space_ = false;
};

// Feeds one decoded (name, value) pair to normalize_params at the top level.
// Rack matches the name against a regex first, which raises "invalid byte
// sequence in UTF-8" for a name that is not valid UTF-8: then the raw name is
// stored at the top level and parsing stops (see params.h). Returns false
// when parsing must stop.
bool AddPair(Normalizer& normalizer, ParamHash& params, std::string_view name,
             ParamValue&& value) {
  if (!IsValidUtf8(name)) {
    params.Set(std::string(name), std::move(value));
    return false;
  }
  normalizer.AddNameBytes(name.size());
  return normalizer.Normalize(params, name, value, kParamDepthLimit) !=
         Normalizer::Outcome::kError;
}

// parse_nested_query(text, separators) with check_query_string: the
// separators are '&' and, when `semicolons`, ';'. Rack counts them before it
// parses anything; here the count is taken while splitting (one pass), and
// finished before any other outcome is returned, so the limit still wins.
ParsedParams ParseFields(std::string_view text, bool semicolons) {
  const auto is_separator = [semicolons](char c) {
    return c == '&' || (semicolons && c == ';');
  };
  if (text.empty()) return ParsedParams();
  if (text.size() > kMaxQueryBytes) {
    return Failed(MakeError(ParamsErrorKind::kTooManyParams,
                            "total query size exceeds limit (" +
                                std::to_string(kMaxQueryBytes) + ")"));
  }
  size_t separator_count = 0;
  // `outcome`, unless the whole text holds too many separators; counting
  // resumes at `from`, the end of the field being parsed.
  const auto unless_too_many = [&](ParsedParams outcome, size_t from) {
    for (size_t i = from; i < text.size(); ++i) {
      separator_count += is_separator(text[i]);
    }
    if (separator_count < kMaxParams) return outcome;
    return Failed(MakeError(ParamsErrorKind::kTooManyParams,
                            "total number of query parameters (" +
                                std::to_string(separator_count + 1) +
                                ") exceeds limit (" +
                                std::to_string(kMaxParams) + ")"));
  };

  ParsedParams result;
  Normalizer normalizer;
  std::string name;
  size_t pos = 0;
  while (true) {
    // split(/[&;] */): a separator and the spaces after it.
    size_t end = pos;
    while (end < text.size() && !is_separator(text[end])) ++end;
    const std::string_view field = text.substr(pos, end - pos);
    if (!field.empty()) {
      // p.split('=', 2).map! { |s| unescape(s) }: the key first.
      const size_t eq = field.find('=');
      const std::string_view raw_name = field.substr(0, eq);
      if (!DecodeInto(raw_name, name)) {
        return unless_too_many(
            Failed(MakeError(
                ParamsErrorKind::kInvalidPercentEncoding,
                "invalid %-encoding (" + std::string(raw_name) + ")")),
            end);
      }
      ParamValue value;
      if (eq != std::string_view::npos) {
        const std::string_view raw_value = field.substr(eq + 1);
        std::string decoded;
        if (!DecodeInto(raw_value, decoded)) {
          return unless_too_many(
              Failed(MakeError(
                  ParamsErrorKind::kInvalidPercentEncoding,
                  "invalid %-encoding (" + std::string(raw_value) + ")")),
              end);
        }
        value.value = std::move(decoded);
      }
      if (!AddPair(normalizer, result.params, name, std::move(value))) {
        if (normalizer.error()) {
          return unless_too_many(Failed(std::move(*normalizer.error())), end);
        }
        return unless_too_many(std::move(result), end);
      }
    }
    if (end == text.size()) break;
    ++separator_count;
    pos = end + 1;
    while (pos < text.size() && text[pos] == ' ') ++pos;
  }
  return unless_too_many(std::move(result), text.size());
}

// --- Multipart --------------------------------------------------------------

// VALUE = /"(?:\\"|[^"])*"|#{TOKEN}/ at s[i]: the end of the match, or npos.
bool IsTokenChar(char c) {  // TOKEN = /[^\s()<>,;:\\"\/\[\]?=]+/
  return !IsRubySpace(c) &&
         std::string_view("()<>,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

size_t MatchValue(std::string_view s, size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  if (s[i] == '"') {
    // Greedy: runs to the first unescaped quote; failing that, backtracks
    // to the last \" and lets that quote close the string.
    size_t last_escaped_quote_end = std::string_view::npos;
    for (size_t k = i + 1; k < s.size();) {
      if (s[k] == '\\' && k + 1 < s.size() && s[k + 1] == '"') {
        last_escaped_quote_end = k + 2;
        k += 2;
      } else if (s[k] == '"') {
        return k + 1;
      } else {
        ++k;
      }
    }
    return last_escaped_quote_end;
  }
  size_t k = i;
  while (k < s.size() && IsTokenChar(s[k])) ++k;
  return k > i ? k : std::string_view::npos;
}

// Rack::Auth::Digest::Params.dequote.
std::string Dequote(std::string_view s) {
  // /\A"(.*)"\Z/: no "\n" inside; \Z also allows one final "\n".
  std::string_view inner = s;
  std::string_view body = s;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  if (body.size() >= 2 && body.front() == '"' && body.back() == '"' &&
      body.substr(1, body.size() - 2).find('\n') == std::string_view::npos) {
    inner = body.substr(1, body.size() - 2);
  }
  // gsub(/\\(.)/, "\\1").
  std::string out;
  out.reserve(inner.size());
  for (size_t k = 0; k < inner.size(); ++k) {
    if (inner[k] == '\\' && k + 1 < inner.size() && inner[k + 1] != '\n') ++k;
    out.push_back(inner[k]);
  }
  return out;
}

// head[/Content-Disposition:[^:]*;\s*name=(#{VALUE})/ni, 1].
std::optional<std::string_view> DispositionName(std::string_view head) {
  constexpr std::string_view kLabel = "content-disposition:";
  for (size_t c = FindNoCase(head, kLabel, 0); c != std::string_view::npos;
       c = FindNoCase(head, kLabel, c + 1)) {
    const size_t start = c + kLabel.size();
    size_t colon = head.find(':', start);
    if (colon == std::string_view::npos) colon = head.size();
    // [^:]* is greedy: the last ';' before the next ':' is tried first.
    for (size_t p = colon; p-- > start;) {
      if (head[p] != ';') continue;
      size_t q = p + 1;
      while (q < head.size() && IsRubySpace(head[q])) ++q;
      if (!StartsWithNoCase(head, q, "name=")) continue;
      const size_t end = MatchValue(head, q + 5);
      if (end != std::string_view::npos) {
        return head.substr(q + 5, end - q - 5);
      }
    }
  }
  return std::nullopt;
}

// head[/Content-Type: (.*)\r\n/ni, 1].
std::optional<std::string_view> ContentType(std::string_view head) {
  constexpr std::string_view kLabel = "content-type: ";
  for (size_t c = FindNoCase(head, kLabel, 0); c != std::string_view::npos;
       c = FindNoCase(head, kLabel, c + 1)) {
    const size_t start = c + kLabel.size();
    const size_t nl = head.find('\n', start);
    if (nl != std::string_view::npos && nl > start && head[nl - 1] == '\r') {
      return head.substr(start, nl - 1 - start);
    }
  }
  return std::nullopt;
}

// head[/Content-ID:\s*([^\r\n]*)/ni, 1].
std::optional<std::string_view> ContentId(std::string_view head) {
  size_t i = FindNoCase(head, "content-id:", 0);
  if (i == std::string_view::npos) return std::nullopt;
  i += 11;
  while (i < head.size() && IsRubySpace(head[i])) ++i;
  size_t end = i;
  while (end < head.size() && head[end] != '\r' && head[end] != '\n') ++end;
  return head.substr(i, end - i);
}

// ATTRIBUTE_CHAR = %r{[^ \x00-\x1f\x7f)(><@,;:\\"/\[\]?='*%]}.
bool IsAttributeChar(char c) {
  const auto b = static_cast<uint8_t>(c);
  return b > 0x20 && b != 0x7F &&
         std::string_view(")(><@,;:\\\"/[]?='*%").find(c) ==
             std::string_view::npos;
}

size_t SkipSpaces(std::string_view s, size_t i) {
  while (i < s.size() && IsRubySpace(s[i])) ++i;
  return i;
}

// The ends a VALUE starting at s[i] can have, in the order Ruby's
// backtracking tries them: for a quoted string, the first unescaped quote,
// then each escaped quote before it from the last to the first.
std::vector<size_t> ValueEnds(std::string_view s, size_t i) {
  std::vector<size_t> ends;
  if (i >= s.size()) return ends;
  if (s[i] != '"') {
    const size_t end = MatchValue(s, i);
    if (end != std::string_view::npos) ends.push_back(end);
    return ends;
  }
  std::vector<size_t> escaped;
  for (size_t k = i + 1; k < s.size();) {
    if (s[k] == '\\' && k + 1 < s.size() && s[k + 1] == '"') {
      escaped.push_back(k + 2);
      k += 2;
    } else if (s[k] == '"') {
      ends.push_back(k + 1);
      break;
    } else {
      ++k;
    }
  }
  ends.insert(ends.end(), escaped.rbegin(), escaped.rend());
  return ends;
}

// One DISPPARM parameter after ";\s*" at s[i]: REGULAR_PARAMETER
// (attribute[*N]=VALUE), else EXTENDED_INITIAL_PARAMETER
// (attribute[*0]*=charset'lang'chars), else EXTENDED_OTHER_PARAMETER
// (attribute*N*=chars). Fills the name and where its value starts; returns
// the candidate value ends (several only for a quoted VALUE).
struct DispParam {
  std::string_view name;
  size_t value_start = 0;
  std::vector<size_t> value_ends;
};

std::optional<DispParam> MatchDispParam(std::string_view s, size_t i) {
  size_t a = i;
  while (a < s.size() && IsAttributeChar(s[a])) ++a;
  if (a == i) return std::nullopt;
  const auto digits_from = [&](size_t k) {
    while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
    return k;
  };
  const auto ext_chars_from = [&](size_t k) {  // EXTENDED_OTHER_VALUE*
    while (k < s.size()) {
      if (s[k] == '%' && IsHexPair(s, k + 1)) {
        k += 3;
      } else if (IsAttributeChar(s[k])) {
        ++k;
      } else {
        break;
      }
    }
    return k;
  };
  // REGULAR_PARAMETER.
  size_t n = a;
  if (n + 1 < s.size() && s[n] == '*' && digits_from(n + 1) > n + 1) {
    n = digits_from(n + 1);
  }
  if (n < s.size() && s[n] == '=') {
    std::vector<size_t> ends = ValueEnds(s, n + 1);
    if (!ends.empty()) {
      return DispParam{s.substr(i, n - i), n + 1, std::move(ends)};
    }
  }
  // EXTENDED_INITIAL_PARAMETER.
  n = a;
  if (s.compare(n, 2, "*0") == 0 && s.compare(n + 2, 1, "*") == 0) n += 2;
  if (s.compare(n, 2, "*=") == 0) {
    const size_t v = n + 2;
    size_t k = v;
    const auto lang_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '-';
    };
    while (k < s.size() && lang_char(s[k])) ++k;
    if (k < s.size() && s[k] == '\'') {
      ++k;
      while (k < s.size() && lang_char(s[k])) ++k;
      if (k < s.size() && s[k] == '\'') {
        return DispParam{s.substr(i, n + 1 - i), v, {ext_chars_from(k + 1)}};
      }
    }
  }
  // EXTENDED_OTHER_PARAMETER.
  n = a;
  if (n + 1 < s.size() && s[n] == '*' && s[n + 1] >= '1' && s[n + 1] <= '9') {
    n = digits_from(n + 1);
    if (s.compare(n, 2, "*=") == 0) {
      return DispParam{s.substr(i, n + 1 - i), n + 2, {ext_chars_from(n + 2)}};
    }
  }
  return std::nullopt;
}

// Whether (DISPPARM)+$ matches at s[i], backtracking over quoted values.
bool MatchDispParamsToLineEnd(std::string_view s, size_t i) {
  if (i >= s.size() || s[i] != ';') return false;
  const std::optional<DispParam> param =
      MatchDispParam(s, SkipSpaces(s, i + 1));
  if (!param) return false;
  for (const size_t end : param->value_ends) {
    const size_t next = SkipSpaces(s, end);
    // $ holds somewhere in the trailing \s* if it reaches the end or a "\n".
    if (next == s.size() ||
        s.substr(end, next - end).find('\n') != std::string_view::npos) {
      return true;
    }
    if (MatchDispParamsToLineEnd(s, next)) return true;
  }
  return false;
}

// Where /^Content-Disposition:\s*#{TOKEN}\s*/i matches a line start of
// `head`: the end of each match, in order.
std::vector<size_t> DispositionLineStarts(std::string_view head) {
  std::vector<size_t> starts;
  for (size_t ls = 0; ls < head.size();) {
    if (StartsWithNoCase(head, ls, "content-disposition:")) {
      size_t t = SkipSpaces(head, ls + 20);
      const size_t token = t;
      while (t < head.size() && IsTokenChar(head[t])) ++t;
      if (t > token) starts.push_back(SkipSpaces(head, t));
    }
    const size_t nl = head.find('\n', ls);
    if (nl == std::string_view::npos) break;
    ls = nl + 1;
  }
  return starts;
}

// filename = $1 if filename =~ /^"(.*)"$/.
std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"' &&
      v.find('\n') == std::string_view::npos) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

// Parser#get_filename: the filename of a part, if its head names one.
std::optional<std::string> Filename(std::string_view head) {
  const std::vector<size_t> dispositions = DispositionLineStarts(head);
  std::optional<std::string> filename;
  // when RFC2183 (/^#{CONDISP}(#{DISPPARM})+$/i): every DISPPARM of the
  // whole head, later ones winning.
  const bool rfc2183 =
      std::any_of(dispositions.begin(), dispositions.end(),
                  [&](size_t p) { return MatchDispParamsToLineEnd(head, p); });
  if (rfc2183) {
    std::optional<std::string_view> plain;
    std::optional<std::string_view> extended;
    for (size_t i = head.find(';'); i != std::string_view::npos;) {
      const std::optional<DispParam> param =
          MatchDispParam(head, SkipSpaces(head, i + 1));
      if (!param) {
        i = head.find(';', i + 1);
        continue;
      }
      const size_t end = param->value_ends.front();
      const std::string_view value =
          head.substr(param->value_start, end - param->value_start);
      if (param->name == "filename") plain = value;
      if (param->name == "filename*") extended = value;
      i = head.find(';', SkipSpaces(head, end));
    }
    if (plain) {
      filename = Unquote(*plain);
    } else if (extended) {
      // encoding, _, filename = filename.split("'", 3)
      const size_t q1 = extended->find('\'');
      const size_t q2 = extended->find('\'', q1 + 1);
      if (q1 != std::string_view::npos && q2 != std::string_view::npos) {
        filename = std::string(extended->substr(q2 + 1));
      }
    }
  } else {
    // when BROKEN (/^#{CONDISP}.*;\s*filename=(#{VALUE})/i): the last
    // "; filename=" of the first line that has one.
    for (const size_t p : dispositions) {
      const size_t nl = head.find('\n', p);
      const size_t line_end = nl == std::string_view::npos ? head.size() : nl;
      for (size_t k = line_end; k-- > p;) {
        if (head[k] != ';') continue;
        const size_t q = SkipSpaces(head, k + 1);
        if (!StartsWithNoCase(head, q, "filename=")) continue;
        const size_t end = MatchValue(head, q + 9);
        if (end == std::string_view::npos) continue;
        filename = Unquote(head.substr(q + 9, end - q - 9));
        break;
      }
      if (filename) break;
    }
  }
  if (!filename) return std::nullopt;
  std::string& name = *filename;
  // Unescaped only when every /%.?.?/ is a %XX.
  bool all_escapes_valid = true;
  for (size_t k = name.find('%'); k != std::string::npos;) {
    size_t stop = k + 1;
    while (stop < name.size() && stop < k + 3 && name[stop] != '\n') ++stop;
    if (!IsHexPair(name, k + 1) || stop != k + 3) all_escapes_valid = false;
    k = name.find('%', stop);
  }
  if (all_escapes_valid && name.find('%') != std::string::npos) {
    std::string decoded;
    for (size_t k = 0; k < name.size(); ++k) {
      if (name[k] == '%' && IsHexPair(name, k + 1)) {
        decoded.push_back(static_cast<char>(HexValue(name[k + 1]) * 16 +
                                            HexValue(name[k + 2])));
        k += 2;
      } else {
        decoded.push_back(name[k]);
      }
    }
    name = std::move(decoded);
  }
  name = Scrub(name);
  // if filename !~ /\\[^\\"]/ then gsub(/\\(.)/, '\1').
  bool keeps_backslashes = false;
  for (size_t k = 0; k + 1 < name.size(); ++k) {
    if (name[k] == '\\' && name[k + 1] != '\\' && name[k + 1] != '"') {
      keeps_backslashes = true;
    }
  }
  if (!keeps_backslashes) {
    std::string out;
    for (size_t k = 0; k < name.size(); ++k) {
      if (name[k] == '\\' && k + 1 < name.size() && name[k + 1] != '\n') ++k;
      out.push_back(name[k]);
    }
    name = std::move(out);
  }
  return filename;
}

struct MimePart {
  std::string name;
  std::optional<std::string> filename;
  std::string_view body;
};

enum class BoundaryToken { kNone, kBoundary, kEndBoundary };

// Parser#consume_boundary: reads lines (BOUNDARY_REGEX) from `pos` until one
// is, once stripped, the boundary or the end boundary, or the data ends.
BoundaryToken ConsumeBoundary(std::string_view data, size_t& pos,
                              std::string_view full, std::string_view end) {
  while (true) {
    const size_t nl = data.find('\n', pos);
    const size_t line_end = nl == std::string_view::npos ? data.size() : nl + 1;
    const std::string_view line = StripRuby(data.substr(pos, line_end - pos));
    pos = line_end;
    if (line == full) return BoundaryToken::kBoundary;
    if (line == end) return BoundaryToken::kEndBoundary;
    if (pos >= data.size()) return BoundaryToken::kNone;
  }
}

// Leftmost match of /(?:\r\n)?--boundary(?:\r\n|--)/m at or after `pos`:
// its start, or npos.
size_t FindBodyEnd(std::string_view body, size_t pos, std::string_view full) {
  size_t best = std::string_view::npos;
  for (size_t o = body.find(full, pos); o != std::string_view::npos;
       o = body.find(full, o + 1)) {
    if (best != std::string_view::npos && o > best + 2) break;
    const size_t after = o + full.size();
    if (body.size() - after < 2 || (body.compare(after, 2, "\r\n") != 0 &&
                                    body.compare(after, 2, "--") != 0)) {
      continue;
    }
    const size_t start =
        (o >= pos + 2 && body.compare(o - 2, 2, "\r\n") == 0) ? o - 2 : o;
    best = std::min(best, start);
  }
  return best;
}

ParamsError MultipartError(std::string message) {
  return MakeError(ParamsErrorKind::kInvalidMultipart, std::move(message));
}

// Rack::Multipart::Parser's state machine over the whole body at once (see
// params.h for where that differs from reading it 1 MiB at a time).
std::optional<ParamsError> SplitParts(std::string_view body,
                                      std::string_view boundary,
                                      std::vector<MimePart>& parts) {
  const std::string full = "--" + std::string(boundary);
  const std::string end = full + "--";
  size_t pos = 0;

  // FAST_FORWARD, within the first read.
  const std::string_view first_read =
      body.substr(0, std::min(body.size(), kMultipartReadBytes));
  const BoundaryToken first = ConsumeBoundary(first_read, pos, full, end);
  if (first == BoundaryToken::kNone) {
    return MultipartError(first_read.size() > kBoundaryStartLimitBytes
                              ? "multipart boundary not found within limit"
                              : "EOFError");
  }
  if (first == BoundaryToken::kEndBoundary && pos == boundary.size() + 6 &&
      pos == first_read.size()) {
    return std::nullopt;  // The body is only an end boundary.
  }

  size_t retained_bytes = 0;
  size_t open_files = 0;
  while (true) {
    // MIME_HEAD: /(.*?\r\n)\r\n/m.
    const size_t blank = body.find("\r\n\r\n", pos);
    if (blank == std::string_view::npos) {
      return MultipartError(body.size() - pos > kMimeHeaderLimitBytes
                                ? "multipart mime part header too large"
                                : "EOFError");
    }
    const std::string_view head = body.substr(pos, blank + 2 - pos);
    pos = blank + 4;

    MimePart part;
    const std::optional<std::string_view> content_type = ContentType(head);
    if (const auto name = DispositionName(head)) {
      part.name = Dequote(*name);
    } else if (const auto id = ContentId(head)) {
      part.name = std::string(*id);
    }
    part.filename = Filename(head);
    if (part.name.empty()) {
      if (part.filename) {
        part.name = *part.filename;
      } else {
        part.name = std::string(content_type.value_or("text/plain")) + "[]";
      }
    }
    retained_bytes += head.size();
    if (retained_bytes > kRetainedLimitBytes) {
      return MultipartError("multipart data over retained size limit");
    }
    const bool retained = !part.filename.has_value();
    // Collector#check_part_limits: MultipartPartLimitError and
    // MultipartTotalPartLimitError, which nothing rescues (a 500).
    if (part.filename && ++open_files >= kMultipartFileLimit) {
      // An Errno::EMFILE, whose message starts with strerror's text.
      return MakeError(ParamsErrorKind::kTooManyParams,
                       "Too many open files - Maximum file multiparts in "
                       "content reached");
    }
    parts.push_back(std::move(part));
    if (parts.size() >= kMultipartPartLimit) {
      return MakeError(ParamsErrorKind::kTooManyParams,
                       "Maximum total multiparts in content reached");
    }

    // MIME_BODY.
    const size_t body_end = FindBodyEnd(body, pos, full);
    if (body_end == std::string_view::npos) {
      // Rack keeps the last few bytes back while it waits for more data.
      const size_t rx_max_size = 2 + full.size() + 2;
      const size_t rest = body.size() - pos;
      if (retained && rest > rx_max_size &&
          retained_bytes + (rest - rx_max_size) > kRetainedLimitBytes) {
        return MultipartError("multipart data over retained size limit");
      }
      return MultipartError("EOFError");
    }
    parts.back().body = body.substr(pos, body_end - pos);
    if (retained) {
      retained_bytes += body_end - pos;
      if (retained_bytes > kRetainedLimitBytes) {
        return MultipartError("multipart data over retained size limit");
      }
    }
    pos = body_end + 2;  // Rack skips "\r\n", whether it was there or not.

    // CONSUME_TOKEN.
    const BoundaryToken token = ConsumeBoundary(body, pos, full, end);
    if (token == BoundaryToken::kEndBoundary ||
        (pos >= body.size() && token != BoundaryToken::kBoundary)) {
      return std::nullopt;
    }
  }
}

}  // namespace

// --- ParamHash --------------------------------------------------------------

namespace {

// Keys are compared often and mostly differ in length or in their last byte
// (a transaction index, a metric name): test those before memcmp.
bool SameKey(const std::string& a, std::string_view b) {
  return a.size() == b.size() &&
         (b.empty() || (a.back() == b.back() &&
                        std::memcmp(a.data(), b.data(), b.size()) == 0));
}

}  // namespace

const ParamValue* ParamHash::Find(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (SameKey(entry.first, key)) return &entry.second;
  }
  return nullptr;
}

ParamValue* ParamHash::Find(std::string_view key) {
  for (Entry& entry : entries_) {
    if (SameKey(entry.first, key)) return &entry.second;
  }
  return nullptr;
}

void ParamHash::Set(std::string key, ParamValue value) {
  if (ParamValue* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  // Most hashes hold a handful of parameters: skip the 1, 2, 4 growth.
  if (entries_.empty()) entries_.reserve(8);
  entries_.emplace_back(std::move(key), std::move(value));
}

void ParamHash::Erase(std::string_view key) {
  const auto it =
      std::find_if(entries_.begin(), entries_.end(),
                   [&](const Entry& e) { return SameKey(e.first, key); });
  if (it != entries_.end()) entries_.erase(it);
}

// --- Parsing ----------------------------------------------------------------

ParsedParams ParseNestedQuery(std::string_view text) {
  // Rack::Request#GET: parse_nested_query(query_string, '&;').
  return ParseFields(text, /*semicolons=*/true);
}

ParsedParams ParseFormBody(std::string_view body) {
  // Rack::Request#POST reads at most BYTESIZE_LIMIT + 2 bytes, drops one
  // trailing NUL ("Safari Ajax postings"), then parse_nested_query(vars, '&').
  std::string_view vars =
      body.substr(0, std::min(body.size(), kMaxQueryBytes + 2));
  if (!vars.empty() && vars.back() == '\0') vars.remove_suffix(1);
  return ParseFields(vars, /*semicolons=*/false);
}

ParsedParams ParseMultipart(std::string_view body, std::string_view boundary) {
  // Parser.parse returns nothing for an empty body or a missing boundary,
  // and Rack::Request#POST then reads the body as a urlencoded form.
  if (body.empty() || boundary.empty()) return ParseFormBody(body);
  std::vector<MimePart> parts;
  if (std::optional<ParamsError> error = SplitParts(body, boundary, parts)) {
    return Failed(std::move(*error));
  }
  // Parser#result: each part in order, through normalize_params; a part
  // whose filename is "" (no file chosen) is left out.
  ParsedParams result;
  Normalizer normalizer;
  for (MimePart& part : parts) {
    if (part.filename && part.filename->empty()) continue;
    if (!AddPair(normalizer, result.params, part.name,
                 ParamValue{std::string(part.body)})) {
      if (normalizer.error()) return Failed(std::move(*normalizer.error()));
      break;
    }
  }
  return result;
}

ParamHash MergeParams(ParamHash query, const ParamHash& body) {
  // Hash#merge: a shared key keeps the query's position, the body's value.
  for (const auto& [key, value] : body.entries()) query.Set(key, value);
  return query;
}

// --- UTF-8 and escaping -----------------------------------------------------

bool IsValidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    // Eight ASCII bytes at a time: the common case.
    if (bytes.size() - i >= 8) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (Byte(bytes, i) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Prefix p = ScanUtf8(bytes, i);
    if (!p.complete) return false;
    i += p.length;
  }
  return true;
}

namespace {

bool IsValidUtf8Value(const ParamValue& v) {
  if (v.is_string()) return IsValidUtf8(v.string());
  if (v.is_array()) {
    return std::all_of(v.array().begin(), v.array().end(), IsValidUtf8Value);
  }
  if (v.is_hash()) return IsValidUtf8(v.hash());
  return true;
}

}  // namespace

bool IsValidUtf8(const ParamHash& params) {
  return std::all_of(params.entries().begin(), params.entries().end(),
                     [](const ParamHash::Entry& e) {
                       return IsValidUtf8(e.first) &&
                              IsValidUtf8Value(e.second);
                     });
}

std::optional<std::string> DecodeWwwFormComponent(std::string_view text) {
  std::string out;
  if (!DecodeInto(text, out)) return std::nullopt;
  return out;
}

std::string EncodeComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                            c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      const auto b = static_cast<uint8_t>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0F]);
    }
  }
  return out;
}

}  // namespace scalecheck::core
