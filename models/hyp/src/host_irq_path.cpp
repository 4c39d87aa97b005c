#include "vmsim/hyp/host_irq_path.h"

#include <algorithm>

#include "vmsim/common/kernel_time.h"

namespace vmsim {

host_irq_path::host_irq_path(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
  in.bind(*this);
  SC_HAS_PROCESS(host_irq_path);
  SC_METHOD(deliver);
  sensitive << ready_;
  dont_initialize();
}

void host_irq_path::configure(const cost_profile& profile, server_pool* vmm_thread, server_pool* vmm_lock, uint64_t seed) {
  path_ = profile.wired_path;
  wakeup_ = sampled_time(profile.host_wakeup_ns.value);
  handler_ = sampled_time(profile.relay_handler_ns.value);
  ioctl_ = sampled_time(profile.irq_line_ioctl_ns.value);
  thread_ = vmm_thread;
  lock_ = vmm_lock;
  sample_ = sampler(seed, std::string("irq-path:") + name());
}

sc_core::sc_time host_irq_path::relay_time(const sc_core::sc_time& now) {
  if (path_ == wired_irq_path::irqfd_kworker) return wakeup_.draw(sample_);
  if (path_ == wired_irq_path::vmm_signal) {
    // The device's thread itself: the KVM_SIGNAL_MSI ioctl under the IOAPIC's mutex (no wake-up, no hop).
    const sc_core::sc_time work = ioctl_.draw(sample_);
    return (lock_ ? lock_->serve(now, work).finish : now + work) - now;
  }
  // user-relay: the event-loop thread wakes if it slept, then holds the VMM's lock for the handler and the
  // ioctl. (The thread is booked for the work; a wait for the lock delays the assertion, not the thread's
  // other bookings: one of the loosely-timed approximations docs/latency-model.md lists.)
  const sc_core::sc_time wake = !thread_ || thread_->idle_at(now) ? wakeup_.draw(sample_) : sc_core::SC_ZERO_TIME;
  const sc_core::sc_time work = handler_.draw(sample_) + ioctl_.draw(sample_);
  sc_core::sc_time start = now + wake, done = start + work;
  if (thread_) {
    const auto b = thread_->serve(start, work);
    start = b.start, done = b.finish;
  }
  if (lock_) done = std::max(done, lock_->serve(start, work).finish);
  return done - now;
}

void host_irq_path::set_irq(bool level) {
  if (level == level_) return;
  level_ = level;
  if (!level && edge_) {  // the pulse's fall: what is on its way still arrives; what arrived is a pulse already
    if (asserted_) asserted_ = false, out.write(false);
    return;
  }
  if (!level) {
    if (pending_) ++stats_.withdrawn, pending_ = false, ready_.cancel();  // else nothing is on its way
    if (asserted_) asserted_ = false, out.write(false);
    return;
  }
  ++stats_.rises;
  if (path_ == wired_irq_path::direct) {
    asserted_ = true;
    stats_.delay.add(0);
    return out.write(true);
  }
  if (pending_) return;  // an edge while one is on its way: coalesced, as in an IRR
  const sc_core::sc_time now = kernel_time();
  pending_ = true;
  rose_at_ = now;
  ready_.notify(relay_time(now));
}

void host_irq_path::deliver() {
  if (!pending_) return;
  pending_ = false;
  asserted_ = true;
  ++stats_.relayed;
  stats_.delay.add(to_ns(kernel_time() - rose_at_));
  out.write(true);
  if (edge_ && !level_) asserted_ = false, out.write(false);  // the pulse fell meanwhile
}

}  // namespace vmsim
