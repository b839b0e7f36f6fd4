// tests/reports/presentation_test.cc
//
// Verdict labels and the choice between a one-line difference and a diff.
#include "reports/presentation.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace scalecheck::reports {
namespace {

TEST(PresentationTest, LabelsEveryVerdict) {
  EXPECT_STREQ("PASS", VerdictLabel(Verdict::kPass));
  EXPECT_STREQ("FAIL", VerdictLabel(Verdict::kFail));
  EXPECT_STREQ("SKIP", VerdictLabel(Verdict::kSkip));
  EXPECT_STREQ("ERROR", VerdictLabel(Verdict::kError));
  EXPECT_STREQ("KNOWN", VerdictLabel(Verdict::kKnownDeviation));
}

TEST(PresentationTest, CountsFailuresAndErrorsAsFailing) {
  EXPECT_TRUE(IsFailure(Verdict::kFail));
  EXPECT_TRUE(IsFailure(Verdict::kError));
  EXPECT_FALSE(IsFailure(Verdict::kPass));
  EXPECT_FALSE(IsFailure(Verdict::kSkip));
  EXPECT_FALSE(IsFailure(Verdict::kKnownDeviation));
}

TEST(PresentationTest, ShowsShortValuesOnOneLine) {
  StepReport step;
  EXPECT_FALSE(DiffSidesOf(step, {"status", "409", "200", "model"}));
}

TEST(PresentationTest, DiffsBodiesAndLongOrMultilineValues) {
  StepReport step;
  const Difference body{"body", "<a/>", "<b/>", "model"};
  const std::optional<DiffSides> sides = DiffSidesOf(step, body);
  ASSERT_TRUE(sides);
  EXPECT_EQ("<a/>", sides->expected);
  EXPECT_EQ("<b/>", sides->actual);
  EXPECT_TRUE(DiffSidesOf(step, {"reason", std::string(81, 'x'), "", ""}));
  EXPECT_TRUE(DiffSidesOf(step, {"error log", "a\nb", "a", ""}));
}

TEST(PresentationTest, TakesTheStepsBodiesForABodyDifferenceWithoutValues) {
  StepReport step;
  step.expected_body = "<expected/>";
  step.exchange.response_body = "<actual/>";
  const Difference body{"body", "", "", "model"};
  const std::optional<DiffSides> sides = DiffSidesOf(step, body);
  ASSERT_TRUE(sides);
  EXPECT_EQ("<expected/>", sides->expected);
  EXPECT_EQ("<actual/>", sides->actual);
}

}  // namespace
}  // namespace scalecheck::reports
