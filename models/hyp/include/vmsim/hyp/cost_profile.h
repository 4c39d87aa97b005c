// The hypervisor cost model as data: named profiles (JSON) of what each class of trapped access, interrupt
// injection and EOI costs. Every default cites its published source in docs/latency-model.md; none is fitted
// to an end-to-end result. Loading validates the file: an unknown profile or key, or a wrong type, is a user
// error naming the field and the allowed values.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vmsim {

struct cost_profile {
  std::string name, description;
  double cpu_ghz = 2.5;
  double mmio_exit_user_ns = 0;    // MMIO access handled by the user-space VMM (exit + handling + entry)
  double mmio_exit_kernel_ns = 0;  // MMIO write handled in the kernel (ioeventfd-style notify)
  double eoi_trap_ns = 0;          // EOI of a level-triggered interrupt (exits even with APICv)
  double eoi_virtual_ns = 0;       // EOI the hardware virtualises (MSI with APICv, GIC virtual CPU interface)
  double irq_ack_ns = 0;           // taking the interrupt (x86: none, the APIC hands the vector; arm: IAR read)
  double inject_wired_ns = 0;      // getting a wired interrupt into the guest (VMM injection, exit/entry)
  double inject_msi_ns = 0;        // getting an MSI into the guest (posted interrupt / ITS LPI)
  double guest_irq_entry_cycles = 0;  // guest interrupt entry and return, in guest CPU cycles
  double msi_write_ns = 0;         // the device's MSI write on the host side
  double backend_notify_ns = 0;    // a kick reaching the device back-end
  double backend_per_packet_ns = 0;  // host back-end work per packet
  double wire_rtt_ns = 0;          // network round trip beyond the host (request/response workloads)
  double guest_stack_cycles = 0;     // guest protocol stack and application work per transaction, cycles
  // Guest work is given in cycles and runs at cpu_ghz.
  double guest_ns(double cycles) const { return cycles / cpu_ghz; }
};

// Throws std::runtime_error with a message naming the bad field.
std::map<std::string, cost_profile> load_cost_profiles(const std::string& path);
const cost_profile& find_profile(const std::map<std::string, cost_profile>& all, const std::string& name);
std::vector<std::string> cost_profile_keys();

}  // namespace vmsim
