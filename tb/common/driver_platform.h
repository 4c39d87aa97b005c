// The sw/ driver on simulated hardware: the shared virtio_system with vCPUs on the bus as its CPU front
// end, each running a guest program through the simulation HAL.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include <systemc>

#include "vdrv/drivers.h"
#include "vcpu_hal.h"
#include "vmsim/cpu/vcpu.h"
#include "virtio_system.h"

// Boost.Test prints statuses by name.
namespace vdrv {
inline std::ostream& operator<<(std::ostream& os, status s) { return os << to_string(s); }
}  // namespace vdrv

namespace vmsim::tb {

using driver_platform_config = system_config;

// What the guest needs to know of the platform (a device tree would say it).
inline vdrv::irqc_layout guest_irqc_layout(const system_config& c) {
  return {c.irqc_base, c.msi_frame_base(), !c.x86(), c.irqc.wired_base_id};
}

// How the driver starts on this platform: its interrupt scheme and where that scheme's resources are.
inline vdrv::start_options guest_options(const system_config& c, const uint8_t* vector_cpu = nullptr) {
  vdrv::start_options o;
  o.irq.scheme = driver_scheme_for(c.scheme);
  o.irq.lines = c.transport.irq_lines;
  o.irq.first_msi_id = c.x86() ? c.irqc.msi_vector_min : c.irqc.msi_spi_base;
  o.irq.msi_regs = c.msi.register_base;
  o.irq.msix_table = c.msi.msix_table_base;
  o.irq.vector_cpu = vector_cpu;
  o.doorbells = c.transport.notify.doorbells;
  // MSI v1 makes the Version register read 3.
  o.allow_v3 = o.irq.scheme == vdrv::irq_scheme::msi_v1 || o.irq.scheme == vdrv::irq_scheme::msi_v1_kernel;
  return o;
}

template <class Device>
class driver_platform : public virtio_system<Device> {
 public:
  template <class... DeviceArgs>
  driver_platform(sc_core::sc_module_name name, const system_config& c, DeviceArgs&&... args)
      : virtio_system<Device>(name, c, std::forward<DeviceArgs>(args)...),
        cpu("cpu", c.irqc.cpus, [&](const char* n, size_t i) {
          vcpu_config vc;
          vc.index = static_cast<unsigned>(i);
          vc.ram_base = c.ram_base;
          return new vcpu(n, vc);
        }) {
    for (unsigned i = 0; i < c.irqc.cpus; ++i) {
      cpu[i].bus.bind(this->bus.target);
      this->irqc.cpu_irq[i].bind(cpu[i].irq);
    }
  }

  using virtio_system<Device>::cfg;
  sc_core::sc_vector<vcpu> cpu;

  vdrv::irqc_layout irqc_layout() const { return guest_irqc_layout(cfg); }
  vdrv::start_options options(const uint8_t* vector_cpu = nullptr) const { return guest_options(cfg, vector_cpu); }
  // vCPU i's interface of the controller, reached without the bus (vcpu_hal.h): the vCPUs are on the
  // controller's bus with no hypervisor between, and charge no time per access.
  local_irq_interface irq_interface(unsigned i) {
    namespace ic = regmap::irqc;
    if (i >= cfg.irqc.cpus) return {};  // no such interface: the bus answers
    return {&this->irqc, i, cfg.irqc_base + ic::cpu_reg(i, ic::iar), cfg.irqc_base + ic::cpu_reg(i, ic::eoir)};
  }
};

// One vCPU's guest environment: a counting HAL, the controller driver, the dispatcher and a DMA arena.
// `local`: the vCPU's interface of the controller without the bus (driver_platform::irq_interface).
struct guest {
  guest(vcpu& c, const vdrv::irqc_layout& layout, uint64_t arena_offset, uint64_t arena_size, bool interrupts = true,
        const local_irq_interface& local = {})
      : io(c, local),
        ic(io, layout),
        ctx(io, interrupts ? &ic : nullptr, c.index()),
        mem(c.ram() + arena_offset, c.to_bus(c.ram() + arena_offset), arena_size) {}
  vcpu_io io;
  vdrv::irq_controller ic;
  vdrv::cpu_context ctx;
  vdrv::arena mem;
};

}  // namespace vmsim::tb
