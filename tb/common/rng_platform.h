// The smallest full system: guest RAM and one virtio-rng behind a virtio-mmio transport on a bus,
// a test-bench bus master and the device's wired interrupt line as a signal.
#pragma once

#include <memory>

#include <systemc>

#include "bus_master.h"
#include "mini_driver.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/memory/guest_ram.h"
#include "vmsim/memory/router.h"
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim::tb {

struct rng_platform_config {
  transport_config transport;
  rng_params rng;
  uint64_t ram_base = 0x40000000;
  uint64_t ram_size = 16 << 20;
  uint64_t mmio_base = 0x0a000000;
};

class rng_platform : public sc_core::sc_module {
 public:
  explicit rng_platform(sc_core::sc_module_name name, const rng_platform_config& cfg = {});

  rng_platform_config cfg;
  router bus;
  guest_ram ram;
  virtio_rng rng;
  virtio_mmio_transport transport;
  bus_master cpu;
  sc_core::sc_signal<bool> irq;
  mini_driver driver;

  uint64_t reg_addr(regmap::reg r) const { return cfg.mmio_base + regmap::offset_of(r); }
  // Waits for the interrupt line to be high (or `timeout`); true if it is.
  bool wait_irq(const sc_core::sc_time& timeout = sc_core::sc_time(1, sc_core::SC_MS));
};

}  // namespace vmsim::tb
