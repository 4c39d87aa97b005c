// The driver side of a split virtqueue: a descriptor free list, chains or indirect tables, EVENT_IDX
// for both directions, and a validated used ring: an id the driver never posted or a length larger than
// the buffer is reported (status::bad_used_id / bad_used_len), never followed.
#pragma once

#include <stdint.h>

#include "vdrv/arena.h"
#include "vdrv/hal.h"
#include "vdrv/status.h"

namespace vdrv {

struct buffer {
  void* data;      // driver memory
  uint32_t len;
  bool writable;   // device writes it
};

class virtqueue {
 public:
  // legacy_align != 0: the Version 1 contiguous layout (one region, used ring aligned to it).
  status init(hal& h, arena& mem, uint16_t size, bool event_idx, bool indirect, uint32_t legacy_align);
  uint16_t size() const { return size_; }
  uint64_t desc_addr() const { return bus_desc_; }
  uint64_t avail_addr() const { return bus_avail_; }
  uint64_t used_addr() const { return bus_used_; }

  // Posts one chain; `cookie` comes back from get_used. Uses an indirect table for n > 1 when negotiated.
  status add(const buffer* bufs, unsigned n, void* cookie);
  // After add(), before any notify: does the device want a kick? (EVENT_IDX avail_event or
  // VRING_USED_F_NO_NOTIFY) Its barrier publishes the index added before the device can be told.
  bool kick_needed();
  // Reaps one used element: ok, empty, or an error for a used element that cannot be true.
  status get_used(void*& cookie, uint32_t& len);
  bool has_used() const;
  uint16_t used_index() const;                   // the device's used.idx as it reads now
  uint16_t last_used() const { return last_used_; }  // the driver's: how far it has reaped
  // Does the device owe an interrupt for the element get_used reaped last? Only when one was certainly
  // asked for: interrupts on and, with EVENT_IDX, used_event armed at that element before the device
  // published it (an element already published when the driver re-armed may or may not be signalled).
  bool interrupt_owed() const { return owed_; }
  // Interrupt suppression the driver controls: re-arm (used_event / flags) or suppress.
  void enable_interrupts();
  void disable_interrupts();
  bool interrupts_enabled() const { return irq_on_; }
  unsigned free_descriptors() const { return num_free_; }
  unsigned in_flight() const;

 private:
  struct slot {
    void* cookie;
    uint32_t writable_len;  // what the device may write into this chain
    uint16_t ndesc;         // descriptors the chain took from the table (1 for an indirect chain)
    bool busy;
    uint8_t* indirect;      // its indirect table, or nullptr
  };
  // The HAL's barrier and address translation, as it answered at init (hal::program_order, linear_bus):
  // skipped or done inline where it allows.
  void barrier() {
    if (fence_) h_->barrier();
  }
  uint64_t bus(const void* p) { return linear_ ? reinterpret_cast<uintptr_t>(p) + bus_offset_ : h_->to_bus(p); }
  hal* h_ = nullptr;
  bool fence_ = true, linear_ = false;
  uint64_t bus_offset_ = 0;
  arena* mem_ = nullptr;
  uint16_t size_ = 0;
  bool event_idx_ = false, indirect_ = false;
  uint8_t *desc_ = nullptr, *avail_ = nullptr, *used_ = nullptr;
  uint64_t bus_desc_ = 0, bus_avail_ = 0, bus_used_ = 0;
  slot* slots_ = nullptr;
  uint8_t* indirect_pool_ = nullptr;  // size tables of `indirect_max` descriptors
  uint16_t free_head_ = 0, num_free_ = 0;
  uint16_t avail_idx_ = 0, last_used_ = 0, kicked_avail_ = 0;
  bool irq_on_ = true, owed_ = false;
  uint16_t armed_ = 0;      // used_event as last written (EVENT_IDX)
  bool armed_late_ = false;  // the element at armed_ was already published when it was written
  void arm();                // used_event = last_used_, and note whether the device was already past it
  static constexpr unsigned indirect_max = 8;
};

}  // namespace vdrv
