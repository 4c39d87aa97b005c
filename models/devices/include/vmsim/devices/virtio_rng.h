// virtio-rng (entropy device, virtio spec 5.4): one request queue; every device-writable buffer the
// driver posts is filled with bytes from a seeded generator (deterministic runs), after a service
// latency of `per_request + per_byte * bytes`. A request gets at most max_request_bytes (the spec lets the
// device fill less than the buffer; used.len says how much): a guest chain of gigabytes costs no more.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <systemc>

#include "vmsim/common/params.h"
#include "vmsim/devices/splitmix64.h"
#include "vmsim/transport/device_backend.h"

namespace vmsim {

struct rng_params {
  uint64_t seed = 1;
  uint16_t queue_size = 256;
  sc_core::sc_time per_request = sc_core::sc_time(1, sc_core::SC_US);
  sc_core::sc_time per_byte = sc_core::SC_ZERO_TIME;
};
// Its run-time parameters (vm.rng.*, device_params.cpp).
const param_group<rng_params>& param_table(const rng_params&);

class virtio_rng : public sc_core::sc_module, public device_backend {
 public:
  static constexpr uint32_t device_type = 4;  // VIRTIO_ID_RNG
  // Linux's virtio-rng asks for at most a few hundred bytes a request: 64 KiB leaves any real driver whole.
  static constexpr uint32_t max_request_bytes = 64 << 10;

  virtio_rng(sc_core::sc_module_name name, const rng_params& params);

  uint32_t device_id() const override { return device_type; }
  uint64_t device_features() const override { return 0; }
  unsigned num_queues() const override { return 1; }
  uint16_t queue_num_max(unsigned) const override { return params_.queue_size; }
  config_space& config() override { return config_; }
  void attach(device_host& host) override { host_ = &host; }
  void on_queue_notify(unsigned q, const sc_core::sc_time& delay) override;
  void on_reset() override;

  uint64_t requests() const { return requests_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void serve();  // SC_METHOD: completes the request in flight, then takes the next one
  void take_next(const sc_core::sc_time& after);  // pops a request; it completes `after` + the service time
  void complete();
  uint32_t served_bytes() const { return static_cast<uint32_t>(std::min<uint64_t>(chain_.writable_bytes, max_request_bytes)); }
  // per_request + per_byte * bytes, computed again only when the request size changes (a driver's requests
  // are mostly of one size): the same sc_time, without a double product per request.
  const sc_core::sc_time& service_time(uint32_t bytes) {
    if (bytes != service_bytes_) {
      service_bytes_ = bytes;
      service_time_ = params_.per_request + params_.per_byte * static_cast<double>(bytes);
    }
    return service_time_;
  }

  rng_params params_;
  config_space config_;  // virtio-rng has no config fields
  device_host* host_ = nullptr;
  splitmix64 gen_;
  sc_core::sc_event work_;
  bool busy_ = false;       // serve() is scheduled or a request is in flight
  bool in_flight_ = false;
  desc_chain chain_;
  uint32_t service_bytes_ = 0;
  sc_core::sc_time service_time_;  // service_time(service_bytes_), set in the constructor for 0 bytes
  std::vector<uint8_t> bytes_buffer_;
  uint64_t requests_ = 0, bytes_ = 0;
};

}  // namespace vmsim
