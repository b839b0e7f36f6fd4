// tests/mock_backend/bad_input_test.cc
//
// The mock backend against bad input over a real socket (issue 3, item 8):
// the parameter errors of spec 2.3 steps 1 and 5 and golden badinput/*
// (invalid UTF-8, malformed %-escapes, conflicting nested types, deep
// nesting, more than 4096 parameters, huge values), Puma's and Rack's size
// limits, broken HTTP (garbage request lines, truncated heads and bodies,
// stalled clients), invalid JSON on the internal and control APIs. After
// every rejected request no counter has changed and the server still
// answers. No test sleeps: a stall is detected by a bounded poll().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mock_backend/mock_server.h"
#include "tests/testing/loopback_socket.h"
#include "tests/testing/running_mock.h"

namespace scalecheck::mock_backend {
namespace {

using test::LoopbackSocket;
using test::RequestBytes;
using test::RunningMock;
using test::WireResponse;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kNotValidData[] =
    "<error code=\"not_valid_data\">all data must be valid UTF8</error>";
constexpr char kBadPercent[] =
    "<error code=\"bad_request\">Invalid query parameters: invalid "
    "%-encoding";

// An authrep of one hit for a1 with `params` appended: it would count if
// `params` did not spoil it.
std::string AuthRep(std::string_view params) {
  return RunningMock::AuthRepTarget("a1") +
         (params.empty() ? "" : "&" + std::string(params));
}

std::string Repeat(std::string_view s, size_t times) {
  std::string out;
  out.reserve(s.size() * times);
  for (size_t i = 0; i < times; ++i) out.append(s);
  return out;
}

// A report whose head is complete but whose body stops after 10 bytes.
std::string ReportCutInsideItsBody(std::string_view app) {
  const std::string whole =
      RequestBytes("POST", "/transactions.xml", RunningMock::ReportBody(app),
                   RunningMock::FormHeader());
  return whole.substr(0, whole.find("\r\n\r\n") + 4 + 10);
}

class MockBadInputTest : public testing::Test {
 protected:
  explicit MockBadInputTest(MockOptions options = {}) : mock_(options) {}

  void SetUp() override {
    ASSERT_TRUE(mock_.ok());
    mock_.SeedStandardFixture(1000, "eternity");
    // One counted hit, so the state export has counters to compare.
    ASSERT_EQ(200, mock_.Call("GET", AuthRep("")).status);
    ASSERT_EQ(1, mock_.Utilization("a1"));
  }

  // Sends `bytes` on a fresh connection and checks the answer's status and
  // that the body contains `body_part`; then that no counter changed and
  // that the server still answers. Returns the answer.
  WireResponse ExpectRejected(std::string_view bytes, int status,
                              std::string_view body_part,
                              const std::string& where) {
    const std::string before = mock_.Counters();
    const WireResponse r = mock_.Send(bytes);
    EXPECT_EQ(status, r.status) << where << "\n" << r.head << "\n" << r.body;
    EXPECT_THAT(r.body, HasSubstr(std::string(body_part))) << where;
    if (r.status == 500) {
      // Where apisonator prints a backtrace, the mock says why in a line.
      EXPECT_THAT(r.body, StartsWith("internal server error: ")) << where;
      EXPECT_LT(r.body.size(), 200u) << where;
    }
    ExpectNothingCountedAndStillServing(before, where);
    return r;
  }

  void ExpectNothingCountedAndStillServing(const std::string& counters_before,
                                           const std::string& where) {
    EXPECT_EQ(counters_before, mock_.Counters()) << where;
    EXPECT_EQ(1, mock_.Utilization("a1")) << where;
    EXPECT_EQ(200, mock_
                       .Call("GET",
                             "/transactions/authorize.xml?"
                             "provider_key=pk1&app_id=a1")
                       .status)
        << where << ": the server no longer answers";
  }

