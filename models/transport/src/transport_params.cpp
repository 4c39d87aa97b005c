// vm.transport.*: the run-time parameters of transport_config (their defaults are its initializers).
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim {

const param_group<transport_config>& param_table(const transport_config&) {
  static const auto g = param_group<transport_config>("transport", "the virtio-mmio transport (every device's)")
      .count("vendor_id", &transport_config::vendor_id, 0, 0xffffffff, "", "what the VendorID register reads")
      .hex()
      .choice("policy", &transport_config::policy, {{"strict", access_policy::strict}, {"permissive", access_policy::permissive}},
              "answer to a bad guest access: strict = the TLM error response, permissive = OK, reads 0 (QEMU)")
      .flag("offer_indirect", &transport_config::offer_indirect, "offer VIRTIO_F_RING_INDIRECT_DESC")
      .flag("offer_event_idx", &transport_config::offer_event_idx, "offer VIRTIO_F_RING_EVENT_IDX")
      .flag("offer_ring_reset", &transport_config::offer_ring_reset, "offer VIRTIO_F_RING_RESET (modern transport only)")
      .count("queue_num_max", &transport_config::queue_num_max, 0, regmap::vring::max_queue_size, "entries",
             "QueueNumMax of every queue of every device; 0: each device's queue_size")
      .time("register_latency", &transport_config::register_latency, 0, 1e6, "ns", "device-side decode time of each register access");
  return g;
}

}  // namespace vmsim
