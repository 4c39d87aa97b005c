#include "vmsim/transport/wired_irq_scheme.h"

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"

namespace vmsim {

void wired_irq_scheme::used_buffer(unsigned) {
  status_ |= regmap::irq::used_buffer;
  ++stats_.used_raised;
  update_line();
}

void wired_irq_scheme::config_change() {
  status_ |= regmap::irq::config_change;
  ++stats_.config_raised;
  update_line();
}

void wired_irq_scheme::write_interrupt_ack(uint32_t bits) {
  const uint32_t known = regmap::irq::used_buffer | regmap::irq::config_change;
  if (bits & ~known)
    host_->guest_error(ids::bad_ack, fmt::format("InterruptACK {:#x} has undefined bits", bits));
  ++stats_.acks;
  status_ &= ~(bits & known);
  update_line();
}

void wired_irq_scheme::reset() {
  status_ = 0;
  update_line();
}

void wired_irq_scheme::update_line() {
  if (host_ != nullptr && host_->irq_lines() > 0) host_->drive_irq(0, status_ != 0);
}

}  // namespace vmsim
