// tests/harness/client_adapter_test.cc
//
// The adapter process and its protocol, with fake adapters written as
// one-line shell scripts: one that answers, one that echoes its command and
// environment back, one that dies, one that hangs (the timeout), one that
// answers nonsense, and the result-line parser table. Processes and sockets:
// a component test.
#include "harness/client_adapter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/testing/utc_time.h"

namespace scalecheck::harness {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

class ClientAdapterTest : public testing::Test {
 protected:
  // Starts `script` as the adapter; nullptr (and a test failure) if it
  // cannot start.
  std::unique_ptr<ClientAdapter> Start(const std::string& script) {
    options_.command = script;
    auto adapter = ClientAdapter::Start(options_, clock_);
    EXPECT_TRUE(adapter.ok()) << adapter.status().message();
    return adapter.ok() ? std::move(adapter).value() : nullptr;
  }

  static ClientCommand Authorize() {
    ClientCommand command;
    command.op = "authorize";
    command.provider_key = "pk";
    command.app_id = "a1";
    command.usage = {{"hits", "1"}};
    return command;
  }

  // A fake that answers every line with `result`.
  static std::string Answering(const std::string& result) {
    return "while read -r line; do echo '" + result + "'; done";
  }

  core::ManualClock clock_{test::Utc(2024, 5, 15, 10, 20, 30)};
  ClientAdapterOptions options_ = [] {
    ClientAdapterOptions o;
    o.backend_url = "http://127.0.0.1:1";
    o.timeout = 2000ms;
    return o;
  }();
};

TEST_F(ClientAdapterTest, ReadsOneResultPerCommand) {
  auto adapter = Start(Answering(
      R"({"ok":true,"http_status":200,"error_code":null,"reason":null,"plan":"Basic",)"
      R"("usage_reports":[{"metric":"hits","period":"day","current_value":1,"max_value":"5",)"
      R"("period_start":"2024-05-15 00:00:00 +0000","exceeded":false}]})"));
  ASSERT_NE(adapter, nullptr);
  for (int i = 0; i < 3; ++i) {
    core::Result<ClientResult> result = adapter->Send(Authorize());
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_TRUE(result.value().ok);
    EXPECT_EQ(result.value().http_status, 200);
    EXPECT_EQ(result.value().plan, "Basic");
    EXPECT_FALSE(result.value().error_code.has_value());
    ASSERT_EQ(result.value().usage_reports.size(), 1u);
    const ClientUsageReport& report = result.value().usage_reports[0];
    EXPECT_EQ(report.metric, "hits");
    EXPECT_EQ(report.current_value, "1");  // A number, as text.
    EXPECT_EQ(report.max_value, "5");
    EXPECT_EQ(report.period_start, "2024-05-15 00:00:00 +0000");
    EXPECT_FALSE(report.period_end.has_value());
    EXPECT_EQ(report.exceeded, false);
  }
  EXPECT_EQ(adapter->answered(), 3);
  EXPECT_TRUE(adapter->running());
}

TEST_F(ClientAdapterTest, SendsTheCommandAsOneJsonLine) {
  // Echoes the command back inside an exception: the line as received.
  auto adapter = Start(
      R"(while read -r line; do printf '{"exception":%s}\n' "$line"; done)");
  ASSERT_NE(adapter, nullptr);
  ClientCommand command = Authorize();
  command.service_token = "st";
  command.log = {{"code", "200"}};
  command.extensions = {{"limit_headers", "1"}};
  core::Result<ClientResult> result = adapter->Send(command);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(
      result.value().exception,
      R"({"op":"authorize","provider_key":"pk","service_token":"st","app_id":"a1",)"
      R"("usage":{"hits":"1"},"log":{"code":"200"},"extensions":{"limit_headers":"1"}})");
}

TEST_F(ClientAdapterTest, WritesReportsWithTheirTransactions) {
  ClientCommand command;
  command.op = "report";
  command.service_id = "s1";
  command.service_token = "st";
  ClientTransaction t;
  t.app_id = "a1";
  t.usage = {{"hits", "1"}, {"search", "#2"}};
  t.timestamp = "2024-05-15 10:00:00 +0000";
  command.transactions = {t, ClientTransaction{}};
  EXPECT_EQ(
      ToJsonLine(command),
      R"({"op":"report","service_id":"s1","service_token":"st","transactions":[)"
      R"({"app_id":"a1","usage":{"hits":"1","search":"#2"},)"
      R"("timestamp":"2024-05-15 10:00:00 +0000"},{}]})");
}

TEST_F(ClientAdapterTest, GivesTheAdapterTheBackendUrlAndTheTimeout) {
  options_.backend_url = "http://127.0.0.1:4242";
  auto adapter = Start(
      R"(read -r line; echo "{\"exception\":\"$SCALECHECK_BACKEND_URL $SCALECHECK_CLIENT_TIMEOUT_MS\"}")");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result.value().exception, "http://127.0.0.1:4242 2000");
}

TEST_F(ClientAdapterTest, ReportsAnAdapterThatDiesWithItsLastStderrLines) {
  auto adapter = Start(
      "read -r line; echo 'loading the client' >&2; "
      "echo 'TypeError: boom' >&2; exit 1");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), core::StatusCode::kUnavailable);
  EXPECT_EQ(
      result.status().message(),
      "adapter exited with status 1: loading the client | TypeError: boom");
  EXPECT_FALSE(adapter->running());
  EXPECT_EQ(adapter->answered(), 0);
  // Another command finds no process rather than crashing.
  EXPECT_EQ(adapter->Send(Authorize()).status().message(),
            "the adapter is not running");
}

