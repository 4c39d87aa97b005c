// The seam between a transport and a device back-end. Back-ends see queues, features and config space,
// never registers; one back-end serves every transport variant (mmio v1, v2, MSI, the PCI reference).
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

#include "vmsim/memory/guest_memory_if.h"
#include "vmsim/transport/config_space.h"
#include "vmsim/virtqueue/desc_chain.h"
#include "vmsim/virtqueue/split_virtqueue.h"

namespace vmsim {

// What the transport offers its back-end.
class device_host {
 public:
  virtual ~device_host() = default;
  // Next chain of queue q. A malformed ring marks the device DEVICE_NEEDS_RESET and returns error;
  // a device that needs reset or is not DRIVER_OK yields empty.
  virtual pop_status pop(unsigned q, desc_chain& out) = 0;
  virtual void push_used(unsigned q, const desc_chain& chain, uint32_t written) = 0;
  // Signals the used buffers pushed so far, if the driver wants an interrupt.
  virtual void notify_used(unsigned q) = 0;
  // push_used then notify_used: a back-end that completes its requests one at a time. A host may do both
  // in one step (one check of the queue's state).
  virtual void complete(unsigned q, const desc_chain& chain, uint32_t written) {
    push_used(q, chain, written);
    notify_used(q);
  }
  virtual void config_changed() = 0;
  virtual void needs_reset(const std::string& why) = 0;
  virtual guest_memory_if& memory() = 0;
  virtual uint64_t negotiated_features() const = 0;
  virtual bool driver_ok() const = 0;
  // How far ahead of the kernel's time the host's current call is (loosely timed): while a back-end acts in
  // a kick's own call (a pop), the kick's delay; outside a guest access, zero. A record of what the
  // back-end does (a trace) stamps it with the kernel's time plus this.
  virtual sc_core::sc_time caller_offset() const { return sc_core::SC_ZERO_TIME; }
};

// What a device back-end offers its transport.
class device_backend {
 public:
  virtual ~device_backend() = default;
  virtual uint32_t device_id() const = 0;
  virtual uint64_t device_features() const = 0;  // device-type bits; ring/transport bits are the transport's
  virtual unsigned num_queues() const = 0;
  virtual uint16_t queue_num_max(unsigned q) const = 0;
  virtual config_space& config() = 0;

  virtual void attach(device_host& host) = 0;
  virtual void on_driver_ok() {}
  // A kick of queue q, `delay` after the current simulation time (loosely-timed annotation).
  virtual void on_queue_notify(unsigned q, const sc_core::sc_time& delay) = 0;
  virtual void on_config_write(uint16_t /*offset*/, unsigned /*width*/) {}
  virtual void on_reset() = 0;
  virtual void on_queue_reset(unsigned /*q*/) {}
  // Multi-IRQ: the wired line (of `lines`) queue q signals on. Default: every queue on line 0.
  virtual unsigned irq_line_for_queue(unsigned /*q*/, unsigned /*lines*/) const { return 0; }
};

}  // namespace vmsim
