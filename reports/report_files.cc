#include "reports/report_files.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <system_error>

#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"

namespace scalecheck::reports {
namespace {

namespace fs = std::filesystem;

core::Status CannotWrite(const fs::path& path, std::string why) {
  // Messages are lowercase; strerror's start with a capital.
  if (!why.empty() && why[0] >= 'A' && why[0] <= 'Z') {
    why[0] = static_cast<char>(why[0] - 'A' + 'a');
  }
  return core::Status::Unavailable("cannot write " + path.string() + ": " +
                                   why);
}

std::string ErrnoText(int error) {
  if (error == 0) return "i/o error";
  return std::error_code(error, std::generic_category()).message();
}

template <typename Writer>
core::Status WriteFile(const fs::path& path, const RunReport& report,
                       Writer write) {
  errno = 0;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return CannotWrite(path, ErrnoText(errno));
  write(report, file);
  file.flush();
  if (!file) return CannotWrite(path, ErrnoText(errno));
  file.close();
  if (file.fail()) return CannotWrite(path, ErrnoText(errno));
  return core::Status();
}

}  // namespace

core::Status WriteReportFiles(const RunReport& report, const std::string& dir) {
  if (dir.empty()) {
    return core::Status::Unavailable("cannot write \"\": no directory given");
  }
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return CannotWrite(root, ec.message());
  if (!fs::is_directory(root, ec)) {
    return CannotWrite(root, ec ? ec.message() : "not a directory");
  }

  if (core::Status s = WriteFile(root / "junit.xml", report, WriteJUnitReport);
      !s.ok()) {
    return s;
  }
  if (core::Status s = WriteFile(root / "report.json", report, WriteJsonReport);
      !s.ok()) {
    return s;
  }
  return WriteFile(root / "report.html", report, WriteHtmlReport);
}

}  // namespace scalecheck::reports
