// tests/core/usage_test.cc: the `usage` of a request (spec 5.1, 5.5-5.7):
// value validation, parsing with apisonator's exact errors, and the two ways
// usage reaches ancestor metrics (golden "Surprises" 14, 15).
#include "core/usage.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace scalecheck::core {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// One `usage[name]=value` of a request; a null value is a key without '='.
struct Param {
  const char* name;
  const char* value;
};

// The golden random/* schema, plus the two-children parent of golden
// authrep/set_children:
//   hits (1) ─┬─ search (2) ── deep (3)      parent (10) ─┬─ c1 (11)
//             └─ upload (4)                                └─ c2 (12)
//   storage (5)
class UsageTest : public testing::Test {
 protected:
  UsageTest() {
    metrics_.Put({"1", "hits", ""});
    metrics_.Put({"2", "search", "1"});
    metrics_.Put({"3", "deep", "2"});
    metrics_.Put({"4", "upload", "1"});
    metrics_.Put({"5", "storage", ""});
    metrics_.Put({"10", "parent", ""});
    metrics_.Put({"11", "c1", "10"});
    metrics_.Put({"12", "c2", "10"});
  }

  static ParamHash UsageParam(std::initializer_list<Param> params) {
    ParamHash hash;
    for (const Param& p : params) {
      ParamValue value;
      if (p.value != nullptr) value.value = std::string(p.value);
      hash.Set(p.name, std::move(value));
    }
    return hash;
  }

  // The parsed usage; a failure (and an empty usage) if ParseUsage refused.
  Usage Parse(std::initializer_list<Param> params) const {
    auto parsed = ParseUsage(UsageParam(params), metrics_);
    if (const auto* error = std::get_if<BackendError>(&parsed)) {
      ADD_FAILURE() << "unexpected " << error->code << ": " << error->message;
      return {};
    }
    return std::get<Usage>(std::move(parsed));
  }

  // The error ParseUsage gives, or a failure if it accepted the usage.
  BackendError ParseError(const ParamHash& params) const {
    auto parsed = ParseUsage(params, metrics_);
    if (const auto* error = std::get_if<BackendError>(&parsed)) return *error;
    ADD_FAILURE() << "ParseUsage accepted the usage";
    return {};
  }
  BackendError ParseError(std::initializer_list<Param> params) const {
    return ParseError(UsageParam(params));
  }

  Usage Propagate(std::initializer_list<Param> params,
                  bool flat = false) const {
    return PropagateToAncestors(Parse(params), metrics_, flat);
  }

  // "name=+N" for increments and "name=#N" for sets, in usage order.
  static std::string Show(const Usage& usage) {
    std::string out;
    for (const UsageEntry& e : usage) {
      if (!out.empty()) out += ' ';
      out += e.metric_name + (e.value.set ? "=#" : "=+") +
             std::to_string(e.value.value);
    }
    return out;
  }

  MetricSet metrics_;
};

// --- Value syntax (spec 5.6, 5.7)
// ---------------------------------------------

TEST_F(UsageTest, Spec5_7_SaneValuesAreAccepted) {
  for (const char* text : {"1", "0", "00", "123", "#5", "#0", "#00", " 1", "1 ",
                           " #5", "\t7\t", "1\n", "\n1", "  #12  ", "\r\n3\r\n",
                           "\f4\v", "99999999999999999999999"}) {
    EXPECT_TRUE(IsSaneUsageValue(text)) << "'" << text << "'";
  }
}

TEST_F(UsageTest, Spec5_7_InsaneValuesAreRejected) {
  for (const char* text : {"-1",   "1.5",         "##3", "#",  "-#55", "tons!",
                           "",     " ",           "\n",  "+1", "1e3",  "1,000",
                           "0x10", "# 5",         "1 2", "5#", "#-1",  "1_000",
                           "abc",  "\xEF\xBC\x91" /* fullwidth 1 */}) {
    EXPECT_FALSE(IsSaneUsageValue(text)) << "'" << text << "'";
  }
}

