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
    // Each device's own (vm.<device>.<group>.NAME for one device), then the whole platform's.
    x.add_per_instance(param_table(transport_config{})).add_per_instance(param_table(net_params{}));
    x.add_per_instance(param_table(blk_params{})).add_per_instance(param_table(rng_params{}));
    x.add_per_instance(param_table(msi_config{}));
    x.add(param_table(irqc_config{})).add(param_table(vcpu_config{}));
    return x;
  }();
  return r;
}

}  // namespace vmsim::app
