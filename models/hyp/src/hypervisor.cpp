#include "vmsim/hyp/hypervisor.h"

#include <cstring>

#include "vmsim/common/kernel_time.h"
#include "vmsim/common/report_ids.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

const char* to_string(exit_cause c) {
  switch (c) {
    case exit_cause::mmio_user: return "mmio-user";
    case exit_cause::notify_kernel: return "notify-kernel";
    case exit_cause::notify_user: return "notify-user";
    case exit_cause::notify_mapped: return "notify-mapped";
    case exit_cause::irq_ack: return "irq-ack";
    case exit_cause::inject_wired: return "inject-wired";
    case exit_cause::inject_msi: return "inject-msi";
    case exit_cause::eoi_trap: return "eoi-trap";
    case exit_cause::eoi_virtual: return "eoi-virtual";
    case exit_cause::hlt_wake: return "hlt-wake";
    case exit_cause::ipi_send: return "ipi-send";
    case exit_cause::count: break;
  }
  return "?";
}

const char* to_string(notify_class c) {
  switch (c) {
    case notify_class::kernel: return "kernel";
    case notify_class::user: return "user";
    case notify_class::mapped: return "mapped";
  }
  return "?";
}

hypervisor::hypervisor(sc_core::sc_module_name name, const cost_profile& profile, interrupt_controller& irqc,
                       uint64_t irqc_base, std::vector<hyp_device_window> devices, server_pool* vmm_lock, uint64_t seed)
    : sc_module(name),
      from_cpu("from_cpu", *this),
      to_bus("to_bus"), profile_(profile), irqc_(irqc), irqc_base_(irqc_base),
      devices_(std::move(devices)), vmm_lock_(vmm_lock), sample_(seed, "hypervisor"), isr_start_ns_(irqc.config().cpus, -1) {
  // What one exit of each cause costs (exit + handling + entry), from the profile: the mean, and the
  // distribution to draw from when it varies. Taking an interrupt includes the guest's interrupt entry.
  const double entry_ns = profile_.guest_ns(profile_.guest_irq_entry_cycles.mean());
  auto set = [&](exit_cause c, const cost_param& p, double extra_ns = 0) {
    const auto i = static_cast<size_t>(c);
    cost_[i] = sampled_time(p.value, extra_ns);
    cost_exact_ns_[i] = cost_[i].constant().to_seconds() * 1e9;
  };
  set(exit_cause::mmio_user, profile_.mmio_exit_user_ns);
  set(exit_cause::notify_kernel, profile_.mmio_exit_kernel_ns);
  set(exit_cause::notify_user, profile_.doorbell_user_ns);
  set(exit_cause::notify_mapped, profile_.doorbell_mapped_ns);
  set(exit_cause::irq_ack, profile_.irq_ack_ns);
  set(exit_cause::inject_wired, profile_.inject_wired_ns, entry_ns);
  set(exit_cause::inject_msi, profile_.inject_msi_ns, entry_ns);
  set(exit_cause::eoi_trap, profile_.eoi_trap_ns);
  set(exit_cause::eoi_virtual, profile_.eoi_virtual_ns);
  set(exit_cause::hlt_wake, profile_.hlt_exit_ns);
  set(exit_cause::ipi_send, profile_.ipi_send_ns);
  vmm_lock_hold_ = sc_core::sc_time(profile_.vmm_lock_hold_ns.mean(), sc_core::SC_NS);
  line_ioctl_ = sampled_time(profile_.irq_line_ioctl_ns.value);
  host_wakeup_ = sampled_time(profile_.host_wakeup_ns.value);
  charges_ack_ = profile_.irq_ack_ns.mean() > 0;
  to_bus.register_invalidate_direct_mem_ptr(this, &hypervisor::invalidate);
}


uint64_t hypervisor::total_exits() const {
  uint64_t n = 0;
  for (size_t c = 0; c < exits_.size(); ++c)
    if (is_exit(static_cast<exit_cause>(c))) n += exits_[c].count;
  return n;
}

double hypervisor::total_exit_ns() const {
  double t = 0;
  for (const auto& c : exits_) t += c.ns;
  return t;
}

sc_core::sc_time hypervisor::lock_wait(const sc_core::sc_time& delay, const sc_core::sc_time& hold) {
  if (!vmm_lock_) return sc_core::SC_ZERO_TIME;
  const sc_core::sc_time arrival = kernel_time() + delay;
  return vmm_lock_->serve(arrival, hold).start - arrival;
}

