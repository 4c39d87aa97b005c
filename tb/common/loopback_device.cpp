#include "loopback_device.h"

#include <vector>

namespace vmsim::tb {

loopback_device::loopback_device(sc_core::sc_module_name name, uint16_t queue_size, sc_core::sc_time latency)
    : sc_module(name),
      queue_size_(queue_size),
      latency_(latency),
      config_(24, {{"u8", cfg_u8, 1, false},
                   {"u16", cfg_u16, 2, false},
                   {"u32", cfg_u32, 4, false},
                   {"u64", cfg_u64, 8, false},
                   {"rw32", cfg_rw32, 4, true}}) {
  config_.set(cfg_u8, 0xa5, 1);
  config_.set(cfg_u16, 0xbeef, 2);
  config_.set(cfg_u32, 0x12345678, 4);
  config_.set(cfg_u64, 0x0123456789abcdefull, 8);
  SC_HAS_PROCESS(loopback_device);
  SC_METHOD(serve);
  sensitive << work_;
  dont_initialize();
}

void loopback_device::on_queue_notify(unsigned q, const sc_core::sc_time& delay) {
  pending_ |= 1u << q;
  work_.notify(delay + latency_);
}

void loopback_device::on_config_write(uint16_t, unsigned) { ++config_writes; }

void loopback_device::change_config(uint32_t value) {
  config_.set(cfg_u32, value, 4);
  host_->config_changed();
}

void loopback_device::serve() {
  for (unsigned q = 0; q < 2; ++q) {
    if (!(pending_ & (1u << q))) continue;
    pending_ &= ~(1u << q);
    desc_chain chain;
    bool any = false;
    while (host_->pop(q, chain) == pop_status::chain) {
      std::vector<uint8_t> data(chain.readable_bytes);
      if (chain.read(host_->memory(), 0, data.data(), data.size()) < 0) return;
      int64_t n = chain.write(host_->memory(), 0, data.data(), data.size());
      if (n < 0) return;
      host_->push_used(q, chain, static_cast<uint32_t>(n));
      ++processed;
      any = true;
    }
    if (any) host_->notify_used(q);
  }
}

}  // namespace vmsim::tb
