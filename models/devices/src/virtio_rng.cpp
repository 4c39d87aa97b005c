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
  // Loosely timed: the request is taken from the ring in the kick's own call (the driver wrote it before
  // kicking) and completes `delay` + the service time later; a kick while busy is picked up when the
  // request in flight completes.
  if (!busy_) take_next(delay);
}

void virtio_rng::take_next(const sc_core::sc_time& after) {
  in_flight_ = host_->pop(0, chain_) == pop_status::chain;
  busy_ = in_flight_;
  if (in_flight_) work_.notify(after + params_.per_request + params_.per_byte * static_cast<double>(served_bytes()));
}

void virtio_rng::on_reset() {
  work_.cancel();
  busy_ = in_flight_ = false;
}

void virtio_rng::serve() {
  if (in_flight_) complete();
  take_next(sc_core::SC_ZERO_TIME);
}

void virtio_rng::complete() {
  auto& bytes = bytes_buffer_;  // kept across requests: no allocation per request
  bytes.resize(served_bytes());
  gen_.fill(bytes.data(), bytes.size());
  int64_t n = chain_.write(host_->memory(), 0, bytes.data(), bytes.size());
  if (n < 0) return host_->needs_reset("rng: buffer write faulted");
  ++requests_;
  bytes_ += static_cast<uint64_t>(n);
  host_->push_used(0, chain_, static_cast<uint32_t>(n));
  host_->notify_used(0);
}

}  // namespace vmsim
