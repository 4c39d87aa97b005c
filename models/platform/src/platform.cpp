#include "vmsim/platform/platform.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "vmsim/irq/scheme_factory.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

const char* to_string(device_type t) {
  switch (t) {
    case device_type::net: return "net";
    case device_type::blk: return "blk";
    case device_type::rng: return "rng";
  }
  return "?";
}

std::optional<device_type> device_type_named(const std::string& name) {
  for (device_type t : {device_type::net, device_type::blk, device_type::rng})
    if (name == to_string(t)) return t;
  return std::nullopt;
}

void apply_scheme(const scheme_desc& s, transport_config& t, msi_config& msi) {
  if (s.as_posted_2020) {
    msi.register_base = regmap::msi_v2::base_as_posted;
    msi.feature_bit = static_cast<int>(regmap::msi_v2::feature_msi_as_posted);
    t.notify.feature_bit = static_cast<int>(regmap::msi_v2::feature_notification_as_posted);
    t.offer_ring_reset = false;
  }
}

namespace {
[[noreturn]] void reject(const std::string& field, const std::string& why) {
  throw platform_error(fmt::format("{}: {}", field, why));
}

const scheme_desc* scheme_row(const std::string& name) {
  for (const auto& s : interrupt_schemes)
    if (name == s.name) return &s;
  return nullptr;
}

struct range {
  std::string what;
  uint64_t base, size;
};
// Two ranges overlap when the higher base is inside the lower one: differences only, nothing overflows.
bool overlap(const range& a, const range& b) { return a.base <= b.base ? b.base - a.base < a.size : a.base - b.base < b.size; }

bool is_arm(const cost_profile& p) { return p.name.rfind("arm", 0) == 0; }

// The virtqueues each device type has with `queues` (net: its pairs and the control queue).
unsigned virtqueues_of(device_type t, unsigned queues) {
  return t == device_type::net ? 2 * queues + 1 : t == device_type::blk ? queues : 1;
}
}  // namespace

std::vector<std::string> device_names(const std::vector<platform_device>& devices) {
  std::vector<std::string> names;
  std::map<device_type, unsigned> of_type;
  for (const platform_device& d : devices) {
    const unsigned index = of_type[d.type]++;
    names.push_back(d.name.empty() ? fmt::format("{}{}", to_string(d.type), index) : d.name);
  }
  return names;
}