// An exit that varies, takes extra time (waiting for the VMM's lock, an ioctl) or goes on the timeline.
void hypervisor::count_traced(int cpu, exit_cause c, sc_core::sc_time& delay, const std::string_view* what,
                              const sc_core::sc_time* extra) {
  const auto i = static_cast<size_t>(c);
  sc_core::sc_time cost;
  double ns;
  if (!cost_[i].varies() && !extra) {
    cost = cost_[i].constant();
    ns = cost_exact_ns_[i];
  } else {
    cost = cost_[i].draw(sample_) + (extra ? *extra : sc_core::SC_ZERO_TIME);
    ns = to_ns(cost);
  }
  ++exits_[i].count;
  exits_[i].ns += ns;
  if (what) {
    static const auto categories = [] {  // the causes' names, measured once
      std::array<std::string_view, static_cast<size_t>(exit_cause::count)> n;
      for (size_t k = 0; k < n.size(); ++k) n[k] = to_string(static_cast<exit_cause>(k));
      return n;
    }();
    const double start = to_ns(kernel_time() + delay);
    timeline_->span(*what, categories[i], static_cast<unsigned>(cpu), start, ns);
  }
  delay += cost;
}

sc_core::sc_time hypervisor::send_ipi(int cpu, const sc_core::sc_time& local) {
  sc_core::sc_time delay = local;
  charge(cpu, exit_cause::ipi_send, delay, [](timeline::label& l) { l << "IPI"; });
  return delay - local;
}

sc_core::sc_time hypervisor::wake_from_halt(int cpu, const sc_core::sc_time& slept) {
  // Halt polling keeps the vCPU's thread spinning on its CPU for halt_poll_ns; past that it slept and the
  // host must wake it up (a scheduler wake-up of the vCPU thread).
  sc_core::sc_time extra;
  if (to_ns(slept) > profile_.halt_poll_ns) extra = host_wakeup_.draw(sample_);
  sc_core::sc_time delay;
  const std::string_view what = "wake";
  // No extra time is the constant cost alone (and counts as that, without a conversion).
  count(cpu, exit_cause::hlt_wake, delay, timeline_ ? &what : nullptr,
        extra == sc_core::SC_ZERO_TIME ? nullptr : &extra);
  return delay;
}

// A trapped access's register by name, for the timeline: the virtio-mmio register, the doorbell, or the
// device's configuration space.
void hypervisor::register_label(timeline::label& out, const hyp_device_window& d, uint64_t off) {
  if (in_doorbells(d, off))
    return void(out << "doorbell+" << timeline::hex{off - d.doorbell_base});
  if (off >= regmap::register_block_size) return void(out << "config+" << timeline::hex{off - regmap::register_block_size});
  for (const auto& r : regmap::standard_registers)
    if (r.offset == off) return void(out << r.name);
  out << timeline::hex{off};
}

void hypervisor::b_transport(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const uint64_t a = tx.get_address();
  // A window by one compare: an address below its base wraps far above its size (the plan keeps every
  // window inside the address space).
  if (a - irqc_base_ < interrupt_controller::regs_size) return irqc_access(cpu, tx, delay, a - irqc_base_);
  for (const auto& d : devices_)
    if (a - d.base < d.size) return device_access(cpu, tx, delay, d, a - d.base);
  to_bus->b_transport(tx, delay);  // RAM and everything else: no trap
}

