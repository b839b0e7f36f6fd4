// core/registry.h
//
// Everything 3scale's admin system seeds into a backend (spec 4, 8):
// services, service tokens, applications with their keys, referrer filters
// and user_keys, metrics and the usage limits of plans. No counters (they are
// per application, see usage_counters.h) and no error logs. The operations
// follow apisonator's internal API, so the mock's /internal endpoints are thin
// JSON adapters over them. Not thread-safe: the mock backend guards one
// Registry with a reader/writer lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metric.h"
#include "core/period.h"
#include "core/status.h"

namespace scalecheck::core {

struct UsageLimit {
  std::string metric_id;
  Period period = Period::kMinute;
  int64_t max_value = 0;  // Usage may reach this value but not exceed it.
};

struct Service {
  std::string id;
  std::string provider_key;
  // "1" (user_key), "2" (app_id/app_key), "oauth"; empty: unset, like "2".
  std::string backend_version;
  bool referrer_filters_required = false;
  // apisonator stores "active", or "suspended" for any other value.
  bool active = true;
  MetricSet metrics;
  // Usage limits by plan id, then (metric id, period).
  std::map<std::string, std::map<std::pair<std::string, Period>, int64_t>,
           std::less<>>
      plan_limits;

  bool oauth() const { return backend_version == "oauth"; }
  bool user_key_mode() const { return backend_version == "1"; }
  // The limits of `plan_id` whose metric exists, in print order (metrics as
  // MetricSet::Ordered(), then periods eternity..minute; spec 5.12).
  std::vector<UsageLimit> LimitsOf(std::string_view plan_id) const;
};

struct Application {
  std::string service_id;
  std::string id;
  std::string state;  // Only "active" authorizes.
  std::string plan_id;
  std::string plan_name;
  std::optional<std::string> redirect_url;
  std::set<std::string> keys;  // Application keys.
  std::set<std::string> referrer_filters;

  bool active() const { return state == "active"; }
};

// Attributes given when an application is created or updated; absent ones
// keep their stored value on update (golden "Surprises" 21).
struct ApplicationAttributes {
  std::optional<std::string> state;
  std::optional<std::string> plan_id;
  std::optional<std::string> plan_name;
  std::optional<std::string> redirect_url;
};

// Attributes of a service; absent ones keep their stored value on update.
struct ServiceAttributes {
  std::string id;
  std::optional<std::string> provider_key;
  std::optional<std::string> backend_version;
  std::optional<bool> referrer_filters_required;
  std::optional<std::string> state;
  std::optional<bool> default_service;
};

class Registry {
 public:
  // --- Services -----------------------------------------------------------
  const Service* FindService(std::string_view id) const;
  // The default service of a provider key, or nullptr for an unknown key.
  const Service* DefaultService(std::string_view provider_key) const;
  bool IsDefaultService(const Service& service) const;
  // Creates, or updates the stored attributes of, `attributes.id`. Without
  // default_service, the first service of a provider key becomes its
  // default; with true the service becomes it; with false nothing changes.
  // Returns whether it was created.
  bool SaveService(const ServiceAttributes& attributes);
  // kNotFound for an unknown id; kFailedPrecondition when it is the default
  // service of a provider key that has others.
  Status DeleteService(std::string_view id);
  // Moves every service of `old_key` to `new_key`. kInvalidArgument when the
  // keys are empty or equal; kAlreadyExists when `new_key` has services;
  // kNotFound when `old_key` has none.
  Status ChangeProviderKey(std::string_view old_key, std::string_view new_key);
  std::vector<const Service*> Services() const;

  // --- Service tokens -----------------------------------------------------
  void AddServiceToken(std::string token, std::string service_id);
  bool RemoveServiceToken(std::string_view token, std::string_view service_id);
  bool HasServiceToken(std::string_view token,
                       std::string_view service_id) const;
  const std::set<std::pair<std::string, std::string>>& service_tokens() const {
    return service_tokens_;
  }

  // --- Metrics and usage limits -------------------------------------------
  // kNotFound when the service does not exist.
  Status PutMetric(std::string_view service_id, Metric metric);
  bool DeleteMetric(std::string_view service_id, std::string_view metric_id);
  Status PutUsageLimit(std::string_view service_id, std::string_view plan_id,
                       const UsageLimit& limit);
  bool DeleteUsageLimit(std::string_view service_id, std::string_view plan_id,
                        std::string_view metric_id, Period period);
  std::optional<int64_t> FindUsageLimit(std::string_view service_id,
                                        std::string_view plan_id,
                                        std::string_view metric_id,
                                        Period period) const;

  // --- Applications --------------------------------------------------------
  const Application* FindApplication(std::string_view service_id,
                                     std::string_view app_id) const;
  // Creates or updates; returns whether it was created.
  bool SaveApplication(std::string_view service_id, std::string_view app_id,
                       const ApplicationAttributes& attributes);
  bool DeleteApplication(std::string_view service_id, std::string_view app_id);
  // kNotFound when the application does not exist.
  Status AddApplicationKey(std::string_view service_id,
                           std::string_view app_id, std::string key);
  bool DeleteApplicationKey(std::string_view service_id,
                            std::string_view app_id, std::string_view key);
  Status AddReferrerFilter(std::string_view service_id,
                           std::string_view app_id, std::string filter);
  bool DeleteReferrerFilter(std::string_view service_id,
                            std::string_view app_id, std::string_view filter);
  // user_key -> app id, per service (backend_version 1 and reports).
  void SetUserKey(std::string_view service_id, std::string user_key,
                  std::string app_id);
  bool DeleteUserKey(std::string_view service_id, std::string_view user_key);
  std::optional<std::string> FindAppIdByUserKey(
      std::string_view service_id, std::string_view user_key) const;
  std::vector<const Application*> Applications() const;
  // user_key -> app id pairs of a service.
  std::vector<std::pair<std::string, std::string>> UserKeys(
      std::string_view service_id) const;

  void Clear();

 private:
  Service* MutableService(std::string_view id);
  Application* MutableApplication(std::string_view service_id,
                                  std::string_view app_id);

  std::map<std::string, Service, std::less<>> services_;
  // provider key -> default service id.
  std::map<std::string, std::string, std::less<>> default_service_;
  std::set<std::pair<std::string, std::string>> service_tokens_;
  template <typename V>
  using ByName = std::map<std::string, V, std::less<>>;
  // service id -> app id -> application.
  ByName<ByName<Application>> applications_;
  // service id -> user_key -> app id.
  ByName<ByName<std::string>> user_keys_;
};

}  // namespace scalecheck::core
