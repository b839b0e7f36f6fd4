// harness/seeding.h
//
// A scenario's fixture turned into what a backend is seeded with: the
// internal-API calls that create it on any target (the mock or a real
// apisonator), and the same fixture applied straight to the reference
// model's Registry. Both come from one Scenario, so they cannot drift apart.
// Pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/registry.h"
#include "harness/scenario.h"

namespace scalecheck::harness {

// One call to apisonator's internal API (path relative to /internal).
struct InternalCall {
  std::string method;
  std::string path;
  std::string body;  // JSON text; empty: none.
};

std::vector<InternalCall> SeedingCalls(const Scenario& scenario);

// Applies the fixture to `registry` as the calls above would.
void SeedRegistry(const Scenario& scenario, core::Registry& registry);

// The service a step names (or the default), nullptr if none.
const ServiceSpec* FindService(const Scenario& scenario, const std::string& id);
const ApplicationSpec* FindApplication(const ServiceSpec& service,
                                       const std::string& id);
const MetricSpec* FindMetricByName(const ServiceSpec& service,
                                   const std::string& name);

}  // namespace scalecheck::harness
