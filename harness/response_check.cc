#include "harness/response_check.h"

#include <pugixml.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace scalecheck::harness {
namespace {

reports::Difference Diff(std::string what, std::string expected,
                         std::string actual, std::string source) {
  return reports::Difference{std::move(what), std::move(expected),
                             std::move(actual), std::move(source)};
}

std::optional<std::string> ModelHeader(const core::HttpResponse& r,
                                       const char* name) {
  const std::string* v = r.Header(name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

std::string Shown(const std::optional<std::string>& v) {
  return v ? "\"" + *v + "\"" : "(absent)";
}

// A <status> or <error> document reduced to what conformance means:
// orderings that apisonator leaves to Redis are sorted away.
std::optional<std::string> Canonical(const std::string& body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
  const pugi::xml_node error = doc.child("error");
  if (error) {
    return std::string("error code=") + error.attribute("code").value() +
           " text=" + error.text().get();
  }
  const pugi::xml_node status = doc.child("status");
  if (!status) return std::nullopt;
  std::string out = "authorized=" + std::string(status.child_value("authorized"));
  if (status.child("reason")) out += "\nreason=" + std::string(status.child_value("reason"));
  if (const pugi::xml_node app = status.child("application")) {
    out += "\napplication id=" + std::string(app.child_value("id")) +
           " key=" + app.child_value("key");
    for (const char* tag : {"redirect_url", "redirect_uri"}) {
      if (app.child(tag)) out += std::string(" ") + tag + "=" + app.child_value(tag);
    }
  }
  out += "\nplan=" + std::string(status.child_value("plan"));
  if (const pugi::xml_node reports = status.child("usage_reports")) {
    // By metric (sorted), in document order within a metric.
    std::map<std::string, std::vector<std::string>> by_metric;
    for (const pugi::xml_node r : reports.children("usage_report")) {
      std::string line = std::string("period=") + r.attribute("period").value();
      if (r.attribute("exceeded")) line += " exceeded=" + std::string(r.attribute("exceeded").value());
      for (const char* tag : {"period_start", "period_end", "max_value", "current_value"}) {
        if (r.child(tag)) line += std::string(" ") + tag + "=" + r.child_value(tag);
      }
      by_metric[r.attribute("metric").value()].push_back(line);
    }
    for (const auto& [metric, lines] : by_metric) {
      for (const std::string& line : lines) out += "\nusage_report metric=" + metric + " " + line;
    }
  }
  if (const pugi::xml_node keys = status.child("app_keys")) {
    std::vector<std::string> ids;
    for (const pugi::xml_node k : keys.children("key")) ids.push_back(k.attribute("id").value());
    std::sort(ids.begin(), ids.end());
    out += "\napp_keys app=" + std::string(keys.attribute("app").value()) +
           " svc=" + keys.attribute("svc").value();
    for (const std::string& id : ids) out += " " + id;
  }
  if (const pugi::xml_node hierarchy = status.child("hierarchy")) {
    std::vector<std::string> entries;
    for (const pugi::xml_node m : hierarchy.children("metric")) {
      std::string children = m.attribute("children").value();
      std::vector<std::string> names;
      size_t start = 0;
      while (start < children.size()) {
        size_t end = children.find(' ', start);
        if (end == std::string::npos) end = children.size();
        if (end > start) names.push_back(children.substr(start, end - start));
        start = end + 1;
      }
      std::sort(names.begin(), names.end());
      std::string entry = std::string(m.attribute("name").value()) + ":";
      for (const std::string& n : names) entry += " " + n;
      entries.push_back(entry);
    }
    std::sort(entries.begin(), entries.end());
    out += "\nhierarchy";
    for (const std::string& e : entries) out += "\n  " + e;
  }
  return out;
}

}  // namespace

std::vector<reports::Difference> CompareWithModel(const core::HttpResponse& model,
                                                  const HttpResponse& actual,
                                                  CompareMode mode) {
  std::vector<reports::Difference> diffs;
  if (model.status != actual.status) {
    diffs.push_back(Diff("status", std::to_string(model.status),
                         std::to_string(actual.status), "model"));
  }
  // A 500 is apisonator crashing: only the status is a contract.
  if (model.status == 500) return diffs;
  for (const char* name : kContractHeaders) {
    const std::optional<std::string> want = ModelHeader(model, name);
    const std::optional<std::string> got = actual.Header(name);
    if (want != got) {
      diffs.push_back(Diff(std::string("header ") + name, Shown(want), Shown(got), "model"));
    }
  }
  if (model.body == actual.body) return diffs;
  if (mode == CompareMode::kSemantic) {
    const std::optional<std::string> want = Canonical(model.body);
    const std::optional<std::string> got = Canonical(actual.body);
    if (want && got) {
      if (*want != *got) diffs.push_back(Diff("body (semantic)", *want, *got, "model"));
      return diffs;
    }
  }
  diffs.push_back(Diff("body", model.body, actual.body, "model"));
  return diffs;
}

std::vector<reports::Difference> CheckExpectation(const Expectation& expect,
                                                  const HttpResponse& actual) {
  std::vector<reports::Difference> diffs;
  const std::string where = expect.where.ToString();
  auto add = [&](std::string what, std::string want, std::string got) {
    diffs.push_back(Diff(std::move(what), std::move(want), std::move(got), where));
  };
  if (expect.status && *expect.status != actual.status) {
    add("status", std::to_string(*expect.status), std::to_string(actual.status));
  }
  for (const auto& [name, value] : expect.headers) {
    const std::optional<std::string> got = actual.Header(name);
    if (value.empty() ? got.has_value() : got != value) {
      add("header " + name, value.empty() ? "(absent)" : "\"" + value + "\"", Shown(got));
    }
  }
  if (expect.body && *expect.body != actual.body) add("body", *expect.body, actual.body);
  if (expect.body_contains && actual.body.find(*expect.body_contains) == std::string::npos) {
    add("body contains", *expect.body_contains, actual.body);
  }
  const bool needs_xml = expect.authorized || expect.reason || expect.error_code ||
                         expect.error_message || expect.plan ||
                         !expect.usage_reports.empty() || expect.no_usage_reports;
  if (!needs_xml) return diffs;
  pugi::xml_document doc;
  if (!doc.load_buffer(actual.body.data(), actual.body.size())) {
    add("body", "an XML document", actual.body.empty() ? "(empty)" : actual.body);
    return diffs;
  }
  const pugi::xml_node status = doc.child("status");
  const pugi::xml_node error = doc.child("error");
  if (expect.error_code) {
    const std::string got = error ? error.attribute("code").value() : "(no <error>)";
    if (got != *expect.error_code) add("error code", *expect.error_code, got);
  }
  if (expect.error_message) {
    const std::string got = error ? error.text().get() : "(no <error>)";
    if (got != *expect.error_message) add("error message", *expect.error_message, got);
  }
  if (expect.authorized) {
    const std::string got = status ? status.child_value("authorized") : "(no <status>)";
    const std::string want = *expect.authorized ? "true" : "false";
    if (got != want) add("authorized", want, got);
  }
  if (expect.reason) {
    const std::string got =
        status && status.child("reason") ? status.child_value("reason") : "(no <reason>)";
    if (got != *expect.reason) add("reason", *expect.reason, got);
  }
  if (expect.plan) {
    const std::string got = status ? status.child_value("plan") : "(no <status>)";
    if (got != *expect.plan) add("plan", *expect.plan, got);
  }
  if (expect.no_usage_reports && *expect.no_usage_reports && status &&
      status.child("usage_reports")) {
    add("usage_reports", "(none)", "present");
  }
  for (const auto& [key, want] : expect.usage_reports) {
    const size_t slash = key.find('/');
    const std::string metric = key.substr(0, slash);
    const std::string period = slash == std::string::npos ? "" : key.substr(slash + 1);
    pugi::xml_node found;
    if (status) {
      for (const pugi::xml_node r : status.child("usage_reports").children("usage_report")) {
        if (metric == r.attribute("metric").value() && period == r.attribute("period").value()) {
          found = r;
          break;
        }
      }
    }
    if (!found) {
      add("usage_report " + key, "present", "(absent)");
      continue;
    }
    auto check_int = [&](const char* tag, const std::optional<int64_t>& value) {
      if (value && std::to_string(*value) != found.child_value(tag)) {
        add("usage_report " + key + " " + tag, std::to_string(*value), found.child_value(tag));
      }
    };
    check_int("current_value", want.current_value);
    check_int("max_value", want.max_value);
    if (want.exceeded) {
      const bool got = std::string(found.attribute("exceeded").value()) == "true";
      if (got != *want.exceeded) {
        add("usage_report " + key + " exceeded", *want.exceeded ? "true" : "false",
            got ? "true" : "false");
      }
    }
    if (want.period_start && *want.period_start != found.child_value("period_start")) {
      add("usage_report " + key + " period_start", *want.period_start,
          found.child_value("period_start"));
    }
    if (want.period_end && *want.period_end != found.child_value("period_end")) {
      add("usage_report " + key + " period_end", *want.period_end,
          found.child_value("period_end"));
    }
  }
  return diffs;
}

AnswerSummary SummarizeAnswer(int status, const std::string& body) {
  AnswerSummary summary;
  summary.status = status;
  pugi::xml_document doc;
  if (body.empty() || !doc.load_buffer(body.data(), body.size())) return summary;
  if (const pugi::xml_node error = doc.child("error")) {
    summary.error_document = true;
    summary.error_code = error.attribute("code").value();
    summary.error_message = error.text().get();
    return summary;
  }
  const pugi::xml_node status_node = doc.child("status");
  if (!status_node) return summary;
  summary.status_document = true;
  summary.authorized = std::string(status_node.child_value("authorized")) == "true";
  if (status_node.child("reason")) summary.reason = status_node.child_value("reason");
  if (status_node.child("plan")) summary.plan = status_node.child_value("plan");
  for (const pugi::xml_node r :
       status_node.child("usage_reports").children("usage_report")) {
    UsageReportSummary report;
    report.metric = r.attribute("metric").value();
    report.period = r.attribute("period").value();
    auto child = [&r](const char* tag) -> std::optional<std::string> {
      if (!r.child(tag)) return std::nullopt;
      return std::string(r.child_value(tag));
    };
    report.current_value = child("current_value");
    report.max_value = child("max_value");
    report.period_start = child("period_start");
    report.period_end = child("period_end");
    report.exceeded = std::string(r.attribute("exceeded").value()) == "true";
    summary.usage_reports.push_back(std::move(report));
  }
  return summary;
}

}  // namespace scalecheck::harness
