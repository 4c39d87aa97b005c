// Where the models and the sw/ driver meet: a simulated vCPU (vmsim::vcpu, models/cpu) as the driver's HAL
// (vdrv::hal), and the driver's mode for a device's interrupt scheme. models/ knows nothing of sw/.
#pragma once

#include <string>

#include "vdrv/hal.h"
#include "vdrv/interrupts.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/irq/scheme_factory.h"

namespace vmsim::tb {

class vcpu_hal final : public vdrv::hal {
 public:
  explicit vcpu_hal(vcpu& c) : c_(c) {}
  uint8_t read8(uint64_t a) override { return c_.read8(a); }
  uint16_t read16(uint64_t a) override { return c_.read16(a); }
  uint32_t read32(uint64_t a) override { return c_.read32(a); }
  void write8(uint64_t a, uint8_t v) override { c_.write8(a, v); }
  void write16(uint64_t a, uint16_t v) override { c_.write16(a, v); }
  void write32(uint64_t a, uint32_t v) override { c_.write32(a, v); }
  void barrier() override { c_.barrier(); }
  void wait_for_interrupt() override { c_.wait_for_interrupt(); }
  void wait_for_interrupt_until(uint64_t deadline_ns) override { c_.wait_for_interrupt(deadline_ns); }
  bool interrupt_pending() override { return c_.interrupt_pending(); }
  uint64_t now_ns() override { return c_.now_ns(); }
  uint64_t to_bus(const void* p) override { return c_.to_bus(p); }
  void* from_bus(uint64_t a) override { return c_.from_bus(a); }

 private:
  vcpu& c_;
};

// A counting HAL over a vCPU: what a guest environment holds (the adapter lives as long as the counter);
// it converts to the counting HAL the driver takes.
class vcpu_io {
 public:
  explicit vcpu_io(vcpu& c) : hal_(c), io_(hal_) {}
  vcpu_io(const vcpu_io&) = delete;
  vcpu_io& operator=(const vcpu_io&) = delete;
  operator vdrv::counting_hal&() { return io_; }
  vdrv::counting_hal& counting() { return io_; }
  uint64_t now_ns() { return io_.now_ns(); }

 private:
  vcpu_hal hal_;
  vdrv::counting_hal io_;
};

// The sw/ driver's mode for the scheme a device model runs (the scheme table's column).
inline vdrv::irq_scheme driver_scheme_for(const std::string& scheme) { return scheme_named(scheme).driver_mode; }

}  // namespace vmsim::tb
