#include "reports/console_report.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "reports/presentation.h"
#include "reports/text_diff.h"
#include "reports/text_format.h"

namespace scalecheck::reports {
namespace {

constexpr size_t kMaxTargetBytes = 300;
constexpr size_t kMaxValueBytes = 200;
constexpr size_t kMaxBodyBytes = 300;
constexpr size_t kMaxDiffLines = 60;

// Headers every request of the harness carries; not worth a line each.
constexpr std::array<std::string_view, 6> kDefaultHeaders = {
    "host",       "user-agent",     "accept",
    "connection", "content-length", "accept-encoding"};

namespace ansi {
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kBoldRed = "\x1b[1;31m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";
}  // namespace ansi

std::string Paint(const ConsoleOptions& options, const char* code,
                  std::string_view text) {
  if (!options.color) return std::string(text);
  return std::string(code) + std::string(text) + ansi::kReset;
}

const char* Color(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return ansi::kGreen;
    case Verdict::kFail:
    case Verdict::kError:
      return ansi::kBoldRed;
    case Verdict::kSkip:
      return ansi::kYellow;
    case Verdict::kKnownDeviation:
      return ansi::kCyan;
  }
  return ansi::kReset;
}

std::string Plural(int n, std::string_view noun) {
  std::string out = std::to_string(n) + " " + std::string(noun);
  if (n != 1) out += 's';
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool IsDefaultHeader(std::string_view name) {
  const std::string lower = Lower(name);
  return std::find(kDefaultHeaders.begin(), kDefaultHeaders.end(), lower) !=
         kDefaultHeaders.end();
}

// One value of a Difference, for a single line.
std::string ShowValue(std::string_view value) {
  if (value.empty()) return "(none)";
  return Printable(Truncate(value, kMaxValueBytes));
}

void WriteDiff(std::string_view expected, std::string_view actual,
               const ConsoleOptions& options, const std::string& pad,
               std::ostream& out) {
  out << pad
      << Paint(options, ansi::kGreen,
               "- expected (" + std::to_string(expected.size()) + " bytes)")
      << "  "
      << Paint(options, ansi::kRed,
               "+ actual (" + std::to_string(actual.size()) + " bytes)")
      << '\n';
  const size_t first = FirstDifference(expected, actual);
  if (first != std::string_view::npos) {
    out << pad
        << Paint(options, ansi::kDim,
                 "first difference at byte " + std::to_string(first))
        << '\n';
  }
  const std::vector<DiffLine> lines = DiffBodies(expected, actual);
  size_t shown = 0;
  for (const DiffLine& line : lines) {
    if (shown == kMaxDiffLines) {
      out << pad
          << Paint(options, ansi::kDim,
                   "... (" + std::to_string(lines.size() - shown) +
                       " more diff lines)")
          << '\n';
      break;
    }
    ++shown;
    switch (line.op) {
      case DiffOp::kEqual:
        out << pad << "  " << Printable(line.text) << '\n';
        break;
      case DiffOp::kExpected:
        out << pad << Paint(options, ansi::kGreen, "- " + Printable(line.text))
            << '\n';
        break;
      case DiffOp::kActual:
        out << pad << Paint(options, ansi::kRed, "+ " + Printable(line.text))
            << '\n';
        break;
      case DiffOp::kElided:
        out << pad
            << Paint(options, ansi::kDim,
                     "  ... (" +
                         Plural(static_cast<int>(line.elided), "equal line") +
                         ")")
            << '\n';
        break;
    }
  }
}

void WriteDifference(const StepReport& step, const Difference& d,
                     const ConsoleOptions& options, const std::string& pad,
                     std::ostream& out) {
  const std::string source = d.source.empty() ? "" : "  [" + d.source + "]";
  const std::optional<DiffSides> sides = DiffSidesOf(step, d);
  if (!sides) {
    out << pad << Printable(d.what) << ": expected " << ShowValue(d.expected)
        << ", actual " << ShowValue(d.actual)
        << Paint(options, ansi::kDim, source) << '\n';
    return;
  }
  out << pad << Printable(d.what) << ':' << Paint(options, ansi::kDim, source)
      << '\n';
  WriteDiff(sides->expected, sides->actual, options, pad + "  ", out);
}

void WriteStepLine(const StepReport& step, const ConsoleOptions& options,
                   std::ostream& out) {
  out << "    " << Paint(options, Color(step.verdict), ToString(step.verdict))
      << ' ' << step.index;
  if (step.iteration > 1) out << '.' << step.iteration;
  out << ' ' << Printable(step.kind);
  if (!step.description.empty()) out << ": " << Printable(step.description);
  out << "  (" << FormatMillis(step.duration) << ")\n";
}

}  // namespace

void WriteFailedStep(const StepReport& step, const ConsoleOptions& options,
                     std::ostream& out, size_t indent) {
  const std::string pad(indent, ' ');
  const std::string inner = pad + "  ";
  out << pad;
  if (!step.location.empty()) out << Printable(step.location) << ": ";
  out << "step " << step.index;
  if (step.iteration > 1) out << ", iteration " << step.iteration;
  if (!step.kind.empty()) out << " (" << Printable(step.kind) << ')';
  if (!step.clock.empty()) out << " at " << Printable(step.clock);
  if (!step.description.empty()) out << ": " << Printable(step.description);
  out << '\n';

  const HttpExchange& x = step.exchange;
  if (!x.method.empty()) {
    out << inner << Printable(x.method) << ' '
        << Printable(Truncate(x.target, kMaxTargetBytes)) << '\n';
    for (const auto& [name, value] : x.request_headers) {
      if (IsDefaultHeader(name)) continue;
      out << inner << Printable(name) << ": "
          << Printable(Truncate(value, kMaxValueBytes)) << '\n';
    }
    if (!x.request_body.empty()) {
      out << inner
          << "body: " << Printable(Truncate(x.request_body, kMaxBodyBytes))
          << '\n';
    }
    out << inner << "response: ";
    if (x.status == 0) {
      out << "none\n";
    } else {
      out << x.status << " (" << x.response_body.size() << " bytes)\n";
    }
  }
  if (!step.message.empty()) {
    out << inner << Paint(options, ansi::kRed, Printable(step.message)) << '\n';
  }
  for (const Difference& d : step.differences) {
    WriteDifference(step, d, options, inner, out);
  }
}

void WriteConsoleReport(const RunReport& report, const ConsoleOptions& options,
                        std::ostream& out) {
  for (const CaseReport& c : report.cases) {
    out << Paint(options, Color(c.verdict), VerdictLabel(c.verdict)) << ' '
        << Printable(c.id) << "  (";
    switch (c.verdict) {
      case Verdict::kSkip:
        out << (c.message.empty() ? "skipped" : Printable(c.message));
        break;
      case Verdict::kKnownDeviation:
        out << "known deviation";
        if (!c.message.empty()) out << ": " << Printable(c.message);
        break;
      default:
        out << Plural(static_cast<int>(c.steps.size()), "step") << ", "
            << FormatMillis(c.duration);
    }
    out << ")\n";

    if (options.verbose) {
      for (const StepReport& step : c.steps) WriteStepLine(step, options, out);
    }
    if (!IsFailure(c.verdict)) continue;
    int failed_steps = 0;
    for (const StepReport& step : c.steps) {
      if (!IsFailure(step.verdict)) continue;
      if (failed_steps++ == 0 || options.verbose) {
        WriteFailedStep(step, options, out);
      }
    }
    if (failed_steps == 0 && !c.message.empty()) {
      out << "  " << Paint(options, ansi::kRed, Printable(c.message)) << '\n';
    }
    if (failed_steps > 1 && !options.verbose) {
      out << "  " << Plural(failed_steps - 1, "more failed step")
          << " not shown\n";
    }
  }

  const int passed = report.Count(Verdict::kPass);
  const int errors = report.Count(Verdict::kError);
  const int failed = report.Count(Verdict::kFail) + errors;
  const int skipped = report.Count(Verdict::kSkip);
  const int known = report.Count(Verdict::kKnownDeviation);

  const std::string passed_text = std::to_string(passed) + " passed";
  std::string failed_text = std::to_string(failed) + " failed";
  if (errors > 0) failed_text += " (" + Plural(errors, "error") + ")";
  out << '\n'
      << Plural(static_cast<int>(report.cases.size()), "case") << ": "
      << (passed > 0 ? Paint(options, ansi::kGreen, passed_text) : passed_text)
      << ", "
      << (failed > 0 ? Paint(options, ansi::kBoldRed, failed_text)
                     : failed_text)
      << ", " << skipped << " skipped, " << Plural(known, "known deviation")
      << " in " << FormatMillis(report.wall_time);
  std::vector<std::string> context;
  if (!report.target.empty()) context.push_back("target " + report.target);
  if (!report.compare_mode.empty()) {
    context.push_back("compare " + report.compare_mode);
  }
  context.push_back("seed " + std::to_string(report.seed));
  out << " (";
  for (size_t i = 0; i < context.size(); ++i) {
    out << (i > 0 ? "; " : "") << Printable(context[i]);
  }
  out << ")\n";

  // The plain line CI tools parse: never colored, exactly this format.
  out << passed << " passed, " << failed << " failed";
  if (skipped > 0) out << ", " << skipped << " skipped";
  out << '\n';
}

}  // namespace scalecheck::reports
