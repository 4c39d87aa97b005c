#include "vmsim/common/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace vmsim {

namespace {
// The bucket by its definition, min(buckets - 1, floor(log2(v) * sub) + 1) for v >= 1: what the table
// below reproduces without a log2 per sample.
int bucket_by_log2(double v, int sub) { return static_cast<int>(std::log2(v) * sub) + 1; }

// edges[e][k]: the least v in [2^e, 2^(e+1)) whose bucket is sub * e + 2 + k or above (infinity: none),
// found once with log2 itself, so a sample's bucket is its binary exponent and one compare, and lands
// exactly where the logarithm puts it (a rounded log2 near 2^(e+1) may already give the next octave).
// Out of line and cold: built once, it would otherwise weigh down every lookup's prologue.
using octave_edges = std::array<double, histogram::sub>;
[[gnu::cold, gnu::noinline]] std::array<octave_edges, 64> bucket_edges() {
  constexpr int sub = histogram::sub;
  std::array<octave_edges, 64> t{};
  for (int e = 0; e < 64; ++e) {
    const double lo = std::ldexp(1.0, e), hi = std::ldexp(1.0, e + 1);
    for (int k = 0; k < sub; ++k) {
      const int want = sub * e + 2 + k;
      auto reached = [&](double g) { return bucket_by_log2(g, sub) >= want; };
      double g = std::clamp(std::exp2(static_cast<double>(want - 1) / sub), lo, std::nextafter(hi, 0.0));
      if (reached(g)) {
        while (g > lo && reached(std::nextafter(g, 0.0))) g = std::nextafter(g, 0.0);
      } else {
        while (g < hi && !reached(g)) g = std::nextafter(g, hi);
        if (g >= hi) g = std::numeric_limits<double>::infinity();
      }
      t[static_cast<size_t>(e)][static_cast<size_t>(k)] = g;
    }
  }
  return t;
}
}  // namespace

int histogram::bucket_of(double v) {
  if (v < 1) return 0;
  static const std::array<octave_edges, 64> edges = bucket_edges();
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  const int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;  // v >= 1 is normal: its binary exponent
  if (e >= 64) return buckets - 1;
  // Edge k lies near 2^(e + (k + 1) / 8), inside the k-th eighth of the octave [2^e (1 + k/8), 2^e (1 + (k+1)/8))
  // (rounding moves it by ulps, the eighths' bounds are over 1% away): so the edges below v are those of the
  // eighths below v's, and its own eighth's edge if v reached it. The eighth is the mantissa's top 3 bits.
  static_assert(sub == 8, "one edge per eighth of an octave");
  const auto eighth = static_cast<size_t>((bits >> 49) & 7);
  const int b = sub * e + 1 + static_cast<int>(eighth) + (v >= edges[static_cast<size_t>(e)][eighth]);
  return std::min(buckets - 1, b);
}

double histogram::lower_edge(int b) { return b == 0 ? 0 : std::exp2(static_cast<double>(b - 1) / sub); }

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
