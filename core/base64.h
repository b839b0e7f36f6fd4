// core/base64.h
//
// RFC 4648 base64 with padding: the golden recordings' body_b64, the JSON
// report's bodies that are not UTF-8, and HTTP Basic credentials. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scalecheck::core {

std::string Base64Encode(std::string_view bytes);

// nullopt when `text` is not base64 (whitespace is skipped).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace scalecheck::core
