// tests/core/referrer_filter_test.cc: referrer filter matching (spec 5.10),
// which apisonator does with the regex /\A#{escape(filter), * as .*}\z/.
#include "core/referrer_filter.h"

#include <gtest/gtest.h>

namespace scalecheck::core {
namespace {

struct Case {
  const char* filter;
  const char* referrer;
  bool matches;
};

class ReferrerFilterTest : public testing::Test {
 protected:
  static void ExpectCases(std::initializer_list<Case> cases) {
    for (const Case& c : cases) {
      EXPECT_EQ(c.matches, ReferrerMatches(c.filter, c.referrer))
          << "filter '" << c.filter << "' referrer '" << c.referrer << "'";
    }
  }
};

TEST_F(ReferrerFilterTest, Spec5_10_AWildcardSubdomainNeedsASubdomain) {
  ExpectCases({
      {"*.example.org", "api.example.org", true},
      {"*.example.org", "a.b.example.org", true},
      {"*.example.org", "example.org", false},
      {"*.bar.example.org", "foo.bar.example.org", true},
      {"*.bar.example.org", "bar.example.org", false},
  });
}

TEST_F(ReferrerFilterTest, Spec5_10_MatchesAreAnchoredAtBothEnds) {
  ExpectCases({
      {"example.org", "example.org", true},
      {"example.org", "www.example.org", false},
      {"example.org", "example.org.evil.com", false},
      {"example.org", "http://example.com", false},
      {"example.org", "http://example.org", false},
      {"example.org", "", false},
  });
}

TEST_F(ReferrerFilterTest, Spec5_10_StarMatchesAnyRunIncludingDotsAndNothing) {
  ExpectCases({
      {"194.179.*.10", "194.179.1.10", true},
      {"194.179.*.10", "194.179..10", true},
      {"194.179.*.10", "194.179.1.2.3.10", true},
      {"194.179.*.10", "194.179.1.11", false},
      {"*", "anything at all", true},
      {"*", "", true},
      {"**", "x", true},
      {"a*", "a", true},
      {"*a", "a", true},
      {"a*b*c", "abc", true},
      {"a*b*c", "aXXbYYc", true},
      {"a*b*c", "acb", false},
      {"*ab", "aaab", true},
      {"*a*b", "xaxxb", true},
      {"*x", "xxxxy", false},
  });
}

TEST_F(ReferrerFilterTest, Spec5_10_EveryOtherCharacterIsLiteral) {
  ExpectCases({
      {"ba[rz].example.org", "ba[rz].example.org", true},
      {"ba[rz].example.org", "bar.example.org", false},
      {"a.c", "abc", false},
      {"a?c", "abc", false},
      {"a+", "aa", false},
      {"(a|b)", "a", false},
      {"^a$", "^a$", true},
      {"a\\*b", "a\\xb", true},  // A backslash, then the wildcard.
      {"", "", true},
  });
}

TEST_F(ReferrerFilterTest, Spec5_10_MatchingIsCaseSensitive) {
  ExpectCases({
      {"*.example.org", "API.example.org", true},
      {"*.example.org", "api.EXAMPLE.org", false},
      {"Example.org", "example.org", false},
  });
}

TEST_F(ReferrerFilterTest, Spec5_10_TheBypassValueIsNotMatchedHere) {
  // referrer=* is the Referrer validator's bypass; as a value it is literal.
  ExpectCases({
      {"example.org", "*", false},
      {"*", "*", true},
  });
}

TEST_F(ReferrerFilterTest, AWildcardDoesNotSpanANewline) {
  // Ruby's '.' stops at "\n" (no /m flag), so neither does '*'.
  ExpectCases({
      {"*.example.org*", "api.example.org\n", false},
      {"*", "a\nb", false},
      {"a*b", "a\nb", false},
      {"a*\n*b", "ax\nyb", true},
      {"a\nb", "a\nb", true},
      {"*", "a\rb", true},
  });
}

}  // namespace
}  // namespace scalecheck::core
