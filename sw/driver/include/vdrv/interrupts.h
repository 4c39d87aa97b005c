// Interrupts, driver side: the interrupt controller's vCPU interface (acknowledge/EOI, routes, masks, the
// MSI message for the controller flavour), and per device the scheme in use: how it is set up (MSI v1
// UPDATE/ENABLE; v2 MsiVecSel + address/data + CONFIGURE, MAP_*, ENABLE; the per-queue-pair variant; the
// MSI-X-like reference; wired lines), how its ISR talks to the device, retargeting a vector at run time,
// and the fallback to the wired line when MSI cannot be enabled.
#pragma once

#include <stdint.h>

#include "vdrv/mmio_device.h"
#include "vdrv/stats.h"
#include "vmsim/regmap/interrupts.h"
#include "vmsim/regmap/irq_modes.h"

namespace vdrv {

struct irqc_layout {
  uint64_t regs = 0;          // the controller's register window (vmsim's controller), or the GICv2 CPU interface
  uint64_t msi_frame = 0;     // x86: 0xFEE00000 LAPIC window; arm: the GICv2m frame
  bool arm = false;           // GICv2m flavour (SETSPI); else x86 (destination in the address)
  uint32_t wired_base_id = 32;
  uint64_t gicv2_distributor = 0;  // non-zero: an Arm GICv2 (GICD here, GICC at `regs`) instead of vmsim's controller
};

class irq_controller {
 public:
  static constexpr uint32_t spurious = 1023;
  // On the counting HAL the driver runs on: its IAR and EOI accesses count as the ISR's, and calls through
  // the final counting_hal reach the HAL below in one virtual call, not two.
  irq_controller(counting_hal& h, const irqc_layout& l) : h_(h), l_(l) {}
  // A GICv2 needs its distributor and CPU interface switched on once (vmsim's controller needs nothing).
  void enable();
  uint32_t acknowledge(unsigned cpu);
  void eoi(unsigned cpu, uint32_t id);
  void route(uint32_t id, unsigned cpu);  // GICv2: also enables the interrupt (a disabled one never signals)
  void mask(uint32_t id, bool m);
  // The highest-priority pending id without acknowledging it (spurious when none).
  uint32_t highest_pending(unsigned cpu);
  struct message { uint64_t address; uint32_t data; };
  // The MSI that reaches `cpu` with interrupt id `id`. On arm the SPI's route is programmed too.
  message msi_for(unsigned cpu, uint32_t id);
  uint32_t wired_id(unsigned line) const { return l_.wired_base_id + line; }
  counting_hal& io() { return h_; }

 private:
  counting_hal& h_;
  irqc_layout l_;
};

// The ways of setting up and servicing interrupts; the models' scheme table names the one for each device scheme.
using irq_scheme = vmsim::regmap::irq_mode;
const char* to_string(irq_scheme s);

struct irq_config {
  irq_scheme scheme = irq_scheme::legacy;
  unsigned first_line = 0;       // the controller input of the device's line 0
  unsigned lines = 1;            // multi-IRQ: lines of the device
  unsigned (*line_of_queue)(unsigned q, unsigned lines) = nullptr;  // multi-IRQ mapping (default: line 0)
  uint32_t first_msi_id = 48;    // interrupt id of the device's vector 0 (x86 vector, or arm SPI)
  uint32_t msi_regs = vmsim::regmap::msi_block_base_default;  // the MSI register block's offset
  uint32_t msix_table = vmsim::regmap::msix::table_base_default;
  const uint8_t* vector_cpu = nullptr;  // vCPU of each vector (vector 0: config; q+1: queue q); null: vCPU 0
  // Bit q: queue q has no callback (Linux: a NULL vq callback, e.g. virtio-net's control queue, which it
  // polls). MSI v2 gives such a queue no vector, as the Linux v2 patch does; its user polls it.
  uint64_t no_callback = 0;
};

class device_irq {
 public:
  static constexpr unsigned max_vectors = 64;
  // Programs the scheme. An MSI scheme the device refuses falls back to the wired line (status msi_refused
  // is returned, and active() says legacy).
  status setup(mmio_device& dev, irq_controller& ic, const irq_config& cfg, unsigned queues);
  irq_scheme active() const { return active_; }
  bool owns(uint32_t id) const { return id - first_id_ < ids_; }  // asked per interrupt by each attached driver
  // Masks every interrupt id of the device at the controller (a device that will not stop signalling).
  void silence();

  struct event {
    uint64_t queues = 0;  // bit q: queue q may have used buffers
    bool config = false;
  };
  // The device-side part of the ISR for interrupt `id`: what the scheme must read and acknowledge.
  event handle(uint32_t id);
  // Moves vector v to another vCPU while traffic flows (an MSI update at run time).
  status retarget(unsigned vector, unsigned cpu);
  // Releases the device's interrupts as the driver's del_vqs does (MSI v2: the Linux patch's
  // vm_del_vqs / vm_free_msi_irqs, or the spec text's DISABLE). Other schemes: nothing at the device.
  void teardown();
  bool has_callback(unsigned q) const { return q >= 64 || !((cfg_.no_callback >> q) & 1); }
  uint32_t id_of_vector(unsigned v) const { return cfg_.first_msi_id + v; }
  uint32_t id_of_queue(unsigned q) const;

 private:
  void write_message(unsigned vector, unsigned cpu);  // MsiAddr/MsiData staging registers
  status program_msi();
  status program_msi_v2();
  void v2_command(unsigned vector, uint32_t op);
  void route_lines();
  unsigned line_of(unsigned q) const { return cfg_.line_of_queue ? cfg_.line_of_queue(q, cfg_.lines) : 0; }
  void note_ids();  // the interrupt ids of the active scheme: [first_id_, first_id_ + ids_)
  mmio_device* dev_ = nullptr;
  irq_controller* ic_ = nullptr;
  irq_config cfg_;
  irq_scheme active_ = irq_scheme::legacy;
  bool linux_order_ = false;  // MSI v2 set up in the Linux patch's order (msi-v2-linux, msi-v2-as-posted)
  unsigned queues_ = 0;
  uint32_t first_id_ = 0, ids_ = 0;  // none until set up
};

}  // namespace vdrv
