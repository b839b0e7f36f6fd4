// tests/core/registry_test.cc: what the internal API seeds (spec 2.4, 4, 8):
// services and their default, tokens, metrics and usage limits,
// applications with keys, referrer filters and user keys.
#include "core/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace scalecheck::core {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;
using testing::Pair;

class RegistryTest : public testing::Test {
 protected:
  // Saves service `id` of `provider_key` with only the attributes given.
  bool SaveService(const std::string& id, const std::string& provider_key,
                   std::optional<bool> default_service = std::nullopt) {
    ServiceAttributes attributes;
    attributes.id = id;
    attributes.provider_key = provider_key;
    attributes.default_service = default_service;
    return registry_.SaveService(attributes);
  }

  // The id of `provider_key`'s default service, or "none".
  std::string DefaultOf(const std::string& provider_key) const {
    const Service* s = registry_.DefaultService(provider_key);
    return s == nullptr ? "none" : s->id;
  }

  // Service s1 of pk with app a1 on plan p1.
  void SeedApp() {
    SaveService("s1", "pk");
    ApplicationAttributes attributes;
    attributes.state = "active";
    attributes.plan_id = "p1";
    attributes.plan_name = "Basic";
    registry_.SaveApplication("s1", "a1", attributes);
  }

  // "metric/period=max" for each limit of `plan_id` in s1, in print order.
  std::vector<std::string> Limits(const std::string& plan_id) const {
    std::vector<std::string> out;
    for (const UsageLimit& l : registry_.FindService("s1")->LimitsOf(plan_id)) {
      out.push_back(l.metric_id + "/" + std::string(ToString(l.period)) + "=" +
                    std::to_string(l.max_value));
    }
    return out;
  }

  void PutLimit(const std::string& metric_id, Period period, int64_t max) {
    const Status s =
        registry_.PutUsageLimit("s1", "p1", UsageLimit{metric_id, period, max});
    ASSERT_TRUE(s.ok()) << s.message();
  }

  void PutMetric(const std::string& id, const std::string& name,
                 const std::string& parent_id = "") {
    const Status s = registry_.PutMetric("s1", Metric{id, name, parent_id});
    ASSERT_TRUE(s.ok()) << s.message();
  }

  Registry registry_;
};

// --- Services and their default (spec 2.4, 4)
// ---------------------------------

TEST_F(RegistryTest, Spec2_4_TheFirstServiceOfAProviderKeyIsItsDefault) {
  EXPECT_TRUE(SaveService("s1", "pk"));
  EXPECT_TRUE(SaveService("s2", "pk"));

  EXPECT_EQ("s1", DefaultOf("pk"));
  EXPECT_TRUE(registry_.IsDefaultService(*registry_.FindService("s1")));
  EXPECT_FALSE(registry_.IsDefaultService(*registry_.FindService("s2")));
  EXPECT_EQ("none", DefaultOf("unknown"));
}

TEST_F(RegistryTest,
       Spec2_4_AServiceSavedWithDefaultServiceTrueBecomesTheDefault) {
  SaveService("s1", "pk");
  SaveService("s2", "pk", /*default_service=*/true);

  EXPECT_EQ("s2", DefaultOf("pk"));

  SaveService("s1", "pk", /*default_service=*/false);
  EXPECT_EQ("s2", DefaultOf("pk")) << "false does not take it back";
}

TEST_F(RegistryTest, ProviderKeysHaveTheirOwnDefaults) {
  SaveService("s1", "pk");
  SaveService("s9", "pk2");

  EXPECT_EQ("s1", DefaultOf("pk"));
  EXPECT_EQ("s9", DefaultOf("pk2"));
}

