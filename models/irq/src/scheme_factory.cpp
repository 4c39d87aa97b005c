#include "vmsim/irq/scheme_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <systemc>

#include "vmsim/common/report_ids.h"

namespace vmsim {


const std::vector<std::string>& interrupt_scheme_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& s : interrupt_schemes) n.emplace_back(s.name);
    return n;
  }();
  return names;
}

const scheme_desc& scheme_named(const std::string& name) {
  for (const auto& s : interrupt_schemes)
    if (name == s.name) return s;
  SC_REPORT_ERROR(ids::config_error, fmt::format("interrupt scheme '{}' is unknown; allowed: {}", name,
                                                 fmt::join(interrupt_scheme_names(), ", ")).c_str());
  return interrupt_schemes[0];
}

std::unique_ptr<interrupt_scheme> make_interrupt_scheme(const std::string& name, const msi_config& msi) {
  const scheme_desc& s = scheme_named(name);
  if (name != s.name) return nullptr;  // unknown: reported
  switch (s.factory) {
    case scheme_class::wired: return std::make_unique<wired_irq_scheme>();
    case scheme_class::wired_irqfd: return std::make_unique<wired_irq_scheme>(wired_status_mode::irqfd);
    case scheme_class::msi_v1: return std::make_unique<msi_v1_scheme>(msi, msi_v1_enable::command);
    case scheme_class::msi_v1_kernel: return std::make_unique<msi_v1_scheme>(msi, msi_v1_enable::status_rmw);
    case scheme_class::msi_v2: return std::make_unique<msi_v2_scheme>(msi, msi_v2_variant::vector_map);
    case scheme_class::msi_v2_linux:
      return std::make_unique<msi_v2_scheme>(msi, msi_v2_variant::vector_map, msi_state_bits::linux_uapi);
    case scheme_class::msi_v2_as_posted: {  // the platform resolves base and bits (tb system_config::resolved)
      auto p = std::make_unique<msi_v2_scheme>(msi, msi_v2_variant::vector_map, msi_state_bits::linux_uapi);
      p->set_name(s.name);
      return p;
    }
    case scheme_class::msi_v2_pair: return std::make_unique<msi_v2_scheme>(msi, msi_v2_variant::per_queue_pair);
    case scheme_class::msix_reference: return std::make_unique<msix_reference_scheme>(msi);
  }
  return nullptr;
}

}  // namespace vmsim
