#include "scenario.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "vmsim/irq/scheme_factory.h"

namespace vmsim::app {

const std::vector<std::string>& workloads() {
  static const std::vector<std::string> w = {"micro", "rr", "mq-rx", "blk"};
  return w;
}

nlohmann::json scenario::to_json() const {
  return {{"name", name}, {"workload", workload}, {"scheme", scheme}, {"profile", profile}, {"notify", notify},
          {"decoder", decoder}, {"transport_version", transport_version}, {"vcpus", vcpus}, {"queues", queues},
          {"queue_depth", queue_depth}, {"requests", requests}, {"duration_us", duration_us}, {"rate_pps", rate_pps},
          {"seed", seed}, {"quantum_ns", quantum_ns}, {"irq_affinity", irq_affinity}, {"timeline", timeline}, {"ram_base", ram_base},
          {"ram_size", ram_size}, {"device_base", device_base}, {"irqc_base", irqc_base}};
}

namespace {
template <class T>
void take(const nlohmann::json& j, const char* key, T& out, const char* type) {
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  bool ok;
  if constexpr (std::is_same_v<T, std::string>) ok = v.is_string();
  else if constexpr (std::is_same_v<T, double>) ok = v.is_number();
  else if constexpr (std::is_same_v<T, std::vector<unsigned>>) ok = v.is_array() && std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_number_unsigned(); });
  else ok = v.is_number_unsigned();
  if (!ok) throw scenario_error(fmt::format("scenario.{}: expected {}, got {}", key, type, v.dump()));
  out = v.get<T>();
}

void one_of(const char* field, const std::string& value, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    throw scenario_error(fmt::format("scenario.{}: '{}' is not one of: {}", field, value, fmt::join(allowed, ", ")));
}
}  // namespace

scenario parse_scenario(const nlohmann::json& j, const std::vector<std::string>& profiles) {
  if (!j.is_object()) throw scenario_error("scenario: expected a JSON object");
  static const std::vector<std::string> keys = {"name", "workload", "scheme", "profile", "notify", "decoder",
                                                "transport_version", "vcpus", "queues", "queue_depth", "requests",
                                                "duration_us", "rate_pps", "seed", "quantum_ns", "irq_affinity", "timeline",
                                                "ram_base", "ram_size", "device_base", "irqc_base"};
  for (const auto& [k, v] : j.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw scenario_error(fmt::format("scenario: unknown key '{}' (allowed: {})", k, fmt::join(keys, ", ")));
  scenario s;
  take(j, "name", s.name, "a string");
  take(j, "workload", s.workload, "a string");
  take(j, "scheme", s.scheme, "a string");
  take(j, "profile", s.profile, "a string");
  take(j, "notify", s.notify, "a string");
  take(j, "decoder", s.decoder, "a string");
  take(j, "transport_version", s.transport_version, "an unsigned integer");
  take(j, "vcpus", s.vcpus, "an unsigned integer");
  take(j, "queues", s.queues, "an unsigned integer");
  take(j, "queue_depth", s.queue_depth, "an unsigned integer");
  take(j, "requests", s.requests, "an unsigned integer");
  take(j, "duration_us", s.duration_us, "a number");
  take(j, "rate_pps", s.rate_pps, "a number");
  take(j, "seed", s.seed, "an unsigned integer");
  take(j, "quantum_ns", s.quantum_ns, "a number");
  take(j, "irq_affinity", s.irq_affinity, "an array of vCPU indices");
  take(j, "timeline", s.timeline, "a string (a file path)");
  take(j, "ram_base", s.ram_base, "an unsigned integer");
  take(j, "ram_size", s.ram_size, "an unsigned integer");
  take(j, "device_base", s.device_base, "an unsigned integer");
  take(j, "irqc_base", s.irqc_base, "an unsigned integer");
  validate(s, profiles);
  return s;
}

void validate(const scenario& s, const std::vector<std::string>& profiles) {
  one_of("workload", s.workload, workloads());
  one_of("scheme", s.scheme, interrupt_scheme_names());
  one_of("profile", s.profile, profiles);
  one_of("notify", s.notify, {"queue-notify", "doorbell"});
  one_of("decoder", s.decoder, {"reference", "rtl"});
  if (s.decoder == "rtl" && s.notify != "doorbell") throw scenario_error("scenario.decoder: 'rtl' needs notify 'doorbell'");
  if (s.transport_version != 1 && s.transport_version != 2)
    throw scenario_error(fmt::format("scenario.transport_version: {} is not 1 (legacy) or 2 (modern)", s.transport_version));
  if (s.transport_version == 1 && s.scheme != "legacy-wired" && s.scheme != "multi-irq")
    throw scenario_error(fmt::format("scenario.scheme: '{}' needs transport_version 2", s.scheme));
  if (s.vcpus < 1 || s.vcpus > 16) throw scenario_error(fmt::format("scenario.vcpus: {} outside 1..16", s.vcpus));
  const unsigned max_queues = s.workload == "blk" ? 8 : 8;  // the device offers at most 8 queues (pairs)
  if (s.queues < 1 || s.queues > max_queues)
    throw scenario_error(fmt::format("scenario.queues: {} outside 1..{} (the device offers {})", s.queues, max_queues, max_queues));
  if ((s.workload == "micro" || s.workload == "rr") && s.queues != 1)
    throw scenario_error(fmt::format("scenario.queues: the {} workload uses one queue, not {}", s.workload, s.queues));
  if (s.workload == "mq-rx" && s.queues > s.vcpus)
    throw scenario_error(fmt::format("scenario.queues: {} queues need as many vCPUs (vcpus is {})", s.queues, s.vcpus));
  if (s.queue_depth < 1 || s.queue_depth > 64) throw scenario_error(fmt::format("scenario.queue_depth: {} outside 1..64", s.queue_depth));
  if (s.requests < 1) throw scenario_error("scenario.requests: must be at least 1");
  if (s.duration_us <= 0) throw scenario_error("scenario.duration_us: must be > 0");
  if (s.rate_pps <= 0) throw scenario_error("scenario.rate_pps: must be > 0");
  if (!(s.quantum_ns >= 1 && s.quantum_ns <= 1e6))
    throw scenario_error(fmt::format("scenario.quantum_ns: {} outside 1..1000000", s.quantum_ns));
  for (size_t i = 0; i < s.irq_affinity.size(); ++i)
    if (s.irq_affinity[i] >= s.vcpus)
      throw scenario_error(fmt::format("scenario.irq_affinity[{}]: vCPU {} out of range (vcpus is {})", i, s.irq_affinity[i], s.vcpus));
  if (s.ram_size < (16u << 20)) throw scenario_error("scenario.ram_size: at least 16 MiB");
  struct range { const char* name; uint64_t base, size; };
  const range map[] = {{"ram", s.ram_base, s.ram_size}, {"device", s.device_base, 0x1000}, {"irqc", s.irqc_base, 0x18000},
                       {"msi-frame", 0xfee00000, 0x100000}};
  for (size_t a = 0; a < 4; ++a)
    for (size_t b = a + 1; b < 4; ++b)
      if (map[a].base < map[b].base + map[b].size && map[b].base < map[a].base + map[a].size)
        throw scenario_error(fmt::format("scenario: address map overlap: {} [{:#x}, +{:#x}) and {} [{:#x}, +{:#x})",
                                         map[a].name, map[a].base, map[a].size, map[b].name, map[b].base, map[b].size));
}

}  // namespace vmsim::app
