// The bare-metal HAL: MMIO through volatile pointers, dmb barriers, the generic timer for time,
// identity-mapped memory (MMU off). Interrupts stay masked at the CPU (PSTATE.I): the driver looks at the
// GICv2 CPU interface (HPPIR) and sleeps with WFI, which wakes on a pending interrupt even while masked,
// then takes it through IAR/EOIR like an ISR would; no exception vectors are needed.
#pragma once

#include <stdint.h>

#include "vdrv/hal.h"

class baremetal_hal final : public vdrv::hal {
 public:
  explicit baremetal_hal(uint64_t gicc = 0) : gicc_(gicc) {}
  uint8_t read8(uint64_t a) override { return *reinterpret_cast<volatile uint8_t*>(a); }
  uint16_t read16(uint64_t a) override { return *reinterpret_cast<volatile uint16_t*>(a); }
  uint32_t read32(uint64_t a) override { return *reinterpret_cast<volatile uint32_t*>(a); }
  void write8(uint64_t a, uint8_t v) override { *reinterpret_cast<volatile uint8_t*>(a) = v; }
  void write16(uint64_t a, uint16_t v) override { *reinterpret_cast<volatile uint16_t*>(a) = v; }
  void write32(uint64_t a, uint32_t v) override { *reinterpret_cast<volatile uint32_t*>(a) = v; }
  void barrier() override { asm volatile("dmb sy" ::: "memory"); }
  void wait_for_interrupt() override {
    if (gicc_) asm volatile("dsb sy; wfi" ::: "memory");
  }
  bool interrupt_pending() override { return gicc_ && (read32(gicc_ + 0x18) & 0x3ff) != 1023; }  // GICC_HPPIR
  uint64_t now_ns() override {
    uint64_t cnt, frq;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt));
    asm volatile("mrs %0, cntfrq_el0" : "=r"(frq));
    return frq ? cnt / frq * 1000000000ull + cnt % frq * 1000000000ull / frq : 0;
  }
  uint64_t to_bus(const void* p) override { return reinterpret_cast<uint64_t>(p); }
  void* from_bus(uint64_t a) override { return reinterpret_cast<void*>(a); }

 private:
  uint64_t gicc_;
};