TEST_F(RegistryTest,
       Spec8_SavingAnExistingServiceUpdatesOnlyTheGivenAttributes) {
  ServiceAttributes full;
  full.id = "s1";
  full.provider_key = "pk";
  full.backend_version = "oauth";
  full.referrer_filters_required = true;
  full.state = "suspended";
  ASSERT_TRUE(registry_.SaveService(full));

  ServiceAttributes partial;
  partial.id = "s1";
  partial.state = "active";
  EXPECT_FALSE(registry_.SaveService(partial)) << "not created";

  const Service* s = registry_.FindService("s1");
  ASSERT_NE(nullptr, s);
  EXPECT_EQ("pk", s->provider_key);
  EXPECT_EQ("oauth", s->backend_version);
  EXPECT_TRUE(s->oauth());
  EXPECT_TRUE(s->referrer_filters_required);
  EXPECT_TRUE(s->active);
}

TEST_F(RegistryTest, Spec4_AnyStateButActiveIsSuspendedAndNoStateIsActive) {
  const struct {
    std::optional<std::string> state;
    bool active;
  } cases[] = {{"active", true},
               {"suspended", false},
               {"pending", false},
               {"Active", false},
               {std::nullopt, true}};
  int n = 0;
  for (const auto& c : cases) {
    ServiceAttributes a;
    a.id = "s" + std::to_string(++n);
    a.provider_key = "pk";
    a.state = c.state;
    registry_.SaveService(a);
    EXPECT_EQ(c.active, registry_.FindService(a.id)->active)
        << c.state.value_or("(none)");
  }
}

TEST_F(RegistryTest, Spec4_BackendVersionModes) {
  ServiceAttributes a;
  a.id = "s1";
  a.provider_key = "pk";
  registry_.SaveService(a);
  const Service* s = registry_.FindService("s1");
  EXPECT_FALSE(s->oauth());
  EXPECT_FALSE(s->user_key_mode()) << "unset behaves like \"2\"";

  a.backend_version = "1";
  registry_.SaveService(a);
  EXPECT_TRUE(s->user_key_mode());
}

TEST_F(RegistryTest, Spec8_TheDefaultServiceCannotBeDeletedWhileOthersExist) {
  SaveService("s1", "pk");
  SaveService("s2", "pk");

  const Status s = registry_.DeleteService("s1");

  EXPECT_EQ(StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(R"(Service id="s1" is the default service, cannot be removed)",
            s.message());
  EXPECT_NE(nullptr, registry_.FindService("s1"));
  EXPECT_EQ("s1", DefaultOf("pk"));
}

TEST_F(RegistryTest, Spec8_ANonDefaultServiceCanBeDeleted) {
  SaveService("s1", "pk");
  SaveService("s2", "pk");

  EXPECT_TRUE(registry_.DeleteService("s2").ok());

  EXPECT_EQ(nullptr, registry_.FindService("s2"));
  EXPECT_EQ("s1", DefaultOf("pk"));
}

TEST_F(RegistryTest, Spec8_TheLastServiceOfAKeyCanBeDeletedWithItsDefault) {
  SaveService("s1", "pk");

  EXPECT_TRUE(registry_.DeleteService("s1").ok());

  EXPECT_EQ(nullptr, registry_.FindService("s1"));
  EXPECT_EQ("none", DefaultOf("pk"));
  EXPECT_TRUE(SaveService("s3", "pk"));
  EXPECT_EQ("s3", DefaultOf("pk")) << "a new first service";
}

TEST_F(RegistryTest, Spec8_DeletingAnUnknownServiceIsNotFound) {
  const Status s = registry_.DeleteService("nope");

  EXPECT_EQ(StatusCode::kNotFound, s.code());
  EXPECT_EQ(R"(service id "nope" is invalid)", s.message());
}

TEST_F(RegistryTest, DeletingAServiceDeletesItsApplicationsAndUserKeys) {
  SeedApp();
  registry_.SetUserKey("s1", "uk", "a1");

  ASSERT_TRUE(registry_.DeleteService("s1").ok());

  EXPECT_EQ(nullptr, registry_.FindApplication("s1", "a1"));
  EXPECT_EQ(std::nullopt, registry_.FindAppIdByUserKey("s1", "uk"));
  EXPECT_THAT(registry_.Applications(), IsEmpty());
}

TEST_F(RegistryTest, Spec8_ChangeProviderKeyMovesEveryServiceAndTheDefault) {
  SaveService("s1", "pk");
  SaveService("s2", "pk");
  SaveService("s9", "other");

  ASSERT_TRUE(registry_.ChangeProviderKey("pk", "pk-new").ok());

  EXPECT_EQ("pk-new", registry_.FindService("s1")->provider_key);
  EXPECT_EQ("pk-new", registry_.FindService("s2")->provider_key);
  EXPECT_EQ("other", registry_.FindService("s9")->provider_key);
  EXPECT_EQ("s1", DefaultOf("pk-new"));
  EXPECT_EQ("none", DefaultOf("pk"));
}

TEST_F(RegistryTest, Spec8_ChangeProviderKeyRefusesUnknownEmptyOrEqualKeys) {
  SaveService("s1", "pk");

  const Status unknown = registry_.ChangeProviderKey("nope", "x");
  EXPECT_EQ(StatusCode::kNotFound, unknown.code());
  EXPECT_EQ(R"(Provider key="nope" does not exist)", unknown.message());

  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"", "x"}, {"pk", ""}, {"pk", "pk"}}) {
    const Status s = registry_.ChangeProviderKey(from, to);
    EXPECT_EQ(StatusCode::kInvalidArgument, s.code()) << from << "->" << to;
    EXPECT_EQ("Provider keys are not valid, must be not nil and different",
              s.message());
  }
  EXPECT_EQ("s1", DefaultOf("pk"));
}

