#include "vmsim/hyp/cost_profile.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace vmsim {

using nlohmann::json;

const char* to_string(wired_irq_path p) {
  switch (p) {
    case wired_irq_path::direct: return "direct";
    case wired_irq_path::irqfd_kworker: return "irqfd-kworker";
    case wired_irq_path::user_relay: return "user-relay";
    case wired_irq_path::vmm_signal: return "vmm-signal";
  }
  return "?";
}
const char* to_string(line_trigger t) { return t == line_trigger::level ? "level" : "edge"; }
const char* to_string(net_backend_kind k) { return k == net_backend_kind::vhost ? "vhost" : "vmm-thread"; }

namespace {
// One row per key: what it is and where it lives in cost_profile.
struct field {
  enum kind_t { timed, number, count, flag, text, choice } kind;
  const char* key;
  cost_param cost_profile::*param = nullptr;
  double cost_profile::*num = nullptr;
  unsigned cost_profile::*cnt = nullptr;
  bool cost_profile::*flg = nullptr;
  std::string cost_profile::*txt = nullptr;
  std::vector<std::string> choices = {};
  void (*set_choice)(cost_profile&, size_t) = nullptr;
  size_t (*get_choice)(const cost_profile&) = nullptr;
};

// Where the mechanisms and capacities come from (the timed entries carry their own source in the file).
const char* mechanism_source(const std::string& key) {
  static const std::map<std::string, const char*> why = {
      {"cpu_ghz", "the guest's clock: an assumption on x86, Ampere Altra's nominal clock on arm64"},
      {"wired_irq_path", "QEMU: hw/virtio/virtio-mmio.c virtio_mmio_set_guest_notifiers (with_irqfd = false: the main loop relays "
                         "vhost's call eventfd); Firecracker: vstate/vm.rs register_irqfd on an IOAPIC GSI, which KVM injects from "
                         "a worker (virt/kvm/eventfd.c irqfd_wakeup -> schedule_work); Cloud Hypervisor (Dec 2019, split irqchip): "
                         "vmm/src/device_manager.rs UserIoapicIrq::deliver -> ioapic.lock() -> Ioapic::service_irq -> "
                         "vm_fd.signal_msi (KVM_SIGNAL_MSI) from the device's worker thread"},
      {"wired_trigger", "level: the MSI patch lists the IOAPIC EOI among the legacy ISR's exits (seeds); edge: Firecracker's "
                        "MP table (arch/x86_64/mptable.rs, ISA default); Cloud Hypervisor: assumption (level, as the patch's IOAPIC "
                        "EOI exit implies), whose EOI exits to user space (KVM_EXIT_IOAPIC_EOI -> vmm/src/cpu.rs VcpuExit::IoapicEoi)"},
      {"vmm_lock", "QEMU's big lock, taken for every MMIO region (softmmu/physmem.c prepare_mmio_access); Firecracker and Cloud "
                   "Hypervisor lock per device only"},
      {"net_backend", "vhost: an assumption for QEMU (the patch's test does not say); Firecracker: its event-loop thread; "
                      "Cloud Hypervisor (Dec 2019): the device's epoll worker thread (vm-virtio/src/net.rs)"},
      {"blk_iothreads", "QEMU: one I/O thread per device (assumption: the default configuration)"},
      {"storage_channels", "derived: Optane P4800X 550k IOPS (Intel's data sheet) x ~10 us per request = ~6 in parallel"},
      {"halt_poll_ns", "KVM_HALT_POLL_NS_DEFAULT: 200000 on x86, 500000 on arm64 (arch/*/include/asm/kvm_host.h)"}};
  auto it = why.find(key);
  return it == why.end() ? "" : it->second;
}

field timed_field(const char* k, cost_param cost_profile::*m) { return {field::timed, k, m}; }

const std::vector<field>& fields() {
  static const std::vector<field> f = [] {
    std::vector<field> v;
    v.push_back({field::text, "description", nullptr, nullptr, nullptr, nullptr, &cost_profile::description});
    v.push_back({field::number, "cpu_ghz", nullptr, &cost_profile::cpu_ghz});
    v.push_back({field::text, "vmm", nullptr, nullptr, nullptr, nullptr, &cost_profile::vmm});
    v.push_back({field::choice, "wired_irq_path", nullptr, nullptr, nullptr, nullptr, nullptr,
                 {"direct", "irqfd-kworker", "user-relay", "vmm-signal"},
                 [](cost_profile& p, size_t i) { p.wired_path = static_cast<wired_irq_path>(i); },
                 [](const cost_profile& p) { return static_cast<size_t>(p.wired_path); }});
    v.push_back({field::choice, "wired_trigger", nullptr, nullptr, nullptr, nullptr, nullptr, {"level", "edge"},
                 [](cost_profile& p, size_t i) { p.wired_trigger = static_cast<line_trigger>(i); },
                 [](const cost_profile& p) { return static_cast<size_t>(p.wired_trigger); }});
    v.push_back({field::flag, "vmm_lock", nullptr, nullptr, nullptr, &cost_profile::vmm_lock});
    v.push_back({field::choice, "net_backend", nullptr, nullptr, nullptr, nullptr, nullptr, {"vhost", "vmm-thread"},
                 [](cost_profile& p, size_t i) { p.net_backend = static_cast<net_backend_kind>(i); },
                 [](const cost_profile& p) { return static_cast<size_t>(p.net_backend); }});
    v.push_back({field::count, "blk_iothreads", nullptr, nullptr, &cost_profile::blk_iothreads});
    v.push_back({field::count, "storage_channels", nullptr, nullptr, &cost_profile::storage_channels});
    v.push_back({field::number, "halt_poll_ns", nullptr, &cost_profile::halt_poll_ns});
    for (auto [k, m] : std::initializer_list<std::pair<const char*, cost_param cost_profile::*>>{
             {"mmio_exit_user_ns", &cost_profile::mmio_exit_user_ns},
             {"mmio_exit_kernel_ns", &cost_profile::mmio_exit_kernel_ns},
             {"vmm_lock_hold_ns", &cost_profile::vmm_lock_hold_ns},
             {"eoi_trap_ns", &cost_profile::eoi_trap_ns},
             {"eoi_virtual_ns", &cost_profile::eoi_virtual_ns},
             {"irq_ack_ns", &cost_profile::irq_ack_ns},
             {"inject_wired_ns", &cost_profile::inject_wired_ns},
             {"inject_msi_ns", &cost_profile::inject_msi_ns},
             {"msi_write_ns", &cost_profile::msi_write_ns},
             {"host_wakeup_ns", &cost_profile::host_wakeup_ns},
             {"irq_line_ioctl_ns", &cost_profile::irq_line_ioctl_ns},
             {"relay_handler_ns", &cost_profile::relay_handler_ns},
             {"hlt_exit_ns", &cost_profile::hlt_exit_ns},
             {"ipi_send_ns", &cost_profile::ipi_send_ns},
             {"doorbell_user_ns", &cost_profile::doorbell_user_ns},
             {"doorbell_mapped_ns", &cost_profile::doorbell_mapped_ns},
             {"backend_notify_ns", &cost_profile::backend_notify_ns},
             {"backend_per_packet_ns", &cost_profile::backend_per_packet_ns},
             {"blk_backend_per_request_ns", &cost_profile::blk_backend_per_request_ns},
             {"storage_service_ns", &cost_profile::storage_service_ns},
             {"wire_rtt_ns", &cost_profile::wire_rtt_ns},
             {"guest_irq_entry_cycles", &cost_profile::guest_irq_entry_cycles},
             {"guest_isr_cycles", &cost_profile::guest_isr_cycles},
             {"guest_napi_poll_cycles", &cost_profile::guest_napi_poll_cycles},
             {"guest_rx_packet_cycles", &cost_profile::guest_rx_packet_cycles},
             {"guest_tx_packet_cycles", &cost_profile::guest_tx_packet_cycles},
             {"guest_blk_request_cycles", &cost_profile::guest_blk_request_cycles},
             {"guest_blk_queue_lock_cycles", &cost_profile::guest_blk_queue_lock_cycles},
             {"app_rr_cycles", &cost_profile::app_rr_cycles},
             {"app_udp_rx_cycles", &cost_profile::app_udp_rx_cycles},
             {"app_blk_cycles", &cost_profile::app_blk_cycles}})
      v.push_back(timed_field(k, m));
    return v;
  }();
  return f;
}

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::runtime_error(fmt::format("cost profile {}: {}", where, what));
}

