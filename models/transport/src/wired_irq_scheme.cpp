#include "vmsim/transport/wired_irq_scheme.h"

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"

namespace vmsim {

const char* wired_irq_scheme::name() const {
  if (mode_ == wired_status_mode::irqfd) return "multi-irq-irqfd";
  return raised_.size() > 1 ? "multi-irq" : "legacy-wired";
}

void wired_irq_scheme::attach(interrupt_host& host) {
  host_ = &host;
  raised_.assign(host.irq_lines(), 0);
  level_.assign(host.irq_lines(), false);
}

void wired_irq_scheme::used_buffer(unsigned queue) {
  const unsigned line = host_->irq_line_for_queue(queue) % raised_.size();
  ++stats_.used_raised;
  if (mode_ == wired_status_mode::irqfd) {  // KVM asserts and deasserts the pin; InterruptStatus untouched
    host_->drive_irq(line, true);
    host_->drive_irq(line, level_[line] != 0);
    return;
  }
  status_ |= regmap::irq::used_buffer;
  raised_[line] |= regmap::irq::used_buffer;
  update_lines();
}

void wired_irq_scheme::config_change() {
  ++stats_.config_raised;
  status_ |= regmap::irq::config_change;
  raised_[0] |= regmap::irq::config_change;
  update_lines();
}

void wired_irq_scheme::write_interrupt_ack(uint32_t value) {
  const uint32_t known = regmap::irq::used_buffer | regmap::irq::config_change;
  if (value & ~known)
    host_->guest_error(ids::bad_ack, fmt::format("InterruptACK {:#x} writes reserved bits {:#x}: ignored", value,
                                                 value & ~known));
  ++stats_.acks;
  status_ &= ~(value & known);
  update_lines();
}

void wired_irq_scheme::reset() {
  status_ = 0;
  update_lines();
}

void wired_irq_scheme::update_lines() {
  for (unsigned l = 0; l < raised_.size(); ++l) {
    raised_[l] &= status_;
    const bool high = raised_[l] != 0;
    if (high == (level_[l] != 0)) continue;
    level_[l] = high;
    host_->drive_irq(l, high);
  }
}

}  // namespace vmsim
