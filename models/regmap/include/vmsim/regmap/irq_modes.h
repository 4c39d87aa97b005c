// How a guest driver sets up and services a device's interrupts: one name per way, shared by the models'
// scheme table (models/irq/include/vmsim/irq/scheme_factory.h, its "driver mode" column) and the sw/
// driver (vdrv::irq_scheme is this enum). Freestanding C++17 (only <stdint.h>).
#pragma once

#include <stdint.h>

namespace vmsim::regmap {

enum class irq_mode : uint8_t {
  legacy,         // one wired line: InterruptStatus read, InterruptACK write
  multi_irq,      // the 2023 RFC: N wired lines, one device-wide InterruptStatus
  msi_v1,         // the Dec 2019 proposal ("Version 3"), its spec text: UPDATE per vector, ENABLE command
  msi_v1_kernel,  // the same, as its kernel patch enables: 16-bit read-modify-write of MsiStatus bit 15
  msi_v2,         // the Feb 2020 proposal: MsiVecSel + CONFIGURE per vector, fixed mapping, ENABLE
  msi_v2_linux,   // the same with the Linux patch's uapi MsiState bits (enabled 31, sharing 30)
  msi_v2_shared,  // msi_v2 in sharing mode: MAP_CONFIG / MAP_QUEUE onto two vectors
  msi_v2_pair,    // the reviewers' per-queue address/data pairs
  msix,           // the PCI/MSI-X-like reference
};

}  // namespace vmsim::regmap
