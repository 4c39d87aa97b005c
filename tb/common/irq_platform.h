// A platform for the interrupt fabric: the shared virtio_system around a loopback device, with one bus
// master per vCPU as its CPU front end and probes on every interrupt wire. The guest-side helpers program MSI for each scheme and run the ISR a
// driver for that scheme runs, so tests can count what one interrupt costs.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <systemc>

#include "bus_master.h"
#include "loopback_device.h"
#include "mini_driver.h"
#include "virtio_system.h"

namespace vmsim::tb {

using irq_platform_config = system_config;

class irq_platform : public virtio_system<loopback_device> {
 public:
  irq_platform(sc_core::sc_module_name name, const irq_platform_config& cfg);

  sc_core::sc_vector<bus_master> cpu;
  sc_core::sc_vector<irq_probe> cpu_irq;  // what each vCPU's interrupt input sees
  sc_core::sc_vector<irq_probe> lines;    // the transport's wired lines, as the controller sees them
  mini_driver driver;  // runs on cpu[0]

  // ---- guest side ----
  uint64_t reg(uint32_t offset) const { return cfg.mmio_base + offset; }
  uint64_t msi_reg(uint32_t rel) const { return cfg.mmio_base + cfg.msi.register_base + rel; }
  uint32_t wired_id(unsigned line) const { return cfg.irqc.wired_base_id + line; }
  // The interrupt id MSI vector v is given: x86 vector 48 + v, arm SPI msi_spi_base + v.
  uint32_t msi_id(unsigned vector) const;
  void route_line(unsigned line, unsigned to_cpu);
  // Programs and enables MSI for the platform's scheme: vector v's message targets vector_cpu(v).
  // For msi-v2 `sharing` uses 2 vectors (config on 0, every queue on 1) with MAP commands.
  void program_msi(const std::map<unsigned, unsigned>& vector_cpu, bool sharing = false);
  std::pair<uint64_t, uint32_t> message_for(unsigned vector, unsigned to_cpu) const {
    return irqc.msi_message(cfg.msi_frame_base(), to_cpu, msi_id(vector));
  }
  void write_message(unsigned vector, unsigned to_cpu);  // MsiAddr/MsiData staging registers

  struct taken {
    unsigned cpu = 0;
    uint32_t id = interrupt_controller::spurious;
    uint32_t status = 0;  // InterruptStatus as the ISR read it (wired schemes)
    unsigned used = 0;    // used buffers the ISR reaped (all queues, as vring_interrupt does)
  };
  // vCPU c waits for its interrupt input and runs the scheme's ISR: acknowledge (IAR), the device
  // accesses of the scheme, reaping the used rings (which re-arms EVENT_IDX), EOI. False on timeout.
  bool take_interrupt(unsigned c, taken& t, const sc_core::sc_time& timeout = sc_core::sc_time(100, sc_core::SC_US));
  // Register accesses on the device so far (all registers), for per-interrupt counting.
  std::pair<uint64_t, uint64_t> device_accesses() const;
};

}  // namespace vmsim::tb
