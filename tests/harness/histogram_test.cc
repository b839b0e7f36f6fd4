// tests/harness/histogram_test.cc: harness/histogram.h
#include "harness/histogram.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace scalecheck::harness {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

// Every bucket as (lowest, highest, count).
std::vector<std::tuple<int64_t, int64_t, int64_t>> Buckets(const Histogram& h) {
  std::vector<std::tuple<int64_t, int64_t, int64_t>> out;
  h.ForEachBucket([&out](int64_t low, int64_t high, int64_t count) {
    out.emplace_back(low, high, count);
  });
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(HistogramTest, KeepsValuesBelow2048Exactly) {
  Histogram h;
  for (const int64_t v : {0, 1, 2, 999, 1000, 2047}) {
    h.Reset();
    h.Record(v);
    const auto buckets = Buckets(h);
    ASSERT_EQ(1u, buckets.size()) << v;
    EXPECT_EQ(v, std::get<0>(buckets[0])) << v;
    EXPECT_EQ(v, std::get<1>(buckets[0])) << v;
  }
}

TEST(HistogramTest, BucketsAreWithinAThousandthOfTheirValues) {
  Histogram h;
  for (const int64_t v : {2048, 2049, 4095, 4096, 12345, 99999, 1000000,
                          1234567, 59999999, 60000000}) {
    h.Reset();
    h.Record(v);
    const auto buckets = Buckets(h);
    ASSERT_EQ(1u, buckets.size()) << v;
    const auto [low, high, count] = buckets[0];
    EXPECT_LE(low, v) << v;
    EXPECT_GE(high, v) << v;
    EXPECT_LE(static_cast<double>(high - low + 1),
              static_cast<double>(v) / 1000.0)
        << v;
    EXPECT_EQ(1, count);
  }
}

TEST(HistogramTest, HasTheFixedLayoutOfThreeDigitsToOneMinute) {
  const Histogram h;
  EXPECT_EQ(2048, h.sub_bucket_count());
  EXPECT_EQ(16, h.bucket_count());
  const Histogram coarse(2);
  EXPECT_EQ(256, coarse.sub_bucket_count());
}

TEST(HistogramTest, SaturatesValuesAboveOneMinute) {
  Histogram h;
  h.Record(2 * Histogram::kHighestTrackable);
  h.Record(-5);
  EXPECT_EQ(2, h.TotalCount());
  EXPECT_EQ(1, h.saturated());
  EXPECT_EQ(Histogram::kHighestTrackable, h.Max());
  EXPECT_EQ(0, h.Min());
}

TEST(HistogramTest, MergeEqualsRecordingBoth) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(7.0, 1.5);  // Around 1 ms.
  Histogram a, b, both;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<int64_t>(latency(rng));
    const int64_t count = 1 + i % 3;
    (i % 2 == 0 ? a : b).Record(v, count);
    both.Record(v, count);
  }
  a.Merge(b);
  EXPECT_EQ(Buckets(both), Buckets(a));
  EXPECT_EQ(both.TotalCount(), a.TotalCount());
  EXPECT_EQ(both.Min(), a.Min());
  EXPECT_EQ(both.Max(), a.Max());
  EXPECT_DOUBLE_EQ(both.Mean(), a.Mean());
  for (const double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(both.ValueAtPercentile(p), a.ValueAtPercentile(p)) << p;
  }
}

TEST(HistogramTest, MergingAnEmptyHistogramChangesNothing) {
  Histogram a, empty;
  a.Record(1500);
  a.Merge(empty);
  EXPECT_EQ(1, a.TotalCount());
  EXPECT_EQ(1500, a.Min());
}

TEST(HistogramTest, PercentilesOfAUniformDistribution) {
  Histogram h;
  for (int64_t v = 1; v <= 100000; ++v) h.Record(v);
  const struct {
    double percentile;
    double want;
  } cases[] = {
      {50, 50000}, {90, 90000}, {99, 99000}, {99.9, 99900}, {100, 100000}};
  for (const auto& c : cases) {
    const auto got = static_cast<double>(h.ValueAtPercentile(c.percentile));
    EXPECT_NEAR(c.want, got, c.want / 1000.0) << c.percentile;
  }
  EXPECT_EQ(1, h.ValueAtPercentile(0));
  EXPECT_EQ(100000, h.Max());
  EXPECT_NEAR(50000.5, h.Mean(), 50.0);
  EXPECT_NEAR(28867.5, h.StdDeviation(), 30.0);  // (b - a) / sqrt(12).
}

