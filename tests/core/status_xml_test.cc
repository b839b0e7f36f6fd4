// tests/core/status_xml_test.cc: the <status> and <error> documents, byte
// for byte (spec 3.1-3.4, golden oauth/* and extensions/*).
#include "core/status_xml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/utc_time.h"

namespace scalecheck::core {
namespace {

using test::Utc;

constexpr char kDeclaration[] = R"(<?xml version="1.0" encoding="UTF-8"?>)";

class StatusXmlTest : public testing::Test {
 protected:
  // A usage report for the period instance containing now_.
  UsageReport Report(const std::string& metric, Period period,
                     int64_t max_value, int64_t current_value,
                     bool exceeded = false) const {
    UsageReport r;
    r.metric_name = metric;
    r.period = period;
    r.period_start = PeriodStart(period, now_);
    r.period_end = PeriodEnd(period, now_);
    r.max_value = max_value;
    r.current_value = current_value;
    r.exceeded = exceeded;
    return r;
  }

  // The reports of spec 3.1's [verified] examples: hits has eternity, month
  // and day limits (the day one exceeded), its child search week and minute.
  std::vector<UsageReport> SpecReports() const {
    return {Report("hits", Period::kEternity, 1000, 51),
            Report("hits", Period::kMonth, 100, 21),
            Report("hits", Period::kDay, 10, 12, /*exceeded=*/true),
            Report("search", Period::kWeek, 5, 5),
            Report("search", Period::kMinute, 3, 1)};
  }

  // The documents' shared "<usage_reports>...</usage_reports>" text.
  static constexpr char kSpecReportsXml[] =
      R"(<usage_reports>)"
      R"(<usage_report metric="hits" period="eternity"><max_value>1000</max_value><current_value>51</current_value></usage_report>)"
      R"(<usage_report metric="hits" period="month"><period_start>2024-02-01 00:00:00 +0000</period_start><period_end>2024-03-01 00:00:00 +0000</period_end><max_value>100</max_value><current_value>21</current_value></usage_report>)"
      R"(<usage_report metric="hits" period="day" exceeded="true"><period_start>2024-02-29 00:00:00 +0000</period_start><period_end>2024-03-01 00:00:00 +0000</period_end><max_value>10</max_value><current_value>12</current_value></usage_report>)"
      R"(<usage_report metric="search" period="week"><period_start>2024-02-26 00:00:00 +0000</period_start><period_end>2024-03-04 00:00:00 +0000</period_end><max_value>5</max_value><current_value>5</current_value></usage_report>)"
      R"(<usage_report metric="search" period="minute"><period_start>2024-02-29 13:45:00 +0000</period_start><period_end>2024-02-29 13:46:00 +0000</period_end><max_value>3</max_value><current_value>1</current_value></usage_report>)"
      R"(</usage_reports>)";

  // A plain authorized status with plan "Basic" and nothing else.
  static StatusDocument Basic() {
    StatusDocument s;
    s.plan_name = "Basic";
    return s;
  }

