// core/referrer_filter.h
//
// Referrer filters (spec 5.10): a filter matches a whole referrer, literal
// but for `*`, which matches any run of characters (dots and nothing
// included) other than a newline, as Ruby's `.*` does. Case-sensitive. Pure
// function.
#pragma once

#include <string_view>

namespace scalecheck::core {

bool ReferrerMatches(std::string_view filter, std::string_view referrer);

}  // namespace scalecheck::core
