#include "harness/load_workload.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>

#include "core/http_message.h"
#include "core/metric.h"
#include "core/params.h"
#include "harness/request_builder.h"
#include "harness/seeding.h"

namespace scalecheck::harness {
namespace {

// Placeholders put into a request built by BuildCallRequest() and cut out
// again into template segments. Letters and digits only, so that
// percent-encoding leaves them as they are.
std::string AppMark(int t) { return "ZZSCAPP" + std::to_string(t) + "ZZ"; }
const char kKeyMark[] = "ZZSCKEY0ZZ";
std::string UseMark(int t, int k) {
  return "ZZSCUSE" + std::to_string(t) + "X" + std::to_string(k) + "ZZ";
}
const char kLenMark[] = "ZZSCLENZZ";

bool ParseDigits(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

// "N" (an increment), "#N" (a set) or "A..B" (an increment drawn uniformly
// from A to B inclusive).
std::optional<Workload::UsageEntry> ParseUsageTemplate(
    const std::string& metric, std::string_view text) {
  Workload::UsageEntry entry;
  entry.metric = metric;
  if (!text.empty() && text.front() == '#') {
    entry.set = true;
    text.remove_prefix(1);
  }
  const size_t dots = text.find("..");
  if (dots != std::string_view::npos && !entry.set) {
    if (!ParseDigits(text.substr(0, dots), entry.low) ||
        !ParseDigits(text.substr(dots + 2), entry.high) ||
        entry.low > entry.high) {
      return std::nullopt;
    }
    return entry;
  }
  if (!ParseDigits(text, entry.low)) return std::nullopt;
  entry.high = entry.low;
  return entry;
}

void AppendLiteral(std::vector<Workload::Segment>& segments,
                   std::string_view text) {
  if (text.empty()) return;
  if (!segments.empty() &&
      segments.back().kind == Workload::Segment::Kind::kLiteral) {
    segments.back().text.append(text);
    return;
  }
  Workload::Segment s;
  s.text = std::string(text);
  segments.push_back(std::move(s));
}

// Cuts `text` at the placeholders. The application key is an optional
// parameter: "&app_key=KEY" is one segment, left out for an application
// without a key.
std::optional<std::vector<Workload::Segment>> Split(std::string_view text) {
  using Kind = Workload::Segment::Kind;
  std::vector<Workload::Segment> segments;
  size_t pos = 0;
  while (true) {
    const size_t at = text.find("ZZSC", pos);
    if (at == std::string_view::npos) {
      AppendLiteral(segments, text.substr(pos));
      return segments;
    }
    std::string_view literal = text.substr(pos, at - pos);
    std::string_view rest = text.substr(at + 4);
    Workload::Segment s;
    auto number = [&rest](int& out) {
      size_t n = 0;
      while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
      if (n == 0) return false;
      out = std::stoi(std::string(rest.substr(0, n)));
      rest.remove_prefix(n);
      return true;
    };
    if (rest.starts_with("APP")) {
      rest.remove_prefix(3);
      s.kind = Kind::kAppId;
      if (!number(s.transaction)) return std::nullopt;
    } else if (rest.starts_with("KEY")) {
      rest.remove_prefix(3);
      s.kind = Kind::kAppKey;
      if (!number(s.transaction)) return std::nullopt;
      constexpr std::string_view kParam = "&app_key=";
      if (!literal.ends_with(kParam)) return std::nullopt;
      literal.remove_suffix(kParam.size());
    } else if (rest.starts_with("USE")) {
      rest.remove_prefix(3);
      s.kind = Kind::kUsage;
      if (!number(s.transaction) || !rest.starts_with("X")) return std::nullopt;
      rest.remove_prefix(1);
      if (!number(s.entry)) return std::nullopt;
    } else if (rest.starts_with("LEN")) {
      rest.remove_prefix(3);
      s.kind = Kind::kContentLength;
    } else {
      return std::nullopt;
    }
    if (!rest.starts_with("ZZ")) return std::nullopt;
    rest.remove_prefix(2);
    AppendLiteral(segments, literal);
    segments.push_back(std::move(s));
    pos = text.size() - rest.size();
  }
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1).
double Unit(uint64_t& state) {
  return static_cast<double>(SplitMix64(state) >> 11) * 0x1.0p-53;
}

// The index whose cumulative share (`cdf` ends at 1) first exceeds `u`.
size_t Pick(const std::vector<double>& cdf, double u) {
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  return std::min(static_cast<size_t>(it - cdf.begin()), cdf.size() - 1);
}

std::vector<double> Normalized(std::vector<double> weights) {
  double total = 0;
  for (double& w : weights) {
    total += w;
    w = total;
  }
  for (double& w : weights) w /= total;
  return weights;
}

void AppendDecimal(std::string& out, uint64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

core::Result<Workload> Workload::Create(const Scenario& scenario,
                                        const LoadSpec& load) {
  const std::string where = load.where.ToString();
  auto error = [&where](const std::string& message) {
    return core::Status::InvalidArgument(
        where.empty() ? message : where + ": " + message);
  };
  Workload w;
  if (load.mix.empty()) return error("[load] needs at least one call in mix");

  // Services, with their metric hierarchy.
  std::vector<core::MetricSet> metric_sets;
  auto service_index = [&](const ServiceSpec& spec) -> size_t {
    for (size_t i = 0; i < w.services_.size(); ++i) {
      if (w.services_[i].id == spec.id) return i;
    }
    Service service;
    service.id = spec.id;
    core::MetricSet set;
    for (const MetricSpec& m : spec.metrics) {
      service.metrics.push_back(m.name);
      const MetricSpec* parent =
          m.parent.empty() ? nullptr : FindMetricByName(spec, m.parent);
      set.Put(core::Metric{m.id, m.name, parent ? parent->id : ""});
    }
    service.set_by_usage.assign(service.metrics.size(), false);
    w.services_.push_back(std::move(service));
    metric_sets.push_back(std::move(set));
    return w.services_.size() - 1;
  };
  auto metric_index = [&](size_t service,
                          std::string_view name) -> std::optional<size_t> {
    const auto& names = w.services_[service].metrics;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return std::nullopt;
    return static_cast<size_t>(it - names.begin());
  };

  // Populations.
  std::vector<const ServiceSpec*> population_specs;
  if (load.populations.empty()) {
    const ServiceSpec* service =
        FindService(scenario, scenario.defaults.service);
    if (service == nullptr && !scenario.services.empty()) {
      service = &scenario.services.front();
    }
    if (service == nullptr || service->applications.empty()) {
      return error(
          "[load] needs [[load.populations]] or applications in the fixture");
    }
    Population p;
    p.service = service_index(*service);
    for (const ApplicationSpec& app : service->applications) {
      p.fixed_ids.push_back(app.id);
      p.fixed_keys.push_back(app.keys.empty() ? "" : app.keys.front());
    }
    p.count = p.fixed_ids.size();
    if (!service->applications.front().plan.empty()) {
      p.plan_id = service->applications.front().plan;
    }
    w.populations_.push_back(std::move(p));
    population_specs.push_back(service);
  }
  for (const LoadPopulation& spec : load.populations) {
    const ServiceSpec* service = FindService(scenario, spec.service);
    if (service == nullptr) {
      return error("unknown service '" + spec.service + "'");
    }
    const auto plan =
        std::find_if(service->plans.begin(), service->plans.end(),
                     [&](const PlanSpec& p) { return p.id == spec.plan; });
    if (plan == service->plans.end()) {
      return error("unknown plan '" + spec.plan + "' in service '" +
                   service->id + "'");
    }
    if (spec.count <= 0) {
      return error("a population needs a count of at least 1");
    }
    Population p;
    p.service = service_index(*service);
    p.plan_id = plan->id;
    p.plan_name = plan->name.empty() ? plan->id : plan->name;
    p.id_prefix = spec.id_prefix;
    p.with_keys = spec.with_keys;
    p.count = static_cast<size_t>(spec.count);
    if (spec.choice == LoadPopulation::Choice::kZipf) {
      std::vector<double> weights(p.count);
      for (size_t r = 0; r < p.count; ++r) {
        weights[r] =
            1.0 / std::pow(static_cast<double>(r + 1), spec.zipf_exponent);
      }
      p.zipf_cdf = Normalized(std::move(weights));
    }
    w.populations_.push_back(std::move(p));
    population_specs.push_back(service);
  }
  std::vector<double> counts;
  for (size_t i = 0; i < w.populations_.size(); ++i) {
    Population& p = w.populations_[i];
    const ServiceSpec& service = *population_specs[i];
    p.first_app = w.app_count_;
    w.app_count_ += p.count;
    p.first_slot = w.slot_count_;
    w.slot_count_ += p.count * w.services_[p.service].metrics.size();
    counts.push_back(static_cast<double>(p.count));
    p.encoded_prefix = core::EncodeComponent(p.id_prefix);
    for (const std::string& id : p.fixed_ids) {
      p.encoded_ids.push_back(core::EncodeComponent(id));
    }
    for (const std::string& key : p.fixed_keys) {
      p.encoded_keys.push_back(core::EncodeComponent(key));
    }
    // The fixture's applications may be on several plans; their limits are
    // those of the first application's plan only when all share it.
    bool one_plan = true;
    if (!p.fixed_ids.empty()) {
      for (const ApplicationSpec& app : service.applications) {
        one_plan = one_plan && app.plan == p.plan_id;
      }
    }
    for (const PlanSpec& plan : service.plans) {
      if (plan.id != p.plan_id || !one_plan) continue;
      for (const UsageLimitSpec& limit : plan.limits) {
        const std::optional<size_t> metric =
            metric_index(p.service, limit.metric);
        if (!metric) continue;  // The loader reports unknown metrics.
        p.limits.push_back(Limit{*metric, limit.period, limit.max_value});
      }
    }
  }
  w.population_cdf_ = Normalized(std::move(counts));

  // Calls.
  std::vector<double> weights;
  for (const LoadCall& spec : load.mix) {
    Call call;
    call.kind = spec.kind;
    call.weight = spec.weight;
    call.report = spec.kind == CallKind::kReport;
    call.transactions = call.report ? std::max(1, spec.transactions) : 1;
    call.counts = spec.kind == CallKind::kAuthrep ||
                  spec.kind == CallKind::kOauthAuthrep || call.report;
    call.limited = call.counts && !call.report;
    call.description = ToString(spec.kind);
    if (call.report) {
      call.description += " x" + std::to_string(call.transactions);
    }
    for (const auto& [metric, value] : spec.usage) {
      std::optional<UsageEntry> entry = ParseUsageTemplate(metric, value);
      if (!entry) {
        return error("usage value '" + value + "' of '" + metric +
                     "': a load call's usage is \"N\", \"#N\" or \"A..B\"");
      }
      call.usage.push_back(*entry);
      call.description += " usage[" + metric + "]=" + value;
    }
    for (size_t p = 0; p < w.populations_.size(); ++p) {
      const Population& population = w.populations_[p];
      Service& service = w.services_[population.service];
      std::vector<std::vector<size_t>> per_entry;
      for (const UsageEntry& entry : call.usage) {
        const std::optional<size_t> metric =
            metric_index(population.service, entry.metric);
        if (!metric) {
          return error("unknown metric '" + entry.metric + "' in service '" +
                       service.id + "'");
        }
        std::vector<size_t> affected = {*metric};
        const core::MetricSet& set = metric_sets[population.service];
        const core::Metric* m = set.FindByName(entry.metric);
        for (const std::string& id : set.AncestorIds(m->id)) {
          const core::Metric* ancestor = set.FindById(id);
          if (ancestor == nullptr) continue;
          if (auto index = metric_index(population.service, ancestor->name)) {
            affected.push_back(*index);
          }
        }
        if (entry.set && call.counts) {
          for (size_t i : affected) service.set_by_usage[i] = true;
        }
        per_entry.push_back(std::move(affected));
      }
      std::vector<std::vector<int>> limit_entries(population.limits.size());
      for (size_t l = 0; l < population.limits.size(); ++l) {
        for (size_t k = 0; k < per_entry.size(); ++k) {
          if (call.usage[k].set) continue;
          const auto& affected = per_entry[k];
          if (std::find(affected.begin(), affected.end(),
                        population.limits[l].metric) != affected.end()) {
            limit_entries[l].push_back(static_cast<int>(k));
          }
        }
      }
      call.metrics.push_back(std::move(per_entry));
      call.limit_entries.push_back(std::move(limit_entries));

      // The request, with placeholders, as a scenario step would send it.
      CallStep step;
      step.kind = spec.kind;
      step.service = service.id;
      step.credentials = scenario.defaults.credentials;
      step.extensions = spec.extensions;
      const bool has_reason_option = std::any_of(
          spec.extensions.begin(), spec.extensions.end(),
          [](const auto& e) { return e.first == "rejection_reason_header"; });
      if (!has_reason_option) {
        step.extensions.emplace_back("rejection_reason_header", "1");
      }
      if (call.report) {
        for (int t = 0; t < call.transactions; ++t) {
          ReportTransaction transaction;
          transaction.app = AppMark(t);
          for (size_t k = 0; k < call.usage.size(); ++k) {
            transaction.usage.emplace_back(call.usage[k].metric,
                                           UseMark(t, static_cast<int>(k)));
          }
          step.transactions.push_back(std::move(transaction));
        }
      } else {
        step.app = AppMark(0);
        const bool oauth = spec.kind == CallKind::kOauthAuthorize ||
                           spec.kind == CallKind::kOauthAuthrep;
        const bool keys =
            population.fixed_ids.empty()
                ? population.with_keys
                : std::any_of(population.fixed_keys.begin(),
                              population.fixed_keys.end(),
                              [](const std::string& k) { return !k.empty(); });
        if (keys && !oauth) step.app_key = kKeyMark;
        for (size_t k = 0; k < call.usage.size(); ++k) {
          step.usage.emplace_back(call.usage[k].metric,
                                  UseMark(0, static_cast<int>(k)));
        }
      }
      core::HttpRequest request = BuildCallRequest(scenario, step);
      std::string head =
          request.method + " " + request.target + " HTTP/1.1\r\n";
      for (auto& [name, value] : request.headers) {
        if (core::EqualsIgnoreCase(name, "content-length")) value = kLenMark;
        head += name + ": " + value + "\r\n";
      }
      head += "\r\n";
      auto head_segments = Split(head);
      auto body_segments = Split(request.body);
      if (!head_segments || !body_segments) {
        return error("cannot make a request template for '" + call.description +
                     "' (does a name contain 'ZZSC'?)");
      }
      call.head.push_back(std::move(*head_segments));
      call.body.push_back(std::move(*body_segments));
    }
    weights.push_back(spec.weight);
    w.calls_.push_back(std::move(call));
  }
  double total_weight = 0;
  for (double x : weights) total_weight += x;
  if (!(total_weight > 0)) {
    return error("the weights of the load mix add up to 0");
  }
  w.call_cdf_ = Normalized(std::move(weights));

  // The most one request adds to a metric of one application.
  w.max_usage_.resize(w.services_.size());
  for (size_t s = 0; s < w.services_.size(); ++s) {
    w.max_usage_[s].assign(w.services_[s].metrics.size(), 0);
  }
  for (const Call& call : w.calls_) {
    if (!call.counts) continue;
    for (size_t p = 0; p < w.populations_.size(); ++p) {
      const size_t s = w.populations_[p].service;
      std::vector<int64_t> per_metric(w.services_[s].metrics.size(), 0);
      for (size_t k = 0; k < call.usage.size(); ++k) {
        if (call.usage[k].set) continue;
        for (size_t m : call.metrics[p][k]) per_metric[m] += call.usage[k].high;
      }
      for (size_t m = 0; m < per_metric.size(); ++m) {
        w.max_usage_[s][m] =
            std::max(w.max_usage_[s][m], per_metric[m] * call.transactions);
      }
    }
  }
  return w;
}

size_t Workload::PopulationOf(size_t app) const {
  assert(app < app_count_);
  size_t p = 0;
  while (p + 1 < populations_.size() && populations_[p + 1].first_app <= app) {
    ++p;
  }
  return p;
}

size_t Workload::Slot(size_t app, size_t metric) const {
  const Population& p = populations_[PopulationOf(app)];
  return p.first_slot +
         (app - p.first_app) * services_[p.service].metrics.size() + metric;
}

std::string Workload::AppId(size_t app) const {
  const Population& p = populations_[PopulationOf(app)];
  const size_t n = app - p.first_app;
  if (!p.fixed_ids.empty()) return p.fixed_ids[n];
  return p.id_prefix + std::to_string(n);
}

std::string Workload::AppKey(size_t app) const {
  const Population& p = populations_[PopulationOf(app)];
  const size_t n = app - p.first_app;
  if (!p.fixed_ids.empty()) return p.fixed_keys[n];
  return p.with_keys ? AppId(app) + "-key" : "";
}

int64_t Workload::MaxUsagePerRequest(size_t service, size_t metric) const {
  return max_usage_[service][metric];
}

const std::string& Workload::CallDescription(size_t call) const {
  return calls_[call].description;
}

void Workload::DrawRequest(uint64_t key, int64_t index, Draw& draw) const {
  uint64_t state = key ^ (static_cast<uint64_t>(index) * 0xD1B54A32D192ED03ULL);
  SplitMix64(state);
  draw.call = static_cast<uint32_t>(Pick(call_cdf_, Unit(state)));
  draw.population = static_cast<uint32_t>(Pick(population_cdf_, Unit(state)));
  const Call& call = calls_[draw.call];
  const Population& p = populations_[draw.population];
  const size_t entries = call.usage.size();
  draw.apps.resize(static_cast<size_t>(call.transactions));
  draw.values.resize(static_cast<size_t>(call.transactions) * entries);
  for (size_t t = 0; t < draw.apps.size(); ++t) {
    const double u = Unit(state);
    size_t n = p.zipf_cdf.empty()
                   ? static_cast<size_t>(u * static_cast<double>(p.count))
                   : Pick(p.zipf_cdf, u);
    n = std::min(n, p.count - 1);
    draw.apps[t] = static_cast<uint32_t>(p.first_app + n);
    for (size_t k = 0; k < entries; ++k) {
      const UsageEntry& e = call.usage[k];
      int64_t v = e.low;
      if (e.high > e.low) {
        v += static_cast<int64_t>(SplitMix64(state) %
                                  static_cast<uint64_t>(e.high - e.low + 1));
      }
      draw.values[t * entries + k] = v;
    }
  }
}

void Workload::Render(const Draw& draw, std::string& out,
                      std::string& scratch) const {
  const Call& call = calls_[draw.call];
  const Population& p = populations_[draw.population];
  const size_t entries = call.usage.size();
  auto emit = [&](const std::vector<Segment>& segments, std::string& to) {
    for (const Segment& s : segments) {
      switch (s.kind) {
        case Segment::Kind::kLiteral:
          to += s.text;
          break;
        case Segment::Kind::kAppId: {
          const size_t n =
              draw.apps[static_cast<size_t>(s.transaction)] - p.first_app;
          if (!p.fixed_ids.empty()) {
            to += p.encoded_ids[n];
          } else {
            to += p.encoded_prefix;
            AppendDecimal(to, n);
          }
          break;
        }
        case Segment::Kind::kAppKey: {
          const size_t n =
              draw.apps[static_cast<size_t>(s.transaction)] - p.first_app;
          if (!p.fixed_ids.empty()) {
            if (p.encoded_keys[n].empty()) break;
            to += "&app_key=";
            to += p.encoded_keys[n];
          } else {
            to += "&app_key=";
            to += p.encoded_prefix;
            AppendDecimal(to, n);
            to += "-key";
          }
          break;
        }
        case Segment::Kind::kUsage: {
          const auto e = static_cast<size_t>(s.entry);
          if (call.usage[e].set) to += "%23";
          AppendDecimal(
              to, static_cast<uint64_t>(
                      draw.values[static_cast<size_t>(s.transaction) * entries +
                                  e]));
          break;
        }
        case Segment::Kind::kContentLength:
          AppendDecimal(to, scratch.size());
          break;
      }
    }
  };
  scratch.clear();
  emit(call.body[draw.population], scratch);
  emit(call.head[draw.population], out);
  out += scratch;
}

}  // namespace scalecheck::harness
