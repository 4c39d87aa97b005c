#include "model_params.h"

#include "vmsim/cpu/vcpu.h"
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/msi_schemes.h"
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim::app {

const param_registry& model_params() {
  static const param_registry r = [] {
    param_registry x("vm");
    x.add(param_table(transport_config{})).add(param_table(net_params{})).add(param_table(blk_params{}));
    x.add(param_table(rng_params{})).add(param_table(msi_config{})).add(param_table(irqc_config{})).add(param_table(vcpu_config{}));
    return x;
  }();
  return r;
}

}  // namespace vmsim::app
