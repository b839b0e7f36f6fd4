// tests/harness/client_run_test.cc
//
// A scenario run through a client against the embedded mock, with fake
// clients written as bash scripts: one that sends the request a conformant
// client sends and reports the answer right, one that sends other usage, one
// that sends nothing, one that never answers, one that dies. Checks that the
// client runner passes the first and says what is wrong with each of the
// others, and that `run --client` exits 3 for an adapter that cannot start.
// Processes, files and loopback sockets: a component test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "harness/client_command.h"
#include "harness/client_runner.h"
#include "harness/scenario_loader.h"
#include "tests/testing/utc_time.h"

namespace scalecheck::harness {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* kScenario = R"(
id = "clients/fake"
[clock]
start = "2024-05-15T10:20:30Z"
[[services]]
id = "s1"
provider_key = "pk1"
metrics = [{ name = "hits" }]
[[services.plans]]
id = "p1"
name = "Basic"
limits = { hits = { day = 5 } }
[[services.applications]]
id = "a1"
keys = ["k1"]
[[steps]]
authorize = { usage = { hits = 1 } }
expect = { status = 200, plan = "Basic" }
)";

// What a conformant client reports for the scenario's authorize.
constexpr const char* kAuthorized =
    R"({"ok":true,"http_status":200,"error_code":null,"reason":null,"error_message":null,)"
    R"("plan":"Basic","usage_reports":[{"metric":"hits","period":"day","current_value":"0",)"
    R"("max_value":"5","period_start":"2024-05-15 00:00:00 +0000",)"
    R"("period_end":"2024-05-16 00:00:00 +0000","exceeded":false}]})";

class ClientRunTest : public testing::Test {
 protected:
  void SetUp() override {
    auto backend = Target::Open(TargetOptions{}, clock_);
    ASSERT_TRUE(backend.ok()) << backend.status().message();
    backend_ = std::move(backend).value();
    auto scenario = ParseScenario(kScenario, "scenarios/clients/fake.toml");
    ASSERT_TRUE(scenario.ok()) << scenario.status().message();
    scenario_ = std::move(scenario).value();
  }

  // Writes a bash fake client that, for each command, sends an authorize
  // with usage[hits]=`hits` to the backend (unless `hits` is empty) and then
  // prints `result`; returns the command that starts it.
  std::string FakeClient(const std::string& name, const std::string& hits,
                         const std::string& result) {
    const std::string path = dir_ + "/" + name + ".sh";
    std::ofstream script(path);
    script << "hostport=${SCALECHECK_BACKEND_URL#http://}\n"
           << "while read -r line; do\n";
    if (!hits.empty()) {
      script
          << "  exec 3<>/dev/tcp/${hostport%:*}/${hostport##*:}\n"
          << "  printf 'GET /transactions/authorize.xml?app_id=a1&app_key=k1&"
             "usage%%5Bhits%%5D="
          << hits
          << "&provider_key=pk1 HTTP/1.1\\r\\nHost: x\\r\\n"
             "Connection: close\\r\\n\\r\\n' >&3\n"
          << "  cat <&3 >/dev/null; exec 3<&-\n";
    }
    script << "  echo '" << result << "'\n"
           << "done\n";
    return "bash " + path;
  }

  std::unique_ptr<ClientAdapter> Adapter(const std::string& command) {
    ClientAdapterOptions options;
    options.command = command;
    options.backend_url = backend_->base_url();
    options.timeout = 3000ms;
    auto adapter = ClientAdapter::Start(options, clock_);
    EXPECT_TRUE(adapter.ok()) << adapter.status().message();
    return adapter.ok() ? std::move(adapter).value() : nullptr;
  }

  reports::CaseReport Run(ClientAdapter& adapter,
                          const KnownDeviations& known = {}) {
    return RunClientScenario(scenario_, adapter, *backend_, known, RunOptions{},
                             clock_);
  }

  core::ManualClock clock_{test::Utc(2024, 5, 15, 10, 20, 30)};
  std::unique_ptr<Target> backend_;
  Scenario scenario_;
  std::string dir_ = [] {
    const std::string d = testing::TempDir() + "/client_run_test";
    std::filesystem::create_directories(d);
    return d;
  }();
};

TEST_F(ClientRunTest, PassesAClientThatSendsAndReadsWhatItShould) {
  auto adapter = Adapter(FakeClient("conformant", "1", kAuthorized));
  ASSERT_NE(adapter, nullptr);
  const reports::CaseReport report = Run(*adapter);
  EXPECT_EQ(report.verdict, reports::Verdict::kPass) << report.message;
  ASSERT_EQ(report.steps.size(), 1u);
  EXPECT_EQ(report.steps[0].exchange.status, 200);  // From the journal.
  EXPECT_THAT(report.steps[0].exchange.target, HasSubstr("usage%5Bhits%5D=1"));
}

TEST_F(ClientRunTest, SaysWhatTheClientSentWrong) {
  auto adapter = Adapter(FakeClient("other_usage", "2", kAuthorized));
  ASSERT_NE(adapter, nullptr);
  const reports::CaseReport report = Run(*adapter);
  EXPECT_EQ(report.verdict, reports::Verdict::kFail);
  EXPECT_EQ(report.message,
            "step 1 (scenarios/clients/fake.toml:16:1): sent usage[hits]: "
            "expected 1, "
            "got 2 (reference model)");
}

