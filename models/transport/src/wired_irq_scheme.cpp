#include "vmsim/transport/wired_irq_scheme.h"

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"

namespace vmsim {

void wired_irq_scheme::attach(interrupt_host& host) {
  host_ = &host;
  status_.assign(host.irq_lines(), 0);
}

void wired_irq_scheme::used_buffer(unsigned queue) {
  const unsigned line = host_->irq_line_for_queue(queue) % status_.size();
  status_[line] |= regmap::irq::used_buffer;
  ++stats_.used_raised;
  update_line(line);
}

void wired_irq_scheme::config_change() {
  status_[0] |= regmap::irq::config_change;
  ++stats_.config_raised;
  update_line(0);
}

uint32_t wired_irq_scheme::read_interrupt_status() {
  uint32_t s = 0;
  for (uint32_t l : status_) s |= l;
  return s;
}

void wired_irq_scheme::write_interrupt_ack(uint32_t value) {
  const uint32_t known = regmap::irq::used_buffer | regmap::irq::config_change;
  const uint32_t select = (value >> ack_line_shift) & ack_line_mask;
  const uint32_t bits = value & known;
  if (value & ~(known | (ack_line_mask << ack_line_shift)))
    host_->guest_error(ids::bad_ack, fmt::format("InterruptACK {:#x} has undefined bits", value));
  if (select > status_.size()) {
    host_->guest_error(ids::bad_ack, fmt::format("InterruptACK selects line {} of {}", select - 1, status_.size()));
    return;
  }
  ++stats_.acks;
  for (unsigned l = 0; l < status_.size(); ++l) {
    if (select != 0 && l != select - 1) continue;
    status_[l] &= ~bits;
    update_line(l);
  }
}

void wired_irq_scheme::reset() {
  for (unsigned l = 0; l < status_.size(); ++l) {
    status_[l] = 0;
    update_line(l);
  }
}

void wired_irq_scheme::update_line(unsigned line) { host_->drive_irq(line, status_[line] != 0); }

}  // namespace vmsim
