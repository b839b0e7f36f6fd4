// harness/replay_compare.cc
#include "harness/replay_compare.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

namespace scalecheck::harness {
namespace {

// Shown in place of an <application><key> that is a member of the key set.
constexpr std::string_view kAnyAppKey = "{any application key}";
// Deeper JSON is not normalized (and so compared byte for byte).
constexpr int kMaxJsonDepth = 200;

std::string Quote(const std::optional<std::string>& value) {
  return value ? "\"" + Printable(*value) + "\"" : "(absent)";
}

std::string StatusText(const HttpResponse& response) {
  std::string text = std::to_string(response.status);
  if (!response.reason.empty()) text += " " + Printable(response.reason);
  return text;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out = "[";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + Printable(lines[i]) + "\"";
  }
  return out + "]";
}

// All values of header `name`, joined as a list: the recordings have at most
// one of each, so a repeated header shows up as a different value.
std::optional<std::string> HeaderValue(const HttpResponse& response,
                                       std::string_view name) {
  std::optional<std::string> value;
  for (const auto& [field, field_value] : response.headers) {
    if (field != name) continue;
    value = value ? *value + ", " + field_value : field_value;
  }
  return value;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char FirstNonSpace(std::string_view text) {
  for (char c : text) {
    if (!IsSpace(c)) return c;
  }
  return '\0';
}

// Whether `xml` has the start of an element called `name` at `pos`.
bool IsStartTag(std::string_view xml, size_t pos, std::string_view name) {
  if (xml.compare(pos, 1, "<") != 0 ||
      xml.compare(pos + 1, name.size(), name) != 0) {
    return false;
  }
  const size_t after = pos + 1 + name.size();
  return after < xml.size() &&
         (xml[after] == '>' || xml[after] == '/' || IsSpace(xml[after]));
}

// The end (exclusive) of the element called `name` starting at `pos`; npos
// if it is not closed. Elements of the same name must not nest.
size_t ElementEnd(std::string_view xml, size_t pos, std::string_view name) {
  const size_t tag_end = xml.find('>', pos);
  if (tag_end == std::string_view::npos) return std::string_view::npos;
  if (xml[tag_end - 1] == '/') return tag_end + 1;
  const std::string close = "</" + std::string(name) + ">";
  const size_t close_at = xml.find(close, tag_end + 1);
  return close_at == std::string_view::npos ? close_at
                                            : close_at + close.size();
}

// Sorts the `child` elements of every `container` element, keeping the text
// between them in place. A container holding anything else is left alone.
std::string SortChildren(std::string_view xml, std::string_view container,
                         std::string_view child) {
  std::string out;
  size_t copied = 0;
  size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string_view::npos) {
    if (!IsStartTag(xml, pos, container)) {
      ++pos;
      continue;
    }
    const size_t open_end = xml.find('>', pos);
    if (open_end == std::string_view::npos) break;
    if (xml[open_end - 1] == '/') {  // <app_keys/>: no children.
      pos = open_end + 1;
      continue;
    }
    const std::string close = "</" + std::string(container) + ">";
    const size_t close_at = xml.find(close, open_end + 1);
    if (close_at == std::string_view::npos) break;

    std::vector<std::string_view> gaps;
    std::vector<std::string_view> children;
    size_t p = open_end + 1;
    bool well_formed = true;
    for (;;) {
      size_t gap_end = p;
      while (gap_end < close_at && IsSpace(xml[gap_end])) ++gap_end;
      gaps.push_back(xml.substr(p, gap_end - p));
      p = gap_end;
      if (p == close_at) break;
      if (!IsStartTag(xml, p, child)) {
        well_formed = false;
        break;
      }
      const size_t end = ElementEnd(xml, p, child);
      if (end == std::string_view::npos || end > close_at) {
        well_formed = false;
        break;
      }
      children.push_back(xml.substr(p, end - p));
      p = end;
    }
    if (well_formed) {
      std::sort(children.begin(), children.end());
      out.append(xml.substr(copied, open_end + 1 - copied));
      for (size_t i = 0; i < children.size(); ++i) {
        out.append(gaps[i]);
        out.append(children[i]);
      }
      out.append(gaps.back());
      copied = close_at;
    }
    pos = close_at + close.size();
  }
  out.append(xml.substr(copied));
  return out;
}

// Replaces the text of each <application><key> with kAnyAppKey when it is
// one of `app_keys` (any value when that is empty).
std::string MaskApplicationKeys(std::string_view xml,
                                const std::vector<std::string>& app_keys) {
  std::string out;
  size_t copied = 0;
  size_t pos = 0;
  while ((pos = xml.find("<application>", pos)) != std::string_view::npos) {
    const size_t end = xml.find("</application>", pos);
    if (end == std::string_view::npos) break;
    const size_t key = xml.find("<key>", pos);
    if (key != std::string_view::npos && key < end) {
      const size_t value_start = key + 5;
      const size_t value_end = xml.find("</key>", value_start);
      if (value_end != std::string_view::npos && value_end < end) {
        const std::string_view value =
            xml.substr(value_start, value_end - value_start);
        if (app_keys.empty() || std::find(app_keys.begin(), app_keys.end(),
                                          value) != app_keys.end()) {
          out.append(xml.substr(copied, value_start - copied));
          out.append(kAnyAppKey);
          copied = value_end;
        }
      }
    }
    pos = end;
  }
  out.append(xml.substr(copied));
  return out;
}

// Re-emits JSON with every array's elements sorted by their own canonical
// text and insignificant whitespace dropped; strings and numbers are kept
// byte for byte.
class JsonCanonicalizer {
 public:
  explicit JsonCanonicalizer(std::string_view text) : text_(text) {}

