#include "harness/seeding.h"

#include "core/extensions.h"
#include "core/params.h"

namespace scalecheck::harness {
namespace {

using core::JsonString;

std::string ServiceJson(const ServiceSpec& s) {
  std::string json = "{\"service\":{\"id\":" + JsonString(s.id) +
                     ",\"provider_key\":" + JsonString(s.provider_key) +
                     ",\"state\":" + JsonString(s.state) +
                     ",\"backend_version\":" + JsonString(s.backend_version) +
                     ",\"referrer_filters_required\":" +
                     (s.referrer_filters_required ? "true" : "false");
  if (s.default_service) json += ",\"default_service\":true";
  return json + "}}";
}

std::string PlanNameOf(const ServiceSpec& service, const ApplicationSpec& app) {
  if (app.plan_name) return *app.plan_name;
  for (const PlanSpec& plan : service.plans) {
    if (plan.id == app.plan) return plan.name;
  }
  return "";
}

}  // namespace

const ServiceSpec* FindService(const Scenario& scenario, const std::string& id) {
  for (const ServiceSpec& s : scenario.services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const ApplicationSpec* FindApplication(const ServiceSpec& service,
                                       const std::string& id) {
  for (const ApplicationSpec& a : service.applications) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

const MetricSpec* FindMetricByName(const ServiceSpec& service,
                                   const std::string& name) {
  for (const MetricSpec& m : service.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::vector<InternalCall> SeedingCalls(const Scenario& scenario) {
  std::vector<InternalCall> calls;
  for (const ServiceSpec& s : scenario.services) {
    calls.push_back({"POST", "/services/", ServiceJson(s)});
  }
  for (const ServiceSpec& s : scenario.services) {
    const std::string base = "/services/" + s.id;
    if (!s.service_tokens.empty()) {
      std::string tokens = "{\"service_tokens\":{";
      for (size_t i = 0; i < s.service_tokens.size(); ++i) {
        if (i > 0) tokens += ',';
        tokens += JsonString(s.service_tokens[i]) +
                  ":{\"service_id\":" + JsonString(s.id) + "}";
      }
      calls.push_back({"POST", "/service_tokens/", tokens + "}}"});
    }
    for (const MetricSpec& m : s.metrics) {
      std::string json = "{\"metric\":{\"name\":" + JsonString(m.name);
      if (!m.parent.empty()) {
        if (const MetricSpec* parent = FindMetricByName(s, m.parent)) {
          json += ",\"parent_id\":" + JsonString(parent->id);
        }
      }
      calls.push_back({"POST", base + "/metrics/" + m.id, json + "}}"});
    }
    for (const PlanSpec& plan : s.plans) {
      for (const UsageLimitSpec& limit : plan.limits) {
        const MetricSpec* metric = FindMetricByName(s, limit.metric);
        if (metric == nullptr) continue;
        const std::string period(core::ToString(limit.period));
        calls.push_back({"PUT",
                         base + "/plans/" + plan.id + "/usagelimits/" +
                             metric->id + "/" + period,
                         "{\"usagelimit\":{\"" + period +
                             "\":" + std::to_string(limit.max_value) + "}}"});
      }
    }
    for (const ApplicationSpec& a : s.applications) {
      const std::string app_path = base + "/applications/" + a.id;
      std::string json = "{\"application\":{\"state\":" + JsonString(a.state) +
                         ",\"plan_id\":" + JsonString(a.plan) +
                         ",\"plan_name\":" + JsonString(PlanNameOf(s, a));
      if (a.redirect_url) json += ",\"redirect_url\":" + JsonString(*a.redirect_url);
      calls.push_back({"POST", app_path, json + "}}"});
      for (const std::string& key : a.keys) {
        calls.push_back({"POST", app_path + "/keys/",
                         "{\"application_key\":{\"value\":" + JsonString(key) +
                             "}}"});
      }
      for (const std::string& filter : a.referrer_filters) {
        calls.push_back({"POST", app_path + "/referrer_filters",
                         "{\"referrer_filter\":" + JsonString(filter) + "}"});
      }
      if (!a.user_key.empty()) {
        // A path segment: a key such as "%5Babc%5D" must reach the backend
        // as these nine characters, not as "[abc]".
        calls.push_back({"PUT", app_path + "/key/" + core::EncodeComponent(a.user_key), ""});
      }
    }
  }
  return calls;
}

void SeedRegistry(const Scenario& scenario, core::Registry& registry) {
  for (const ServiceSpec& s : scenario.services) {
    core::ServiceAttributes attributes;
    attributes.id = s.id;
    attributes.provider_key = s.provider_key;
    attributes.backend_version = s.backend_version;
    attributes.referrer_filters_required = s.referrer_filters_required;
    attributes.state = s.state;
    if (s.default_service) attributes.default_service = true;
    registry.SaveService(attributes);
  }
  for (const ServiceSpec& s : scenario.services) {
    for (const std::string& token : s.service_tokens) {
      registry.AddServiceToken(token, s.id);
    }
    for (const MetricSpec& m : s.metrics) {
      core::Metric metric{m.id, m.name, ""};
      if (const MetricSpec* parent = FindMetricByName(s, m.parent)) {
        metric.parent_id = parent->id;
      }
      (void)registry.PutMetric(s.id, metric);
    }
    for (const PlanSpec& plan : s.plans) {
      for (const UsageLimitSpec& limit : plan.limits) {
        const MetricSpec* metric = FindMetricByName(s, limit.metric);
        if (metric == nullptr) continue;
        (void)registry.PutUsageLimit(
            s.id, plan.id, core::UsageLimit{metric->id, limit.period, limit.max_value});
      }
    }
    for (const ApplicationSpec& a : s.applications) {
      core::ApplicationAttributes attributes;
      attributes.state = a.state;
      attributes.plan_id = a.plan;
      attributes.plan_name = PlanNameOf(s, a);
      attributes.redirect_url = a.redirect_url;
      registry.SaveApplication(s.id, a.id, attributes);
      for (const std::string& key : a.keys) {
        (void)registry.AddApplicationKey(s.id, a.id, key);
      }
      for (const std::string& filter : a.referrer_filters) {
        (void)registry.AddReferrerFilter(s.id, a.id, filter);
      }
      if (!a.user_key.empty()) registry.SetUserKey(s.id, a.user_key, a.id);
    }
  }
}

}  // namespace scalecheck::harness