TEST_F(UsageTest, Spec5_6_ParseUsageValueFollowsRubysToI) {
  const struct {
    const char* text;
    bool set;
    int64_t value;
  } cases[] = {
      {"5", false, 5},
      {"#5", true, 5},
      {"#0", true, 0},
      {"00", false, 0},
      {" 7 ", false, 7},
      {" #5", false, 0},  // Golden "Surprises": counts as +0, not as a set.
      {"#12 ", true, 12},
      {"1_000", false, 1000},
      {"1__0", false, 1},
      {"99999999999999999999", false, kMax},  // Saturated.
      {"#99999999999999999999", true, kMax},
      {"9223372036854775807", false, kMax},
  };
  for (const auto& c : cases) {
    const UsageValue v = ParseUsageValue(c.text);
    EXPECT_EQ(c.set, v.set) << "'" << c.text << "'";
    EXPECT_EQ(c.value, v.value) << "'" << c.text << "'";
  }
}

TEST_F(UsageTest, Spec5_6_ASetReplacesAndAnIncrementAdds) {
  EXPECT_EQ(2, (UsageValue{true, 2}.ApplyTo(99)));
  EXPECT_EQ(0, (UsageValue{true, 0}.ApplyTo(99)));
  EXPECT_EQ(101, (UsageValue{false, 2}.ApplyTo(99)));
  EXPECT_EQ(kMax, (UsageValue{false, 1}.ApplyTo(kMax))) << "saturates";
  EXPECT_EQ(kMax, (UsageValue{false, kMax}.ApplyTo(kMax)));
}

TEST_F(UsageTest, Golden14_ASetFoldedIntoASumCountsZero) {
  EXPECT_EQ(0, (UsageValue{true, 3}.as_increment()));  // "#3".to_i == 0
  EXPECT_EQ(3, (UsageValue{false, 3}.as_increment()));
}

// --- ParseUsage (spec 5.7)
// -------------------------------------------------------

TEST_F(UsageTest, Spec5_7_ParsesEntriesInRequestOrder) {
  const Usage usage = Parse({{"upload", "2"}, {"hits", "#3"}, {"deep", "1"}});

  ASSERT_EQ(3u, usage.size());
  EXPECT_EQ("4", usage[0].metric_id);
  EXPECT_EQ("1", usage[1].metric_id);
  EXPECT_EQ("3", usage[2].metric_id);
  EXPECT_EQ("upload=+2 hits=#3 deep=+1", Show(usage));
}

TEST_F(UsageTest, Spec5_1_MetricNamesAreTrimmedBeforeLookup) {
  const Usage usage = Parse({{" hits ", "1"}, {"\tsearch\n", "2"}});

  EXPECT_EQ("hits=+1 search=+2", Show(usage));
}

TEST_F(UsageTest, AMetricNamedTwiceKeepsItsFirstPlaceAndItsLastValue) {
  const Usage usage = Parse({{"hits", "1"}, {"upload", "2"}, {" hits", "#7"}});

  EXPECT_EQ("hits=#7 upload=+2", Show(usage));
}

TEST_F(UsageTest, AnEmptyUsageParsesToNothing) {
  EXPECT_TRUE(Parse({}).empty());
}

TEST_F(UsageTest, Spec3_5_AnInvalidValueIsUsageValueInvalid) {
  for (const char* value : {"-1", "1.5", "##3", "#", "-#55", "tons!", "x"}) {
    const BackendError e = ParseError({{"hits", value}});
    EXPECT_EQ("usage_value_invalid", e.code) << value;
    EXPECT_EQ(403, e.http_status) << value;
    EXPECT_EQ("usage value \"" + std::string(value) +
                  "\" for metric \"hits\" is invalid",
              e.message);
  }
}

TEST_F(UsageTest, Spec3_5_ABlankValueCanNotBeEmpty) {
  for (const char* value : {"", " ", "\t\n"}) {
    const BackendError e = ParseError({{"hits", value}});
    EXPECT_EQ("usage_value_invalid", e.code) << "'" << value << "'";
    EXPECT_EQ(403, e.http_status);
    EXPECT_EQ("usage value for metric \"hits\" can not be empty", e.message);
  }
}

