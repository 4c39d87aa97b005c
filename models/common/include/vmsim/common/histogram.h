// A latency histogram with logarithmic buckets (8 per power of two, about 9% wide), so p50/p99 of
// nanosecond-to-second latencies cost a fixed few kilobytes and no sorting. Exact min, max and mean.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace vmsim {

class histogram {
 public:
  void add(double value_ns) {  // inline: the per-access path records several samples per round trip
    const double v = value_ns < 0 ? 0 : value_ns;
    ++bins_[static_cast<size_t>(v < 1 ? 0 : bucket_of(v))];
    if (count_ == 0 || v < min_) min_ = v;
    if (count_ == 0 || v > max_) max_ = v;
    ++count_;
    sum_ += v;
  }
  uint64_t count() const { return count_; }
  double min() const { return count_ ? min_ : 0; }
  double max() const { return count_ ? max_ : 0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }
  // The q-quantile (0..1), interpolated inside its bucket; 0 when empty.
  double quantile(double q) const;
  void merge(const histogram& other);
  std::string summary() const;  // "n=... mean=... p50=... p99=... max=... ns"
  static constexpr int sub = 8;             // buckets per power of two
  static constexpr int buckets = 64 * sub;  // up to 2^64 ns
  // A value's bucket: 0 below 1, else min(buckets - 1, floor(log2(v) * sub) + 1) (by table, no log2).
  static int bucket_of(double v);

 private:
  static double lower_edge(int b);
  std::array<uint64_t, buckets> bins_{};
  uint64_t count_ = 0;
  double sum_ = 0, min_ = 0, max_ = 0;
};

}  // namespace vmsim
