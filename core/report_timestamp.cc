// core/report_timestamp.cc
//
// A port of what apisonator 3.4.3's Time.parse_to_utc runs on Ruby 3.1
// (date gem 3.2.2, the runtime of the golden recordings):
//
//   Time.at(Integer(ts)) rescue nil  ||  begin
//     parts = Date._parse(ts)                   # raises past 128 bytes
//     return nil unless parts has :year, :mon and :mday
//     t = Time.utc(year, mon, mday, hour, min, sec, sec_fraction)
//     parts[:offset] ? t - parts[:offset] : t
//   rescue; nil; end
//
// Date._parse (ext/date/date_parse.c, date__parse) is a cascade of Onigmo
// regular expressions over the text, each match being replaced by a space.
// Its quirks are the behaviour being copied (a time followed by a word takes
// the word as its zone; "2026-11-22+02%3A14%3A32" yields only a date), so this
// file ports it pattern by pattern, with the patterns kept verbatim and run by
// a small backtracking matcher with Onigmo's leftmost-first semantics.
#include "core/report_timestamp.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace scalecheck::core {
namespace {

// GCC's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

// ---------------------------------------------------------------------------
// Numbers. Ruby's integers are unbounded; ours saturate at +-kBig, which is far
// beyond every valid field and far beyond any instant we can represent.

constexpr int64_t kBig = int64_t{1} << 62;

int64_t SaturatingAdd(int64_t a, int64_t b) {
  const Int128 r = Int128{a} + b;
  return static_cast<int64_t>(std::clamp<Int128>(r, -kBig, kBig));
}

int64_t SaturatingMul(int64_t a, int64_t b) {
  const Int128 r = Int128{a} * b;
  return static_cast<int64_t>(std::clamp<Int128>(r, -kBig, kBig));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSign(char c) { return c == '+' || c == '-'; }
// C's isspace() in Ruby's UTF-8 locale, and Ruby's ISSPACE: ASCII only.
bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsCAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// rb_cstr_to_inum(s, 10, 0) / rb_str_to_inum(s, 10, 0) on what date_parse.c
// feeds them: an optional sign, then digits; no digits reads as 0.
int64_t ParseDecimal(std::string_view s) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && IsSign(s[i])) {
    negative = s[i] == '-';
    ++i;
  }
  int64_t v = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    v = SaturatingAdd(SaturatingMul(v, 10), s[i] - '0');
  }
  return negative ? -v : v;
}

// ---------------------------------------------------------------------------
// Ruby's Integer(string): rb_int_parse_cstr with base 0 and badcheck.
// Surrounding whitespace, one sign, 0x/0b/0o/0d prefixes, a leading 0 meaning
// octal, and single underscores between digits. Saturates instead of growing a
// bignum.

int DigitValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

std::optional<int64_t> ParseRubyInteger(std::string_view text) {
  // Reads past the end as the NUL terminator Ruby's strings carry.
  const auto at = [text](size_t i) { return i < text.size() ? text[i] : '\0'; };
  const size_t n = text.size();
  size_t i = 0;
  while (i < n && IsCSpace(text[i])) ++i;
  if (i == n) return std::nullopt;
  bool negative = false;
  if (IsSign(text[i])) {
    negative = text[i] == '-';
    ++i;
  }
  if (i == n) return std::nullopt;
  int base = 10;
  if (text[i] == '0' && n - i > 1) {
    switch (text[i + 1]) {
      case 'x':
      case 'X':
        base = 16;
        i += 2;
        break;
      case 'b':
      case 'B':
        base = 2;
        i += 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        i += 2;
        break;
      case 'd':
      case 'D':
        base = 10;
        i += 2;
        break;
      default:
        base = 8;
        break;
    }
  }
  if (i == n) return std::nullopt;
  // Squeeze leading zeros (single underscores allowed among them); when only
  // zeros precede the end or a space, the last zero is the number.
  if (text[i] == '0' && n - i != 1) {
    int underscores = 0;
    char c = '\0';
    while (true) {
      c = at(++i);
      if (c == '0') {
        underscores = 0;
      } else if (c == '_') {
        if (++underscores >= 2) break;
      } else {
        break;
      }
    }
    if (c == '\0' || IsCSpace(c)) --i;
  }
  const auto digit = [base](char c) {
    const int d = DigitValue(c);
    return d >= 0 && d < base ? d : -1;
  };
  if (digit(at(i)) < 0) return std::nullopt;
  // The fast path (ruby_scan_digits): digits, then only spaces to the end.
  size_t j = i;
  uint64_t fast = 0;
  bool overflow = false;
  for (; j < n && digit(text[j]) >= 0; ++j) {
    const auto d = static_cast<uint64_t>(digit(text[j]));
    const auto b = static_cast<uint64_t>(base);
    if (fast > (std::numeric_limits<uint64_t>::max() - d) / b) overflow = true;
    fast = fast * b + d;
  }
  if (!overflow && at(j) != '_') {
    for (; j < n; ++j) {
      if (!IsCSpace(text[j])) return std::nullopt;
    }
    const int64_t v =
        fast > static_cast<uint64_t>(kBig) ? kBig : static_cast<int64_t>(fast);
    return negative ? -v : v;
  }
  // The bignum path (str2big_scan_digits), taken at an underscore or on
  // overflow: single underscores between digits, and it stops at a NUL byte
  // as at the end of the string, so "1_0\0junk" reads as 10.
  int64_t value = 0;
  bool after_underscore = false;
  for (j = i; j < n && text[j] != '\0'; ++j) {
    if (text[j] == '_') {
      if (after_underscore) return std::nullopt;
      after_underscore = true;
      continue;
    }
    const int d = digit(text[j]);
    if (d < 0) break;
    value = SaturatingAdd(SaturatingMul(value, base), d);
    after_underscore = false;
  }
  if (after_underscore) return std::nullopt;
  while (j < n && IsCSpace(text[j])) ++j;
  if (j < n && text[j] != '\0') return std::nullopt;
  return negative ? -value : value;
}

// ---------------------------------------------------------------------------
// Characters. Ruby regexps see code points. \d and \s are ASCII-only in Ruby;
// [[:alpha:]], [[:alnum:]] and \b use Unicode properties. Without Unicode
// tables, non-ASCII code points count as letters except the common
// punctuation, symbol and space blocks below (an approximation: clients send
// ASCII timestamps).

bool IsNonAsciiLetter(char32_t c) {
  if (c < 0x80) return false;
  if (c <= 0xBF) return c == 0xAA || c == 0xB5 || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // Punctuation, symbols.
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation.
  if (c >= 0xE000 && c <= 0xF8FF) return false;  // Private use.
  if (c >= 0xFE30 && c <= 0xFE6F) return false;  // Compatibility forms.
  if (c >= 0xFF00 && c <= 0xFF0F) return false;  // Fullwidth punctuation.
  if (c >= 0xFF1A && c <= 0xFF20) return false;
  if (c >= 0xFF3B && c <= 0xFF40) return false;
  if (c >= 0xFF5B && c <= 0xFF65) return false;
  if (c >= 0xFFF0 && c <= 0xFFFF) return false;
  if (c >= 0x1F000 && c <= 0x1FFFF) return false;  // Emoji, symbols.
  return true;
}

