// How a device reaches guest memory (DMA). Every call checks the whole range first: a range that is not
// entirely inside guest RAM fails (returns false) and nothing is read or written.
#pragma once

#include <cstdint>

namespace vmsim {

class guest_memory_if {
 public:
  virtual ~guest_memory_if() = default;
  virtual bool valid(uint64_t addr, uint64_t len) = 0;
  virtual bool read(uint64_t addr, void* dst, uint64_t len) = 0;
  virtual bool write(uint64_t addr, const void* src, uint64_t len) = 0;
};

// Overflow-safe "[addr, addr+len) lies inside [base, base+size)".
constexpr bool range_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size) {
  return addr >= base && len <= size && addr - base <= size - len;
}

}  // namespace vmsim
