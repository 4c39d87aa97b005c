// The host's path from a device's wired interrupt line to the interrupt controller, by the profile's
// `wired_irq_path` (docs/latency-model.md, "Host mechanisms"):
//   direct         the level passes at once (an irqfd KVM injects inline, or a line on a board)
//   irqfd-kworker  a rise reaches the controller once a kernel worker has woken: KVM cannot inject an irqfd
//                  on an IOAPIC GSI in the signaller's atomic context (virt/kvm/eventfd.c irqfd_wakeup ->
//                  schedule_work(&irqfd->inject)); Firecracker registers its lines this way
//   user-relay     a rise wakes the VMM's event-loop thread (when it sleeps), which takes the VMM's lock, runs
//                  the interrupt handler and asserts the line by ioctl: QEMU's virtio-mmio has no irqfd for its
//                  line (hw/virtio/virtio-mmio.c virtio_mmio_set_guest_notifiers: with_irqfd = false), so
//                  vhost's call eventfd is read by the main loop (virtio_queue_guest_notifier_read)
//   vmm-signal     a rise reaches the controller after the device's own thread has passed it through a user-space
//                  IOAPIC, which sends it to KVM as an MSI (KVM_SIGNAL_MSI) under the IOAPIC's mutex: Cloud
//                  Hypervisor's split irqchip (vmm/src/device_manager.rs UserIoapicIrq::deliver, Dec 2019)
// A fall (the guest's InterruptACK clearing the status) passes at once: QEMU lowers the line inside the ACK's
// exit (the hypervisor charges that ioctl) and Firecracker's irqfd pulses it.
#pragma once

#include <systemc>

#include "vmsim/common/histogram.h"
#include "vmsim/common/irq_wire.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/resources/distribution.h"
#include "vmsim/resources/sampled_time.h"
#include "vmsim/resources/server_pool.h"

namespace vmsim {

class host_irq_path : public sc_core::sc_module, private irq_target_if {
 public:
  sc_core::sc_export<irq_target_if> in;  // the device's line
  irq_out out;                           // to the interrupt controller's input

  explicit host_irq_path(sc_core::sc_module_name name);
  // Before simulation: the path of `profile`; the relay's thread and the line's lock (the VMM's for
  // user-relay, the IOAPIC's for vmm-signal; null: none) are shared with whatever else runs on them.
  void configure(const cost_profile& profile, server_pool* vmm_thread, server_pool* vmm_lock, uint64_t seed);
  // An edge-signalled line (an irqfd pulse): a fall does not withdraw a rise on its way; the relayed rise
  // reaches the controller as a pulse too.
  void set_edge(bool edge) { edge_ = edge; }

  struct counters {
    uint64_t rises = 0, relayed = 0, withdrawn = 0;  // withdrawn: lowered before the relay asserted it
    histogram delay;                                 // rise to assertion at the controller, ns
  };
  const counters& stats() const { return stats_; }

 private:
  void set_irq(bool level) override;
  void deliver();  // SC_METHOD: the relayed rise reaches the controller
  sc_core::sc_time relay_time(const sc_core::sc_time& now);

  wired_irq_path path_ = wired_irq_path::direct;
  sampled_time wakeup_, handler_, ioctl_;  // the profile's host_wakeup_ns, relay_handler_ns, irq_line_ioctl_ns
  server_pool* thread_ = nullptr;
  server_pool* lock_ = nullptr;
  sampler sample_{1};
  bool level_ = false, pending_ = false, asserted_ = false, edge_ = false;
  sc_core::sc_time rose_at_;
  sc_core::sc_event ready_;
  counters stats_;
};

}  // namespace vmsim