TEST_F(UsageTest, Spec3_5_ANonStringValueCanNotBeEmpty) {
  ParamHash nested;
  nested.Set("x", ParamValue{std::string("1")});
  ParamHash hash_value;
  hash_value.Set("hits", ParamValue{std::move(nested)});
  ParamHash array_value;
  array_value.Set("hits", ParamValue{ParamArray{ParamValue{std::string("1")}}});

  for (const ParamHash& usage :
       {UsageParam({{"hits", nullptr}}), hash_value, array_value}) {
    const BackendError e = ParseError(usage);
    EXPECT_EQ("usage_value_invalid", e.code);
    EXPECT_EQ("usage value for metric \"hits\" can not be empty", e.message);
  }
}

TEST_F(UsageTest, Spec3_5_AnUnknownMetricIsMetricInvalid) {
  const BackendError e = ParseError({{"nukes", "1"}});

  EXPECT_EQ("metric_invalid", e.code);
  EXPECT_EQ(404, e.http_status);
  EXPECT_EQ("metric \"nukes\" is invalid", e.message);
}

TEST_F(UsageTest, Spec5_7_ErrorsNameTheTrimmedMetric) {
  // Metric::Collection#parse_usage strips the name before raising.
  EXPECT_EQ("metric \"nukes\" is invalid",
            ParseError({{" nukes ", "1"}}).message);
  EXPECT_EQ("usage value \"x\" for metric \"hits\" is invalid",
            ParseError({{" hits", "x"}}).message);
  EXPECT_EQ("usage value for metric \"hits\" can not be empty",
            ParseError({{"hits\t", " "}}).message);
}

TEST_F(UsageTest, Spec5_7_TheValueIsCheckedBeforeTheMetric) {
  const BackendError e = ParseError({{"nukes", "x"}});

  EXPECT_EQ("usage_value_invalid", e.code);
  EXPECT_EQ("usage value \"x\" for metric \"nukes\" is invalid", e.message);
}

TEST_F(UsageTest, Spec5_7_TheFirstFailingEntryInRequestOrderWins) {
  EXPECT_EQ("metric_invalid",
            ParseError({{"hits", "1"}, {"nukes", "1"}, {"search", "-1"}}).code);
  EXPECT_EQ("usage_value_invalid",
            ParseError({{"hits", "1"}, {"search", "-1"}, {"nukes", "1"}}).code);
  EXPECT_EQ("usage value \"1.5\" for metric \"upload\" is invalid",
            ParseError({{"upload", "1.5"}, {"search", "-1"}}).message);
}

// --- The worker's propagation (spec 5.1, golden "Surprises" 14)
// -------------------

TEST_F(UsageTest, Spec5_1_IncrementsAddUpTheWholeChain) {
  EXPECT_EQ("deep=+1 search=+1 hits=+1", Show(Propagate({{"deep", "1"}})));
}

TEST_F(UsageTest, Spec5_1_AParentReportedWithAChildGetsBoth) {
  // Spec 7.45: hits=2&search=5 counts hits +7.
  EXPECT_EQ("hits=+7 search=+5",
            Show(Propagate({{"hits", "2"}, {"search", "5"}})));
  EXPECT_EQ("search=+5 hits=+7",
            Show(Propagate({{"search", "5"}, {"hits", "2"}})));
}

TEST_F(UsageTest, Spec5_1_SiblingsAddUpInTheirParent) {
  EXPECT_EQ("search=+2 upload=+3 hits=+5",
            Show(Propagate({{"search", "2"}, {"upload", "3"}})));
  EXPECT_EQ("deep=+1 upload=+3 search=+1 hits=+4",
            Show(Propagate({{"deep", "1"}, {"upload", "3"}})));
}

TEST_F(UsageTest, Spec5_1_ASetIsCopiedUpTheChain) {
  EXPECT_EQ("deep=#3 search=#3 hits=#3", Show(Propagate({{"deep", "#3"}})));
}

TEST_F(UsageTest, Golden14_AParentSetPlusAChildIncrementBecomesAnIncrement) {
  // authrep/set_and_increment_mix: hits=#3&search=2 with 10 stored, the
  // worker stores 12: "#3".to_i + 2.
  EXPECT_EQ("hits=+2 search=+2",
            Show(Propagate({{"hits", "#3"}, {"search", "2"}})));
  EXPECT_EQ("search=+2 hits=+2",
            Show(Propagate({{"search", "2"}, {"hits", "#3"}})));
}

