// The hardware every platform here shares: guest RAM, the system bus, one device behind a virtio-mmio
// transport with its interrupt scheme, and the interrupt controller with its MSI frame, wired together
// (DMA and MMIO on the bus, wired lines to the controller). Platforms add their CPU front end: bus
// masters (irq_platform), vCPUs on the bus (driver_platform) or vCPUs behind the hypervisor (vmsim).
//
//   CPU front end --> bus --+--> ram
//                           +--> transport.mmio   (device registers, doorbells)
//                           +--> irqc.regs        (vCPU interfaces, ROUTE, MASK)
//                           +--> irqc.msi         (MSI frame)
//   transport.dma ----> bus      transport.irq[i] --> line_path[i] --> irqc.irq_in[i]      irqc.cpu_irq[c] --> CPU c
// line_path[i] is the host's delivery path of wired line i (host_irq_path.h): direct unless configured.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <systemc>

#include "vmsim/hyp/host_irq_path.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/scheme_factory.h"
#include "vmsim/memory/guest_ram.h"
#include "vmsim/memory/router.h"
#include "vmsim/platform/scheme_setup.h"
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim::tb {

struct system_config {
  transport_config transport;
  irqc_config irqc;
  std::string scheme = "legacy-wired";
  msi_config msi;
  uint64_t ram_base = 0x40000000, ram_size = 32 << 20;
  uint64_t mmio_base = 0x0a000000, irqc_base = 0x08000000;
  bool x86() const { return irqc.flavour == msi_flavour::x86_lapic; }
  uint64_t msi_frame_base() const { return x86() ? 0xfee00000 : 0x08020000; }
  uint64_t msi_frame_size() const { return x86() ? interrupt_controller::x86_msi_window : 0x1000; }
  // The configuration as the scheme's row implies it (docs/interrupt-schemes.md, the scheme table): the
  // device's lines edge-latched at the controller when the scheme pulses them; the v2 layout as posted in
  // 2020 (MSI block at 0x0c0, VIRTIO_F_MMIO_MSI 40, VIRTIO_F_MMIO_NOTIFICATION 39, no RING_RESET).
  system_config resolved() const {
    system_config r = *this;
    const scheme_desc& s = scheme_named(scheme);
    if (s.edge_lines)
      for (unsigned l = 0; l < transport.irq_lines && l < 64; ++l) r.irqc.edge_lines |= uint64_t{1} << l;
    apply_scheme(s, r.transport, r.msi);
    return r;
  }
};

template <class Device>
class virtio_system : public sc_core::sc_module {
 public:
  template <class... DeviceArgs>
  virtio_system(sc_core::sc_module_name name, const system_config& c, DeviceArgs&&... device_args)
      : sc_module(name),
        cfg(c.resolved()),
        bus("bus"),
        ram("ram", cfg.ram_size),
        device("device", std::forward<DeviceArgs>(device_args)...),
        transport("transport", device, cfg.transport, make_interrupt_scheme(cfg.scheme, cfg.msi)),
        irqc("irqc", cfg.irqc),
        line_path("line_path", cfg.transport.irq_lines) {
    transport.dma.socket.bind(bus.target);
    bus.add_target(ram.socket, {"ram", cfg.ram_base, cfg.ram_size});
    bus.add_target(transport.mmio, {"device", cfg.mmio_base, cfg.transport.window_size});
    bus.add_target(irqc.regs, {"irqc", cfg.irqc_base, interrupt_controller::regs_size});
    bus.add_target(irqc.msi, {"msi-frame", cfg.msi_frame_base(), cfg.msi_frame_size()});
    for (unsigned i = 0; i < cfg.transport.irq_lines; ++i) {
      transport.irq[i].bind(line_path[i].in);
      line_path[i].out.bind(irqc.irq_in[i]);
      line_path[i].set_edge(irqc.config().edge(i));
    }
  }

  system_config cfg;
  router bus;
  guest_ram ram;
  Device device;
  virtio_mmio_transport transport;
  interrupt_controller irqc;
  sc_core::sc_vector<host_irq_path> line_path;
};

}  // namespace vmsim::tb
