// Builds against the installed package only: find_package(vmsim), link vmsim::models.
#include <vmsim/devices/virtio_rng.h>
#include <vmsim/transport/virtio_mmio_transport.h>

int sc_main(int, char**) {
  vmsim::virtio_rng rng("rng", {});
  vmsim::virtio_mmio_transport transport("transport", rng, {});
  return transport.offered_features() != 0 ? 0 : 1;
}
