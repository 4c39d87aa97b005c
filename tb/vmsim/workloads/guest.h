// The guest kernel's share of one vCPU, for the workloads (docs/latency-model.md, "Guest work"): every
// piece of guest software spends cycles from the cost profile on the vCPU that runs it, so a busy vCPU
// delays what comes next on it.
//   interrupts  taken through the driver's dispatch (cpu_context: acknowledge, ISR, EOI); each costs the
//               handler body (guest_isr_cycles) besides what the hypervisor charges for entry and exits
//   NAPI        a queue's interrupt callback disables the queue's interrupts and schedules its poll on the
//               vCPU that took the interrupt (interrupt affinity decides where the work runs); a poll takes up
//               to a budget of buffers, and when it finishes early re-enables interrupts and looks again
//   idle        a halt until an interrupt, a reschedule IPI from another vCPU or the vCPU's own deadline
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "vdrv/drivers.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/hyp/hypervisor.h"
#include "vmsim/resources/distribution.h"
#include "vmsim/resources/server_pool.h"

namespace vmsim::app {

class guest_cpu;

// A NAPI context: the poll of one queue. `poll` returns the buffers it took (at most `budget`); fewer than
// the budget means it completed (it re-enabled the queue's interrupts itself, as napi_complete_done does).
struct napi_ctx {
  std::function<unsigned(guest_cpu&, unsigned budget)> poll;
  bool scheduled = false;
};

class guest_cpu {
 public:
  static constexpr unsigned napi_budget = 64;      // NAPI_POLL_WEIGHT (include/linux/netdevice.h)
  static constexpr unsigned softirq_budget = 300;  // netdev_budget (net/core/dev.c)

  guest_cpu(vcpu& c, vdrv::cpu_context& irqs, hypervisor& hyp, const cost_profile& p, uint64_t seed);
  vcpu& cpu() { return cpu_; }
  uint64_t now_ns() { return cpu_.now_ns(); }

  // Spends a sample of the entry's guest cycles (times `share`) on this vCPU.
  void work(const cost_param& cycles, double share = 1.0);
  // The same under a guest spinlock shared with other vCPUs: first spins until its holder lets go.
  void work_locked(server_pool& lock, const cost_param& cycles);
  // Is this vCPU halted (a wake-up needs an IPI)?
  bool halted() const { return cpu_.halted(); }
  // From an interrupt callback running on this vCPU: poll `n` here before returning to the application.
  void napi_schedule(napi_ctx& n);
  // Takes pending interrupts and runs scheduled polls until neither is left; true if anything ran.
  bool softirq();
  // Halts until an interrupt, a wake-up or `deadline_ns` (0: none).
  void idle(uint64_t deadline_ns = 0);
  // A reschedule IPI: `other` leaves its halt to look at work handed to it (this vCPU pays the send).
  void wake(guest_cpu& other);
  // The vCPU whose interrupt handler is running (interrupt callbacks find their vCPU through it).
  static guest_cpu* current() { return current_; }

  struct counters {
    uint64_t interrupts = 0, polls = 0, polled_buffers = 0, ipis = 0;
  };
  const counters& stats() const { return stats_; }

 private:
  vcpu& cpu_;
  vdrv::cpu_context& irqs_;
  hypervisor& hyp_;
  const cost_profile& profile_;
  sampler sample_;
  std::deque<napi_ctx*> napi_;
  counters stats_;
  static inline guest_cpu* current_ = nullptr;
};

// The NAPI of one virtqueue: its interrupt callback disables the queue's interrupts and schedules the poll on
// the vCPU that took the interrupt; the poll hands each used buffer to `take`, re-enables interrupts when
// it runs dry and polls again if buffers came meanwhile (napi_complete_done + virtqueue_enable_cb).
class queue_napi {
 public:
  using take_fn = std::function<void(guest_cpu&, void* cookie, uint32_t len)>;
  // Before the first interrupt: claims q's callback on `d`.
  void attach(vdrv::virtio_driver& d, unsigned q, take_fn take);
  // A poll that met a driver error (the device then is failed): its text, empty when none.
  const std::string& error() const { return error_; }

 private:
  static void on_interrupt(void* self, unsigned q);
  unsigned poll(guest_cpu& cpu, unsigned budget);
  vdrv::virtio_driver* drv_ = nullptr;
  unsigned q_ = 0;
  take_fn take_;
  napi_ctx napi_;
  std::string error_;
};

}  // namespace vmsim::app