TEST_F(RegistryTest, Spec8_ChangeProviderKeyRefusesAKeyThatHasServices) {
  SaveService("s1", "pk");
  SaveService("s9", "pk2");

  const Status s = registry_.ChangeProviderKey("pk", "pk2");

  EXPECT_EQ(StatusCode::kAlreadyExists, s.code());
  EXPECT_EQ(R"(Provider key="pk2" already exists)", s.message());
  EXPECT_EQ("pk", registry_.FindService("s1")->provider_key);
  EXPECT_EQ("s9", DefaultOf("pk2"));
}

TEST_F(RegistryTest, ServicesListsEveryService) {
  SaveService("s2", "pk");
  SaveService("s1", "pk2");

  std::vector<std::string> ids;
  for (const Service* s : registry_.Services()) ids.push_back(s->id);

  EXPECT_THAT(ids, ElementsAre("s1", "s2"));
}

// --- Service tokens
// ---------------------------------------------------------------

TEST_F(RegistryTest, Spec2_4_ServiceTokensArePairsOfTokenAndServiceId) {
  registry_.AddServiceToken("t1", "s1");

  EXPECT_TRUE(registry_.HasServiceToken("t1", "s1"));
  EXPECT_FALSE(registry_.HasServiceToken("t1", "s2"));
  EXPECT_FALSE(registry_.HasServiceToken("t2", "s1"));
  EXPECT_EQ(1u, registry_.service_tokens().size());

  EXPECT_TRUE(registry_.RemoveServiceToken("t1", "s1"));
  EXPECT_FALSE(registry_.HasServiceToken("t1", "s1"));
  EXPECT_FALSE(registry_.RemoveServiceToken("t1", "s1"));
}

// --- Metrics and usage limits (spec 4, 5.12)
// --------------------------------------

TEST_F(RegistryTest, MetricsAndLimitsNeedAnExistingService) {
  EXPECT_EQ(StatusCode::kNotFound,
            registry_.PutMetric("nope", Metric{"1", "hits", ""}).code());
  EXPECT_EQ(
      StatusCode::kNotFound,
      registry_.PutUsageLimit("nope", "p1", {"1", Period::kDay, 1}).code());
  EXPECT_FALSE(registry_.DeleteMetric("nope", "1"));
  EXPECT_FALSE(registry_.DeleteUsageLimit("nope", "p1", "1", Period::kDay));
  EXPECT_EQ(std::nullopt,
            registry_.FindUsageLimit("nope", "p1", "1", Period::kDay));
}

