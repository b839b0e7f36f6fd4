// tests/core/extensions_test.cc: the API extensions of a request (spec 1,
// 3.3, 3.6; golden extensions/no_body_header_values, no_body_url_forms and
// "Surprises" 4, 8, 16, 17): the 3scale-options header and the legacy
// no_body URL parameter.
#include "core/extensions.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scalecheck::core {
namespace {

class ExtensionsTest : public testing::Test {
 protected:
  // Resolves the extensions of an authorize request with `headers` and the
  // query string `query`, as the listener does. nullopt: a 500.
  static std::optional<Extensions> Resolve(HeaderList headers,
                                           const std::string& query = "") {
    HttpRequest request;
    request.method = "GET";
    request.target = "/transactions/authorize.xml?provider_key=pk&app_id=a1" +
                     (query.empty() ? "" : "&" + query);
    request.headers = std::move(headers);
    request.headers.insert(request.headers.begin(), {"Host", "su1.3scale.net"});
    ParsedParams params = ParseNestedQuery(request.query());
    EXPECT_TRUE(params.ok()) << query;
    return ResolveExtensions(request, params.params);
  }

  // The extensions of a request whose 3scale-options header is `options`.
  static Extensions WithOptions(const std::string& options,
                                const std::string& query = "") {
    std::optional<Extensions> ext =
        Resolve({{"3scale-options", options}}, query);
    if (!ext) {
      ADD_FAILURE() << "unparseable: '" << options << "'";
      return {};
    }
    return *ext;
  }

  static Extensions WithQuery(const std::string& query) {
    std::optional<Extensions> ext = Resolve({}, query);
    if (!ext) {
      ADD_FAILURE() << "unparseable query: '" << query << "'";
      return {};
    }
    return *ext;
  }

