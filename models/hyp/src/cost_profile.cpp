#include "vmsim/hyp/cost_profile.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace vmsim {

namespace {
struct field {
  const char* key;
  double cost_profile::*member;
};
constexpr field numeric_fields[] = {
    {"cpu_ghz", &cost_profile::cpu_ghz},
    {"mmio_exit_user_ns", &cost_profile::mmio_exit_user_ns},
    {"mmio_exit_kernel_ns", &cost_profile::mmio_exit_kernel_ns},
    {"eoi_trap_ns", &cost_profile::eoi_trap_ns},
    {"eoi_virtual_ns", &cost_profile::eoi_virtual_ns},
    {"irq_ack_ns", &cost_profile::irq_ack_ns},
    {"inject_wired_ns", &cost_profile::inject_wired_ns},
    {"inject_msi_ns", &cost_profile::inject_msi_ns},
    {"guest_irq_entry_cycles", &cost_profile::guest_irq_entry_cycles},
    {"msi_write_ns", &cost_profile::msi_write_ns},
    {"backend_notify_ns", &cost_profile::backend_notify_ns},
    {"backend_per_packet_ns", &cost_profile::backend_per_packet_ns},
    {"wire_rtt_ns", &cost_profile::wire_rtt_ns},
    {"guest_stack_cycles", &cost_profile::guest_stack_cycles},
};
}  // namespace

std::vector<std::string> cost_profile_keys() {
  std::vector<std::string> k = {"description"};
  for (const auto& f : numeric_fields) k.emplace_back(f.key);
  return k;
}

std::map<std::string, cost_profile> load_cost_profiles(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cost profiles: cannot open '{}'", path));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(fmt::format("cost profiles '{}': not JSON: {}", path, e.what()));
  }
  if (!doc.is_object()) throw std::runtime_error(fmt::format("cost profiles '{}': expected an object of profiles", path));
  std::map<std::string, cost_profile> out;
  for (const auto& [name, body] : doc.items()) {
    if (!body.is_object()) throw std::runtime_error(fmt::format("cost profile '{}': expected an object", name));
    cost_profile p;
    p.name = name;
    for (const auto& [key, value] : body.items()) {
      if (key == "description") {
        if (!value.is_string()) throw std::runtime_error(fmt::format("cost profile '{}'.description: expected a string", name));
        p.description = value.get<std::string>();
        continue;
      }
      const field* f = nullptr;
      for (const auto& nf : numeric_fields)
        if (key == nf.key) f = &nf;
      if (!f)
        throw std::runtime_error(fmt::format("cost profile '{}': unknown key '{}' (allowed: {})", name, key,
                                             fmt::join(cost_profile_keys(), ", ")));
      if (!value.is_number() || value.get<double>() < 0)
        throw std::runtime_error(fmt::format("cost profile '{}'.{}: expected a number >= 0", name, key));
      p.*(f->member) = value.get<double>();
    }
    if (p.cpu_ghz <= 0) throw std::runtime_error(fmt::format("cost profile '{}'.cpu_ghz: must be > 0", name));
    out[name] = p;
  }
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

}  // namespace vmsim
