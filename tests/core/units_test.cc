// tests/core/units_test.cc: durations and counts with unit suffixes, as
// flags, scenario files and the control API write them.
#include "core/units.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace scalecheck::core {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

class UnitsTest : public testing::Test {
 protected:
  // The error message ParseDuration gives for `text`; "" if it parsed.
  static std::string DurationError(const std::string& text) {
    const Result<microseconds> r = ParseDuration(text);
    if (r.ok()) return "";
    EXPECT_EQ(StatusCode::kInvalidArgument, r.status().code()) << text;
    return r.status().message();
  }
  static std::string CountError(const std::string& text) {
    const Result<int64_t> r = ParseCount(text);
    if (r.ok()) return "";
    EXPECT_EQ(StatusCode::kInvalidArgument, r.status().code()) << text;
    return r.status().message();
  }
};

TEST_F(UnitsTest, ParseDurationReadsEveryUnit) {
  const struct {
    const char* text;
    microseconds want;
  } cases[] = {
      {"59s", 59s},   {"1500ms", 1500ms}, {"2m", 2min},     {"1h", 1h},
      {"1d", 24h},    {"250us", 250us},   {"30", 30s},      {"0", 0s},
      {"0ms", 0s},    {"1.5s", 1500ms},   {"0.5ms", 500us}, {"2.25h", 8100s},
      {".5s", 500ms}, {"007s", 7s},       {"365d", 8760h},
  };
  for (const auto& c : cases) {
    const Result<microseconds> r = ParseDuration(c.text);
    if (!r.ok()) {
      ADD_FAILURE() << c.text << ": " << r.status().message();
      continue;
    }
    EXPECT_EQ(c.want.count(), r.value().count()) << c.text;
  }
}

TEST_F(UnitsTest, ParseDurationRoundsFractionsToTheMicrosecond) {
  const Result<microseconds> r = ParseDuration("0.0004ms");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(0, r.value().count());
  const Result<microseconds> up = ParseDuration("0.0006ms");
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_EQ(1, up.value().count());
}

TEST_F(UnitsTest, ParseDurationNamesAnUnknownUnitAndTheUnitsItKnows) {
  EXPECT_EQ("unknown duration unit 'x' in '5x' (use us, ms, s, m, h or d)",
            DurationError("5x"));
  EXPECT_EQ("unknown duration unit 'S' in '5S' (use us, ms, s, m, h or d)",
            DurationError("5S"));
  EXPECT_EQ("unknown duration unit ' s' in '5 s' (use us, ms, s, m, h or d)",
            DurationError("5 s"));
  EXPECT_EQ(
      "unknown duration unit 'm30s' in '1m30s' (use us, ms, s, m, h or d)",
      DurationError("1m30s"));
}

TEST_F(UnitsTest, ParseDurationRejectsTextWithoutANumber) {
  for (const char* text : {"", "s", "ms", "abc", "-5s", "+5s", " 5s", "."}) {
    EXPECT_EQ("invalid duration '" + std::string(text) +
                  "' (e.g. 500ms, 59s, 2m, 1h, 1d)",
              DurationError(text))
        << "'" << text << "'";
  }
}

TEST_F(UnitsTest, ParseDurationRejectsDurationsThatDoNotFitInMicroseconds) {
  EXPECT_EQ("duration '999999999999d' is too long",
            DurationError("999999999999d"));
  EXPECT_EQ("", DurationError("36500d")) << "a century fits";
}

TEST_F(UnitsTest, ParseCountReadsSuffixes) {
  const struct {
    const char* text;
    int64_t want;
  } cases[] = {
      {"3", 3},       {"0", 0},          {"1000", 1000},
      {"20k", 20000}, {"1M", 1000000},   {"2G", 2000000000},
      {"1.5k", 1500}, {"2.5M", 2500000}, {"0.3k", 300},
      {"0.7k", 700},  {"1.1k", 1100},    {"4.35M", 4350000},
      {"0.001k", 1},  {"65535", 65535},  {"9223372036854775807", INT64_MAX},
  };
  for (const auto& c : cases) {
    const Result<int64_t> r = ParseCount(c.text);
    if (!r.ok()) {
      ADD_FAILURE() << c.text << ": " << r.status().message();
      continue;
    }
    EXPECT_EQ(c.want, r.value()) << c.text;
  }
}

TEST_F(UnitsTest, ParseCountRejectsMalformedCounts) {
  for (const char* text : {"", "k", "M", "-1", "+1", "1x", "20K", "1m", "1 k",
                           " 1", "1e3", "0x10", "1,000", "."}) {
    EXPECT_EQ("invalid count '" + std::string(text) + "' (e.g. 100, 20k, 1M)",
              CountError(text))
        << "'" << text << "'";
  }
}

TEST_F(UnitsTest, ParseCountRejectsFractionsOfOne) {
  EXPECT_EQ("count '1.5' is not a whole number", CountError("1.5"));
  EXPECT_EQ("count '0.0001k' is not a whole number", CountError("0.0001k"));
}

TEST_F(UnitsTest, ParseCountRejectsCountsBeyondInt64) {
  for (const char* text : {"9223372036854775808", "99999999999999999999",
                           "10000000000G", "9999999999999999M"}) {
    EXPECT_EQ("count '" + std::string(text) + "' is too large",
              CountError(text))
        << text;
  }
}

TEST_F(UnitsTest, FormatDurationUsesTheLargestExactUnit) {
  const struct {
    microseconds d;
    const char* want;
  } cases[] = {
      {59s, "59s"},   {1500ms, "1500ms"}, {90s, "90s"},     {2min, "2m"},
      {59min, "59m"}, {1h, "3600s"},      {250us, "250us"}, {0s, "0s"},
      {1ms, "1ms"},   {1001us, "1001us"}, {60s, "1m"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, FormatDuration(c.d)) << c.want;
  }
}

TEST_F(UnitsTest, ParseDurationReadsBackWhatFormatDurationWrote) {
  for (microseconds d :
       {microseconds(59s), microseconds(1500ms), microseconds(90s),
        microseconds(2min), microseconds(250us), microseconds(1h),
        microseconds(0), microseconds(86400s)}) {
    const std::string text = FormatDuration(d);
    const Result<microseconds> r = ParseDuration(text);
    if (!r.ok()) {
      ADD_FAILURE() << text << ": " << r.status().message();
      continue;
    }
    EXPECT_EQ(d.count(), r.value().count()) << text;
  }
}

}  // namespace
}  // namespace scalecheck::core
