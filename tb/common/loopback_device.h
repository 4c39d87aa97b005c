// A test back-end: two queues that copy each chain's readable bytes into its writable bytes after a
// fixed latency, and a config space with one field of each width (one writable), so the transport's
// config and multi-queue paths can be tested without a real device type.
#pragma once

#include <systemc>

#include "vmsim/transport/device_backend.h"

namespace vmsim::tb {

class loopback_device : public sc_core::sc_module, public device_backend {
 public:
  static constexpr uint32_t device_type = 0x7e57;  // not a registered virtio id
  static constexpr uint16_t cfg_u8 = 0, cfg_u16 = 2, cfg_u32 = 4, cfg_u64 = 8, cfg_rw32 = 16;

  explicit loopback_device(sc_core::sc_module_name name, uint16_t queue_size = 16,
                           sc_core::sc_time latency = sc_core::sc_time(100, sc_core::SC_NS));

  uint32_t device_id() const override { return device_type; }
  uint64_t device_features() const override { return 1u << 0; }  // a device-type bit
  unsigned num_queues() const override { return 2; }
  uint16_t queue_num_max(unsigned) const override { return queue_size_; }
  config_space& config() override { return config_; }
  void attach(device_host& host) override { host_ = &host; }
  void on_queue_notify(unsigned q, const sc_core::sc_time& delay) override;
  void on_config_write(uint16_t offset, unsigned width) override;
  void on_reset() override { pending_ = 0; }
  unsigned irq_line_for_queue(unsigned q, unsigned lines) const override { return q % lines; }

  // Changes a config field from the device side (bumps ConfigGeneration, config interrupt).
  void change_config(uint32_t value);
  unsigned config_writes = 0;
  unsigned processed = 0;

 private:
  void serve();
  uint16_t queue_size_;
  sc_core::sc_time latency_;
  config_space config_;
  device_host* host_ = nullptr;
  sc_core::sc_event work_;
  unsigned pending_ = 0;  // bit per queue kicked
};

}  // namespace vmsim::tb
