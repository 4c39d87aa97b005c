// A vCPU that runs guest software (the sw/ driver) in its own SC_THREAD. Each of its MMIO accesses becomes
// into a TLM-2.0 base-protocol transaction from this thread, loosely timed with a quantum keeper; the
// driver's own memory (rings, buffers) is guest RAM reached through DMI, as a CPU's loads and stores are.
// The interrupt input is an irq_wire.h receiver: its level is known in this thread without yielding, so
// interrupt_pending() costs no kernel round trip; wait_for_interrupt() is the one synchronisation point
// (the vCPU is busy until its local time, then sleeps until the input rises).
// Idle costs nothing: a sleeping vCPU is woken only by its interrupt input, another vCPU's wake_up() or its
// own deadline; nothing polls it. An interrupt that never comes leaves it asleep and the kernel without
// events: the simulation ends early, and the run reports it (stranded()).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/common/irq_wire.h"
#include "vmsim/common/kernel_time.h"
#include "vmsim/common/params.h"

namespace vmsim {

struct vcpu_config {
  unsigned index = 0;
  uint64_t ram_base = 0x40000000;  // guest RAM the driver's memory lives in (DMI)
  // How far the vCPU runs ahead of the kernel before it synchronises, counted from where it last resumed
  // (not on a global grid: a round trip that resumes at its WFI never meets a grid line it did not cause).
  sc_core::sc_time quantum = sc_core::sc_time(10, sc_core::SC_US);
  sc_core::sc_time access_cost = sc_core::SC_ZERO_TIME;  // CPU time per MMIO access (the trap costs are the hypervisor's)
  // At a quantum's end, yield only if something else is due by the vCPU's local time (a process runnable
  // now or a timed event not later than it); otherwise run on and count the next quantum from there. A
  // yield then would only move the kernel's clock: the same processes run in the same order at the same
  // times either way, so no result depends on it (tb/tests checks). It saves a kernel time step each.
  // A VCD run turns it off: a VCD samples at the kernel's time, which then lags further behind the vCPU.
  bool run_ahead = true;
  // What an interrupt that ends a halt of `slept` costs this vCPU before it runs again (the host's HLT exit
  // and wake-up: the hypervisor's wake_from_halt). Empty: nothing.
  std::function<sc_core::sc_time(const sc_core::sc_time& slept)> wake_cost;
};
// Its run-time parameters (vm.cpu.*, vcpu_params.cpp).
const param_group<vcpu_config>& param_table(const vcpu_config&);

class vcpu : public sc_core::sc_module, private irq_target_if {
 public:
  tlm_utils::simple_initiator_socket<vcpu> bus;
  sc_core::sc_export<irq_target_if> irq;  // bind the interrupt controller's cpu_irq[index] here

  vcpu(sc_core::sc_module_name name, const vcpu_config& cfg);
  // The guest program this vCPU runs (set before simulation starts).
  void run(std::function<void(vcpu&)> program) { program_ = std::move(program); }
  bool finished() const { return finished_; }
  bool halted() const { return sleeping_; }  // in a WFI now
  // Asleep with nothing that will wake it: no interrupt raised, no deadline armed (after the kernel ran out
  // of events, the sign of an interrupt that never came).
  bool stranded() const { return sleeping_ && !finished_ && timer_at_ <= kernel_time(); }
  unsigned index() const { return cfg_.index; }

  // ---- what the guest's HAL needs (tb/common/vcpu_hal.h adapts it to vdrv::hal) ----
  uint8_t read8(uint64_t a) { return static_cast<uint8_t>(access(tlm::TLM_READ_COMMAND, a, 1, 0)); }
  uint16_t read16(uint64_t a) { return static_cast<uint16_t>(access(tlm::TLM_READ_COMMAND, a, 2, 0)); }
  uint32_t read32(uint64_t a) { return access(tlm::TLM_READ_COMMAND, a, 4, 0); }
  void write8(uint64_t a, uint8_t v) { access(tlm::TLM_WRITE_COMMAND, a, 1, v); }
  void write16(uint64_t a, uint16_t v) { access(tlm::TLM_WRITE_COMMAND, a, 2, v); }
  void write32(uint64_t a, uint32_t v) { access(tlm::TLM_WRITE_COMMAND, a, 4, v); }
  void barrier() {}
  void wait_for_interrupt();
  // As above, but also ends at `deadline_ns` (the guest's own next timed work, e.g. a timer) or on a
  // wake-up from another vCPU: a halted CPU wakes only for those.
  void wait_for_interrupt(uint64_t deadline_ns);
  // Another vCPU's reschedule IPI, `after` its sender's kernel time (its local time offset): this vCPU
  // leaves its halt then (the sender pays the IPI; see the hypervisor), or does not halt before it looks.
  void wake_up(const sc_core::sc_time& after);
  // The input as this thread knows it: every producer drives it at once (irq_wire.h), so there is nothing
  // to wait for. What rises between the kernel's time and this vCPU's local time is seen at the next
  // synchronisation, as with any loosely-timed initiator (the quantum bounds it; WFI syncs).
  bool interrupt_pending() const { return irq_level_; }
  uint64_t now_ns() { return whole_ns(module_kernel_time() + local_); }
  uint64_t to_bus(const void* p) { return cfg_.ram_base + static_cast<uint64_t>(static_cast<const uint8_t*>(p) - ram()); }
  void* from_bus(uint64_t a) { return ram() + (a - cfg_.ram_base); }

