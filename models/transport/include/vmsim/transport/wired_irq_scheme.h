// Wired interrupts: the standard virtio-mmio single line, and the multi-IRQ RFC (2023) as the same
// scheme with N lines. Each line keeps its own InterruptStatus bits and is high while any is set.
// Queue q signals on line irq_line_for_queue(q) (the back-end's mapping); config changes use line 0.
//   InterruptStatus reads the OR of all lines (what a single-line driver expects).
//   InterruptACK bits 1:0 clear used/config; bits 23:16 select the line: 0 = every line (standard
//   behaviour), k+1 = line k only. The per-line select is this model's encoding of the RFC's
//   "ack used-buffer and config bits separately per line" (docs/interrupt-schemes.md).
#pragma once

#include <vector>

#include "vmsim/transport/interrupt_scheme.h"

namespace vmsim {

class wired_irq_scheme : public interrupt_scheme {
 public:
  static constexpr unsigned ack_line_shift = 16;
  static constexpr uint32_t ack_line_mask = 0xff;

  const char* name() const override { return status_.size() > 1 ? "multi-irq" : "legacy-wired"; }
  void attach(interrupt_host& host) override;
  void used_buffer(unsigned queue) override;
  void config_change() override;
  uint32_t read_interrupt_status() override;
  void write_interrupt_ack(uint32_t value) override;
  void reset() override;
  uint32_t line_status(unsigned line) const { return status_.at(line); }

 private:
  void update_line(unsigned line);
  interrupt_host* host_ = nullptr;
  std::vector<uint32_t> status_;
};

}  // namespace vmsim
