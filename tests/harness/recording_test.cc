// tests/harness/recording_test.cc
//
// LoadRecording() on real golden files and on broken ones written to a
// temporary directory.
#include "harness/recording.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/period.h"

#ifndef SCALECHECK_SOURCE_DIR
#define SCALECHECK_SOURCE_DIR "/work/main"
#endif

namespace scalecheck::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

const std::string kGolden = SCALECHECK_SOURCE_DIR "/../shared/golden";

core::UtcTime At(const char* iso) {
  const std::optional<core::UtcTime> t = core::ParseIso8601(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return t.value_or(core::UtcTime{});
}

// A fresh directory per test for hand-written recordings.
class RecordingFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("scalecheck_recording_test_" + std::to_string(::getpid()) + "_" +
            info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // A valid recording with one step whose request members are `request`.
  static std::string WithRequest(const std::string& request) {
    return R"({"format":1,"name":"a/b","steps":[{"at":"2026-11-22T02:05:22.246Z",)"
           R"("request":)" +
           request +
           R"(,"response":{"status":200,"reason":"OK","headers":{},)"
           R"("framing":"none","body":""}}]})";
  }

  std::filesystem::path dir_;
};

TEST(RecordingTest, LoadsAGoldenCase) {
  const std::string path = kGolden + "/authorize__basic_no_limits.json";
  const core::Result<Case> loaded = LoadRecording(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Case& c = *loaded;
  EXPECT_EQ(c.name, "authorize/basic_no_limits");
  EXPECT_EQ(c.area, "authorize");
  EXPECT_THAT(c.description, StartsWith("Spec 7.1:"));
  EXPECT_THAT(c.unordered, IsEmpty());
  EXPECT_EQ(c.path, path);

  ASSERT_EQ(c.fixture.size(), 4u);
  EXPECT_EQ(c.fixture[0].method, "POST");
  EXPECT_EQ(c.fixture[0].path, "/services/");
  EXPECT_EQ(
      c.fixture[0].body,
      R"({"service":{"id":"4125611","provider_key":"pk412561","state":"active"}})");
  EXPECT_EQ(c.fixture[0].status, 201);
  EXPECT_THAT(c.fixture[0].response_body,
              StartsWith(R"({"service":{"id":"4125611")"));

  ASSERT_GE(c.steps.size(), 1u);
  const RecordedStep& step = c.steps[0];
  EXPECT_EQ(step.at, At("2026-11-22T02:15:17.219Z"));
  EXPECT_EQ(step.request.api, Api::kPublic);
  EXPECT_EQ(step.request.method, "GET");
  EXPECT_EQ(step.request.target,
            "/transactions/authorize.xml?provider_key=pk412561&app_id=a1");
  EXPECT_EQ(step.request.version, "HTTP/1.1");
  EXPECT_THAT(step.request.headers,
              ElementsAre(Pair("Host", "su1.3scale.net")));
  EXPECT_EQ(step.request.body, "");
  EXPECT_EQ(step.response.status, 200);
  EXPECT_EQ(step.response.reason, "OK");
  EXPECT_THAT(
      step.response.headers,
      ElementsAre(Pair("content-type", "application/vnd.3scale-v2.0+xml"),
                  Pair("access-control-allow-origin", "*"),
                  Pair("access-control-expose-headers",
                       "ETag, Link, 3scale-rejection-reason"),
                  Pair("x-content-type-options", "nosniff"),
                  Pair("content-length", "102")));
  EXPECT_EQ(step.response.framing, Framing::kContentLength);
  EXPECT_EQ(step.response.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><status><authorized>"
            "true</authorized><plan>Basic</plan></status>");
  EXPECT_THAT(step.response.interim, IsEmpty());
  EXPECT_FALSE(step.after_flush);
  EXPECT_EQ(step.compare, RecordedCompare::kFull);
}

TEST(RecordingTest, KeepsRequestHeaderOrderAndInterimResponses) {
  const core::Result<Case> loaded =
      LoadRecording(kGolden + "/clients__dotnet_report.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const RecordedStep& step = loaded->steps.at(0);
  ASSERT_EQ(step.request.headers.size(), 5u);
  EXPECT_EQ(step.request.headers[0].first, "X-3scale-User-Agent");
  EXPECT_EQ(step.request.headers[3],
            (std::pair<std::string, std::string>("Expect", "100-continue")));
  EXPECT_EQ(step.request.headers[4].first, "Host");
  EXPECT_THAT(step.response.interim, ElementsAre("HTTP/1.1 100 Continue"));
}

TEST(RecordingTest, ReadsVersionsCompareModesAndInternalSteps) {
  const core::Result<Case> http10 =
      LoadRecording(kGolden + "/routing__http10_and_connection_headers.json");
  ASSERT_TRUE(http10.ok()) << http10.status().message();
  EXPECT_EQ(http10->steps.at(0).request.version, "HTTP/1.0");
  EXPECT_EQ(http10->steps.at(1).response.framing, Framing::kNone);

  const core::Result<Case> log_only =
      LoadRecording(kGolden + "/authrep__log_only.json");
  ASSERT_TRUE(log_only.ok()) << log_only.status().message();
  EXPECT_EQ(log_only->steps.at(4).compare, RecordedCompare::kStatus);

  const core::Result<Case> internal =
      LoadRecording(kGolden + "/internal__keys_and_referrer_filters.json");
  ASSERT_TRUE(internal.ok()) << internal.status().message();
  EXPECT_EQ(internal->steps.at(0).request.api, Api::kInternal);
  EXPECT_EQ(internal->steps.at(0).request.target,
            "/services/9293131/applications/a1/keys/");
  EXPECT_THAT(internal->unordered, ElementsAre(HasSubstr("application_keys")));
  // Created by internal steps, in order.
  EXPECT_THAT(internal->app_keys, ElementsAre("k2", "k1"));
}

TEST(RecordingTest, CollectsTheApplicationKeysTheFixtureCreates) {
  const core::Result<Case> loaded =
      LoadRecording(kGolden + "/oauth__multiple_keys.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_THAT(loaded->app_keys, ElementsAre("kb", "ka"));
  EXPECT_FALSE(loaded->unordered.empty());
}

TEST(RecordingTest, LoadsEveryGoldenCase) {
  const core::Result<std::vector<std::string>> files = ExpandPaths({kGolden});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_GE(files->size(), 150u);
  for (const std::string& file : *files) {
    EXPECT_THAT(file, ::testing::EndsWith(".json"));
    const core::Result<Case> loaded = LoadRecording(file);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_FALSE(loaded->steps.empty()) << file;
  }
  EXPECT_TRUE(std::is_sorted(files->begin(), files->end()));
}

TEST_F(RecordingFilesTest, ExpandsDirectoriesToTheirSortedJsonFiles) {
  Write("b.json", "{}");
  Write("a.json", "{}");
  Write("README.md", "# not a recording");
  std::filesystem::create_directory(dir_ / "sub.json");
  const std::string single = Write("x.txt", "{}");
  const core::Result<std::vector<std::string>> files =
      ExpandPaths({dir_.string(), single});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_THAT(*files, ElementsAre((dir_ / "a.json").string(),
                                  (dir_ / "b.json").string(), single));
}

TEST_F(RecordingFilesTest, ExpandPathsSaysWhatIsMissing) {
  const std::string missing = (dir_ / "nope").string();
  const core::Result<std::vector<std::string>> files = ExpandPaths({missing});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(files.status().message(), missing + ": no such file or directory");

  Write("README.md", "#");
  const core::Result<std::vector<std::string>> empty =
      ExpandPaths({dir_.string()});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            dir_.string() + ": no *.json recordings in it");
}

TEST_F(RecordingFilesTest, DecodesBase64BodiesAndHeaderPairs) {
  const std::string path = Write(
      "b64.json",
      WithRequest(R"({"api":"public","method":"POST","target":"/t",)"
                  R"("headers":[["X-A","1"],["X-A","2"]],"body_b64":"/wBh"})"));
  const core::Result<Case> loaded = LoadRecording(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->area, "a");  // Taken from the name when absent.
  EXPECT_EQ(loaded->steps[0].request.body, std::string("\xff\0a", 3));
  EXPECT_THAT(loaded->steps[0].request.headers,
              ElementsAre(Pair("X-A", "1"), Pair("X-A", "2")));
}

TEST_F(RecordingFilesTest, SaysWhereARecordingIsWrong) {
  struct Case {
    std::string text;
    std::string error;  // After "<path>: ".
  };
  const std::string ok_request = R"({"method":"GET","target":"/"})";
  const Case cases[] = {
      {"{", "parse error at line 1, column 2"},
      {"[]", "expected a JSON object"},
      {R"({"format":2,"name":"a/b","steps":[]})",
       "format: unsupported format 2 (this scalecheck reads format 1)"},
      {R"({"format":1,"steps":[]})", "missing 'name'"},
      {R"({"format":1,"name":"a/b"})", "missing 'steps'"},
      {R"({"format":1,"name":"a/b","steps":[{"at":"yesterday"}]})",
       "step 1.at: bad time 'yesterday' (expected 2026-11-22T02:05:22.246Z)"},
      {R"({"format":1,"name":"a/b","steps":[{"at":"2026-11-22T02:05:22.246Z"}]})",
       "step 1: missing 'request'"},
      {WithRequest(R"({"api":"admin","method":"GET","target":"/"})"),
       "step 1.request.api: unknown api 'admin' (public or internal)"},
      {WithRequest(R"({"method":"GET"})"), "step 1.request: missing 'target'"},
      {WithRequest(R"({"method":"GET","target":"/","headers":{"Host":1}})"),
       "step 1.request.headers.Host: expected a string"},
      {WithRequest(R"({"method":"GET","target":"/","body_b64":"@@"})"),
       "step 1.request.body_b64: not valid base64"},
      {R"({"format":1,"name":"a/b","fixture":[{"method":"POST"}],"steps":[]})",
       "fixture 1: missing 'path'"},
      {R"({"format":1,"name":"a/b","fixture":[{"method":"POST","path":"/",)"
       R"("response":{"status":"201"}}],"steps":[]})",
       "fixture 1.response.status: expected an HTTP status (100-999)"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string path =
        Write("bad" + std::to_string(i++) + ".json", c.text);
    const core::Result<harness::Case> loaded = LoadRecording(path);
    ASSERT_FALSE(loaded.ok()) << c.text;
    EXPECT_EQ(loaded.status().code(), core::StatusCode::kInvalidArgument)
        << c.text;
    EXPECT_THAT(loaded.status().message(), StartsWith(path + ": ")) << c.text;
    EXPECT_THAT(loaded.status().message(), HasSubstr(c.error)) << c.text;
  }
  // The same checks apply to the response and the step's options.
  const std::string response = Write(
      "framing.json",
      R"({"format":1,"name":"a/b","steps":[{"at":"2026-11-22T02:05:22Z",)"
      R"("request":)" +
          ok_request +
          R"(,"response":{"status":200,"framing":"gzip"},"compare":"body"}]})");
  const core::Result<harness::Case> loaded = LoadRecording(response);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            response +
                ": step 1.response.framing: unknown framing 'gzip' "
                "(content-length, chunked or none)");
}

TEST_F(RecordingFilesTest, SaysWhenAFileCannotBeOpened) {
  const std::string path = (dir_ / "absent.json").string();
  const core::Result<Case> loaded = LoadRecording(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(loaded.status().message(), path + ": cannot open the file");
}

TEST(Base64Test, EncodesAndDecodes) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"scalecheck:scalecheck", "c2NhbGVjaGVjazpzY2FsZWNoZWNr"},
      {"foo:bar", "Zm9vOmJhcg=="},
      {std::string("\xff\x00\x61", 3), "/wBh"},
  };
  for (const auto& [bytes, text] : cases) {
    EXPECT_EQ(Base64Encode(bytes), text) << text;
    EXPECT_EQ(Base64Decode(text), bytes) << text;
  }
  EXPECT_EQ(Base64Decode("Zm8"), "fo");  // Unpadded.
  EXPECT_EQ(Base64Decode("Zm9v\nYmFy"), "foobar");
  EXPECT_EQ(Base64Decode("Z"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm=v"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm9v!"), std::nullopt);
}

}  // namespace
}  // namespace scalecheck::harness
