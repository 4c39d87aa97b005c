// A device-level test platform: the shared virtio_system with one test-bench bus master (the "CPU") and a
// probe on the device's wired interrupt line, for transport and back-end tests that play the driver.
#pragma once

#include <utility>

#include <systemc>

#include "bus_master.h"
#include "mini_driver.h"
#include "virtio_system.h"
#include "vmsim/devices/virtio_rng.h"

namespace vmsim::tb {

using platform_config = system_config;

template <class Device>
class device_platform : public virtio_system<Device> {
 public:
  template <class... DeviceArgs>
  device_platform(sc_core::sc_module_name name, const platform_config& c, DeviceArgs&&... device_args)
      : virtio_system<Device>(name, c, std::forward<DeviceArgs>(device_args)...),
        cpu("cpu"),
        irq("irq"),
        driver(cpu, c.mmio_base, this->ram.data(), c.ram_base, c.ram_size) {
    cpu.socket.bind(this->bus.target);
    this->transport.irq[0].bind(irq.in);  // beside the controller: the line as the device drives it
  }

  using virtio_system<Device>::cfg;
  bus_master cpu;
  irq_probe irq;
  mini_driver driver;

  uint64_t reg_addr(regmap::reg r) const { return cfg.mmio_base + regmap::offset_of(r); }
  uint64_t config_addr(uint16_t offset) const { return cfg.mmio_base + regmap::config_space_offset + offset; }
  // Waits (from an SC_THREAD) until the interrupt line is high or `timeout` passes; true if high.
  // The wire follows the transport at once (an ACK just written has already lowered it).
  bool wait_irq(const sc_core::sc_time& timeout = sc_core::sc_time(1, sc_core::SC_MS)) {
    if (!irq.read()) wait(timeout, irq.posedge_event());
    return irq.read();
  }
  // The legacy ISR: read InterruptStatus, acknowledge what it says; returns the status read.
  uint32_t isr() {
    uint32_t s = cpu.read32(reg_addr(regmap::reg::interrupt_status));
    cpu.write(reg_addr(regmap::reg::interrupt_ack), 4, s);
    return s;
  }
};

using rng_platform = device_platform<virtio_rng>;

}  // namespace vmsim::tb
