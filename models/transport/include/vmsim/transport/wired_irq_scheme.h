// The standard virtio-mmio interrupt: one level-triggered wired line, InterruptStatus tells used-buffer
// from configuration change, InterruptACK clears bits; the line stays high while any bit is set.
#pragma once

#include "vmsim/transport/interrupt_scheme.h"

namespace vmsim {

class wired_irq_scheme : public interrupt_scheme {
 public:
  const char* name() const override { return "legacy-wired"; }
  void attach(interrupt_host& host) override { host_ = &host; }
  void used_buffer(unsigned queue) override;
  void config_change() override;
  uint32_t read_interrupt_status() override { return status_; }
  void write_interrupt_ack(uint32_t bits) override;
  void reset() override;

 private:
  void update_line();
  interrupt_host* host_ = nullptr;
  uint32_t status_ = 0;
};

}  // namespace vmsim
