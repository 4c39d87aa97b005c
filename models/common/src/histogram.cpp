#include "vmsim/common/histogram.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace vmsim {

int histogram::bucket_of(double v) {
  if (v < 1) return 0;
  const double l = std::log2(v) * sub;
  return std::min(buckets - 1, static_cast<int>(l) + 1);
}

double histogram::lower_edge(int b) { return b == 0 ? 0 : std::exp2(static_cast<double>(b - 1) / sub); }

void histogram::add(double v) {
  if (v < 0) v = 0;
  ++bins_[static_cast<size_t>(bucket_of(v))];
  if (count_ == 0 || v < min_) min_ = v;
  if (count_ == 0 || v > max_) max_ = v;
  ++count_;
  sum_ += v;
}

double histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(count_);
  double seen = 0;
  for (int b = 0; b < buckets; ++b) {
    const double n = static_cast<double>(bins_[static_cast<size_t>(b)]);
    if (n == 0) continue;
    if (seen + n >= target) {
      const double lo = std::max(lower_edge(b), min_), hi = std::min(lower_edge(b + 1), max_);
      return lo + (hi - lo) * std::clamp((target - seen) / n, 0.0, 1.0);
    }
    seen += n;
  }
  return max_;
}

void histogram::merge(const histogram& o) {
  if (o.count_ == 0) return;
  for (size_t b = 0; b < bins_.size(); ++b) bins_[b] += o.bins_[b];
  min_ = count_ ? std::min(min_, o.min_) : o.min_;
  max_ = count_ ? std::max(max_, o.max_) : o.max_;
  count_ += o.count_;
  sum_ += o.sum_;
}

std::string histogram::summary() const {
  return fmt::format("n={} mean={:.0f} p50={:.0f} p99={:.0f} max={:.0f} ns", count_, mean(), quantile(0.5),
                     quantile(0.99), max());
}

}  // namespace vmsim
