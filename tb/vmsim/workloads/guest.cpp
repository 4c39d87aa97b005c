#include "guest.h"

#include <algorithm>

namespace vmsim::app {

guest_cpu::guest_cpu(vcpu& c, vdrv::cpu_context& irqs, hypervisor& hyp, const cost_profile& p, uint64_t seed)
    : cpu_(c), irqs_(irqs), hyp_(hyp), profile_(p), sample_(seed, "guest-cpu-" + std::to_string(c.index())) {
  // Interrupt callbacks run in this vCPU's thread, which may yield inside an interrupt handler (at an MMIO
  // access): whenever it runs again it is the current vCPU.
  current_ = this;
  c.on_resume([this] { current_ = this; });
}

void guest_cpu::work(const cost_param& cycles, double share) {
  const double ns = profile_.guest_ns(sample_.draw(cycles.value)) * share;
  if (ns > 0) cpu_.spend(sc_core::sc_time(ns, sc_core::SC_NS));
}

void guest_cpu::work_locked(server_pool& lock, const cost_param& cycles) {
  const sc_core::sc_time now(double(cpu_.now_ns()), sc_core::SC_NS);
  const sc_core::sc_time hold(profile_.guest_ns(sample_.draw(cycles.value)), sc_core::SC_NS);
  cpu_.spend(lock.serve(now, hold).finish - now);  // the spin and the critical section, both on this vCPU
}

void guest_cpu::napi_schedule(napi_ctx& n) {
  if (n.scheduled) return;
  n.scheduled = true;
  napi_.push_back(&n);
}

bool guest_cpu::softirq() {
  bool any = false;
  // As net_rx_action: at most netdev_budget (300) buffers per softirq, then back to the caller (the kernel
  // would hand the rest to ksoftirqd), so a saturated vCPU still reaches its application and its deadlines.
  unsigned budget = softirq_budget;
  for (unsigned round = 0; round < 10 && budget > 0; ++round) {
    bool took = false;
    // A burst of interrupts at most before polling, as the kernel returns from each handler to softirq.
    for (unsigned i = 0; i < 16 && cpu_.interrupt_pending(); ++i) {
      current_ = this;
      const bool serviced = irqs_.service();
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
      const unsigned weight = std::min(napi_budget, budget);
      const unsigned done = c->poll(*this, weight);
      stats_.polled_buffers += done;
      budget -= std::min(done, budget);
      if (done >= weight) napi_schedule(*c);
    }
  }
  return any;
}

void guest_cpu::idle(uint64_t deadline_ns) {
  if (deadline_ns) cpu_.wait_for_interrupt(deadline_ns);
  else cpu_.wait_for_interrupt();
}

void guest_cpu::wake(guest_cpu& other) {
  if (&other == this) return;
  ++stats_.ipis;
  cpu_.spend(hyp_.send_ipi(static_cast<int>(cpu_.index()), cpu_.local_time()));
  // The target wakes when the IPI is sent: at this vCPU's local time.
  other.cpu_.wake_up(cpu_.local_time());
}

void queue_napi::attach(vdrv::virtio_driver& d, unsigned q, take_fn take) {
  drv_ = &d;
  q_ = q;
  take_ = std::move(take);
  napi_.poll = [this](guest_cpu& cpu, unsigned budget) { return poll(cpu, budget); };
  d.set_callback(q, &queue_napi::on_interrupt, this);
}

void queue_napi::on_interrupt(void* self, unsigned q) {
  auto* n = static_cast<queue_napi*>(self);
  guest_cpu* cpu = guest_cpu::current();
  if (!cpu) return;  // an interrupt taken outside a guest_cpu (the driver's own waits): the poll finds it later
  n->drv_->disable_callbacks(q);
  cpu->napi_schedule(n->napi_);
}

unsigned queue_napi::poll(guest_cpu& cpu, unsigned budget) {
  unsigned done = 0;
  void* cookie;
  uint32_t len;
  vdrv::status st = vdrv::status::empty;
  while (done < budget && (st = drv_->poll(q_, cookie, len)) == vdrv::status::ok) {
    take_(cpu, cookie, len);
    ++done;
  }
  if (st != vdrv::status::ok && st != vdrv::status::empty && error_.empty()) error_ = vdrv::to_string(st);
  if (done < budget && !drv_->enable_callbacks(q_)) {  // buffers came while re-arming: poll again
    drv_->disable_callbacks(q_);
    cpu.napi_schedule(napi_);
  }
  return done;
}

}  // namespace vmsim::app
