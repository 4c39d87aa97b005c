#include "vmsim/virtqueue/split_virtqueue.h"

#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

namespace vr = regmap::vring;

const char* to_string(vq_error e) {
  switch (e) {
    case vq_error::none: return "none";
    case vq_error::memory: return "ring or buffer outside guest RAM";
    case vq_error::avail_idx_jump: return "avail idx moved by more than the queue size";
    case vq_error::head_out_of_range: return "avail ring names a descriptor beyond the queue";
    case vq_error::next_out_of_range: return "descriptor next beyond the table";
    case vq_error::loop: return "descriptor chain longer than its table (loop)";
    case vq_error::indirect_not_negotiated: return "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC";
    case vq_error::indirect_bad_length: return "indirect table length zero or not a multiple of 16";
    case vq_error::indirect_nested: return "indirect descriptor inside an indirect table";
    case vq_error::indirect_with_next: return "descriptor has both INDIRECT and NEXT";
    case vq_error::readable_after_writable: return "device-readable descriptor after a device-writable one";
    case vq_error::oversize: return "chain length exceeds 32 bits";
  }
  return "?";
}

namespace {
// Guest structures are little-endian whatever the host is.
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | static_cast<uint32_t>(le16(p + 2)) << 16; }
uint64_t le64(const uint8_t* p) { return le32(p) | static_cast<uint64_t>(le32(p + 4)) << 32; }
void put16(uint8_t* p, uint16_t v) { p[0] = static_cast<uint8_t>(v); p[1] = static_cast<uint8_t>(v >> 8); }
void put32(uint8_t* p, uint32_t v) { put16(p, static_cast<uint16_t>(v)); put16(p + 2, static_cast<uint16_t>(v >> 16)); }

// A 16-bit field at byte `off` of a ring part. Always inline: through a mapped part it is one load or store,
// which a call would cost several times over.
[[gnu::always_inline]] inline bool read16(guest_memory_if& mem, const mapped_range& part, uint64_t off, uint16_t& v) {
  uint8_t b[2];
  if (!part.read(mem, off, b, 2)) return false;
  v = le16(b);
  return true;
}
[[gnu::always_inline]] inline bool write16(guest_memory_if& mem, const mapped_range& part, uint64_t off, uint16_t v) {
  uint8_t b[2];
  put16(b, v);
  return part.write(mem, off, b, 2);
}

struct raw_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
[[gnu::always_inline]] inline bool read_desc(guest_memory_if& mem, const mapped_range& table, uint32_t index, raw_desc& d) {
  uint8_t b[vr::desc_size];
  if (!table.read(mem, uint64_t{index} * vr::desc_size, b, sizeof b)) return false;
  d = {le64(b + vr::desc_addr), le32(b + vr::desc_len), le16(b + vr::desc_flags), le16(b + vr::desc_next)};
  return true;
}
}  // namespace

void split_virtqueue::enable(const vq_layout& layout, const vq_features& features) {
  layout_ = layout;
  features_ = features;
  enabled_ = true;
  error_ = vq_error::none;
  last_avail_idx_ = used_idx_ = signalled_used_ = 0;
  signalled_used_valid_ = false;
  view_ = {};
}

void split_virtqueue::disable() {
  enabled_ = false;
  layout_ = {};
  error_ = vq_error::none;
  last_avail_idx_ = used_idx_ = signalled_used_ = 0;
  signalled_used_valid_ = false;
  view_ = {};
}

void split_virtqueue::map_rings(guest_memory_if& mem) {
  // The epoch first: an invalidation while mapping makes the next call map again.
  view_.mem = &mem;
  view_.epoch = mem.map_epoch();
  const auto part = [&](uint64_t addr, uint64_t bytes) { return mapped_range{addr, mem.map(addr, bytes)}; };
  view_.desc = part(layout_.desc, vr::desc_table_bytes(layout_.num));
  view_.avail = part(layout_.avail, vr::avail_bytes(layout_.num));
  view_.used = part(layout_.used, vr::used_bytes(layout_.num));
}

pop_status split_virtqueue::fail(vq_error e) {
  error_ = e;
  return pop_status::error;
}

bool split_virtqueue::read_avail_idx(guest_memory_if& mem, const ring_view& r, uint16_t& idx) {
  if (!read16(mem, r.avail, vr::avail_idx, idx)) return fail(vq_error::memory), false;
  if (static_cast<uint16_t>(idx - last_avail_idx_) > layout_.num) return fail(vq_error::avail_idx_jump), false;
  return true;
}

int split_virtqueue::pending(guest_memory_if& mem) {
  if (!enabled_ || error_ != vq_error::none) return -1;
  uint16_t idx;
  if (!read_avail_idx(mem, rings(mem), idx)) return -1;
  return static_cast<uint16_t>(idx - last_avail_idx_);
}