TEST_F(ClientRunTest, FailsAClientThatSendsNothing) {
  auto adapter = Adapter(FakeClient("silent", "", kAuthorized));
  ASSERT_NE(adapter, nullptr);
  const reports::CaseReport report = Run(*adapter);
  EXPECT_EQ(report.verdict, reports::Verdict::kFail);
  EXPECT_THAT(report.message,
              HasSubstr("requests the client sent: expected 1 (GET "
                        "/transactions/authorize.xml), got 0 (none)"));
}

TEST_F(ClientRunTest, FailsAClientThatReadsTheAnswerWrong) {
  auto adapter = Adapter(FakeClient(
      "misreads", "1",
      R"({"ok":true,"http_status":200,"plan":"Pro","usage_reports":[]})"));
  ASSERT_NE(adapter, nullptr);
  const reports::CaseReport report = Run(*adapter);
  EXPECT_EQ(report.verdict, reports::Verdict::kFail);
  ASSERT_EQ(report.steps.size(), 1u);
  std::vector<std::string> whats;
  for (const reports::Difference& d : report.steps[0].differences)
    whats.push_back(d.what);
  EXPECT_THAT(whats,
              testing::ElementsAre("plan", "usage_report hits/day", "plan"));
  EXPECT_EQ(report.steps[0].differences[2].source,
            "scenarios/clients/fake.toml:18:10");
}

TEST_F(ClientRunTest, ReportsAListedFailureAsAKnownDeviation) {
  auto adapter = Adapter(FakeClient("silent", "", kAuthorized));
  ASSERT_NE(adapter, nullptr);
  const KnownDeviations known =
      KnownDeviations::Parse(
          "[[deviation]]\ncase = \"clients/fake\"\nreason = \"sends "
          "nothing\"\n",
          "d.toml")
          .value();
  const reports::CaseReport report = Run(*adapter, known);
  EXPECT_EQ(report.verdict, reports::Verdict::kKnownDeviation);
  EXPECT_THAT(report.message, HasSubstr("sends nothing (seen: step 1"));
}

TEST_F(ClientRunTest,
       FailsTheStepOfAClientThatDiesAndStartsItAgainForTheNextCase) {
  // Answers one command per process, then exits 1.
  const std::string path = dir_ + "/once.sh";
  std::ofstream(path)
      << "read -r line; echo '{\"ok\":false}'; echo 'bye' >&2; exit 1\n";
  auto adapter = Adapter("bash " + path);
  ASSERT_NE(adapter, nullptr);
  scenario_.steps.push_back(scenario_.steps.front());
  const reports::CaseReport first = Run(*adapter);
  EXPECT_EQ(first.verdict, reports::Verdict::kFail);
  ASSERT_EQ(first.steps.size(), 2u);
  EXPECT_EQ(first.steps[1].message,
            "client adapter: adapter exited with status 1: bye");
  EXPECT_FALSE(adapter->running());
  const reports::CaseReport second = Run(*adapter);
  EXPECT_EQ(second.verdict, reports::Verdict::kFail);
  EXPECT_EQ(adapter->answered(), 2);
}

TEST_F(ClientRunTest, SkipsAScenarioWithARawStep) {
  Step raw;
  raw.kind = Step::Kind::kRaw;
  raw.raw.target = "/status";
  raw.where = {"scenarios/clients/fake.toml", 20, 1};
  scenario_.steps.push_back(raw);
  auto adapter = Adapter(FakeClient("conformant", "1", kAuthorized));
  ASSERT_NE(adapter, nullptr);
  const reports::CaseReport report = Run(*adapter);
  EXPECT_EQ(report.verdict, reports::Verdict::kSkip);
  EXPECT_EQ(
      report.message,
      "step 2 (scenarios/clients/fake.toml:20:1): a raw request cannot be sent "
      "through a client");
  EXPECT_EQ(adapter->answered(), 0);
}

TEST_F(ClientRunTest, ExitsThreeWhenTheAdapterCannotStart) {
  const std::string file = dir_ + "/fake.toml";
  std::ofstream(file) << kScenario;
  ClientCommandOptions options;
  options.command = "echo 'Error: Cannot find module 3scale' >&2; exit 1";
  options.paths = {file, file};
  options.report_dir = "";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunClientCommand(options, clock_, out, err),
            ExitCode::kInfrastructure);
  EXPECT_THAT(
      err.str(),
      HasSubstr("scalecheck: the client adapter cannot start: step 1 "));
  EXPECT_THAT(err.str(),
              HasSubstr("adapter exited with status 1: Error: Cannot find "
                        "module 3scale"));
  EXPECT_THAT(out.str(), HasSubstr("1 case: 0 passed, 1 failed (1 error)"));
}

TEST_F(ClientRunTest, ExitsZeroWhenEveryCasePassesOrDeviatesAsListed) {
  const std::string file = dir_ + "/fake.toml";
  std::ofstream(file) << kScenario;
  const std::string manifest = dir_ + "/deviations.toml";
  std::ofstream(manifest)
      << "[[deviation]]\ncase = \"clients/fake\"\nreason = \"r\"\n";
  ClientCommandOptions options;
  options.command = FakeClient("conformant", "1", kAuthorized);
  options.paths = {file};
  options.report_dir = "";
  std::ostringstream out;
  std::ostringstream err;
  // It passes although it is listed: the manifest is stale, the run fails.
  options.deviations_path = manifest;
  EXPECT_EQ(RunClientCommand(options, clock_, out, err), ExitCode::kFailed)
      << err.str();
  EXPECT_THAT(out.str(), HasSubstr("known deviation no longer happens"));
  options.deviations_path.clear();
  EXPECT_EQ(RunClientCommand(options, clock_, out, err), ExitCode::kOk)
      << err.str();
}

}  // namespace
}  // namespace scalecheck::harness
