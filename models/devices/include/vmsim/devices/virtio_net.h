// virtio-net (virtio spec 5.1) with VIRTIO_NET_F_MQ: N queue pairs (rx 2k, tx 2k+1), the control
// queue (2N) with the MQ VQ_PAIRS_SET command, MAC/status/max_virtqueue_pairs config, the 12-byte
// virtio_net_hdr. Behind it a host-side traffic model:
//   reflector - every transmitted packet comes back on the same pair's rx queue after the host's
//               per-packet cost and the wire latency (request/response workloads, TCP_RR-like);
//   generator - packets arrive on every active pair's rx queue at a rate and size; a packet finding no
//               rx buffer is dropped and counted (receive-throughput workloads; loss is a result).
// Host-side costs are parameters (net_params) that the cost model fills in. The back-end is a resource
// where packets wait (server_pool.h): one worker per queue pair (vhost-net), or one thread the caller shares
// (a VMM's event loop); each packet, sent or received, takes `per_packet` of its worker, and a worker that
// slept is woken first (`wakeup`). Times are drawn from seeded distributions.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <systemc>

#include "vmsim/common/histogram.h"
#include "vmsim/common/params.h"
#include "vmsim/resources/distribution.h"
#include "vmsim/resources/server_pool.h"
#include "vmsim/transport/device_backend.h"

namespace vmsim {

enum class net_traffic { reflector, generator };

struct net_params {
  unsigned pairs = 1;                 // max_virtqueue_pairs (VIRTIO_NET_F_MQ when > 1)
  uint16_t queue_size = 256;
  std::array<uint8_t, 6> mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  net_traffic traffic = net_traffic::reflector;
  // reflector
  uint32_t response_bytes = 0;        // 0: the request's own size; at most virtio_net::max_frame_bytes
  distribution wire_latency{10000};   // wire + peer, there and back, ns
  unsigned backlog_limit = 256;       // packets waiting for an rx buffer before they are dropped
  // generator
  double rate_pps = 100000;           // per active pair
  uint32_t packet_bytes = 64;         // 1..virtio_net::max_frame_bytes
  // host-side costs (from the cost model's profile)
  distribution per_packet{1000};      // back-end work per packet, ns
  distribution wakeup{};              // a sleeping worker's wake-up, ns
  sc_core::sc_time backend_notify = sc_core::SC_ZERO_TIME;  // kick to back-end signal
  server_pool* shared_worker = nullptr;  // non-null: every pair on this thread (else a worker per pair)
  uint64_t seed = 1;
};
// Its run-time parameters (vm.net.*, device_params.cpp).
const param_group<net_params>& param_table(const net_params&);

class virtio_net : public sc_core::sc_module, public device_backend {
 public:
  // The largest packet (payload after the virtio_net_hdr) the device moves: 64 KiB, a GSO packet's bound.
  // A longer tx chain is transmitted as its first max_frame_bytes (warned); an rx chain longer than the
  // frame gets the frame and used.len says how long it is.
  static constexpr uint32_t max_frame_bytes = 64 << 10;
  virtio_net(sc_core::sc_module_name name, const net_params& params);

  uint32_t device_id() const override;
  uint64_t device_features() const override;
  unsigned num_queues() const override { return 2 * params_.pairs + 1; }
  uint16_t queue_num_max(unsigned) const override { return params_.queue_size; }
  config_space& config() override { return config_; }
  void attach(device_host& host) override { host_ = &host; }
  void on_driver_ok() override;
  void on_queue_notify(unsigned q, const sc_core::sc_time& delay) override;
  void on_reset() override;
  // Multi-IRQ (the RFC's mapping): pair k on line k, the control queue (2N) wraps to line N mod lines.
  unsigned irq_line_for_queue(unsigned q, unsigned lines) const override { return (q / 2) % lines; }

  unsigned active_pairs() const { return active_pairs_; }

  struct queue_counters {
    uint64_t packets = 0, bytes = 0, drops = 0;
    histogram latency;  // rx: packet's origin (guest tx or generation) to its used-buffer publish, ns
  };
  const queue_counters& queue_stats(unsigned q) const { return queues_.at(q); }
  struct counters {
    uint64_t tx_short = 0, tx_too_long = 0, rx_too_small = 0, backlog_drops = 0, no_buffer_drops = 0;
    uint64_t ctrl_ok = 0, ctrl_err = 0;
  };
  const counters& stats() const { return stats_; }
  // Before simulation: run every pair on `w` (a VMM's event-loop thread) instead of a worker per pair.
  void share_worker(server_pool* w) { params_.shared_worker = w; }
  // The back-end's workers (one per pair, or the shared one), for utilisation reports.
  std::vector<server_pool*> workers();

 private:
  struct packet {
    sc_core::sc_time origin;  // when the guest sent it (reflector) or the host generated it
    sc_core::sc_time due;     // when it reaches the device's rx side
    uint32_t bytes;
  };
  void tx_process();   // SC_METHOD: kicked tx and control queues
  void rx_process();   // SC_METHOD: delivers due packets into rx buffers
  void generate();     // SC_METHOD: the generator's arrivals
  void control(unsigned q);
  void transmit(unsigned pair);
  bool deliver(unsigned pair, const packet& p);  // false: no rx buffer
  void schedule_rx();
  // When a packet arriving at the back-end at `at` on `pair` has been handled by its worker.
  sc_core::sc_time handled(unsigned pair, const sc_core::sc_time& at);

  net_params params_;
  config_space config_;
  device_host* host_ = nullptr;
  unsigned active_pairs_ = 1;
  std::vector<bool> kicked_;
  std::vector<std::deque<packet>> backlog_;  // per pair, ordered by due time
  std::vector<queue_counters> queues_;
  counters stats_;
  sc_core::sc_event tx_event_, rx_event_, gen_event_;
  sampler sample_;
  std::vector<std::unique_ptr<server_pool>> own_workers_;
};

}  // namespace vmsim
