// Tests harness/cli.h: the help texts, defaults and every usage error, as
// printed by `scalecheck` (parsing is a function, so no process is run).
#include "harness/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scalecheck::harness {
namespace {

using ::testing::HasSubstr;

class CliTest : public ::testing::Test {
 protected:
  CommandLine Parse(std::vector<std::string> args) {
    args.insert(args.begin(), "scalecheck");
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  }
};

TEST_F(CliTest, BareCommandPrintsTheHelpWithEveryCommandAndExitStatus) {
  const CommandLine cl = Parse({});
  EXPECT_FALSE(cl.command.has_value());
  EXPECT_EQ(ExitCode::kOk, cl.exit_code);
  for (const char* word : {"run", "list", "validate", "mock", "replay",
                           "exit status", "example"}) {
    EXPECT_THAT(cl.message, HasSubstr(word)) << word;
  }
}

TEST_F(CliTest, VersionNamesTheApisonatorVersionItMimics) {
  const CommandLine cl = Parse({"--version"});
  EXPECT_EQ(ExitCode::kOk, cl.exit_code);
  EXPECT_THAT(cl.message, HasSubstr("3.4.3"));
}

TEST_F(CliTest, UnknownCommandIsAUsageErrorThatPointsAtHelp) {
  const CommandLine cl = Parse({"frobnicate"});
  EXPECT_EQ(ExitCode::kUsage, cl.exit_code);
  EXPECT_THAT(cl.message, HasSubstr("unknown command 'frobnicate'"));
  EXPECT_THAT(cl.message, HasSubstr("try 'scalecheck --help'"));
}

TEST_F(CliTest, EachCommandHasHelpWithFlagsDefaultsAndAnExample) {
  const struct {
    const char* command;
    const char* flag;
  } cases[] = {
      {"run", "--report-dir"}, {"list", "--filter"}, {"validate", "PATH"},
      {"mock", "--listen"},    {"replay", "--known-failures"},
  };
  for (const auto& c : cases) {
    const CommandLine cl = Parse({c.command, "--help"});
    EXPECT_EQ(ExitCode::kOk, cl.exit_code) << c.command;
    EXPECT_THAT(cl.message, HasSubstr(std::string("usage: scalecheck ") + c.command))
        << c.command;
    EXPECT_THAT(cl.message, HasSubstr(c.flag)) << c.command;
    EXPECT_THAT(cl.message, HasSubstr("exit status")) << c.command;
    EXPECT_THAT(cl.message, HasSubstr("example")) << c.command;
  }
}

TEST_F(CliTest, RunDefaultsToTheEmbeddedMockExactComparisonAndReportDir) {
  const CommandLine cl = Parse({"run", "scenarios"});
  ASSERT_TRUE(cl.command.has_value()) << cl.message;
  const auto& run = std::get<RunCommand>(*cl.command).options;
  EXPECT_EQ("", run.target.url);
  EXPECT_EQ(CompareMode::kExact, run.run.compare);
  EXPECT_EQ("scalecheck-reports", run.report_dir);
  EXPECT_TRUE(run.run.seed);
  EXPECT_EQ(std::vector<std::string>{"scenarios"}, run.paths);
}

TEST_F(CliTest, RunTakesTargetCompareWaitsAndRepeatedFilters) {
  const CommandLine cl =
      Parse({"run", "--target", "http://127.0.0.1:3001", "--compare", "semantic",
             "--max-wait", "2m", "--settle", "1500ms", "--no-seed", "--filter",
             "authorize/*", "--filter", "report/*", "--tag", "limits", "a.toml"});
  ASSERT_TRUE(cl.command.has_value()) << cl.message;
  const auto& o = std::get<RunCommand>(*cl.command).options;
  EXPECT_EQ("http://127.0.0.1:3001", o.target.url);
  EXPECT_EQ(CompareMode::kSemantic, o.run.compare);
  EXPECT_EQ(std::chrono::minutes(2), o.run.max_wait);
  EXPECT_EQ(std::chrono::milliseconds(1500), o.run.settle);
  EXPECT_FALSE(o.run.seed);
  EXPECT_EQ((std::vector<std::string>{"authorize/*", "report/*"}), o.filters);
  EXPECT_EQ(std::vector<std::string>{"limits"}, o.tags);
}

TEST_F(CliTest, RunRejectsBadValuesWithTheFlagInTheMessage) {
  const struct {
    std::vector<std::string> args;
    const char* message;
  } cases[] = {
      {{"run", "--compare", "fuzzy", "x"}, "--compare must be 'exact' or 'semantic'"},
      {{"run", "--max-wait", "soon", "x"}, "--max-wait"},
      {{"run", "--settle", "5x", "x"}, "--settle"},
      {{"run"}, "run needs at least one PATH"},
      {{"run", "--colour", "x"}, "unrecognised option '--colour'"},
  };
  for (const auto& c : cases) {
    const CommandLine cl = Parse(c.args);
    EXPECT_EQ(ExitCode::kUsage, cl.exit_code) << c.message;
    EXPECT_THAT(cl.message, HasSubstr(c.message));
    EXPECT_THAT(cl.message, HasSubstr("try 'scalecheck run --help'"));
  }
}

TEST_F(CliTest, MockBindsLoopbackByDefaultAndParsesItsFlags) {
  const CommandLine defaults = Parse({"mock"});
  ASSERT_TRUE(defaults.command.has_value()) << defaults.message;
  const auto& d = std::get<MockCommand>(*defaults.command).options;
  EXPECT_EQ("127.0.0.1", d.host);
  EXPECT_EQ(3001, d.port);
  EXPECT_EQ(std::chrono::milliseconds(0), d.report_delay);
  EXPECT_FALSE(d.start_time.has_value());
  EXPECT_FALSE(d.frozen);  // --clock system: the calendar runs.

  const CommandLine cl =
      Parse({"mock", "--listen", "127.0.0.1:0", "--clock", "manual", "--start-time",
             "2024-05-31T23:59:59Z", "--report-delay", "1s", "--internal-auth", "u:p"});
  ASSERT_TRUE(cl.command.has_value()) << cl.message;
  const auto& o = std::get<MockCommand>(*cl.command).options;
  EXPECT_EQ(0, o.port);
  EXPECT_EQ(std::chrono::milliseconds(1000), o.report_delay);
  EXPECT_EQ("u:p", o.internal_auth);
  ASSERT_TRUE(o.start_time.has_value());
  EXPECT_TRUE(o.frozen);  // --clock manual: stands still until moved.
}

TEST_F(CliTest, MockRejectsAManualClockWithoutAStartAndBadAddresses) {
  EXPECT_THAT(Parse({"mock", "--clock", "manual"}).message,
              HasSubstr("--clock manual needs --start-time"));
  EXPECT_THAT(Parse({"mock", "--listen", "nowhere"}).message,
              HasSubstr("--listen wants HOST:PORT"));
  EXPECT_THAT(Parse({"mock", "--listen", "127.0.0.1:99999"}).message,
              HasSubstr("invalid port"));
  EXPECT_THAT(Parse({"mock", "--start-time", "yesterday"}).message,
              HasSubstr("--start-time"));
}

TEST_F(CliTest, ReplayNeedsPathsAndTakesKnownFailures) {
  EXPECT_EQ(ExitCode::kUsage, Parse({"replay"}).exit_code);
  const CommandLine cl =
      Parse({"replay", "--known-failures", "k.txt", "--no-framing", "golden"});
  ASSERT_TRUE(cl.command.has_value()) << cl.message;
  const auto& o = std::get<ReplayCommand>(*cl.command).options;
  EXPECT_EQ("k.txt", o.known_failures_path);
  EXPECT_FALSE(o.compare_framing);
}

}  // namespace
}  // namespace scalecheck::harness
