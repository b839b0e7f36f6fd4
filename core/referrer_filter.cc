#include "core/referrer_filter.h"

#include <vector>

namespace scalecheck::core {

bool ReferrerMatches(std::string_view filter, std::string_view referrer) {
  // apisonator matches /\A#{Regexp.escape(filter), "\*" as ".*"}\z/: every
  // character is literal but '*', which matches any run of characters
  // except "\n" (Ruby's '.' without /m). Dynamic programming over the
  // filter: matched[j] says whether the filter so far matches the first j
  // characters of the referrer.
  const size_t n = referrer.size();
  std::vector<char> matched(n + 1, 0);
  std::vector<char> next(n + 1, 0);
  matched[0] = 1;
  for (const char f : filter) {
    next[0] = f == '*' && matched[0];
    for (size_t j = 1; j <= n; ++j) {
      const char r = referrer[j - 1];
      next[j] = f == '*' ? (matched[j] || (next[j - 1] && r != '\n'))
                         : (matched[j - 1] && r == f);
    }
    matched.swap(next);
  }
  return matched[n] != 0;
}

}  // namespace scalecheck::core
