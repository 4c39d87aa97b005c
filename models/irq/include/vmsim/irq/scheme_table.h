// The interrupt schemes: one table, one row per scheme, read by everything that needs to know what a
// scheme is (the scenario and command-line checks, the platforms, the soak and fuzz benches, the tests and
// the docs generator). Adding a scheme is one class, one row here and its case in make_interrupt_scheme;
// nothing else compares scheme names. Freestanding (only <stdint.h> and the regmap headers), so the docs
// generator reads it without the model library.
#pragma once

#include <stdint.h>

#include "vmsim/regmap/irq_modes.h"

namespace vmsim {

using regmap::irq_mode;

// What one interrupt costs the guest's ISR in register accesses: the device's registers and the interrupt
// controller's (acknowledge + EOI). Tests measure it; docs/interrupt-schemes.md shows it (regmap_gen isr-table).
struct isr_profile {
  unsigned device_reads, device_writes;  // on the virtio-mmio register block
  unsigned irqc_reads, irqc_writes;      // IAR read, EOIR write
  const char* device_registers;          // which ones
  bool wired;                            // EOI of a level-triggered line (traps even with APICv)
};

// The class a row builds, with its constructor arguments (make_interrupt_scheme: one case per value, and
// -Wswitch keeps the cases complete).
enum class scheme_class : uint8_t {
  wired, wired_irqfd, msi_v1, msi_v1_kernel, msi_v2, msi_v2_linux, msi_v2_as_posted, msi_v2_pair, msix_reference
};

struct scheme_desc {
  const char* name;
  scheme_class factory;
  bool multi_line;                 // wired lines: transport_config::irq_lines; otherwise one
  uint32_t min_transport_version;  // the MSI blocks live in the modern register set
  isr_profile isr;                 // one interrupt's ISR, for a queue on line 0 / its own vector
  regmap::irq_mode driver_mode;    // how the sw/ driver sets it up and services it
  bool msi;                        // signals by message once enabled
  bool device_mask;                // the device masks a vector itself (MASK/UNMASK, MSI-X VectorCtrl)
  bool shared_vectors;             // the device can put several queues on one vector (MAP_*, MSI-X QueueVector)
  bool edge_lines;                 // its wired lines are pulsed (irqfd): edge-latched at the controller
  bool as_posted_2020;             // the v2 layout exactly as posted: MSI bit 40, notification bit 39, block at
                                   // 0x0c0; the platform offers no RING_RESET (it did not exist)
};

inline constexpr scheme_desc interrupt_schemes[] = {
    // name, factory, multi-line, min version,
    //   ISR {dev R, dev W, irqc R, irqc W, registers, wired}, driver mode, msi, device mask, shared vectors, edge,
    //   as posted in 2020
    {"legacy-wired", scheme_class::wired, false, 1,
     {1, 1, 1, 1, "InterruptStatus read, InterruptACK write", true},
     irq_mode::legacy, false, false, false, false, false},
    // The RFC's ISR on any line: InterruptStatus read, then one InterruptACK write per set bit (VRING here).
    {"multi-irq", scheme_class::wired, true, 1,
     {1, 1, 1, 1, "InterruptStatus read (device-wide), InterruptACK write of the VRING bit", true},
     irq_mode::multi_irq, false, false, false, false, false},
    {"msi-v1", scheme_class::msi_v1, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msi_v1, true, false, false,
     false, false},
    {"msi-v2", scheme_class::msi_v2, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msi_v2, true, true, true, false,
     false},
    {"msi-v2-pair", scheme_class::msi_v2_pair, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msi_v2_pair, true, true,
     false, false, false},
    {"pci-msix-reference", scheme_class::msix_reference, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msix, true,
     true, true, false, false},
    // Rows below were added later: appended so the fuzz targets' variant numbering stays stable.
    // Its proof-of-concept VMM with vhost: the queue interrupt comes by irqfd, InterruptStatus reads 0, no ACK.
    {"multi-irq-irqfd", scheme_class::wired_irqfd, true, 1,
     {1, 0, 1, 1, "InterruptStatus read (reads 0 for a queue interrupt), no ACK", true},
     irq_mode::multi_irq, false, false, false, true, false},
    {"msi-v1-kernel", scheme_class::msi_v1_kernel, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msi_v1_kernel, true,
     false, false, false, false},
    {"msi-v2-linux", scheme_class::msi_v2_linux, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msi_v2_linux, true,
     true, true, false, false},
    {"msi-v2-as-posted", scheme_class::msi_v2_as_posted, false, 2, {0, 0, 1, 1, "none", false}, irq_mode::msi_v2_linux,
     true, true, true, false, true},
};

// The scheme comparisons are made against (reports: "vs legacy").
inline constexpr const char* baseline_scheme = interrupt_schemes[0].name;

}  // namespace vmsim
