// tests/core/metric_test.cc: a service's metrics, their hierarchy (spec 5.1)
// and apisonator's print order (spec 5.12, golden README "Ordering").
#include "core/metric.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scalecheck::core {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;

// The golden random/* schema: a hierarchy of depth 3 plus a lone metric.
//   hits (1) ─┬─ search (2) ── deep (3)
//             └─ upload (4)
//   storage (5)
class MetricTest : public testing::Test {
 protected:
  MetricTest() {
    metrics_.Put({"1", "hits", ""});
    metrics_.Put({"2", "search", "1"});
    metrics_.Put({"3", "deep", "2"});
    metrics_.Put({"4", "upload", "1"});
    metrics_.Put({"5", "storage", ""});
  }

  // Ids in print order.
  static std::vector<std::string> OrderedIds(const MetricSet& metrics) {
    std::vector<std::string> ids;
    for (const Metric* m : metrics.Ordered()) ids.push_back(m->id);
    return ids;
  }

  MetricSet metrics_;
};

TEST_F(MetricTest, FindsMetricsByIdAndByName) {
  const Metric* search = metrics_.FindByName("search");
  ASSERT_NE(nullptr, search);
  EXPECT_EQ("2", search->id);
  EXPECT_EQ("1", search->parent_id);
  EXPECT_EQ(search, metrics_.FindById("2"));
  EXPECT_EQ(nullptr, metrics_.FindByName("nukes"));
  EXPECT_EQ(nullptr, metrics_.FindById("99"));
}

TEST_F(MetricTest, NamesAreMatchedExactly) {
  EXPECT_EQ(nullptr, metrics_.FindByName("Hits"));
  EXPECT_EQ(nullptr, metrics_.FindByName(" hits"))
      << "trimming is the caller's";
  EXPECT_EQ(nullptr, metrics_.FindByName(""));
}

TEST_F(MetricTest, Spec5_1_AncestorIdsClimbTheWholeChainParentFirst) {
  EXPECT_THAT(metrics_.AncestorIds("3"), ElementsAre("2", "1"));
  EXPECT_THAT(metrics_.AncestorIds("2"), ElementsAre("1"));
  EXPECT_THAT(metrics_.AncestorIds("4"), ElementsAre("1"));
  EXPECT_THAT(metrics_.AncestorIds("1"), IsEmpty());
  EXPECT_THAT(metrics_.AncestorIds("5"), IsEmpty());
  EXPECT_THAT(metrics_.AncestorIds("99"), IsEmpty());
}

TEST_F(MetricTest, Spec5_1_AChainEndsAtAParentThatDoesNotExist) {
  metrics_.Put({"7", "orphan", "42"});
  ASSERT_TRUE(metrics_.Erase("2"));

  EXPECT_THAT(metrics_.AncestorIds("7"), IsEmpty());
  EXPECT_THAT(metrics_.AncestorIds("3"), IsEmpty()) << "search was deleted";
}

TEST_F(MetricTest, AncestorIdsCutACycleAtTheFirstRepeat) {
  MetricSet cycle;
  cycle.Put({"a", "alpha", "b"});
  cycle.Put({"b", "beta", "a"});
  cycle.Put({"c", "self", "c"});

  EXPECT_THAT(cycle.AncestorIds("a"), ElementsAre("b"));
  EXPECT_THAT(cycle.AncestorIds("b"), ElementsAre("a"));
  EXPECT_THAT(cycle.AncestorIds("c"), IsEmpty());
}

TEST_F(MetricTest, Spec3_3_ChildNamesAreTheDirectChildrenInPrintOrder) {
  EXPECT_THAT(metrics_.ChildNames("1"), ElementsAre("search", "upload"));
  EXPECT_THAT(metrics_.ChildNames("2"), ElementsAre("deep"));
  EXPECT_THAT(metrics_.ChildNames("3"), IsEmpty());
  EXPECT_THAT(metrics_.ChildNames("5"), IsEmpty());
}

TEST_F(MetricTest, ChildNamesFollowIdOrderNotInsertionOrder) {
  MetricSet metrics;
  metrics.Put({"10", "hits", ""});
  metrics.Put({"13", "c3", "10"});
  metrics.Put({"11", "c1", "10"});
  metrics.Put({"12", "c2", "10"});

  EXPECT_THAT(metrics.ChildNames("10"), ElementsAre("c1", "c2", "c3"));
}