TEST_F(ClientAdapterTest, PutsTheErrorBeforeTheStackTraceThatFollowsIt) {
  auto adapter = Start(
      "read -r line; printf 'loader:1228\\n  throw err;\\n\\nError: Cannot "
      "find module x\\n"
      "    at a (m:1)\\n    at b (m:2)\\n    at c (m:3)\\n}\\n\\nNode.js "
      "v20\\n' >&2; exit 1");
  ASSERT_NE(adapter, nullptr);
  EXPECT_EQ(adapter->Send(Authorize()).status().message(),
            "adapter exited with status 1: Error: Cannot find module x | ... | "
            "at a (m:1) | "
            "at b (m:2) | at c (m:3) | } | Node.js v20");
}

TEST_F(ClientAdapterTest, ReportsAnAdapterThatIsGoneBeforeTheCommand) {
  auto adapter =
      Start("exec 0<&-; echo 'cannot find module 3scale' >&2; exit 3");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "adapter exited with status 3: cannot find module 3scale");
}

TEST_F(ClientAdapterTest, ReportsACommandThatCannotRun) {
  auto adapter = Start("scalecheck-no-such-adapter --flag");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(),
              StartsWith("adapter exited with status 127: "));
  EXPECT_THAT(result.status().message(), HasSubstr("not found"));
}

TEST_F(ClientAdapterTest, ReportsADeathBySignal) {
  auto adapter = Start("read -r line; kill -9 $$");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "adapter was killed by signal 9 (SIGKILL)");
}

TEST_F(ClientAdapterTest, TimesOutOnAnAdapterThatNeverAnswersAndStopsIt) {
  options_.timeout = 100ms;
  auto adapter = Start(
      "echo 'waiting for a callback' >&2; while read -r line; do :; done");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), core::StatusCode::kUnavailable);
  EXPECT_EQ(result.status().message(),
            "no result from the adapter within 100 ms (stopped it): waiting "
            "for a callback");
  EXPECT_FALSE(adapter->running());
}

TEST_F(ClientAdapterTest, StartsAgainAfterAFailure) {
  auto adapter =
      Start(R"(read -r line; echo '{"ok":true,"http_status":202}'; exit 1)");
  ASSERT_NE(adapter, nullptr);
  ASSERT_TRUE(adapter->Send(Authorize()).ok());
  ASSERT_FALSE(adapter->Send(Authorize()).ok());  // It has exited.
  ASSERT_FALSE(adapter->running());
  ASSERT_TRUE(adapter->Restart().ok());
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result.value().http_status, 202);
  EXPECT_EQ(adapter->answered(), 2);
}

