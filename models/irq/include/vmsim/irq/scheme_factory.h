// Interrupt schemes by name, for scenarios and the command line. Unknown names are a user error
// (SC_REPORT_ERROR naming the allowed values).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vdrv/interrupts.h"
#include "vmsim/irq/msi_schemes.h"

namespace vmsim {

// "legacy-wired", "multi-irq", "msi-v1", "msi-v2", "msi-v2-pair", "pci-msix-reference"
const std::vector<std::string>& interrupt_scheme_names();
std::unique_ptr<interrupt_scheme> make_interrupt_scheme(const std::string& name, const msi_config& msi = {});

// What one interrupt costs the guest's ISR in register accesses, per scheme: the device's registers
// and the interrupt controller's (acknowledge + EOI). Tests measure it; docs/interrupt-schemes.md shows it.
struct isr_profile {
  const char* scheme;
  unsigned device_reads, device_writes;  // on the virtio-mmio register block
  unsigned irqc_reads, irqc_writes;      // IAR read, EOIR write
  const char* device_registers;          // which ones
  bool wired;                            // EOI of a level-triggered line (traps even with APICv)
};
inline constexpr isr_profile isr_profiles[] = {
    {"legacy-wired", 1, 1, 1, 1, "InterruptStatus read, InterruptACK write", true},
    {"multi-irq", 0, 1, 1, 1, "InterruptACK write with the line select (queue lines; the config line also reads InterruptStatus)", true},
    {"msi-v1", 0, 0, 1, 1, "none", false},
    {"msi-v2", 0, 0, 1, 1, "none", false},
    {"msi-v2-pair", 0, 0, 1, 1, "none", false},
    {"pci-msix-reference", 0, 0, 1, 1, "none", false},
};
const isr_profile& profile_of(const std::string& scheme);

// The sw/ driver's name for the scheme a device model runs (legacy-wired if unknown).
vdrv::irq_scheme driver_scheme_for(const std::string& scheme);

}  // namespace vmsim
