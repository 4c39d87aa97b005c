// Level-sensitive interrupt wires by interface method call.
//
// A sender's `irq_out` port calls `set_irq(level)` on every receiver it is bound to, in the sender's own
// process and at once: no signal update phase, no delta cycle, no process to wake. A loosely-timed vCPU
// can then look at its interrupt input without yielding to the kernel (see docs/architecture.md), which
// is what makes a full virtqueue round trip cost one kernel synchronisation.
//
// Receivers implement irq_target_if (usually behind an sc_export). `irq_probe` mirrors a wire into an
// sc_signal<bool> for VCD traces, waveform viewers and signal-based CPU models of other platforms;
// `irq_from_signal` goes the other way, so a signal-driven interrupt source can feed these models.
#pragma once

#include <vector>

#include <systemc>

namespace vmsim {

class irq_target_if : public virtual sc_core::sc_interface {
 public:
  // Called whenever the sender's level may have changed; receivers must tolerate repeated levels.
  virtual void set_irq(bool level) = 0;
};

// An interrupt output: zero or more receivers (an unconnected line is legal, as on a board). The
// receivers are looked up once, at the end of elaboration, so driving the line is a plain loop.
class irq_out : public sc_core::sc_port<irq_target_if, 0, sc_core::SC_ZERO_OR_MORE_BOUND> {
 public:
  irq_out() = default;
  explicit irq_out(const char* name) : sc_port(name) {}
  void write(bool level) {
    if (only_) return only_->set_irq(level);  // the usual wire: one receiver
    if (!cached_) cache();                     // only a write during elaboration gets here
    for (irq_target_if* t : targets_) t->set_irq(level);
  }

 private:
  void end_of_elaboration() override { cache(); }
  // Cold and out of line: inlined, its port lookups would weigh down every write's prologue.
  [[gnu::cold]] void cache();
  std::vector<irq_target_if*> targets_;
  irq_target_if* only_ = nullptr;  // the one receiver of a wire that has exactly one, once cached
  bool cached_ = false;
};

// A receiver that records the level, counts rises and mirrors the level into an sc_signal<bool> (a
// delta later, from its own method, so the signal has one writer whatever process drove the wire).
class irq_probe : public sc_core::sc_module, public irq_target_if {
 public:
  sc_core::sc_export<irq_target_if> in;
  sc_core::sc_signal<bool> signal;  // for sc_trace and signal-based consumers

  explicit irq_probe(sc_core::sc_module_name name);
  void set_irq(bool level) override;
  bool read() const { return level_; }  // the wire's level now
  const sc_core::sc_event& posedge_event() const { return rose_; }
  unsigned long long rises() const { return rises_; }

 private:
  void mirror();  // SC_METHOD

  bool level_ = false;
  unsigned long long rises_ = 0;
  sc_core::sc_event changed_, rose_;
};

// A signal-driven interrupt source (an sc_signal<bool> of another platform) onto an irq_out wire.
class irq_from_signal : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> in;
  irq_out out;

  explicit irq_from_signal(sc_core::sc_module_name name);

 private:
  void forward();  // SC_METHOD on in
};

}  // namespace vmsim
