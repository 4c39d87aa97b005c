// How a transport signals the guest: a strategy chosen by the scenario (legacy wired IRQ, multi-IRQ,
// MSI layouts, the PCI/MSI-X reference). The transport only reports events; the scheme owns
// InterruptStatus/ACK semantics, its own registers and its outputs.
#pragma once

#include <cstdint>
#include <string>

#include "vmsim/common/register_bank.h"

namespace vmsim {

// What a scheme may use of its transport.
class interrupt_host {
 public:
  virtual ~interrupt_host() = default;
  virtual unsigned irq_lines() const = 0;
  virtual void drive_irq(unsigned line, bool level) = 0;
  virtual void guest_error(const char* id, const std::string& what) = 0;
  virtual unsigned num_queues() const = 0;
  virtual uint32_t queue_sel() const = 0;
  // The wired line a queue's interrupts use (multi-IRQ): the device back-end decides.
  virtual unsigned irq_line_for_queue(unsigned q) const = 0;
  // The posted 32-bit write of an MSI message from the device's bus-master port; false if refused.
  virtual bool msi_write(uint64_t addr, uint32_t data) = 0;
  virtual uint64_t negotiated_features() const = 0;
};

class interrupt_scheme {
 public:
  virtual ~interrupt_scheme() = default;
  virtual const char* name() const = 0;
  virtual void attach(interrupt_host& host) = 0;
  // Adds the scheme's own registers (the MSI blocks); InterruptStatus/ACK are always routed here.
  virtual void declare_registers(register_bank&) {}
  // The Version register's value (MSI v1 makes a modern device read 3).
  virtual uint32_t version_register(uint32_t transport_version) const { return transport_version; }
  // Feature bits the scheme adds to the offer (VIRTIO_F_MMIO_MSI in the v2 layout).
  virtual uint64_t offered_features() const { return 0; }

  virtual void used_buffer(unsigned queue) = 0;
  virtual void config_change() = 0;
  virtual uint32_t read_interrupt_status() = 0;
  virtual void write_interrupt_ack(uint32_t bits) = 0;
  virtual void reset() = 0;

  struct counters {
    uint64_t used_raised = 0;    // used-buffer events the scheme signalled (line raise or MSI)
    uint64_t config_raised = 0;
    uint64_t acks = 0;
    uint64_t msi_sent = 0;
    uint64_t msi_deferred = 0;   // signalled while masked: left pending
    uint64_t suppressed = 0;     // no vector mapped (NO_VECTOR)
  };
  const counters& stats() const { return stats_; }

 protected:
  counters stats_{};
};

}  // namespace vmsim
