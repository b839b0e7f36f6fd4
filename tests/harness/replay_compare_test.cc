// tests/harness/replay_compare_test.cc
//
// The comparison of a target's response with the recorded one, without
// sockets.
#include "harness/replay_compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scalecheck::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr const char* kXml = "application/vnd.3scale-v2.0+xml";

HttpResponse Xml(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.reason = status == 200 ? "OK" : "Conflict";
  response.headers = {{"content-type", kXml},
                      {"access-control-allow-origin", "*"},
                      {"x-content-type-options", "nosniff"},
                      {"content-length", std::to_string(body.size())}};
  response.framing = Framing::kContentLength;
  response.body = std::move(body);
  return response;
}

std::vector<DifferenceKind> Kinds(const std::vector<Difference>& differences) {
  std::vector<DifferenceKind> kinds;
  for (const Difference& d : differences) kinds.push_back(d.kind);
  return kinds;
}

class CompareResponseTest : public ::testing::Test {
 protected:
  std::vector<Difference> Compare(const HttpResponse& expected,
                                  const HttpResponse& actual) {
    return CompareResponse(expected, actual, rules_, options_);
  }

  UnorderedRules rules_;
  CompareOptions options_;
};

TEST_F(CompareResponseTest, FindsNothingInIdenticalResponses) {
  const HttpResponse r = Xml(200, "<status/>");
  EXPECT_THAT(Compare(r, r), IsEmpty());
}

TEST_F(CompareResponseTest, ReportsAStatusDifference) {
  const std::vector<Difference> d = Compare(Xml(409, "<a/>"), Xml(200, "<a/>"));
  ASSERT_THAT(d, SizeIs(1));
  EXPECT_EQ(d[0].kind, DifferenceKind::kStatus);
  EXPECT_EQ(d[0].Summary(), "status 200, expected 409");
}

TEST_F(CompareResponseTest, ComparesTheContractHeadersOnly) {
  struct Case {
    std::string label;
    HeaderList actual_extra;  // Added to the actual response.
    std::string removed;      // Removed from the actual response.
    std::string summary;      // "" when no difference is expected.
  };
  const Case cases[] = {
      {"rejection reason added",
       {{"3scale-rejection-reason", "limits_exceeded"}},
       "",
       "header 3scale-rejection-reason \"limits_exceeded\", expected (absent)"},
      {"content-type missing",
       {},
       "content-type",
       "header content-type (absent), expected "
       "\"application/vnd.3scale-v2.0+xml\""},
      {"cors missing",
       {},
       "access-control-allow-origin",
       "header access-control-allow-origin (absent), expected \"*\""},
      {"repeated header",
       {{"x-content-type-options", "nosniff"}},
       "",
       "header x-content-type-options \"nosniff, nosniff\", expected "
       "\"nosniff\""},
      {"date is not compared",
       {{"date", "Sun, 22 Nov 2026 02:05:22 GMT"}},
       "",
       ""},
      {"server is not compared", {{"server", "puma"}}, "", ""},
      {"connection is not compared", {}, "content-length", ""},
  };
  for (const Case& c : cases) {
    const HttpResponse expected = Xml(200, "<a/>");
    HttpResponse actual = expected;
    std::erase_if(actual.headers,
                  [&c](const auto& field) { return field.first == c.removed; });
    actual.headers.insert(actual.headers.end(), c.actual_extra.begin(),
                          c.actual_extra.end());
    const std::vector<Difference> d = Compare(expected, actual);
    if (c.summary.empty()) {
      EXPECT_THAT(d, IsEmpty()) << c.label;
      continue;
    }
    ASSERT_THAT(d, SizeIs(1)) << c.label;
    EXPECT_EQ(d[0].kind, DifferenceKind::kHeader) << c.label;
    EXPECT_EQ(d[0].Summary(), c.summary) << c.label;
  }
}

