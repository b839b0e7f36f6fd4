#include "harness/histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdio>

namespace scalecheck::harness {
namespace {

// HdrHistogram's percentile iterator steps: the distance to 100% is halved
// every 5 steps.
constexpr int kTicksPerHalfDistance = 5;

}  // namespace

// The layout is HdrHistogram's with a unit magnitude of 0 (the lowest
// discernible value is 1): bucket 0 holds 0..sub_bucket_count-1 exactly;
// each further bucket covers twice the range of the one before with the
// upper half of its sub-buckets, each sub-bucket twice as wide.
Histogram::Histogram(int significant_digits)
    : significant_digits_(significant_digits) {
  assert(significant_digits >= 1 && significant_digits <= 5);
  int64_t single_unit_resolution = 2;
  for (int i = 0; i < significant_digits; ++i) single_unit_resolution *= 10;
  const int sub_bucket_count_magnitude = static_cast<int>(
      std::ceil(std::log2(static_cast<double>(single_unit_resolution))));
  sub_bucket_half_count_magnitude_ =
      std::max(sub_bucket_count_magnitude, 1) - 1;
  sub_bucket_count_ = int64_t{1} << (sub_bucket_half_count_magnitude_ + 1);
  sub_bucket_half_count_ = sub_bucket_count_ / 2;
  sub_bucket_mask_ = sub_bucket_count_ - 1;
  int64_t smallest_untrackable = sub_bucket_count_;
  bucket_count_ = 1;
  while (smallest_untrackable <= kHighestTrackable) {
    smallest_untrackable <<= 1;
    ++bucket_count_;
  }
  counts_.assign(
      static_cast<size_t>((bucket_count_ + 1) * sub_bucket_half_count_), 0);
}

size_t Histogram::CountsIndex(int64_t value) const {
  const auto v = static_cast<uint64_t>(value | sub_bucket_mask_);
  const int bucket_index =
      (63 - sub_bucket_half_count_magnitude_) - std::countl_zero(v);
  const int64_t sub_bucket_index = value >> bucket_index;
  return static_cast<size_t>((static_cast<int64_t>(bucket_index + 1)
                              << sub_bucket_half_count_magnitude_) +
                             (sub_bucket_index - sub_bucket_half_count_));
}

int64_t Histogram::ValueAtIndex(size_t index) const {
  int bucket_index =
      static_cast<int>(index >> sub_bucket_half_count_magnitude_) - 1;
  int64_t sub_bucket_index =
      static_cast<int64_t>(index &
                           static_cast<size_t>(sub_bucket_half_count_ - 1)) +
      sub_bucket_half_count_;
  if (bucket_index < 0) {
    sub_bucket_index -= sub_bucket_half_count_;
    bucket_index = 0;
  }
  return sub_bucket_index << bucket_index;
}

int64_t Histogram::BucketSize(int64_t value) const {
  const auto v = static_cast<uint64_t>(value | sub_bucket_mask_);
  const int bucket_index =
      (63 - sub_bucket_half_count_magnitude_) - std::countl_zero(v);
  const int64_t sub_bucket_index = value >> bucket_index;
  const int adjusted =
      bucket_index + (sub_bucket_index >= sub_bucket_count_ ? 1 : 0);
  return int64_t{1} << adjusted;
}

int64_t Histogram::LowestEquivalent(int64_t value) const {
  const auto v = static_cast<uint64_t>(value | sub_bucket_mask_);
  const int bucket_index =
      (63 - sub_bucket_half_count_magnitude_) - std::countl_zero(v);
  const int64_t sub_bucket_index = value >> bucket_index;
  return sub_bucket_index << bucket_index;
}

int64_t Histogram::HighestEquivalent(int64_t value) const {
  return LowestEquivalent(value) + BucketSize(value) - 1;
}

int64_t Histogram::MedianEquivalent(int64_t value) const {
  return LowestEquivalent(value) + BucketSize(value) / 2;
}

void Histogram::Record(int64_t value, int64_t count) {
  if (count <= 0) return;
  if (value < 0) value = 0;
  if (value > kHighestTrackable) {
    value = kHighestTrackable;
    saturated_ += count;
  }
  counts_[CountsIndex(value)] += count;
  total_count_ += count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Histogram::Merge(const Histogram& other) {
  assert(other.significant_digits_ == significant_digits_);
  if (other.total_count_ == 0) return;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  saturated_ += other.saturated_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_count_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  saturated_ = 0;
}

int64_t Histogram::ValueAtPercentile(double percentile) const {
  if (total_count_ == 0) return 0;
  if (percentile <= 0) return Min();
  percentile = std::min(percentile, 100.0);
  const auto wanted = std::max<int64_t>(
      1, static_cast<int64_t>(
             percentile / 100.0 * static_cast<double>(total_count_) + 0.5));
  int64_t cumulative = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i];
    if (cumulative >= wanted) {
      return std::clamp(HighestEquivalent(ValueAtIndex(i)), Min(), max_);
    }
  }
  return max_;
}

