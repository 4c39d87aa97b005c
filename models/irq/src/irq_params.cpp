// vm.msi.* (the MSI schemes' options) and vm.irqc.* (the interrupt controller's): run-time parameters
// whose defaults are msi_config's and irqc_config's initializers. The scheme itself is the scenario's.
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/msi_schemes.h"

namespace vmsim {

const param_group<msi_config>& param_table(const msi_config&) {
  static const auto g = param_group<msi_config>("msi", "the MSI schemes' options (the scheme is the scenario's)")
      .count("vectors", &msi_config::vectors, 0, 2048, "vectors", "MSI vectors the device has; 0: one per queue + one for config")
      .count("register_base", &msi_config::register_base, 0, 0xffc, "offset",
             "where the MSI register block starts in the device's window (a collision is refused)")
      .hex()
      .count("msix_table_base", &msi_config::msix_table_base, 0, 0xff0, "offset", "pci-msix-reference: the MSI-X table's offset")
      .hex()
      .flag("sharing", &msi_config::sharing,
            "MSI v2: the device uses sharing mode (MsiState msi_sharing; the driver maps vectors with MAP_*)");
  return g;
}

const param_group<irqc_config>& param_table(const irqc_config&) {
  static const auto g = param_group<irqc_config>("irqc", "the interrupt controller")
      .flag("eoi_traps_msi", &irqc_config::eoi_traps_msi, "the guest's EOI of an MSI exits (no posted interrupts / APICv)");
  return g;
}

}  // namespace vmsim