  // Which flags are on, e.g. "no_body limit_headers"; "" when none.
  static std::string Flags(const Extensions& e) {
    std::string out;
    const std::pair<bool, const char*> flags[] = {
        {e.no_body, "no_body"},
        {e.rejection_reason_header, "rejection_reason_header"},
        {e.limit_headers, "limit_headers"},
        {e.hierarchy, "hierarchy"},
        {e.flat_usage, "flat_usage"},
        {e.list_app_keys, "list_app_keys"}};
    for (const auto& [on, name] : flags) {
      if (!on) continue;
      if (!out.empty()) out += ' ';
      out += name;
    }
    return out;
  }
};

TEST_F(ExtensionsTest, Spec1_WithoutHeaderOrUrlParameterNothingIsOn) {
  const std::optional<Extensions> ext = Resolve({});

  ASSERT_TRUE(ext.has_value());
  EXPECT_EQ("", Flags(*ext));
  EXPECT_EQ("{}", ext->json);
}

TEST_F(ExtensionsTest, Spec1_EveryOptionIsReadFromTheHeader) {
  EXPECT_EQ(
      "no_body rejection_reason_header limit_headers hierarchy flat_usage "
      "list_app_keys",
      Flags(WithOptions("no_body=1&rejection_reason_header=1&limit_headers=1&"
                        "hierarchy=1&flat_usage=1&list_app_keys=1")));
  EXPECT_EQ("limit_headers", Flags(WithOptions("limit_headers=1")));
  EXPECT_EQ("hierarchy list_app_keys",
            Flags(WithOptions("list_app_keys=1&hierarchy=1")));
}

TEST_F(ExtensionsTest, Spec1_FlagsOtherThanNoBodyNeedExactlyTheString1) {
  for (const char* option : {"rejection_reason_header", "limit_headers",
                             "hierarchy", "flat_usage", "list_app_keys"}) {
    EXPECT_EQ(option, Flags(WithOptions(std::string(option) + "=1")));
    EXPECT_EQ(option, Flags(WithOptions(std::string(option) + "=%31")))
        << "%31 decodes to 1";
    for (const char* value : {"=true", "=2", "=yes", "=0", "=", "= 1", "=01",
                              "=1 ", "", "[]=1", "[x]=1"}) {
      EXPECT_EQ("", Flags(WithOptions(std::string(option) + value)))
          << option << value;
    }
  }
}

TEST_F(ExtensionsTest, Spec1_OptionsAreNotReadFromTheUrl) {
  EXPECT_EQ("", Flags(WithQuery("limit_headers=1&hierarchy=1&"
                                "rejection_reason_header=1&list_app_keys=1&"
                                "flat_usage=1")));
}

TEST_F(ExtensionsTest,
       GoldenNoBodyHeaderValues_AnyValueButZeroAndFalseTurnsItOn) {
  // golden extensions/no_body_header_values: status 200 with an empty body
  // means no_body was on.
  const struct {
    const char* header;
    bool no_body;
  } cases[] = {
      {"no_body=true", true},
      {"no_body=yes", true},
      {"no_body=", true},
      {"no_body=1", true},
      {"no_body=FALSE", true},
      {"no_body[x]=1", true},
      {"no_body=0", false},
      {"no_body=false", false},
      {"no_body", false},      // A key without '=' is nil: no value at all.
      {"", false},             // An empty header.
      {"no_body%3D1", false},  // The key is "no_body=1".
      {"nobody=1", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.no_body, WithOptions(c.header).no_body)
        << "'" << c.header << "'";
  }
}

TEST_F(ExtensionsTest, GoldenNoBodyUrlForms_AnyValueButZeroAndFalseTurnsItOn) {
  // golden extensions/no_body_url_forms (spec 7.36).
  const struct {
    const char* query;
    bool no_body;
  } cases[] = {
      {"no_body=1", true},     {"no_body=true", true},
      {"no_body=", true},      {"no_body=yes", true},
      {"no_body=FALSE", true}, {"no_body%5Bx%5D=1", true},
      {"no_body", false},  // Golden "Surprises" 16: no '=', no value.
      {"no_body=0", false},    {"no_body=false", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.no_body, WithQuery(c.query).no_body) << c.query;
  }
}

TEST_F(ExtensionsTest, Spec1_TheHeaderBeatsTheUrlParameter) {
  EXPECT_FALSE(WithOptions("no_body=0", "no_body=1").no_body);
  EXPECT_TRUE(WithOptions("no_body=1", "no_body=0").no_body);
  EXPECT_FALSE(WithOptions("no_body=false", "no_body=true").no_body);
}

TEST_F(ExtensionsTest, Golden16_AHeaderNoBodyWithoutValueFallsBackToTheUrl) {
  EXPECT_TRUE(WithOptions("no_body", "no_body=1").no_body);
  EXPECT_FALSE(WithOptions("no_body", "no_body=0").no_body);
  EXPECT_TRUE(WithOptions("limit_headers=1", "no_body=1").no_body)
      << "a header without no_body";
}

TEST_F(ExtensionsTest,
       Golden4_HeaderNamesAreCaseInsensitiveAndMayUseAnUnderscore) {
  for (const char* name : {"3scale-options", "3scale-Options", "3SCALE-OPTIONS",
                           "3scale_options", "3Scale_Options"}) {
    const std::optional<Extensions> ext = Resolve({{name, "no_body=1"}});
    ASSERT_TRUE(ext.has_value()) << name;
    EXPECT_TRUE(ext->no_body) << name;
  }
  const std::optional<Extensions> other =
      Resolve({{"X-3scale-options", "no_body=1"}});
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->no_body);
}

TEST_F(ExtensionsTest,
       Golden17_OptionsSplitOnSemicolonsAndSkipSpacesAfterSeparators) {
  EXPECT_EQ("limit_headers hierarchy",
            Flags(WithOptions("limit_headers=1;hierarchy=1")));
  EXPECT_EQ("limit_headers hierarchy",
            Flags(WithOptions("limit_headers=1& hierarchy=1")));
  EXPECT_EQ("limit_headers hierarchy",
            Flags(WithOptions("limit_headers=1;  hierarchy=1")));
}

