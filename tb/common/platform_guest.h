// The sw/ driver's view of a platform built by vmsim::platform (models/platform): what a device tree would
// tell the guest about the controller and about each device (its window, first line, first MSI id).
#pragma once

#include <cstdint>

#include "driver_platform.h"
#include "vmsim/platform/platform.h"

namespace vmsim::tb {

// Device i of `vm` as a one-device system_config (the shared glue in driver_platform.h reads it).
inline system_config system_view(const platform& vm, size_t i) {
  const device_plan& d = vm.plan().devices[i];
  system_config c;
  c.transport = d.transport;
  c.irqc = vm.plan().irqc;
  c.scheme = d.spec.scheme;
  c.msi = d.msi;
  c.ram_base = vm.config().ram_base;
  c.ram_size = vm.config().ram_size;
  c.mmio_base = *d.spec.base;
  c.irqc_base = vm.config().irqc_base;
  return c;
}

inline vdrv::irqc_layout guest_irqc_layout(const platform& vm) { return guest_irqc_layout(system_view(vm, 0)); }

// How the driver of device i starts: its scheme, its first wired line and its first MSI id.
inline vdrv::start_options guest_options(const platform& vm, size_t i, const uint8_t* vector_cpu = nullptr) {
  vdrv::start_options o = guest_options(system_view(vm, i), vector_cpu);
  const device_plan& d = vm.plan().devices[i];
  o.irq.first_line = *d.spec.line;
  o.irq.first_msi_id = d.first_msi_id;
  o.window = d.transport.window_size;
  return o;
}

}  // namespace vmsim::tb
