#include "vmsim/common/irq_wire.h"

namespace vmsim {

void irq_out::cache() {
  targets_.clear();
  for (int i = 0; i < size(); ++i) targets_.push_back((*this)[i]);
  only_ = targets_.size() == 1 ? targets_.front() : nullptr;
  cached_ = true;
}

irq_probe::irq_probe(sc_core::sc_module_name name) : sc_module(name), in("in"), signal("signal") {
  in.bind(*this);
  SC_HAS_PROCESS(irq_probe);
  SC_METHOD(mirror);
  sensitive << changed_;
  dont_initialize();
}

void irq_probe::set_irq(bool level) {
  if (level == level_) return;
  level_ = level;
  if (level) ++rises_, rose_.notify();
  changed_.notify(sc_core::SC_ZERO_TIME);
}

void irq_probe::mirror() { signal.write(level_); }

irq_from_signal::irq_from_signal(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
  SC_HAS_PROCESS(irq_from_signal);
  SC_METHOD(forward);
  sensitive << in;
  dont_initialize();
}

void irq_from_signal::forward() { out.write(in.read()); }

}  // namespace vmsim