TEST_F(ExtensionsTest, Golden8_AMalformedHeaderCannotBeResolved) {
  for (const char* value : {"no_body=%zz", "no_body=%", "limit_headers=%ff",
                            "\xff=1", "a=\xc3\x28"}) {
    EXPECT_EQ(std::nullopt, Resolve({{"3scale-options", value}}))
        << "'" << value << "'";
  }
}

TEST_F(ExtensionsTest, TheResolvedHashRendersAsJsonInHeaderOrder) {
  // The error log's context_info "extensions" (golden random/*, extensions/*).
  const struct {
    const char* header;
    const char* query;
    const char* json;
  } cases[] = {
      {"no_body=1&rejection_reason_header=1", "",
       R"({"no_body":true,"rejection_reason_header":"1"})"},
      {"limit_headers=1&rejection_reason_header=1&no_body=1", "",
       R"({"limit_headers":"1","rejection_reason_header":"1","no_body":true})"},
      {"hierarchy=1&no_body=1&list_app_keys=1", "",
       R"({"hierarchy":"1","no_body":true,"list_app_keys":"1"})"},
      {"no_body=0", "", R"({"no_body":false})"},
      {"no_body=yes", "", R"({"no_body":true})"},
      {"hierarchy=true", "", R"({"hierarchy":"true"})"},
      {"no_body", "", R"({"no_body":null})"},
      {"a[b]=1&a[c]=2", "", R"({"a":{"b":"1","c":"2"}})"},
      {"a[]=1&a[]=2", "", R"({"a":["1","2"]})"},
      {"x=%22q%22", "", R"({"x":"\"q\""})"},
      {"", "", "{}"},
      // The URL's no_body joins the hash at its end.
      {"limit_headers=1", "no_body=1",
       R"({"limit_headers":"1","no_body":true})"},
      {"no_body&limit_headers=1", "no_body=1",
       R"({"no_body":true,"limit_headers":"1"})"},
      {"limit_headers=1", "no_body=0",
       R"({"limit_headers":"1","no_body":false})"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.json, WithOptions(c.header, c.query).json)
        << "'" << c.header << "' + '" << c.query << "'";
  }
  EXPECT_EQ(R"({"no_body":true})", WithQuery("no_body=true").json);
  EXPECT_EQ("{}", WithQuery("no_body").json);
}

TEST_F(ExtensionsTest, JsonStringEscapesAsRubysGenerator) {
  const struct {
    const char* text;
    const char* want;
  } cases[] = {
      {"plain", R"("plain")"}, {"a\"b", R"("a\"b")"},
      {"a\\b", R"("a\\b")"},   {"a\nb\rc\td", R"("a\nb\rc\td")"},
      {"\b\f", R"("\b\f")"},   {"\x01", R"("\u0001")"},
      {"a/b", R"("a/b")"},     {"\xC3\xA9", "\"\xC3\xA9\""},
      {"", R"("")"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, JsonString(c.text)) << c.want;
  }
}

TEST_F(ExtensionsTest, JsonValueRendersNilArraysAndNestedHashes) {
  ParamHash inner;
  inner.Set("k", ParamValue{std::string("v")});
  ParamHash outer;
  outer.Set("nil", ParamValue{});
  outer.Set("list",
            ParamValue{ParamArray{ParamValue{std::string("1")}, ParamValue{}}});
  outer.Set("hash", ParamValue{std::move(inner)});

  EXPECT_EQ(R"({"nil":null,"list":["1",null],"hash":{"k":"v"}})",
            JsonValue(ParamValue{std::move(outer)}));
  EXPECT_EQ("null", JsonValue(ParamValue{}));
  EXPECT_EQ("[]", JsonValue(ParamValue{ParamArray{}}));
  EXPECT_EQ("{}", JsonValue(ParamValue{ParamHash{}}));
}

}  // namespace
}  // namespace scalecheck::core
