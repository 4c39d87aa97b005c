// A micro-VM's whole platform from one description, as a VMM builds it: guest RAM and the system bus, the
// interrupt controller with enough wired lines, each device (virtio-net, -blk, -rng) behind its own
// virtio-mmio transport with its own interrupt scheme, the host's delivery path of each wired line, the
// host's shared threads and locks, the hypervisor trapping every device window, and the vCPUs behind it.
//
//   vCPU c --> hypervisor --> bus --+--> ram
//                                   +--> dev[i].transport.mmio   (one window per device)
//                                   +--> irqc.regs, irqc.msi
//   dev[i].transport.irq[l] --(wired_or when the line is shared)--> line_path[line] --> irqc.irq_in[line]
//
// Addresses and lines not given are allocated as a VMM does: device i at mmio_base + i * window (QEMU's
// virt board steps 0x200; these windows are 0x1000, they hold the MSI blocks and doorbells), each device on
// the next free line (QEMU/Firecracker: one GSI per device). plan_platform() checks a configuration before
// anything is elaborated (the constructor runs it first) and throws platform_error naming the field
// ("devices[2].line: ..."). docs/platform.md has the rules.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>

#include "vmsim/cpu/vcpu.h"
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/hyp/host_irq_path.h"
#include "vmsim/hyp/host_resources.h"
#include "vmsim/hyp/hypervisor.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/msi_schemes.h"
#include "vmsim/irq/scheme_table.h"
#include "vmsim/memory/guest_ram.h"
#include "vmsim/memory/router.h"
#include "vmsim/platform/scheme_setup.h"
#include "vmsim/platform/wired_or.h"
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim {

struct platform_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class device_type : uint8_t { net, blk, rng };
const char* to_string(device_type t);
// "net", "blk" or "rng"; nothing for any other name.
std::optional<device_type> device_type_named(const std::string& name);

struct platform_device {
  device_type type = device_type::rng;
  std::string name;                      // empty: the type and its index among devices of that type (net0)
  unsigned transport_version = 2;        // 1 legacy, 2 modern
  std::string scheme = "legacy-wired";   // a row of the scheme table
  std::string notify = "queue-notify";   // queue-notify | doorbell
  std::string notify_path = "kernel";    // kernel (ioeventfd) | user (exits to the VMM) | mapped (doorbells only)
  unsigned queues = 1;                   // net: queue pairs; blk: request queues; rng: 1
  unsigned lines = 1;                    // wired lines of a multi-line scheme (multi-irq); others use one
  std::optional<uint64_t> base;          // the MMIO window; absent: allocated
  std::optional<unsigned> line;          // the first controller input; absent: the next free one
  bool share_line = false;               // may share its line with other devices that allow it too
  std::string trace_label;               // its window's name in the hypervisor's timeline; empty: `name`
  // The back-end's own parameters (seed, costs, capacity); queues/pairs are set from `queues`.
  net_params net;
  blk_params blk;
  rng_params rng;
  // The transport's and MSI block's own parameters (queue limits, feature offers, vectors: --param
  // vm.transport.*, vm.msi.*); the plan sets version, lines, notification and the scheme's layout over them.
  transport_config transport;
  msi_config msi;
};

struct platform_config {
  static constexpr unsigned max_devices = 64, max_vcpus = 32;
  static constexpr unsigned max_lines = 64;  // the controller's edge-line mask is 64 bits
  unsigned vcpus = 1;
  uint64_t ram_base = 0x40000000, ram_size = 64 << 20;
  uint64_t irqc_base = 0x08000000;
  uint64_t mmio_base = 0x0a000000;       // the first allocated device window
  unsigned wired_lines = 0;              // controller inputs; 0: what the devices need, at least 16
  std::optional<msi_flavour> flavour;    // absent: from the profile (arm* profiles: GICv2m, else x86 LAPIC)
  sc_core::sc_time quantum = sc_core::sc_time(10, sc_core::SC_US);
  uint64_t seed = 1;
  // The controller's and every vCPU's own parameters (--param vm.irqc.*, vm.cpu.*); the plan sets the
  // vCPU count, flavour, lines and MSI ids, and each vCPU's index, RAM and quantum over them.
  irqc_config irqc;
  vcpu_config vcpu;
  std::vector<platform_device> devices;
};

// One device as the platform builds it: every address, line and interrupt id resolved.
struct device_plan {
  platform_device spec;          // with name, base and line filled in
  transport_config transport;
  msi_config msi;
  uint32_t first_msi_id = 0;     // the device's vector 0 (x86 vector or arm SPI); its vectors follow
  unsigned vectors = 0;          // MSI vectors it may use: config + one per virtqueue
  unsigned virtqueues = 0;
  const scheme_desc* scheme = nullptr;
  bool shared = false;           // its line has other devices on it
};

struct platform_plan {
  irqc_config irqc;
  std::vector<device_plan> devices;
  uint64_t msi_frame_base = 0, msi_frame_size = 0;
};

// Each device's name as the platform gives it: its own, or its type and its index among the devices of
// that type (net0, net1, blk0). Its parameters scoped to it are vm.<name>.<group>.* (apply_params).
std::vector<std::string> device_names(const std::vector<platform_device>& devices);

// Validates `c` against the profile and resolves it; throws platform_error naming the field.
platform_plan plan_platform(const platform_config& c, const cost_profile& p);

class platform : public sc_core::sc_module {
 public:
  struct device_slot {
    device_plan plan;
    std::unique_ptr<device_backend> model;
    std::unique_ptr<virtio_mmio_transport> transport;
    virtio_net* net() { return plan.spec.type == device_type::net ? static_cast<virtio_net*>(model.get()) : nullptr; }
    virtio_blk* blk() { return plan.spec.type == device_type::blk ? static_cast<virtio_blk*>(model.get()) : nullptr; }
    virtio_rng* rng() { return plan.spec.type == device_type::rng ? static_cast<virtio_rng*>(model.get()) : nullptr; }
  };

  // Validates first (platform_error naming the field), then elaborates. `profile` must outlive the platform.
  platform(sc_core::sc_module_name name, const platform_config& c, const cost_profile& profile);

  const platform_config& config() const { return cfg_; }
  const platform_plan& plan() const { return plan_; }
  const cost_profile& profile() const { return profile_; }
  device_slot& device(size_t i) { return *devices_[i]; }
  size_t device_count() const { return devices_.size(); }
  // The devices wired to controller input `line` (several when it is shared).
  std::vector<size_t> devices_on_line(unsigned line) const;
  // The host path of controller input `line`; null when no device uses it.
  host_irq_path* path_of_line(unsigned line);

 private:
  platform_config cfg_;
  const cost_profile& profile_;
  platform_plan plan_;
  std::vector<std::unique_ptr<device_slot>> make_devices();
  std::vector<unsigned> used_lines() const;
  std::vector<hyp_device_window> trapped_windows() const;

 public:
  // Construction order is the order below (devices before the controller, as the one-device platform did).
  router bus;
  guest_ram ram;

 private:
  std::vector<std::unique_ptr<device_slot>> devices_;

 public:
  interrupt_controller irqc;
  std::vector<unsigned> lines;                         // the controller inputs in use, ascending
  sc_core::sc_vector<host_irq_path> line_path;         // line_path[k] delivers lines[k]
  std::vector<std::unique_ptr<wired_or>> combiners;    // one per shared line
  host_resources host;
  hypervisor hyp;
  sc_core::sc_vector<vcpu> cpu;
};

}  // namespace vmsim
