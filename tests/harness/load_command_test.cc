// tests/harness/load_command_test.cc: harness/load_command.h end to end
// against the mock (embedded, or a RunningMock given as --target), on a
// ManualClock as in load_engine_test.
#include "harness/load_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/clock.h"
#include "mock_backend/mock_server.h"
#include "tests/testing/running_mock.h"
#include "tests/testing/utc_time.h"

namespace scalecheck::harness {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::HasSubstr;
using testing::Not;

class LoadCommandTest : public testing::Test {
 protected:
  // Writes a scenario: service s1 with hits limited to `limit` per
  // eternity on plan p1, `count` applications, `rate` authreps per second
  // reporting hits=1 for `duration`.
  std::string WriteScenario(const std::string& name, int64_t limit, int count,
                            int rate, const std::string& duration,
                            const std::string& extra = "") {
    const std::filesystem::path path = dir_ / (name + ".toml");
    std::ofstream(path)
        << "id = \"load/" << name << "\"\n"
        << "[[services]]\nid = \"s1\"\nprovider_key = \"pk1\"\n"
        << "metrics = [{ name = \"hits\" }]\n"
        << "[[services.plans]]\nid = \"p1\"\nname = \"Basic\"\n"
        << "limits = { hits = { eternity = " << limit << " } }\n"
        << "[load]\nduration = \"" << duration << "\"\nrate = " << rate
        << "\nconnections = 2\n"
        << extra << "[[load.mix]]\ncall = \"authrep\"\nusage = { hits = 1 }\n"
        << "[[load.populations]]\nservice = \"s1\"\nplan = \"p1\"\ncount = "
        << count << "\n";
    return path.string();
  }

  ExitCode RunLoadCommand(const std::string& scenario, core::Clock& clock,
                          const std::string& target_url = "") {
    LoadCommandOptions options;
    options.scenario_path = scenario;
    options.target.url = target_url;
    options.report_dir = (dir_ / "reports").string();
    options.threads = 1;
    options.max_io_wait = milliseconds(1);
    out_.str("");
    err_.str("");
    return RunLoad(options, clock, out_, err_);
  }