bool IsRegexDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsRegexSpace(char32_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsRegexAlpha(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         IsNonAsciiLetter(c);
}
bool IsRegexAlnum(char32_t c) { return IsRegexAlpha(c) || IsRegexDigit(c); }
bool IsRegexWord(char32_t c) { return IsRegexAlnum(c) || c == '_'; }

char32_t FoldAscii(char32_t c) {
  return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

// UTF-8 to code points; nullopt for invalid UTF-8, on which Ruby's regexps
// raise ArgumentError ("invalid byte sequence in UTF-8").
std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int extra = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      extra = 1;
      cp = b0 & 0x1Fu;
      min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      extra = 2;
      cp = b0 & 0x0Fu;
      min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      extra = 3;
      cp = b0 & 0x07u;
      min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (s.size() - i <= static_cast<size_t>(extra)) return std::nullopt;
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((b & 0xC0u) != 0x80u) return std::nullopt;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view s) {
  std::string out;
  for (const char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// A backtracking matcher for the subset of Onigmo syntax date_parse.c uses:
// literals, (...), (?:...), (?-i:...), |, * + ? {n} {n,m}, [...] with ranges,
// \d \s and [:alpha:] [:alnum:], \d \D \s \S \b \A \z. Greedy quantifiers and
// ordered alternation give Onigmo's leftmost-first match and captures.

struct Span {
  int begin = -1;
  int end = -1;
  bool matched() const { return begin >= 0; }
};

// A non-owning callable; the referenced callable must outlive the call.
class Continuation {
 public:
  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, Continuation>)
      Continuation(const F& f)  // NOLINT: implicit by design.
      : object_(&f), call_([](const void* o, size_t i) {
          return (*static_cast<const F*>(o))(i);
        }) {}
  bool operator()(size_t i) const { return call_(object_, i); }

 private:
  const void* object_;
  bool (*call_)(const void*, size_t);
};

class Regex {
 public:
  // REQUIRES: `pattern` is well formed and uses only the subset above.
  Regex(std::string_view pattern, bool ignore_case) : pattern_(pattern) {
    root_ = ParseAlternation(ignore_case);
    assert(pos_ == pattern_.size() && "unbalanced pattern");
  }

  // Captures of the leftmost match (group 0 is the whole match), or nullopt.
  std::optional<std::vector<Span>> Search(std::u32string_view text) const {
    std::vector<Span> captures(static_cast<size_t>(groups_) + 1);
    for (size_t start = 0; start <= text.size(); ++start) {
      std::fill(captures.begin(), captures.end(), Span{});
      size_t end = 0;
      const auto accept = [&end](size_t j) {
        end = j;
        return true;
      };
      Matcher m{*this, text, captures};
      if (m.Match(root_, start, accept)) {
        captures[0] = Span{static_cast<int>(start), static_cast<int>(end)};
        return captures;
      }
    }
    return std::nullopt;
  }

 private:
  enum class Kind {
    kChar,
    kClass,
    kTextStart,
    kTextEnd,
    kWordBoundary,
    kGroup,
    kConcat,
    kAlternation,
    kRepeat
  };
  struct CharClass {
    bool negated = false;
    bool digit = false;
    bool space = false;
    bool alpha = false;
    bool alnum = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;
  };
  struct Node {
    Kind kind = Kind::kConcat;
    bool ignore_case = false;
    char32_t ch = 0;
    int char_class = -1;
    int group = -1;  // kGroup: capture number, or -1 for (?:...).
    int min = 0;
    int max = -1;  // kRepeat: -1 is unbounded.
    std::vector<int> kids;
  };

  struct Matcher {
    const Regex& re;
    std::u32string_view s;
    std::vector<Span>& captures;

    bool Match(int index, size_t i, Continuation k) {
      const Node& node = re.nodes_[static_cast<size_t>(index)];
      switch (node.kind) {
        case Kind::kChar:
          if (i < s.size() &&
              (s[i] == node.ch ||
               (node.ignore_case && FoldAscii(s[i]) == FoldAscii(node.ch)))) {
            return k(i + 1);
          }
          return false;
        case Kind::kClass:
          if (i < s.size() &&
              re.ClassMatches(node.char_class, s[i], node.ignore_case)) {
            return k(i + 1);
          }
          return false;
        case Kind::kTextStart:
          return i == 0 && k(i);
        case Kind::kTextEnd:
          return i == s.size() && k(i);
        case Kind::kWordBoundary: {
          const bool before = i > 0 && IsRegexWord(s[i - 1]);
          const bool after = i < s.size() && IsRegexWord(s[i]);
          return before != after && k(i);
        }
        case Kind::kGroup: {
          if (node.group < 0) return Match(node.kids[0], i, k);
          const auto g = static_cast<size_t>(node.group);
          const auto close = [this, g, i, &k](size_t j) {
            const Span saved = captures[g];
            captures[g] = Span{static_cast<int>(i), static_cast<int>(j)};
            if (k(j)) return true;
            captures[g] = saved;
            return false;
          };
          return Match(node.kids[0], i, close);
        }
        case Kind::kConcat:
          return MatchSequence(node, 0, i, k);
        case Kind::kAlternation:
          for (const int kid : node.kids) {
            if (Match(kid, i, k)) return true;
          }
          return false;
        case Kind::kRepeat:
          return MatchRepeat(node, 0, i, k);
      }
      return false;
    }

    bool MatchSequence(const Node& node, size_t index, size_t i,
                       Continuation k) {
      if (index == node.kids.size()) return k(i);
      const auto next = [this, &node, index, &k](size_t j) {
        return MatchSequence(node, index + 1, j, k);
      };
      return Match(node.kids[index], i, next);
    }

    bool MatchRepeat(const Node& node, int count, size_t i, Continuation k) {
      if (node.max < 0 || count < node.max) {
        const auto again = [this, &node, count, i, &k](size_t j) {
          // An empty iteration past the minimum cannot lead anywhere new.
          if (j == i && count >= node.min) return false;
          return MatchRepeat(node, count + 1, j, k);
        };
        if (Match(node.kids[0], i, again)) return true;
      }
      return count >= node.min && k(i);
    }
  };

  bool ClassMatches(int index, char32_t c, bool ignore_case) const {
    const CharClass& cc = classes_[static_cast<size_t>(index)];
    const auto contains = [&cc](char32_t x) {
      if (cc.digit && IsRegexDigit(x)) return true;
      if (cc.space && IsRegexSpace(x)) return true;
      if (cc.alpha && IsRegexAlpha(x)) return true;
      if (cc.alnum && IsRegexAlnum(x)) return true;
      for (const auto& [lo, hi] : cc.ranges) {
        if (x >= lo && x <= hi) return true;
      }
      return false;
    };
    bool in = contains(c);
    if (!in && ignore_case) {
      const char32_t lower = FoldAscii(c);
      const char32_t upper = (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
      in = contains(lower) || contains(upper);
    }
    return in != cc.negated;
  }

  int AddNode(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }

  bool AtEnd() const { return pos_ >= pattern_.size(); }
  char Peek() const { return pattern_[pos_]; }

  int ParseAlternation(bool ignore_case) {
    std::vector<int> branches = {ParseConcat(ignore_case)};
    while (!AtEnd() && Peek() == '|') {
      ++pos_;
      branches.push_back(ParseConcat(ignore_case));
    }
    if (branches.size() == 1) return branches[0];
    Node node;
    node.kind = Kind::kAlternation;
    node.kids = std::move(branches);
    return AddNode(std::move(node));
  }

  int ParseConcat(bool ignore_case) {
    Node node;
    node.kind = Kind::kConcat;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      int atom = ParseAtom(ignore_case);
      atom = ParseQuantifier(atom);
      node.kids.push_back(atom);
    }
    return AddNode(std::move(node));
  }

  int ParseQuantifier(int atom) {
    while (!AtEnd()) {
      int min = 0;
      int max = -1;
      const char c = Peek();
      if (c == '*') {
        ++pos_;
      } else if (c == '+') {
        min = 1;
        ++pos_;
      } else if (c == '?') {
        max = 1;
        ++pos_;
      } else if (c == '{') {
        ++pos_;
        min = ParseCount();
        max = min;
        if (Peek() == ',') {
          ++pos_;
          max = Peek() == '}' ? -1 : ParseCount();
        }
        assert(Peek() == '}');
        ++pos_;
      } else {
        return atom;
      }
      Node node;
      node.kind = Kind::kRepeat;
      node.min = min;
      node.max = max;
      node.kids = {atom};
      atom = AddNode(std::move(node));
    }
    return atom;
  }

  int ParseCount() {
    int v = 0;
    while (!AtEnd() && IsDigit(Peek())) {
      v = v * 10 + (Peek() - '0');
      ++pos_;
    }
    return v;
  }

  int ParseAtom(bool ignore_case) {
    const char c = Peek();
    ++pos_;
    Node node;
    node.ignore_case = ignore_case;
    if (c == '(') {
      node.kind = Kind::kGroup;
      bool inner_case = ignore_case;
      if (pattern_.substr(pos_, 2) == "?:") {
        pos_ += 2;
      } else if (pattern_.substr(pos_, 4) == "?-i:") {
        pos_ += 4;
        inner_case = false;
      } else {
        node.group = ++groups_;
      }
      node.kids = {ParseAlternation(inner_case)};
      assert(!AtEnd() && Peek() == ')');
      ++pos_;
      return AddNode(std::move(node));
    }
    if (c == '[') return ParseClass(ignore_case);
    if (c == '\\') {
      const char e = Peek();
      ++pos_;
      switch (e) {
        case 'A':
          node.kind = Kind::kTextStart;
          return AddNode(std::move(node));
        case 'z':
          node.kind = Kind::kTextEnd;
          return AddNode(std::move(node));
        case 'b':
          node.kind = Kind::kWordBoundary;
          return AddNode(std::move(node));
        case 'd':
        case 'D':
        case 's':
        case 'S': {
          CharClass cc;
          cc.negated = e == 'D' || e == 'S';
          cc.digit = e == 'd' || e == 'D';
          cc.space = e == 's' || e == 'S';
          classes_.push_back(std::move(cc));
          node.kind = Kind::kClass;
          node.char_class = static_cast<int>(classes_.size()) - 1;
          return AddNode(std::move(node));
        }
        default:
          node.kind = Kind::kChar;
          node.ch = static_cast<unsigned char>(e);
          return AddNode(std::move(node));
      }
    }
    assert(c != '.' && c != ')' && c != '*' && c != '+' && c != '?');
    node.kind = Kind::kChar;
    node.ch = static_cast<unsigned char>(c);
    return AddNode(std::move(node));
  }

  int ParseClass(bool ignore_case) {
    CharClass cc;
    if (Peek() == '^') {
      cc.negated = true;
      ++pos_;
    }
    while (Peek() != ']') {
      char c = Peek();
      ++pos_;
      if (c == '[' && Peek() == ':') {
        const size_t close = pattern_.find(":]", pos_);
        assert(close != std::string_view::npos);
        const std::string_view name =
            pattern_.substr(pos_ + 1, close - pos_ - 1);
        if (name == "alpha") {
          cc.alpha = true;
        } else {
          assert(name == "alnum");
          cc.alnum = true;
        }
        pos_ = close + 2;
        continue;
      }
      if (c == '\\') {
        c = Peek();
        ++pos_;
        if (c == 'd') {
          cc.digit = true;
          continue;
        }
        if (c == 's') {
          cc.space = true;
          continue;
        }
      }
      const auto lo = static_cast<char32_t>(static_cast<unsigned char>(c));
      if (Peek() == '-' && pattern_[pos_ + 1] != ']') {
        const auto hi = static_cast<char32_t>(
            static_cast<unsigned char>(pattern_[pos_ + 1]));
        pos_ += 2;
        cc.ranges.emplace_back(lo, hi);
      } else {
        cc.ranges.emplace_back(lo, lo);
      }
    }
    ++pos_;
    classes_.push_back(std::move(cc));
    Node node;
    node.kind = Kind::kClass;
    node.ignore_case = ignore_case;
    node.char_class = static_cast<int>(classes_.size()) - 1;
    return AddNode(std::move(node));
  }

  std::string_view pattern_;
  size_t pos_ = 0;
  int groups_ = 0;
  int root_ = -1;
  std::vector<Node> nodes_;
  std::vector<CharClass> classes_;
};

// ---------------------------------------------------------------------------
// Zones: date_zone_to_diff() and its zonetab.list (gperf, case-insensitive),
// as shipped with Ruby 3.1 (ndt -1:30, nst -2:30, sst -11, wast +2, cct +6:30
// and east -6 differ from older lists).

struct Zone {
  std::string_view name;
  int offset_s;
};

constexpr int kH = 3600;
// A data table, laid out like zonetab.list.
// clang-format off
constexpr std::array kZones = std::to_array<Zone>({
    {"ut", 0}, {"gmt", 0}, {"est", -5 * kH}, {"edt", -4 * kH}, {"cst", -6 * kH},
    {"cdt", -5 * kH}, {"mst", -7 * kH}, {"mdt", -6 * kH}, {"pst", -8 * kH},
    {"pdt", -7 * kH}, {"a", 1 * kH}, {"b", 2 * kH}, {"c", 3 * kH},
    {"d", 4 * kH}, {"e", 5 * kH}, {"f", 6 * kH}, {"g", 7 * kH}, {"h", 8 * kH},
    {"i", 9 * kH}, {"k", 10 * kH}, {"l", 11 * kH}, {"m", 12 * kH},
    {"n", -1 * kH}, {"o", -2 * kH}, {"p", -3 * kH}, {"q", -4 * kH},
    {"r", -5 * kH}, {"s", -6 * kH}, {"t", -7 * kH}, {"u", -8 * kH},
    {"v", -9 * kH}, {"w", -10 * kH}, {"x", -11 * kH}, {"y", -12 * kH}, {"z", 0},
    {"utc", 0}, {"wet", 0}, {"at", -2 * kH}, {"brst", -2 * kH},
    {"ndt", -(1 * kH + 1800)}, {"art", -3 * kH}, {"adt", -3 * kH},
    {"brt", -3 * kH}, {"clst", -3 * kH}, {"nst", -(2 * kH + 1800)},
    {"ast", -4 * kH}, {"clt", -4 * kH}, {"akdt", -8 * kH}, {"ydt", -8 * kH},
    {"akst", -9 * kH}, {"hadt", -9 * kH}, {"hdt", -9 * kH}, {"yst", -9 * kH},
    {"ahst", -10 * kH}, {"hast", -10 * kH}, {"hst", -10 * kH}, {"nt", -11 * kH},
    {"idlw", -12 * kH}, {"bst", 1 * kH}, {"cet", 1 * kH}, {"fwt", 1 * kH},
    {"met", 1 * kH}, {"mewt", 1 * kH}, {"mez", 1 * kH}, {"swt", 1 * kH},
    {"wat", 1 * kH}, {"west", 1 * kH}, {"cest", 2 * kH}, {"eet", 2 * kH},
    {"fst", 2 * kH}, {"mest", 2 * kH}, {"mesz", 2 * kH}, {"sast", 2 * kH},
    {"sst", -11 * kH}, {"cat", 2 * kH}, {"bt", 3 * kH}, {"eat", 3 * kH},
    {"eest", 3 * kH}, {"msk", 3 * kH}, {"msd", 4 * kH}, {"zp4", 4 * kH},
    {"zp5", 5 * kH}, {"ist", 5 * kH + 1800}, {"zp6", 6 * kH}, {"wast", 2 * kH},
    {"cct", 6 * kH + 1800}, {"sgt", 8 * kH}, {"wadt", 8 * kH}, {"jst", 9 * kH},
    {"kst", 9 * kH}, {"east", -6 * kH}, {"gst", 10 * kH}, {"eadt", 11 * kH},
    {"idle", 12 * kH}, {"nzst", 12 * kH}, {"nzt", 12 * kH}, {"nzdt", 13 * kH},
    {"afghanistan", 16200}, {"alaskan", -32400}, {"arab", 10800},
    {"arabian", 14400}, {"arabic", 10800}, {"atlantic", -14400},
    {"aus central", 34200}, {"aus eastern", 36000}, {"azores", -3600},
    {"canada central", -21600}, {"cape verde", -3600}, {"caucasus", 14400},
    {"cen. australia", 34200}, {"central america", -21600},
    {"central asia", 21600}, {"central europe", 3600},
    {"central european", 3600}, {"central pacific", 39600}, {"central", -21600},
    {"china", 28800}, {"dateline", -43200}, {"e. africa", 10800},
    {"e. australia", 36000}, {"e. europe", 7200}, {"e. south america", -10800},
    {"eastern", -18000}, {"egypt", 7200}, {"ekaterinburg", 18000},
    {"fiji", 43200}, {"fle", 7200}, {"greenland", -10800}, {"greenwich", 0},
    {"gtb", 7200}, {"hawaiian", -36000}, {"india", 19800}, {"iran", 12600},
    {"jerusalem", 7200}, {"korea", 32400}, {"mexico", -21600},
    {"mid-atlantic", -7200}, {"mountain", -25200}, {"myanmar", 23400},
    {"n. central asia", 21600}, {"nepal", 20700}, {"new zealand", 43200},
    {"newfoundland", -12600}, {"north asia east", 28800}, {"north asia", 25200},
    {"pacific sa", -14400}, {"pacific", -28800}, {"romance", 3600},
    {"russian", 10800}, {"sa eastern", -10800}, {"sa pacific", -18000},
    {"sa western", -14400}, {"samoa", -39600}, {"se asia", 25200},
    {"malay peninsula", 28800}, {"south africa", 7200}, {"sri lanka", 21600},
    {"taipei", 28800}, {"tasmania", 36000}, {"tokyo", 32400}, {"tonga", 46800},
    {"us eastern", -18000}, {"us mountain", -25200}, {"vladivostok", 36000},
    {"w. australia", 28800}, {"w. central africa", 3600}, {"w. europe", 3600},
    {"west asia", 18000}, {"west pacific", 36000}, {"yakutsk", 32400},
    {"acdt", 37800}, {"acst", 34200}, {"act", -18000}, {"acwst", 31500},
    {"aedt", 39600}, {"aest", 36000}, {"aft", 16200}, {"almt", 21600},
    {"anast", 43200}, {"anat", 43200}, {"aoe", -43200}, {"aqtt", 18000},
    {"awdt", 32400}, {"awst", 28800}, {"azost", 0}, {"azot", -3600},
    {"azst", 18000}, {"azt", 14400}, {"bnt", 28800}, {"bot", -14400},
    {"btt", 21600}, {"cast", 28800}, {"chadt", 49500}, {"chast", 45900},
    {"chost", 32400}, {"chot", 28800}, {"chst", 36000}, {"chut", 36000},
    {"cidst", -14400}, {"cist", -18000}, {"ckt", -36000}, {"cot", -18000},
    {"cvt", -3600}, {"cxt", 25200}, {"davt", 25200}, {"ddut", 36000},
    {"easst", -18000}, {"ect", -18000}, {"egst", 0}, {"egt", -3600},
    {"fet", 10800}, {"fjst", 46800}, {"fjt", 43200}, {"fkst", -10800},
    {"fkt", -14400}, {"fnt", -7200}, {"galt", -21600}, {"gamt", -32400},
    {"get", 14400}, {"gft", -10800}, {"gilt", 43200}, {"gyt", -14400},
    {"hkt", 28800}, {"hovst", 28800}, {"hovt", 25200}, {"ict", 25200},
    {"idt", 10800}, {"iot", 21600}, {"irdt", 16200}, {"irkst", 32400},
    {"irkt", 28800}, {"irst", 12600}, {"kgt", 21600}, {"kost", 39600},
    {"krast", 28800}, {"krat", 25200}, {"kuyt", 14400}, {"lhdt", 39600},
    {"lhst", 37800}, {"lint", 50400}, {"magst", 43200}, {"magt", 39600},
    {"mart", -30600}, {"mawt", 18000}, {"mht", 43200}, {"mmt", 23400},
    {"mut", 14400}, {"mvt", 18000}, {"myt", 28800}, {"nct", 39600},
    {"nfdt", 43200}, {"nft", 39600}, {"novst", 25200}, {"novt", 25200},
    {"npt", 20700}, {"nrt", 43200}, {"nut", -39600}, {"omsst", 25200},
    {"omst", 21600}, {"orat", 18000}, {"pet", -18000}, {"petst", 43200},
    {"pett", 43200}, {"pgt", 36000}, {"phot", 46800}, {"pht", 28800},
    {"pkt", 18000}, {"pmdt", -7200}, {"pmst", -10800}, {"pont", 39600},
    {"pwt", 32400}, {"pyst", -10800}, {"qyzt", 21600}, {"ret", 14400},
    {"rott", -10800}, {"sakt", 39600}, {"samt", 14400}, {"sbt", 39600},
    {"sct", 14400}, {"sret", 39600}, {"srt", -10800}, {"syot", 10800},
    {"taht", -36000}, {"tft", 18000}, {"tjt", 18000}, {"tkt", 46800},
    {"tlt", 32400}, {"tmt", 18000}, {"tost", 50400}, {"tot", 46800},
    {"trt", 10800}, {"tvt", 43200}, {"ulast", 32400}, {"ulat", 28800},
    {"uyst", -7200}, {"uyt", -10800}, {"uzt", 18000}, {"vet", -14400},
    {"vlast", 39600}, {"vlat", 36000}, {"vost", 21600}, {"vut", 39600},
    {"wakt", 43200}, {"warst", -10800}, {"wft", 43200}, {"wgst", -7200},
    {"wgt", -10800}, {"wib", 25200}, {"wit", 32400}, {"wita", 28800}, {"wt", 0},
    {"yakst", 36000}, {"yakt", 32400}, {"yapt", 36000}, {"yekst", 21600},
    {"yekt", 18000},
});
// clang-format on

// zonetab.h's MAX_WORD_LENGTH: the longest name above.
constexpr size_t kMaxZoneNameLength = [] {
  size_t longest = 0;
  for (const Zone& z : kZones) longest = std::max(longest, z.name.size());
  return longest;
}();

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::optional<int> LookUpZone(std::string_view name) {
  for (const Zone& z : kZones) {
    if (EqualsIgnoreCase(z.name, name)) return z.offset_s;
  }
  return std::nullopt;
}

// A zone offset in seconds: whole + fraction_numerator / 10^fraction_digits
// (Ruby keeps "+05,5"-style offsets as exact rationals).
struct Offset {
  int64_t whole = 0;
  int64_t fraction_numerator = 0;
  int fraction_digits = 0;
};

// The C arithmetic of date_zone_to_diff() on `long`s wraps; so does this.
int64_t Wrap(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t Unwrap(int64_t v) { return static_cast<uint64_t>(v); }
// INT2FIX() keeps 63 bits.
int64_t Fix(int64_t v) { return Wrap(Unwrap(v) << 1) >> 1; }

// util.c ruby_scan_digits(): base-10 digits from `s`, at most `len` of them
// (no limit when len < 0); ULONG_MAX semantics are left to the caller.
uint64_t ScanDigits(const char* s, long len, size_t* count, bool* overflow) {
  uint64_t ret = 0;
  *overflow = false;
  size_t n = 0;
  while (len < 0 || static_cast<long>(n) < len) {
    const char c = s[n];
    if (!IsDigit(c)) break;
    if (ret > std::numeric_limits<uint64_t>::max() / 10) *overflow = true;
    const uint64_t shifted = ret * 10;
    ret = shifted + static_cast<uint64_t>(c - '0');
    if (ret < shifted) *overflow = true;
    ++n;
  }
  *count = n;
  return ret;
}

// util.c ruby_strtoul(s, &end, 10).
uint64_t RubyStrtoul(const char* str, const char** end) {
  const char* subject_found = str;
  while (*str != '\0' && IsCSpace(*str)) ++str;
  int sign = 0;
  if (*str == '+') {
    sign = 1;
    ++str;
  } else if (*str == '-') {
    sign = -1;
    ++str;
  }
  if (str[0] == '0') {
    subject_found = str + 1;
    ++str;
  }
  size_t len = 0;
  bool overflow = false;
  const uint64_t ret = ScanDigits(str, -1, &len, &overflow);
  if (len > 0) subject_found = str + len;
  *end = subject_found;
  if (overflow) return std::numeric_limits<uint64_t>::max();
  if (sign < 0) return Unwrap(-Wrap(ret));
  return ret;
}

// str_end_with_word(): the length of a trailing " word" (with every space
// before it), or 0.
long EndsWithWord(const char* s, long l, std::string_view w) {
  auto n = static_cast<long>(w.size());
  if (l <= n || !IsCSpace(s[l - n - 1])) return 0;
  if (!EqualsIgnoreCase(std::string_view(s + (l - n), w.size()), w)) return 0;
  do {
    ++n;
  } while (l > n && IsCSpace(s[l - n - 1]));
  return n;
}

std::optional<Offset> ZoneToDiff(const std::string& zone) {
  long l = static_cast<long>(zone.size());
  const char* s = zone.c_str();
  bool dst = false;
  if (const long w = EndsWithWord(s, l, "time"); w > 0) {
    l -= w;
    if (const long w2 = EndsWithWord(s, l, "standard"); w2 > 0) {
      l -= w2;
    } else if (const long w3 = EndsWithWord(s, l, "daylight"); w3 > 0) {
      l -= w3;
      dst = true;
    } else {
      l += w;
    }
  } else if (const long w4 = EndsWithWord(s, l, "dst"); w4 > 0) {
    l -= w4;
    dst = true;
  }
  // shrunk_size() / shrink_space(): runs of spaces become one (a leading run
  // too), trailing ones go; applied only when that makes the text shorter.
  std::string shrunk;
  {
    bool space = false;
    for (long i = 0; i < l; ++i) {
      if (!IsCSpace(s[i])) {
        if (space) shrunk.push_back(' ');
        space = false;
        shrunk.push_back(s[i]);
      } else {
        space = true;
      }
    }
    const auto sl = static_cast<long>(shrunk.size());
    // Ruby's buffer has no terminator; c_str() gives ours one, which is what
    // the C code reads in practice.
    if (sl < l && sl > 0 && static_cast<size_t>(sl) <= kMaxZoneNameLength) {
      l = sl;
      s = shrunk.c_str();
    }
  }
  if (l > 0 && static_cast<size_t>(l) <= kMaxZoneNameLength) {
    if (const auto z =
            LookUpZone(std::string_view(s, static_cast<size_t>(l)))) {
      return Offset{*z + (dst ? kH : 0)};
    }
  }
  if (l > 3 && (EqualsIgnoreCase(std::string_view(s, 3), "gmt") ||
                EqualsIgnoreCase(std::string_view(s, 3), "utc"))) {
    s += 3;
    l -= 3;
  }
  if (!IsSign(*s)) return std::nullopt;
  const bool negative = *s == '-';
  ++s;
  --l;
  const char* p = nullptr;
  int64_t hour = Wrap(RubyStrtoul(s, &p));
  int64_t min = 0;
  int64_t sec = 0;
  if (*p == ':') {
    s = ++p;
    min = Wrap(RubyStrtoul(s, &p));
    if (*p == ':') {
      s = ++p;
      sec = Wrap(RubyStrtoul(s, &p));
    }
  } else if (*p == ',' || *p == '.') {
    ++p;
    const char* e = nullptr;
    min = Wrap(RubyStrtoul(p, &e) * 3600u);
    if (negative) {
      hour = Wrap(0u - Unwrap(hour));
      min = Wrap(0u - Unwrap(min));
    }
    return Offset{Fix(Wrap(Unwrap(hour) * 3600u)), Fix(min),
                  static_cast<int>(e - p)};
  } else if (l > 2) {
    size_t n = 0;
    bool overflow = false;
    hour = Wrap(ScanDigits(&s[0], 2 - l % 2, &n, &overflow));
    if (l >= 3) min = Wrap(ScanDigits(&s[2 - l % 2], 2, &n, &overflow));
    if (l >= 5) sec = Wrap(ScanDigits(&s[4 - l % 2], 2, &n, &overflow));
  }
  uint64_t total = Unwrap(sec) + Unwrap(min) * 60u + Unwrap(hour) * 3600u;
  if (negative) total = 0u - total;
  return Offset{Fix(Wrap(total))};
}

// ---------------------------------------------------------------------------
// Date._parse: the hash it builds, with only the keys parse_to_utc reads.

struct DateHash {
  std::optional<int64_t> year;
  std::optional<int64_t> mon;
  std::optional<int64_t> mday;
  std::optional<int64_t> hour;
  std::optional<int64_t> min;
  std::optional<int64_t> sec;
  // The digits of :sec_fraction, which is digits / 10^size().
  std::optional<std::string> sec_fraction;
  std::optional<std::string> zone;
  std::optional<Offset> offset;
  bool bc = false;
  bool comp = true;
  // Ruby raised (NUM2INT on a huge hour followed by "pm").
  bool raised = false;
};

using Captures = std::vector<std::optional<std::string>>;

// subx(): the first match of `re` in `str`, replaced by one space; its
// captures, taken from the text before the replacement.
std::optional<Captures> Substitute(std::u32string& str, const Regex& re) {
  const auto spans = re.Search(str);
  if (!spans) return std::nullopt;
  Captures captures;
  for (const Span& span : *spans) {
    if (!span.matched()) {
      captures.emplace_back();
      continue;
    }
    captures.push_back(EncodeUtf8(std::u32string_view(str).substr(
        static_cast<size_t>(span.begin),
        static_cast<size_t>(span.end - span.begin))));
  }
  const Span whole = (*spans)[0];
  str.replace(static_cast<size_t>(whole.begin),
              static_cast<size_t>(whole.end - whole.begin), U" ");
  return captures;
}

const std::optional<std::string>& Group(const Captures& c, size_t i) {
  return c[i];
}

char FirstByte(const std::string& s) { return s.empty() ? '\0' : s[0]; }

int MonthNumber(const std::string& s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun",
      "jul", "aug", "sep", "oct", "nov", "dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (s.size() >= 3 && EqualsIgnoreCase(s.substr(0, 3), kMonths[i])) {
      return static_cast<int>(i) + 1;
    }
  }
  return 13;
}

size_t DigitSpan(const std::string& s, size_t from) {
  size_t i = from;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i - from;
}

// s3e(): sorts three date fields into year, month and day by their shapes.
void S3e(DateHash& h, std::optional<std::string> y,
         std::optional<std::string> m, std::optional<std::string> d, bool bc) {
  std::optional<bool> comp;
  if (y && m && !d) {
    auto oy = y, om = m;
    y = std::nullopt;
    m = oy;
    d = om;
  }
  if (!y) {
    if (d && d->size() > 2) {
      y = d;
      d = std::nullopt;
    }
    if (d && FirstByte(*d) == '\'') {
      y = d;
      d = std::nullopt;
    }
  }
  if (y) {
    const std::string ys = *y;
    size_t s = 0;
    while (s < ys.size() && !IsSign(ys[s]) && !IsDigit(ys[s])) ++s;
    if (s < ys.size()) {
      const size_t bp = s;
      if (IsSign(ys[s])) ++s;
      const size_t ep = s + DigitSpan(ys, s);
      if (ep < ys.size()) {
        y = d;
        d = ys.substr(bp, ep - bp);
      }
    }
  }
  if (m && (FirstByte(*m) == '\'' || m->size() > 2)) {  // "us -> be"
    auto oy = y, om = m, od = d;
    y = om;
    m = od;
    d = oy;
  }
  if (d && (FirstByte(*d) == '\'' || d->size() > 2)) {
    std::swap(y, d);
  }
  if (y) {
    const std::string& ys = *y;
    size_t s = 0;
    while (s < ys.size() && !IsSign(ys[s]) && !IsDigit(ys[s])) ++s;
    if (s < ys.size()) {
      const size_t bp = s;
      if (IsSign(ys[s])) {
        ++s;
        comp = false;
      }
      const size_t l = DigitSpan(ys, s);
      if (l > 2) comp = false;
      h.year = ParseDecimal(std::string_view(ys).substr(bp, s + l - bp));
    }
  }
  if (bc) h.bc = true;
  const auto number = [](const std::string& v) -> std::optional<int64_t> {
    size_t s = 0;
    while (s < v.size() && !IsDigit(v[s])) ++s;
    if (s >= v.size()) return std::nullopt;
    return ParseDecimal(std::string_view(v).substr(s, DigitSpan(v, s)));
  };
  if (m) {
    if (const auto v = number(*m)) h.mon = v;
  }
  if (d) {
    if (const auto v = number(*d)) h.mday = v;
  }
  if (comp) h.comp = *comp;
}

bool IsBc(const std::optional<std::string>& era) {
  return era && (FirstByte(*era) == 'B' || FirstByte(*era) == 'b');
}

// The patterns, verbatim from date_parse.c (without TIGHT_PARSER).
#define ABBR_DAYS "sun|mon|tue|wed|thu|fri|sat"
#define ABBR_MONTHS "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
#define ERA "(c(?:e|\\.e\\.)|b(?:ce|\\.c\\.e\\.)|a(?:d|\\.d\\.)|b(?:c|\\.c\\.))"

struct Patterns {
  Regex separators{"[^-+',./:@[:alnum:]\\[\\]]+", false};
  Regex day{"\\b(" ABBR_DAYS ")[^-/\\d\\s]*", true};
  Regex time{
      "("
      "(?:"
      "\\d+\\s*:\\s*\\d+"
      "(?:"
      "\\s*:\\s*\\d+(?:[,.]\\d*)?"
      ")?"
      "|"
      "\\d+\\s*h(?:\\s*\\d+m?(?:\\s*\\d+s?)?)?"
      ")"
      "(?:"
      "\\s*"
      "[ap](?:m\\b|\\.m\\.)"
      ")?"
      "|"
      "\\d+\\s*[ap](?:m\\b|\\.m\\.)"
      ")"
      "(?:"
      "\\s*"
      "("
      "(?:gmt|utc?)?[-+]\\d+(?:[,.:]\\d+(?::\\d+)?)?"
      "|"
      "(?-i:[[:alpha:].\\s]+)(?:standard|daylight)\\stime\\b"
      "|"
      "(?-i:[[:alpha:]]+)(?:\\sdst)?\\b"
      ")"
      ")?",
      true};
  Regex time_fields{
      "\\A(\\d+)h?"
      "(?:\\s*:?\\s*(\\d+)m?"
      "(?:"
      "\\s*:?\\s*(\\d+)(?:[,.](\\d+))?s?"
      ")?"
      ")?"
      "(?:\\s*([ap])(?:m\\b|\\.m\\.))?",
      true};
  Regex eu{
      "('?\\d+)[^-\\d\\s]*"
      "\\s*"
      "(" ABBR_MONTHS
      ")[^-\\d\\s']*"
      "(?:"
      "\\s*" ERA
      "?"
      "\\s*"
      "('?-?\\d+(?:(?:st|nd|rd|th)\\b)?)"
      ")?",
      true};
  Regex us{"\\b(" ABBR_MONTHS
           ")[^-\\d\\s']*"
           "\\s*"
           "('?\\d+)[^-\\d\\s']*"
           "(?:"
           "\\s*,?"
           "\\s*" ERA
           "?"
           "\\s*"
           "('?-?\\d+)"
           ")?",
           true};
  Regex iso{"('?[-+]?\\d+)-(\\d+)-('?-?\\d+)", false};
  Regex iso21{"\\b(\\d{2}|\\d{4})?-?w(\\d{2})(?:-?(\\d))?\\b", true};
  Regex iso22{"-w-(\\d)\\b", true};
  Regex iso23{"--(\\d{2})?-(\\d{2})\\b", false};
  Regex iso24{"--(\\d{2})(\\d{2})?\\b", false};
  Regex iso25_guard{"[,.](\\d{2}|\\d{4})-\\d{3}\\b", false};
  Regex iso25{"\\b(\\d{2}|\\d{4})-(\\d{3})\\b", false};
  Regex iso26_guard{"\\d-\\d{3}\\b", false};
  Regex iso26{"\\b-(\\d{3})\\b", false};
  Regex jis{"\\b([mtshr])(\\d+)\\.(\\d+)\\.(\\d+)", true};
  Regex vms11{"('?-?\\d+)-(" ABBR_MONTHS
              ")[^-/.]*"
              "-('?-?\\d+)",
              true};
  Regex vms12{"\\b(" ABBR_MONTHS
              ")[^-/.]*"
              "-('?-?\\d+)(?:-('?-?\\d+))?",
              true};
  Regex sla{"('?-?\\d+)/\\s*('?\\d+)(?:\\D\\s*('?-?\\d+))?", true};
  Regex dot{"('?-?\\d+)\\.\\s*('?\\d+)\\.\\s*('?-?\\d+)", true};
  Regex year{"'(\\d+)\\b", false};
  Regex mon{"\\b(" ABBR_MONTHS ")\\S*", true};
  Regex mday{"(\\d+)(st|nd|rd|th)\\b", true};
  Regex ddd{
      "([-+]?)(\\d{2,14})"
      "(?:"
      "\\s*"
      "t?"
      "\\s*"
      "(\\d{2,6})?(?:[,.](\\d*))?"
      ")?"
      "(?:"
      "\\s*"
      "("
      "z\\b"
      "|"
      "[-+]\\d{1,4}\\b"
      "|"
      "\\[[-+]?\\d[^\\]]*\\]"
      ")"
      ")?",
      true};
  Regex bc{"\\b(bc\\b|bce\\b|b\\.c\\.|b\\.c\\.e\\.)", true};
  Regex frag{"\\A\\s*(\\d{1,2})\\s*\\z", true};
};

#undef ERA
#undef ABBR_MONTHS
#undef ABBR_DAYS

const Patterns& ThePatterns() {
  static const Patterns kPatterns;
  return kPatterns;
}

void ParseTimeFields(DateHash& h, const Captures& c) {
  const int64_t hour = ParseDecimal(*Group(c, 1));
  if (const auto& meridian = Group(c, 5)) {
    // NUM2INT raises RangeError past INT_MAX.
    if (hour > std::numeric_limits<int>::max()) {
      h.raised = true;
      return;
    }
    int64_t ih = hour % 12;
    if (FirstByte(*meridian) == 'p' || FirstByte(*meridian) == 'P') ih += 12;
    h.hour = ih;
  } else {
    h.hour = hour;
  }
  if (Group(c, 2)) h.min = ParseDecimal(*Group(c, 2));
  if (Group(c, 3)) h.sec = ParseDecimal(*Group(c, 3));
  if (Group(c, 4)) h.sec_fraction = *Group(c, 4);
}

void ParseTime(std::u32string& str, DateHash& h) {
  const Patterns& p = ThePatterns();
  const auto c = Substitute(str, p.time);
  if (!c) return;
  if (Group(*c, 2)) h.zone = *Group(*c, 2);
  const auto fields = DecodeUtf8(*Group(*c, 1));
  if (!fields) return;
  const auto spans = p.time_fields.Search(*fields);
  if (!spans) return;
  Captures inner;
  for (const Span& span : *spans) {
    if (!span.matched()) {
      inner.emplace_back();
    } else {
      inner.push_back(EncodeUtf8(std::u32string_view(*fields).substr(
          static_cast<size_t>(span.begin),
          static_cast<size_t>(span.end - span.begin))));
    }
  }
  ParseTimeFields(h, inner);
}

int N2i(const std::string& s, size_t from, size_t width) {
  int v = 0;
  for (size_t i = from; i < from + width; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

void ParseDddFields(DateHash& h, const Captures& c) {
  const std::string& s1 = *Group(c, 1);
  const std::string& s2 = *Group(c, 2);
  const std::optional<std::string>& s3 = Group(c, 3);
  const std::optional<std::string>& s4 = Group(c, 4);
  const std::optional<std::string>& s5 = Group(c, 5);
  const size_t l2 = s2.size();
  const bool time_only = !s3 && s4;
  const int sign = FirstByte(s1) == '-' ? -1 : 1;
  switch (l2) {
    case 2:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
      } else {
        h.mday = N2i(s2, 0, 2);
      }
      break;
    case 4:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
        h.min = N2i(s2, l2 - 4, 2);
      } else {
        h.mon = N2i(s2, 0, 2);
        h.mday = N2i(s2, 2, 2);
      }
      break;
    case 6:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
        h.min = N2i(s2, l2 - 4, 2);
        h.hour = N2i(s2, l2 - 6, 2);
      } else {
        h.year = sign * N2i(s2, 0, 2);
        h.mon = N2i(s2, 2, 2);
        h.mday = N2i(s2, 4, 2);
      }
      break;
    case 8:
    case 10:
    case 12:
    case 14:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
        h.min = N2i(s2, l2 - 4, 2);
        h.hour = N2i(s2, l2 - 6, 2);
        h.mday = N2i(s2, l2 - 8, 2);
        if (l2 >= 10) h.mon = N2i(s2, l2 - 10, 2);
        if (l2 == 12) h.year = sign * N2i(s2, l2 - 12, 2);
        if (l2 == 14) {
          h.year = sign * N2i(s2, l2 - 14, 4);
          h.comp = false;
        }
      } else {
        h.year = sign * N2i(s2, 0, 4);
        h.mon = N2i(s2, 4, 2);
        h.mday = N2i(s2, 6, 2);
        if (l2 >= 10) h.hour = N2i(s2, 8, 2);
        if (l2 >= 12) h.min = N2i(s2, 10, 2);
        if (l2 >= 14) h.sec = N2i(s2, 12, 2);
        h.comp = false;
      }
      break;
    case 3:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
        h.min = N2i(s2, l2 - 3, 1);
      }
      break;  // Otherwise a day of the year, which parse_to_utc ignores.
    case 5:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
        h.min = N2i(s2, l2 - 4, 2);
        h.hour = N2i(s2, l2 - 5, 1);
      } else {
        h.year = sign * N2i(s2, 0, 2);
      }
      break;
    case 7:
      if (time_only) {
        h.sec = N2i(s2, l2 - 2, 2);
        h.min = N2i(s2, l2 - 4, 2);
        h.hour = N2i(s2, l2 - 6, 2);
        h.mday = N2i(s2, l2 - 7, 1);
      } else {
        h.year = sign * N2i(s2, 0, 4);
      }
      break;
    default:
      break;
  }
  if (s3) {
    const size_t l3 = s3->size();
    if (l3 == 2 || l3 == 4 || l3 == 6) {
      if (s4) {
        h.sec = N2i(*s3, l3 - 2, 2);
        if (l3 >= 4) h.min = N2i(*s3, l3 - 4, 2);
        if (l3 >= 6) h.hour = N2i(*s3, l3 - 6, 2);
      } else {
        h.hour = N2i(*s3, 0, 2);
        if (l3 >= 4) h.min = N2i(*s3, 2, 2);
        if (l3 >= 6) h.sec = N2i(*s3, 4, 2);
      }
    }
  }
  if (s4) h.sec_fraction = *s4;
  if (s5) {
    h.zone = *s5;
    if (FirstByte(*s5) == '[') {
      // "[+9]", "[-5:EST]": the part before the colon (colon included) is
      // the offset, the part after it the zone name.
      const std::string inside = s5->substr(1, s5->size() - 2);
      const size_t colon = inside.find(':');
      std::string offset_text;
      if (colon != std::string::npos) {
        h.zone = inside.substr(colon + 1);
        offset_text = inside.substr(0, colon + 1);
      } else {
        h.zone = inside;
        offset_text = IsDigit(FirstByte(inside)) ? "+" + inside : inside;
      }
      h.offset = ZoneToDiff(offset_text);
    }
  }
}

