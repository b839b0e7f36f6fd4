// tests/reports/text_format_test.cc
//
// UTF-8 checks, escaping and number formatting shared by the writers.
#include "reports/text_format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace scalecheck::reports {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

TEST(Utf8Test, AcceptsOnlyWellFormedSequences) {
  const struct {
    std::string text;
    bool valid;
  } cases[] = {
      {"", true},
      {"plain ascii", true},
      {"caf\xC3\xA9", true},        // é
      {"\xE2\x82\xAC", true},       // €
      {"\xF0\x9F\x98\x80", true},   // U+1F600
      {"\xC3", false},              // Truncated.
      {"\xC0\xAF", false},          // Overlong '/'.
      {"\xED\xA0\x80", false},      // A surrogate.
      {"\xF4\x90\x80\x80", false},  // Above U+10FFFF.
      {"\xFF", false},
      {"a\x80", false},  // A lone continuation byte.
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.valid, IsValidUtf8(c.text)) << Printable(c.text);
  }
}

TEST(Utf8Test, SanitizeReplacesEachInvalidByte) {
  EXPECT_EQ(
      "a\xEF\xBF\xBD"
      "b\xEF\xBF\xBD\xEF\xBF\xBD",
      SanitizeUtf8("a\xFF"
                   "b\xC0\xAF"));
  EXPECT_EQ("caf\xC3\xA9", SanitizeUtf8("caf\xC3\xA9"));
}

TEST(PrintableTest, ShowsControlBytesAndInvalidUtf8AsEscapes) {
  const struct {
    std::string text;
    bool keep_line_breaks;
    std::string want;
  } cases[] = {
      {"a\nb\tc\r", false, "a\\nb\\tc\\r"},
      {"a\nb\tc\r", true, "a\nb\tc\\r"},
      {"nul\0."s, false, "nul\\x00."},
      {"\x1b[31m", false, "\\x1b[31m"},
      {"\x7f", false, "\\x7f"},
      {"\xFF\xFE", false, "\\xff\\xfe"},
      {"caf\xC3\xA9", false, "caf\xC3\xA9"},
      {"back\\slash", false, "back\\slash"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, Printable(c.text, c.keep_line_breaks)) << c.want;
  }
}

TEST(TruncateTest, CutsLongTextAtASequenceBoundaryAndSaysHowLongItWas) {
  EXPECT_EQ("short", Truncate("short", 5));
  EXPECT_EQ("abc... (6 bytes)", Truncate("abcdef", 3));
  // "é" is two bytes: a cut after its first byte backs up before it.
  EXPECT_EQ("ab... (5 bytes)", Truncate("ab\xC3\xA9x", 3));
}

TEST(EscapeXmlTest, EscapesMarkupAndDropsWhatXml10Forbids) {
  const struct {
    std::string text;
    bool attribute;
    std::string want;
  } cases[] = {
      {"a<b>&\"c\"", false, "a&lt;b&gt;&amp;\"c\""},
      {"a<b>&\"c\"", true, "a&lt;b&gt;&amp;&quot;c&quot;"},
      {"line\nnext\ttab", false, "line\nnext\ttab"},
      {"line\nnext\ttab", true, "line&#10;next&#9;tab"},
      {"cr\r", false, "cr&#13;"},
      {"\x01\x08ok\x0b\x0c\x1f\0"s, false, "ok"},
      {"\xEF\xBF\xBE\xEF\xBF\xBF!", false, "!"},  // U+FFFE, U+FFFF.
      {"bad\xFF", true, "bad\xEF\xBF\xBD"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, EscapeXml(c.text, c.attribute)) << Printable(c.text);
  }
}

TEST(EscapeHtmlTest, EscapesEverythingThatCouldOpenOrCloseMarkup) {
  EXPECT_EQ("&lt;/script&gt;&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39;",
            EscapeHtml("</script><b> & \"q\" 's'"));
  EXPECT_EQ("x\xEF\xBF\xBD", EscapeHtml("x\xFF"));
}

TEST(FormatTest, WritesMillisecondsAndSeconds) {
  EXPECT_EQ("1.2 ms", FormatMillis(1234us));
  EXPECT_EQ("0.0 ms", FormatMillis(0us));
  EXPECT_EQ("2500.0 ms", FormatMillis(2500ms));
  EXPECT_EQ("0.001234", FormatSeconds(1234us));
  EXPECT_EQ("3.000000", FormatSeconds(3s));
  EXPECT_EQ("0.000000", FormatSeconds(0us));
}

}  // namespace
}  // namespace scalecheck::reports