  // Time of spec 3.1's examples.
  const UtcTime now_ = Utc(2024, 2, 29, 13, 45, 12);
};

TEST_F(StatusXmlTest,
       Spec3_1_AuthorizedExampleWithHierarchyAndAppKeysIsByteExact) {
  StatusDocument s;
  s.authorized = true;
  s.plan_name = "Pro & <Co>";
  s.usage_reports = SpecReports();
  s.app_keys = AppKeysSection{"app1", "s1", {"k1", "k2"}};
  const std::vector<std::string> hits_children = {"search", "list"};
  s.hierarchy = std::vector<HierarchyEntry>{{"hits", hits_children},
                                            {"hits", hits_children},
                                            {"hits", hits_children},
                                            {"search", {}},
                                            {"search", {}}};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><status><authorized>true</authorized><plan>Pro &amp; &lt;Co&gt;</plan><usage_reports><usage_report metric="hits" period="eternity"><max_value>1000</max_value><current_value>51</current_value></usage_report><usage_report metric="hits" period="month"><period_start>2024-02-01 00:00:00 +0000</period_start><period_end>2024-03-01 00:00:00 +0000</period_end><max_value>100</max_value><current_value>21</current_value></usage_report><usage_report metric="hits" period="day" exceeded="true"><period_start>2024-02-29 00:00:00 +0000</period_start><period_end>2024-03-01 00:00:00 +0000</period_end><max_value>10</max_value><current_value>12</current_value></usage_report><usage_report metric="search" period="week"><period_start>2024-02-26 00:00:00 +0000</period_start><period_end>2024-03-04 00:00:00 +0000</period_end><max_value>5</max_value><current_value>5</current_value></usage_report><usage_report metric="search" period="minute"><period_start>2024-02-29 13:45:00 +0000</period_start><period_end>2024-02-29 13:46:00 +0000</period_end><max_value>3</max_value><current_value>1</current_value></usage_report></usage_reports><app_keys app="app1" svc="s1"><key id="k1"/><key id="k2"/></app_keys><hierarchy><metric name="hits" children="search list"/><metric name="hits" children="search list"/><metric name="hits" children="search list"/><metric name="search" children=""/><metric name="search" children=""/></hierarchy></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest,
       Spec3_1_DeniedOauthExampleIsByteExactButForTheRawRedirectUrl) {
  StatusDocument s;
  s.authorized = false;
  s.reason = "usage limits are exceeded";
  s.application =
      OauthApplicationSection{"app1", "k1", "http://x.com/?a=1&b=2"};
  s.plan_name = "Pro & <Co>";
  s.usage_reports = SpecReports();

  // Spec 3.1 prints "...same reports with stored values..." for the reports
  // and escapes the URL as "http://x.com/?a=1&amp;b=2"; apisonator 3.4.3
  // inserts it raw (golden "Surprises" 12, oauth/redirect_url_escaping), and
  // the golden corpus wins.
  EXPECT_EQ(std::string(kDeclaration) +
                "<status><authorized>false</authorized><reason>usage limits "
                "are exceeded</reason><application><id>app1</id><key>k1</"
                "key><redirect_url>http://x.com/?a=1&b=2</redirect_url></"
                "application><plan>Pro &amp; &lt;Co&gt;</plan>" +
                kSpecReportsXml + "</status>",
            RenderStatus(s));
}

TEST_F(StatusXmlTest, Spec3_4_ErrorExampleIsByteExact) {
  const BackendError error{"application_not_found",
                           "application with id=\"boo\" was not found", 404};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><error code="application_not_found">application with id="boo" was not found</error>)",
      RenderError(error));
}

TEST_F(StatusXmlTest, Spec3_4_ErrorTextEscapesAmpersandAndAngleBracketsOnly) {
  const BackendError error{"metric_invalid", "metric \"<a&b>'\" is invalid",
                           404};

  EXPECT_EQ(
      std::string(kDeclaration) +
          R"(<error code="metric_invalid">metric "&lt;a&amp;b&gt;'" is invalid</error>)",
      RenderError(error));
}

TEST_F(StatusXmlTest, Spec3_1_AMinimalAuthorizationIsJustAuthorizedAndPlan) {
  // golden authorize/basic_no_limits.
  EXPECT_EQ(
      std::string(kDeclaration) +
          "<status><authorized>true</authorized><plan>Basic</plan></status>",
      RenderStatus(Basic()));
}

TEST_F(StatusXmlTest, Spec3_1_NoUsageReportsElementWhenThereAreNone) {
  StatusDocument s = Basic();
  s.authorized = false;
  s.reason = "application is not active";

  const std::string xml = RenderStatus(s);

  EXPECT_EQ(std::string::npos, xml.find("usage_report")) << xml;
  EXPECT_EQ(std::string(kDeclaration) +
                "<status><authorized>false</authorized><reason>application is "
                "not active</reason><plan>Basic</plan></status>",
            xml);
}

TEST_F(StatusXmlTest, Spec5_13_PlanNameIsEscapedAndMayBeEmpty) {
  const struct {
    const char* plan;
    const char* want;
  } cases[] = {
      {"Pro & <Co>", "<plan>Pro &amp; &lt;Co&gt;</plan>"},
      {"\"quoted\" 'plan'", "<plan>\"quoted\" 'plan'</plan>"},
      {"a&amp;b", "<plan>a&amp;amp;b</plan>"},
      {"", "<plan></plan>"},
  };
  for (const auto& c : cases) {
    StatusDocument s;
    s.plan_name = c.plan;
    EXPECT_EQ(std::string(kDeclaration) +
                  "<status><authorized>true</authorized>" + c.want +
                  "</status>",
              RenderStatus(s))
        << c.plan;
  }
}

