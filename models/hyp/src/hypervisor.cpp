#include "vmsim/hyp/hypervisor.h"

#include <cstring>

#include <fmt/format.h>

#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

const char* to_string(exit_cause c) {
  switch (c) {
    case exit_cause::mmio_user: return "mmio-user";
    case exit_cause::notify_kernel: return "notify-kernel";
    case exit_cause::irq_ack: return "irq-ack";
    case exit_cause::inject_wired: return "inject-wired";
    case exit_cause::inject_msi: return "inject-msi";
    case exit_cause::eoi_trap: return "eoi-trap";
    case exit_cause::eoi_virtual: return "eoi-virtual";
    case exit_cause::count: break;
  }
  return "?";
}

hypervisor::hypervisor(sc_core::sc_module_name name, const cost_profile& profile, const interrupt_controller& irqc,
                       uint64_t irqc_base, std::vector<hyp_device_window> devices)
    : sc_module(name), from_cpu("from_cpu"), to_bus("to_bus"), profile_(profile), irqc_(irqc), irqc_base_(irqc_base),
      devices_(std::move(devices)), isr_start_ns_(irqc.config().cpus, -1) {
  // What one exit of each cause costs (exit + handling + entry), from the profile. Taking an interrupt
  // includes the guest's interrupt entry.
  const double entry = profile_.guest_ns(profile_.guest_irq_entry_cycles);
  auto set = [&](exit_cause c, double ns) {
    cost_ns_[static_cast<size_t>(c)] = ns;
    cost_[static_cast<size_t>(c)] = sc_core::sc_time(ns, sc_core::SC_NS);
  };
  set(exit_cause::mmio_user, profile_.mmio_exit_user_ns);
  set(exit_cause::notify_kernel, profile_.mmio_exit_kernel_ns);
  set(exit_cause::irq_ack, profile_.irq_ack_ns);
  set(exit_cause::inject_wired, profile_.inject_wired_ns + entry);
  set(exit_cause::inject_msi, profile_.inject_msi_ns + entry);
  set(exit_cause::eoi_trap, profile_.eoi_trap_ns);
  set(exit_cause::eoi_virtual, profile_.eoi_virtual_ns);
  from_cpu.register_b_transport(this, &hypervisor::b_transport);
  from_cpu.register_get_direct_mem_ptr(this, &hypervisor::get_direct_mem_ptr);
  from_cpu.register_transport_dbg(this, &hypervisor::transport_dbg);
  to_bus.register_invalidate_direct_mem_ptr(this, &hypervisor::invalidate);
}

uint64_t hypervisor::total_exits() const {
  uint64_t n = 0;
  for (const auto& c : exits_) n += c.count;
  return n;
}

double hypervisor::total_exit_ns() const {
  double t = 0;
  for (const auto& c : exits_) t += c.ns;
  return t;
}

void hypervisor::count(int cpu, exit_cause c, sc_core::sc_time& delay, const std::string* what) {
  const auto i = static_cast<size_t>(c);
  ++exits_[i].count;
  exits_[i].ns += cost_ns_[i];
  if (what) {
    const double start = (sc_core::sc_time_stamp() + delay).to_seconds() * 1e9;
    timeline_->span(*what, to_string(c), static_cast<unsigned>(cpu), start, cost_ns_[i]);
  }
  delay += cost_[i];
}

void hypervisor::b_transport(int cpu, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const uint64_t a = tx.get_address();
  // The interrupt controller: IAR and EOIR of this vCPU's interface.
  if (a >= irqc_base_ && a < irqc_base_ + interrupt_controller::regs_size) {
    const uint64_t off = a - irqc_base_;
    const bool iface = off < interrupt_controller::cpu_window * irqc_.config().cpus;
    const uint64_t reg = off % interrupt_controller::cpu_window;
    uint32_t written = 0;
    if (tx.is_write() && tx.get_data_length() == 4) std::memcpy(&written, tx.get_data_ptr(), 4);
    if (iface && reg == interrupt_controller::eoir && tx.is_write()) {
      const bool wired = irqc_.is_wired(written);
      const bool traps = wired ? irqc_.config().eoi_traps_wired : irqc_.config().eoi_traps_msi;
      charge(cpu, traps ? exit_cause::eoi_trap : exit_cause::eoi_virtual, delay, "EOI {}", written);
      if (timeline_ && cpu < static_cast<int>(isr_start_ns_.size()) && isr_start_ns_[cpu] >= 0) {
        const double end = (sc_core::sc_time_stamp() + delay).to_seconds() * 1e9;
        timeline_->span(fmt::format("ISR {}", written), "isr", static_cast<unsigned>(cpu) + 50, isr_start_ns_[cpu],
                        end - isr_start_ns_[cpu]);
        isr_start_ns_[cpu] = -1;
      }
    } else if (!(iface && reg == interrupt_controller::iar && tx.is_read())) {
      charge(cpu, exit_cause::mmio_user, delay, "irqc {:#x}", off);
    }
    to_bus->b_transport(tx, delay);
    if (iface && reg == interrupt_controller::iar && tx.is_read() && tx.is_response_ok()) {
      uint32_t id = 0;
      std::memcpy(&id, tx.get_data_ptr(), 4);
      if (id != interrupt_controller::spurious) {
        // Taking the interrupt costs its injection and the guest's entry; the acknowledge itself may be free.
        const bool wired = irqc_.is_wired(id);
        charge(cpu, wired ? exit_cause::inject_wired : exit_cause::inject_msi, delay, "interrupt {}", id);
        if (profile_.irq_ack_ns > 0) charge(cpu, exit_cause::irq_ack, delay, "IAR");
        if (timeline_ && cpu < static_cast<int>(isr_start_ns_.size()))
          isr_start_ns_[cpu] = (sc_core::sc_time_stamp() + delay).to_seconds() * 1e9;
      }
    }
    return;
  }
  for (const auto& d : devices_) {
    if (a < d.base || a >= d.base + d.size) continue;
    const uint64_t off = a - d.base;
    const bool notify = tx.is_write() && (off == regmap::offset_of(regmap::reg::queue_notify) ||
                                          (d.doorbell_size && off >= d.doorbell_base && off < d.doorbell_base + d.doorbell_size));
    if (notify)
      charge(cpu, exit_cause::notify_kernel, delay, "kick {}", d.name);
    else
      charge(cpu, exit_cause::mmio_user, delay, "{} {:#x}", d.name, off);
    break;
  }
  to_bus->b_transport(tx, delay);  // RAM and everything else: no trap
}

bool hypervisor::get_direct_mem_ptr(int, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
  return to_bus->get_direct_mem_ptr(tx, dmi);
}

unsigned int hypervisor::transport_dbg(int, tlm::tlm_generic_payload& tx) { return to_bus->transport_dbg(tx); }

void hypervisor::invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
  for (unsigned i = 0; i < from_cpu.size(); ++i) from_cpu[i]->invalidate_direct_mem_ptr(start, end);
}

}  // namespace vmsim