platform_plan plan_platform(const platform_config& c, const cost_profile& p) {
  if (c.vcpus < 1 || c.vcpus > platform_config::max_vcpus)
    reject("vcpus", fmt::format("{} outside 1..{}", c.vcpus, platform_config::max_vcpus));
  if (c.devices.empty() || c.devices.size() > platform_config::max_devices)
    reject("devices", fmt::format("{} devices: a platform has 1..{}", c.devices.size(), platform_config::max_devices));
  if (c.ram_size < (2u << 20) || c.ram_size > (uint64_t{4} << 30))
    reject("ram_size", fmt::format("{} outside 2 MiB..4 GiB", c.ram_size));
  if (c.wired_lines > platform_config::max_lines)
    reject("wired_lines", fmt::format("{}: the controller has at most {} wired lines", c.wired_lines, platform_config::max_lines));

  platform_plan plan;
  plan.irqc = c.irqc;
  plan.irqc.cpus = c.vcpus;
  plan.irqc.flavour = c.flavour ? *c.flavour : is_arm(p) ? msi_flavour::arm_gicv2m : msi_flavour::x86_lapic;
  plan.irqc.eoi_traps_wired = p.wired_trigger == line_trigger::level;  // edge lines need no EOI exit
  const bool x86 = plan.irqc.flavour == msi_flavour::x86_lapic;
  plan.msi_frame_base = x86 ? 0xfee00000 : 0x08020000;
  plan.msi_frame_size = x86 ? interrupt_controller::x86_msi_window : 0x1000;

  // Each device on its own: names, versions, schemes, notification, queues and lines.
  const std::vector<std::string> names = device_names(c.devices);
  for (size_t i = 0; i < c.devices.size(); ++i) {
    const platform_device& d = c.devices[i];
    const std::string f = fmt::format("devices[{}]", i);
    device_plan dp;
    dp.spec = d;
    dp.spec.name = names[i];
    for (const auto& other : plan.devices)
      if (other.spec.name == dp.spec.name) reject(f + ".name", fmt::format("'{}' names two devices", dp.spec.name));
    if (dp.spec.name.find_first_of(". \t") != std::string::npos)
      reject(f + ".name", fmt::format("'{}': a module name has no '.' or blank", dp.spec.name));
    if (d.transport_version != 1 && d.transport_version != 2)
      reject(f + ".transport_version", fmt::format("{} is not 1 (legacy) or 2 (modern)", d.transport_version));
    dp.scheme = scheme_row(d.scheme);
    if (!dp.scheme) reject(f + ".scheme", fmt::format("'{}' is not an interrupt scheme", d.scheme));
    if (d.transport_version < dp.scheme->min_transport_version)
      reject(f + ".scheme", fmt::format("'{}' needs transport_version {} (its registers are in the modern set), not {}",
                                        d.scheme, dp.scheme->min_transport_version, d.transport_version));
    if (d.notify != "queue-notify" && d.notify != "doorbell")
      reject(f + ".notify", fmt::format("'{}' is not queue-notify or doorbell", d.notify));
    if (d.notify_path != "kernel" && d.notify_path != "user" && d.notify_path != "mapped")
      reject(f + ".notify_path", fmt::format("'{}' is not kernel, user or mapped", d.notify_path));
    if (d.notify_path == "mapped" && d.notify != "doorbell")
      reject(f + ".notify_path", "'mapped' needs notify 'doorbell' (QueueNotify is a register: it traps)");
    const unsigned max_queues = d.type == device_type::rng ? 1 : 8;
    if (d.queues < 1 || d.queues > max_queues)
      reject(f + ".queues", fmt::format("{} outside 1..{} for a {} device", d.queues, max_queues, to_string(d.type)));
    const unsigned max_lines = dp.scheme->multi_line ? 8 : 1;
    if (d.lines < 1 || d.lines > max_lines)
      reject(f + ".lines", fmt::format("{} outside 1..{} for scheme '{}'", d.lines, max_lines, d.scheme));
    if (dp.scheme->edge_lines && d.lines < 2)
      reject(f + ".lines", fmt::format("'{}' needs at least 2 wired lines: irqfd leaves InterruptStatus 0, so a single "
                                       "line's ISR finds no work", d.scheme));
    if (d.share_line && (dp.scheme->edge_lines || d.lines != 1))
      reject(f + ".share_line", "only a single level-triggered line can be shared (a pulse from one sharer while "
                                "another holds the line would be lost)");
    dp.virtqueues = virtqueues_of(d.type, d.queues);
    dp.vectors = dp.virtqueues + 1;
    dp.transport = d.transport;
    dp.msi = d.msi;
    dp.transport.version = d.transport_version;
    dp.transport.irq_lines = dp.scheme->multi_line ? d.lines : 1;
    dp.transport.notify.doorbells = d.notify == "doorbell";
    dp.transport.msi_write_latency = sc_core::sc_time(p.msi_write_ns.mean(), sc_core::SC_NS);
    apply_scheme(*dp.scheme, dp.transport, dp.msi);
    plan.devices.push_back(std::move(dp));
  }

  // Lines: the given ones first, then each other device on the next free line.
  std::vector<int> owner(platform_config::max_lines, -1);  // a device on each line (the first one)
  auto place = [&](size_t i, unsigned first) {
    device_plan& dp = plan.devices[i];
    const std::string f = fmt::format("devices[{}].line", i);
    const unsigned n = dp.transport.irq_lines;
    const unsigned limit = c.wired_lines ? c.wired_lines : platform_config::max_lines;
    if (first >= limit || n > limit - first)
      reject(f, fmt::format("lines {}..{} are beyond the controller's {} wired lines{}", first, first + n - 1, limit,
                            c.wired_lines ? " (wired_lines)" : ""));
    for (unsigned l = first; l < first + n; ++l) {
      if (owner[l] >= 0) {
        const device_plan& o = plan.devices[static_cast<size_t>(owner[l])];
        if (!dp.spec.share_line || !o.spec.share_line)
          reject(f, fmt::format("line {} is also {}'s (devices[{}]) and sharing is not allowed (share_line on both)", l,
                                o.spec.name, owner[l]));
        dp.shared = true;
        plan.devices[static_cast<size_t>(owner[l])].shared = true;
      } else {
        owner[l] = static_cast<int>(i);
      }
    }
    dp.spec.line = first;
  };
  for (size_t i = 0; i < plan.devices.size(); ++i)
    if (c.devices[i].line) place(i, *c.devices[i].line);
  for (size_t i = 0; i < plan.devices.size(); ++i) {
    if (c.devices[i].line) continue;
    const unsigned n = plan.devices[i].transport.irq_lines;
    unsigned first = 0;
    auto free_run = [&](unsigned f) {
      for (unsigned l = f; l < f + n; ++l)
        if (l >= platform_config::max_lines || owner[l] >= 0) return false;
      return true;
    };
    while (first < platform_config::max_lines && !free_run(first)) ++first;
    if (first >= platform_config::max_lines)
      reject(fmt::format("devices[{}].line", i), fmt::format("no {} free wired line(s) left of the controller's {}", n,
                                                              platform_config::max_lines));
    place(i, first);
  }
  unsigned needed = 0;
  for (const auto& dp : plan.devices) needed = std::max(needed, *dp.spec.line + dp.transport.irq_lines);
  plan.irqc.wired_lines = c.wired_lines ? c.wired_lines : std::max(plan.irqc.wired_lines, needed);
  for (const auto& dp : plan.devices)
    if (dp.scheme->edge_lines)
      for (unsigned l = *dp.spec.line; l < *dp.spec.line + dp.transport.irq_lines; ++l) plan.irqc.edge_lines |= uint64_t{1} << l;
  // MSI ids start above the wired ones.
  const unsigned wired_end = plan.irqc.wired_base_id + plan.irqc.wired_lines;
  plan.irqc.msi_vector_min = std::max(plan.irqc.msi_vector_min, wired_end);
  plan.irqc.msi_spi_base = std::max(plan.irqc.msi_spi_base, wired_end);
  const unsigned msi_end = x86 ? 256 : plan.irqc.msi_spi_base + plan.irqc.msi_spi_count;
  unsigned next_msi = x86 ? plan.irqc.msi_vector_min : plan.irqc.msi_spi_base;
  for (size_t i = 0; i < plan.devices.size(); ++i) {
    device_plan& dp = plan.devices[i];
    dp.first_msi_id = next_msi;
    if (!dp.scheme->msi) continue;
    if (next_msi + dp.vectors > msi_end)
      reject(fmt::format("devices[{}].scheme", i), fmt::format("'{}' needs {} MSI vectors: the controller has {} left "
                                                               "(ids {}..{})", dp.spec.scheme, dp.vectors, msi_end - next_msi,
                                                               next_msi, msi_end - 1));
    next_msi += dp.vectors;
  }

  // Addresses: the fixed ranges, the given windows, then each other device in the next free window.
  std::vector<range> taken = {{"ram", c.ram_base, c.ram_size},
                              {"irqc", c.irqc_base, interrupt_controller::regs_size},
                              {"msi-frame", plan.msi_frame_base, plan.msi_frame_size}};
  for (const auto& r : taken)
    if (r.base > ~uint64_t{0} - (r.size - 1))
      reject(r.what == "ram" ? "ram_base" : r.what == "irqc" ? "irqc_base" : "msi_frame",
             fmt::format("[{:#x}, +{:#x}) runs past the end of the address space", r.base, r.size));
  for (size_t a = 0; a < taken.size(); ++a)
    for (size_t b = a + 1; b < taken.size(); ++b)
      if (overlap(taken[a], taken[b]))
        reject(taken[a].what == "ram" ? "ram_base" : "irqc_base",
               fmt::format("{} [{:#x}, +{:#x}) overlaps {} [{:#x}, +{:#x})", taken[a].what, taken[a].base, taken[a].size,
                           taken[b].what, taken[b].base, taken[b].size));
  auto claim = [&](size_t i, uint64_t base) {
    device_plan& dp = plan.devices[i];
    const range r{dp.spec.name, base, dp.transport.window_size};
    const std::string f = fmt::format("devices[{}].base", i);
    if (base % 0x1000 != 0) reject(f, fmt::format("{:#x} is not 4 KiB aligned", base));
    if (base > ~uint64_t{0} - (r.size - 1)) reject(f, fmt::format("{:#x} + {:#x} runs past the end of the address space", base, r.size));
    for (const auto& t : taken)
      if (overlap(r, t))
        reject(f, fmt::format("[{:#x}, +{:#x}) overlaps {} [{:#x}, +{:#x})", base, r.size, t.what, t.base, t.size));
    taken.push_back(r);
    dp.spec.base = base;
  };
  for (size_t i = 0; i < plan.devices.size(); ++i)
    if (c.devices[i].base) claim(i, *c.devices[i].base);
  uint64_t next = c.mmio_base;
  for (size_t i = 0; i < plan.devices.size(); ++i) {
    if (c.devices[i].base) continue;
    const uint64_t size = plan.devices[i].transport.window_size;
    auto is_free = [&](uint64_t b) {
      return std::none_of(taken.begin(), taken.end(), [&](const range& t) { return overlap({"", b, size}, t); });
    };
    unsigned tries = 0;
    while (!is_free(next) && ++tries < 4 * platform_config::max_devices + 8) next += size;
    claim(i, next);
    next += size;
  }
  return plan;
}

