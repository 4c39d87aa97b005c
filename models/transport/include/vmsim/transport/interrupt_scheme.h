// How a transport signals the guest: a strategy chosen by the scenario (legacy single wired IRQ,
// multi-IRQ, MSI layouts, the PCI/MSI-X reference). The transport only reports events; the scheme
// owns InterruptStatus/ACK semantics, its own registers and its outputs.
#pragma once

#include <cstdint>

#include "vmsim/common/register_bank.h"

namespace vmsim {

// What a scheme may drive: the transport's wired interrupt lines.
class interrupt_host {
 public:
  virtual ~interrupt_host() = default;
  virtual unsigned irq_lines() const = 0;
  virtual void drive_irq(unsigned line, bool level) = 0;
  virtual void guest_error(const char* id, const std::string& what) = 0;
};

class interrupt_scheme {
 public:
  virtual ~interrupt_scheme() = default;
  virtual const char* name() const = 0;
  virtual void attach(interrupt_host& host) = 0;
  // Adds the scheme's own registers (the MSI blocks); InterruptStatus/ACK are always routed here.
  virtual void declare_registers(register_bank&) {}

  virtual void used_buffer(unsigned queue) = 0;
  virtual void config_change() = 0;
  virtual uint32_t read_interrupt_status() = 0;
  virtual void write_interrupt_ack(uint32_t bits) = 0;
  virtual void reset() = 0;

  struct counters {
    uint64_t used_raised = 0;
    uint64_t config_raised = 0;
    uint64_t acks = 0;
  };
  const counters& stats() const { return stats_; }

 protected:
  counters stats_{};
};

}  // namespace vmsim
