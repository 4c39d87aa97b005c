// The timing model as data: named profiles (JSON) of what the host and the guest spend where, and which
// host mechanisms carry a kick or an interrupt. A profile has three kinds of entry:
//   timed entries   a distribution (distribution.h) in ns, or in guest cycles for *_cycles keys, each with
//                   its source: a micro-benchmark, a VMM's code, a paper, or "assumption: ..." (enforced:
//                   an entry without a source is refused);
//   mechanisms      which path the host takes (the wired line's delivery, the line's trigger mode, the
//                   VMM's big lock, the network back-end), from the VMM's code;
//   capacities      how many servers a host resource has (I/O threads, storage channels).
// A profile may name a `base` profile and change only what differs (a VMM on the same host). A scenario
// may override any entry by name (`profile_params`), which is how a sweep varies a cost. Every rejection
// names the profile and the key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmsim/resources/distribution.h"

namespace vmsim {

struct cost_param {
  distribution value;  // ns, or guest cycles for *_cycles keys
  std::string source;
  double mean() const { return value.mean; }
};

// How the VMM gets a device's wired line into the guest (docs/latency-model.md, "Host mechanisms").
enum class wired_irq_path : uint8_t {
  direct,         // in-kernel, inline in the signalling thread (an irqfd KVM can inject at once)
  irqfd_kworker,  // KVM irqfd on an IOAPIC GSI: deferred to a kernel worker (Firecracker)
  user_relay,     // the VMM's event-loop thread reads the back-end's eventfd and asserts the line by
                  // ioctl under its lock; the ACK de-asserts it by another ioctl (QEMU virtio-mmio)
  vmm_signal,     // the device's own thread hands the line to a user-space IOAPIC, which sends it to KVM as
                  // an MSI by ioctl under the IOAPIC's mutex: no thread hop (Cloud Hypervisor, split irqchip)
};
enum class line_trigger : uint8_t { level, edge };  // level: the guest's EOI traps (EOI-exit bitmap)
enum class net_backend_kind : uint8_t {
  vhost,       // a kernel worker per queue pair, signalling through eventfds
  vmm_thread,  // the VMM's event-loop thread (under its lock, if it has one)
};

struct cost_profile {
  std::string name, description;
  double cpu_ghz = 2.5;  // guest work in cycles runs at this clock

  // ---- mechanisms and capacities ----
  std::string vmm = "qemu";
  wired_irq_path wired_path = wired_irq_path::direct;
  line_trigger wired_trigger = line_trigger::level;
  bool vmm_lock = false;  // one lock over user-space MMIO handling, the relay and a vmm_thread back-end
  net_backend_kind net_backend = net_backend_kind::vhost;
  unsigned blk_iothreads = 1;
  unsigned storage_channels = 1;  // requests the storage device serves in parallel
  double halt_poll_ns = 0;        // KVM halt polling: a vCPU woken within this long never left its CPU

  // ---- exits and interrupt delivery (ns) ----
  cost_param mmio_exit_user_ns;    // MMIO access handled by the user-space VMM (exit + handling + entry)
  cost_param mmio_exit_kernel_ns;  // MMIO write handled in the kernel (ioeventfd)
  cost_param vmm_lock_hold_ns;     // the part of a user-space MMIO access handled under the VMM's lock
  cost_param eoi_trap_ns;          // EOI of a level-triggered line (exits even with APICv)
  cost_param eoi_virtual_ns;       // EOI the hardware virtualises
  cost_param irq_ack_ns;           // taking the interrupt (x86: none; arm: the IAR read)
  cost_param inject_wired_ns;      // getting a wired interrupt into the guest (exit/entry)
  cost_param inject_msi_ns;        // getting an MSI into the guest (posted interrupt / ITS LPI)
  cost_param msi_write_ns;         // the device's MSI write on the host side
  cost_param host_wakeup_ns;       // a sleeping host thread woken by an eventfd (relay, kworker, back-end)
  cost_param irq_line_ioctl_ns;    // KVM_IRQ_LINE from user space (assert or de-assert a line)
  cost_param relay_handler_ns;     // the relay's work under the lock besides the ioctl (virtio_irq)
  cost_param hlt_exit_ns;          // a halted vCPU's HLT/WFI exit and re-entry when its interrupt comes
  cost_param ipi_send_ns;          // a reschedule IPI: the sender's exit (ICR write / SGI register)
  cost_param doorbell_user_ns;     // a kick that exits to the user-space VMM (no ioeventfd)
  cost_param doorbell_mapped_ns;   // a kick to a doorbell page mapped to the device (no exit)

  // ---- host back-ends (ns) ----
  cost_param backend_notify_ns;      // a kick reaching the device back-end
  cost_param backend_per_packet_ns;  // network back-end work per packet
  cost_param blk_backend_per_request_ns;  // block back-end (I/O thread) work per request
  cost_param storage_service_ns;     // the storage device's time per 4 KiB request
  cost_param wire_rtt_ns;            // network round trip beyond the host (request/response)

  // ---- guest work (cycles at cpu_ghz) ----
  cost_param guest_irq_entry_cycles;  // interrupt entry and return
  cost_param guest_isr_cycles;        // the driver's interrupt handler body (vring_interrupt, NAPI schedule)
  cost_param guest_napi_poll_cycles;  // one NAPI poll's fixed work (re-arm, re-check)
  cost_param guest_rx_packet_cycles;  // driver + stack per received packet, up to the socket
  cost_param guest_tx_packet_cycles;  // socket to driver per sent packet
  cost_param guest_blk_request_cycles;  // block layer + virtio-blk per request (submit and complete)
  cost_param guest_blk_queue_lock_cycles;  // held under the request queue's lock, per submission and per reap
  cost_param app_rr_cycles;           // netperf TCP_RR's own work per transaction
  cost_param app_udp_rx_cycles;       // a UDP receiver's work per packet
  cost_param app_blk_cycles;          // an fio-like job's work per request

  double guest_ns(double cycles) const { return cycles / cpu_ghz; }
};

// Throws std::runtime_error with a message naming the bad profile and key.
std::map<std::string, cost_profile> load_cost_profiles(const std::string& path);
const cost_profile& find_profile(const std::map<std::string, cost_profile>& all, const std::string& name);
// A copy of `p` with `overrides` (an object of profile keys, as in the file) applied.
cost_profile with_overrides(const cost_profile& p, const nlohmann::json& overrides);
std::vector<std::string> cost_profile_keys();
nlohmann::json to_json(const cost_profile& p);
// Markdown table of every entry (key, value, distribution, source) for docs/latency-model.md.
std::string describe_markdown(const cost_profile& p);

const char* to_string(wired_irq_path p);
const char* to_string(line_trigger t);
const char* to_string(net_backend_kind k);

}  // namespace vmsim