TEST_F(MetricTest, GoldenOrdering_IntegerIdsPrintInAscendingNumericOrder) {
  MetricSet metrics;
  for (const char* id : {"10", "9", "100", "2", "-1", "0"}) {
    metrics.Put({id, std::string("m") + id, ""});
  }

  EXPECT_THAT(OrderedIds(metrics),
              ElementsAre("-1", "0", "2", "9", "10", "100"));
}

TEST_F(MetricTest, GoldenOrdering_StringIdsPrintAfterIntegersInByteOrder) {
  MetricSet metrics;
  // Redis keeps an intset only for canonical integers: "007" and "+5" are
  // strings to it.
  for (const char* id : {"m_b", "2", "m_a", "007", "+5", "10", "A"}) {
    metrics.Put({id, std::string("name") + id, ""});
  }

  EXPECT_THAT(OrderedIds(metrics),
              ElementsAre("2", "10", "+5", "007", "A", "m_a", "m_b"));
}

TEST_F(MetricTest, GoldenOrdering_Int64BoundsDecideWhatIsAnInteger) {
  MetricSet metrics;
  for (const char* id :
       {"9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "1", "-0"}) {
    metrics.Put({id, std::string("n") + id, ""});
  }

  // Integers in int64's range print first, numerically; the two values just
  // outside it, and "-0", are strings to Redis and print in byte order.
  EXPECT_THAT(OrderedIds(metrics),
              ElementsAre("-9223372036854775808", "1", "9223372036854775807",
                          "-0", "-9223372036854775809", "9223372036854775808"));
}

TEST_F(MetricTest, PutReplacesAMetricAndItsName) {
  metrics_.Put({"2", "query", "1"});

  EXPECT_EQ(nullptr, metrics_.FindByName("search"));
  ASSERT_NE(nullptr, metrics_.FindByName("query"));
  EXPECT_EQ("2", metrics_.FindByName("query")->id);
  EXPECT_THAT(metrics_.ChildNames("1"), ElementsAre("query", "upload"));
  EXPECT_EQ(5u, metrics_.Ordered().size());
}

TEST_F(MetricTest, PutCanMoveAMetricToAnotherParent) {
  metrics_.Put({"3", "deep", "4"});

  EXPECT_THAT(metrics_.AncestorIds("3"), ElementsAre("4", "1"));
  EXPECT_THAT(metrics_.ChildNames("2"), IsEmpty());
  EXPECT_THAT(metrics_.ChildNames("4"), ElementsAre("deep"));
}

TEST_F(MetricTest, EraseForgetsTheMetricAndItsName) {
  EXPECT_TRUE(metrics_.Erase("4"));

  EXPECT_EQ(nullptr, metrics_.FindById("4"));
  EXPECT_EQ(nullptr, metrics_.FindByName("upload"));
  EXPECT_THAT(metrics_.ChildNames("1"), ElementsAre("search"));
  EXPECT_THAT(OrderedIds(metrics_), ElementsAre("1", "2", "3", "5"));
  EXPECT_FALSE(metrics_.Erase("4")) << "already gone";
  EXPECT_FALSE(metrics_.Erase("nope"));
}

TEST_F(MetricTest, ANameTakenOverByAnotherMetricSurvivesTheOldOnesErasure) {
  metrics_.Put({"6", "hits", ""});  // Same name, new id.
  ASSERT_EQ("6", metrics_.FindByName("hits")->id);

  EXPECT_TRUE(metrics_.Erase("1"));

  ASSERT_NE(nullptr, metrics_.FindByName("hits"));
  EXPECT_EQ("6", metrics_.FindByName("hits")->id);
}

TEST_F(MetricTest, EmptyUntilAMetricIsPut) {
  MetricSet metrics;
  EXPECT_TRUE(metrics.empty());
  EXPECT_THAT(metrics.Ordered(), IsEmpty());

  metrics.Put({"1", "hits", ""});
  EXPECT_FALSE(metrics.empty());

  EXPECT_TRUE(metrics.Erase("1"));
  EXPECT_TRUE(metrics.empty());
}

}  // namespace
}  // namespace scalecheck::core
