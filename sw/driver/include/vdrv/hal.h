// The hardware abstraction the driver is written against: MMIO of 8/16/32 bits, a memory barrier,
// wait-for-interrupt, a timestamp, and the translation between the CPU's pointers and bus addresses of
// driver-owned memory. The simulation HAL turns MMIO into TLM transactions from the calling vCPU; the
// bare-metal HAL uses volatile pointers. Freestanding: no exceptions, RTTI, heap or libc.
#pragma once

#include <stdint.h>

namespace vdrv {

class hal {
 public:
  virtual uint8_t read8(uint64_t addr) = 0;
  virtual uint16_t read16(uint64_t addr) = 0;
  virtual uint32_t read32(uint64_t addr) = 0;
  virtual void write8(uint64_t addr, uint8_t v) = 0;
  virtual void write16(uint64_t addr, uint16_t v) = 0;
  virtual void write32(uint64_t addr, uint32_t v) = 0;
  virtual void barrier() = 0;             // orders ring writes before index updates and notifies
  virtual void wait_for_interrupt() = 0;  // sleeps until an interrupt may be pending (may return spuriously)
  // As wait_for_interrupt(), and also ends once now_ns() reaches deadline_ns: the driver's own timeout as a
  // timer, so a CPU that wakes only for interrupts and timers still gives up. Default: the plain WFI (a
  // HAL whose WFI ends by itself now and then).
  virtual void wait_for_interrupt_until(uint64_t deadline_ns) {
    (void)deadline_ns;
    wait_for_interrupt();
  }
  virtual bool interrupt_pending() = 0;   // is this CPU's interrupt input asserted (up to date)?
  virtual uint64_t now_ns() = 0;
  virtual uint64_t to_bus(const void* p) = 0;  // driver memory -> device-visible address
  virtual void* from_bus(uint64_t a) = 0;

  // What a ring asks once, when it is set up, to spare calls on its hot path. Both defaults are the safe answer.
  // Does the device see this CPU's memory writes in program order without barrier()? A simulated vCPU does:
  // the device model runs only while the vCPU waits or accesses a register, never beside it.
  virtual bool program_order() { return false; }
  // Is to_bus(p) p + offset for every pointer to driver memory (one linear mapping)? Then `offset` is set.
  virtual bool linear_bus(uint64_t& offset) {
    (void)offset;
    return false;
  }

 protected:
  ~hal() = default;  // never deleted through the interface (no heap)
};

// Counts the MMIO accesses made through it: the driver's register-access statistics.
class counting_hal final : public hal {
 public:
  explicit counting_hal(hal& inner) : in_(inner) {}
  // The HAL it counts for: what makes no MMIO access (a ring's barriers and addresses) needs no counter.
  hal& inner() { return in_; }
  uint64_t reads = 0, writes = 0;
  uint8_t read8(uint64_t a) override { return ++reads, in_.read8(a); }
  uint16_t read16(uint64_t a) override { return ++reads, in_.read16(a); }
  uint32_t read32(uint64_t a) override { return ++reads, in_.read32(a); }
  void write8(uint64_t a, uint8_t v) override { ++writes, in_.write8(a, v); }
  void write16(uint64_t a, uint16_t v) override { ++writes, in_.write16(a, v); }
  void write32(uint64_t a, uint32_t v) override { ++writes, in_.write32(a, v); }
  void barrier() override { in_.barrier(); }
  void wait_for_interrupt() override { in_.wait_for_interrupt(); }
  void wait_for_interrupt_until(uint64_t deadline_ns) override { in_.wait_for_interrupt_until(deadline_ns); }
  bool interrupt_pending() override { return in_.interrupt_pending(); }
  uint64_t now_ns() override { return in_.now_ns(); }
  uint64_t to_bus(const void* p) override { return in_.to_bus(p); }
  void* from_bus(uint64_t a) override { return in_.from_bus(a); }
  bool program_order() override { return in_.program_order(); }
  bool linear_bus(uint64_t& offset) override { return in_.linear_bus(offset); }

 private:
  hal& in_;
};

}  // namespace vdrv