TEST_F(CompareResponseTest, ComparesLimitHeadersByExactValue) {
  HttpResponse expected = Xml(200, "<a/>");
  expected.headers.emplace_back("3scale-limit-reset", "60");
  HttpResponse actual = Xml(200, "<a/>");
  actual.headers.emplace_back("3scale-limit-reset", "59");
  const std::vector<Difference> d = Compare(expected, actual);
  ASSERT_THAT(d, SizeIs(1));
  EXPECT_EQ(d[0].name, "3scale-limit-reset");
  EXPECT_EQ(d[0].expected, "60");
  EXPECT_EQ(d[0].actual, "59");

  options_.compare_headers = false;
  EXPECT_THAT(Compare(expected, actual), IsEmpty());
}

TEST_F(CompareResponseTest, ComparesFramingUnlessTurnedOff) {
  const HttpResponse expected = Xml(403, "<error/>");
  HttpResponse actual = expected;
  actual.framing = Framing::kChunked;
  const std::vector<Difference> d = Compare(expected, actual);
  ASSERT_THAT(d, SizeIs(1));
  EXPECT_EQ(d[0].Summary(), "framing chunked, expected content-length");
  EXPECT_TRUE(OnlyFramingDiffers(d));

  options_.compare_framing = false;
  EXPECT_THAT(Compare(expected, actual), IsEmpty());
  options_.strict_transport = true;  // Implies framing.
  EXPECT_THAT(Kinds(Compare(expected, actual)),
              ElementsAre(DifferenceKind::kFraming));
}

TEST_F(CompareResponseTest, StrictTransportAlsoComparesReasonAndInterim) {
  HttpResponse expected = Xml(200, "");
  expected.interim = {"HTTP/1.1 100 Continue"};
  HttpResponse actual = Xml(200, "");
  actual.reason = "Okay";
  EXPECT_THAT(Compare(expected, actual), IsEmpty());

  options_.strict_transport = true;
  const std::vector<Difference> d = Compare(expected, actual);
  EXPECT_THAT(Kinds(d),
              ElementsAre(DifferenceKind::kReason, DifferenceKind::kInterim));
  EXPECT_EQ(d[0].Summary(), "reason \"Okay\", expected \"OK\"");
  EXPECT_EQ(d[1].Summary(),
            "interim responses [], expected [\"HTTP/1.1 100 Continue\"]");
  EXPECT_FALSE(OnlyFramingDiffers(d));
}

TEST_F(CompareResponseTest, StatusOnlyIgnoresEverythingElse) {
  HttpResponse expected;
  expected.status = 500;
  expected.headers = {{"content-length", "70"}};
  expected.body = "(a development-mode backtrace of apisonator)";
  HttpResponse actual = Xml(500, "<error>internal</error>");
  actual.framing = Framing::kChunked;
  options_.status_only = true;
  EXPECT_THAT(Compare(expected, actual), IsEmpty());
  actual.status = 400;
  EXPECT_THAT(Kinds(Compare(expected, actual)),
              ElementsAre(DifferenceKind::kStatus));
}

TEST_F(CompareResponseTest, PointsAtTheFirstDifferingBodyByte) {
  const std::string prefix =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><status><authorized>";
  const std::vector<Difference> d =
      Compare(Xml(200, prefix + "false</authorized></status>"),
              Xml(200, prefix + "true</authorized></status>"));
  ASSERT_THAT(d, SizeIs(1));  // content-length is not compared; the body is.
  EXPECT_EQ(d[0].kind, DifferenceKind::kBody);
  EXPECT_EQ(d[0].offset, prefix.size());
  EXPECT_EQ(d[0].Summary(),
            "body differs at byte " + std::to_string(prefix.size()));
  EXPECT_THAT(*d[0].expected, HasSubstr("<authorized>false</authorized>"));
  EXPECT_THAT(*d[0].actual, HasSubstr("<authorized>true</authorized>"));
  EXPECT_EQ(d[0].expected_size, prefix.size() + 27);
  EXPECT_EQ(d[0].actual_size, prefix.size() + 26);
}

