// A wire-OR of level-sensitive interrupt lines: several devices sharing one wired interrupt input, as
// virtio-mmio devices on one GSI / SPI do (Linux requests such a line with IRQF_SHARED). The output is high
// while any input is high, and is written only when that changes, so a receiver sees one rise per
// "first sharer raised" and one fall per "last sharer lowered". Level lines only: an edge (irqfd pulse)
// from a second sharer while the first is high would be lost, so the platform refuses to share those.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "vmsim/common/irq_wire.h"

namespace vmsim {

class wired_or : public sc_core::sc_module {
 public:
  sc_core::sc_vector<sc_core::sc_export<irq_target_if>> in;  // one per sharer
  irq_out out;                                               // to the controller's input (or its host path)

  wired_or(sc_core::sc_module_name name, unsigned inputs);
  bool level() const { return high_ != 0; }
  unsigned inputs() const { return static_cast<unsigned>(inputs_.size()); }

 private:
  struct input : irq_target_if {
    wired_or* owner = nullptr;
    unsigned index = 0;
    void set_irq(bool level) override { owner->set(index, level); }
  };
  void set(unsigned i, bool level);
  std::vector<input> inputs_;
  std::vector<bool> levels_;
  unsigned high_ = 0;  // inputs now high
};

}  // namespace vmsim