// pop() past its empty-ring test: `out` is clear, the queue enabled and without error, `r` its rings(mem).
pop_status split_virtqueue::pop_next(guest_memory_if& mem, const ring_view& r, desc_chain& out) {
  uint16_t avail_idx;
  if (!read_avail_idx(mem, r, avail_idx)) return pop_status::error;
  if (avail_idx == last_avail_idx_) return pop_status::empty;

  uint16_t head;
  uint64_t slot = vr::avail_ring + 2 * uint64_t{static_cast<uint16_t>(last_avail_idx_ % layout_.num)};
  if (!read16(mem, r.avail, slot, head)) return fail(vq_error::memory);
  if (head >= layout_.num) return fail(vq_error::head_out_of_range);
  if (!walk(mem, r, head, out)) return pop_status::error;

  ++last_avail_idx_;
  ++stats_.chains;
  // With EVENT_IDX, ask for the next kick only once the driver passes what was just consumed.
  if (features_.event_idx && !write16(mem, r.used, vr::avail_event_offset(layout_.num), last_avail_idx_))
    return fail(vq_error::memory);
  return pop_status::chain;
}

bool split_virtqueue::walk(guest_memory_if& mem, const ring_view& r, uint16_t head, desc_chain& out) {
  out.head = head;
  mapped_range table = r.desc;
  uint32_t table_size = layout_.num;
  bool in_indirect = false;
  uint32_t index = head;
  uint32_t visited = 0;
  bool seen_writable = false;

  for (;;) {
    if (++visited > table_size) return fail(vq_error::loop), false;
    raw_desc d;
    if (!read_desc(mem, table, index, d)) return fail(vq_error::memory), false;

    if (d.flags & vr::desc_f_indirect) {
      if (!features_.indirect) return fail(vq_error::indirect_not_negotiated), false;
      if (in_indirect) return fail(vq_error::indirect_nested), false;
      if (d.flags & vr::desc_f_next) return fail(vq_error::indirect_with_next), false;
      if (d.len == 0 || d.len % vr::desc_size != 0) return fail(vq_error::indirect_bad_length), false;
      if (!mem.valid(d.addr, d.len)) return fail(vq_error::memory), false;
      table = {d.addr, nullptr};  // the guest names one per chain: read it through the checked path
      table_size = d.len / vr::desc_size;
      in_indirect = true;
      index = 0;
      visited = 0;
      continue;
    }

    if (!mem.valid(d.addr, d.len)) return fail(vq_error::memory), false;
    bool writable = (d.flags & vr::desc_f_write) != 0;
    if (!writable && seen_writable) return fail(vq_error::readable_after_writable), false;
    seen_writable |= writable;
    uint64_t& total = writable ? out.writable_bytes : out.readable_bytes;
    total += d.len;
    if (out.readable_bytes + out.writable_bytes > UINT32_MAX) return fail(vq_error::oversize), false;
    out.segments.push_back({d.addr, d.len, writable});

    if (!(d.flags & vr::desc_f_next)) return true;
    if (d.next >= table_size) return fail(vq_error::next_out_of_range), false;
    index = d.next;
  }
}

bool split_virtqueue::push_used(guest_memory_if& mem, uint16_t head, uint32_t written) {
  if (!enabled_ || error_ != vq_error::none) return false;
  uint8_t elem[vr::used_elem_size];
  put32(elem, head);
  put32(elem + 4, written);
  const ring_view& r = rings(mem);
  uint64_t slot = vr::used_ring + uint64_t{vr::used_elem_size} * (used_idx_ % layout_.num);
  if (!r.used.write(mem, slot, elem, sizeof elem)) return fail(vq_error::memory), false;
  ++used_idx_;
  // The element is written before the index that publishes it (a store-release on real hardware).
  if (!write16(mem, r.used, vr::used_idx, used_idx_)) return fail(vq_error::memory), false;
  ++stats_.used;
  return true;
}

bool split_virtqueue::should_interrupt(guest_memory_if& mem) {
  if (!enabled_ || error_ != vq_error::none) return false;
  const ring_view& r = rings(mem);
  bool want;
  if (features_.event_idx) {
    uint16_t used_event;
    if (!read16(mem, r.avail, vr::used_event_offset(layout_.num), used_event))
      return fail(vq_error::memory), false;
    uint16_t old = signalled_used_;
    bool valid = signalled_used_valid_;
    signalled_used_ = used_idx_;
    signalled_used_valid_ = true;
    want = !valid || vr::need_event(used_event, used_idx_, old);
  } else {
    uint16_t flags;
    if (!read16(mem, r.avail, vr::avail_flags, flags)) return fail(vq_error::memory), false;
    want = !(flags & vr::avail_f_no_interrupt);
  }
  ++(want ? stats_.interrupts_wanted : stats_.interrupts_suppressed);
  return want;
}

}  // namespace vmsim
