// harness/commands.h
//
// Runs a parsed command line: the library function main() hands over to.
// Writes results to `out` and diagnostics to `err`; returns the exit code.
#pragma once

#include <ostream>

#include "core/clock.h"
#include "harness/cli.h"
#include "harness/exit_code.h"

namespace scalecheck::harness {

// `clock` is the process's only SystemClock (or a fake in tests).
ExitCode ExecuteCommand(const Command& command, core::Clock& clock,
                    std::ostream& out, std::ostream& err);

}  // namespace scalecheck::harness
