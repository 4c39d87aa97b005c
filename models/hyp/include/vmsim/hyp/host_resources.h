// The host's shared threads and locks that the timing model books work on (docs/latency-model.md, "Host
// resources"): the VMM's lock (QEMU's big lock) and its event-loop thread. Device back-ends own their own
// workers, I/O threads and storage; the runner reports every resource's utilisation.
#pragma once

#include <memory>
#include <vector>

#include "vmsim/hyp/cost_profile.h"
#include "vmsim/resources/server_pool.h"

namespace vmsim {

struct host_resources {
  explicit host_resources(const cost_profile& p)
      : vmm_lock(p.vmm_lock ? std::make_unique<server_pool>("vmm-lock", 1) : nullptr), vmm_thread("vmm-event-loop", 1) {}
  std::unique_ptr<server_pool> vmm_lock;  // null: the VMM has no lock over its device handlers
  server_pool vmm_thread;                 // the relay of a wired line, a vmm-thread back-end
  std::vector<server_pool*> all() {
    std::vector<server_pool*> r = {&vmm_thread};
    if (vmm_lock) r.insert(r.begin(), vmm_lock.get());
    return r;
  }
};

}  // namespace vmsim
