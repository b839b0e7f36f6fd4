#include "harness/schedule.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

namespace scalecheck::harness {
namespace {

constexpr double kMaxSends = 1099511627776.0;  // 2^40.
// The integral is computed in doubles; a total within this of a whole
// number is that number, so 20,000/s over 10 s is 200,000 sends and not
// 200,001 because of a rounding error in the last bit.
constexpr double kEpsilon = 1e-6;

std::string Describe(size_t i) { return "load stage " + std::to_string(i + 1); }

}  // namespace

core::Result<Schedule> Schedule::Create(const std::vector<LoadStage>& stages) {
  if (stages.empty()) {
    return core::Status::InvalidArgument("a load needs at least one stage");
  }
  Schedule schedule;
  double start_s = 0;
  double count_before = 0;
  std::chrono::nanoseconds duration{0};
  for (size_t i = 0; i < stages.size(); ++i) {
    const LoadStage& in = stages[i];
    if (in.duration.count() <= 0) {
      return core::Status::InvalidArgument(Describe(i) +
                                           ": duration must be positive");
    }
    const double from = in.rate_per_s;
    const double to = in.to_rate_per_s.value_or(from);
    if (!std::isfinite(from) || !std::isfinite(to) || from < 0 || to < 0) {
      return core::Status::InvalidArgument(
          Describe(i) + ": rate must be a finite number >= 0");
    }
    Stage stage;
    stage.start_s = start_s;
    stage.duration_s = std::chrono::duration<double>(in.duration).count();
    stage.count_before = count_before;
    stage.count = (from + to) / 2 * stage.duration_s;
    stage.from_rate = from;
    stage.to_rate = to;
    schedule.stages_.push_back(stage);
    start_s += stage.duration_s;
    count_before += stage.count;
    duration += in.duration;
  }
  if (count_before > kMaxSends) {
    return core::Status::InvalidArgument(
        "the load stages add up to more than 2^40 requests");
  }
  schedule.size_ = static_cast<int64_t>(std::ceil(count_before - kEpsilon));
  schedule.size_ = std::max<int64_t>(schedule.size_, 0);
  schedule.duration_ = duration;
  return schedule;
}

// Within a stage the integral from its start is
//   N(t) = a t + (b - a) t^2 / (2 D)
// for rates a at its start and b at its end, over a duration D. Send i is
// at the t where N(t) = i - count_before, solved as 2m / (a + sqrt(a^2 +
// 4km)) with k = (b - a) / (2D): the form that stays exact when k is 0 and
// loses no precision when a is large.
std::chrono::nanoseconds Schedule::SendTime(int64_t i) const {
  assert(i >= 0 && i < size_);
  const auto n = static_cast<double>(i);
  const Stage* stage = &stages_.back();
  for (const Stage& s : stages_) {
    if (n < s.count_before + s.count - kEpsilon) {
      stage = &s;
      break;
    }
  }
  const double m = std::max(0.0, n - stage->count_before);
  const double a = stage->from_rate;
  const double k = (stage->to_rate - a) / (2 * stage->duration_s);
  const double root = std::sqrt(std::max(0.0, a * a + 4 * k * m));
  double t = a + root > 0 ? 2 * m / (a + root) : 0;
  t = std::min(t, stage->duration_s);
  const double seconds = stage->start_s + t;
  const auto ns = std::llround(seconds * 1e9);
  return std::min(std::chrono::nanoseconds(ns), duration_);
}

double Schedule::ExpectedBy(std::chrono::nanoseconds t) const {
  const double s = std::chrono::duration<double>(t).count();
  if (s <= 0) return 0;
  double total = 0;
  for (const Stage& stage : stages_) {
    if (s >= stage.start_s + stage.duration_s) {
      total = stage.count_before + stage.count;
      continue;
    }
    const double x = s - stage.start_s;
    if (x <= 0) break;
    const double k = (stage.to_rate - stage.from_rate) / (2 * stage.duration_s);
    total = stage.count_before + stage.from_rate * x + k * x * x;
    break;
  }
  return total;
}

double Schedule::mean_rate_per_s() const {
  const double s = std::chrono::duration<double>(duration_).count();
  return s > 0 ? static_cast<double>(size_) / s : 0;
}

}  // namespace scalecheck::harness
