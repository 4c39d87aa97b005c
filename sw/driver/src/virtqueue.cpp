#include "vdrv/virtqueue.h"

#include "vmsim/regmap/virtio_mmio.h"

namespace vdrv {

namespace vr = vmsim::regmap::vring;

namespace {
// Ring memory is little-endian whatever the CPU is; volatile so the compiler keeps every access in the
// order the barriers demand. Every ring field is naturally aligned (the rings and descriptor tables are),
// so a little-endian CPU loads and stores a field whole; others assemble it from bytes.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
template <class T>
inline T ld(const uint8_t* p) {
  typedef T __attribute__((may_alias)) aliasing;  // ring memory is bytes to the rest of the driver
  return *reinterpret_cast<const volatile aliasing*>(p);
}
template <class T>
inline void st(uint8_t* p, T x) {
  typedef T __attribute__((may_alias)) aliasing;
  *reinterpret_cast<volatile aliasing*>(p) = x;
}
inline uint16_t ld16(const uint8_t* p) { return ld<uint16_t>(p); }
inline uint32_t ld32(const uint8_t* p) { return ld<uint32_t>(p); }
inline void st16(uint8_t* p, uint16_t x) { st(p, x); }
inline void st32(uint8_t* p, uint32_t x) { st(p, x); }
inline void st64(uint8_t* p, uint64_t x) { st(p, x); }
#else
inline uint16_t ld16(const uint8_t* p) {
  auto* v = reinterpret_cast<const volatile uint8_t*>(p);
  return static_cast<uint16_t>(v[0] | v[1] << 8);
}
inline uint32_t ld32(const uint8_t* p) { return ld16(p) | static_cast<uint32_t>(ld16(p + 2)) << 16; }
inline void st16(uint8_t* p, uint16_t x) {
  auto* v = reinterpret_cast<volatile uint8_t*>(p);
  v[0] = static_cast<uint8_t>(x);
  v[1] = static_cast<uint8_t>(x >> 8);
}
inline void st32(uint8_t* p, uint32_t x) {
  st16(p, static_cast<uint16_t>(x));
  st16(p + 2, static_cast<uint16_t>(x >> 16));
}
inline void st64(uint8_t* p, uint64_t x) {
  st32(p, static_cast<uint32_t>(x));
  st32(p + 4, static_cast<uint32_t>(x >> 32));
}
#endif
void put_desc(uint8_t* table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  uint8_t* d = table + i * vr::desc_size;
  st64(d + vr::desc_addr, addr);
  st32(d + vr::desc_len, len);
  st16(d + vr::desc_flags, flags);
  st16(d + vr::desc_next, next);
}
}  // namespace

status virtqueue::init(hal& h, arena& mem, uint16_t size, bool event_idx, bool indirect, uint32_t legacy_align) {
  if (size == 0 || (size & (size - 1)) != 0) return status::queue_too_small;
  h_ = &h;
  fence_ = !h.program_order();
  linear_ = h.linear_bus(bus_offset_);
  mem_ = &mem;
  size_ = size;
  event_idx_ = event_idx;
  indirect_ = indirect;
  if (legacy_align) {
    const uint64_t used_off = vr::legacy_used_offset(size, legacy_align);
    auto* base = static_cast<uint8_t*>(mem.alloc(vr::legacy_size(size, legacy_align), legacy_align));
    if (!base) return status::no_memory;
    desc_ = base;
    avail_ = base + vr::desc_table_bytes(size);
    used_ = base + used_off;
  } else {
    desc_ = static_cast<uint8_t*>(mem.alloc(vr::desc_table_bytes(size), vr::desc_align));
    avail_ = static_cast<uint8_t*>(mem.alloc(vr::avail_bytes(size), vr::avail_align));
    used_ = static_cast<uint8_t*>(mem.alloc(vr::used_bytes(size), vr::used_align));
  }
  slots_ = static_cast<slot*>(mem.alloc(sizeof(slot) * size, alignof(slot)));
  if (indirect_) indirect_pool_ = static_cast<uint8_t*>(mem.alloc(size_t{size} * indirect_max * vr::desc_size, vr::desc_align));
  if (!desc_ || !avail_ || !used_ || !slots_ || (indirect_ && !indirect_pool_)) return status::no_memory;
  bus_desc_ = bus(desc_);
  bus_avail_ = bus(avail_);
  bus_used_ = bus(used_);
  // The free list threads through the descriptors' next fields.
  for (uint16_t i = 0; i < size; ++i) put_desc(desc_, i, 0, 0, 0, static_cast<uint16_t>((i + 1) % size));
  free_head_ = 0;
  num_free_ = size;
  avail_idx_ = last_used_ = kicked_avail_ = armed_ = 0;
  irq_on_ = true;
  owed_ = armed_late_ = false;
  return status::ok;
}

status virtqueue::add(const buffer* bufs, unsigned n, void* cookie) {
  if (n == 0) return status::empty;
  const bool use_indirect = indirect_ && n > 1 && n <= indirect_max;
  const unsigned need = use_indirect ? 1 : n;
  if (need > num_free_) return status::ring_full;

  const uint16_t head = free_head_;
  uint32_t writable = 0;
  for (unsigned i = 0; i < n; ++i)
    if (bufs[i].writable) writable += bufs[i].len;
  slot& s = slots_[head];
  s = {cookie, writable, static_cast<uint16_t>(need), true, nullptr};

  if (use_indirect) {
    uint8_t* table = indirect_pool_ + size_t{head} * indirect_max * vr::desc_size;
    for (unsigned i = 0; i < n; ++i)
      put_desc(table, i, bus(bufs[i].data), bufs[i].len,
               static_cast<uint16_t>((bufs[i].writable ? vr::desc_f_write : 0) | (i + 1 < n ? vr::desc_f_next : 0)),
               static_cast<uint16_t>(i + 1));
    s.indirect = table;
    const uint16_t next_free = ld16(desc_ + head * vr::desc_size + vr::desc_next);
    put_desc(desc_, head, bus(table), n * vr::desc_size, vr::desc_f_indirect, 0);
    free_head_ = next_free;
  } else {
    uint16_t idx = head;
    for (unsigned i = 0; i < n; ++i) {
      const uint16_t next_free = ld16(desc_ + idx * vr::desc_size + vr::desc_next);
      const bool more = i + 1 < n;
      put_desc(desc_, idx, bus(bufs[i].data), bufs[i].len,
               static_cast<uint16_t>((bufs[i].writable ? vr::desc_f_write : 0) | (more ? vr::desc_f_next : 0)),
               more ? next_free : 0);
      if (more) idx = next_free;
      free_head_ = next_free;
    }
  }
  num_free_ = static_cast<uint16_t>(num_free_ - need);
  st16(avail_ + vr::avail_ring + 2u * (avail_idx_ % size_), head);
  barrier();  // the ring entry before the index that publishes it
  ++avail_idx_;
  st16(avail_ + vr::avail_idx, avail_idx_);
  return status::ok;  // kick_needed()'s barrier orders the index before the device is told (as Linux's kick_prepare)
}

bool virtqueue::kick_needed() {
  barrier();  // the index before the look at the device's event and before any notify
  const uint16_t old = kicked_avail_, now = avail_idx_;
  kicked_avail_ = now;
  if (event_idx_) return vr::need_event(ld16(used_ + vr::avail_event_offset(size_)), now, old);
  return !(ld16(used_ + vr::used_flags) & vr::used_f_no_notify);
}

bool virtqueue::has_used() const { return used_index() != last_used_; }

uint16_t virtqueue::used_index() const { return ld16(used_ + vr::used_idx); }

unsigned virtqueue::in_flight() const { return static_cast<uint16_t>(avail_idx_ - last_used_); }

status virtqueue::get_used(void*& cookie, uint32_t& len) {
  const uint16_t used_idx = ld16(used_ + vr::used_idx);
  if (used_idx == last_used_) return status::empty;
  if (static_cast<uint16_t>(used_idx - last_used_) > in_flight()) return status::bad_used_id;  // more than posted
  barrier();  // the element after the index that published it
  const uint8_t* e = used_ + vr::used_ring + vr::used_elem_size * (last_used_ % size_);
  const uint32_t id = ld32(e), written = ld32(e + 4);
  if (id >= size_ || !slots_[id].busy) return status::bad_used_id;
  slot& s = slots_[id];
  if (written > s.writable_len) return status::bad_used_len;
  // Give the chain's descriptors back to the free list.
  uint16_t tail = static_cast<uint16_t>(id);
  for (unsigned i = 1; i < s.ndesc; ++i) tail = ld16(desc_ + tail * vr::desc_size + vr::desc_next);
  st16(desc_ + tail * vr::desc_size + vr::desc_next, free_head_);
  free_head_ = static_cast<uint16_t>(id);
  num_free_ = static_cast<uint16_t>(num_free_ + s.ndesc);
  cookie = s.cookie;
  len = written;
  s.busy = false;
  owed_ = irq_on_ && (!event_idx_ || (armed_ == last_used_ && !armed_late_));
  ++last_used_;
  if (event_idx_ && irq_on_) arm();  // interrupt at the next one
  return status::ok;
}

void virtqueue::arm() {
  st16(avail_ + vr::used_event_offset(size_), last_used_);
  armed_ = last_used_;
  barrier();  // used_event before the look at used.idx (the device does the reverse)
  armed_late_ = used_index() != last_used_;
}

void virtqueue::enable_interrupts() {
  irq_on_ = true;
  if (event_idx_) arm();
  else st16(avail_ + vr::avail_flags, 0);
  barrier();
}

void virtqueue::disable_interrupts() {
  irq_on_ = false;
  if (!event_idx_) st16(avail_ + vr::avail_flags, vr::avail_f_no_interrupt);
  // With EVENT_IDX, leaving used_event behind suppresses interrupts until the driver re-arms.
}

}  // namespace vdrv
