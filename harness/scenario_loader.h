// harness/scenario_loader.h
//
// Reads scenario files (TOML, described in scenarios/README.md) into the
// plain structs of scenario.h and validates them: unknown keys, wrong types,
// dangling references (services, applications, plans, metrics, periods) and
// impossible steps are errors naming file:line:col, with the near miss when
// there is one. Runs nothing. The only user of toml++ (in the .cc). Stateless
// functions; safe to call from several threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "harness/scenario.h"

namespace scalecheck::harness {

// Parses and validates one scenario. `origin` names the text in messages and
// becomes Scenario::file; the default id is derived from it
// ("scenarios/a/b.toml"
// -> "a/b"). The loader resolves defaults: every call step names its service,
// its credentials and its application (`app`, or `user_key` where that is how
// the call identifies it).
// On failure kInvalidArgument "origin:line:col: message" for the first error
// found, e.g. "scenarios/x.toml:12:30: unknown metric 'hitz' (did you mean
// 'hits'?)"; TOML syntax errors carry toml++'s own description.
core::Result<Scenario> ParseScenario(std::string_view toml_text,
                                     const std::string& origin);

// Reads the file at `path` and parses it with `path` as the origin.
// kNotFound "path: cannot read"; otherwise as ParseScenario().
core::Result<Scenario> LoadScenario(const std::string& path);

// The scenario files that `paths` name, in argument order, each once: a file
// as given (whatever its name); a directory searched recursively for *.toml,
// sorted, skipping every directory called "invalid" below it (a directory
// named explicitly is searched even if it is called "invalid").
// kNotFound "path: no such file or directory"; kUnavailable
// "path: cannot read" when a directory cannot be listed.
core::Result<std::vector<std::string>> FindScenarioFiles(
    const std::vector<std::string>& paths);

}  // namespace scalecheck::harness
