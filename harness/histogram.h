// harness/histogram.h
//
// A log-linear latency histogram in the manner of HdrHistogram: values from
// 0 to 60,000,000 (microseconds: 1 µs to 1 min) kept to a fixed number of
// significant decimal digits (3 by default: any value is within 0.1% of
// its bucket), in fixed memory (about 140 KB at 3 digits) however many
// values are recorded. Histograms of the same precision merge exactly. It
// does not interpolate, resize or track time. Not thread-safe: the load
// engine keeps one per thread and merges them at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <vector>

namespace scalecheck::harness {

class Histogram {
 public:
  // The largest value kept apart; larger values are recorded as this one
  // and counted in saturated(). 1 min in microseconds.
  static constexpr int64_t kHighestTrackable = 60'000'000;

  // REQUIRES: 1 <= significant_digits <= 5.
  explicit Histogram(int significant_digits = 3);

  // Adds `count` values of `value` (negative values count as 0).
  void Record(int64_t value, int64_t count = 1);
  // Adds every value of `other`. REQUIRES: the same significant digits.
  void Merge(const Histogram& other);
  // Forgets every value; the memory is kept.
  void Reset();

  int64_t TotalCount() const { return total_count_; }
  // Exact smallest and largest values recorded (clamped to
  // kHighestTrackable); 0 when empty.
  int64_t Min() const { return total_count_ == 0 ? 0 : min_; }
  int64_t Max() const { return max_; }
  // Values recorded above kHighestTrackable.
  int64_t saturated() const { return saturated_; }
  int significant_digits() const { return significant_digits_; }

  // The value at `percentile` (0..100) as HdrHistogram reports it: the
  // highest value equivalent to the bucket holding the
  // ceil(percentile/100 * count)-th value, capped at Max(). 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;
  // Mean and standard deviation over the buckets' median values, as
  // HdrHistogram computes them. 0 when empty.
  double Mean() const;
  double StdDeviation() const;

  // Calls `fn(lowest, highest, count)` for each non-empty bucket in
  // increasing order; `lowest`..`highest` are the values it stands for.
  void ForEachBucket(const std::function<void(int64_t lowest, int64_t highest,
                                              int64_t count)>& fn) const;

  // Writes HdrHistogram's percentile distribution text (the .hgrm format of
  // its Java outputPercentileDistribution, 5 ticks per half distance):
  // a header line, a line per percentile step "Value Percentile
  // TotalCount 1/(1-Percentile)", and the #[Mean ...], #[Max ...] and
  // #[Buckets ...] footer. Values are divided by `unit_scale` (1000: the
  // microseconds recorded are printed as milliseconds).
  void WriteHgrm(std::ostream& out, double unit_scale = 1000.0) const;

  // The layout (for the .hgrm footer and tests).
  int bucket_count() const { return bucket_count_; }
  int64_t sub_bucket_count() const { return sub_bucket_count_; }

 private:
  size_t CountsIndex(int64_t value) const;
  int64_t ValueAtIndex(size_t index) const;
  int64_t LowestEquivalent(int64_t value) const;
  int64_t HighestEquivalent(int64_t value) const;
  int64_t MedianEquivalent(int64_t value) const;
  int64_t BucketSize(int64_t value) const;

  int significant_digits_;
  int sub_bucket_half_count_magnitude_ = 0;
  int64_t sub_bucket_count_ = 0;
  int64_t sub_bucket_half_count_ = 0;
  int64_t sub_bucket_mask_ = 0;
  int bucket_count_ = 0;
  std::vector<int64_t> counts_;
  int64_t total_count_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
  int64_t saturated_ = 0;
};

}  // namespace scalecheck::harness
