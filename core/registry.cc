#include "core/registry.h"

namespace scalecheck::core {

std::vector<UsageLimit> Service::LimitsOf(std::string_view plan_id) const {
  std::vector<UsageLimit> limits;
  auto plan = plan_limits.find(plan_id);
  if (plan == plan_limits.end()) return limits;
  for (const Metric* metric : metrics.Ordered()) {
    for (Period period : kAllPeriods) {
      auto it = plan->second.find({metric->id, period});
      if (it != plan->second.end()) {
        limits.push_back({metric->id, period, it->second});
      }
    }
  }
  return limits;
}

const Service* Registry::FindService(std::string_view id) const {
  auto it = services_.find(id);
  return it == services_.end() ? nullptr : &it->second;
}

Service* Registry::MutableService(std::string_view id) {
  auto it = services_.find(id);
  return it == services_.end() ? nullptr : &it->second;
}

const Service* Registry::DefaultService(std::string_view provider_key) const {
  auto it = default_service_.find(provider_key);
  return it == default_service_.end() ? nullptr : FindService(it->second);
}

bool Registry::IsDefaultService(const Service& service) const {
  auto it = default_service_.find(service.provider_key);
  return it != default_service_.end() && it->second == service.id;
}

bool Registry::SaveService(const ServiceAttributes& attributes) {
  auto [it, created] = services_.try_emplace(attributes.id);
  Service& service = it->second;
  service.id = attributes.id;
  const std::string old_key = service.provider_key;
  if (attributes.provider_key) service.provider_key = *attributes.provider_key;
  if (attributes.backend_version) {
    service.backend_version = *attributes.backend_version;
  }
  if (attributes.referrer_filters_required) {
    service.referrer_filters_required = *attributes.referrer_filters_required;
  }
  if (attributes.state) service.active = *attributes.state == "active";
  if (!created && old_key != service.provider_key) {
    auto d = default_service_.find(old_key);
    if (d != default_service_.end() && d->second == service.id) {
      default_service_.erase(d);
    }
  }
  // Service#set_as_default_if_needed: unless default_service is given, the
  // first service of a key becomes its default; given true, the service
  // takes over the key's default; given false, nothing changes.
  const bool has_default = default_service_.count(service.provider_key) > 0;
  if (attributes.default_service.value_or(!has_default)) {
    default_service_[service.provider_key] = service.id;
  }
  return created;
}

Status Registry::DeleteService(std::string_view id) {
  auto it = services_.find(id);
  if (it == services_.end()) {
    return Status::NotFound("service id \"" + std::string(id) + "\" is invalid");
  }
  const std::string key = it->second.provider_key;
  if (IsDefaultService(it->second)) {
    for (const auto& [other_id, other] : services_) {
      if (other_id != id && other.provider_key == key) {
        return Status::FailedPrecondition("Service id=\"" + std::string(id) +
                                          "\" is the default service, cannot "
                                          "be removed");
      }
    }
    default_service_.erase(key);
  }
  applications_.erase(std::string(id));
  user_keys_.erase(std::string(id));
  services_.erase(it);
  return Status();
}

Status Registry::ChangeProviderKey(std::string_view old_key,
                                   std::string_view new_key) {
  if (old_key.empty() || new_key.empty() || old_key == new_key) {
    return Status::InvalidArgument(
        "Provider keys are not valid, must be not nil and different");
  }
  // ProviderKeyChangeUseCase#validate_input: the new key must have no
  // services, the old one some.
  bool old_key_used = false;
  for (const auto& [id, service] : services_) {
    if (service.provider_key == new_key) {
      return Status::AlreadyExists("Provider key=\"" + std::string(new_key) +
                                   "\" already exists");
    }
    if (service.provider_key == old_key) old_key_used = true;
  }
  if (!old_key_used) {
    return Status::NotFound("Provider key=\"" + std::string(old_key) +
                            "\" does not exist");
  }
  for (auto& [id, service] : services_) {
    if (service.provider_key == old_key) service.provider_key = new_key;
  }
  auto d = default_service_.find(old_key);
  if (d != default_service_.end()) {
    default_service_[std::string(new_key)] = d->second;
    default_service_.erase(d);
  }
  return Status();
}

std::vector<const Service*> Registry::Services() const {
  std::vector<const Service*> all;
  for (const auto& [id, service] : services_) all.push_back(&service);
  return all;
}

void Registry::AddServiceToken(std::string token, std::string service_id) {
  service_tokens_.emplace(std::move(token), std::move(service_id));
}

bool Registry::RemoveServiceToken(std::string_view token,
                                  std::string_view service_id) {
  return service_tokens_.erase({std::string(token), std::string(service_id)}) >
         0;
}

bool Registry::HasServiceToken(std::string_view token,
                               std::string_view service_id) const {
  return service_tokens_.count({std::string(token), std::string(service_id)}) >
         0;
}

Status Registry::PutMetric(std::string_view service_id, Metric metric) {
  Service* service = MutableService(service_id);
  if (service == nullptr) return Status::NotFound("service not found");
  service->metrics.Put(std::move(metric));
  return Status();
}

bool Registry::DeleteMetric(std::string_view service_id,
                            std::string_view metric_id) {
  Service* service = MutableService(service_id);
  return service != nullptr && service->metrics.Erase(metric_id);
}

Status Registry::PutUsageLimit(std::string_view service_id,
                               std::string_view plan_id,
                               const UsageLimit& limit) {
  Service* service = MutableService(service_id);
  if (service == nullptr) return Status::NotFound("service not found");
  service->plan_limits[std::string(plan_id)][{limit.metric_id, limit.period}] =
      limit.max_value;
  return Status();
}

bool Registry::DeleteUsageLimit(std::string_view service_id,
                                std::string_view plan_id,
                                std::string_view metric_id, Period period) {
  Service* service = MutableService(service_id);
  if (service == nullptr) return false;
  auto plan = service->plan_limits.find(plan_id);
  if (plan == service->plan_limits.end()) return false;
  return plan->second.erase({std::string(metric_id), period}) > 0;
}

std::optional<int64_t> Registry::FindUsageLimit(std::string_view service_id,
                                                std::string_view plan_id,
                                                std::string_view metric_id,
                                                Period period) const {
  const Service* service = FindService(service_id);
  if (service == nullptr) return std::nullopt;
  auto plan = service->plan_limits.find(plan_id);
  if (plan == service->plan_limits.end()) return std::nullopt;
  auto it = plan->second.find({std::string(metric_id), period});
  if (it == plan->second.end()) return std::nullopt;
  return it->second;
}

const Application* Registry::FindApplication(std::string_view service_id,
                                             std::string_view app_id) const {
  auto s = applications_.find(service_id);
  if (s == applications_.end()) return nullptr;
  auto it = s->second.find(app_id);
  return it == s->second.end() ? nullptr : &it->second;
}

Application* Registry::MutableApplication(std::string_view service_id,
                                          std::string_view app_id) {
  return const_cast<Application*>(FindApplication(service_id, app_id));
}

bool Registry::SaveApplication(std::string_view service_id,
                               std::string_view app_id,
                               const ApplicationAttributes& attributes) {
  auto& apps = applications_[std::string(service_id)];
  auto [it, created] = apps.try_emplace(std::string(app_id));
  Application& app = it->second;
  app.service_id = service_id;
  app.id = app_id;
  if (attributes.state) app.state = *attributes.state;
  if (attributes.plan_id) app.plan_id = *attributes.plan_id;
  if (attributes.plan_name) app.plan_name = *attributes.plan_name;
  if (attributes.redirect_url) app.redirect_url = attributes.redirect_url;
  return created;
}

bool Registry::DeleteApplication(std::string_view service_id,
                                 std::string_view app_id) {
  auto s = applications_.find(service_id);
  if (s == applications_.end()) return false;
  auto it = s->second.find(app_id);
  if (it == s->second.end()) return false;
  s->second.erase(it);
  return true;
}

Status Registry::AddApplicationKey(std::string_view service_id,
                                   std::string_view app_id, std::string key) {
  Application* app = MutableApplication(service_id, app_id);
  if (app == nullptr) return Status::NotFound("application not found");
  app->keys.insert(std::move(key));
  return Status();
}

bool Registry::DeleteApplicationKey(std::string_view service_id,
                                    std::string_view app_id,
                                    std::string_view key) {
  Application* app = MutableApplication(service_id, app_id);
  return app != nullptr && app->keys.erase(std::string(key)) > 0;
}

Status Registry::AddReferrerFilter(std::string_view service_id,
                                   std::string_view app_id,
                                   std::string filter) {
  Application* app = MutableApplication(service_id, app_id);
  if (app == nullptr) return Status::NotFound("application not found");
  app->referrer_filters.insert(std::move(filter));
  return Status();
}

bool Registry::DeleteReferrerFilter(std::string_view service_id,
                                    std::string_view app_id,
                                    std::string_view filter) {
  Application* app = MutableApplication(service_id, app_id);
  return app != nullptr && app->referrer_filters.erase(std::string(filter)) > 0;
}

void Registry::SetUserKey(std::string_view service_id, std::string user_key,
                          std::string app_id) {
  user_keys_[std::string(service_id)][std::move(user_key)] = std::move(app_id);
}

bool Registry::DeleteUserKey(std::string_view service_id,
                             std::string_view user_key) {
  auto s = user_keys_.find(service_id);
  if (s == user_keys_.end()) return false;
  auto it = s->second.find(user_key);
  if (it == s->second.end()) return false;
  s->second.erase(it);
  return true;
}

std::optional<std::string> Registry::FindAppIdByUserKey(
    std::string_view service_id, std::string_view user_key) const {
  auto s = user_keys_.find(service_id);
  if (s == user_keys_.end()) return std::nullopt;
  auto it = s->second.find(user_key);
  if (it == s->second.end()) return std::nullopt;
  return it->second;
}

std::vector<const Application*> Registry::Applications() const {
  std::vector<const Application*> all;
  for (const auto& [sid, apps] : applications_) {
    for (const auto& [aid, app] : apps) all.push_back(&app);
  }
  return all;
}

std::vector<std::pair<std::string, std::string>> Registry::UserKeys(
    std::string_view service_id) const {
  std::vector<std::pair<std::string, std::string>> pairs;
  auto s = user_keys_.find(service_id);
  if (s == user_keys_.end()) return pairs;
  for (const auto& [key, app] : s->second) pairs.emplace_back(key, app);
  return pairs;
}

void Registry::Clear() { *this = Registry(); }

}  // namespace scalecheck::core
