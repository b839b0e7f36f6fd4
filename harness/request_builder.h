// harness/request_builder.h
//
// Turns a scenario step into the exact HTTP request a 3scale client would
// send: the query or form body with the service's credentials, the app's
// key by default, usage[...] and log[...] parameters, and the
// 3scale-options header for extensions. Pure functions.
#pragma once

#include "core/http_message.h"
#include "harness/scenario.h"

namespace scalecheck::harness {

// The request for a call step of `scenario` (REQUIRES: the loader validated
// the scenario, so the services and apps it names exist).
core::HttpRequest BuildCallRequest(const Scenario& scenario,
                                   const CallStep& call);

// A raw step as a request.
core::HttpRequest BuildRawRequest(const RawStep& raw);

// "authrep app=a1 usage[hits]=1": a one-line description for reports.
std::string DescribeCall(const Scenario& scenario, const CallStep& call);

}  // namespace scalecheck::harness
