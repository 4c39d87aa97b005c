#include "vmsim/irq/scheme_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <systemc>

#include "vmsim/common/report_ids.h"

namespace vmsim {

const std::vector<std::string>& interrupt_scheme_names() {
  static const std::vector<std::string> names = {"legacy-wired", "multi-irq",   "msi-v1",
                                                 "msi-v2",       "msi-v2-pair", "pci-msix-reference"};
  return names;
}

std::unique_ptr<interrupt_scheme> make_interrupt_scheme(const std::string& name, const msi_config& msi) {
  if (name == "legacy-wired" || name == "multi-irq") return std::make_unique<wired_irq_scheme>();
  if (name == "msi-v1") return std::make_unique<msi_v1_scheme>(msi);
  if (name == "msi-v2") return std::make_unique<msi_v2_scheme>(msi, msi_v2_variant::vector_map);
  if (name == "msi-v2-pair") return std::make_unique<msi_v2_scheme>(msi, msi_v2_variant::per_queue_pair);
  if (name == "pci-msix-reference") return std::make_unique<msix_reference_scheme>(msi);
  SC_REPORT_ERROR(ids::config_error, fmt::format("interrupt scheme '{}' is unknown; allowed: {}", name,
                                                 fmt::join(interrupt_scheme_names(), ", ")).c_str());
  return nullptr;
}

vdrv::irq_scheme driver_scheme_for(const std::string& s) {
  if (s == "multi-irq") return vdrv::irq_scheme::multi_irq;
  if (s == "msi-v1") return vdrv::irq_scheme::msi_v1;
  if (s == "msi-v2") return vdrv::irq_scheme::msi_v2;
  if (s == "msi-v2-pair") return vdrv::irq_scheme::msi_v2_pair;
  if (s == "pci-msix-reference") return vdrv::irq_scheme::msix;
  return vdrv::irq_scheme::legacy;
}

const isr_profile& profile_of(const std::string& scheme) {
  for (const auto& p : isr_profiles)
    if (scheme == p.scheme) return p;
  SC_REPORT_ERROR(ids::config_error, fmt::format("no ISR profile for scheme '{}'", scheme).c_str());
  return isr_profiles[0];
}

}  // namespace vmsim
