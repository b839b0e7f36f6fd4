// core/extensions.h
//
// The API extensions of a request (spec 1, 3.3, 3.6; golden extensions/*):
// the `3scale-options` header, parsed as a nested query, plus the legacy
// `no_body` URL parameter, resolved as apisonator's
// Listener.threescale_extensions does. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "core/http_message.h"
#include "core/params.h"

namespace scalecheck::core {

struct Extensions {
  bool no_body = false;
  bool rejection_reason_header = false;
  bool limit_headers = false;
  bool hierarchy = false;
  bool flat_usage = false;
  bool list_app_keys = false;
  // The resolved option hash as JSON, for the error log's context_info
  // ("no_body" as a boolean, others as sent), keys in header order.
  std::string json = "{}";
};

// nullopt when the header cannot be parsed (bad %-escape, invalid UTF-8,
// too many parameters): apisonator answers 500 then (golden "Surprises" 8).
// `params` are the request's parameters (for the legacy no_body).
std::optional<Extensions> ResolveExtensions(const HttpRequest& request,
                                            const ParamHash& params);

// JSON text of a string, escaped as Ruby's JSON generator does.
std::string JsonString(std::string_view text);
// JSON text of a parameter value (nil -> null, arrays, objects).
std::string JsonValue(const ParamValue& value);

}  // namespace scalecheck::core