TEST_F(StatusXmlTest, Spec3_1_ReasonMetricNamesIdsAndKeysAreRaw) {
  StatusDocument s = Basic();
  s.authorized = false;
  s.reason = R"(redirect_url "<x>" is invalid)";  // golden oauth/*.
  s.usage_reports = {Report("a&b", Period::kEternity, 5, 1)};
  s.app_keys = AppKeysSection{"a<1>", "s&1", {"k\"1"}};
  s.hierarchy = std::vector<HierarchyEntry>{{"a&b", {"<c>"}}};

  EXPECT_EQ(
      std::string(kDeclaration) +
          R"(<status><authorized>false</authorized><reason>redirect_url "<x>" is invalid</reason><plan>Basic</plan>)"
          R"(<usage_reports><usage_report metric="a&b" period="eternity"><max_value>5</max_value><current_value>1</current_value></usage_report></usage_reports>)"
          R"(<app_keys app="a<1>" svc="s&1"><key id="k"1"/></app_keys>)"
          R"(<hierarchy><metric name="a&b" children="<c>"/></hierarchy></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest, Golden12_RedirectUrlIsRawAndRedirectUriNamesTheElement) {
  // golden oauth/redirect_url_escaping, its last step byte for byte.
  StatusDocument s = Basic();
  s.authorized = false;
  s.reason = R"(redirect_uri "<x>" is invalid)";
  s.application = OauthApplicationSection{"a1", "k1", "http://x.com/?a=1&b=2",
                                          /*named_redirect_uri=*/true};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><status><authorized>false</authorized><reason>redirect_uri "<x>" is invalid</reason><application><id>a1</id><key>k1</key><redirect_uri>http://x.com/?a=1&b=2</redirect_uri></application><plan>Basic</plan></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest, Spec3_2_TheApplicationSectionGoesBetweenReasonAndPlan) {
  // golden oauth/redirect_url_escaping, its first step byte for byte.
  StatusDocument s = Basic();
  s.application = OauthApplicationSection{"a1", "k1", "http://x.com/?a=1&b=2"};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><status><authorized>true</authorized><application><id>a1</id><key>k1</key><redirect_url>http://x.com/?a=1&b=2</redirect_url></application><plan>Basic</plan></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest, Golden13_NoKeyAndNoRedirectUrlGiveEmptyElements) {
  // The 409 "oauth is not enabled" of golden clients/*.
  StatusDocument s = Basic();
  s.authorized = false;
  s.reason = "oauth is not enabled";
  s.application = OauthApplicationSection{"a1", "", ""};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><status><authorized>false</authorized><reason>oauth is not enabled</reason><application><id>a1</id><key></key><redirect_url></redirect_url></application><plan>Basic</plan></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest, Spec3_3_HierarchyWithoutUsageReportsIsAnEmptyElement) {
  // golden extensions/hierarchy_no_reports.
  StatusDocument s = Basic();
  s.hierarchy = std::vector<HierarchyEntry>{};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><status><authorized>true</authorized><plan>Basic</plan><hierarchy></hierarchy></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest,
       Spec3_3_AppKeysWithoutKeysIsAnEmptyElementBeforeTheHierarchy) {
  // golden extensions/hierarchy_no_reports with list_app_keys=1.
  StatusDocument s = Basic();
  s.app_keys = AppKeysSection{"a1", "6624491", {}};
  s.hierarchy = std::vector<HierarchyEntry>{};

  EXPECT_EQ(
      R"(<?xml version="1.0" encoding="UTF-8"?><status><authorized>true</authorized><plan>Basic</plan><app_keys app="a1" svc="6624491"></app_keys><hierarchy></hierarchy></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest, Spec3_3_HierarchyChildrenAreSpaceSeparated) {
  StatusDocument s = Basic();
  s.hierarchy =
      std::vector<HierarchyEntry>{{"hits", {"a", "b", "c"}}, {"leaf", {}}};

  const std::string xml = RenderStatus(s);

  EXPECT_NE(
      std::string::npos,
      xml.find(
          R"(<hierarchy><metric name="hits" children="a b c"/><metric name="leaf" children=""/></hierarchy>)"))
      << xml;
}

TEST_F(StatusXmlTest, Spec3_1_EternityHasNoPeriodStartOrEnd) {
  StatusDocument s = Basic();
  s.usage_reports = {Report("hits", Period::kEternity, 20, 2)};

  EXPECT_EQ(
      std::string(kDeclaration) +
          R"(<status><authorized>true</authorized><plan>Basic</plan><usage_reports><usage_report metric="hits" period="eternity"><max_value>20</max_value><current_value>2</current_value></usage_report></usage_reports></status>)",
      RenderStatus(s));
}

TEST_F(StatusXmlTest,
       Spec3_1_EveryOtherPeriodPrintsItsBoundsAndMaxBeforeCurrent) {
  const struct {
    Period period;
    const char* bounds;
  } cases[] = {
      {Period::kYear,
       "<period_start>2024-01-01 00:00:00 "
       "+0000</period_start><period_end>2025-01-01 00:00:00 "
       "+0000</period_end>"},
      {Period::kHour,
       "<period_start>2024-02-29 13:00:00 "
       "+0000</period_start><period_end>2024-02-29 14:00:00 "
       "+0000</period_end>"},
  };
  for (const auto& c : cases) {
    StatusDocument s = Basic();
    s.usage_reports = {Report("hits", c.period, 7, 3)};
    EXPECT_EQ(std::string(kDeclaration) +
                  "<status><authorized>true</authorized><plan>Basic</plan>"
                  "<usage_reports><usage_report metric=\"hits\" period=\"" +
                  std::string(ToString(c.period)) + "\">" + c.bounds +
                  "<max_value>7</max_value><current_value>3</current_value>"
                  "</usage_report></usage_reports></status>",
              RenderStatus(s))
        << ToString(c.period);
  }
}

TEST_F(StatusXmlTest, Spec3_1_ExceededIsEitherAbsentOrExactlyTrue) {
  StatusDocument s = Basic();
  s.usage_reports = {Report("hits", Period::kEternity, 4, 5, true),
                     Report("hits", Period::kEternity, 4, 5, false)};

  const std::string xml = RenderStatus(s);

  EXPECT_NE(
      std::string::npos,
      xml.find(
          R"(<usage_report metric="hits" period="eternity" exceeded="true"><max_value>4</max_value><current_value>5</current_value></usage_report><usage_report metric="hits" period="eternity"><max_value>4)"))
      << xml;
}

TEST_F(StatusXmlTest, Spec3_1_ValuesPrintAsPlainIntegers) {
  StatusDocument s = Basic();
  s.usage_reports = {Report("hits", Period::kEternity, 0, 9223372036854775807)};

  EXPECT_NE(std::string::npos,
            RenderStatus(s).find("<max_value>0</max_value><current_value>"
                                 "9223372036854775807</current_value>"));
}

TEST_F(StatusXmlTest, Spec3_1_ElementsComeInTheFixedOrder) {
  StatusDocument s = Basic();
  s.authorized = false;
  s.reason = "r";
  s.application = OauthApplicationSection{"a1", "k1", ""};
  s.usage_reports = {Report("hits", Period::kEternity, 1, 0)};
  s.app_keys = AppKeysSection{"a1", "s1", {"k1"}};
  s.hierarchy = std::vector<HierarchyEntry>{{"hits", {}}};

  const std::string xml = RenderStatus(s);

  size_t at = 0;
  for (const char* tag :
       {"<?xml", "<status>", "<authorized>", "<reason>", "<application>",
        "<plan>", "<usage_reports>", "<app_keys", "<hierarchy>", "</status>"}) {
    const size_t found = xml.find(tag, at);
    ASSERT_NE(std::string::npos, found)
        << tag << " after " << at << " in " << xml;
    at = found;
  }
  EXPECT_EQ(xml.size(), at + std::string("</status>").size())
      << "nothing after </status>, not even a newline";
}

TEST_F(StatusXmlTest, EscapeXmlTextEscapesAsBuilderDoes) {
  const struct {
    const char* text;
    const char* want;
  } cases[] = {
      {"plain", "plain"},
      {"a & b", "a &amp; b"},
      {"<tag>", "&lt;tag&gt;"},
      {"\"q\" 'a'", "\"q\" 'a'"},
      {"&amp;", "&amp;amp;"},
      {"", ""},
      {"\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9"},  // UTF-8 passes through.
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, EscapeXmlText(c.text)) << c.text;
  }
}

}  // namespace
}  // namespace scalecheck::core
