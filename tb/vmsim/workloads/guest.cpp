#include "guest.h"

namespace vmsim::app {

guest_cpu::guest_cpu(vcpu& c, vdrv::cpu_context& irqs, hypervisor& hyp, const cost_profile& p, uint64_t seed)
    : cpu_(c), irqs_(irqs), hyp_(hyp), profile_(p), sample_(seed, "guest-cpu-" + std::to_string(c.index())) {}

void guest_cpu::work(const cost_param& cycles) {
  const double ns = profile_.guest_ns(sample_.draw(cycles.value));
  if (ns > 0) cpu_.spend(sc_core::sc_time(ns, sc_core::SC_NS));
}

void guest_cpu::napi_schedule(napi_ctx& n) {
  if (n.scheduled) return;
  n.scheduled = true;
  napi_.push_back(&n);
}

bool guest_cpu::softirq() {
  bool any = false;
  for (;;) {
    bool took = false;
    // A burst of interrupts at most before polling, as the kernel returns from each handler to softirq.
    for (unsigned i = 0; i < 16 && cpu_.interrupt_pending(); ++i) {
      current_ = this;
      const bool serviced = irqs_.service();
      current_ = nullptr;
      if (!serviced) break;
      ++stats_.interrupts;
      work(profile_.guest_isr_cycles);
      took = true;
    }
    if (napi_.empty() && !took) return any;
    any = true;
    // One round over the scheduled polls; a poll that used its whole budget goes to the back of the list.
    for (size_t n = napi_.size(); n > 0; --n) {
      napi_ctx* c = napi_.front();
      napi_.pop_front();
      c->scheduled = false;
      ++stats_.polls;
      work(profile_.guest_napi_poll_cycles);
      const unsigned done = c->poll(*this, napi_budget);
      stats_.polled_buffers += done;
      if (done >= napi_budget) napi_schedule(*c);
    }
  }
}

void guest_cpu::idle(uint64_t deadline_ns) {
  if (deadline_ns) cpu_.wait_for_interrupt(deadline_ns);
  else cpu_.wait_for_interrupt();
}

void guest_cpu::wake(guest_cpu& other) {
  if (&other == this) return;
  ++stats_.ipis;
  cpu_.spend(hyp_.send_ipi(static_cast<int>(cpu_.index())));
  // The target wakes when the IPI is sent: at this vCPU's local time.
  other.cpu_.wake_up(cpu_.local_time());
}

}  // namespace vmsim::app