TEST(HistogramTest, PercentilesOfABimodalDistribution) {
  Histogram h;
  h.Record(100, 990);    // 99% at 100 µs...
  h.Record(250000, 10);  // ...and 1% at 250 ms.
  EXPECT_EQ(100, h.ValueAtPercentile(50));
  EXPECT_EQ(100, h.ValueAtPercentile(99));
  EXPECT_NEAR(250000.0, static_cast<double>(h.ValueAtPercentile(99.5)), 250.0);
  EXPECT_EQ(250000, h.ValueAtPercentile(100));  // Capped at the exact max.
}

TEST(HistogramTest, EmptyHistogramReportsZeros) {
  const Histogram h;
  EXPECT_EQ(0, h.TotalCount());
  EXPECT_EQ(0, h.ValueAtPercentile(99));
  EXPECT_EQ(0, h.Min());
  EXPECT_EQ(0, h.Max());
  EXPECT_EQ(0, h.Mean());
}

TEST(HistogramTest, WritesHgrmOfOneValue) {
  Histogram h;
  h.Record(1000);  // 1 ms.
  std::ostringstream out;
  h.WriteHgrm(out);
  EXPECT_EQ(
      "       Value     Percentile TotalCount 1/(1-Percentile)\n"
      "\n"
      "       1.000 0.000000000000          1           1.00\n"
      "       1.000 1.000000000000          1\n"
      "#[Mean    =        1.000, StdDeviation   =        0.000]\n"
      "#[Max     =        1.000, Total count    =            1]\n"
      "#[Buckets =           16, SubBuckets     =         2048]\n",
      out.str());
}

TEST(HistogramTest, WritesHgrmStepsThatHalveTheDistanceToOneHundredPercent) {
  Histogram h;
  for (int64_t v = 1; v <= 1000; ++v) h.Record(v * 1000);  // 1..1000 ms.
  std::ostringstream out;
  h.WriteHgrm(out);
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_GT(lines.size(), 10u);
  EXPECT_THAT(lines[0], StartsWith("       Value     Percentile TotalCount"));
  EXPECT_EQ("", lines[1]);
  EXPECT_EQ("       1.000 0.000000000000          1           1.00", lines[2]);
  // 0%, 10%, ..., 50%, then 55%, 60%, ... (5 ticks per half distance).
  EXPECT_THAT(lines[3], HasSubstr(" 0.100000000000 "));
  EXPECT_THAT(lines[7], HasSubstr(" 0.500000000000 "));
  EXPECT_THAT(lines[8], HasSubstr(" 0.550000000000 "));
  double last_percentile = -1;
  int64_t last_count = 0;
  size_t data_lines = 0;
  for (size_t i = 2; i < lines.size() && lines[i][0] != '#'; ++i) {
    std::istringstream fields(lines[i]);
    double value = 0, percentile = 0;
    int64_t count = 0;
    fields >> value >> percentile >> count;
    EXPECT_GE(percentile, last_percentile) << lines[i];
    EXPECT_GE(count, last_count) << lines[i];
    last_percentile = percentile;
    last_count = count;
    ++data_lines;
  }
  EXPECT_EQ(1.0, last_percentile);
  EXPECT_EQ(1000, last_count);
  const std::string& last_data = lines[2 + data_lines - 1];
  EXPECT_THAT(last_data, StartsWith("    1000.447 1.000000000000       1000"));
  EXPECT_EQ("#[Max     =     1000.000, Total count    =         1000]",
            lines[lines.size() - 2]);
  EXPECT_EQ("#[Buckets =           16, SubBuckets     =         2048]",
            lines.back());
}

}  // namespace
}  // namespace scalecheck::harness