struct ClassFlags {
  bool alpha = false;
  bool digit = false;
  bool dash = false;
  bool dot = false;
  bool slash = false;
};

// check_class(): C's isalpha/isdigit on the bytes, so ASCII only.
ClassFlags CheckClass(const std::u32string& s) {
  ClassFlags f;
  for (const char32_t c : s) {
    f.alpha = f.alpha || (c < 0x80 && IsCAlpha(static_cast<char>(c)));
    f.digit = f.digit || IsRegexDigit(c);
    f.dash = f.dash || c == '-';
    f.dot = f.dot || c == '.';
    f.slash = f.slash || c == '/';
  }
  return f;
}

// Runs the date patterns in date__parse's order; true once one matched.
bool ParseDate(std::u32string& str, DateHash& h) {
  const Patterns& p = ThePatterns();
  const auto has = [&str] { return CheckClass(str); };
  if (has().alpha && has().digit) {
    if (const auto c = Substitute(str, p.eu)) {
      S3e(h, Group(*c, 4), std::to_string(MonthNumber(*Group(*c, 2))),
          Group(*c, 1), IsBc(Group(*c, 3)));
      return true;
    }
    if (const auto c = Substitute(str, p.us)) {
      S3e(h, Group(*c, 4), std::to_string(MonthNumber(*Group(*c, 1))),
          Group(*c, 2), IsBc(Group(*c, 3)));
      return true;
    }
  }
  if (has().digit && has().dash) {
    if (const auto c = Substitute(str, p.iso)) {
      S3e(h, Group(*c, 1), Group(*c, 2), Group(*c, 3), false);
      return true;
    }
  }
  if (has().digit && has().dot) {
    if (const auto c = Substitute(str, p.jis)) {
      int era = 0;
      switch (FirstByte(*Group(*c, 1))) {
        case 'M':
        case 'm':
          era = 1867;
          break;
        case 'T':
        case 't':
          era = 1911;
          break;
        case 'S':
        case 's':
          era = 1925;
          break;
        case 'H':
        case 'h':
          era = 1988;
          break;
        case 'R':
        case 'r':
          era = 2018;
          break;
        default:
          break;
      }
      h.year = SaturatingAdd(ParseDecimal(*Group(*c, 2)), era);
      h.mon = ParseDecimal(*Group(*c, 3));
      h.mday = ParseDecimal(*Group(*c, 4));
      return true;
    }
  }
  if (has().alpha && has().digit && has().dash) {
    if (const auto c = Substitute(str, p.vms11)) {
      S3e(h, Group(*c, 3), std::to_string(MonthNumber(*Group(*c, 2))),
          Group(*c, 1), false);
      return true;
    }
    if (const auto c = Substitute(str, p.vms12)) {
      S3e(h, Group(*c, 3), std::to_string(MonthNumber(*Group(*c, 1))),
          Group(*c, 2), false);
      return true;
    }
  }
  if (has().digit && has().slash) {
    if (const auto c = Substitute(str, p.sla)) {
      S3e(h, Group(*c, 1), Group(*c, 2), Group(*c, 3), false);
      return true;
    }
  }
  if (has().digit && has().dot) {
    if (const auto c = Substitute(str, p.dot)) {
      S3e(h, Group(*c, 1), Group(*c, 2), Group(*c, 3), false);
      return true;
    }
  }
  if (has().digit) {
    // parse_iso2: ISO week dates and ordinal dates. Only "--MM-DD" and
    // "--MMDD" name a month and day; the others still end the cascade.
    if (Substitute(str, p.iso21) || Substitute(str, p.iso22)) return true;
    if (const auto c = Substitute(str, p.iso23)) {
      if (Group(*c, 1)) h.mon = ParseDecimal(*Group(*c, 1));
      h.mday = ParseDecimal(*Group(*c, 2));
      return true;
    }
    if (const auto c = Substitute(str, p.iso24)) {
      h.mon = ParseDecimal(*Group(*c, 1));
      if (Group(*c, 2)) h.mday = ParseDecimal(*Group(*c, 2));
      return true;
    }
    if (!p.iso25_guard.Search(str)) {
      if (const auto c = Substitute(str, p.iso25)) {
        h.year = ParseDecimal(*Group(*c, 1));
        return true;
      }
    }
    if (!p.iso26_guard.Search(str) && Substitute(str, p.iso26)) return true;
  }
  if (has().digit) {
    if (const auto c = Substitute(str, p.year)) {
      h.year = ParseDecimal(*Group(*c, 1));
      return true;
    }
  }
  if (has().alpha) {
    if (const auto c = Substitute(str, p.mon)) {
      h.mon = MonthNumber(*Group(*c, 1));
      return true;
    }
  }
  if (has().digit) {
    if (const auto c = Substitute(str, p.mday)) {
      h.mday = ParseDecimal(*Group(*c, 1));
      return true;
    }
    if (const auto c = Substitute(str, p.ddd)) {
      ParseDddFields(h, *c);
      return true;
    }
  }
  return false;
}

