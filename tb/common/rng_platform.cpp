#include "rng_platform.h"

namespace vmsim::tb {

rng_platform::rng_platform(sc_core::sc_module_name name, const rng_platform_config& c)
    : sc_module(name),
      cfg(c),
      bus("bus"),
      ram("ram", c.ram_size),
      rng("rng", c.rng),
      transport("transport", rng, c.transport),
      cpu("cpu"),
      irq("irq"),
      driver(cpu, c.mmio_base, ram.data(), c.ram_base, c.ram_size) {
  cpu.socket.bind(bus.target);
  transport.dma.socket.bind(bus.target);
  bus.add_target(ram.socket, {"ram", c.ram_base, c.ram_size});
  bus.add_target(transport.mmio, {"virtio-rng", c.mmio_base, 0x200});
  transport.irq[0].bind(irq);
}

bool rng_platform::wait_irq(const sc_core::sc_time& timeout) {
  if (!irq.read()) wait(timeout, irq.posedge_event());
  return irq.read();
}

}  // namespace vmsim::tb