TEST_F(RegistryTest, Spec8_UsageLimitsArePutFoundReplacedAndDeleted) {
  SaveService("s1", "pk");
  PutMetric("1", "hits");

  PutLimit("1", Period::kDay, 100);
  EXPECT_EQ(100, registry_.FindUsageLimit("s1", "p1", "1", Period::kDay));
  EXPECT_EQ(std::nullopt,
            registry_.FindUsageLimit("s1", "p1", "1", Period::kHour));
  EXPECT_EQ(std::nullopt,
            registry_.FindUsageLimit("s1", "p2", "1", Period::kDay));

  PutLimit("1", Period::kDay, 5);
  EXPECT_EQ(5, registry_.FindUsageLimit("s1", "p1", "1", Period::kDay));

  EXPECT_TRUE(registry_.DeleteUsageLimit("s1", "p1", "1", Period::kDay));
  EXPECT_FALSE(registry_.DeleteUsageLimit("s1", "p1", "1", Period::kDay));
  EXPECT_FALSE(registry_.DeleteUsageLimit("s1", "p9", "1", Period::kDay));
  EXPECT_EQ(std::nullopt,
            registry_.FindUsageLimit("s1", "p1", "1", Period::kDay));
}

TEST_F(RegistryTest, Spec5_12_LimitsPrintByMetricIdThenFromEternityToMinute) {
  SaveService("s1", "pk");
  PutMetric("10", "late");
  PutMetric("2", "search", "1");
  PutMetric("1", "hits");
  PutMetric("m_a", "named");
  PutLimit("m_a", Period::kDay, 7);
  PutLimit("10", Period::kMinute, 1);
  PutLimit("2", Period::kMinute, 3);
  PutLimit("2", Period::kWeek, 5);
  PutLimit("1", Period::kDay, 10);
  PutLimit("1", Period::kEternity, 1000);
  PutLimit("1", Period::kMonth, 100);

  EXPECT_THAT(Limits("p1"), ElementsAre("1/eternity=1000", "1/month=100",
                                        "1/day=10", "2/week=5", "2/minute=3",
                                        "10/minute=1", "m_a/day=7"));
}

TEST_F(RegistryTest, Spec4_LimitsOfADeletedMetricAreIgnored) {
  SaveService("s1", "pk");
  PutMetric("1", "hits");
  PutMetric("2", "gone");
  PutLimit("1", Period::kDay, 10);
  PutLimit("2", Period::kDay, 5);

  EXPECT_TRUE(registry_.DeleteMetric("s1", "2"));

  EXPECT_THAT(Limits("p1"), ElementsAre("1/day=10"));
  EXPECT_EQ(5, registry_.FindUsageLimit("s1", "p1", "2", Period::kDay))
      << "the limit itself stays";

  PutMetric("2", "back");
  EXPECT_THAT(Limits("p1"), ElementsAre("1/day=10", "2/day=5"))
      << "and applies again when the metric returns";
}

TEST_F(RegistryTest, Spec4_LimitsBelongToAPlan) {
  SaveService("s1", "pk");
  PutMetric("1", "hits");
  PutLimit("1", Period::kDay, 10);
  ASSERT_TRUE(
      registry_.PutUsageLimit("s1", "p2", UsageLimit{"1", Period::kDay, 99})
          .ok());

  EXPECT_THAT(Limits("p1"), ElementsAre("1/day=10"));
  EXPECT_THAT(Limits("p2"), ElementsAre("1/day=99"));
  EXPECT_THAT(Limits("p3"), IsEmpty());
  EXPECT_THAT(Limits(""), IsEmpty());
}