// ---- the platform ---------------------------------------------------------------------------------------
platform::platform(sc_core::sc_module_name name, const platform_config& c, const cost_profile& profile)
    : sc_module(name),
      cfg_(c),
      profile_(profile),
      plan_(plan_platform(c, profile)),
      bus("bus"),
      ram("ram", c.ram_size),
      devices_(make_devices()),
      irqc("irqc", plan_.irqc),
      lines(used_lines()),
      line_path("line_path", lines.size(),
                [this](const char*, size_t k) { return new host_irq_path(fmt::format("line_path_{}", lines[k]).c_str()); }),
      host(profile),
      hyp("hypervisor", profile, irqc, c.irqc_base, trapped_windows(), host.vmm_lock.get(), c.seed),
      cpu("cpu", c.vcpus, [this](const char* n, size_t i) {
        vcpu_config vc = cfg_.vcpu;
        vc.index = static_cast<unsigned>(i);
        vc.ram_base = cfg_.ram_base;
        vc.quantum = cfg_.quantum;
        vc.wake_cost = [this, i](const sc_core::sc_time& slept) { return hyp.wake_from_halt(static_cast<int>(i), slept); };
        return new vcpu(n, vc);
      }) {
  // The controller before the devices: the router looks its ranges up in this order after a miss of its
  // last hit, and an interrupt's accesses alternate between a device and the controller.
  bus.add_target(ram.socket, {"ram", cfg_.ram_base, cfg_.ram_size});
  bus.add_target(irqc.regs, {"irqc", cfg_.irqc_base, interrupt_controller::regs_size});
  bus.add_target(irqc.msi, {"msi-frame", plan_.msi_frame_base, plan_.msi_frame_size});
  for (auto& d : devices_) {
    d->transport->dma.socket.bind(bus.target);
    bus.add_target(d->transport->mmio, {d->plan.spec.name, *d->plan.spec.base, d->plan.transport.window_size});
  }
  // Each line: its devices (through a wire-OR when several), its host path, the controller's input.
  for (size_t k = 0; k < lines.size(); ++k) {
    const unsigned line = lines[k];
    std::vector<std::pair<size_t, unsigned>> sources;  // (device, its line index)
    for (size_t i = 0; i < devices_.size(); ++i) {
      const device_plan& dp = devices_[i]->plan;
      if (line >= *dp.spec.line && line < *dp.spec.line + dp.transport.irq_lines) sources.emplace_back(i, line - *dp.spec.line);
    }
    if (sources.size() == 1) {
      devices_[sources[0].first]->transport->irq[sources[0].second].bind(line_path[k].in);
    } else {
      combiners.push_back(std::make_unique<wired_or>(fmt::format("line{}_or", line).c_str(), static_cast<unsigned>(sources.size())));
      wired_or& w = *combiners.back();
      for (size_t j = 0; j < sources.size(); ++j) devices_[sources[j].first]->transport->irq[sources[j].second].bind(w.in[j]);
      w.out.bind(line_path[k].in);
    }
    line_path[k].out.bind(irqc.irq_in[line]);
    line_path[k].set_edge(irqc.config().edge(line));
    line_path[k].configure(profile, &host.vmm_thread, host.line_lock(), cfg_.seed);
  }
  for (auto& d : devices_)
    if (virtio_net* n = d->net(); n && profile.net_backend == net_backend_kind::vmm_thread) n->share_worker(&host.vmm_thread);
  hyp.to_bus.bind(bus.target);
  for (unsigned i = 0; i < cfg_.vcpus; ++i) {
    cpu[i].bus.bind(hyp.from_cpu);  // vCPU i binds i-th
    irqc.cpu_irq[i].bind(cpu[i].irq);
  }
}

