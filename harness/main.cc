// harness/main.cc
//
// Process concerns only: parse argv, create the real clock, hand over to the
// library, return its exit status. Behaviour lives in scalecheck_harness.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/clock.h"
#include "harness/cli.h"
#include "harness/commands.h"

int main(int argc, char** argv) {
  namespace harness = scalecheck::harness;
  harness::CommandLine command_line = harness::ParseCommandLine(argc, argv);
  if (!command_line.command) {
    const bool ok = command_line.exit_code == harness::ExitCode::kOk;
    std::fputs(command_line.message.c_str(), ok ? stdout : stderr);
    return static_cast<int>(command_line.exit_code);
  }
  // The live progress line of `load` is for a terminal only.
  if (auto* load = std::get_if<harness::LoadCommand>(&*command_line.command)) {
    load->options.tty = ::isatty(STDOUT_FILENO) == 1;
  }
  scalecheck::core::SystemClock clock;
  return static_cast<int>(
      harness::ExecuteCommand(*command_line.command, clock, std::cout, std::cerr));
}