TEST_F(CompareResponseTest, ComparesUsageReportsAsAMultisetInUnorderedCases) {
  const std::string a =
      R"(<usage_report metric="alpha" period="day"><max_value>10</max_value></usage_report>)";
  const std::string b =
      R"(<usage_report metric="bravo" period="day"><max_value>20</max_value></usage_report>)";
  const HttpResponse expected =
      Xml(200, "<status><usage_reports>" + a + b + "</usage_reports></status>");
  const HttpResponse reordered =
      Xml(200, "<status><usage_reports>" + b + a + "</usage_reports></status>");
  EXPECT_THAT(Kinds(Compare(expected, reordered)),
              ElementsAre(DifferenceKind::kBody));

  rules_.enabled = true;
  EXPECT_THAT(Compare(expected, reordered), IsEmpty());
  const HttpResponse duplicated =
      Xml(200, "<status><usage_reports>" + a + a + "</usage_reports></status>");
  const std::vector<Difference> d = Compare(expected, duplicated);
  ASSERT_THAT(Kinds(d), ElementsAre(DifferenceKind::kBody));
  EXPECT_TRUE(d[0].normalized);
}

TEST_F(CompareResponseTest, ComparesAppKeysAsAMultisetInUnorderedCases) {
  const HttpResponse expected = Xml(
      200,
      R"(<status><app_keys app="a1" svc="1"><key id="k1"/><key id="k3"/><key id="k2"/></app_keys></status>)");
  const HttpResponse reordered = Xml(
      200,
      R"(<status><app_keys app="a1" svc="1"><key id="k2"/><key id="k1"/><key id="k3"/></app_keys></status>)");
  const HttpResponse missing = Xml(
      200,
      R"(<status><app_keys app="a1" svc="1"><key id="k2"/><key id="k1"/></app_keys></status>)");
  rules_.enabled = true;
  EXPECT_THAT(Compare(expected, reordered), IsEmpty());
  EXPECT_THAT(Kinds(Compare(expected, missing)),
              ElementsAre(DifferenceKind::kBody));
}

TEST_F(CompareResponseTest, AcceptsAnyMemberAsTheApplicationKey) {
  auto body = [](const std::string& key) {
    return "<status><authorized>true</authorized><application><id>a1</"
           "id><key>" +
           key +
           "</key><redirect_url>http://x/cb</redirect_url></application></"
           "status>";
  };
  rules_.enabled = true;
  rules_.app_keys = {"kb", "ka"};
  EXPECT_THAT(Compare(Xml(200, body("ka")), Xml(200, body("kb"))), IsEmpty());
  EXPECT_THAT(Kinds(Compare(Xml(200, body("ka")), Xml(200, body("zz")))),
              ElementsAre(DifferenceKind::kBody));
  rules_.enabled = false;
  EXPECT_THAT(Kinds(Compare(Xml(200, body("ka")), Xml(200, body("kb")))),
              ElementsAre(DifferenceKind::kBody));
}

TEST_F(CompareResponseTest, ComparesJsonArraysAsMultisetsInUnorderedCases) {
  HttpResponse expected;
  expected.status = 200;
  expected.body =
      R"({"status":"found","application_keys":[{"app_id":"a1","value":"k1"},{"app_id":"a1","value":"k2"}]})";
  HttpResponse actual = expected;
  actual.body =
      R"({"status":"found","application_keys":[{"app_id":"a1","value":"k2"},{"app_id":"a1","value":"k1"}]})";
  EXPECT_THAT(Kinds(Compare(expected, actual)),
              ElementsAre(DifferenceKind::kBody));
  rules_.enabled = true;
  EXPECT_THAT(Compare(expected, actual), IsEmpty());
  // Object member order still matters: it is not a Redis set.
  actual.body =
      R"({"application_keys":[{"app_id":"a1","value":"k2"},{"app_id":"a1","value":"k1"}],"status":"found"})";
  EXPECT_THAT(Kinds(Compare(expected, actual)),
              ElementsAre(DifferenceKind::kBody));
}