std::vector<std::unique_ptr<platform::device_slot>> platform::make_devices() {
  std::vector<std::unique_ptr<device_slot>> r;
  for (const device_plan& dp : plan_.devices) {
    auto s = std::make_unique<device_slot>();
    s->plan = dp;
    const std::string& n = dp.spec.name;
    switch (dp.spec.type) {
      case device_type::net: {
        net_params np = dp.spec.net;
        np.pairs = dp.spec.queues;
        s->model = std::make_unique<virtio_net>(n.c_str(), np);
        break;
      }
      case device_type::blk: {
        blk_params bp = dp.spec.blk;
        bp.queues = dp.spec.queues;
        s->model = std::make_unique<virtio_blk>(n.c_str(), bp);
        break;
      }
      case device_type::rng: s->model = std::make_unique<virtio_rng>(n.c_str(), dp.spec.rng); break;
    }
    s->transport = std::make_unique<virtio_mmio_transport>((n + "_transport").c_str(), *s->model, dp.transport,
                                                           make_interrupt_scheme(dp.spec.scheme, dp.msi));
    r.push_back(std::move(s));
  }
  return r;
}

std::vector<unsigned> platform::used_lines() const {
  std::vector<unsigned> r;
  for (const auto& d : devices_)
    for (unsigned l = 0; l < d->plan.transport.irq_lines; ++l) r.push_back(*d->plan.spec.line + l);
  std::sort(r.begin(), r.end());
  r.erase(std::unique(r.begin(), r.end()), r.end());
  return r;
}

