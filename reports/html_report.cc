#include "reports/html_report.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/presentation.h"
#include "reports/text_diff.h"
#include "reports/text_format.h"

namespace scalecheck::reports {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr int kMaxFailuresOpen = 5;

constexpr std::string_view kStyle = R"css(
:root{--pass:#1a7f37;--fail:#cf222e;--error:#bc4c00;--skip:#9a6700;
--known:#8250df;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#eef1f4;
--bg:#f6f8fa;--mono:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);
font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",Helvetica,Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:28px 28px 56px}
header{display:flex;align-items:baseline;gap:12px;flex-wrap:wrap}
h1{font-size:22px;margin:0;font-weight:650}
.tool{color:var(--muted)}
.meta{color:var(--muted);margin:6px 0 18px;display:flex;flex-wrap:wrap;gap:4px 18px}
.meta b{color:var(--ink);font-weight:600}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 18px;min-width:112px}
.card b{display:block;font-size:26px;line-height:1.15;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.05em}
.card.pass b{color:var(--pass)}.card.fail b{color:var(--fail)}.card.error b{color:var(--error)}
.card.skip b{color:var(--skip)}.card.known b{color:var(--known)}.card.zero b{color:var(--muted)}
.bar{display:flex;height:8px;border-radius:4px;overflow:hidden;background:var(--soft);margin:16px 0 22px}
.bar .pass{background:var(--pass)}.bar .fail{background:var(--fail)}.bar .error{background:var(--error)}
.bar .skip{background:#d4a72c}.bar .known{background:var(--known)}
.controls{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.controls input{flex:1;min-width:260px;padding:7px 10px;border:1px solid var(--line);
border-radius:6px;font:inherit}
.controls button{font:inherit;font-size:13px;padding:6px 12px;border:1px solid var(--line);
border-radius:6px;background:var(--bg);color:var(--ink);cursor:pointer}
.controls button.active{background:var(--ink);border-color:var(--ink);color:#fff}
.shown{color:var(--muted);font-size:12.5px;margin-left:4px}
table.cases{width:100%;border-collapse:collapse}
table.cases th{text-align:left;font-size:11.5px;color:var(--muted);font-weight:600;
text-transform:uppercase;letter-spacing:.05em;padding:8px;border-bottom:1px solid var(--line)}
tr.case>td{padding:8px;border-bottom:1px solid var(--soft);vertical-align:top;cursor:pointer}
tr.case:hover>td{background:var(--bg)}
tr.case:focus{outline:2px solid #0969da;outline-offset:-2px}
td.tog{width:22px;color:var(--muted)}
td.tog span{display:inline-block;transition:transform .1s}
tr.case.open td.tog span{transform:rotate(90deg)}
td.id{font-family:var(--mono);font-size:12.5px;white-space:nowrap}
td.spec{color:var(--muted);white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.why{font-size:12.5px;margin-top:2px;color:var(--muted)}
tr.v-fail .why{color:var(--fail)}tr.v-error .why{color:var(--error)}
.pill{display:inline-block;min-width:54px;text-align:center;padding:1px 8px;border-radius:10px;
font-size:11px;font-weight:700;letter-spacing:.04em;color:#fff}
.pill.pass{background:var(--pass)}.pill.fail{background:var(--fail)}.pill.error{background:var(--error)}
.pill.skip{background:#bf8700}.pill.known-deviation{background:var(--known)}
tr.trace>td{background:var(--bg);padding:12px 16px 16px 38px;border-bottom:1px solid var(--line)}
.case-meta{color:var(--muted);font-size:12.5px;display:flex;flex-wrap:wrap;gap:2px 18px}
.case-meta b{color:var(--ink);font-weight:600}
.tag{display:inline-block;background:#fff;border:1px solid var(--line);border-radius:10px;
padding:0 7px;font-size:11.5px;margin-right:4px}
details.step{background:#fff;border:1px solid var(--line);border-radius:6px;margin:8px 0}
details.step.fail,details.step.error{border-left:3px solid var(--fail)}
details.step>summary{list-style:none;display:flex;gap:10px;align-items:baseline;
padding:6px 10px;cursor:pointer}
details.step>summary::-webkit-details-marker{display:none}
details.step>summary::before{content:"\25B8";color:var(--muted);display:inline-block;width:10px}
details.step[open]>summary::before{transform:rotate(90deg)}
.step .pill{min-width:48px;font-size:10.5px}
.idx{font-family:var(--mono);color:var(--muted);font-size:12px;white-space:nowrap}
.kind{font-weight:600}
.desc{font-family:var(--mono);font-size:12.5px;flex:1;overflow-wrap:anywhere}
.where{color:var(--muted);font-size:12px;white-space:nowrap}
.step-body{padding:8px 12px 12px;border-top:1px solid var(--soft)}
.step-msg{color:var(--fail);font-weight:600;margin:2px 0 8px}
h4{margin:10px 0 4px;font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
h4 .legend{text-transform:none;letter-spacing:0;font-weight:400;margin-left:8px}
pre{margin:0;padding:8px 10px;background:var(--bg);border:1px solid var(--soft);border-radius:4px;
font:12px/1.5 var(--mono);white-space:pre-wrap;overflow-wrap:anywhere;max-height:360px;overflow:auto}
pre .hn{color:var(--muted)}pre .rl{font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:0 12px}
table.diffs{border-collapse:collapse;width:100%;font-size:12.5px;margin-bottom:4px}
table.diffs th{text-align:left;color:var(--muted);font-weight:600;font-size:11px;
text-transform:uppercase;letter-spacing:.05em;padding:3px 8px;border-bottom:1px solid var(--line)}
table.diffs td{padding:4px 8px;border-bottom:1px solid var(--soft);vertical-align:top;
font-family:var(--mono);overflow-wrap:anywhere}
table.diffs td.what{font-family:inherit;font-weight:600;white-space:nowrap}
table.diffs td.src{color:var(--muted);white-space:nowrap}
.exp,.dl.exp{background:#dafbe1;color:#0f5323}
.act,.dl.act{background:#ffebe9;color:#82071e}
.dl{display:block;padding:0 4px;margin:0 -4px}
.dl.gap{color:var(--muted);font-style:italic}
.legend .exp,.legend .act{padding:0 5px;border-radius:3px}
.none{color:var(--muted);font-style:italic}
footer{margin-top:28px;color:var(--muted);font-size:12px}
)css";

constexpr std::string_view kScript = R"js(
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.case'));
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  var group = 'all';
  function setOpen(row, open) {
    row.classList.toggle('open', open);
    row.setAttribute('aria-expanded', open ? 'true' : 'false');
    row.nextElementSibling.hidden = !open || row.hidden;
  }
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (row) {
      var show = (group === 'all' || row.dataset.group === group) &&
                 row.dataset.search.indexOf(q) >= 0;
      row.hidden = !show;
      row.nextElementSibling.hidden = !show || !row.classList.contains('open');
      if (show) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' cases';
  }
  rows.forEach(function (row) {
    row.addEventListener('click', function () {
      setOpen(row, !row.classList.contains('open'));
    });
    row.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        setOpen(row, !row.classList.contains('open'));
      }
    });
  });
  filter.addEventListener('input', apply);
  document.querySelectorAll('button[data-group]').forEach(function (b) {
    b.addEventListener('click', function () {
      group = b.dataset.group;
      document.querySelectorAll('button[data-group]').forEach(function (o) {
        o.classList.toggle('active', o === b);
      });
      apply();
    });
  });
  document.getElementById('expand').addEventListener('click', function () {
    rows.forEach(function (row) { if (!row.hidden) setOpen(row, true); });
  });
  document.getElementById('collapse').addEventListener('click', function () {
    rows.forEach(function (row) { setOpen(row, false); });
  });
  apply();
})();
)js";

// Escaped for HTML text or a quoted attribute.
std::string E(std::string_view text) { return EscapeHtml(text); }

// A body or value for a <pre>: escaped, control bytes shown, line breaks kept.
std::string Pre(std::string_view text) {
  return EscapeHtml(Printable(Truncate(text, kMaxBodyBytes), true));
}

// A value for one table cell: escaped, control bytes and line breaks shown.
std::string Cell(std::string_view text) {
  if (text.empty()) return "<span class=\"none\">(none)</span>";
  return EscapeHtml(Printable(Truncate(text, 2000)));
}

// Groups the filter buttons select.
const char* Group(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "passed";
    case Verdict::kFail:
    case Verdict::kError:
      return "failed";
    case Verdict::kSkip:
      return "skipped";
    case Verdict::kKnownDeviation:
      return "known";
  }
  return "all";
}

std::string Pill(Verdict verdict) {
  return std::string("<span class=\"pill ") + ToString(verdict) + "\">" +
         VerdictLabel(verdict) + "</span>";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Percent(int part, size_t whole) {
  return std::to_string(static_cast<double>(part) * 100.0 /
                        static_cast<double>(whole)) +
         "%";
}

void WriteHeaders(const Headers& headers, std::ostream& out) {
  for (const auto& [name, value] : headers) {
    out << "<span class=\"hn\">" << Cell(name) << ":</span> "
        << EscapeHtml(Printable(Truncate(value, 2000))) << '\n';
  }
}

void WriteExchange(const StepReport& step, std::ostream& out) {
  const HttpExchange& x = step.exchange;
  out << "<div class=\"grid\">";
  if (!x.method.empty()) {
    out << "<div><h4>Request</h4><pre><span class=\"rl\">" << Cell(x.method)
        << ' ' << EscapeHtml(Printable(Truncate(x.target, 4000)))
        << "</span>\n";
    WriteHeaders(x.request_headers, out);
    if (!x.request_body.empty()) out << '\n' << Pre(x.request_body);
    out << "</pre></div>";
    out << "<div><h4>Response</h4><pre>";
    if (x.status == 0) {
      out << "<span class=\"none\">no response</span>";
    } else {
      out << "<span class=\"rl\">" << x.status << "</span>\n";
      WriteHeaders(x.response_headers, out);
      if (!x.response_body.empty()) out << '\n' << Pre(x.response_body);
    }
    out << "</pre></div>";
  }
  if (!step.expected_body.empty()) {
    out << "<div><h4>Expected body</h4><pre>" << Pre(step.expected_body)
        << "</pre></div>";
  }
  out << "</div>";
}

void WriteDiff(std::string_view expected, std::string_view actual,
               std::ostream& out) {
  out << "<pre class=\"diff\">";
  for (const DiffLine& line : DiffBodies(expected, actual)) {
    switch (line.op) {
      case DiffOp::kEqual:
        out << "<span class=\"dl\">  " << Cell(line.text) << "</span>";
        break;
      case DiffOp::kExpected:
        out << "<span class=\"dl exp\">- " << Cell(line.text) << "</span>";
        break;
      case DiffOp::kActual:
        out << "<span class=\"dl act\">+ " << Cell(line.text) << "</span>";
        break;
      case DiffOp::kElided:
        out << "<span class=\"dl gap\">  \xE2\x8B\xAF " << line.elided
            << " equal line" << (line.elided == 1 ? "" : "s") << "</span>";
        break;
    }
  }
  out << "</pre>";
}

void WriteDifferences(const StepReport& step, std::ostream& out) {
  if (step.differences.empty()) return;
  out << "<table class=\"diffs\"><tr><th>Difference</th><th>Expected</th>"
         "<th>Actual</th><th>Source</th></tr>";
  for (const Difference& d : step.differences) {
    out << "<tr><td class=\"what\">" << Cell(d.what) << "</td>";
    if (DiffSidesOf(step, d)) {
      out << "<td colspan=\"2\"><span class=\"none\">see the diff "
             "below</span></td>";
    } else {
      out << "<td><span class=\"exp\">" << Cell(d.expected)
          << "</span></td><td><span class=\"act\">" << Cell(d.actual)
          << "</span></td>";
    }
    out << "<td class=\"src\">" << Cell(d.source) << "</td></tr>";
  }
  out << "</table>";
  for (const Difference& d : step.differences) {
    const std::optional<DiffSides> sides = DiffSidesOf(step, d);
    if (!sides) continue;
    out << "<h4>Diff: " << E(d.what)
        << "<span class=\"legend\"><span class=\"exp\">- expected</span> "
           "<span class=\"act\">+ actual</span></span></h4>";
    WriteDiff(sides->expected, sides->actual, out);
  }
}

void WriteStep(const StepReport& step, std::ostream& out) {
  const bool failed = IsFailure(step.verdict);
  const bool has_body = !step.exchange.method.empty() ||
                        !step.expected_body.empty() ||
                        !step.differences.empty() || !step.message.empty();
  out << "<details class=\"step " << ToString(step.verdict) << '"'
      << (failed ? " open" : "") << "><summary>" << Pill(step.verdict)
      << "<span class=\"idx\">#" << step.index;
  if (step.iteration > 1) out << " iter " << step.iteration;
  out << "</span><span class=\"kind\">" << E(step.kind)
      << "</span><span class=\"desc\">" << Cell(step.description)
      << "</span><span class=\"where\">";
  if (!step.location.empty()) out << E(step.location) << " &middot; ";
  if (!step.clock.empty()) out << E(step.clock) << " &middot; ";
  out << E(FormatMillis(step.duration)) << "</span></summary>";
  if (has_body) {
    out << "<div class=\"step-body\">";
    if (!step.message.empty()) {
      out << "<div class=\"step-msg\">" << Cell(step.message) << "</div>";
    }
    WriteDifferences(step, out);
    WriteExchange(step, out);
    out << "</div>";
  }
  out << "</details>\n";
}

void WriteCase(const CaseReport& c, bool open, std::ostream& out) {
  std::string search = c.id + ' ' + c.title + ' ' + c.spec;
  for (const std::string& tag : c.tags) search += ' ' + tag;
  out << "<tr class=\"case v-" << ToString(c.verdict) << (open ? " open" : "")
      << "\" data-group=\"" << Group(c.verdict) << "\" data-search=\""
      << E(Lower(search)) << "\" tabindex=\"0\" aria-expanded=\""
      << (open ? "true" : "false") << "\">"
      << "<td class=\"tog\"><span>&#9656;</span></td><td class=\"id\">"
      << E(c.id) << "</td><td>" << E(c.title);
  if (!c.message.empty() && c.verdict != Verdict::kPass) {
    out << "<div class=\"why\">" << Cell(c.message) << "</div>";
  }
  out << "</td><td class=\"spec\">" << E(c.spec) << "</td><td>"
      << Pill(c.verdict) << "</td><td class=\"num\">" << c.steps.size()
      << "</td><td class=\"num\">" << E(FormatMillis(c.duration))
      << "</td></tr>\n";

  out << "<tr class=\"trace\"" << (open ? "" : " hidden")
      << "><td colspan=\"7\"><div class=\"case-meta\">";
  if (!c.file.empty()) out << "<span><b>File</b> " << E(c.file) << "</span>";
  if (!c.spec.empty()) out << "<span><b>Spec</b> " << E(c.spec) << "</span>";
  if (!c.tags.empty()) {
    out << "<span><b>Tags</b> ";
    for (const std::string& tag : c.tags) {
      out << "<span class=\"tag\">" << E(tag) << "</span>";
    }
    out << "</span>";
  }
  out << "<span><b>Verdict</b> " << ToString(c.verdict) << "</span>";
  if (!c.message.empty()) {
    out << "<span><b>Message</b> " << Cell(c.message) << "</span>";
  }
  out << "</div>\n";
  if (c.steps.empty()) out << "<p class=\"none\">no steps ran</p>";
  for (const StepReport& step : c.steps) WriteStep(step, out);
  out << "</td></tr>\n";
}

void WriteCard(int count, const char* label, const char* kind,
               std::ostream& out) {
  out << "<div class=\"card " << (count == 0 ? "zero" : kind) << "\"><b>"
      << count << "</b><span>" << label << "</span></div>";
}

}  // namespace

void WriteHtmlReport(const RunReport& report, std::ostream& out) {
  const int passed = report.Count(Verdict::kPass);
  const int failed = report.Count(Verdict::kFail);
  const int errors = report.Count(Verdict::kError);
  const int skipped = report.Count(Verdict::kSkip);
  const int known = report.Count(Verdict::kKnownDeviation);
  const int total = static_cast<int>(report.cases.size());

  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
         "charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n"
      << "<title>scalecheck: " << passed << " passed, " << failed + errors
      << " failed</title>\n<style>" << kStyle
      << "</style>\n"
      // Without JavaScript every trace is shown.
      << "<noscript><style>tr.trace[hidden]{display:table-row}</style>"
         "</noscript>\n</head>\n<body>\n<main>\n";

  out << "<header><h1>scalecheck report</h1>";
  if (!report.tool_version.empty()) {
    out << "<span class=\"tool\">" << E(report.tool_version) << "</span>";
  }
  out << "</header>\n<div class=\"meta\">";
  if (!report.target.empty()) {
    out << "<span><b>Target</b> " << E(report.target) << "</span>";
  }
  if (!report.compare_mode.empty()) {
    out << "<span><b>Compare</b> " << E(report.compare_mode) << "</span>";
  }
  out << "<span><b>Seed</b> " << report.seed << "</span>";
  if (!report.started_at.empty()) {
    out << "<span><b>Started</b> " << E(report.started_at) << "</span>";
  }
  out << "<span><b>Wall time</b> " << E(FormatMillis(report.wall_time))
      << "</span></div>\n";

  out << "<div class=\"cards\">";
  WriteCard(total, "cases", "total", out);
  WriteCard(passed, "passed", "pass", out);
  WriteCard(failed, "failed", "fail", out);
  if (errors > 0) WriteCard(errors, "errors", "error", out);
  WriteCard(skipped, "skipped", "skip", out);
  WriteCard(known, "known deviations", "known", out);
  out << "</div>\n<div class=\"bar\">";
  if (total > 0) {
    const std::pair<int, const char*> parts[] = {{passed, "pass"},
                                                 {known, "known"},
                                                 {skipped, "skip"},
                                                 {errors, "error"},
                                                 {failed, "fail"}};
    for (const auto& [count, kind] : parts) {
      if (count == 0) continue;
      out << "<span class=\"" << kind
          << "\" style=\"width:" << Percent(count, report.cases.size())
          << "\"></span>";
    }
  }
  out << "</div>\n";

  out << "<div class=\"controls\"><input id=\"filter\" type=\"search\" "
         "placeholder=\"Filter by id, title, spec or tag\" "
         "aria-label=\"Filter cases\">"
         "<button class=\"active\" data-group=\"all\">All</button>"
         "<button data-group=\"failed\">Failed</button>"
         "<button data-group=\"passed\">Passed</button>"
         "<button data-group=\"skipped\">Skipped</button>"
         "<button data-group=\"known\">Known</button>"
         "<button id=\"expand\">Expand all</button>"
         "<button id=\"collapse\">Collapse all</button>"
         "<span class=\"shown\" id=\"shown\"></span></div>\n";

  out << "<table class=\"cases\"><thead><tr><th></th><th>Case</th>"
         "<th>Title</th><th>Spec</th><th>Verdict</th><th class=\"num\">Steps"
         "</th><th class=\"num\">Duration</th></tr></thead>\n<tbody>\n";
  const bool open_failures = failed + errors <= kMaxFailuresOpen;
  for (const CaseReport& c : report.cases) {
    WriteCase(c, open_failures && IsFailure(c.verdict), out);
  }
  out << "</tbody></table>\n";
  out << "<footer>Generated by "
      << E(report.tool_version.empty() ? std::string("scalecheck")
                                       : report.tool_version)
      << ". The JSON report holds the same run in full.</footer>\n";
  out << "</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace scalecheck::reports
