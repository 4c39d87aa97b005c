// Where the models and the sw/ driver meet: a simulated vCPU (vmsim::vcpu, models/cpu) as the driver's HAL
// (vdrv::hal), and the driver's mode for a device's interrupt scheme. models/ knows nothing of sw/.
#pragma once

#include <string>

#include "vdrv/hal.h"
#include "vdrv/interrupts.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/scheme_factory.h"

namespace vmsim::tb {

// A vCPU's own interface of an interrupt controller on its bus (no hypervisor in between, which takes
// IAR and EOIR to the controller itself): the IAR read and the EOIR write become calls, as a CPU reaches
// its local APIC or GIC CPU interface without the system bus. Only those two plain 32-bit accesses of
// this vCPU's interface; everything else, malformed accesses included, goes by bus for the controller's
// answer. The result is the bus access's: the controller's registers take no time, and a vCPU given this
// interface charges none per access (vcpu_config::access_cost zero), so only the quantum check remains
// (vcpu::keep_quantum; vcpu::stats() does not count these accesses).
struct local_irq_interface {
  interrupt_controller* irqc = nullptr;  // none: every access by bus
  unsigned cpu = 0;
  uint64_t iar = 0, eoir = 0;  // bus addresses of the vCPU's IAR and EOIR
};

class vcpu_hal final : public vdrv::hal {
 public:
  explicit vcpu_hal(vcpu& c, const local_irq_interface& local = {}) : c_(c), local_(local) {}
  uint8_t read8(uint64_t a) override { return c_.read8(a); }
  uint16_t read16(uint64_t a) override { return c_.read16(a); }
  uint32_t read32(uint64_t a) override {
    if (a == local_.iar && local_.irqc) {
      const uint32_t id = local_.irqc->acknowledge(local_.cpu);
      c_.keep_quantum();
      return id;
    }
    return c_.read32(a);
  }
  void write8(uint64_t a, uint8_t v) override { c_.write8(a, v); }
  void write16(uint64_t a, uint16_t v) override { c_.write16(a, v); }
  void write32(uint64_t a, uint32_t v) override {
    if (a == local_.eoir && local_.irqc) return local_.irqc->eoi(local_.cpu, v), c_.keep_quantum();
    c_.write32(a, v);
  }
  void barrier() override { c_.barrier(); }
  void wait_for_interrupt() override { c_.wait_for_interrupt(); }
  void wait_for_interrupt_until(uint64_t deadline_ns) override { c_.wait_for_interrupt(deadline_ns); }
  bool interrupt_pending() override { return c_.interrupt_pending(); }
  uint64_t now_ns() override { return c_.now_ns(); }
  uint64_t to_bus(const void* p) override { return c_.to_bus(p); }
  void* from_bus(uint64_t a) override { return c_.from_bus(a); }
  // The device model runs in the vCPU's waits and accesses only: the vCPU's writes need no barrier.
  bool program_order() override { return true; }
  bool linear_bus(uint64_t& offset) override {  // guest RAM is one DMI window at ram_base
    offset = c_.to_bus(c_.ram()) - reinterpret_cast<uintptr_t>(c_.ram());
    return true;
  }

 private:
  vcpu& c_;
  local_irq_interface local_;
};

// A counting HAL over a vCPU: what a guest environment holds (the adapter lives as long as the counter);
// it converts to the counting HAL the driver takes.
class vcpu_io {
 public:
  explicit vcpu_io(vcpu& c, const local_irq_interface& local = {}) : hal_(c, local), io_(hal_) {}
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