// A timed entry: a number (a constant mean) or {"mean", "dist", "cv", "source"}, each optional over the
// entry it changes. `default_source` is what a bare number's source becomes (a scenario's override).
void apply_timed(cost_param& p, const json& v, const std::string& where, const char* default_source) {
  if (v.is_number()) {
    p.value = distribution{v.get<double>(), dist_shape::constant, 0};
    if (default_source) p.source = default_source;
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      if (k == "mean") {
        if (!e.is_number()) bad(where, "mean: expected a number");
        p.value.mean = e.get<double>();
      } else if (k == "dist") {
        if (!e.is_string() || !parse_dist_shape(e.get<std::string>(), p.value.shape))
          bad(where, fmt::format("dist: {} is not one of: {}", e.dump(), fmt::join(dist_shape_names(), ", ")));
        if (p.value.shape != dist_shape::lognormal) p.value.cv = 0;
      } else if (k == "cv") {
        if (!e.is_number()) bad(where, "cv: expected a number");
        p.value.cv = e.get<double>();
      } else if (k == "source") {
        if (!e.is_string() || e.get<std::string>().empty()) bad(where, "source: expected a non-empty string");
        p.source = e.get<std::string>();
      } else {
        bad(where, fmt::format("unknown key '{}' (allowed: mean, dist, cv, source)", k));
      }
    }
    if (!v.contains("source") && default_source) p.source = default_source;
  } else {
    bad(where, fmt::format("expected a number or an object {{mean, dist, cv, source}}, got {}", v.dump()));
  }
  if (auto why = p.value.check(); !why.empty()) bad(where, why);
}