// What the hypervisor traps of each device: its registers, and the doorbells it handles in the kernel.
std::vector<hyp_device_window> platform::trapped_windows() const {
  std::vector<hyp_device_window> w;
  for (const auto& d : devices_) {
    const device_plan& dp = d->plan;
    const bool db = dp.transport.notify.doorbells;
    const notify_class nc = dp.spec.notify_path == "user"     ? notify_class::user
                            : dp.spec.notify_path == "mapped" ? notify_class::mapped
                                                              : notify_class::kernel;
    w.push_back({dp.spec.trace_label.empty() ? dp.spec.name : dp.spec.trace_label, *dp.spec.base, dp.transport.window_size, db ? dp.transport.notify.doorbell.base : 0u,
                 db ? d->transport->doorbell_layout().window_size() : 0u, nc});
  }
  return w;
}

std::vector<size_t> platform::devices_on_line(unsigned line) const {
  std::vector<size_t> r;
  for (size_t i = 0; i < devices_.size(); ++i) {
    const device_plan& dp = devices_[i]->plan;
    if (line >= *dp.spec.line && line < *dp.spec.line + dp.transport.irq_lines) r.push_back(i);
  }
  return r;
}

host_irq_path* platform::path_of_line(unsigned line) {
  for (size_t k = 0; k < lines.size(); ++k)
    if (lines[k] == line) return &line_path[k];
  return nullptr;
}

}  // namespace vmsim
