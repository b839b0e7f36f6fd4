#include "core/units.h"

#include <cstdio>
#include <limits>

namespace scalecheck::core {
namespace {

// Parses a non-negative decimal with an optional fraction; returns the
// number of characters used, 0 if none.
size_t ParseNumber(std::string_view text, double& value) {
  size_t i = 0;
  double v = 0;
  bool digits = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    v = v * 10 + (text[i] - '0');
    ++i;
    digits = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
      digits = true;
    }
  }
  value = v;
  return digits ? i : 0;
}

}  // namespace

Result<std::chrono::microseconds> ParseDuration(std::string_view text) {
  double value = 0;
  const size_t used = ParseNumber(text, value);
  if (used == 0) {
    return Status::InvalidArgument("invalid duration '" + std::string(text) +
                                   "' (e.g. 500ms, 59s, 2m, 1h, 1d)");
  }
  const std::string_view unit = text.substr(used);
  double us_per_unit = 0;
  if (unit == "us") {
    us_per_unit = 1;
  } else if (unit == "ms") {
    us_per_unit = 1e3;
  } else if (unit == "s" || unit.empty()) {
    us_per_unit = 1e6;
  } else if (unit == "m") {
    us_per_unit = 60e6;
  } else if (unit == "h") {
    us_per_unit = 3600e6;
  } else if (unit == "d") {
    us_per_unit = 86400e6;
  } else {
    return Status::InvalidArgument(
        "unknown duration unit '" + std::string(unit) + "' in '" +
        std::string(text) + "' (use us, ms, s, m, h or d)");
  }
  const double us = value * us_per_unit;
  if (us > static_cast<double>(std::numeric_limits<int64_t>::max() / 2)) {
    return Status::InvalidArgument("duration '" + std::string(text) +
                                   "' is too long");
  }
  return std::chrono::microseconds(static_cast<int64_t>(us + 0.5));
}

Result<int64_t> ParseCount(std::string_view text) {
  const auto invalid = [text] {
    return Status::InvalidArgument("invalid count '" + std::string(text) +
                                   "' (e.g. 100, 20k, 1M)");
  };
  // Decimal arithmetic on the digits, so that "0.3k" is exactly 300 (0.3 *
  // 1000 in doubles is not) and no double is cast out of int64's range.
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view whole = text.substr(0, i);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(start, i - start);
  }
  if (whole.empty() && fraction.empty()) return invalid();
  const std::string_view unit = text.substr(i);
  size_t zeros = 0;
  if (unit == "k") {
    zeros = 3;
  } else if (unit == "M") {
    zeros = 6;
  } else if (unit == "G") {
    zeros = 9;
  } else if (!unit.empty()) {
    return invalid();
  }
  // value = whole.fraction * 10^zeros.
  std::string digits(whole);
  if (fraction.size() <= zeros) {
    digits.append(fraction);
    digits.append(zeros - fraction.size(), '0');
  } else {
    digits.append(fraction.substr(0, zeros));
    if (fraction.substr(zeros).find_first_not_of('0') !=
        std::string_view::npos) {
      return Status::InvalidArgument("count '" + std::string(text) +
                                     "' is not a whole number");
    }
  }
  int64_t value = 0;
  for (char c : digits) {
    const int d = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - d) / 10) {
      return Status::InvalidArgument("count '" + std::string(text) +
                                     "' is too large");
    }
    value = value * 10 + d;
  }
  return value;
}

std::string FormatDuration(std::chrono::microseconds d) {
  const int64_t us = d.count();
  char buffer[64];
  if (us % 1000000 == 0) {
    const int64_t s = us / 1000000;
    if (s >= 60 && s % 60 == 0 && s < 3600) {
      std::snprintf(buffer, sizeof buffer, "%lldm",
                    static_cast<long long>(s / 60));
    } else {
      std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(s));
    }
  } else if (us % 1000 == 0) {
    std::snprintf(buffer, sizeof buffer, "%lldms",
                  static_cast<long long>(us / 1000));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldus", static_cast<long long>(us));
  }
  return buffer;
}

}  // namespace scalecheck::core
