#include "vmsim/cpu/vcpu.h"

#include <fmt/format.h>

#include "vmsim/common/little_endian.h"
#include "vmsim/common/report_ids.h"

namespace vmsim {

vcpu::vcpu(sc_core::sc_module_name name, const vcpu_config& cfg)
    : sc_module(name), bus("bus"), irq("irq"), cfg_(cfg),
      units_per_ns_(static_cast<uint64_t>(sc_core::sc_time(1, sc_core::SC_NS) / sc_core::sc_get_time_resolution())) {
  irq.bind(*this);
  tx_.set_data_ptr(data_);
  tx_.set_byte_enable_ptr(nullptr);
  SC_HAS_PROCESS(vcpu);
  SC_THREAD(thread);
  sensitive << irq_rise_ << timer_;  // what a WFI sleeps on: static sensitivity is the kernel's cheapest wait
}

void vcpu::thread() {
  if (program_) program_(*this);
  sc_core::wait(local_);
  local_ = quantum_from_ = sc_core::SC_ZERO_TIME;
  finished_ = true;
  sleep_from_ = kernel_time();  // a finished program leaves its vCPU idle
}

uint32_t vcpu::access(tlm::tlm_command cmd, uint64_t addr, unsigned width, uint32_t value) {
  if (width > sizeof data_) width = sizeof data_;  // the HAL's widths are 1, 2 and 4
  store_le(data_, width, value);
  // The data pointer (data_) and the byte enables (none) are set once, in the constructor: under the base
  // protocol no interconnect or target changes them. What a target may change is set anew.
  tlm::tlm_generic_payload& tx = tx_;
  tx.set_command(cmd);
  tx.set_address(addr);
  tx.set_data_length(width);
  tx.set_streaming_width(width);
  tx.set_dmi_allowed(false);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = local_ + cfg_.access_cost;
  bus->b_transport(tx, delay);
  ++(cmd == tlm::TLM_READ_COMMAND ? stats_.reads : stats_.writes);
  uint32_t v = ~0u;  // a bus error: the target already warned; a CPU would take a data abort, the driver sees all-ones
  if (tx.is_response_ok()) {
    v = load_le(data_, width);
  } else {
    ++stats_.bus_errors;
  }
  // The payload is done with before the thread may yield: nothing of it is read after a sync.
  local_ = delay;
  keep_quantum();
  return v;
}

void vcpu::quantum_end() {
  if (cfg_.run_ahead && nothing_due_by_local_time()) {
    quantum_from_ = local_;  // nothing else ran: no per-CPU state to restore either
    ++stats_.ran_ahead;
    return;
  }
  sync();
}

void vcpu::sync() {
  sc_core::wait(local_);
  local_ = quantum_from_ = sc_core::SC_ZERO_TIME;
  ++stats_.activations;
  resumed();
}

// Nothing runnable now (sc_time_to_pending_activity is then zero) and no timed event by the local time.
// An event at exactly the local time counts as due: the kernel orders it against the vCPU's resumption.
bool vcpu::nothing_due_by_local_time() const {
  return sc_core::sc_time_to_pending_activity(sc_core::sc_get_curr_simcontext()) > local_;
}

void vcpu::catch_up() {
  if (quantum_from_ == sc_core::SC_ZERO_TIME) return;
  sc_core::wait(quantum_from_);
  local_ -= quantum_from_;
  quantum_from_ = sc_core::SC_ZERO_TIME;
  ++stats_.activations;
  resumed();
}

void vcpu::set_irq(bool level) {
  if (level && !irq_level_ && sleeping_) irq_rise_.notify();  // immediate: it wakes in this evaluation phase
  irq_level_ = level;
}

void vcpu::wake_up(const sc_core::sc_time& after) {
  wake_pending_ = true;
  if (sleeping_) irq_rise_.notify(after);
}

void vcpu::wait_for_interrupt(uint64_t deadline_ns) {
  const sc_core::sc_time kernel = module_kernel_time(), local_now = kernel + local_;  // one reading serves both
  const uint64_t now = whole_ns(local_now);
  if (deadline_ns <= now) return;
  // One pending notification at a time: an earlier armed timer wakes the vCPU early, which only costs a look.
  const uint64_t upn = units_per_ns_;
  if (upn) {
    // In integer units (the driver arms its timeout at every wait, and the timer already armed usually
    // comes first): the time value is built only when the timer is armed anew.
    const uint64_t at = local_now.value() + (deadline_ns - now) * upn;
    if (timer_at_ <= kernel || at < timer_at_.value()) arm_timer(sc_core::sc_time::from_value(at), kernel);
  } else {
    const sc_core::sc_time at = local_now + sc_core::sc_time(double(deadline_ns - now), sc_core::SC_NS);
    if (timer_at_ <= kernel || at < timer_at_) arm_timer(at, kernel);
  }
  wait_for_interrupt();
}

void vcpu::arm_timer(const sc_core::sc_time& at, const sc_core::sc_time& kernel) {
  timer_at_ = at;
  timer_.notify(at - kernel);
}

void vcpu::wait_for_interrupt() {
  ++stats_.wfis;
  if (irq_level_ || wake_pending_) return void(wake_pending_ = false);
  // Busy until the local time, then asleep: one kernel round trip instead of a sync and then a wait.
  const sc_core::sc_time from = module_kernel_time(), busy = local_;
  // No watchdog: only the input, a wake-up or the vCPU's own timer ends the sleep. A guest that waits for
  // what never comes leaves the kernel without events, and the run reports the stranded vCPU.
  sleeping_ = true;
  sleep_from_ = from + busy;
  if (!halted_) halted_ = true, halted_since_ = sleep_from_;
  wait();
  sleeping_ = false;
  ++stats_.activations;
  resumed();
  local_ = quantum_from_ = sc_core::SC_ZERO_TIME;
  const sc_core::sc_time now = module_kernel_time(), slept = now - from;
  if (slept < busy) {
    local_ = busy - slept;  // it rose while the vCPU was still busy: taken when the work ends
    halted_ = false;
    return;
  }
  idle_ += now - sleep_from_;
  const bool woken = irq_level_ || wake_pending_;
  wake_pending_ = false;
  if (!woken && now < timer_at_) return;  // an early look (a timer armed for a later deadline): still halted
  halted_ = false;
  ++stats_.halts;
  if (cfg_.wake_cost) local_ = cfg_.wake_cost(now - halted_since_);
}

double vcpu::utilisation() const {
  const sc_core::sc_time now = kernel_time();
  if (now <= measure_from_) return 0;
  sc_core::sc_time idle = idle_;
  if ((sleeping_ || finished_) && now > sleep_from_) idle += now - sleep_from_;
  const double u = 1.0 - idle.to_seconds() / (now - measure_from_).to_seconds();
  return u < 0 ? 0 : u;
}

void vcpu::reset_utilisation() {
  idle_ = sc_core::SC_ZERO_TIME;
  measure_from_ = kernel_time() + local_;
}

uint64_t vcpu::coarse_ns(uint64_t time_value) {
  return static_cast<uint64_t>(sc_core::sc_time::from_value(time_value).to_seconds() * 1e9 + 0.5);
}

void vcpu::look_up_ram() {
  tlm::tlm_generic_payload tx;
  tx.set_address(cfg_.ram_base);
  tx.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  if (!bus->get_direct_mem_ptr(tx, dmi) || !dmi.is_read_write_allowed() || dmi.get_start_address() > cfg_.ram_base)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: no DMI to guest RAM at {:#x}", name(), cfg_.ram_base).c_str());
  ram_ = dmi.get_dmi_ptr() + (cfg_.ram_base - dmi.get_start_address());
  ram_size_ = dmi.get_end_address() - cfg_.ram_base + 1;
}

}  // namespace vmsim
