// harness/main.cc
//
// Process concerns only: parse argv, create the real clock, hand over to the
// library, return its exit status. Behaviour lives in scalecheck_harness.
#include <cstdio>
#include <iostream>

#include "core/clock.h"
#include "harness/cli.h"
#include "harness/commands.h"

int main(int argc, char** argv) {
  namespace harness = scalecheck::harness;
  const harness::CommandLine command_line =
      harness::ParseCommandLine(argc, argv);
  if (!command_line.command) {
    const bool ok = command_line.exit_code == harness::ExitCode::kOk;
    std::fputs(command_line.message.c_str(), ok ? stdout : stderr);
    return static_cast<int>(command_line.exit_code);
  }
  scalecheck::core::SystemClock clock;
  return static_cast<int>(
      harness::ExecuteCommand(*command_line.command, clock, std::cout, std::cerr));
}