  std::string Read(const std::string& file) {
    std::ifstream in(dir_ / "reports" / file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::filesystem::path dir_ = [] {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::path d = std::filesystem::path(testing::TempDir()) /
                              ("load_command_" + std::string(info->name()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
  }();
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(LoadCommandTest, ACorrectBackendPassesEveryCheck) {
  core::ManualClock clock(test::Utc(2024, 5, 31, 12, 0, 0));
  const std::string scenario = WriteScenario(
      "clean", 40, 5, 200, "2s", "[load.thresholds]\nerror_rate = 0.01\n");
  EXPECT_EQ(ExitCode::kOk, RunLoadCommand(scenario, clock))
      << out_.str() << err_.str();
  EXPECT_THAT(
      out_.str(),
      HasSubstr(
          "PASS counters: 5 counters equal the usage authorized (200 in all)"));
  EXPECT_THAT(out_.str(), HasSubstr("PASS limits (strict)"));
  EXPECT_THAT(out_.str(), HasSubstr("PASS threshold error_rate"));
  // 400 authreps over 5 applications allowed 40 each: 200 authorized.
  EXPECT_THAT(
      out_.str(),
      HasSubstr("outcomes: authorized 200, denied 200 (limits_exceeded 200)"));
  const nlohmann::json report =
      nlohmann::json::parse(Read("report.json"), nullptr, false);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(400, report["sent"]);
  EXPECT_EQ(2u, report["seconds"].size());
  EXPECT_EQ(400, report["latency_us"]["corrected"]["count"]);
  EXPECT_TRUE(report["passed"]);
  EXPECT_THAT(Read("junit.xml"), HasSubstr("tests=\"3\" failures=\"0\""));
  EXPECT_THAT(Read("latency.hgrm"), HasSubstr("#[Buckets =           16"));
}

TEST_F(LoadCommandTest, ALossyBackendFailsTheCountersCheck) {
  // The mock drops one report in a thousand: answers authorized, counts
  // nothing. The fault rule survives the run's reset.
  test::RunningMock mock;
  ASSERT_TRUE(mock.ok());
  mock.Control(
      "POST", "/faults",
      R"({"endpoint":"authrep","action":"drop_report","probability":0.001,"seed":7})",
      201);
  const std::string scenario =
      WriteScenario("lossy", 1000000000, 20, 1000, "5s");
  EXPECT_EQ(ExitCode::kFailed,
            RunLoadCommand(scenario, mock.clock(), mock.server().base_url()))
      << out_.str() << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("keeping the target's 1 fault rule(s)"));
  EXPECT_THAT(out_.str(), HasSubstr("FAIL counters:"));
  EXPECT_THAT(out_.str(),
              testing::ContainsRegex(
                  "counter hits/eternity of load-app-[0-9]+: backend [0-9]+, "
                  "authorized [0-9]+ — [0-9]+ lost"));
  EXPECT_THAT(out_.str(), HasSubstr("PASS limits (strict)"));
  EXPECT_THAT(Read("junit.xml"), HasSubstr("<failure message=\""));
}

TEST_F(LoadCommandTest, AnAsynchronousBackendFailsTheStrictLimitCheck) {
  // Reports applied 1 s late: for a second every authrep sees the old
  // counter, so more than the limit is authorized. Counted right, though.
  mock_backend::MockOptions options;
  options.report_delay = seconds(1);
  test::RunningMock mock(options);
  ASSERT_TRUE(mock.ok());
  const std::string scenario = WriteScenario("delayed", 50, 4, 200, "2s");
  EXPECT_EQ(ExitCode::kFailed,
            RunLoadCommand(scenario, mock.clock(), mock.server().base_url()))
      << out_.str() << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("PASS counters"));
  EXPECT_THAT(out_.str(), HasSubstr("FAIL limits (strict):"));
  EXPECT_THAT(out_.str(),
              testing::ContainsRegex(
                  "limit hits/eternity of load-app-[0-9] \\(max 50\\): [0-9]+ "
                  "authorized — [0-9]+ over"));
}

TEST_F(LoadCommandTest, ShowsTheProgressLineOnATerminalOnly) {
  core::ManualClock clock(test::Utc(2024, 5, 31, 12, 0, 0));
  LoadCommandOptions options;
  options.scenario_path = WriteScenario("progress", 1000, 2, 50, "3s");
  options.report_dir = "";
  options.threads = 1;
  options.max_io_wait = milliseconds(1);
  options.tty = true;
  EXPECT_EQ(ExitCode::kOk, RunLoad(options, clock, out_, err_)) << err_.str();
  EXPECT_THAT(
      out_.str(),
      HasSubstr(
          "\r  2/3 s  50 req/s  p50 0.000 ms  p99 0.000 ms  errors 0\x1b[K"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("reports:")));
  std::ostringstream plain;
  options.tty = false;
  EXPECT_EQ(ExitCode::kOk, RunLoad(options, clock, plain, err_)) << err_.str();
  EXPECT_THAT(plain.str(), Not(HasSubstr("\r")));
  EXPECT_THAT(plain.str(), HasSubstr("PASS counters"));
}

TEST_F(LoadCommandTest, AScenarioWithoutALoadSectionIsABadScenario) {
  core::ManualClock clock(test::Utc(2024, 5, 31, 12, 0, 0));
  const std::filesystem::path path = dir_ / "steps.toml";
  std::ofstream(path) << "[[services]]\nid = \"s1\"\nprovider_key = \"pk\"\n"
                      << "[[services.applications]]\nid = \"a1\"\n"
                      << "[[steps]]\nauthorize = {}\n";
  EXPECT_EQ(ExitCode::kUsage, RunLoadCommand(path.string(), clock));
  EXPECT_THAT(err_.str(), HasSubstr("no [load] section"));
}

TEST_F(LoadCommandTest, ABadOverrideIsABadCommandLine) {
  core::ManualClock clock(test::Utc(2024, 5, 31, 12, 0, 0));
  LoadCommandOptions options;
  options.scenario_path = WriteScenario("override", 10, 1, 10, "1s");
  options.rate_per_s = 0;
  EXPECT_EQ(ExitCode::kUsage, RunLoad(options, clock, out_, err_));
  EXPECT_EQ("scalecheck: --rate must be a positive number\n", err_.str());
}

}  // namespace
}  // namespace scalecheck::harness
