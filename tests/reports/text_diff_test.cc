// tests/reports/text_diff_test.cc
//
// The diff shown under failed steps: units, alignment, elision and cutting.
#include "reports/text_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/reports/sample_report.h"

namespace scalecheck::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Each line as the console shows it: "- x", "+ x", "  x" or "... 3".
std::vector<std::string> Show(const std::vector<DiffLine>& lines) {
  std::vector<std::string> out;
  for (const DiffLine& line : lines) {
    switch (line.op) {
      case DiffOp::kEqual:
        out.push_back("  " + line.text);
        break;
      case DiffOp::kExpected:
        out.push_back("- " + line.text);
        break;
      case DiffOp::kActual:
        out.push_back("+ " + line.text);
        break;
      case DiffOp::kElided:
        out.push_back("... " + std::to_string(line.elided));
        break;
    }
  }
  return out;
}

std::string Lines(int from, int to) {
  std::string text;
  for (int i = from; i <= to; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

TEST(SplitForDiffTest, PutsEachXmlElementOnAnIndentedLine) {
  EXPECT_THAT(
      SplitForDiff("<?xml version=\"1.0\"?><status><authorized>true"
                   "</authorized><plan>Basic</plan><usage_reports/>"
                   "<empty></empty></status>"),
      ElementsAre("<?xml version=\"1.0\"?>", "<status>",
                  "  <authorized>true</authorized>", "  <plan>Basic</plan>",
                  "  <usage_reports/>", "  <empty></empty>", "</status>"));
}

TEST(SplitForDiffTest, DropsBlankTextBetweenXmlTagsAndReindents) {
  EXPECT_THAT(SplitForDiff("\n<a>\n    <b>x</b>\n</a>\n"),
              ElementsAre("<a>", "  <b>x</b>", "</a>"));
}

TEST(SplitForDiffTest, KeepsMixedContentAndMalformedXmlReadable) {
  EXPECT_THAT(SplitForDiff("<a>text<b/>tail</a><unclosed"),
              ElementsAre("<a>text", "  <b/>", "  tail", "</a>", "<unclosed"));
}

TEST(SplitForDiffTest, SplitsOtherBodiesIntoLines) {
  EXPECT_THAT(SplitForDiff("one\ntwo\n"), ElementsAre("one", "two"));
  EXPECT_THAT(SplitForDiff("{\"a\": 1}"), ElementsAre("{\"a\": 1}"));
  EXPECT_THAT(SplitForDiff(""), IsEmpty());
}

TEST(DiffBodiesTest, IsEmptyForEqualBodies) {
  EXPECT_THAT(DiffBodies("same", "same"), IsEmpty());
  EXPECT_THAT(DiffBodies("", ""), IsEmpty());
}

TEST(DiffBodiesTest, ShowsTheElementsThatDifferBetweenTwoStatusDocuments) {
  const std::vector<std::string> shown =
      Show(DiffBodies(test::StatusXml(false, 3), test::StatusXml(true, 4)));
  EXPECT_THAT(
      shown,
      ElementsAre(
          "  <?xml version=\"1.0\" encoding=\"UTF-8\"?>", "  <status>",
          "-   <authorized>false</authorized>",
          "-   <reason>usage limits are exceeded</reason>",
          "+   <authorized>true</authorized>", "    <plan>Basic</plan>",
          "    <usage_reports>",
          "-     <usage_report metric=\"hits\" period=\"minute\" "
          "exceeded=\"true\">",
          "+     <usage_report metric=\"hits\" period=\"minute\">",
          "        <period_start>2024-03-04 09:00:00 +0000</period_start>",
          "        <period_end>2024-03-04 09:01:00 +0000</period_end>",
          "        <max_value>3</max_value>",
          "-       <current_value>3</current_value>",
          "+       <current_value>4</current_value>", "      </usage_report>",
          "    </usage_reports>", "  </status>"));
}

TEST(DiffBodiesTest, ElidesEqualLinesFarFromAChange) {
  const std::string expected = Lines(1, 20);
  std::string actual = Lines(1, 9) + "changed\n" + Lines(11, 20);
  EXPECT_THAT(Show(DiffBodies(expected, actual)),
              ElementsAre("... 7", "  line 8", "  line 9", "- line 10",
                          "+ changed", "  line 11", "  line 12", "... 8"));
}

TEST(DiffBodiesTest, KeepsContextAroundEachOfSeveralChanges) {
  const std::string expected = Lines(1, 12);
  const std::string actual =
      "LINE 1\n" + Lines(2, 11) + "LINE 12\n";  // First and last differ.
  EXPECT_THAT(
      Show(DiffBodies(expected, actual)),
      ElementsAre("- line 1", "+ LINE 1", "  line 2", "  line 3", "... 6",
                  "  line 10", "  line 11", "- line 12", "+ LINE 12"));
}

TEST(DiffBodiesTest, DoesNotElideASingleLine) {
  EXPECT_THAT(Show(DiffBodies("a\nb\nc\nd\n", "a\nb\nc\nX\n",
                              DiffOptions{.context = 2})),
              ElementsAre("  a", "  b", "  c", "- d", "+ X"));
}

TEST(DiffBodiesTest, ShowsInsertionsAndDeletions) {
  EXPECT_THAT(Show(DiffBodies("a\nb\nc\n", "a\nc\nd\n")),
              ElementsAre("  a", "- b", "  c", "+ d"));
}

TEST(DiffBodiesTest, CutsLongChangedLinesAroundTheirFirstDifference) {
  const std::string prefix(300, 'x');
  const std::string suffix(300, 'y');
  const std::vector<DiffLine> lines =
      DiffBodies(prefix + "EXPECTED" + suffix, prefix + "ACTUAL" + suffix,
                 DiffOptions{.max_line_bytes = 40});
  ASSERT_EQ(2u, lines.size());
  EXPECT_EQ(
      "..." + std::string(20, 'x') + "EXPECTED" + std::string(12, 'y') + "...",
      lines[0].text);
  EXPECT_EQ(
      "..." + std::string(20, 'x') + "ACTUAL" + std::string(14, 'y') + "...",
      lines[1].text);
}

TEST(DiffBodiesTest, ShowsBytesTheUnitsHideWhenOnlyThoseDiffer) {
  EXPECT_THAT(Show(DiffBodies("<a><b/></a>", "<a> <b/></a>")),
              ElementsAre("- <a><b/></a>", "+ <a> <b/></a>"));
  EXPECT_THAT(Show(DiffBodies("one", "one\n")),
              ElementsAre("- one", "+ one\n"));
}

TEST(DiffBodiesTest, FallsBackToRemovedThenAddedAboveTheCellBudget) {
  EXPECT_THAT(
      Show(DiffBodies("a\nb\nz\n", "c\nb\nz\n", DiffOptions{.max_cells = 1})),
      ElementsAre("- a", "+ c", "  b", "  z"));
  EXPECT_THAT(Show(DiffBodies("a\nb\n", "b\nc\n", DiffOptions{.max_cells = 1})),
              ElementsAre("- a", "- b", "+ b", "+ c"));
}

TEST(FirstDifferenceTest, FindsTheFirstDifferingByte) {
  EXPECT_EQ(2u, FirstDifference("abc", "abd"));
  EXPECT_EQ(3u, FirstDifference("abc", "abcd"));
  EXPECT_EQ(std::string_view::npos, FirstDifference("abc", "abc"));
}

}  // namespace
}  // namespace scalecheck::reports