// The interrupt controller: IAR and EOIR of a vCPU interface are taken by the local controller directly
// (what the bus would deliver there, without the bus hop) when they are plain 32-bit accesses; anything
// else gets the controller's own answer (and warning) by bus.
void hypervisor::irqc_access(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay, uint64_t off) {
  const bool iface = off < interrupt_controller::cpu_window * irqc_.config().cpus;
  const uint64_t reg = off % interrupt_controller::cpu_window;
  const bool direct = iface && tx.get_data_length() == 4 && off % 4 == 0 && !tx.get_byte_enable_ptr();
  const auto iface_cpu = static_cast<unsigned>(off / interrupt_controller::cpu_window);
  if (iface && reg == interrupt_controller::iar && tx.is_read()) {
    if (direct) {
      const uint32_t v = irqc_.acknowledge(iface_cpu);
      std::memcpy(tx.get_data_ptr(), &v, 4);
      tx.set_response_status(tlm::TLM_OK_RESPONSE);
    } else {
      to_bus->b_transport(tx, delay);
      if (!tx.is_response_ok()) return;
    }
    uint32_t id = 0;
    std::memcpy(&id, tx.get_data_ptr(), 4);
    if (id == interrupt_controller::spurious) return;
    // Taking the interrupt costs its injection and the guest's entry; the acknowledge itself may be free.
    const bool wired = irqc_.is_wired(id);
    charge(cpu, wired ? exit_cause::inject_wired : exit_cause::inject_msi, delay,
           [&](timeline::label& l) { l << "interrupt " << id; });
    if (charges_ack_) charge(cpu, exit_cause::irq_ack, delay, [](timeline::label& l) { l << "IAR"; });
    if (timeline_ && cpu < static_cast<int>(isr_start_ns_.size())) isr_start_ns_[cpu] = to_ns(kernel_time() + delay);
    return;
  }
  if (!(iface && reg == interrupt_controller::eoir && tx.is_write())) {
    charge(cpu, exit_cause::mmio_user, delay, [&](timeline::label& l) { l << "irqc " << timeline::hex{off}; });
    return to_bus->b_transport(tx, delay);
  }
  uint32_t written = 0;
  if (tx.get_data_length() == 4) std::memcpy(&written, tx.get_data_ptr(), 4);
  const bool traps = irqc_.is_wired(written) ? irqc_.config().eoi_traps_wired : irqc_.config().eoi_traps_msi;
  charge(cpu, traps ? exit_cause::eoi_trap : exit_cause::eoi_virtual, delay,
         [&](timeline::label& l) { l << "EOI " << written; });
  if (timeline_ && cpu < static_cast<int>(isr_start_ns_.size()) && isr_start_ns_[cpu] >= 0) {
    const double end = to_ns(kernel_time() + delay);
    timeline_->span_named("isr", static_cast<unsigned>(cpu) + 50, isr_start_ns_[cpu], end - isr_start_ns_[cpu],
                          [&](timeline::label& l) { l << "ISR " << written; });
    isr_start_ns_[cpu] = -1;
  }
  if (!direct) return to_bus->b_transport(tx, delay);
  irqc_.eoi(iface_cpu, written);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

// A device's window: a kick by its notification class, any other register by the user-space VMM.
void hypervisor::device_access(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay,
                               const hyp_device_window& d, uint64_t off) {
  const bool doorbell = in_doorbells(d, off);
  const bool notify = is_kick(tx, d, off);
  auto kick = [&](timeline::label& l) { register_label(l << "kick " << d.name << " ", d, off); };
  if (notify && (d.notify == notify_class::kernel || (d.notify == notify_class::mapped && !doorbell))) {
    charge(cpu, exit_cause::notify_kernel, delay, kick);  // QueueNotify is a register: it traps
  } else if (notify && d.notify == notify_class::mapped) {
    charge(cpu, exit_cause::notify_mapped, delay, kick);
  } else {
    // A user-space handler: its share under the VMM's lock waits for it; with the relayed line the
    // InterruptACK handler also lowers the line by ioctl (QEMU: virtio_mmio_write -> virtio_update_irq).
    const bool ack = tx.is_write() && off == regmap::offset_of(regmap::reg::interrupt_ack) &&
                     profile_.wired_path == wired_irq_path::user_relay;
    const sc_core::sc_time ioctl = ack ? line_ioctl_.draw(sample_) : sc_core::SC_ZERO_TIME;
    const sc_core::sc_time extra = lock_wait(delay, vmm_lock_hold_ + ioctl) + ioctl;
    const exit_cause c = notify ? exit_cause::notify_user : exit_cause::mmio_user;
    charge(cpu, c, delay,
           [&](timeline::label& l) { register_label(l << d.name << (tx.is_write() ? " write " : " read "), d, off); },
           &extra);
  }
  to_bus->b_transport(tx, delay);
}

bool hypervisor::get_direct_mem_ptr(int, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
  return to_bus->get_direct_mem_ptr(tx, dmi);
}

unsigned int hypervisor::transport_dbg(int, tlm::tlm_generic_payload& tx) { return to_bus->transport_dbg(tx); }

void hypervisor::invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
  for (int c = 0; c < from_cpu.size(); ++c) from_cpu[c]->invalidate_direct_mem_ptr(start, end);
}

}  // namespace vmsim
