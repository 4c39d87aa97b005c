// Wired interrupts: the standard virtio-mmio single line, and the 2023 multi-IRQ RFC ("Support multiple
// interrupts for virtio over MMIO devices", patch 2/2) as the same scheme with N lines. As in the RFC there
// is ONE device-wide InterruptStatus and InterruptACK has no line select: the RFC changed only the driver.
//   Queue q signals on line irq_line_for_queue(q) (the back-end's mapping, the RFC's vq2irq), config
//   changes on line 0. A line is high while a status bit it was raised for is still set, so acknowledging
//   VRING drops every line raised for used buffers (the RFC's ISR then services every queue).
//   irqfd mode (the RFC's proof-of-concept VMM with vhost): queue interrupts go through KVM's irqfd and set
//   no InterruptStatus bit; the line is pulsed (edge-latched at the controller: irqc_config::edge_lines).
//   Config changes still come from the VMM: CONFIG bit and line 0, as above.
// InterruptACK bits other than VRING/CONFIG are reserved: warned (vmsim/mmio/bad-interrupt-ack) and
// ignored, the known bits still cleared (docs/transport.md).
#pragma once

#include <vector>

#include "vmsim/transport/interrupt_scheme.h"

namespace vmsim {

enum class wired_status_mode { status_set, irqfd };

class wired_irq_scheme : public interrupt_scheme {
 public:
  explicit wired_irq_scheme(wired_status_mode mode = wired_status_mode::status_set) : mode_(mode) {}
  const char* name() const override;
  void attach(interrupt_host& host) override;
  void used_buffer(unsigned queue) override;
  void config_change() override;
  uint32_t read_interrupt_status() override { return status_; }
  void write_interrupt_ack(uint32_t value) override;
  void reset() override;
  wired_status_mode mode() const { return mode_; }
  // The status bits line `line` is high for (0: low).
  uint32_t line_status(unsigned line) const { return raised_.at(line) & status_; }

 private:
  void update_lines();
  interrupt_host* host_ = nullptr;
  wired_status_mode mode_;
  uint32_t status_ = 0;           // InterruptStatus, device-wide
  std::vector<uint32_t> raised_;  // per line: the status bits it was raised for
  std::vector<uint8_t> level_;    // per line: as driven (bytes: vector<bool> costs a bit extraction per look)
};

}  // namespace vmsim