  RunningMock mock_;
};

struct Case {
  const char* name;
  std::string target;
  int status;
  std::string body_part;  // The body must contain it ("" matches any).
};

TEST_F(MockBadInputTest,
       ParameterErrorsOfTheAuthorizationEndpointsCountNothing) {
  // The referrer is only read for an application with filters.
  mock_.Seed("PUT", "/services/s1",
             R"({"service":{"referrer_filters_required":true}})");
  mock_.Seed("POST", "/services/s1/applications/a2/referrer_filters",
             R"({"referrer_filter":"*.example.org"})");
  // Spec 2.3 steps 1 and 5 with apisonator 3.4.3's answers (golden
  // badinput/*, "Surprises" 3, 5, 7).
  const std::vector<Case> cases = {
      // Step 1: encoding.
      {"invalid UTF-8 app_id",
       "/transactions/authrep.xml?provider_key=pk1&"
       "app_id=%ff%fe&usage%5Bhits%5D=1",
       400, kNotValidData},
      {"invalid UTF-8 provider_key",
       "/transactions/authrep.xml?provider_key="
       "%ff&app_id=a1&usage%5Bhits%5D=1",
       400, kNotValidData},
      {"invalid UTF-8 service_id", AuthRep("service_id=%c3%28"), 400,
       kNotValidData},
      {"invalid UTF-8 app_key", AuthRep("app_key=%80"), 400, kNotValidData},
      {"invalid UTF-8 user_key", AuthRep("user_key=%ff"), 400, kNotValidData},
      {"invalid UTF-8 metric name", AuthRep("usage%5B%ff%5D=1"), 400,
       kNotValidData},
      {"invalid UTF-8 parameter name", AuthRep("%ff=1"), 400, kNotValidData},
      {"invalid UTF-8 usage value",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&"
       "usage%5Bhits%5D=%ff",
       500, ""},
      {"invalid UTF-8 referrer checked against a filter",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a2&"
       "usage%5Bhits%5D=1&referrer=%ff",
       500, ""},
      {"malformed % in app_key", AuthRep("app_key=%zz"), 400, kBadPercent},
      {"lone % in usage",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&usage%5Bhits%5D=%",
       400, kBadPercent},
      {"short % escape", AuthRep("x=%4"), 400, kBadPercent},
      {"usage[] then usage[hits]",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&usage%5B%5D=1&"
       "usage%5Bhits%5D=1",
       400, "request contains syntax errors"},
      {"usage[hits] then usage[]", AuthRep("usage%5B%5D=1"), 400,
       "expected Array (got Rack::QueryParser::Params)"},
      {"usage then usage[hits]",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&usage=1&"
       "usage%5Bhits%5D=1",
       400, "expected Hash (got String)"},
      {"app_id[x] then app_id[]", AuthRep("app_id%5Bx%5D=1&app_id%5B%5D=2"),
       400, "expected Hash (got String)"},
      // Step 5: usage present but not a hash: 403 with an empty body.
      {"usage[hits] then usage", AuthRep("usage=1"), 403, ""},
      {"empty usage",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&usage=", 403, ""},
      {"scalar usage",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&usage=1001", 403,
       ""},
      // Step 4, between them.
      {"user_id", AuthRep("user_id=u1"), 400, "end_users_no_longer_supported"},
      // Rack's limits: 500, as apisonator 3.4.3 on Debian's rack.
      {"nesting deeper than 100", AuthRep("x" + Repeat("%5Ba%5D", 101) + "=1"),
       500, ""},
      {"more than 4096 parameters", AuthRep(Repeat("&", 4096)), 500, ""},
      // Huge values within Puma's 10 KiB query limit.
      {"3,000-byte app_id",
       "/transactions/authrep.xml?provider_key=pk1&usage%5Bhits%5D=1&app_id=" +
           std::string(3000, 'a'),
       404, "<error code=\"application_not_found\">"},
      {"5,000-digit usage value",
       "/transactions/authrep.xml?provider_key=pk1&app_id=a1&usage%5Bhits%5D=" +
           std::string(5000, '9'),
       409, "<reason>usage limits are exceeded</reason>"},
  };
  for (const Case& c : cases) {
    ExpectRejected(RequestBytes("GET", c.target), c.status, c.body_part,
                   c.name);
  }
}

TEST_F(MockBadInputTest, TheUnspoiledRequestsDoCount) {
  // The control for the table above: the same authrep without the defect
  // counts, and an invalid UTF-8 value of an unknown parameter is ignored.
  EXPECT_EQ(200, mock_.Call("GET", AuthRep("")).status);
  EXPECT_EQ(200, mock_.Call("GET", AuthRep("foo=%ff")).status);
  EXPECT_EQ(
      200,
      mock_.Call("GET", AuthRep("x" + Repeat("%5Ba%5D", 98) + "=1")).status);
  EXPECT_EQ(200, mock_.Call("GET", AuthRep(Repeat("&", 4000))).status);
  EXPECT_EQ(5, mock_.Utilization("a1"));
}

TEST_F(MockBadInputTest, BadReportsCountNothing) {
  const std::string form = RunningMock::FormHeader();
  const struct {
    const char* name;
    std::string body;
    std::string headers;
    int status;
    std::string body_part;
  } cases[] = {
      {"invalid UTF-8 in a transaction",
       "provider_key=pk1&transactions%5B0%5D%5Bapp_id%5D=a1&transactions%5B0%"
       "5D%5Busage%5D%5Bhits%5D=1&transactions%5B1%5D%5Bapp_id%5D=%ff",
       form, 400, kNotValidData},
      {"malformed % in a usage value",
       "provider_key=pk1&transactions%5B0%5D%5Bapp_id%5D=a1&transactions%5B0%"
       "5D%5Busage%5D%5Bhits%5D=%zz",
       form, 400, kBadPercent},
      {"malformed % in provider_key",
       "provider_key=%zz&transactions%5B0%5D%5Bapp_id%5D=a1&transactions%5B0%"
       "5D%5Busage%5D%5Bhits%5D=1",
       form, 400, kBadPercent},
      {"transaction both string and hash",
       "provider_key=pk1&transactions%5B0%5D=x&transactions%5B0%5D%5Bapp_id%5D="
       "a1&transactions%5B0%5D%5Busage%5D%5Bhits%5D=1",
       form, 400, "expected Hash (got String)"},
      {"transaction not a hash", "provider_key=pk1&transactions%5B0%5D=a1",
       form, 500, ""},
      {"no transactions", "provider_key=pk1", form, 400,
       "transactions_is_blank"},
      {"JSON content type", RunningMock::ReportBody("a1"),
       "Content-Type: application/json\r\n", 400, "content_type_invalid"},
      {"more than 4096 parameters",
       RunningMock::ReportBody("a1") + Repeat("&", 4096), form, 500, ""},
      {"a body over 4 MiB",
       RunningMock::ReportBody("a1") +
           "&x=" + std::string(size_t{5} << 20, 'x'),
       form, 500, ""},
  };
  for (const auto& c : cases) {
    ExpectRejected(RequestBytes("POST", "/transactions.xml", c.body, c.headers),
                   c.status, c.body_part, c.name);
  }
}

TEST_F(MockBadInputTest, AQueryOverTenKibIsRefusedWithoutHeaders) {
  // Puma's limit, before the application runs: a bare status line.
  const WireResponse r = ExpectRejected(
      RequestBytes("GET", AuthRep("x=" + std::string(10 * 1024, 'x'))), 400, "",
      "10 KiB query");
  EXPECT_EQ("HTTP/1.1 400 Bad Request", r.head);
  EXPECT_THAT(r.body, IsEmpty());
}

TEST_F(MockBadInputTest, BrokenRequestsGetA400AndCountNothing) {
  const struct {
    const char* name;
    std::string bytes;
  } cases[] = {
      {"garbage request line", "GARBAGE\r\n\r\n"},
      {"no version", "GET " + AuthRep("") + "\r\n\r\n"},
      {"not HTTP", "GET " + AuthRep("") + " SPDY/3\r\n\r\n"},
      {"binary",
       std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) +
           "\r\n\r\n"},
      {"header without a colon",
       "GET " + AuthRep("") + " HTTP/1.1\r\nHost su1.3scale.net\r\n\r\n"},
      {"header name missing",
       "GET " + AuthRep("") + " HTTP/1.1\r\n: x\r\n\r\n"},
      {"head over 80 KiB", "GET " + AuthRep("") + " HTTP/1.1\r\nX-Big: " +
                               std::string(100 * 1024, 'x') + "\r\n\r\n"},
      {"content-length not a number",
       "POST /transactions.xml HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"},
      {"content-length over 64 MiB",
       "POST /transactions.xml HTTP/1.1\r\nContent-Length: "
       "99999999999\r\n\r\n"},
      {"bad chunk size",
       "POST /transactions.xml HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
       "Content-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\n"},
  };
  for (const auto& c : cases) {
    const WireResponse r = ExpectRejected(c.bytes, 400, "", c.name);
    EXPECT_THAT(r.head, StartsWith("HTTP/1.1 400 ")) << c.name;
  }
}

TEST_F(MockBadInputTest, TruncatedRequestsCountNothing) {
  const struct {
    const char* name;
    std::string bytes;
  } cases[] = {
      {"head cut short", "GET " + AuthRep("") + " HTTP/1.1\r\nHost: x\r\n"},
      {"request line cut short", "GET " + AuthRep("")},
      {"body cut short", ReportCutInsideItsBody("a1")},
      {"chunked body without its last chunk",
       "POST /transactions.xml HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
       "Content-Type: application/x-www-form-urlencoded\r\n\r\n10\r\n"
       "provider_key=pk1\r\n"},
  };
  for (const auto& c : cases) {
    const std::string before = mock_.Counters();
    LoopbackSocket socket(mock_.port());
    ASSERT_TRUE(socket.Send(c.bytes)) << c.name;
    socket.ShutdownWrite();  // The client is gone mid-request.
    const std::string answer = socket.ReadUntilClosed();
    EXPECT_TRUE(socket.peer_closed()) << c.name;
    EXPECT_THAT(answer,
                ::testing::AnyOf(IsEmpty(), StartsWith("HTTP/1.1 400 ")))
        << c.name;
    ExpectNothingCountedAndStillServing(before, c.name);
  }
}

TEST_F(MockBadInputTest, InvalidJsonOnTheInternalApiIsA400WithAJsonError) {
  const struct {
    const char* name;
    std::string body;
    std::string error;
  } cases[] = {
      {"not JSON", "{\"application\":", "invalid JSON in the request body"},
      {"not an object", "[1,2]", "the request body must be a JSON object"},
      {"nested too deep", Repeat("[", 200) + Repeat("]", 200),
       "invalid JSON in the request body"},
  };
  for (const auto& c : cases) {
    const WireResponse r = ExpectRejected(
        RequestBytes("PUT", "/internal/services/s1/applications/a1", c.body,
                     "Content-Type: application/json\r\n"),
        400, "", c.name);
    EXPECT_EQ("application/json", r.Header("content-type").value_or(""))
        << c.name;
    EXPECT_EQ(R"({"status":"error","error":")" + c.error + "\"}", r.body)
        << c.name;
  }
  // The application was not touched.
  EXPECT_EQ(200, mock_.Call("GET", AuthRep("")).status);
}

TEST_F(MockBadInputTest, TheControlApiAnswersJsonErrors) {
  const struct {
    const char* name;
    const char* method;
    const char* path;
    std::string body;
    int status;
    std::string error;
  } cases[] = {
      {"unknown operation", "GET", "/nope", "", 404,
       "unknown control operation GET /__scalecheck/nope"},
      {"wrong method", "GET", "/reset", "", 404,
       "unknown control operation GET /__scalecheck/reset"},
      {"unknown fault id", "DELETE", "/faults/f99", "", 404,
       "no fault rule 'f99'"},
      {"invalid JSON", "PUT", "/clock", "{\"advance\":", 400,
       "request body is not valid JSON"},
      {"not a duration", "PUT", "/clock", R"({"advance":"soon"})", 400, ""},
      {"not a time", "PUT", "/clock", R"({"now":"yesterday"})", 400,
       "'now' must be an ISO 8601 time"},
      {"unknown mode", "PUT", "/clock", R"({"mode":"rewind"})", 400,
       "'mode' must be"},
      {"bad journal status", "GET", "/journal?status=abc", "", 400,
       "status must be a number"},
  };
  for (const auto& c : cases) {
    const WireResponse r = ExpectRejected(
        RequestBytes(
            c.method, std::string(kControlPrefix) + c.path, c.body,
            c.body.empty() ? "" : "Content-Type: application/json\r\n"),
        c.status, c.error, c.name);
    EXPECT_EQ("application/json", r.Header("content-type").value_or(""))
        << c.name;
    EXPECT_THAT(r.body, StartsWith(R"({"status":"error","error":")")) << c.name;
  }
}

TEST_F(MockBadInputTest, ASlowClientDoesNotHoldUpOthers) {
  LoopbackSocket slow(mock_.port());
  ASSERT_TRUE(slow.Send("GET " + AuthRep("") + " HTTP/1.1\r\nHost: x"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(200, mock_.Call("GET", AuthRep("")).status) << i;
  }
  // Well within the 5 s read timeout, the slow client finishes its request.
  ASSERT_TRUE(slow.Send("\r\n\r\n"));
  const std::optional<WireResponse> r = slow.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(200, r->status);
  EXPECT_EQ(22, mock_.Utilization("a1"));
}

// A short read timeout, so that a stalled client is dropped quickly.
class MockStalledClientTest : public MockBadInputTest {
 protected:
  static MockOptions ShortTimeout() {
    MockOptions options;
    options.read_timeout_s = 1;
    return options;
  }
  MockStalledClientTest() : MockBadInputTest(ShortTimeout()) {}
};

TEST_F(MockStalledClientTest, IsDroppedAfterTheReadTimeoutAndCountsNothing) {
  const std::string before = mock_.Counters();
  LoopbackSocket stalled_head(mock_.port());
  LoopbackSocket stalled_body(mock_.port());
  ASSERT_TRUE(stalled_head.Send("GET " + AuthRep("") + " HTTP/1.1\r\nHost: x"));
  ASSERT_TRUE(stalled_body.Send(ReportCutInsideItsBody("a2")));

  // Others are served meanwhile (authorize counts nothing).
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(200, mock_
                       .Call("GET",
                             "/transactions/authorize.xml?"
                             "provider_key=pk1&app_id=a2")
                       .status)
        << i;
  }
  // The server gives up on both after its read timeout (bounded wait).
  EXPECT_TRUE(stalled_head.WaitForClose());
  EXPECT_TRUE(stalled_body.WaitForClose());
  ExpectNothingCountedAndStillServing(before, "stalled");
  EXPECT_EQ(0, mock_.Utilization("a2"));
}

TEST_F(MockStalledClientTest,
       AnIdleKeepAliveConnectionIsClosedAfterTheTimeout) {
  LoopbackSocket socket(mock_.port());
  ASSERT_TRUE(socket.Send(RequestBytes("GET", AuthRep(""))));
  ASSERT_TRUE(socket.ReadResponse().has_value());
  EXPECT_TRUE(socket.WaitForClose());
  EXPECT_EQ(2, mock_.Utilization("a1"));
}

}  // namespace
}  // namespace scalecheck::mock_backend
