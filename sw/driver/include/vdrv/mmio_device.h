// The virtio-mmio transport, driver side: probe, the initialisation sequence of Version 1 (legacy) and
// Version 2 (modern) — and Version 3, the MSI v1 proposal — feature negotiation, queue set-up, config reads
// with the generation retry loop, notification through QueueNotify or per-queue doorbells, reset.
#pragma once

#include <stdint.h>

#include "vdrv/hal.h"
#include "vdrv/status.h"
#include "vdrv/virtqueue.h"

namespace vdrv {

class mmio_device {
 public:
  // h: the counting HAL its register accesses are counted by (called directly: one virtual call per access).
  mmio_device(counting_hal& h, uint64_t base) : h_(&h), base_(base) {}
  void rebind(counting_hal& h) { h_ = &h; }  // another CPU uses the device from now on

  // Magic, Version (1, 2; 3 only when allow_v3), DeviceID (0: an empty slot).
  status probe(bool allow_v3 = false);
  uint32_t version() const { return version_; }
  uint32_t device_id() const { return device_id_; }

  // Reset, ACKNOWLEDGE, DRIVER, negotiate (offered & wanted & what the driver implements), FEATURES_OK
  // (modern) and check it stuck and that the device still offers what was accepted.
  status begin_init(uint64_t wanted);
  // Ring layouts and notification formats this driver does not implement: never accepted, whatever is wanted.
  static const uint64_t unimplemented_features;
  uint64_t features() const { return features_; }
  bool has(unsigned bit) const { return (features_ >> bit) & 1; }
  // ring_io: the HAL the ring uses for its barriers and bus addresses (default: the device's).
  status setup_queue(unsigned q, virtqueue& vq, arena& mem, uint16_t max_size, hal* ring_io = nullptr);
  status driver_ok();
  void reset();
  void fail();  // sets FAILED: the driver stops using the device
  bool needs_reset();
  // Status as a live device shows it: ok; device_needs_reset (NEEDS_RESET set, or DRIVER_OK gone: the
  // device reset itself); features_refused (a modern device dropped FEATURES_OK).
  status health();

  // Per-queue doorbells: read QueueNotify's {base, multiplier} and use them from now on. The layout must
  // put every queue's doorbell past the common registers and inside the device's `window` bytes; otherwise
  // (a device that would have the driver write over its registers or another device) bad_doorbells.
  status use_doorbells(unsigned queues, uint32_t window);
  bool doorbells() const { return doorbells_; }
  void notify(unsigned q);

  // Config space: a consistent snapshot (ConfigGeneration before == after), bounded retries.
  status read_config(uint32_t offset, void* out, uint32_t len);

  uint32_t reg(uint32_t offset) { return h_->read32(base_ + offset); }
  void set(uint32_t offset, uint32_t v) { h_->write32(base_ + offset, v); }
  uint64_t base() const { return base_; }
  counting_hal& io() { return *h_; }

 private:
  counting_hal* h_;
  uint64_t base_;
  uint32_t version_ = 0, device_id_ = 0;
  uint64_t features_ = 0;
  bool doorbells_ = false;
  uint32_t db_base_ = 0, db_mult_ = 0;
};

}  // namespace vdrv