TEST_F(UsageTest,
       Golden14_TwoChildSetsLeaveTheParentWithTheLastInRequestOrder) {
  // authrep/set_children: c2=#5&c1=#7 stores 7 in the parent.
  EXPECT_EQ("c2=#5 c1=#7 parent=#7",
            Show(Propagate({{"c2", "#5"}, {"c1", "#7"}})));
  EXPECT_EQ("c1=#11 c2=#12 parent=#12",
            Show(Propagate({{"c1", "#11"}, {"c2", "#12"}})));
}

TEST_F(UsageTest, Spec5_1_AnIncrementAfterASetOnASiblingAddsToZero) {
  EXPECT_EQ("upload=#4 search=+2 hits=+2",
            Show(Propagate({{"upload", "#4"}, {"search", "2"}})));
  EXPECT_EQ("search=+2 upload=#4 hits=#4",
            Show(Propagate({{"search", "2"}, {"upload", "#4"}})));
}

TEST_F(UsageTest, Golden15_ASpaceBeforeTheHashIsAnIncrementOfZero) {
  EXPECT_EQ("search=+0 hits=+0", Show(Propagate({{"search", " #5"}})));
}

TEST_F(UsageTest, Spec5_1_FlatUsageIsNotPropagated) {
  EXPECT_EQ("deep=+1", Show(Propagate({{"deep", "1"}}, /*flat=*/true)));
  EXPECT_EQ("c2=#5 c1=#7",
            Show(Propagate({{"c2", "#5"}, {"c1", "#7"}}, /*flat=*/true)));
}

TEST_F(UsageTest, Spec5_1_TopLevelMetricsHaveNothingToPropagate) {
  EXPECT_EQ("storage=+4 hits=+1",
            Show(Propagate({{"storage", "4"}, {"hits", "1"}})));
}

TEST_F(UsageTest, PropagationSaturatesAtInt64Max) {
  EXPECT_EQ(
      "search=+9223372036854775807 upload=+1 hits=+9223372036854775807",
      Show(Propagate({{"search", "99999999999999999999"}, {"upload", "1"}})));
}

// --- What an authrep shows (spec 5.5, golden "Surprises" 14)
// -------------------

TEST_F(UsageTest, Spec5_5_AnAuthrepShowsStoredPlusOwnPlusDescendantsUsage) {
  // Stored 0, hits=1&search=1: hits shows 2, search shows 1.
  const Usage usage = Parse({{"hits", "1"}, {"search", "1"}});

  EXPECT_EQ(2, ShownValueAfter(usage, metrics_, "1", 0));
  EXPECT_EQ(1, ShownValueAfter(usage, metrics_, "2", 0));
  EXPECT_EQ(0, ShownValueAfter(usage, metrics_, "3", 0));
}

TEST_F(UsageTest, Spec5_5_AMetricUnrelatedToTheUsageShowsItsStoredValue) {
  const Usage usage = Parse({{"search", "1"}});

  EXPECT_EQ(9, ShownValueAfter(usage, metrics_, "5", 9));
  EXPECT_EQ(4, ShownValueAfter(usage, metrics_, "4", 4)) << "a sibling";
  EXPECT_EQ(6, ShownValueAfter(usage, metrics_, "3", 6)) << "a child";
}

TEST_F(UsageTest, Golden14_ParentSetAndChildIncrementShowsTheSetPlusTheChild) {
  // authrep/set_and_increment_mix: 10 stored, hits=#3&search=2 shows 5.
  const Usage usage = Parse({{"hits", "#3"}, {"search", "2"}});

  EXPECT_EQ(5, ShownValueAfter(usage, metrics_, "1", 10));
  EXPECT_EQ(2, ShownValueAfter(usage, metrics_, "2", 0));
}

TEST_F(UsageTest, Golden14_TwoChildSetsShowTheParentInMetricIdOrder) {
  // authrep/set_children: c2=#5&c1=#7 (c1 has the lower id) shows 5.
  const Usage usage = Parse({{"c2", "#5"}, {"c1", "#7"}});

  EXPECT_EQ(5, ShownValueAfter(usage, metrics_, "10", 12));
  EXPECT_EQ(7, ShownValueAfter(usage, metrics_, "11", 11));
  EXPECT_EQ(5, ShownValueAfter(usage, metrics_, "12", 12));
}