// --- Applications, keys, referrer filters, user keys (spec 4, 8)
// --------------

TEST_F(RegistryTest, Spec8_SavingAnApplicationCreatesThenUpdates) {
  SeedApp();

  const Application* app = registry_.FindApplication("s1", "a1");
  ASSERT_NE(nullptr, app);
  EXPECT_EQ("s1", app->service_id);
  EXPECT_EQ("a1", app->id);
  EXPECT_EQ("p1", app->plan_id);
  EXPECT_EQ("Basic", app->plan_name);
  EXPECT_TRUE(app->active());
  EXPECT_EQ(std::nullopt, app->redirect_url);

  ApplicationAttributes update;
  update.state = "suspended";
  EXPECT_FALSE(registry_.SaveApplication("s1", "a1", update)) << "updated";
  EXPECT_FALSE(registry_.FindApplication("s1", "a1")->active());
}

TEST_F(RegistryTest, Golden21_AnUpdateKeepsTheAttributesItOmits) {
  SeedApp();
  ApplicationAttributes update;
  update.redirect_url = "http://x/cb";

  registry_.SaveApplication("s1", "a1", update);

  const Application* app = registry_.FindApplication("s1", "a1");
  EXPECT_EQ("active", app->state);
  EXPECT_EQ("p1", app->plan_id);
  EXPECT_EQ("Basic", app->plan_name);
  EXPECT_EQ("http://x/cb", app->redirect_url.value_or("(none)"));
}

TEST_F(RegistryTest, Spec5_11_OnlyTheStateActiveIsActive) {
  SeedApp();
  for (const char* state : {"suspended", "pending", "Active", ""}) {
    ApplicationAttributes update;
    update.state = state;
    registry_.SaveApplication("s1", "a1", update);
    EXPECT_FALSE(registry_.FindApplication("s1", "a1")->active()) << state;
  }
}

TEST_F(RegistryTest, Spec2_4_ApplicationsAreScopedByService) {
  SeedApp();
  SaveService("s2", "pk");

  EXPECT_EQ(nullptr, registry_.FindApplication("s2", "a1"));
  EXPECT_EQ(nullptr, registry_.FindApplication("s1", "nope"));
}

TEST_F(RegistryTest, Spec8_DeleteApplication) {
  SeedApp();

  EXPECT_TRUE(registry_.DeleteApplication("s1", "a1"));

  EXPECT_EQ(nullptr, registry_.FindApplication("s1", "a1"));
  EXPECT_FALSE(registry_.DeleteApplication("s1", "a1"));
  EXPECT_FALSE(registry_.DeleteApplication("nope", "a1"));
}

TEST_F(RegistryTest, Spec5_9_ApplicationKeysAreASet) {
  SeedApp();

  ASSERT_TRUE(registry_.AddApplicationKey("s1", "a1", "k2").ok());
  ASSERT_TRUE(registry_.AddApplicationKey("s1", "a1", "k1").ok());
  ASSERT_TRUE(registry_.AddApplicationKey("s1", "a1", "k1").ok());

  EXPECT_THAT(registry_.FindApplication("s1", "a1")->keys,
              ElementsAre("k1", "k2"));
  EXPECT_TRUE(registry_.DeleteApplicationKey("s1", "a1", "k1"));
  EXPECT_FALSE(registry_.DeleteApplicationKey("s1", "a1", "k1"));
  EXPECT_THAT(registry_.FindApplication("s1", "a1")->keys, ElementsAre("k2"));
}

TEST_F(RegistryTest, Spec8_KeysAndFiltersNeedAnExistingApplication) {
  SeedApp();

  const Status key = registry_.AddApplicationKey("s1", "nope", "k1");
  EXPECT_EQ(StatusCode::kNotFound, key.code());
  EXPECT_EQ(StatusCode::kNotFound,
            registry_.AddReferrerFilter("s1", "nope", "*.example.org").code());
  EXPECT_EQ(StatusCode::kNotFound,
            registry_.AddApplicationKey("s2", "a1", "k1").code());
  EXPECT_FALSE(registry_.DeleteApplicationKey("s1", "nope", "k1"));
  EXPECT_FALSE(registry_.DeleteReferrerFilter("s1", "nope", "x"));
}

