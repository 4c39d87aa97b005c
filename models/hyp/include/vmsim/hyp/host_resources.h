// The host's shared threads and locks that the timing model books work on (docs/latency-model.md, "Host
// resources"): the VMM's lock (QEMU's big lock), its event-loop thread and a user-space IOAPIC's mutex. Device back-ends own their own
// workers, I/O threads and storage; the runner reports every resource's utilisation.
#pragma once

#include <memory>
#include <vector>

#include "vmsim/hyp/cost_profile.h"
#include "vmsim/resources/server_pool.h"

namespace vmsim {

struct host_resources {
  explicit host_resources(const cost_profile& p)
      : vmm_lock(p.vmm_lock ? std::make_unique<server_pool>("vmm-lock", 1) : nullptr),
        ioapic_lock(p.wired_path == wired_irq_path::vmm_signal ? std::make_unique<server_pool>("ioapic-lock", 1) : nullptr),
        vmm_thread("vmm-event-loop", 1) {}
  std::unique_ptr<server_pool> vmm_lock;     // null: the VMM has no lock over its device handlers
  std::unique_ptr<server_pool> ioapic_lock;  // null: the IOAPIC is in the kernel
  server_pool vmm_thread;                    // the relay of a wired line, a vmm-thread back-end
  // The lock a wired line's delivery takes: the IOAPIC's (vmm-signal) or the VMM's (user-relay).
  server_pool* line_lock() const { return ioapic_lock ? ioapic_lock.get() : vmm_lock.get(); }
  std::vector<server_pool*> all() {
    std::vector<server_pool*> r;
    for (server_pool* x : {vmm_lock.get(), ioapic_lock.get()})
      if (x) r.push_back(x);
    r.push_back(&vmm_thread);
    return r;
  }
};

}  // namespace vmsim
