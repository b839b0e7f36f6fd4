// reports/report_files.h
//
// Writes a run's report files into a directory: the one place in reports/
// that touches the file system. Not thread-safe with respect to other writers
// of the same directory.
#pragma once

#include <string>

#include "core/status.h"
#include "reports/run_report.h"

namespace scalecheck::reports {

// Creates `dir` (and its parents) if needed and writes junit.xml, report.json
// and report.html into it, replacing files of those names. Returns
// kUnavailable "cannot write <path>: <why>" for the first directory or file
// that cannot be created or written (an empty `dir` included); files written
// before it stay.
core::Status WriteReportFiles(const RunReport& report, const std::string& dir);

}  // namespace scalecheck::reports
