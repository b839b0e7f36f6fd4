// harness/exit_code.h
//
// The exit statuses of `scalecheck`, listed in every --help. New codes are
// added at the end; existing ones are never renumbered.
#pragma once

namespace scalecheck::harness {

enum class ExitCode {
  kOk = 0,              // Every expectation held.
  kFailed = 1,          // A conformance expectation failed.
  kUsage = 2,           // A bad command line or scenario file.
  kInfrastructure = 3,  // Target unreachable, port in use, I/O error.
};

}  // namespace scalecheck::harness
