// A duration in ns drawn from a distribution, as kernel time: from_ns(s.draw(d) + offset_ns) per sample.
// A constant one is drawn and converted once, when made: the per-access path takes several durations a
// round trip, most of them constant, and a constant's draw uses no random numbers, so skipping it gives the
// same times bit for bit and leaves every stream where it was.
#pragma once

#include <systemc>

#include "vmsim/common/kernel_time.h"
#include "vmsim/resources/distribution.h"

namespace vmsim {

class sampled_time {
 public:
  sampled_time() = default;
  // `ns` must outlive this (it is usually a cost profile's entry); `offset_ns` is added to every sample.
  explicit sampled_time(const distribution& ns, double offset_ns = 0)
      : varies_(ns.shape == dist_shape::constant ? nullptr : &ns), offset_ns_(offset_ns),
        fixed_(varies_ ? sc_core::SC_ZERO_TIME : from_ns(sampler(0).draw(ns) + offset_ns)) {}

  sc_core::sc_time draw(sampler& s) const { return varies_ ? draw_varying(s) : fixed_; }
  bool varies() const { return varies_ != nullptr; }
  const sc_core::sc_time& constant() const { return fixed_; }  // the value when it does not vary

 private:
  // Out of line: inlined, the draw and its conversion would weigh down every constant's prologue.
  [[gnu::noinline]] sc_core::sc_time draw_varying(sampler& s) const { return from_ns(s.draw(*varies_) + offset_ns_); }

  const distribution* varies_ = nullptr;  // null: constant
  double offset_ns_ = 0;
  sc_core::sc_time fixed_;
};

}  // namespace vmsim
