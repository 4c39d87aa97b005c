// The hypervisor between the vCPUs and the bus: every guest access passes through it. RAM passes (DMI);
// an access to a device's registers or to the interrupt controller traps, and the exit, its handling and
// the re-entry are charged to the access's annotated delay by class, from the cost profile:
//   notify (QueueNotify, doorbells)  -> handled in the kernel (ioeventfd-style)
//   other device registers           -> handled in the user-space VMM
//   interrupt acknowledge (IAR)      -> the injection of that interrupt (wired or MSI) + guest entry
//   EOI                              -> trapped (level line) or virtualised (MSI), per the controller's flags
// Every exit is counted by cause; a timeline, when attached, gets each exit and each ISR (IAR..EOI).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/common/timeline.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/irq/interrupt_controller.h"

namespace vmsim {

struct hyp_device_window {
  std::string name;
  uint64_t base = 0, size = 0;
  uint32_t doorbell_base = 0, doorbell_size = 0;  // 0 size: no doorbells
};

enum class exit_cause : uint8_t { mmio_user, notify_kernel, irq_ack, inject_wired, inject_msi, eoi_trap, eoi_virtual, count };
const char* to_string(exit_cause c);

class hypervisor : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<hypervisor> from_cpu;  // vCPU c binds c-th
  tlm_utils::simple_initiator_socket<hypervisor> to_bus;

  hypervisor(sc_core::sc_module_name name, const cost_profile& profile, const interrupt_controller& irqc,
             uint64_t irqc_base, std::vector<hyp_device_window> devices);
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

 private:
  void b_transport(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int cpu, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int cpu, tlm::tlm_generic_payload& tx);
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end);
  // Counts an exit and adds its cost to the access's delay; the label is formatted only for a timeline.
  template <class... A>
  void charge(int cpu, exit_cause c, sc_core::sc_time& delay, fmt::format_string<A...> label, A&&... args) {
    if (!timeline_) return count(cpu, c, delay, nullptr);
    const std::string what = fmt::format(label, std::forward<A>(args)...);
    count(cpu, c, delay, &what);
  }
  void count(int cpu, exit_cause c, sc_core::sc_time& delay, const std::string* what);

  cost_profile profile_;
  const interrupt_controller& irqc_;
  uint64_t irqc_base_;
  std::vector<hyp_device_window> devices_;
  std::array<cause_stats, static_cast<size_t>(exit_cause::count)> exits_{};
  std::array<double, static_cast<size_t>(exit_cause::count)> cost_ns_{};  // per exit, by cause
  std::array<sc_core::sc_time, static_cast<size_t>(exit_cause::count)> cost_{};
  std::vector<double> isr_start_ns_;  // per vCPU, while an interrupt is in service
  timeline* timeline_ = nullptr;
};

}  // namespace vmsim
