// The hypervisor between the vCPUs and the bus: every guest access passes through it. RAM passes (DMI);
// an access to a device's registers or to the interrupt controller traps, and the exit, its handling and
// the re-entry are charged to the access's annotated delay by class, from the cost profile:
//   notify (QueueNotify, doorbells)  -> by the window's notify class: handled in the kernel (ioeventfd),
//                                       exits to the user-space VMM, or a mapped doorbell page (no exit)
//   other device registers           -> handled in the user-space VMM; with a VMM lock (QEMU's BQL) the
//                                       handler's share waits for the lock, which the interrupt relay and a
//                                       VMM-thread back-end also take; with the relayed line, InterruptACK
//                                       also de-asserts the line by ioctl
//   interrupt acknowledge (IAR)      -> the injection of that interrupt (wired or MSI) + guest entry
//   EOI                              -> trapped (level line) or virtualised (MSI), per the controller's flags
//   a halted vCPU woken              -> its HLT exit, and the host's wake-up if it slept past halt polling
// Each cost is drawn from its profile distribution (one seeded stream). Every exit is counted by cause; a
// timeline, when attached, gets each exit and each ISR (IAR..EOI).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/common/lt_multi_target_socket.h"
#include "vmsim/common/timeline.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/regmap/virtio_mmio.h"
#include "vmsim/resources/distribution.h"
#include "vmsim/resources/sampled_time.h"
#include "vmsim/resources/server_pool.h"

namespace vmsim {

// Where a kick goes: the notification classes a user compares.
enum class notify_class : uint8_t {
  kernel,  // trapped and handled in the kernel (ioeventfd): QueueNotify and doorbells by default
  user,    // trapped and handled by the user-space VMM (no ioeventfd registered)
  mapped,  // a doorbell page mapped to the device (vDPA-like): no exit at all (doorbells only)
};
const char* to_string(notify_class c);

struct hyp_device_window {
  std::string name;
  uint64_t base = 0, size = 0;
  uint32_t doorbell_base = 0, doorbell_size = 0;  // 0 size: no doorbells
  notify_class notify = notify_class::kernel;
};

enum class exit_cause : uint8_t {
  mmio_user, notify_kernel, notify_user, notify_mapped, irq_ack, inject_wired, inject_msi, eoi_trap, eoi_virtual,
  hlt_wake, ipi_send, count
};
const char* to_string(exit_cause c);
// notify_mapped is charged but is no exit: the guest's store reaches the device directly.
constexpr bool is_exit(exit_cause c) { return c != exit_cause::notify_mapped; }

class hypervisor : public sc_core::sc_module {
  // The vCPUs' entry points (`cpu`: the vCPU's index), declared before the socket bound to them.
  void b_transport(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int cpu, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int cpu, tlm::tlm_generic_payload& tx);

 public:
  // vCPU c binds c-th; its calls reach the handlers above with c, bound at compile time (no binder hops on
  // the trapped accesses of every round trip).
  lt_multi_target_socket<hypervisor, &hypervisor::b_transport, &hypervisor::get_direct_mem_ptr, &hypervisor::transport_dbg> from_cpu;
  tlm_utils::simple_initiator_socket<hypervisor> to_bus;

  // `vmm_lock`: the VMM's lock (null: none), shared with whatever else takes it; `seed`: the cost samples.
  // `irqc` is the local interrupt controller at `irqc_base`: its vCPU interfaces' IAR and EOIR are taken
  // directly (the costs charged are the same as over the bus).
  hypervisor(sc_core::sc_module_name name, const cost_profile& profile, interrupt_controller& irqc,
             uint64_t irqc_base, std::vector<hyp_device_window> devices, server_pool* vmm_lock = nullptr,
             uint64_t seed = 1);
  void attach_timeline(timeline* t) { timeline_ = t; }

