#include "vmsim/devices/virtio_rng.h"

#include <vector>

namespace vmsim {

virtio_rng::virtio_rng(sc_core::sc_module_name name, const rng_params& params)
    : sc_module(name), params_(params), gen_(params.seed) {
  SC_HAS_PROCESS(virtio_rng);
  SC_METHOD(serve);
  sensitive << work_;
  dont_initialize();
}

void virtio_rng::on_queue_notify(unsigned, const sc_core::sc_time& delay) {
  // The request is taken from the ring at the time of the kick; a kick while busy is picked up when
  // the request in flight completes.
  if (!busy_) {
    busy_ = true;
    work_.notify(delay);
  }
}

void virtio_rng::on_reset() {
  work_.cancel();
  busy_ = in_flight_ = false;
}

void virtio_rng::serve() {
  if (in_flight_) complete();
  in_flight_ = host_->pop(0, chain_) == pop_status::chain;
  busy_ = in_flight_;
  if (in_flight_) work_.notify(params_.per_request + params_.per_byte * static_cast<double>(chain_.writable_bytes));
}

void virtio_rng::complete() {
  std::vector<uint8_t> bytes(chain_.writable_bytes);
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t r = gen_();
    for (size_t b = 0; b < 8 && i + b < bytes.size(); ++b) bytes[i + b] = static_cast<uint8_t>(r >> (8 * b));
  }
  int64_t n = chain_.write(host_->memory(), 0, bytes.data(), bytes.size());
  if (n < 0) return host_->needs_reset("rng: buffer write faulted");
  ++requests_;
  bytes_ += static_cast<uint64_t>(n);
  host_->push_used(0, chain_, static_cast<uint32_t>(n));
  host_->notify_used(0);
}

}  // namespace vmsim
