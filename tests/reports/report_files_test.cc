// tests/reports/report_files_test.cc
//
// Writing the report files into a directory. Touches the file system (a
// fresh directory under the test's temporary directory), so it is labelled
// component, not unit.
#include "reports/report_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "tests/reports/sample_report.h"

namespace scalecheck::reports {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ReportFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) /
            ("scalecheck_report_files_" + std::string(info->name()));
    std::error_code ec;
    fs::remove_all(root_, ec);
    fs::create_directories(root_, ec);
    ASSERT_FALSE(ec) << ec.message();
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  template <typename Writer>
  static std::string Render(Writer write, const RunReport& run) {
    std::ostringstream out;
    write(run, out);
    return out.str();
  }

  fs::path root_;
  RunReport run_ = test::SampleRun();
};

TEST_F(ReportFilesTest, CreatesTheDirectoryAndWritesTheThreeReports) {
  const fs::path dir = root_ / "nested" / "reports";
  const core::Status status = WriteReportFiles(run_, dir.string());
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(Render(WriteJUnitReport, run_), Read(dir / "junit.xml"));
  EXPECT_EQ(Render(WriteJsonReport, run_), Read(dir / "report.json"));
  EXPECT_EQ(Render(WriteHtmlReport, run_), Read(dir / "report.html"));
}

TEST_F(ReportFilesTest, ReplacesReportsOfAnEarlierRun) {
  {
    std::ofstream old(root_ / "junit.xml");
    old << std::string(100000, 'x');
  }
  const core::Status status = WriteReportFiles(run_, root_.string());
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(Render(WriteJUnitReport, run_), Read(root_ / "junit.xml"));
}

TEST_F(ReportFilesTest, FailsWhenTheDirectoryIsAFile) {
  const fs::path file = root_ / "taken";
  std::ofstream(file) << "not a directory";
  const core::Status status = WriteReportFiles(run_, file.string());
  EXPECT_EQ(core::StatusCode::kUnavailable, status.code());
  EXPECT_THAT(status.message(),
              StartsWith("cannot write " + file.string() + ": "));
}

TEST_F(ReportFilesTest, FailsWhenAReportPathIsADirectory) {
  fs::create_directories(root_ / "report.json");
  const core::Status status = WriteReportFiles(run_, root_.string());
  EXPECT_EQ(core::StatusCode::kUnavailable, status.code());
  EXPECT_THAT(
      status.message(),
      StartsWith("cannot write " + (root_ / "report.json").string() + ": "));
  EXPECT_THAT(status.message(), HasSubstr("is a directory"));
}

}  // namespace
}  // namespace scalecheck::reports