  struct cause_stats {
    uint64_t count = 0;
    double ns = 0;
  };
  const std::array<cause_stats, static_cast<size_t>(exit_cause::count)>& exits() const { return exits_; }
  uint64_t total_exits() const;
  void reset_counters() { exits_ = {}; }  // at the start of a measured phase (after device set-up)
  double total_exit_ns() const;
  const cost_profile& profile() const { return profile_; }
  // What waking vCPU `cpu` from a halt that lasted `slept` costs it (the vCPU's wake hook calls this).
  sc_core::sc_time wake_from_halt(int cpu, const sc_core::sc_time& slept);
  // What sending a reschedule IPI costs vCPU `cpu` (the guest's wake-up of a task on another vCPU); `local`
  // is the sender's local time offset, where its exit starts.
  sc_core::sc_time send_ipi(int cpu, const sc_core::sc_time& local);

 private:
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end);
  // Counts an exit and adds its cost to the access's delay; `name(timeline::label&)` names it, called only
  // for a timeline. `extra`: time beyond the cause's own cost spent in this exit.
  template <class F>
  void charge(int cpu, exit_cause c, sc_core::sc_time& delay, F&& name, const sc_core::sc_time* extra = nullptr) {
    if (!timeline_) return count(cpu, c, delay, nullptr, extra);
    timeline::label l;
    name(l);
    const std::string_view w = l.view();
    count(cpu, c, delay, &w, extra);
  }
  void count(int cpu, exit_cause c, sc_core::sc_time& delay, const std::string_view* what,
             const sc_core::sc_time* extra = nullptr) {
    const auto i = static_cast<size_t>(c);
    if (what || cost_[i].varies()) return count_traced(cpu, c, delay, what, extra);
    ++exits_[i].count;  // the common case: a constant cost, its ns converted once
    if (!extra) {
      exits_[i].ns += cost_exact_ns_[i];
      delay += cost_[i].constant();
      return;
    }
    const sc_core::sc_time cost = cost_[i].constant() + *extra;  // as count_traced adds them
    exits_[i].ns += to_ns(cost);
    delay += cost;
  }
  void count_traced(int cpu, exit_cause c, sc_core::sc_time& delay, const std::string_view* what,
                    const sc_core::sc_time* extra);
  // Appends a trapped access's register by name to a timeline label.
  static void register_label(timeline::label& out, const hyp_device_window& d, uint64_t off);
  // An access at `off` in the interrupt controller's window, or in device window `d`.
  void irqc_access(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay, uint64_t off);
  void device_access(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay, const hyp_device_window& d,
                     uint64_t off);
  static bool in_doorbells(const hyp_device_window& d, uint64_t off) {
    return d.doorbell_size && off >= d.doorbell_base && off < d.doorbell_base + d.doorbell_size;
  }
  // A write to QueueNotify or a doorbell.
  static bool is_kick(const tlm::tlm_generic_payload& tx, const hyp_device_window& d, uint64_t off) {
    return tx.is_write() && (off == regmap::offset_of(regmap::reg::queue_notify) || in_doorbells(d, off));
  }
  // Takes the VMM lock for a user-space handler of `hold` from the current annotated time: the wait.
  sc_core::sc_time lock_wait(const sc_core::sc_time& delay, const sc_core::sc_time& hold);

  cost_profile profile_;
  interrupt_controller& irqc_;
  uint64_t irqc_base_;
  std::vector<hyp_device_window> devices_;
  std::array<cause_stats, static_cast<size_t>(exit_cause::count)> exits_{};
  std::array<sampled_time, static_cast<size_t>(exit_cause::count)> cost_{};  // per exit, by cause
  std::array<double, static_cast<size_t>(exit_cause::count)> cost_exact_ns_{};  // a constant cost_ in ns, as recorded
  sc_core::sc_time vmm_lock_hold_;  // a user-space handler's share under the VMM's lock
  sampled_time line_ioctl_;         // the relayed line's de-assertion in the InterruptACK handler
  sampled_time host_wakeup_;        // a vCPU thread that slept past halt polling
  bool charges_ack_ = false;        // an IAR costs more than the injection
  server_pool* vmm_lock_;
  sampler sample_;
  std::vector<double> isr_start_ns_;  // per vCPU, while an interrupt is in service
  timeline* timeline_ = nullptr;
};

}  // namespace vmsim