TEST_F(RegistryTest, Spec8_ReferrerFiltersAreKeptSorted) {
  SeedApp();

  ASSERT_TRUE(registry_.AddReferrerFilter("s1", "a1", "*.example.org").ok());
  ASSERT_TRUE(registry_.AddReferrerFilter("s1", "a1", "194.179.*.10").ok());
  ASSERT_TRUE(registry_.AddReferrerFilter("s1", "a1", "*.example.org").ok());

  EXPECT_THAT(registry_.FindApplication("s1", "a1")->referrer_filters,
              ElementsAre("*.example.org", "194.179.*.10"));
  EXPECT_TRUE(registry_.DeleteReferrerFilter("s1", "a1", "*.example.org"));
  EXPECT_FALSE(registry_.DeleteReferrerFilter("s1", "a1", "*.example.org"));
  EXPECT_THAT(registry_.FindApplication("s1", "a1")->referrer_filters,
              ElementsAre("194.179.*.10"));
}

TEST_F(RegistryTest, Spec8_UserKeysMapToApplicationsPerService) {
  SeedApp();

  registry_.SetUserKey("s1", "uk", "a1");
  registry_.SetUserKey("s1", "ak", "a2");

  EXPECT_EQ("a1", registry_.FindAppIdByUserKey("s1", "uk").value_or("none"));
  EXPECT_EQ(std::nullopt, registry_.FindAppIdByUserKey("s2", "uk"));
  EXPECT_EQ(std::nullopt, registry_.FindAppIdByUserKey("s1", "UK"));
  EXPECT_THAT(registry_.UserKeys("s1"),
              ElementsAre(Pair("ak", "a2"), Pair("uk", "a1")));
  EXPECT_THAT(registry_.UserKeys("s2"), IsEmpty());

  registry_.SetUserKey("s1", "uk", "a3");
  EXPECT_EQ("a3", registry_.FindAppIdByUserKey("s1", "uk").value_or("none"))
      << "replaced";

  EXPECT_TRUE(registry_.DeleteUserKey("s1", "uk"));
  EXPECT_FALSE(registry_.DeleteUserKey("s1", "uk"));
  EXPECT_FALSE(registry_.DeleteUserKey("s2", "uk"));
  EXPECT_EQ(std::nullopt, registry_.FindAppIdByUserKey("s1", "uk"));
}

TEST_F(RegistryTest, ApplicationsListsEveryApplicationByServiceThenId) {
  SeedApp();
  SaveService("s2", "pk");
  registry_.SaveApplication("s2", "b", {});
  registry_.SaveApplication("s1", "a0", {});

  std::vector<std::string> ids;
  for (const Application* a : registry_.Applications()) {
    ids.push_back(a->service_id + "/" + a->id);
  }

  EXPECT_THAT(ids, ElementsAre("s1/a0", "s1/a1", "s2/b"));
}

TEST_F(RegistryTest, ClearForgetsEverything) {
  SeedApp();
  registry_.AddServiceToken("t1", "s1");
  registry_.SetUserKey("s1", "uk", "a1");

  registry_.Clear();

  EXPECT_THAT(registry_.Services(), IsEmpty());
  EXPECT_THAT(registry_.Applications(), IsEmpty());
  EXPECT_THAT(registry_.service_tokens(), IsEmpty());
  EXPECT_EQ("none", DefaultOf("pk"));
  EXPECT_EQ(std::nullopt, registry_.FindAppIdByUserKey("s1", "uk"));
}

}  // namespace
}  // namespace scalecheck::core
