// mock_backend/internal_api.h
//
// apisonator's internal (admin) API, mounted under /internal (spec 8, golden
// internal/*): the JSON endpoints 3scale's admin system seeds a backend with,
// so that the same seeding works against the mock and a real apisonator.
// Answers byte-exactly as apisonator 3.4.3, including its error answers and
// echo quirks (golden "Surprises" 21). Thread-safe (BackendState is).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/http_message.h"
#include "mock_backend/backend_state.h"

namespace scalecheck::mock_backend {

class InternalApi {
 public:
  // `state` must outlive this object. `basic_auth` is "user:pass", or empty
  // for an open API (apisonator without credentials configured).
  InternalApi(BackendState& state, std::string basic_auth);

  // Handles one request whose target starts with "/internal" (the prefix
  // included). `now` stamps nothing today but keeps the signature of the
  // other endpoint families.
  core::HttpResponse Handle(const core::HttpRequest& request,
                            core::UtcTime now);

 private:
  BackendState& state_;
  std::string expected_authorization_;  // "Basic base64(user:pass)" or "".
};

}  // namespace scalecheck::mock_backend
