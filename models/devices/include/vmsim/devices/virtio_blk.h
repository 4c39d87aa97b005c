// virtio-blk (virtio spec 5.2): an in-memory disk image, VIRTIO_BLK_T_IN / OUT / FLUSH / GET_ID, the
// status byte, optional multi-queue (VIRTIO_BLK_F_MQ). Behind it the host as resources where requests wait
// (server_pool.h): a kick wakes the back-end's I/O thread(s) (`wakeup` when idle), each request takes
// `per_request` of an I/O thread, then one of the storage's `storage_channels` for `storage_service +
// per_byte * bytes`. IOPS therefore saturate at the busiest of them, and with a varying service time requests
// at a queue depth > 1 complete out of order. Service times are drawn from seeded distributions.
// Malformed requests are answered with VIRTIO_BLK_S_IOERR / S_UNSUPP and a warning; one without a status
// byte cannot be answered and is returned with used length 0. Nothing is read or written outside guest
// RAM or the image.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "vmsim/common/histogram.h"
#include "vmsim/common/params.h"
#include "vmsim/resources/distribution.h"
#include "vmsim/resources/server_pool.h"
#include "vmsim/transport/device_backend.h"

namespace vmsim {

struct blk_params {
  uint64_t capacity_sectors = 2048;  // 1 MiB
  unsigned queues = 1;               // VIRTIO_BLK_F_MQ when > 1
  uint16_t queue_size = 128;
  unsigned iothreads = 1;
  distribution per_request{2000};            // I/O thread work per request, ns
  distribution wakeup{};                     // an idle I/O thread's wake-up by the kick, ns
  unsigned storage_channels = 8;             // requests the storage serves at once
  distribution storage_service{8000, dist_shape::lognormal, 0.5};  // per request, ns
  sc_core::sc_time per_byte = sc_core::sc_time(0.25, sc_core::SC_NS);  // 4 GB/s
  uint64_t seed = 1;
  std::string id = "vmsim-blk";
};
// Its run-time parameters (vm.blk.*, device_params.cpp).
const param_group<blk_params>& param_table(const blk_params&);

class virtio_blk : public sc_core::sc_module, public device_backend {
 public:
  virtio_blk(sc_core::sc_module_name name, const blk_params& params);

  uint32_t device_id() const override;
  uint64_t device_features() const override;
  unsigned num_queues() const override { return params_.queues; }
  uint16_t queue_num_max(unsigned) const override { return params_.queue_size; }
  config_space& config() override { return config_; }
  void attach(device_host& host) override { host_ = &host; }
  void on_queue_notify(unsigned q, const sc_core::sc_time& delay) override;
  void on_reset() override;

  std::vector<uint8_t>& image() { return image_; }  // backdoor for tests and loaders

  struct queue_counters {
    uint64_t requests = 0, completions = 0, reads = 0, writes = 0, flushes = 0, bytes = 0, errors = 0;
    uint64_t out_of_order = 0;  // completions that overtook an earlier request of the same queue
    histogram latency;          // request taken from the ring to used-buffer publish, ns
  };
  const queue_counters& queue_stats(unsigned q) const { return queues_.at(q); }
  server_pool& iothreads() { return *iothreads_; }
  server_pool& storage() { return *storage_; }

 private:
  struct request {
    unsigned queue;
    desc_chain chain;
    sc_core::sc_time taken;
    uint64_t seq;  // arrival order in its queue
  };
  void take(unsigned q);  // pops the queue's requests and schedules their completion
  void complete();        // SC_METHOD: completes every due request
  uint32_t execute(const request& r, uint8_t& status);  // returns bytes written to the guest (data)
  void bad(unsigned q, const std::string& why);

  blk_params params_;
  config_space config_;
  device_host* host_ = nullptr;
  std::vector<uint8_t> image_;
  sampler sample_;
  std::unique_ptr<server_pool> iothreads_, storage_;
  std::multimap<sc_core::sc_time, request> in_flight_;
  std::vector<uint64_t> next_seq_, last_completed_seq_;
  std::vector<queue_counters> queues_;
  std::vector<bool> kicked_;
  sc_core::sc_event take_event_, done_event_;
  void take_kicked();  // SC_METHOD
};

}  // namespace vmsim
