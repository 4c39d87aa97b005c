#include "driver_platform.h"

namespace vmsim::tb {

vdrv::irq_scheme driver_scheme(const std::string& s) {
  if (s == "multi-irq") return vdrv::irq_scheme::multi_irq;
  if (s == "msi-v1") return vdrv::irq_scheme::msi_v1;
  if (s == "msi-v2") return vdrv::irq_scheme::msi_v2;
  if (s == "msi-v2-pair") return vdrv::irq_scheme::msi_v2_pair;
  if (s == "pci-msix-reference") return vdrv::irq_scheme::msix;
  return vdrv::irq_scheme::legacy;
}

}  // namespace vmsim::tb
