#include "reports/junit_report.h"

#include <sstream>
#include <string>
#include <string_view>

#include "reports/console_report.h"
#include "reports/presentation.h"
#include "reports/text_format.h"

namespace scalecheck::reports {
namespace {

constexpr size_t kMaxMessageBytes = 500;

std::string Attr(std::string_view value) { return EscapeXml(value, true); }
std::string Text(std::string_view value) { return EscapeXml(value, false); }

std::string ClassName(const std::string& id) {
  return id.substr(0, id.find('/'));
}

void WriteProperty(std::string_view name, std::string_view value,
                   std::ostream& out) {
  out << "    <property name=\"" << Attr(name) << "\" value=\"" << Attr(value)
      << "\"/>\n";
}

// The failed steps of `c` as the console shows them, or its message.
std::string FailureText(const CaseReport& c) {
  std::ostringstream text;
  for (const StepReport& step : c.steps) {
    if (IsFailure(step.verdict)) {
      WriteFailedStep(step, ConsoleOptions{}, text, 0);
    }
  }
  if (text.tellp() == 0) text << c.message << '\n';
  return text.str();
}

void WriteTestCase(const CaseReport& c, std::ostream& out) {
  out << "  <testcase classname=\"" << Attr(ClassName(c.id)) << "\" name=\""
      << Attr(c.id) << "\" time=\"" << FormatSeconds(c.duration) << '"';
  if (!c.file.empty()) out << " file=\"" << Attr(c.file) << '"';
  const std::string message = Attr(Truncate(c.message, kMaxMessageBytes));
  switch (c.verdict) {
    case Verdict::kPass:
      out << "/>\n";
      return;
    case Verdict::kFail:
    case Verdict::kError: {
      const char* element = c.verdict == Verdict::kFail ? "failure" : "error";
      out << ">\n    <" << element << " message=\"" << message << "\" type=\""
          << ToString(c.verdict) << "\">" << Text(FailureText(c)) << "</"
          << element << ">\n";
      break;
    }
    case Verdict::kSkip:
      out << ">\n    <skipped message=\"" << message << "\"/>\n";
      break;
    case Verdict::kKnownDeviation:
      out << ">\n    <system-out>known deviation"
          << (c.message.empty() ? "" : ": ") << Text(c.message)
          << "</system-out>\n";
      break;
  }
  out << "  </testcase>\n";
}

}  // namespace

void WriteJUnitReport(const RunReport& report, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuite name=\"scalecheck\" tests=\"" << report.cases.size()
      << "\" failures=\"" << report.Count(Verdict::kFail) << "\" errors=\""
      << report.Count(Verdict::kError) << "\" skipped=\""
      << report.Count(Verdict::kSkip) << "\" time=\""
      << FormatSeconds(report.wall_time) << '"';
  if (!report.started_at.empty()) {
    out << " timestamp=\"" << Attr(report.started_at) << '"';
  }
  out << ">\n  <properties>\n";
  WriteProperty("target", report.target, out);
  WriteProperty("seed", std::to_string(report.seed), out);
  WriteProperty("compare_mode", report.compare_mode, out);
  WriteProperty("tool_version", report.tool_version, out);
  WriteProperty("started_at", report.started_at, out);
  out << "  </properties>\n";
  for (const CaseReport& c : report.cases) WriteTestCase(c, out);
  out << "</testsuite>\n";
}

}  // namespace scalecheck::reports
