// What a scheme's row of the scheme table implies for the device side (docs/interrupt-schemes.md): one
// home for the platform builder and the tests' one-device systems.
#pragma once

#include "vmsim/irq/msi_schemes.h"
#include "vmsim/irq/scheme_table.h"
#include "vmsim/transport/virtio_mmio_transport.h"

namespace vmsim {

// The v2 layout as posted in 2020 moves the MSI block and feature bits and offers no RING_RESET.
void apply_scheme(const scheme_desc& s, transport_config& t, msi_config& msi);

}  // namespace vmsim
