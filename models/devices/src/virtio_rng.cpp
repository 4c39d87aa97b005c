#include "vmsim/devices/virtio_rng.h"

#include <vector>

namespace vmsim {

virtio_rng::virtio_rng(sc_core::sc_module_name name, const rng_params& params)
    : sc_module(name), params_(params), gen_(params.seed),
      service_time_(params.per_request + params.per_byte * 0.0) {
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
  if (in_flight_) work_.notify(after + service_time(served_bytes()));
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
  const uint32_t served = served_bytes();
  guest_memory_if& mem = host_->memory();
  int64_t n = served;
  // The usual request is one writable buffer: its bytes are drawn in place when it maps whole. Otherwise
  // they are drawn into a buffer and scattered over the writable segments (the same bytes either way).
  // The first writable segment, by a plain loop: std::find_if's unrolled search costs more for a chain's few segments.
  const desc_segment* first = nullptr;
  for (const auto& s : chain_.segments)
    if (s.device_writable) {
      first = &s;
      break;
    }
  uint8_t* in_place = first != nullptr && first->len >= served ? mem.map(first->addr, served) : nullptr;
  if (in_place) {
    gen_.fill(in_place, served);
  } else {
    auto& bytes = bytes_buffer_;  // kept across requests: no allocation per request
    bytes.resize(served);
    gen_.fill(bytes.data(), bytes.size());
    n = chain_.write(mem, 0, bytes.data(), bytes.size());
  }
  if (n < 0) return host_->needs_reset("rng: buffer write faulted");
  ++requests_;
  bytes_ += static_cast<uint64_t>(n);
  host_->complete(0, chain_, static_cast<uint32_t>(n));
}

}  // namespace vmsim