void apply(cost_profile& p, const json& body, const std::string& name, const char* default_source) {
  for (const auto& item : body.items()) {
    const std::string key = item.key();  // a named local: lambdas may not capture structured bindings (C++17)
    const nlohmann::json& v = item.value();
    if (key == "base") continue;
    const auto& fs = fields();
    auto f = std::find_if(fs.begin(), fs.end(), [&](const field& x) { return key == x.key; });
    if (f == fs.end()) {
      bad(fmt::format("'{}'", name), fmt::format("unknown key '{}' (allowed: base, {})", key, fmt::join(cost_profile_keys(), ", ")));
    }
    const std::string where = fmt::format("'{}'.{}", name, key);
    switch (f->kind) {
      case field::timed: apply_timed(p.*(f->param), v, where, default_source); break;
      case field::number:
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0) bad(where, "expected a number >= 0");
        p.*(f->num) = v.get<double>();
        break;
      case field::count:
        if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 4096)
          bad(where, fmt::format("expected a whole number 1..4096 (a resource needs at least one server), got {}", v.dump()));
        p.*(f->cnt) = v.get<unsigned>();
        break;
      case field::flag:
        if (!v.is_boolean()) bad(where, "expected true or false");
        p.*(f->flg) = v.get<bool>();
        break;
      case field::text:
        if (!v.is_string()) bad(where, "expected a string");
        p.*(f->txt) = v.get<std::string>();
        break;
      case field::choice: {
        auto it = v.is_string() ? std::find(f->choices.begin(), f->choices.end(), v.get<std::string>()) : f->choices.end();
        if (it == f->choices.end())
          bad(where, fmt::format("{} is not a mechanism the model has (allowed: {})", v.dump(), fmt::join(f->choices, ", ")));
        f->set_choice(p, static_cast<size_t>(it - f->choices.begin()));
        break;
      }
    }
  }
  if (p.cpu_ghz <= 0) bad(fmt::format("'{}'.cpu_ghz", name), "must be > 0");
}

void require_sources(const cost_profile& p) {
  for (const auto& f : fields())
    if (f.kind == field::timed && (p.*(f.param)).source.empty())
      bad(fmt::format("'{}'.{}", p.name, f.key),
          "has no source: give {\"mean\": ..., \"source\": \"...\"} (a reference, or \"assumption: why\"), or a base profile that has it");
}
}  // namespace

