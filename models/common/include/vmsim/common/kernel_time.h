// The kernel's current time and sc_time <-> nanoseconds, inline. sc_time_stamp(), sc_time::to_seconds()
// and sc_time(double, unit) are calls into the SystemC library that look up the simcontext each time; the
// per-access path (a vCPU's clock, an exit's cost and timestamp, a resource's booking) converts several
// times per access. These compute the same doubles and the same time values bit for bit: the same
// operations in the same order as SystemC 2.3.4's own (tb/tests checks them against the library).
#pragma once

#include <cstdint>

#include <systemc>

namespace vmsim {

// The library's sc_get_curr_simcontext() is inline but creates the context when there is none yet; that
// creation path, inlined at every reading, makes callers save and restore registers. A context exists from
// the first module on, so the creation is kept out of line (cold).
[[gnu::cold, gnu::noinline]] inline sc_core::sc_simcontext* first_simcontext() { return sc_core::sc_get_curr_simcontext(); }
inline const sc_core::sc_time& kernel_time() {
  sc_core::sc_simcontext* c = sc_core::sc_curr_simcontext;
  return (__builtin_expect(c != nullptr, 1) ? c : first_simcontext())->time_stamp();
}

// kernel_time() for a caller that is part of the simulation (a module's member, a process): its module's
// construction made the context, so there is no creation path to test for (nor registers to save for it).
inline const sc_core::sc_time& module_kernel_time() { return sc_core::sc_curr_simcontext->time_stamp(); }

// The kernel's time resolution in femtoseconds, and 1 ns in its units. The resolution is a power of ten
// not above one second, so 1e15 / (units per second) is exact. Read once: the resolution is fixed by then.
struct time_scale {
  double resolution_fs;
  sc_core::sc_time one_ns;  // zero when the resolution is coarser than 1 ns
};
namespace detail {
// Set on first use (the resolution is fixed by then), zero before. Not a function-local static: its guard
// and its initialisation, inlined into every conversion, made each caller save and restore registers.
// (Should this dynamic initialisation run after a first use elsewhere, it zeroes the cache, which the next
// use fills again with the same values.)
inline time_scale time_scale_cache{0, sc_core::sc_time()};
[[gnu::cold, gnu::noinline]] inline const time_scale& first_time_scale() {
  const double fs = 1e15 / static_cast<double>(sc_core::sc_time(1, sc_core::SC_SEC).value());
  time_scale_cache = time_scale{fs, fs <= 1e6 ? sc_core::sc_time(1, sc_core::SC_NS) : sc_core::SC_ZERO_TIME};
  return time_scale_cache;
}
}  // namespace detail
inline const time_scale& kernel_time_scale() {
  const time_scale& s = detail::time_scale_cache;
  return __builtin_expect(s.resolution_fs != 0, 1) ? s : detail::first_time_scale();
}

// t.to_seconds() * 1e9: in 2.3.4, to_seconds() is value * time_resolution * 1e-15.
inline double to_ns(const sc_core::sc_time& t) {
  return static_cast<double>(t.value()) * kernel_time_scale().resolution_fs * 1e-15 * 1e9;
}

// sc_time(ns, SC_NS): in 2.3.4 that is int64(v * (1e6 fs / resolution) + 0.5), zero for zero. With a
// resolution of 1 ns or finer, 1e6 / resolution is exactly 1 ns's value, and sc_time's inline *= computes
// int64(value * v + 0.5): the same product, without the library call.
inline sc_core::sc_time from_ns(double ns) {
  const time_scale& s = kernel_time_scale();
  if (s.one_ns == sc_core::SC_ZERO_TIME) return sc_core::sc_time(ns, sc_core::SC_NS);
  sc_core::sc_time t = s.one_ns;
  return t *= ns;
}

}  // namespace vmsim