TEST_F(UsageTest,
       GoldenRandomSeq03_DescendantsApplyChildrenFirstThenGrandchildren) {
  // Metric.descendants(hits) is [search, upload, deep]: children, then each
  // child's descendants. upload=#12&deep=1 shows hits as 13 (#12, then +1),
  // not 12 (+1, then #12), whatever hits had stored.
  const Usage usage = Parse({{"upload", "#12"}, {"deep", "1"}});

  EXPECT_EQ(13, ShownValueAfter(usage, metrics_, "1", 7));
  EXPECT_EQ(12, ShownValueAfter(usage, metrics_, "2", 11));
}

TEST_F(UsageTest, Golden15_ASpaceBeforeTheHashShowsTheStoredValue) {
  const Usage usage = Parse({{"hits", " #5"}});

  EXPECT_EQ(8, ShownValueAfter(usage, metrics_, "1", 8));
}

// --- The "u" of the limit headers (spec 3.6)
// -----------------------------------

TEST_F(UsageTest, Spec3_6_UsageWithDescendantsIsZeroWithoutUsage) {
  EXPECT_EQ(0, UsageWithDescendants({}, metrics_, "1"));
  EXPECT_EQ(0, UsageWithDescendants(Parse({{"storage", "3"}}), metrics_, "1"));
}

TEST_F(UsageTest, Spec3_6_UsageWithDescendantsAddsOwnAndDescendantsUsage) {
  const Usage usage = Parse({{"hits", "1"}, {"deep", "2"}, {"upload", "4"}});

  EXPECT_EQ(7, UsageWithDescendants(usage, metrics_, "1"));
  EXPECT_EQ(2, UsageWithDescendants(usage, metrics_, "2"));
  EXPECT_EQ(4, UsageWithDescendants(usage, metrics_, "4"));
}

TEST_F(UsageTest, Spec3_6_ASetCountsAsItsValue) {
  // golden usage/set_vs_limit_headers: hits=#20 has u = 20.
  EXPECT_EQ(20, UsageWithDescendants(Parse({{"hits", "#20"}}), metrics_, "1"));
  EXPECT_EQ(0, UsageWithDescendants(Parse({{"hits", "#0"}}), metrics_, "1"));
}

TEST_F(UsageTest, GoldenRandomSeq15_ADescendantSetReplacesTheSumSoFar) {
  // usage_report.rb folds Usage.get_from over own then descendants' usage:
  // hits=#8&search=#0 is 8 then #0, so u(hits) = 0 and hits is unconstrained.
  EXPECT_EQ(0, UsageWithDescendants(Parse({{"hits", "#8"}, {"search", "#0"}}),
                                    metrics_, "1"));
  // Children first, then grandchildren: #12 (upload) then +1 (deep).
  EXPECT_EQ(13, UsageWithDescendants(Parse({{"upload", "#12"}, {"deep", "1"}}),
                                     metrics_, "1"));
  EXPECT_EQ(5, UsageWithDescendants(Parse({{"c2", "#5"}, {"c1", "#7"}}),
                                    metrics_, "10"))
      << "#7 (c1) then #5 (c2); a sum would give 12";
}

TEST_F(UsageTest, DescendantsOfListsTheChildrenFirstThenEachChildsDescendants) {
  auto names = [this](const char* id) {
    std::string out;
    for (const Metric* m : DescendantsOf(metrics_, id)) out += m->name + " ";
    return out;
  };

  EXPECT_EQ("search upload deep ", names("1"));
  EXPECT_EQ("deep ", names("2"));
  EXPECT_EQ("c1 c2 ", names("10"));
  EXPECT_EQ("", names("3"));
  EXPECT_EQ("", names("99"));
}

TEST_F(UsageTest, FindUsageFindsAnEntryByMetricId) {
  const Usage usage = Parse({{"hits", "1"}, {"search", "#2"}});

  ASSERT_NE(nullptr, FindUsage(usage, "2"));
  EXPECT_EQ("search", FindUsage(usage, "2")->metric_name);
  EXPECT_EQ(nullptr, FindUsage(usage, "3"));
  EXPECT_EQ(nullptr, FindUsage(usage, "search")) << "ids, not names";
}

}  // namespace
}  // namespace scalecheck::core
