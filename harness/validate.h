// harness/validate.h
//
// `scalecheck validate PATHS...`: loads every scenario file the paths name
// and reports which are valid, without running anything. Writes only to the
// streams it is given.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/exit_code.h"

namespace scalecheck::harness {

// For each file FindScenarioFiles() finds in `paths`: "ok PATH (ID, N steps)"
// on `out`, or its error "file:line:col: message" on `err`. Two files with
// the same scenario id are an error too (reports name cases by id).
// kOk if every file is valid; kUsage if any is not, if a path does not exist
// or if no file was found.
ExitCode RunValidate(const std::vector<std::string>& paths, std::ostream& out,
                     std::ostream& err);

}  // namespace scalecheck::harness
