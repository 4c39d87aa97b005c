// The device side of a split virtqueue (virtio spec 2.7): pops descriptor chains from the avail ring,
// publishes used elements and decides, with EVENT_IDX or the NO_INTERRUPT flag, whether the driver
// wants an interrupt. Guest memory is reached only through guest_memory_if; every address and length
// is range-checked, and a malformed ring is reported as a vq_error instead of being followed. A ring part
// (descriptor table, avail ring, used ring) that lies whole inside one DMI window is checked once and then
// reached through its host pointer (guest_memory_if::map); one that does not is read field by field.
#pragma once

#include <cstdint>

#include "vmsim/memory/guest_memory_if.h"
#include "vmsim/regmap/virtio_mmio.h"
#include "vmsim/virtqueue/desc_chain.h"

namespace vmsim {

enum class vq_error : uint8_t {
  none,
  memory,              // a ring or buffer address/length lies outside guest RAM
  avail_idx_jump,      // avail->idx moved by more than the queue size
  head_out_of_range,   // an avail ring entry names a descriptor >= queue size
  next_out_of_range,   // a next field names a descriptor >= table size
  loop,                // the chain is longer than the table (a cycle)
  indirect_not_negotiated,
  indirect_bad_length, // indirect table length 0 or not a multiple of 16
  indirect_nested,     // an indirect table inside an indirect table
  indirect_with_next,  // INDIRECT and NEXT on the same descriptor
  readable_after_writable,
  oversize,            // the chain's total length does not fit the used element's 32-bit length
};

const char* to_string(vq_error e);

struct vq_layout {
  uint32_t num = 0;      // queue size (power of two)
  uint64_t desc = 0;     // descriptor table
  uint64_t avail = 0;    // driver area
  uint64_t used = 0;     // device area
};

struct vq_features {
  bool indirect = false;
  bool event_idx = false;
};

enum class pop_status : uint8_t { chain, empty, error };

class split_virtqueue {
 public:
  void enable(const vq_layout& layout, const vq_features& features);
  void disable();
  bool enabled() const { return enabled_; }
  const vq_layout& layout() const { return layout_; }

  // Pops the next available chain into `out`. An empty ring (what a device finds after each completion) is
  // told here from the avail index against the last one seen when the avail ring maps; a moved index, or a
  // ring that did not map, takes the full path (and its checks).
  pop_status pop(guest_memory_if& mem, desc_chain& out) {
    out.clear();
    if (!enabled_ || error_ != vq_error::none) return pop_status::empty;
    const ring_view& r = rings(mem);
    if (r.avail.host != nullptr && avail_idx_at(r.avail.host) == last_avail_idx_) return pop_status::empty;
    return pop_next(mem, r, out);
  }
  // Publishes a used element for chain `head` with `written` bytes; false on a memory fault.
  bool push_used(guest_memory_if& mem, uint16_t head, uint32_t written);
  // After one or more push_used: does the driver want an interrupt for them? (virtio spec 2.7.7.2)
  // Returns false too on a memory fault, which is then reported by error().
  bool should_interrupt(guest_memory_if& mem);
  // Number of chains the driver has made available that were not popped yet; -1 on an error.
  int pending(guest_memory_if& mem);

  vq_error error() const { return error_; }
  uint16_t last_avail_idx() const { return last_avail_idx_; }
  uint16_t used_idx() const { return used_idx_; }

  struct counters {
    uint64_t chains = 0;
    uint64_t used = 0;
    uint64_t interrupts_wanted = 0;
    uint64_t interrupts_suppressed = 0;
  };
  const counters& stats() const { return stats_; }

 private:
  // The ring parts as mapped from one memory in one of its map epochs; mapped again when either changes.
  struct ring_view {
    const guest_memory_if* mem = nullptr;
    uint64_t epoch = 0;
    mapped_range desc, avail, used;
  };
  const ring_view& rings(guest_memory_if& mem) {
    if (view_.mem != &mem || view_.epoch != mem.map_epoch()) map_rings(mem);
    return view_;
  }
  void map_rings(guest_memory_if& mem);

  pop_status pop_next(guest_memory_if& mem, const ring_view& r, desc_chain& out);
  // avail->idx of a mapped avail ring (guest structures are little-endian whatever the host is).
  static uint16_t avail_idx_at(const uint8_t* avail) {
    const uint8_t* p = avail + regmap::vring::avail_idx;
    return static_cast<uint16_t>(p[0] | p[1] << 8);
  }
  pop_status fail(vq_error e);
  bool read_avail_idx(guest_memory_if& mem, const ring_view& r, uint16_t& idx);
  bool walk(guest_memory_if& mem, const ring_view& r, uint16_t head, desc_chain& out);

  vq_layout layout_{};
  vq_features features_{};
  bool enabled_ = false;
  vq_error error_ = vq_error::none;
  uint16_t last_avail_idx_ = 0;
  uint16_t used_idx_ = 0;
  uint16_t signalled_used_ = 0;
  bool signalled_used_valid_ = false;
  counters stats_{};
  ring_view view_{};
};

}  // namespace vmsim
