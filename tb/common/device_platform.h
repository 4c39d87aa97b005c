// The smallest full system: guest RAM and one device back-end behind a virtio-mmio transport on a
// bus, a test-bench bus master (the "CPU") and the device's wired interrupt line as a signal.
#pragma once

#include <utility>

#include <systemc>

#include "bus_master.h"
#include "mini_driver.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/memory/guest_ram.h"
#include "vmsim/memory/router.h"
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim::tb {

struct platform_config {
  transport_config transport;
  uint64_t ram_base = 0x40000000;
  uint64_t ram_size = 16 << 20;
  uint64_t mmio_base = 0x0a000000;
};

template <class Device>
class device_platform : public sc_core::sc_module {
 public:
  template <class... DeviceArgs>
  device_platform(sc_core::sc_module_name name, const platform_config& c, DeviceArgs&&... device_args)
      : sc_module(name),
        cfg(c),
        bus("bus"),
        ram("ram", c.ram_size),
        device("device", std::forward<DeviceArgs>(device_args)...),
        transport("transport", device, c.transport),
        cpu("cpu"),
        irq("irq"),
        driver(cpu, c.mmio_base, ram.data(), c.ram_base, c.ram_size) {
    cpu.socket.bind(bus.target);
    transport.dma.socket.bind(bus.target);
    bus.add_target(ram.socket, {"ram", c.ram_base, c.ram_size});
    bus.add_target(transport.mmio, {"device", c.mmio_base, c.transport.window_size});
    transport.irq[0].bind(irq.in);
  }

  platform_config cfg;
  router bus;
  guest_ram ram;
  Device device;
  virtio_mmio_transport transport;
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
