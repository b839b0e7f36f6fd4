#include "reports/text_format.h"

#include <cstdint>
#include <cstdio>

namespace scalecheck::reports {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD.

struct CodePoint {
  size_t length = 0;  // 0: no valid sequence starts here.
  char32_t value = 0;
};

uint8_t Byte(std::string_view text, size_t i) {
  return static_cast<uint8_t>(text[i]);
}

// The UTF-8 sequence starting at text[i], as RFC 3629 defines it: no
// overlong forms, no surrogates, nothing above U+10FFFF.
CodePoint DecodeAt(std::string_view text, size_t i) {
  const uint8_t b0 = Byte(text, i);
  if (b0 < 0x80) return {1, b0};
  size_t length = 0;
  char32_t value = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    value = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    value = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    value = b0 & 0x07u;
    min = 0x10000;
  } else {
    return {};
  }
  if (i + length > text.size()) return {};
  for (size_t k = 1; k < length; ++k) {
    const uint8_t b = Byte(text, i + k);
    if ((b & 0xC0) != 0x80) return {};
    value = (value << 6) | (b & 0x3Fu);
  }
  if (value < min || value > 0x10FFFF) return {};
  if (value >= 0xD800 && value <= 0xDFFF) return {};
  return {length, value};
}

void AppendHexByte(std::string& out, uint8_t b) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[b >> 4];
  out += kHex[b & 0x0F];
}

bool AllowedInXml(char32_t c) {
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
  return c != 0xFFFE && c != 0xFFFF;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = DecodeAt(text, i);
    if (cp.length == 0) return false;
    i += cp.length;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = DecodeAt(text, i);
    if (cp.length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, cp.length));
      i += cp.length;
    }
  }
  return out;
}

std::string Printable(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = DecodeAt(text, i);
    if (cp.length == 0) {
      AppendHexByte(out, Byte(text, i));
      ++i;
      continue;
    }
    if (cp.length > 1) {
      out.append(text.substr(i, cp.length));
    } else if (keep_line_breaks && (cp.value == '\n' || cp.value == '\t')) {
      out += text[i];
    } else if (cp.value == '\n') {
      out += "\\n";
    } else if (cp.value == '\r') {
      out += "\\r";
    } else if (cp.value == '\t') {
      out += "\\t";
    } else if (cp.value < 0x20 || cp.value == 0x7F) {
      AppendHexByte(out, Byte(text, i));
    } else {
      out += text[i];
    }
    i += cp.length;
  }
  return out;
}

std::string Truncate(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Back up over continuation bytes so no UTF-8 sequence is split.
  while (cut > 0 && (Byte(text, cut) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string EscapeXml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = DecodeAt(text, i);
    if (cp.length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const std::string_view bytes = text.substr(i, cp.length);
    i += cp.length;
    if (!AllowedInXml(cp.value)) continue;
    switch (cp.value) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        // A literal CR would be normalized away by any XML parser.
        out += "&#13;";
        break;
      default:
        out.append(bytes);
    }
  }
  return out;
}

std::string EscapeHtml(std::string_view text) {
  const std::string clean = SanitizeUtf8(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
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
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatMillis(std::chrono::microseconds duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms",
                static_cast<double>(duration.count()) / 1e3);
  return buffer;
}

std::string FormatSeconds(std::chrono::microseconds duration) {
  // Integer arithmetic: exact to the microsecond, whatever the magnitude.
  const long long us = duration.count();
  const long long magnitude = us < 0 ? -us : us;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s%lld.%06lld", us < 0 ? "-" : "",
                magnitude / 1000000, magnitude % 1000000);
  return buffer;
}

}  // namespace scalecheck::reports
