// A descriptor chain popped from a virtqueue: the validated list of guest buffers, device-readable
// segments first, then device-writable ones (virtio spec 2.7.4.2).
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/memory/guest_memory_if.h"

namespace vmsim {

struct desc_segment {
  uint64_t addr;
  uint32_t len;
  bool device_writable;
};

class desc_chain {
 public:
  uint16_t head = 0;
  std::vector<desc_segment> segments;
  uint64_t readable_bytes = 0;
  uint64_t writable_bytes = 0;

  void clear() {
    head = 0;
    segments.clear();
    readable_bytes = writable_bytes = 0;
  }
  // Gather `len` bytes starting at byte `offset` of the readable part; returns the count copied
  // (less than len when the readable part is shorter), or -1 on a memory fault.
  int64_t read(guest_memory_if& mem, uint64_t offset, void* dst, uint64_t len) const;
  // Scatter into the writable part, same conventions.
  int64_t write(guest_memory_if& mem, uint64_t offset, const void* src, uint64_t len) const;
};

}  // namespace vmsim