double Histogram::Mean() const {
  if (total_count_ == 0) return 0;
  double sum = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    sum += static_cast<double>(MedianEquivalent(ValueAtIndex(i))) *
           static_cast<double>(counts_[i]);
  }
  return sum / static_cast<double>(total_count_);
}

double Histogram::StdDeviation() const {
  if (total_count_ == 0) return 0;
  const double mean = Mean();
  double sum = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const double deviation =
        static_cast<double>(MedianEquivalent(ValueAtIndex(i))) - mean;
    sum += deviation * deviation * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sum / static_cast<double>(total_count_));
}

void Histogram::ForEachBucket(
    const std::function<void(int64_t, int64_t, int64_t)>& fn) const {
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const int64_t value = ValueAtIndex(i);
    fn(LowestEquivalent(value), HighestEquivalent(value), counts_[i]);
  }
}

// Java's HistogramLogProcessor output, by way of PercentileIterator:
// percentile levels start at 0 and each step adds 100 / (5 * 2^(k+1)),
// k = floor(log2(100 / (100 - level))); a line is printed at the first
// non-empty bucket whose cumulative percentile reaches the level, with the
// highest value of that bucket. One last line at 100% has no 1/(1-p).
void Histogram::WriteHgrm(std::ostream& out, double unit_scale) const {
  char line[160];
  std::snprintf(line, sizeof line, "%12s %14s %10s %14s\n\n", "Value",
                "Percentile", "TotalCount", "1/(1-Percentile)");
  out << line;
  const int digits = significant_digits_;
  const auto total = static_cast<double>(total_count_);
  double level = 0;
  bool reached_last = false;
  size_t index = 0;
  int64_t cumulative = 0;
  bool fresh = true;
  while (total_count_ > 0) {
    if (cumulative >= total_count_) {
      if (reached_last) break;
      level = 100.0;
      reached_last = true;
    }
    bool emitted = false;
    while (index < counts_.size()) {
      const int64_t here = counts_[index];
      if (fresh) {
        cumulative += here;
        fresh = false;
      }
      if (here != 0 &&
          100.0 * static_cast<double>(cumulative) / total >= level) {
        const double value =
            static_cast<double>(HighestEquivalent(ValueAtIndex(index))) /
            unit_scale;
        if (level != 100.0) {
          std::snprintf(line, sizeof line, "%12.*f %2.12f %10lld %14.2f\n",
                        digits, value, level / 100.0,
                        static_cast<long long>(cumulative),
                        1.0 / (1.0 - level / 100.0));
        } else {
          std::snprintf(line, sizeof line, "%12.*f %2.12f %10lld\n", digits,
                        value, level / 100.0,
                        static_cast<long long>(cumulative));
        }
        out << line;
        if (level < 100.0) {
          const auto half_distances =
              static_cast<int64_t>(std::log(100.0 / (100.0 - level)) /
                                   std::log(2.0)) +
              1;
          const double ticks =
              kTicksPerHalfDistance *
              std::pow(2.0, static_cast<double>(half_distances));
          level += 100.0 / ticks;
        }
        emitted = true;
        break;
      }
      ++index;
      fresh = true;
    }
    if (!emitted) break;
  }
  std::snprintf(line, sizeof line,
                "#[Mean    = %12.*f, StdDeviation   = %12.*f]\n", digits,
                Mean() / unit_scale, digits, StdDeviation() / unit_scale);
  out << line;
  std::snprintf(line, sizeof line,
                "#[Max     = %12.*f, Total count    = %12lld]\n", digits,
                static_cast<double>(Max()) / unit_scale,
                static_cast<long long>(total_count_));
  out << line;
  std::snprintf(line, sizeof line,
                "#[Buckets = %12d, SubBuckets     = %12lld]\n", bucket_count_,
                static_cast<long long>(sub_bucket_count_));
  out << line;
}

}  // namespace scalecheck::harness