// date__parse() with comp = true. nullopt when Ruby raises.
std::optional<DateHash> DateParse(std::string_view text) {
  // Date._parse(str, limit: 128) raises ArgumentError past 128 bytes.
  if (text.size() > 128) return std::nullopt;
  auto decoded = DecodeUtf8(text);
  if (!decoded) return std::nullopt;
  const Patterns& p = ThePatterns();
  std::u32string str;
  {
    // gsub(/[^-+',./:@[:alnum:]\[\]]+/, ' ')
    std::u32string_view rest = *decoded;
    while (true) {
      const auto spans = p.separators.Search(rest);
      if (!spans) break;
      const Span whole = (*spans)[0];
      str.append(rest.substr(0, static_cast<size_t>(whole.begin)));
      str.push_back(U' ');
      rest = rest.substr(static_cast<size_t>(whole.end));
    }
    str.append(rest);
  }
  DateHash h;
  if (CheckClass(str).alpha) Substitute(str, p.day);
  if (CheckClass(str).digit) ParseTime(str, h);
  if (h.raised) return std::nullopt;
  ParseDate(str, h);
  if (CheckClass(str).alpha && Substitute(str, p.bc)) h.bc = true;
  if (CheckClass(str).digit) {
    if (const auto c = Substitute(str, p.frag)) {
      const int64_t n = ParseDecimal(*Group(*c, 1));
      if (h.hour && !h.mday && n >= 1 && n <= 31) h.mday = n;
      if (h.mday && !h.hour && n >= 0 && n <= 24) h.hour = n;
    }
  }
  if (h.bc && h.year) h.year = SaturatingAdd(-*h.year, 1);
  if (h.comp && h.year && *h.year >= 0 && *h.year <= 99) {
    *h.year += *h.year >= 69 ? 1900 : 2000;
  }
  if (h.zone && !h.offset) h.offset = ZoneToDiff(*h.zone);
  return h;
}

