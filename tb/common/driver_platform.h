// The sw/ driver on simulated hardware: vCPUs (running guest programs through the simulation HAL), guest
// RAM, the interrupt controller and one device behind a virtio-mmio transport with a chosen scheme.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include <systemc>

#include "vdrv/drivers.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/scheme_factory.h"
#include "vmsim/memory/guest_ram.h"
#include "vmsim/memory/router.h"
#include "vmsim/transport/virtio_mmio_transport.h"

// Boost.Test prints statuses by name.
namespace vdrv {
inline std::ostream& operator<<(std::ostream& os, status s) { return os << to_string(s); }
}  // namespace vdrv

namespace vmsim::tb {

struct driver_platform_config {
  transport_config transport;
  irqc_config irqc;
  std::string scheme = "legacy-wired";
  msi_config msi;
  uint64_t ram_base = 0x40000000, ram_size = 32 << 20;
  uint64_t mmio_base = 0x0a000000, irqc_base = 0x08000000;
  uint64_t msi_frame() const { return irqc.flavour == msi_flavour::x86_lapic ? 0xfee00000 : 0x08020000; }
};

template <class Device>
class driver_platform : public sc_core::sc_module {
 public:
  template <class... DeviceArgs>
  driver_platform(sc_core::sc_module_name name, const driver_platform_config& c, DeviceArgs&&... args)
      : sc_module(name),
        cfg(c),
        bus("bus"),
        ram("ram", c.ram_size),
        device("device", std::forward<DeviceArgs>(args)...),
        transport("transport", device, c.transport, make_interrupt_scheme(c.scheme, c.msi)),
        irqc("irqc", c.irqc),
        cpu("cpu", c.irqc.cpus, [&](const char* n, size_t i) {
          vcpu_config vc;
          vc.index = static_cast<unsigned>(i);
          vc.ram_base = c.ram_base;
          return new vcpu(n, vc);
        }) {
    for (auto& v : cpu) v.bus.bind(bus.target);
    transport.dma.socket.bind(bus.target);
    bus.add_target(ram.socket, {"ram", c.ram_base, c.ram_size});
    bus.add_target(transport.mmio, {"device", c.mmio_base, c.transport.window_size});
    bus.add_target(irqc.regs, {"irqc", c.irqc_base, interrupt_controller::regs_size});
    bus.add_target(irqc.msi, {"msi-frame", c.msi_frame(), c.irqc.flavour == msi_flavour::x86_lapic ? uint64_t{0x100000} : uint64_t{0x1000}});
    for (unsigned i = 0; i < c.transport.irq_lines; ++i) transport.irq[i].bind(irqc.irq_in[i]);
    for (unsigned i = 0; i < c.irqc.cpus; ++i) irqc.cpu_irq[i].bind(cpu[i].irq);
  }

  driver_platform_config cfg;
  router bus;
  guest_ram ram;
  Device device;
  virtio_mmio_transport transport;
  interrupt_controller irqc;
  sc_core::sc_vector<vcpu> cpu;

  // What the guest needs to know of the platform (a device tree would say it).
  vdrv::irqc_layout irqc_layout() const {
    return {cfg.irqc_base, cfg.msi_frame(), cfg.irqc.flavour == msi_flavour::arm_gicv2m, cfg.irqc.wired_base_id};
  }
  vdrv::start_options options(const uint8_t* vector_cpu = nullptr) const {
    vdrv::start_options o;
    o.irq.scheme = driver_scheme_for(cfg.scheme);
    o.irq.lines = cfg.transport.irq_lines;
    o.irq.first_msi_id = cfg.irqc.flavour == msi_flavour::x86_lapic ? cfg.irqc.msi_vector_min : cfg.irqc.msi_spi_base;
    o.irq.msi_regs = cfg.msi.register_base;
    o.irq.msix_table = cfg.msi.msix_table_base;
    o.irq.vector_cpu = vector_cpu;
    o.doorbells = cfg.transport.notify.doorbells;
    o.allow_v3 = cfg.scheme == "msi-v1";
    return o;
  }
};

// One vCPU's guest environment: a counting HAL, the controller driver, the dispatcher and a DMA arena.
struct guest {
  guest(vcpu& c, const vdrv::irqc_layout& layout, uint64_t arena_offset, uint64_t arena_size, bool interrupts = true)
      : io(c),
        ic(io, layout),
        ctx(io, interrupts ? &ic : nullptr, c.index()),
        mem(c.ram() + arena_offset, c.to_bus(c.ram() + arena_offset), arena_size) {}
  vdrv::counting_hal io;
  vdrv::irq_controller ic;
  vdrv::cpu_context ctx;
  vdrv::arena mem;
};

}  // namespace vmsim::tb
