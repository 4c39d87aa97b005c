#include "scenario.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <systemc>

#include "model_params.h"
#include "vmsim/irq/scheme_factory.h"
#include "vmsim/regmap/interrupts.h"

namespace vmsim::app {

const std::vector<std::string>& workloads() {
  static const std::vector<std::string> w = {"micro", "rr", "mq-rx", "blk", "mixed"};
  return w;
}

nlohmann::json device_entry::to_json() const {
  nlohmann::json j = {{"type", type}, {"count", count}, {"share_line", share_line}};
  if (!name.empty()) j["name"] = name;
  if (transport_version) j["transport_version"] = *transport_version;
  if (queues) j["queues"] = *queues;
  if (line) j["line"] = *line;
  if (lines) j["lines"] = *lines;
  if (scheme) j["scheme"] = *scheme;
  if (notify) j["notify"] = *notify;
  if (notify_path) j["notify_path"] = *notify_path;
  if (base) j["base"] = *base;
  if (vcpu) j["vcpu"] = *vcpu;
  return j;
}

nlohmann::json scenario::to_json() const {
  nlohmann::json j = {{"name", name}, {"workload", workload}, {"scheme", scheme}, {"profile", profile}, {"notify", notify}, {"notify_path", notify_path},
          {"decoder", decoder}, {"transport_version", transport_version}, {"vcpus", vcpus}, {"queues", queues},
          {"queue_depth", queue_depth}, {"requests", requests}, {"duration_us", duration_us}, {"rate_pps", rate_pps},
          {"seed", seed}, {"quantum_ns", quantum_ns}, {"irq_affinity", irq_affinity}, {"timeline", timeline}, {"profile_params", profile_params}, {"ram_base", ram_base},
          {"ram_size", ram_size}, {"device_base", device_base}, {"irqc_base", irqc_base}, {"vcd", vcd},
          {"timeline_window_us", timeline_window_us}};
  // Only when given: a point without them keeps its content hash (sweeps resume across versions).
  if (!params.empty()) j["params"] = params;
  if (!devices.empty()) {
    j["devices"] = nlohmann::json::array();
    for (const auto& d : devices) j["devices"].push_back(d.to_json());
  }
  return j;
}

namespace {
// The range of each numeric key: one table for the JSON, the command line and a scenario built in code.
struct uint_limit {
  const char* key;
  uint64_t lo, hi;
};
struct real_limit {
  const char* key;
  double lo, hi;  // lo < value <= hi when lo_open, else lo <= value <= hi
  bool lo_open;
  const char* text;
};
constexpr uint64_t mib = 1 << 20, gib = uint64_t{1} << 30;
constexpr uint64_t max_address = ~uint64_t{0};
constexpr uint_limit transport_version_l{"transport_version", 1, 2},
    vcpus_l{"vcpus", 1, platform_config::max_vcpus},
    queues_l{"queues", 1, 8} /* the device offers at most 8 queues (pairs) */, queue_depth_l{"queue_depth", 1, 64},
    requests_l{"requests", 1, 100000000}, seed_l{"seed", 0, ~uint64_t{0}},
    ram_size_l{"ram_size", 2 * mib, 4 * gib}, address_l{"", 0, max_address};
constexpr real_limit duration_l{"duration_us", 1, 1e7, false, "1..10000000 (10 s simulated)"},
    rate_l{"rate_pps", 1, 1e9, false, "1..1e9 (a packet period of at least 1 ns)"},
    quantum_l{"quantum_ns", 1, 1e6, false, "1..1000000"};

[[noreturn]] void outside(const char* key, const std::string& value, const std::string& allowed) {
  throw scenario_error(fmt::format("scenario.{}: {} outside {}", key, value, allowed));
}
void check(const uint_limit& l, uint64_t v) {
  if (v < l.lo || v > l.hi) outside(l.key, std::to_string(v), fmt::format("{}..{}", l.lo, l.hi));
}
void check(const real_limit& l, double v) {
  // Written so that NaN fails too; a JSON or command-line number too large for a double is inf and fails.
  const bool ok = (l.lo_open ? v > l.lo : v >= l.lo) && v <= l.hi;
  if (!ok) outside(l.key, fmt::format("{}", v), l.text);
}

void expect(bool ok, const char* key, const char* type, const nlohmann::json& v) {
  if (!ok) throw scenario_error(fmt::format("scenario.{}: expected {}, got {}", key, type, v.dump()));
}
void take(const nlohmann::json& j, const char* key, std::string& out, const char* type) {
  if (!j.contains(key)) return;
  expect(j.at(key).is_string(), key, type, j.at(key));
  out = j.at(key).get<std::string>();
}
// Unsigned keys are read as 64-bit and range-checked before they are narrowed: nothing wraps.
template <class T>
void take(const nlohmann::json& j, const uint_limit& l, T& out, const char* key = nullptr) {
  key = key ? key : l.key;
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  expect(v.is_number_unsigned(), key, "an unsigned integer", v);
  const uint64_t x = v.get<uint64_t>();
  check({key, l.lo, l.hi}, x);
  out = static_cast<T>(x);
}
void take(const nlohmann::json& j, const real_limit& l, double& out) {
  if (!j.contains(l.key)) return;
  const auto& v = j.at(l.key);
  expect(v.is_number(), l.key, "a number", v);
  const double x = v.get<double>();
  check(l, x);
  out = x;
}

void one_of(const char* field, const std::string& value, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    throw scenario_error(fmt::format("scenario.{}: '{}' is not one of: {}", field, value, fmt::join(allowed, ", ")));
}

// What the machine can give: the RAM is one host allocation (calloc'd, pages taken as they are touched).
void check_host_can_allocate(uint64_t bytes) {
  void* p = bytes <= SIZE_MAX ? std::calloc(static_cast<size_t>(bytes), 1) : nullptr;
  if (!p) throw scenario_error(fmt::format("scenario.ram_size: the host cannot allocate {} bytes", bytes));
  std::free(p);
}

// One entry of `devices`; its fields are checked here for type, the platform checks their combination.
device_entry parse_device(const nlohmann::json& j, const std::string& at) {
  if (!j.is_object()) throw scenario_error(fmt::format("scenario.{}: expected an object, got {}", at, j.dump()));
  static const std::vector<std::string> keys = {"type", "name", "count", "transport_version", "queues", "line", "lines",
                                                "scheme", "notify", "notify_path", "base", "share_line", "vcpu"};
  for (const auto& [k, v] : j.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw scenario_error(fmt::format("scenario.{}: unknown key '{}' (allowed: {})", at, k, fmt::join(keys, ", ")));
  device_entry d;
  auto key = [&](const char* k) { return at + "." + k; };
  auto str = [&](const char* k, std::string& out) {
    if (!j.contains(k)) return false;
    expect(j.at(k).is_string(), key(k).c_str(), "a string", j.at(k));
    out = j.at(k).get<std::string>();
    return true;
  };
  auto num = [&](const char* k, uint64_t lo, uint64_t hi) -> std::optional<uint64_t> {
    if (!j.contains(k)) return std::nullopt;
    expect(j.at(k).is_number_unsigned(), key(k).c_str(), "an unsigned integer", j.at(k));
    const uint64_t v = j.at(k).get<uint64_t>();
    check({key(k).c_str(), lo, hi}, v);
    return v;
  };
  str("type", d.type);
  if (!device_type_named(d.type)) throw scenario_error(fmt::format("scenario.{}: '{}' is not one of: net, blk, rng", key("type"), d.type));
  str("name", d.name);
  if (auto v = num("count", 1, platform_config::max_devices)) d.count = static_cast<unsigned>(*v);
  if (auto v = num("transport_version", 0, 1000)) d.transport_version = static_cast<unsigned>(*v);
  if (auto v = num("queues", 0, 1000)) d.queues = static_cast<unsigned>(*v);
  if (auto v = num("line", 0, 1000000)) d.line = static_cast<unsigned>(*v);
  if (auto v = num("lines", 0, 1000)) d.lines = static_cast<unsigned>(*v);
  if (auto v = num("base", 0, max_address)) d.base = *v;
  if (auto v = num("vcpu", 0, platform_config::max_vcpus - 1)) d.vcpu = static_cast<unsigned>(*v);
  std::string text;
  if (str("scheme", text)) d.scheme = text;
  if (str("notify", text)) d.notify = text;
  if (str("notify_path", text)) d.notify_path = text;
  if (j.contains("share_line")) {
    expect(j.at("share_line").is_boolean(), key("share_line").c_str(), "true or false", j.at("share_line"));
    d.share_line = j.at("share_line").get<bool>();
  }
  if (d.base && d.count > 1)
    throw scenario_error(fmt::format("scenario.{}: a fixed base is for one device, not count {}", key("base"), d.count));
  return d;
}

// The device type a workload drives (mixed: several).
std::optional<device_type> workload_device(const std::string& workload) {
  if (workload == "micro") return device_type::rng;
  if (workload == "rr" || workload == "mq-rx") return device_type::net;
  if (workload == "blk") return device_type::blk;
  return std::nullopt;
}
}  // namespace

std::vector<unsigned> driving_vcpus(const scenario& s) {
  std::vector<unsigned> r;
  for (const device_entry& e : s.devices) r.insert(r.end(), e.count, e.vcpu.value_or(0));
  if (r.empty()) r.push_back(0);  // the one device of a scenario without a list
  return r;
}

std::vector<platform_device> devices_of(const scenario& s, std::vector<size_t>* entry_of) {
  std::vector<platform_device> r;
  auto multi_line = [](const std::string& scheme) {
    for (const auto& row : interrupt_schemes)
      if (scheme == row.name) return row.multi_line;
    return false;
  };
  const auto driven = workload_device(s.workload);
  if (s.devices.empty()) {  // the workload's one device, where the one-device fields put it
    platform_device d;
    d.type = driven.value_or(device_type::net);
    d.name = "device";
    d.trace_label = "virtio";
    d.transport_version = s.transport_version;
    d.scheme = s.scheme;
    d.notify = s.notify;
    d.notify_path = s.notify_path;
    d.queues = s.queues;
    d.lines = multi_line(s.scheme) && d.type == device_type::net ? s.queues : 1;
    d.base = s.device_base;
    d.line = 0;
    r.push_back(d);
    if (entry_of) entry_of->push_back(0);
    return r;
  }
  for (size_t i = 0; i < s.devices.size(); ++i) {
    const device_entry& e = s.devices[i];
    for (unsigned k = 0; k < e.count; ++k) {
      platform_device d;
      const auto type = device_type_named(e.type);  // a scenario built in code is not parsed: check here too
      if (!type) throw scenario_error(fmt::format("scenario.devices[{}].type: '{}' is not one of: net, blk, rng", i, e.type));
      d.type = *type;
      d.name = e.name.empty() ? "" : e.count > 1 ? fmt::format("{}{}", e.name, k) : e.name;
      d.transport_version = e.transport_version.value_or(s.transport_version);
      d.scheme = e.scheme.value_or(s.scheme);
      d.notify = e.notify.value_or(s.notify);
      d.notify_path = e.notify_path.value_or(s.notify_path);
      // The workload's device (the first) has the scenario's queues; the others one, unless they say.
      d.queues = e.queues.value_or(r.empty() && driven ? s.queues : 1);
      d.lines = e.lines.value_or(multi_line(d.scheme) && d.type == device_type::net ? d.queues : 1);
      d.base = e.base;
      d.line = e.line;
      d.share_line = e.share_line;
      r.push_back(d);
      if (entry_of) entry_of->push_back(i);
    }
  }
  return r;
}

platform_config platform_of(const scenario& s) {
  platform_config c;
  c.vcpus = s.vcpus;
  c.ram_base = s.ram_base;
  c.ram_size = s.ram_size;
  c.irqc_base = s.irqc_base;
  c.mmio_base = s.device_base;
  c.quantum = sc_core::sc_time(s.quantum_ns, sc_core::SC_NS);
  c.seed = s.seed;
  c.devices = devices_of(s);
  return c;
}

namespace {
// The platform's own checks (models/platform): its field names become the scenario's, with the entry a
// counted device came from.
void validate_platform(const scenario& s) {
  if (s.devices.size() > platform_config::max_devices)
    throw scenario_error(fmt::format("scenario.devices: {} entries: a platform has at most {} devices", s.devices.size(),
                                     platform_config::max_devices));
  for (size_t i = 0; i < s.devices.size(); ++i)  // checked before the counts are expanded
    check(uint_limit{fmt::format("devices[{}].count", i).c_str(), 1, platform_config::max_devices}, uint64_t{s.devices[i].count});
  std::vector<size_t> entry_of;
  platform_config c = platform_of(s);
  devices_of(s, &entry_of);
  cost_profile p;
  p.name = s.profile;  // the controller's flavour follows the profile's architecture
  platform_plan plan;
  try {
    plan = plan_platform(c, p);
  } catch (const platform_error& e) {
    std::string what = e.what();
    if (!s.devices.empty() && what.rfind("devices[", 0) == 0) {
      const size_t k = std::stoul(what.substr(8)), close = what.find(']');
      const size_t i = entry_of.at(k);
      const size_t first = static_cast<size_t>(std::find(entry_of.begin(), entry_of.end(), i) - entry_of.begin());
      const std::string copy = s.devices[i].count > 1 ? fmt::format(" (copy {} of its count {})", k - first, s.devices[i].count) : "";
      what = fmt::format("devices[{}]{}", i, what.substr(close + 1));
      const size_t colon = what.find(':');
      what.insert(colon, copy);
    } else if (s.devices.empty() && what.rfind("devices[0].", 0) == 0) {
      what = what.substr(11);  // the one device's fields are the scenario's own
    }
    throw scenario_error("scenario." + what);
  }
  const auto driven = workload_device(s.workload);
  if (s.devices.empty()) {
    if (!driven) throw scenario_error(fmt::format("scenario.devices: the {} workload needs a devices list (net, blk, rng...)", s.workload));
    return;
  }
  if (driven && c.devices[0].type != *driven)
    throw scenario_error(fmt::format("scenario.devices[0].type: must be {} (the {} workload drives the first device), not {}",
                                     to_string(*driven), s.workload, to_string(c.devices[0].type)));
  if (driven && c.devices[0].queues != s.queues)
    throw scenario_error(fmt::format("scenario.devices[0].queues: the {} workload's device has scenario.queues ({}), not {}",
                                     s.workload, s.queues, c.devices[0].queues));
  if (!driven && std::none_of(c.devices.begin(), c.devices.end(), [](const platform_device& d) { return d.type == device_type::net; }))
    throw scenario_error("scenario.devices: the mixed workload needs a net device (its request/response runs on the first)");
  if (!driven)
    for (size_t k = 0; k < c.devices.size(); ++k)
      if (c.devices[k].type == device_type::net && c.devices[k].queues != 1)
        throw scenario_error(fmt::format("scenario.devices[{}].queues: the mixed workload's net devices use one pair, not {}",
                                         entry_of[k], c.devices[k].queues));
  // Which vCPU drives each device: the mixed workload's choice, within the platform's vCPUs.
  const std::vector<unsigned> vcpu_of = driving_vcpus(s);
  for (size_t i = 0; i < s.devices.size(); ++i) {
    const auto& v = s.devices[i].vcpu;
    if (!v) continue;
    if (driven)
      throw scenario_error(fmt::format("scenario.devices[{}].vcpu: only the mixed workload drives its devices from chosen vCPUs "
                                       "(the {} workload drives the first from its own)", i, s.workload));
    if (*v >= s.vcpus)
      throw scenario_error(fmt::format("scenario.devices[{}].vcpu: vCPU {} out of range (vcpus is {})", i, *v, s.vcpus));
  }
  if (vcpu_of[0] != 0)
    throw scenario_error(fmt::format("scenario.devices[0].vcpu: the first device's transaction loop runs on vCPU 0, not {}", vcpu_of[0]));
  // A wired line interrupts one vCPU, whose ISR serves every sharer: the devices on one line share their vCPU.
  for (size_t k = 0; k < plan.devices.size(); ++k)
    for (size_t m = 0; m < k; ++m)
      if (*plan.devices[k].spec.line == *plan.devices[m].spec.line && !plan.devices[k].scheme->msi &&
          !plan.devices[m].scheme->msi && vcpu_of[k] != vcpu_of[m])
        throw scenario_error(fmt::format("scenario.devices[{}].vcpu: {} shares wired line {} with {} (devices[{}], vCPU {}), and a "
                                         "line interrupts one vCPU: give them the same vcpu", entry_of[k], plan.devices[k].spec.name,
                                         *plan.devices[k].spec.line, plan.devices[m].spec.name, entry_of[m], vcpu_of[m]));
}
}  // namespace

scenario parse_scenario(const nlohmann::json& j, const std::vector<std::string>& profiles) {
  if (!j.is_object()) throw scenario_error("scenario: expected a JSON object");
  static const std::vector<std::string> keys = {"name", "workload", "scheme", "profile", "notify", "notify_path", "decoder",
                                                "transport_version", "vcpus", "queues", "queue_depth", "requests",
                                                "duration_us", "rate_pps", "seed", "quantum_ns", "irq_affinity", "timeline",
                                                "profile_params", "ram_base", "ram_size", "device_base", "irqc_base",
                                                "timeline_window_us", "vcd", "devices", "params"};
  for (const auto& [k, v] : j.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw scenario_error(fmt::format("scenario: unknown key '{}' (allowed: {})", k, fmt::join(keys, ", ")));
  scenario s;
  take(j, "name", s.name, "a string");
  take(j, "workload", s.workload, "a string");
  take(j, "scheme", s.scheme, "a string");
  take(j, "profile", s.profile, "a string");
  take(j, "notify", s.notify, "a string");
  take(j, "notify_path", s.notify_path, "a string");
  take(j, "decoder", s.decoder, "a string");
  take(j, transport_version_l, s.transport_version);
  take(j, vcpus_l, s.vcpus);
  take(j, queues_l, s.queues);
  take(j, queue_depth_l, s.queue_depth);
  take(j, requests_l, s.requests);
  take(j, duration_l, s.duration_us);
  take(j, rate_l, s.rate_pps);
  take(j, seed_l, s.seed);
  take(j, quantum_l, s.quantum_ns);
  if (j.contains("irq_affinity")) {
    const auto& a = j.at("irq_affinity");
    expect(a.is_array() && a.size() <= 2 * queues_l.hi + 2, "irq_affinity",
           "an array of at most 18 vCPU indices (one per vector)", a);
    s.irq_affinity.clear();
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string key = fmt::format("irq_affinity[{}]", i);
      expect(a[i].is_number_unsigned(), key.c_str(), "a vCPU index", a[i]);
      const uint64_t v = a[i].get<uint64_t>();  // checked here, before it is narrowed (vcpus is already read)
      if (v >= s.vcpus)
        throw scenario_error(fmt::format("scenario.irq_affinity[{}]: vCPU {} out of range (vcpus is {})", i, v, s.vcpus));
      s.irq_affinity.push_back(static_cast<unsigned>(v));
    }
  }
  take(j, "timeline", s.timeline, "a string (a file path)");
  take(j, "vcd", s.vcd, "a string (a file path)");
  if (j.contains("timeline_window_us")) {
    const auto& w = j.at("timeline_window_us");
    const bool pair = w.is_array() && (w.empty() || (w.size() == 2 && w[0].is_number() && w[1].is_number()));
    expect(pair, "timeline_window_us", "[start_us, end_us] (two numbers) or []", w);
    s.timeline_window_us = w.get<std::vector<double>>();
  }
  if (j.contains("profile_params")) {
    expect(j.at("profile_params").is_object(), "profile_params", "an object of cost-profile entries", j.at("profile_params"));
    s.profile_params = j.at("profile_params");
  }
  if (j.contains("params"))  // checked below, once the devices a name may be scoped to are known
    expect(j.at("params").is_object(), "params", "an object of model parameters (vmsim --list-params)", j.at("params"));
  take(j, address_l, s.ram_base, "ram_base");
  take(j, ram_size_l, s.ram_size);
  take(j, address_l, s.device_base, "device_base");
  take(j, address_l, s.irqc_base, "irqc_base");
  if (j.contains("devices")) {
    const auto& a = j.at("devices");
    expect(a.is_array() && a.size() <= platform_config::max_devices, "devices",
           "an array of at most 64 device entries ({\"type\": \"net\", ...})", a);
    for (size_t i = 0; i < a.size(); ++i) s.devices.push_back(parse_device(a[i], fmt::format("devices[{}]", i)));
  }
  validate(s, profiles);
  if (j.contains("params")) {  // each value checked against its declaration, kept in canonical form
    const std::vector<std::string> devices = device_names(s);
    for (const auto& [name, v] : j.at("params").items()) {
      try {
        s.params[name] = model_params().check(name, v, devices);
      } catch (const param_error& e) {
        throw scenario_error(fmt::format("scenario.params: {}", e.what()));
      }
    }
  }
  return s;
}

std::vector<std::string> device_names(const scenario& s) { return vmsim::device_names(devices_of(s)); }

cost_profile profile_for(const std::map<std::string, cost_profile>& profiles, const scenario& s) {
  const auto it = profiles.find(s.profile);
  if (it == profiles.end()) throw scenario_error(fmt::format("scenario.profile: '{}' is not a profile", s.profile));
  try {
    return with_overrides(it->second, s.profile_params);
  } catch (const std::runtime_error& e) {
    throw scenario_error(fmt::format("scenario.profile_params: {}", e.what()));
  }
}

void validate(const scenario& s, const std::vector<std::string>& profiles) {
  one_of("workload", s.workload, workloads());
  one_of("scheme", s.scheme, interrupt_scheme_names());
  one_of("profile", s.profile, profiles);
  one_of("notify", s.notify, {"queue-notify", "doorbell"});
  one_of("decoder", s.decoder, {"reference", "rtl"});
  one_of("notify_path", s.notify_path, {"kernel", "user", "mapped"});
  if (s.notify_path == "mapped" && s.notify != "doorbell")
    throw scenario_error("scenario.notify_path: 'mapped' needs notify 'doorbell' (QueueNotify is a register: it traps)");
  if (s.decoder == "rtl" && s.notify != "doorbell") throw scenario_error("scenario.decoder: 'rtl' needs notify 'doorbell'");
  if (s.transport_version != 1 && s.transport_version != 2)
    throw scenario_error(fmt::format("scenario.transport_version: {} is not 1 (legacy) or 2 (modern)", s.transport_version));
  if (s.transport_version < scheme_named(s.scheme).min_transport_version)
    throw scenario_error(fmt::format("scenario.scheme: '{}' needs transport_version {}", s.scheme,
                                     scheme_named(s.scheme).min_transport_version));
  check(vcpus_l, s.vcpus);
  if (s.queues < queues_l.lo || s.queues > queues_l.hi)
    throw scenario_error(fmt::format("scenario.queues: {} outside {}..{} (the device offers {})", s.queues, queues_l.lo,
                                     queues_l.hi, queues_l.hi));
  if ((s.workload == "micro" || s.workload == "rr" || s.workload == "mixed") && s.queues != 1)
    throw scenario_error(fmt::format("scenario.queues: the {} workload uses one queue, not {}", s.workload, s.queues));
  // irqfd never sets InterruptStatus: with one line the RFC's ISR (the legacy one) would find nothing to do.
  if (scheme_named(s.scheme).edge_lines && !(s.workload == "mq-rx" && s.queues >= 2))
    throw scenario_error(fmt::format("scenario.scheme: '{}' needs at least 2 wired lines (workload mq-rx with 2 or more queues): "
                                     "irqfd leaves InterruptStatus 0, so a single line's ISR finds no work", s.scheme));
  if (s.workload == "mq-rx" && s.queues > s.vcpus)
    throw scenario_error(fmt::format("scenario.queues: {} queues need as many vCPUs (vcpus is {})", s.queues, s.vcpus));
  check(queue_depth_l, s.queue_depth);
  check(requests_l, s.requests);
  check(duration_l, s.duration_us);
  check(rate_l, s.rate_pps);
  check(quantum_l, s.quantum_ns);
  // Every time the run derives must be a whole number of kernel time units, none of them zero.
  const double resolution_s = sc_core::sc_get_time_resolution().to_seconds();
  if (1.0 / s.rate_pps < resolution_s)
    throw scenario_error(fmt::format("scenario.rate_pps: {} gives a packet period below the kernel's time resolution ({} s)",
                                     s.rate_pps, resolution_s));
  if (s.quantum_ns * 1e-9 < resolution_s)
    throw scenario_error(fmt::format("scenario.quantum_ns: {} is below the kernel's time resolution ({} s)", s.quantum_ns, resolution_s));
  for (size_t i = 0; i < s.irq_affinity.size(); ++i) {
    if (s.irq_affinity[i] >= s.vcpus)
      throw scenario_error(fmt::format("scenario.irq_affinity[{}]: vCPU {} out of range (vcpus is {})", i, s.irq_affinity[i], s.vcpus));
  }
  if (!s.timeline_window_us.empty()) {
    const auto& w = s.timeline_window_us;
    if (w.size() != 2) throw scenario_error("scenario.timeline_window_us: expected [start_us, end_us]");
    if (s.timeline.empty()) throw scenario_error("scenario.timeline_window_us: a window needs a timeline (scenario.timeline)");
    if (!(w[0] >= 0 && w[1] < 1e12))  // also NaN
      throw scenario_error(fmt::format("scenario.timeline_window_us: [{}, {}] outside 0..1e12 us", w[0], w[1]));
    if (!(w[1] > w[0]))
      throw scenario_error(fmt::format("scenario.timeline_window_us: [{}, {}] is {}: the end must come after the start",
                                       w[0], w[1], w[1] == w[0] ? "empty" : "reversed"));
    if (s.workload != "micro" && w[0] >= s.duration_us)
      throw scenario_error(fmt::format("scenario.timeline_window_us: starts at {} us, after the run's end (duration_us {})",
                                       w[0], s.duration_us));
  }
  if (s.ram_size < ram_size_l.lo || s.ram_size > ram_size_l.hi)
    outside("ram_size", std::to_string(s.ram_size), "2 MiB..4 GiB (2097152..4294967296)");
  struct range {
    const char* name;
    uint64_t base, size;
  };
  const range map[] = {{"ram", s.ram_base, s.ram_size}, {"device", s.device_base, 0x1000}, {"irqc", s.irqc_base, 0x18000},
                       {"msi-frame", 0xfee00000, 0x100000}};
  for (const auto& r : map)  // [base, base + size) must not wrap around the address space
    if (r.base > max_address - (r.size - 1))
      throw scenario_error(fmt::format("scenario: address map: {} [{:#x}, +{:#x}) runs past the end of the address space",
                                       r.name, r.base, r.size));
  // Two ranges overlap when the higher base is inside the lower one: differences only, nothing can overflow.
  auto overlap = [](const range& a, const range& b) { return a.base <= b.base ? b.base - a.base < a.size : a.base - b.base < b.size; };
  for (size_t a = 0; a < 4; ++a)
    for (size_t b = a + 1; b < 4; ++b)
      if (overlap(map[a], map[b]))
        throw scenario_error(fmt::format("scenario: address map overlap: {} [{:#x}, +{:#x}) and {} [{:#x}, +{:#x})",
                                         map[a].name, map[a].base, map[a].size, map[b].name, map[b].base, map[b].size));
  const uint64_t area = driver_area_bytes(s), need = driver_area_offset + uint64_t{s.vcpus} * area;
  if (need > s.ram_size)
    throw scenario_error(fmt::format("scenario.ram_size: {} bytes is too small: the {} workload's drivers on {} vCPUs need "
                                     "{} bytes ({} MiB + {} x {} KiB)", s.ram_size, s.workload, s.vcpus, need,
                                     driver_area_offset >> 20, s.vcpus, area >> 10));
  validate_platform(s);
  check_host_can_allocate(s.ram_size);
}

}  // namespace vmsim::app
