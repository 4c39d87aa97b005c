// The kernel's current time and sc_time <-> nanoseconds, inline. sc_time_stamp(), sc_time::to_seconds()
// and sc_time(double, unit) are calls into the SystemC library that look up the simcontext each time; the
// per-access path (a vCPU's clock, an exit's cost and timestamp, a resource's booking) converts several
// times per access. These compute the same doubles and the same time values bit for bit: the same
// operations in the same order as SystemC 2.3.4's own (tb/tests checks them against the library).
#pragma once

#include <cstdint>

#include <systemc>

namespace vmsim {

inline const sc_core::sc_time& kernel_time() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }

// The time resolution in femtoseconds, as the kernel holds it. It is a power of ten not above one second,
// so 1e15 / (resolution units per second) is exact. Read once: the resolution is fixed by then.
inline double time_resolution_fs() {
  static const double fs = 1e15 / static_cast<double>(sc_core::sc_time(1, sc_core::SC_SEC).value());
  return fs;
}

// t.to_seconds() * 1e9: in 2.3.4, to_seconds() is value * time_resolution * 1e-15.
inline double to_ns(const sc_core::sc_time& t) {
  return static_cast<double>(t.value()) * time_resolution_fs() * 1e-15 * 1e9;
}

// sc_time(ns, SC_NS): in 2.3.4, zero stays zero, else value = int64(scale * v + 0.5) with scale =
// time_values[SC_NS] / time_resolution (1e6 fs per ns / resolution).
inline sc_core::sc_time from_ns(double ns) {
  if (ns == 0) return sc_core::SC_ZERO_TIME;
  static const double units_per_ns = 1e6 / time_resolution_fs();
  return sc_core::sc_time::from_value(static_cast<uint64_t>(static_cast<int64_t>(units_per_ns * ns + 0.5)));
}

}  // namespace vmsim