  // Guest RAM as the driver sees it: [ram(), ram() + ram_size()) maps to bus addresses from ram_base.
  uint8_t* ram() { return map_ram(), ram_; }
  uint64_t ram_size() { return map_ram(), ram_size_; }
  void spend(const sc_core::sc_time& t) { local_ += t; }  // guest work between accesses
  sc_core::sc_time local_time() const { return local_; }  // how far ahead of the kernel it runs
  void sync();  // the thread yields until the kernel reaches its local time
  // The quantum keeper's check after an access: past its quantum, the vCPU synchronises (with run_ahead,
  // only if something else is due by its local time). No kernel time is read: the quantum counts from
  // where it resumed. (An access made without the bus, such as to a local interrupt interface, ends with
  // it as a bus access does.)
  void keep_quantum() {
    if (local_ - quantum_from_ >= cfg_.quantum) quantum_end();
  }
  // Before this vCPU's program ends the run (sc_stop): the kernel is brought to where it would be had every
  // quantum end yielded, so what is read at the end (the simulated time, utilisations) is the same with or
  // without run_ahead.
  void catch_up();
  // Runs each time this vCPU's thread is scheduled again after yielding to the kernel (a sync or a WFI):
  // where per-CPU state that other vCPUs may have changed meanwhile is restored, as a context switch does
  // (an SMP guest's shared driver is pointed back at this vCPU's HAL).
  // Hooks add up, and run in the order they were added.
  void on_resume(std::function<void()> hook) { on_resume_.push_back(std::move(hook)); }

  struct counters {
    uint64_t reads = 0, writes = 0, bus_errors = 0, wfis = 0, halts = 0;
    uint64_t activations = 0;  // times the thread was scheduled again after yielding (a sync or a WFI)
    uint64_t ran_ahead = 0;    // quantum ends passed without yielding (run_ahead: nothing else was due)
  };
  const counters& stats() const { return stats_; }
  // Utilisation: the share of simulated time since reset_utilisation() this vCPU was not halted (guest work,
  // exits, waits for the host all count as busy), up to the kernel's current time.
  double utilisation() const;
  void reset_utilisation();

 private:
  void thread();
  uint32_t access(tlm::tlm_command cmd, uint64_t addr, unsigned width, uint32_t value);
  void map_ram() {  // on first use: the DMI look-up
    if (!ram_) look_up_ram();
  }
  void look_up_ram();
  // A time in whole nanoseconds, rounded as now_ns(): in integer time-resolution units (no floating point,
  // and inline: the driver reads its clock several times per round trip).
  uint64_t whole_ns(const sc_core::sc_time& t) const {
    const uint64_t upn = units_per_ns_;
    return upn ? (t.value() + upn / 2) / upn : coarse_ns(t.value());
  }
  // A resolution coarser than 1 ns. It takes the time's value, not a reference: a reference would make every
  // caller keep its time in memory for this rare path.
  [[gnu::cold]] static uint64_t coarse_ns(uint64_t time_value);
  void arm_timer(const sc_core::sc_time& at, const sc_core::sc_time& kernel);  // fires at `at` (kernel: now)
  void set_irq(bool level) override;  // from the interrupt controller, in its caller's process
  void resumed() {
    for (auto& h : on_resume_) h();
  }
  void quantum_end();
  bool nothing_due_by_local_time() const;

  vcpu_config cfg_;
  uint64_t units_per_ns_;  // kernel time units per ns, 0 if the resolution is coarser than 1 ns
  sc_core::sc_time local_;  // the local time offset: how far this vCPU is ahead of the kernel
  // Where the quantum counts from, as an offset like local_: 0 after the thread resumed, or the local time
  // of the last quantum end it ran past (run_ahead).
  sc_core::sc_time quantum_from_;
  std::function<void(vcpu&)> program_;
  std::vector<std::function<void()>> on_resume_;
  bool finished_ = false;
  uint8_t* ram_ = nullptr;
  uint64_t ram_size_ = 0;
  counters stats_;
  bool irq_level_ = false;
  bool sleeping_ = false;  // in wait_for_interrupt: a rise must wake it
  sc_core::sc_time sleep_from_;       // while sleeping: when the halt began (the end of its busy time)
  sc_core::sc_time halted_since_;     // the halt an interrupt will end began here
  bool halted_ = false;
  sc_core::sc_time idle_, measure_from_;
  sc_core::sc_event irq_rise_, timer_;
  sc_core::sc_time timer_at_;  // when the armed timer fires (a later deadline needs no new notification)
  bool wake_pending_ = false;
  tlm::tlm_generic_payload tx_;  // reused by every access: a payload's construction allocates
  uint8_t data_[4] = {};
};

}  // namespace vmsim
