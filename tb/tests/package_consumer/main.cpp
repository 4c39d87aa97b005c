// Builds against the installed package only: find_package(vmsim), link vmsim::models and vmsim::rtl_doorbell.
#include <vmsim/devices/virtio_rng.h>
#include <vmsim/rtl_doorbell/rtl_doorbell_decoder.h>
#include <vmsim/transport/virtio_mmio_transport.h>

int sc_main(int, char**) {
  vmsim::virtio_rng rng("rng", {});
  vmsim::virtio_mmio_transport transport("transport", rng, {});
  // The Verilated decoder from the installed library: queue 1's doorbell at base + multiplier decodes to a kick.
  vmsim::doorbell_config d;
  d.base = 0x200;
  d.multiplier = 8;
  d.num_queues = 2;
  vmsim::rtl_doorbell_decoder rtl(d, sc_core::sc_time(1, sc_core::SC_NS));
  const vmsim::doorbell_result r = rtl.decode(0x208, 4, 1);
  const bool rtl_ok = r.error == vmsim::doorbell_error::none && r.queue == 1;
  return transport.offered_features() != 0 && rtl_ok ? 0 : 1;
}