std::vector<std::string> cost_profile_keys() {
  std::vector<std::string> k;
  for (const auto& f : fields()) k.emplace_back(f.key);
  return k;
}

std::map<std::string, cost_profile> load_cost_profiles(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cost profiles: cannot open '{}'", path));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(fmt::format("cost profiles '{}': not JSON: {}", path, e.what()));
  }
  if (!doc.is_object()) throw std::runtime_error(fmt::format("cost profiles '{}': expected an object of profiles", path));
  std::map<std::string, cost_profile> out;
  // Resolves `name` after its base (depth first); `visiting` catches a cycle of bases.
  std::set<std::string> visiting;
  std::function<const cost_profile&(const std::string&)> resolve = [&](const std::string& name) -> const cost_profile& {
    if (auto it = out.find(name); it != out.end()) return it->second;
    const json& body = doc.at(name);
    if (!body.is_object()) bad(fmt::format("'{}'", name), "expected an object");
    if (!visiting.insert(name).second) bad(fmt::format("'{}'.base", name), "the chain of base profiles is a cycle");
    cost_profile p;
    if (body.contains("base")) {
      const json& b = body["base"];
      if (!b.is_string() || !doc.contains(b.get<std::string>()))
        bad(fmt::format("'{}'.base", name), fmt::format("{} is not a profile of this file", b.dump()));
      p = resolve(b.get<std::string>());
    }
    p.name = name;
    apply(p, body, name, nullptr);
    require_sources(p);
    visiting.erase(name);
    return out[name] = p;
  };
  for (const auto& [name, body] : doc.items()) resolve(name);
  return out;
}

const cost_profile& find_profile(const std::map<std::string, cost_profile>& all, const std::string& name) {
  auto it = all.find(name);
  if (it == all.end()) {
    std::vector<std::string> names;
    for (const auto& kv : all) names.push_back(kv.first);
    throw std::runtime_error(fmt::format("unknown profile '{}' (allowed: {})", name, fmt::join(names, ", ")));
  }
  return it->second;
}

cost_profile with_overrides(const cost_profile& p, const json& overrides) {
  if (!overrides.is_object()) bad(fmt::format("'{}' overrides", p.name), "expected an object of profile keys");
  if (overrides.contains("base")) bad(fmt::format("'{}' overrides", p.name), "'base' cannot be overridden");
  cost_profile q = p;
  apply(q, overrides, p.name, "scenario override");
  return q;
}

json to_json(const cost_profile& p) {
  json j = {{"name", p.name}};
  for (const auto& f : fields()) {
    switch (f.kind) {
      case field::timed: {
        const cost_param& c = p.*(f.param);
        json e = {{"mean", c.value.mean}, {"dist", to_string(c.value.shape)}, {"source", c.source}};
        if (c.value.shape == dist_shape::lognormal) e["cv"] = c.value.cv;
        j[f.key] = e;
        break;
      }
      case field::number: j[f.key] = p.*(f.num); break;
      case field::count: j[f.key] = p.*(f.cnt); break;
      case field::flag: j[f.key] = p.*(f.flg); break;
      case field::text: j[f.key] = p.*(f.txt); break;
      case field::choice: j[f.key] = f.choices[f.get_choice(p)]; break;
    }
  }
  return j;
}

std::string describe_markdown(const cost_profile& p) {
  std::string s = fmt::format("| `{}` | value | varies | source |\n|---|---|---|---|\n", p.name);
  const json j = to_json(p);
  for (const auto& f : fields()) {
    if (f.kind == field::text) continue;
    const json& e = j[f.key];
    if (f.kind != field::timed) {
      s += fmt::format("| `{}` | {} | | {} |\n", f.key, e.is_string() ? e.get<std::string>() : e.dump(), mechanism_source(f.key));
      continue;
    }
    const cost_param& c = p.*(f.param);
    const std::string varies = c.value.shape == dist_shape::constant ? "" :
        c.value.shape == dist_shape::exponential ? "exponential" : fmt::format("lognormal, cv {:g}", c.value.cv);
    s += fmt::format("| `{}` | {:g} | {} | {} |\n", f.key, c.value.mean, varies, c.source);
  }
  return s;
}

}  // namespace vmsim