// ---------------------------------------------------------------------------
// Time.utc(year, mon, mday, hour, min, sec, sec_fraction) - offset.

// The instants we represent: std::chrono's year range, so that callers can
// still take calendar fields of a clamped result.
constexpr int64_t kMinMs =
    std::chrono::sys_days{std::chrono::year::min() / 1 / 1}
        .time_since_epoch()
        .count() *
    int64_t{86'400'000};
constexpr int64_t kMaxMs =
    (std::chrono::sys_days{std::chrono::year::max() / 12 / 31}
         .time_since_epoch()
         .count() +
     1) *
        int64_t{86'400'000} -
    1;

UtcTime FromMilliseconds(Int128 ms) {
  return UtcTime(std::chrono::milliseconds(
      static_cast<int64_t>(std::clamp<Int128>(ms, kMinMs, kMaxMs))));
}

// Days from 1970-01-01 to year-mon-01 (proleptic Gregorian; H. Hinnant's
// days_from_civil). REQUIRES: 1 <= mon <= 12, |year| < 2^40.
int64_t DaysFromCivil(int64_t year, int64_t mon) {
  const int64_t y = mon <= 2 ? year - 1 : year;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr Int128 Pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

Int128 FloorDiv(Int128 a, Int128 b) {
  Int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::optional<UtcTime> BuildTime(const DateHash& h) {
  if (!h.year || !h.mon || !h.mday) return std::nullopt;
  // Time.utc's checks: mon 1..12, mday 1..31 (overflowing into the next
  // month), hour 0..24, min 0..59, sec 0..60, and 24:00:00 only.
  const int64_t mon = *h.mon;
  const int64_t mday = *h.mday;
  const int64_t hour = h.hour.value_or(0);
  const int64_t min = h.min.value_or(0);
  const int64_t sec = h.sec.value_or(0);
  if (mon < 1 || mon > 12 || mday < 1 || mday > 31) return std::nullopt;
  if (hour < 0 || hour > 24 || min < 0 || min > 59 || sec < 0 || sec > 60) {
    return std::nullopt;
  }
  if (hour == 24 && (min != 0 || sec != 0)) return std::nullopt;
  const int64_t year =
      std::clamp<int64_t>(*h.year, -(int64_t{1} << 40), int64_t{1} << 40);
  const Int128 seconds = Int128{DaysFromCivil(year, mon) + mday - 1} * 86400 +
                         hour * 3600 + min * 60 + sec;
  Int128 ms = seconds * 1000;
  // The 7th argument of Time.utc is microseconds: :sec_fraction (< 1) adds
  // less than a microsecond, i.e. fractional seconds are all but dropped.
  // What remains of it can only matter against a fractional offset, so both
  // are compared at 1e-30 ms.
  Int128 tiny = 0;  // sec_fraction µs in units of 1e-30 ms.
  if (h.sec_fraction) {
    const std::string& digits = *h.sec_fraction;
    for (int i = 0; i < 27; ++i) {
      const auto idx = static_cast<size_t>(i);
      tiny = tiny * 10 + (idx < digits.size() ? digits[idx] - '0' : 0);
    }
  }
  if (!h.offset) return FromMilliseconds(ms);
  const Offset& off = *h.offset;
  ms -= Int128{off.whole} * 1000;
  // The fractional offset F ms = x / 10^d = whole_part + frac, frac in [0,1).
  const Int128 x = Int128{off.fraction_numerator} * 1000;
  const int d = off.fraction_digits;
  constexpr Int128 kScale = Pow10(30);
  Int128 whole_part = 0;
  Int128 frac = 0;  // In units of 1e-30 ms.
  if (d <= 37) {
    const Int128 p = Pow10(d);
    whole_part = FloorDiv(x, p);
    const Int128 rem = x - whole_part * p;
    frac = d <= 30 ? rem * Pow10(30 - d) : rem / Pow10(d - 30);
  } else {
    // |x| < 10^23 < 10^d: the offset is within (-1, 1) ms.
    whole_part = x < 0 ? -1 : 0;
    const Int128 q =
        d - 30 <= 37 ? FloorDiv(x, Pow10(d - 30)) : (x < 0 ? -1 : 0);
    frac = x < 0 ? kScale + q : q;
  }
  // floor(ms + tiny - F) = ms - whole_part + floor(tiny - frac).
  return FromMilliseconds(ms - whole_part + (tiny >= frac ? 0 : -1));
}

}  // namespace

std::optional<UtcTime> ParseReportTimestamp(std::string_view text) {
  if (const auto epoch_s = ParseRubyInteger(text)) {
    return FromMilliseconds(Int128{*epoch_s} * 1000);
  }
  const auto hash = DateParse(text);
  if (!hash) return std::nullopt;
  return BuildTime(*hash);
}

TimestampWindow CheckTimestampWindow(UtcTime ts, UtcTime now) {
  using std::chrono::floor;
  using std::chrono::seconds;
  // apisonator's Transaction#ensure_on_time!:
  //   time_diff_sec = timestamp.to_i - Time.now.to_i
  //   (-86400..3600).cover?(time_diff_sec)
  // Time#to_i floors, so a report stamped now - 86400 s is accepted even
  // when now carries milliseconds (golden report/timestamp_window_edges).
  const int64_t diff_s = (floor<seconds>(ts) - floor<seconds>(now)).count();
  if (diff_s < -86400) return TimestampWindow::kTooOld;
  if (diff_s > 3600) return TimestampWindow::kTooNew;
  return TimestampWindow::kInside;
}

}  // namespace scalecheck::core