TEST_F(ClientAdapterTest, StopsAnAdapterThatAnswersSomethingElse) {
  auto adapter = Start("while read -r line; do echo 'Client ready'; done");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), "not a JSON object: 'Client ready'");
  EXPECT_FALSE(adapter->running());  // Out of step: never trusted again.
}

TEST_F(ClientAdapterTest, KeepsAnAdapterThatCannotExpressACommand) {
  auto adapter = Start(Answering(R"({"adapter_error":"unknown op: frob"})"));
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "adapter error: unknown op: frob");
  EXPECT_TRUE(adapter->running());
}

TEST_F(ClientAdapterTest, RefusesAResultLineLongerThanTheLimit) {
  options_.max_line_bytes = 1000;
  auto adapter =
      Start("read -r line; head -c 5000 /dev/zero | tr '\\0' x; echo");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "not a JSON object: a result line longer than 1000 bytes");
  EXPECT_FALSE(adapter->running());
}

TEST_F(ClientAdapterTest, KeepsOnlyTheNewestStderrBytes) {
  options_.stderr_bytes = 64;
  auto adapter = Start(
      "read -r line; i=0; while [ $i -lt 2000 ]; do echo \"line $i\" >&2; "
      "i=$((i+1)); done; exit 2");
  ASSERT_NE(adapter, nullptr);
  core::Result<ClientResult> result = adapter->Send(Authorize());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "adapter exited with status 2: line 1995 | line 1996 | line 1997 | "
            "line 1998 | line 1999");
  // 64 bytes hold the last 6 lines and the end of the one before.
  EXPECT_EQ(adapter->StderrTail(100),
            "993 | line 1994 | line 1995 | line 1996 | line 1997 | line 1998 | "
            "line 1999");
}

TEST_F(ClientAdapterTest, DestroyingItEndsAnAdapterThatIgnoresItsStdin) {
  auto adapter = Start("trap '' TERM HUP; tail -f /dev/null");
  ASSERT_NE(adapter, nullptr);
  adapter.reset();  // Returns: the process group got SIGKILL and was reaped.
  SUCCEED();
}

TEST(ParseResultLineTest, ReadsEveryShapeOfResult) {
  struct Case {
    std::string line;
    std::string error;  // Empty: parses.
  };
  const Case cases[] = {
      {R"({"ok":false,"http_status":"409","reason":"usage limits are exceeded"})",
       ""},
      {R"({"exception":"Client::authorize Server Error Code: 500"})", ""},
      {R"({"exception":{"message":"x"}})", ""},
      {R"({})", ""},
      {"", "not a JSON object: ''"},
      {"[1,2]", "not a JSON object: '[1,2]'"},
      {R"({"ok":"yes"})", "bad result: ok must be true or false"},
      {R"({"http_status":true})",
       "bad result: http_status must be a number, got true"},
      {R"({"usage_reports":{}})", "bad result: usage_reports must be a list"},
      {R"({"usage_reports":[1]})",
       "bad result: each usage report must be an object"},
      {R"({"adapter_error":"no such op"})", "adapter error: no such op"},
  };
  for (const Case& c : cases) {
    core::Result<ClientResult> result = ParseResultLine(c.line);
    if (c.error.empty()) {
      EXPECT_TRUE(result.ok()) << c.line << ": " << result.status().message();
    } else {
      ASSERT_FALSE(result.ok()) << c.line;
      EXPECT_EQ(result.status().message(), c.error) << c.line;
    }
  }
  EXPECT_EQ(ParseResultLine(R"({"ok":false,"http_status":"409"})")
                .value()
                .http_status,
            409);
  EXPECT_EQ(
      ParseResultLine(R"({"exception":{"message":"x"}})").value().exception,
      R"({"message":"x"})");
}

}  // namespace
}  // namespace scalecheck::harness