TEST(NormalizeUnorderedTest, CanonicalizesOnlyWhatItUnderstands) {
  UnorderedRules on;
  on.enabled = true;
  struct Case {
    std::string body;
    std::string normalized;
  };
  const Case cases[] = {
      {"plain text", "plain text"},
      {"", ""},
      {R"({"a":[3,1,2]})", R"({"a":[1,2,3]})"},
      {R"( [ "b" , "a" ] )", R"(["a","b"])"},
      {R"({"a":[1,2)", R"({"a":[1,2)"},  // Not JSON: unchanged.
      {R"({"s":"x\"]"})", R"({"s":"x\"]"})"},
      {"<r><usage_reports><usage_report b/><usage_report "
       "a/></usage_reports></r>",
       "<r><usage_reports><usage_report a/><usage_report "
       "b/></usage_reports></r>"},
      // Something other than the expected children: left alone.
      {"<usage_reports><x/><usage_report b/><usage_report a/></usage_reports>",
       "<usage_reports><x/><usage_report b/><usage_report a/></usage_reports>"},
      {"<app_keys/><app_keys a=\"1\"><key id=\"2\"/> <key "
       "id=\"1\"/></app_keys>",
       "<app_keys/><app_keys a=\"1\"><key id=\"1\"/> <key "
       "id=\"2\"/></app_keys>"},
      {"<application><key>k</key></application>",
       "<application><key>{any application key}</key></application>"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizeUnordered(c.body, on), c.normalized) << c.body;
  }
  EXPECT_EQ(NormalizeUnordered(R"([2,1])", UnorderedRules{}), "[2,1]");
}

TEST(FirstDifferenceTest, FindsTheFirstDifferingByte) {
  EXPECT_EQ(FirstDifference("abc", "abc"), std::string_view::npos);
  EXPECT_EQ(FirstDifference("abc", "abd"), 2u);
  EXPECT_EQ(FirstDifference("abc", "ab"), 2u);
  EXPECT_EQ(FirstDifference("", "x"), 0u);
}

TEST(ExcerptTest, ShowsContextAroundTheOffsetEscaped) {
  const std::string text(100, 'a');
  EXPECT_EQ(Excerpt(text, 50, 10), "..." + std::string(10, 'a') + "...");
  EXPECT_EQ(Excerpt("ab\r\n\xff", 0), "ab\\r\\n\\xff");
  EXPECT_EQ(Excerpt("", 0), "(empty)");
  EXPECT_EQ(Excerpt("abc", 3), "abc");
  EXPECT_EQ(Printable(std::string(5, 'x'), 3), "xxx... (5 bytes)");
}

TEST(FormatDifferencesTest, WritesTheStatusHeadersAndBodyExcerpts) {
  HttpResponse expected =
      Xml(409, "<status><authorized>false</authorized></status>");
  expected.headers.emplace_back("3scale-rejection-reason", "limits_exceeded");
  HttpResponse actual =
      Xml(200, "<status><authorized>true</authorized></status>");
  actual.framing = Framing::kChunked;
  const std::vector<Difference> d =
      CompareResponse(expected, actual, UnorderedRules{}, CompareOptions{});
  EXPECT_EQ(FormatDifferences(expected, actual, d),
            "  status: expected 409 Conflict, got 200 OK\n"
            "  header 3scale-rejection-reason: expected \"limits_exceeded\", "
            "got (absent)\n"
            "  framing: expected content-length, got chunked\n"
            "  body: differs at byte 20 (expected 47 bytes, got 46)\n"
            "    expected: <status><authorized>false</authorized></status>\n"
            "    actual:   <status><authorized>true</authorized></status>\n");
}

TEST(UnorderedRulesForTest, FollowsTheCase) {
  Case recording;
  recording.app_keys = {"k1"};
  EXPECT_FALSE(UnorderedRulesFor(recording).enabled);
  recording.unordered = {"usage_reports across metrics"};
  const UnorderedRules rules = UnorderedRulesFor(recording);
  EXPECT_TRUE(rules.enabled);
  EXPECT_THAT(rules.app_keys, ElementsAre("k1"));
}

}  // namespace
}  // namespace scalecheck::harness
