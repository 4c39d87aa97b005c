// A HAL that records every MMIO access the driver makes through it (and passes it on): for tests that check
// the driver's access sequence against a reference, access by access.
#pragma once

#include <cstdint>
#include <vector>

#include "vdrv/hal.h"

namespace vmsim::tb {

struct mmio_access {
  bool write;
  uint64_t addr;
  unsigned width;  // bytes
  uint32_t value;  // written, or read back
  bool operator==(const mmio_access& o) const {
    return write == o.write && addr == o.addr && width == o.width && value == o.value;
  }
};

class recording_hal final : public vdrv::hal {
 public:
  explicit recording_hal(vdrv::hal& inner) : in_(inner) {}
  std::vector<mmio_access> log;
  bool recording = true;

  uint8_t read8(uint64_t a) override { return static_cast<uint8_t>(note(false, a, 1, in_.read8(a))); }
  uint16_t read16(uint64_t a) override { return static_cast<uint16_t>(note(false, a, 2, in_.read16(a))); }
  uint32_t read32(uint64_t a) override { return note(false, a, 4, in_.read32(a)); }
  void write8(uint64_t a, uint8_t v) override { note(true, a, 1, v), in_.write8(a, v); }
  void write16(uint64_t a, uint16_t v) override { note(true, a, 2, v), in_.write16(a, v); }
  void write32(uint64_t a, uint32_t v) override { note(true, a, 4, v), in_.write32(a, v); }
  void barrier() override { in_.barrier(); }
  void wait_for_interrupt() override { in_.wait_for_interrupt(); }
  bool interrupt_pending() override { return in_.interrupt_pending(); }
  uint64_t now_ns() override { return in_.now_ns(); }
  uint64_t to_bus(const void* p) override { return in_.to_bus(p); }
  void* from_bus(uint64_t a) override { return in_.from_bus(a); }

 private:
  uint32_t note(bool w, uint64_t a, unsigned width, uint32_t v) {
    if (recording) log.push_back({w, a, width, v});
    return v;
  }
  vdrv::hal& in_;
};

}  // namespace vmsim::tb
