// tests/core/mapping_rule_test.cc
//
// Every example of spec/gateway.md section 2, one row each, named after its
// subsection: path normalization and escaping (2.2), pattern matching (the
// 2.2 table), query and body parameters (2.3), several rules, `last` and zero
// deltas (2.4), no match (2.5), the 2.6 summary, owners (2.7). Path routing
// (2.8) is in gateway_model_test.cc, where services are chosen.
#include "core/mapping_rule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scalecheck::core {
namespace {

MappingRule Rule(std::string method, std::string pattern, std::string metric,
                 int64_t delta, bool last = false,
                 std::vector<std::pair<std::string, std::string>> qs = {}) {
  MappingRule rule;
  rule.http_method = std::move(method);
  rule.pattern = std::move(pattern);
  rule.metric_system_name = std::move(metric);
  rule.delta = delta;
  rule.last = last;
  rule.querystring_parameters = std::move(qs);
  return rule;
}

std::string Usage(const GatewayUsage& usage) {
  std::string out;
  for (const auto& [metric, delta] : usage) {
    out += (out.empty() ? "" : ",") + metric + "=" + std::to_string(delta);
  }
  return out;
}

TEST(MappingRuleTest, NormalizesAndEscapesThePathAsNginx_2_2) {
  const struct {
    std::string name;
    std::string raw;
    UriEscaping escaping;
    std::optional<std::string> want;
  } cases[] = {
      {"2.2 decode, merge, resolve", "/foo%20/b%61r//baz/./x/../y%2Fz",
       UriEscaping::kNginx1_21, "/foo%20/bar/baz/y/z"},
      {"2.2 bytes >= 0x80 re-escaped", "/caf%C3%A9", UriEscaping::kNginx1_21,
       "/caf%C3%A9"},
      {"2.2 sub-delims kept", "/a:b@c!$&(x)*+,;=~", UriEscaping::kNginx1_21,
       "/a:b@c!$&(x)*+,;=~"},
      {"2.2 %41 decoded", "/%41", UriEscaping::kNginx1_21, "/A"},
      {"2.2 1.21 escapes quotes and braces", "/a%22%7B%7C%7D%5E",
       UriEscaping::kNginx1_21, "/a%22%7B%7C%7D%5E"},
      {"2.2 1.19 leaves quotes and braces", "/a%22%7B%7C%7D%5E",
       UriEscaping::kNginx1_19, "/a\"{|}^"},
      {"2.2 both escape space, #, %, ?", "/a%20%23%25%3F",
       UriEscaping::kNginx1_19, "/a%20%23%25%3F"},
      {"2.2 trailing slash kept", "/foo/", UriEscaping::kNginx1_21, "/foo/"},
      {"2.2 dot segment at the end", "/foo/.", UriEscaping::kNginx1_21,
       "/foo/"},
      {"2.2 .. above the root: nginx's 400", "/..", UriEscaping::kNginx1_21,
       std::nullopt},
      {"2.2 bad %-escape: nginx's 400", "/a%zz", UriEscaping::kNginx1_21,
       std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, MatchablePath(c.raw, c.escaping)) << c.name;
  }
}

TEST(MappingRuleTest, TurnsPatternsIntoApicastsRegex_2_2) {
  const struct {
    std::string name;
    std::string pattern;
    std::string want;
  } cases[] = {
      {"2.2 step 1: slashes merged", "/foo//bar", "^/foo/bar"},
      {"2.2 step 2: query dropped", "/foo?bar={baz}", "^/foo"},
      {"2.2 step 3: placeholder", "/foo/{id}",
       "^/foo/([A-Za-z0-9_.~%!$&'()*+,;=@:-]+)"},
      {"2.2 step 4: dots escaped", "/v1.2", "^/v1\\.2"},
      {"2.2 $ kept", "/foo$", "^/foo$"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(c.want, PatternRegex(c.pattern)) << c.name;
}

// The table of 2.2, one row per (pattern, request path).
TEST(MappingRuleTest, MatchesPathsAsTheTableOfSection2_2) {
  const struct {
    std::string pattern;
    std::string raw_path;
    bool match;
  } cases[] = {
      {"/foo", "/foo", true},
      {"/foo", "/foo/", true},
      {"/foo", "/foobar", true},
      {"/foo", "/foo/bar", true},
      {"/foo", "/FOO", false},
      {"/foo/", "/foo", false},
      {"/foo$", "/foo", true},
      {"/foo$", "/foo/", false},
      {"/foo$", "/foo/bar", false},
      {"/", "/anything/at/all", true},
      {"/foo/{id}", "/foo/123", true},
      {"/foo/{id}", "/foo/1/2", true},
      {"/foo/{id}", "/foo/a.b", true},
      {"/foo/{id}", "/foo/a%20b", true},
      {"/foo/{id}", "/foo/", false},
      {"/foo/{id}$", "/foo/1/2", false},
      {"/foo/{id}$", "/foo/1/", false},
      {"/foo/{id}.json", "/foo/1.json", true},
      {"/foo/{id}.json", "/foo/1xjson", false},
      {"/v1.2", "/v1x2", false},
      {"/foo//bar", "/foo/bar", true},
      {"/foo%20/bar/", "/foo%20/bar/", true},
      {"/foo bar", "/foo%20bar", false},
      {"/foo+", "/fooo", true},
      {"/foo*", "/fo", true},
      {"/a(b)", "/ab", true},
      {"/a(b)", "/a(b)", false},
      // spec/mapping_rule_spec.lua "@ : %" and t/apicast-path-routing.t #4.
      {"/foo/{w}/bar", "/foo/a@b/bar", true},
      {"/foo/{w}/bar", "/foo/a:b/bar", true},
      {"/foo/{w}/bar", "/foo/a%25b/bar", true},
      {"/one/{test}", "/one/12%2012", true},
      // A pattern that is no regular expression matches nothing.
      {"/a(b", "/a(b", false},
  };
  for (const auto& c : cases) {
    const std::optional<std::string> path = MatchablePath(c.raw_path);
    ASSERT_TRUE(path.has_value()) << c.raw_path;
    EXPECT_EQ(c.match, PatternMatches(c.pattern, *path))
        << "2.2 pattern " << c.pattern << " path " << c.raw_path << " ("
        << *path << ")";
  }
}

TEST(MappingRuleTest, MatchesMethodsExactlyOrAny_2_1) {
  const RequestArgs none;
  const struct {
    std::string name;
    std::string rule_method;
    std::string method;
    bool match;
  } cases[] = {
      {"2.1 same method", "GET", "GET", true},
      {"2.1 other method", "GET", "POST", false},
      {"2.1 case-sensitive", "get", "GET", false},
      {"2.1 ANY matches PUT", "ANY", "PUT", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.match, RuleMatches(Rule(c.rule_method, "/foo/", "hits", 1),
                                   c.method, "/foo/x", none))
        << c.name;
  }
}

TEST(MappingRuleTest, ParsesArgumentsAsNgxLua_2_3) {
  const RequestArgs args =
      ParseRequestArgs("a=1&b&c=&A=2&d=x+y%21&a=3&&=z&e=%zz");
  EXPECT_EQ((ArgValues{"1", "3"}), args.at("a")) << "2.3 repeated name: a list";
  EXPECT_EQ((ArgValues{std::nullopt}), args.at("b")) << "2.3 no '=': true";
  EXPECT_EQ((ArgValues{""}), args.at("c")) << "2.3 a= is \"\"";
  EXPECT_EQ((ArgValues{"2"}), args.at("A")) << "2.3 names case-sensitive";
  EXPECT_EQ((ArgValues{"x y!"}), args.at("d")) << "2.3 decoded, + a space";
  EXPECT_EQ((ArgValues{"%zz"}), args.at("e")) << "2.3 bad %-escape kept";
  EXPECT_EQ(0u, args.count("")) << "2.3 empty name skipped";
  std::string many;
  for (int i = 0; i < 101; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_EQ(100u, ParseRequestArgs(many).size()) << "2.3 at most 100 arguments";
}

TEST(MappingRuleTest, MatchesQueryStringParameters_2_3) {
  const struct {
    std::string name;
    std::vector<std::pair<std::string, std::string>> qs;
    std::string query;
    std::string body;  // urlencoded body args, overlaid
    bool match;
  } cases[] = {
      {"2.3 empty object: no condition", {}, "x=1", "", true},
      {"2.3 extra parameters never prevent a match",
       {{"bar", "baz"}},
       "bar=baz&x=1",
       "",
       true},
      {"2.3 all must hold (AND)",
       {{"a", "1"}, {"b", "2"}},
       "a=1&b=3",
       "",
       false},
      {"2.3 fixed value equal (t/apicast.t #10)",
       {{"bar", "baz"}},
       "bar=baz&user_key=k",
       "",
       true},
      {"2.3 fixed value differs (t/apicast.t #9)",
       {{"bar", "baz"}},
       "bar=foo&user_key=k",
       "",
       false},
      {"2.3 absent (t/apicast.t #9)",
       {{"bar", "baz"}},
       "user_key=k",
       "",
       false},
      {"2.3 placeholder: any value (t/apicast.t #11)",
       {{"bar", "{baz}"}},
       "bar={foo}&user_key=k",
       "",
       true},
      {"2.3 placeholder: empty value", {{"bar", "{baz}"}}, "bar=", "", true},
      {"2.3 placeholder: valueless", {{"bar", "{baz}"}}, "bar", "", true},
      {"2.3 placeholder: repeated",
       {{"bar", "{baz}"}},
       "bar=1&bar=2",
       "",
       true},
      {"2.3 placeholder: absent (path-routing #5)",
       {{"bar", "{baz}"}},
       "user_key=k",
       "",
       false},
      {"2.3 placeholder inside a value",
       {{"bar", "x-{baz}"}},
       "bar=y",
       "",
       true},
      {"2.3 last repeated value compared (mapping-rules #1)",
       {{"size", "{size}"}, {"speed", "2x"}},
       "size=100&speed=3x&user_key=foo&speed=2x",
       "",
       true},
      {"2.3 first repeated value not compared",
       {{"speed", "2x"}},
       "speed=2x&speed=3x",
       "",
       false},
      {"2.3 valueless never equals a string",
       {{"bar", "baz"}},
       "bar",
       "",
       false},
      {"2.3 values decoded", {{"q", "a b"}}, "q=a%20b", "", true},
      {"2.3 names case-sensitive", {{"bar", "baz"}}, "BAR=baz", "", false},
      {"2.3 porta's undecoded pattern value never matches",
       {{"q", "a%20b"}},
       "q=a%20b",
       "",
       false},
      {"2.3 body parameter counts (mapping-rules #3)",
       {{"bar", "baz"}},
       "user_key=k",
       "bar=baz",
       true},
      {"2.3 body wins over query (mapping-rules #4)",
       {{"a_param", "val1"}, {"another_param", "val2"}},
       "a_param=val3&another_param=val2&user_key=k",
       "a_param=val1",
       true},
  };
  for (const auto& c : cases) {
    MappingRule rule = Rule("GET", "/", "hits", 1, false, c.qs);
    const RequestArgs args =
        OverlayArgs(ParseRequestArgs(c.query), ParseRequestArgs(c.body));
    EXPECT_EQ(c.match, ArgsMatch(rule, args)) << c.name;
  }
}

TEST(MappingRuleTest, ComputesTheUsageOfARequest_2_4_to_2_7) {
  MappingRule backend4 = Rule("GET", "/foo/bar", "hits", 1);
  backend4.owner_id = "4";
  backend4.owner_type = "BackendApi";
  MappingRule backend3 = Rule("GET", "/foo", "test", 1);
  backend3.owner_id = "3";
  backend3.owner_type = "BackendApi";
  MappingRule backend3b = Rule("GET", "/foo/b", "test", 1);
  backend3b.owner_id = "3";
  backend3b.owner_type = "BackendApi";
  MappingRule no_type4 = backend4;
  no_type4.owner_type.clear();
  MappingRule no_type3 = backend3;
  no_type3.owner_type.clear();
  MappingRule no_type3b = backend3b;
  no_type3b.owner_type.clear();
  const struct {
    std::string name;
    std::vector<MappingRule> rules;
    std::string method;
    std::string path;
    std::string query;
    std::optional<std::string> owner;
    std::string want;  // "metric=delta,..."; "" = no match
  } cases[] = {
      {"2.4 all matching rules add up per metric",
       {Rule("GET", "/", "hits", 1), Rule("GET", "/nope", "hits", 2),
        Rule("GET", "/", "hits", 3)},
       "GET",
       "/x",
       "",
       std::nullopt,
       "hits=4"},
      {"2.4 different metrics side by side",
       {Rule("GET", "/", "hits", 1), Rule("GET", "/search", "search", 2)},
       "GET",
       "/search",
       "",
       std::nullopt,
       "hits=1,search=2"},
      {"2.4 last stops after its own delta (mapping-rules #5)",
       {Rule("GET", "/", "hits", 1),
        Rule("GET", "/i_dont_match", "hits", 100, true),
        Rule("GET", "/abc", "hits", 2, true),
        Rule("GET", "/abc/def", "hits", 10)},
       "GET",
       "/abc/def",
       "",
       std::nullopt,
       "hits=3"},
      {"2.4 a non-matching last rule has no effect",
       {Rule("GET", "/nope", "hits", 1, true), Rule("GET", "/", "hits", 2)},
       "GET",
       "/x",
       "",
       std::nullopt,
       "hits=2"},
      {"2.4 no hits added by the gateway itself",
       {Rule("GET", "/", "search", 1)},
       "GET",
       "/",
       "",
       std::nullopt,
       "search=1"},
      {"2.4 delta 0 contributes nothing",
       {Rule("GET", "/foo", "hits", 0)},
       "GET",
       "/foo",
       "",
       std::nullopt,
       ""},
      {"2.4 zero delta beside a real one",
       {Rule("GET", "/", "hits", 1), Rule("GET", "/", "other", 0)},
       "GET",
       "/",
       "",
       std::nullopt,
       "hits=1"},
      {"2.4 totals <= 0 dropped",
       {Rule("GET", "/", "hits", 2), Rule("GET", "/", "hits", -2)},
       "GET",
       "/",
       "",
       std::nullopt,
       ""},
      {"2.5 no rules: no match",
       {},
       "GET",
       "/",
       "user_key=value",
       std::nullopt,
       ""},
      {"2.5 no rule matches",
       {Rule("GET", "/foo$", "hits", 1)},
       "GET",
       "/foo/bar",
       "",
       std::nullopt,
       ""},
      {"2.6 method filters",
       {Rule("POST", "/", "hits", 1)},
       "GET",
       "/",
       "",
       std::nullopt,
       ""},
      {"2.6 query condition filters",
       {Rule("GET", "/foo", "bar", 1, false, {{"bar", "baz"}})},
       "GET",
       "/foo",
       "bar=foo&user_key=k",
       std::nullopt,
       ""},
      {"2.6 prefix match (t/apicast.t #8)",
       {Rule("GET", "/", "hits", 2)},
       "GET",
       "/",
       "user_key=value",
       std::nullopt,
       "hits=2"},
      {"2.7 other owners subtracted (routing #28)",
       {backend4, backend3},
       "GET",
       "/foo/bar",
       "user_key=foo",
       std::string("4"),
       "hits=1"},
      {"2.7 no owner_type: every rule counts (routing #29)",
       {no_type4, no_type3, no_type3b},
       "GET",
       "/foo/bar",
       "",
       std::string("4"),
       "hits=1,test=2"},
      {"2.7 product rules always count (routing #30)",
       {backend4, backend3, Rule("GET", "/foo/b", "superlimit", 1)},
       "GET",
       "/foo/bar",
       "",
       std::string("4"),
       "hits=1,superlimit=1"},
      {"2.7 subtraction emptying the usage: no match",
       {backend3},
       "GET",
       "/foo",
       "",
       std::string("4"),
       ""},
  };
  for (const auto& c : cases) {
    const std::optional<std::string> path = MatchablePath(c.path);
    ASSERT_TRUE(path) << c.name;
    const UsageComputation usage = ComputeUsage(
        c.rules, c.method, *path, ParseRequestArgs(c.query), c.owner);
    EXPECT_EQ(c.want, Usage(usage.usage)) << c.name;
  }
}

TEST(MappingRuleTest, ListsTheMatchedRulesInOrder_2_4) {
  const std::vector<MappingRule> rules = {
      Rule("GET", "/", "hits", 1),
      Rule("GET", "/i_dont_match", "hits", 100, true),
      Rule("GET", "/abc", "hits", 2, true),
      Rule("GET", "/abc/def", "hits", 10)};
  EXPECT_EQ((std::vector<size_t>{0, 2}),
            ComputeUsage(rules, "GET", "/abc/def", {}).matched);
}

TEST(MappingRuleTest, EncodesUsageSortedByMetric_4_3) {
  EXPECT_EQ("usage%5Bhits%5D=2&usage%5Bsearch%5D=1",
            EncodeUsage({{"search", 1}, {"hits", 2}}));
}

}  // namespace
}  // namespace scalecheck::core
