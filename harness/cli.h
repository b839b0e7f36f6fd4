// harness/cli.h
//
// The `scalecheck` command line: a table of subcommands, each parsed by a
// function that returns a value (never prints, never exits), so that the
// help texts and every error message are unit-tested. main() runs the
// chosen command. The only user of Boost.Program_options is cli.cc.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/exit_code.h"
#include "harness/load_command.h"
#include "harness/gateway_config.h"
#include "harness/replay.h"
#include "harness/run_command.h"
#include "mock_backend/mock_server.h"

namespace scalecheck::harness {

struct MockCommand {
  mock_backend::MockOptions options;
  std::string fixture_path;  // --fixture; empty: start empty.
};

struct ReplayCommand {
  ReplayOptions options;
};

struct RunCommand {
  RunCommandOptions options;
};

struct ListCommand {
  RunCommandOptions options;
};

struct ValidateCommand {
  std::vector<std::string> paths;
};

// `scalecheck export apicast SCENARIO`.
struct LoadCommand {
  LoadCommandOptions options;
};

struct ExportCommand {
  std::string scenario_path;
  ApicastExportOptions options;
};

using Command = std::variant<MockCommand, ReplayCommand, RunCommand,
                             ListCommand, ValidateCommand, ExportCommand,
                             LoadCommand>;

// Either a command to run, or a message to print and an exit code (stdout
// for --help and --version, stderr for errors).
struct CommandLine {
  std::optional<Command> command;
  ExitCode exit_code = ExitCode::kOk;
  std::string message;
};

CommandLine ParseCommandLine(int argc, const char* const* argv);

// The top-level help text (also printed for `scalecheck` alone).
std::string TopLevelHelp();

}  // namespace scalecheck::harness
