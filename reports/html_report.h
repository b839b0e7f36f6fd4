// reports/html_report.h
//
// The run as one self-contained HTML page for people: a summary, a filterable
// table of cases and, per case, an expandable trace of every step with its
// request, response, expected body and diff. Inline CSS and a little inline
// JavaScript (expand/collapse, filter); no external resource of any kind.
// Load charts are not drawn yet: the model has no load figures. Writes only
// to the stream it is given.
#pragma once

#include <ostream>

#include "reports/run_report.h"

namespace scalecheck::reports {

// Writes an HTML5 document (UTF-8). Every string from the report is
// HTML-escaped (bodies cannot close the <pre> or the <script>), control bytes
// and invalid UTF-8 are shown as \xNN, and bodies longer than 64 KiB are cut
// (the JSON report has them whole). Traces of failed cases start expanded
// when there are at most five of them.
void WriteHtmlReport(const RunReport& report, std::ostream& out);

}  // namespace scalecheck::reports
