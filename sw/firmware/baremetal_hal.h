// The bare-metal HAL: MMIO through volatile pointers, dmb barriers, the generic timer for time,
// identity-mapped memory (MMU off). Interrupts stay masked at the CPU (PSTATE.I): the driver looks at the
// GICv2 CPU interface (HPPIR) and sleeps with WFI, which wakes on a pending interrupt even while masked,
// then takes it through IAR/EOIR like an ISR would; no exception vectors are needed.
#pragma once

#include <stdint.h>

#include "vdrv/hal.h"

class baremetal_hal final : public vdrv::hal {
 public:
  baremetal_hal(uint64_t gicc = 0, uint64_t gicd = 0) : gicc_(gicc), gicd_(gicd) {}
  uint8_t read8(uint64_t a) override { return *reinterpret_cast<volatile uint8_t*>(a); }
  uint16_t read16(uint64_t a) override { return *reinterpret_cast<volatile uint16_t*>(a); }
  uint32_t read32(uint64_t a) override { return *reinterpret_cast<volatile uint32_t*>(a); }
  void write8(uint64_t a, uint8_t v) override { *reinterpret_cast<volatile uint8_t*>(a) = v; }
  void write16(uint64_t a, uint16_t v) override { *reinterpret_cast<volatile uint16_t*>(a) = v; }
  void write32(uint64_t a, uint32_t v) override { *reinterpret_cast<volatile uint32_t*>(a) = v; }
  void barrier() override { asm volatile("dmb sy" ::: "memory"); }

  // The virtual timer's PPI may reach the CPU interface, so that it can wake a WFI (call once, after the
  // GIC is enabled).
  void enable_wakeup_timer() {
    if (gicd_) write32(gicd_ + gicd_isenabler0, 1u << timer_ppi);
  }
  // WFI until an interrupt is pending, or at the latest one slice later: the virtual timer wakes it, so
  // the driver's deadlines hold even for a device that never signals. The timer is switched off and its
  // pending state cleared before the driver can see it: only device interrupts reach IAR.
  void wait_for_interrupt() override {
    if (!gicc_) return;
    const bool timed = gicd_ != 0;
    if (timed) {
      asm volatile("msr cntv_tval_el0, %0" ::"r"(frequency() / slices_per_s));
      asm volatile("msr cntv_ctl_el0, %0; isb" ::"r"(uint64_t{1}));  // ENABLE, interrupt not masked
    }
    asm volatile("dsb sy; wfi" ::: "memory");
    if (timed) {
      asm volatile("msr cntv_ctl_el0, %0; isb" ::"r"(uint64_t{0}));
      write32(gicd_ + gicd_icpendr0, 1u << timer_ppi);
    }
  }
  bool interrupt_pending() override { return gicc_ && (read32(gicc_ + 0x18) & 0x3ff) != 1023; }  // GICC_HPPIR
  uint64_t now_ns() override {
    uint64_t cnt;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt));
    const uint64_t frq = frequency();
    return frq ? cnt / frq * 1000000000ull + cnt % frq * 1000000000ull / frq : 0;
  }
  uint64_t to_bus(const void* p) override { return reinterpret_cast<uint64_t>(p); }
  void* from_bus(uint64_t a) override { return reinterpret_cast<void*>(a); }
  bool linear_bus(uint64_t& offset) override { return offset = 0, true; }  // identity-mapped

 private:
  static constexpr unsigned timer_ppi = 27;  // the EL1 virtual timer on -M virt
  static constexpr uint64_t gicd_isenabler0 = 0x100, gicd_icpendr0 = 0x280;
  static constexpr uint64_t slices_per_s = 10000;  // WFI sleeps 100 us at most
  static uint64_t frequency() {
    uint64_t frq;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(frq));
    return frq;
  }
  uint64_t gicc_, gicd_;
};
