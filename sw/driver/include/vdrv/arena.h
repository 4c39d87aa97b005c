// Driver-owned memory: a bump allocator over one region the platform hands the driver (no heap). Ring
// memory and descriptor bookkeeping come from here; allocations are zeroed.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace vdrv {

class arena {
 public:
  // `bus_base` is the device-visible address of `base`: alignment is what the device sees (a legacy
  // ring's page frame), whatever the CPU-side pointer is.
  arena(void* base, uint64_t bus_base, size_t size) : base_(static_cast<uint8_t*>(base)), bus_(bus_base), size_(size) {}
  void* alloc(size_t bytes, size_t align);  // nullptr when exhausted
  size_t used() const { return used_; }

 private:
  uint8_t* base_;
  uint64_t bus_;
  size_t size_;
  size_t used_ = 0;
};

void zero(void* p, size_t n);
void copy(void* dst, const void* src, size_t n);

}  // namespace vdrv