  std::optional<std::string> Run() {
    std::optional<std::string> value = Value(0);
    SkipSpace();
    if (!value || pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<std::string> String() {
    const size_t start = pos_;
    ++pos_;  // The opening quote.
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '\\') {
        ++pos_;
      } else if (c == '"') {
        return std::string(text_.substr(start, pos_ - start));
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> Value(int depth) {
    if (depth > kMaxJsonDepth) return std::nullopt;
    SkipSpace();
    if (pos_ >= text_.size()) return std::nullopt;
    const char c = text_[pos_];
    if (c == '"') return String();
    if (c == '{') {
      ++pos_;
      std::string out = "{";
      if (Consume('}')) return out + "}";
      for (;;) {
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != '"') return std::nullopt;
        std::optional<std::string> key = String();
        if (!key || !Consume(':')) return std::nullopt;
        std::optional<std::string> value = Value(depth + 1);
        if (!value) return std::nullopt;
        out += *key + ":" + *value;
        if (Consume('}')) return out + "}";
        if (!Consume(',')) return std::nullopt;
        out += ",";
      }
    }
    if (c == '[') {
      ++pos_;
      std::vector<std::string> items;
      if (!Consume(']')) {
        for (;;) {
          std::optional<std::string> item = Value(depth + 1);
          if (!item) return std::nullopt;
          items.push_back(std::move(*item));
          if (Consume(']')) break;
          if (!Consume(',')) return std::nullopt;
        }
      }
      std::sort(items.begin(), items.end());
      std::string out = "[";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ",";
        out += items[i];
      }
      return out + "]";
    }
    // A number, true, false or null: taken as it is.
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
            text_[pos_] == '-' || text_[pos_] == '+' || text_[pos_] == '.')) {
      ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void AppendEscaped(std::string& out, char c) {
  const auto u = static_cast<unsigned char>(c);
  switch (c) {
    case '\r':
      out += "\\r";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\\':
      out += "\\\\";
      return;
    default:
      break;
  }
  if (u >= 0x20 && u < 0x7f) {
    out += c;
    return;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(u));
  out += hex;
}

}  // namespace

UnorderedRules UnorderedRulesFor(const Case& recording) {
  UnorderedRules rules;
  rules.enabled = !recording.unordered.empty();
  rules.app_keys = recording.app_keys;
  return rules;
}

std::string Difference::Summary() const {
  switch (kind) {
    case DifferenceKind::kStatus:
      return "status " + actual.value_or("?") + ", expected " +
             expected.value_or("?");
    case DifferenceKind::kReason:
      return "reason " + Quote(actual) + ", expected " + Quote(expected);
    case DifferenceKind::kInterim:
      return "interim responses " + actual.value_or("[]") + ", expected " +
             expected.value_or("[]");
    case DifferenceKind::kHeader:
      return "header " + name + " " + Quote(actual) + ", expected " +
             Quote(expected);
    case DifferenceKind::kFraming:
      return "framing " + actual.value_or("?") + ", expected " +
             expected.value_or("?");
    case DifferenceKind::kBody:
      return "body differs at byte " + std::to_string(offset) +
             (normalized ? " (unordered parts sorted)" : "");
  }
  return "differs";
}

std::vector<Difference> CompareResponse(const HttpResponse& expected,
                                        const HttpResponse& actual,
                                        const UnorderedRules& unordered,
                                        const CompareOptions& options) {
  std::vector<Difference> differences;
  if (expected.status != actual.status) {
    Difference d;
    d.kind = DifferenceKind::kStatus;
    d.expected = std::to_string(expected.status);
    d.actual = std::to_string(actual.status);
    differences.push_back(std::move(d));
  }
  if (options.status_only) return differences;

  if (options.strict_transport) {
    if (expected.reason != actual.reason) {
      Difference d;
      d.kind = DifferenceKind::kReason;
      d.expected = expected.reason;
      d.actual = actual.reason;
      differences.push_back(std::move(d));
    }
    if (expected.interim != actual.interim) {
      Difference d;
      d.kind = DifferenceKind::kInterim;
      d.expected = JoinLines(expected.interim);
      d.actual = JoinLines(actual.interim);
      differences.push_back(std::move(d));
    }
  }

  if (options.compare_headers) {
    for (std::string_view name : kComparedHeaders) {
      std::optional<std::string> want = HeaderValue(expected, name);
      std::optional<std::string> got = HeaderValue(actual, name);
      if (want == got) continue;
      Difference d;
      d.kind = DifferenceKind::kHeader;
      d.name = std::string(name);
      d.expected = std::move(want);
      d.actual = std::move(got);
      differences.push_back(std::move(d));
    }
  }

  if ((options.compare_framing || options.strict_transport) &&
      expected.framing != actual.framing) {
    Difference d;
    d.kind = DifferenceKind::kFraming;
    d.expected = std::string(ToString(expected.framing));
    d.actual = std::string(ToString(actual.framing));
    differences.push_back(std::move(d));
  }

  if (expected.body != actual.body) {
    std::string want = expected.body;
    std::string got = actual.body;
    bool normalized = false;
    if (unordered.enabled) {
      want = NormalizeUnordered(expected.body, unordered);
      got = NormalizeUnordered(actual.body, unordered);
      normalized = true;
    }
    if (want != got) {
      Difference d;
      d.kind = DifferenceKind::kBody;
      d.offset = FirstDifference(want, got);
      d.expected = Excerpt(want, d.offset);
      d.actual = Excerpt(got, d.offset);
      d.expected_size = expected.body.size();
      d.actual_size = actual.body.size();
      d.normalized = normalized;
      differences.push_back(std::move(d));
    }
  }
  return differences;
}

bool OnlyFramingDiffers(const std::vector<Difference>& differences) {
  return !differences.empty() &&
         std::all_of(differences.begin(), differences.end(),
                     [](const Difference& d) {
                       return d.kind == DifferenceKind::kFraming;
                     });
}

std::string FormatDifferences(const HttpResponse& expected,
                              const HttpResponse& actual,
                              const std::vector<Difference>& differences) {
  std::string out = "  status: expected " + StatusText(expected) + ", got " +
                    StatusText(actual) + "\n";
  for (const Difference& d : differences) {
    switch (d.kind) {
      case DifferenceKind::kStatus:
        break;  // Shown above.
      case DifferenceKind::kReason:
        out += "  reason: expected " + Quote(d.expected) + ", got " +
               Quote(d.actual) + "\n";
        break;
      case DifferenceKind::kInterim:
        out += "  interim: expected " + d.expected.value_or("[]") + ", got " +
               d.actual.value_or("[]") + "\n";
        break;
      case DifferenceKind::kHeader:
        out += "  header " + d.name + ": expected " + Quote(d.expected) +
               ", got " + Quote(d.actual) + "\n";
        break;
      case DifferenceKind::kFraming:
        out += "  framing: expected " + d.expected.value_or("?") + ", got " +
               d.actual.value_or("?") + "\n";
        break;
      case DifferenceKind::kBody:
        out += "  body: differs at byte " + std::to_string(d.offset) +
               (d.normalized ? " after sorting the unordered parts" : "") +
               " (expected " + std::to_string(d.expected_size) +
               " bytes, got " + std::to_string(d.actual_size) + ")\n";
        out += "    expected: " + d.expected.value_or("") + "\n";
        out += "    actual:   " + d.actual.value_or("") + "\n";
        break;
    }
  }
  return out;
}

std::string NormalizeUnordered(std::string_view body,
                               const UnorderedRules& rules) {
  if (!rules.enabled) return std::string(body);
  const char first = FirstNonSpace(body);
  if (first == '<') {
    std::string xml = SortChildren(body, "usage_reports", "usage_report");
    xml = SortChildren(xml, "app_keys", "key");
    return MaskApplicationKeys(xml, rules.app_keys);
  }
  if (first == '{' || first == '[') {
    std::optional<std::string> json = JsonCanonicalizer(body).Run();
    if (json) return *json;
  }
  return std::string(body);
}

size_t FirstDifference(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    if (a[i] != b[i]) return i;
  }
  return a.size() == b.size() ? std::string_view::npos : common;
}

std::string Excerpt(std::string_view text, size_t offset, size_t width) {
  const size_t before = width / 2;
  size_t start = offset > before ? offset - before : 0;
  if (start > text.size()) start = text.size();
  const std::string_view piece = text.substr(start, width);
  std::string out = start > 0 ? "..." : "";
  for (char c : piece) AppendEscaped(out, c);
  if (start + piece.size() < text.size()) out += "...";
  if (text.empty()) out = "(empty)";
  return out;
}

std::string Printable(std::string_view text, size_t max_bytes) {
  std::string out;
  for (char c : text.substr(0, max_bytes)) AppendEscaped(out, c);
  if (text.size() > max_bytes) {
    out += "... (" + std::to_string(text.size()) + " bytes)";
  }
  return out;
}

}  // namespace scalecheck::harness
