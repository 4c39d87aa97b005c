// How a device reaches guest memory (DMA). Every call checks the whole range first: a range that is not
// entirely inside guest RAM fails (returns false) and nothing is read or written.
#pragma once

#include <cstdint>
#include <cstring>

namespace vmsim {

class guest_memory_if {
 public:
  virtual ~guest_memory_if() = default;
  virtual bool valid(uint64_t addr, uint64_t len) = 0;
  virtual bool read(uint64_t addr, void* dst, uint64_t len) = 0;
  virtual bool write(uint64_t addr, const void* src, uint64_t len) = 0;

  // Direct access for a caller that touches one range again and again (a virtqueue's rings): a host
  // pointer to [addr, addr+len) when the whole range lies inside guest RAM and the memory can hand one out
  // (a DMI window), else nullptr (then use read/write). The pointer stays good while map_epoch() is
  // unchanged; loads and stores through it are the caller's (no latency is annotated, nothing counted).
  virtual uint8_t* map(uint64_t /*addr*/, uint64_t /*len*/) { return nullptr; }
  uint64_t map_epoch() const { return map_epoch_; }

 protected:
  // An implementation calls this when pointers it handed out stop being good (a DMI invalidation).
  void unmap_all() { ++map_epoch_; }

 private:
  uint64_t map_epoch_ = 0;
};

// A guest structure reached field by field (a virtqueue's ring): through its host pointer when the whole
// structure mapped (guest_memory_if::map), else through the checked read/write. `off + len` stays within
// the length it was mapped with.
struct mapped_range {
  uint64_t addr = 0;
  uint8_t* host = nullptr;

  bool read(guest_memory_if& mem, uint64_t off, void* dst, uint64_t len) const {
    if (host == nullptr) return checked_read(mem, off, dst, len);
    std::memcpy(dst, host + off, len);
    return true;
  }
  bool write(guest_memory_if& mem, uint64_t off, const void* src, uint64_t len) const {
    if (host == nullptr) return checked_write(mem, off, src, len);
    std::memcpy(host + off, src, len);
    return true;
  }

 private:
  // Cold: a structure that did not map is the exception; the compiler keeps these calls out of line so
  // the mapped path inlines into its caller.
  [[gnu::cold]] bool checked_read(guest_memory_if& mem, uint64_t off, void* dst, uint64_t len) const {
    return mem.read(addr + off, dst, len);
  }
  [[gnu::cold]] bool checked_write(guest_memory_if& mem, uint64_t off, const void* src, uint64_t len) const {
    return mem.write(addr + off, src, len);
  }
};

// Overflow-safe "[addr, addr+len) lies inside [base, base+size)".
constexpr bool range_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size) {
  return addr >= base && len <= size && addr - base <= size - len;
}

}  // namespace vmsim
