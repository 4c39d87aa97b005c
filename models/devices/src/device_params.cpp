// vm.net.*, vm.blk.*, vm.rng.*: the devices' run-time parameters (their defaults are the params structs'
// initializers). What a cost profile gives (back-end service times, wake-ups, I/O threads, storage channels)
// is set with --profile-param, not here.
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/regmap/virtio_devices.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

const param_group<net_params>& param_table(const net_params&) {
  static const auto g = param_group<net_params>("net", "virtio-net (workloads rr, mq-rx)")
      .count("queue_size", &net_params::queue_size, 1, regmap::vring::max_queue_size, "entries", "the device's QueueNumMax (every queue)")
      .count("response_bytes", &net_params::response_bytes, 0, virtio_net::max_frame_bytes, "bytes",
             "reflector (rr): the reply's size; 0: the request's own")
      .count("backlog_limit", &net_params::backlog_limit, 0, 1 << 20, "packets", "packets waiting for an rx buffer before drops")
      .count("packet_bytes", &net_params::packet_bytes, 1, virtio_net::max_frame_bytes, "bytes", "generator (mq-rx): each packet's size");
  return g;
}

const param_group<blk_params>& param_table(const blk_params&) {
  static const auto g = param_group<blk_params>("blk", "virtio-blk (workload blk)")
      .count("queue_size", &blk_params::queue_size, 1, regmap::vring::max_queue_size, "entries", "the device's QueueNumMax (every queue)")
      .time("per_byte", &blk_params::per_byte, 0, 1e3, "ns", "the storage's transfer time per byte (0.25 ns: 4 GB/s)")
      .text("id", &blk_params::id, regmap::blk::id_bytes, "the serial GET_ID answers");
  return g;
}

const param_group<rng_params>& param_table(const rng_params&) {
  static const auto g = param_group<rng_params>("rng", "virtio-rng (workload micro)")
      .count("queue_size", &rng_params::queue_size, 1, regmap::vring::max_queue_size, "entries", "the device's QueueNumMax")
      .time("per_byte", &rng_params::per_byte, 0, 1e3, "ns", "service time per byte served, on top of the profile's per request");
  return g;
}

}  // namespace vmsim
