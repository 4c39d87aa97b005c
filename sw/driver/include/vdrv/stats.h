// Latency statistics kept by the driver itself (freestanding: fixed log2 buckets, no heap).
#pragma once

#include <stdint.h>

namespace vdrv {

struct latency_stats {
  static constexpr unsigned buckets = 40;  // bucket b: [2^(b-1), 2^b) ns
  uint64_t n = 0, sum = 0, min = 0, max = 0;
  uint64_t bucket[buckets] = {};
  void add(uint64_t ns) {
    // ns's bit length, at most buckets - 1 (one instruction, not a loop over the bits: this runs per interrupt).
    unsigned b = ns ? 64u - static_cast<unsigned>(__builtin_clzll(ns)) : 0u;
    if (b > buckets - 1) b = buckets - 1;
    ++bucket[b];
    if (n == 0 || ns < min) min = ns;
    if (ns > max) max = ns;
    ++n;
    sum += ns;
  }
};

// What the driver measures per device: kick-to-interrupt, ISR entry-to-exit, and register accesses per
// interrupt (MMIO reads/writes inside the ISR, device and controller together).
// spurious: interrupts that brought nothing (no used element, none reaped since the last interrupt, no
// config change); trailing: interrupts for elements the driver had already reaped by polling (virtio
// publishes the element before it signals); missed: owed interrupts that did not come within the bound;
// shared_none: interrupts on a shared line that were another sharer's (its ISR found nothing).
struct driver_stats {
  latency_stats kick_to_irq, isr;
  uint64_t interrupts = 0, isr_reads = 0, isr_writes = 0, kicks = 0, spurious = 0, trailing = 0, missed = 0;
  uint64_t shared_none = 0;
};

}  // namespace vdrv
