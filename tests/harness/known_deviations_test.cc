// tests/harness/known_deviations_test.cc
//
// The known-deviation manifest: what it accepts, each error with its
// file:line:col, and how it turns a case's verdict. Pure.
#include "harness/known_deviations.h"

#include <gtest/gtest.h>

#include <string>

namespace scalecheck::harness {
namespace {

TEST(KnownDeviationsTest, ReadsEachCaseWithItsReason) {
  core::Result<KnownDeviations> manifest =
      KnownDeviations::Parse(R"(
# The npm client.
[[deviation]]
case = "clients/report_service_token"
reason = "puts the token inside each transaction"

[[deviation]]
case = "clients/report_error_no_callback"
reason = """
never calls back on a 400"""
)",
                             "deviations.toml");
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  EXPECT_EQ(manifest.value().size(), 2u);
  ASSERT_NE(manifest.value().Find("clients/report_service_token"), nullptr);
  EXPECT_EQ(*manifest.value().Find("clients/report_service_token"),
            "puts the token inside each transaction");
  EXPECT_EQ(*manifest.value().Find("clients/report_error_no_callback"),
            "never calls back on a 400");
  EXPECT_EQ(manifest.value().Find("clients/authorize"), nullptr);
}

TEST(KnownDeviationsTest, AnEmptyFileKnowsNothing) {
  core::Result<KnownDeviations> manifest = KnownDeviations::Parse("", "d.toml");
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  EXPECT_TRUE(manifest.value().empty());
}

TEST(KnownDeviationsTest, SaysWhereAManifestIsWrong) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"[[deviations]]\ncase = \"a\"\nreason = \"r\"\n",
       "d.toml:1:3: unknown key 'deviations' (a manifest has only "
       "[[deviation]] entries)"},
      {"deviation = \"a\"\n",
       "d.toml:1:13: 'deviation' must be [[deviation]] tables with case and "
       "reason"},
      {"[[deviation]]\ncase = \"a\"\nreason = \"r\"\nwhy = \"x\"\n",
       "d.toml:4:1: unknown key 'why' in deviation (known: case, reason)"},
      {"[[deviation]]\ncase = \"a\"\n", "d.toml:1:1: deviation needs a reason"},
      {"[[deviation]]\nreason = \"r\"\n",
       "d.toml:1:1: deviation needs a case id"},
      {"[[deviation]]\ncase = \"\"\nreason = \"r\"\n",
       "d.toml:2:8: 'case' must be a non-empty string"},
      {"[[deviation]]\ncase = \"a\"\nreason = 1\n",
       "d.toml:3:10: 'reason' must be a non-empty string"},
      {"[[deviation]]\ncase = \"a\"\nreason = \"r\"\n[[deviation]]\ncase = "
       "\"a\"\n"
       "reason = \"s\"\n",
       "d.toml:5:8: case 'a' is listed twice"},
  };
  for (const Case& c : cases) {
    core::Result<KnownDeviations> manifest =
        KnownDeviations::Parse(c.text, "d.toml");
    ASSERT_FALSE(manifest.ok()) << c.text;
    EXPECT_EQ(manifest.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_EQ(manifest.status().message(), c.error) << c.text;
  }
  core::Result<KnownDeviations> syntax =
      KnownDeviations::Parse("[[deviation]\n", "d.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().message().rfind("d.toml:1:", 0), 0u)
      << syntax.status().message();
}

TEST(KnownDeviationsTest, SaysWhenTheFileCannotBeRead) {
  core::Result<KnownDeviations> manifest =
      KnownDeviations::Load("/nonexistent/scalecheck/deviations.toml");
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(manifest.status().message(),
            "/nonexistent/scalecheck/deviations.toml: cannot read");
}

TEST(KnownDeviationsTest, TurnsAListedFailureIntoAKnownDeviation) {
  const KnownDeviations manifest =
      KnownDeviations::Parse(
          "[[deviation]]\ncase = \"c/x\"\nreason = \"throws on 5xx\"\n",
          "d.toml")
          .value();
  reports::CaseReport failed;
  failed.id = "c/x";
  failed.verdict = reports::Verdict::kFail;
  failed.message =
      "step 1 (t.toml:3:1): client result: expected http_status 500, got "
      "exception";
  manifest.Apply(failed);
  EXPECT_EQ(failed.verdict, reports::Verdict::kKnownDeviation);
  EXPECT_EQ(failed.message,
            "throws on 5xx (seen: step 1 (t.toml:3:1): client result: expected "
            "http_status "
            "500, got exception)");

  reports::CaseReport passed;
  passed.id = "c/x";
  manifest.Apply(passed);
  EXPECT_EQ(passed.verdict, reports::Verdict::kFail);
  EXPECT_EQ(passed.message,
            "known deviation no longer happens: remove it from the manifest");

  for (reports::Verdict verdict :
       {reports::Verdict::kSkip, reports::Verdict::kError}) {
    reports::CaseReport other;
    other.id = "c/x";
    other.verdict = verdict;
    other.message = "why";
    manifest.Apply(other);
    EXPECT_EQ(other.verdict, verdict);
    EXPECT_EQ(other.message, "why");
  }

  reports::CaseReport unlisted;
  unlisted.id = "c/y";
  unlisted.verdict = reports::Verdict::kFail;
  manifest.Apply(unlisted);
  EXPECT_EQ(unlisted.verdict, reports::Verdict::kFail);
}

}  // namespace
}  // namespace scalecheck::harness
