// The fuzz targets' independent reading of a split-ring descriptor chain (virtio spec 2.7.5, 2.7.6): what a
// correct device may pop for a head, written from the spec and not from models/virtqueue, so a target can
// compare the model's answer with it. `read(addr, dst, len)` reads guest memory, `valid(addr, len)` says whether
// a buffer lies in guest RAM (a zero-length buffer must still start in RAM, as the model requires).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "vmsim/regmap/virtio_mmio.h"

namespace fuzz {

struct segment {
  uint64_t addr;
  uint32_t len;
  bool writable;
  bool operator==(const segment& o) const { return addr == o.addr && len == o.len && writable == o.writable; }
};

struct chain {
  bool ok = false;
  std::vector<segment> segments;
  uint64_t readable = 0, writable = 0;
  std::vector<std::pair<uint64_t, uint64_t>> tables;  // descriptor tables read: [addr, bytes)
};

template <class Read, class Valid>
chain walk_chain(Read read, Valid valid, uint64_t table, uint32_t num, uint16_t head, bool indirect_ok) {
  namespace vr = vmsim::regmap::vring;
  chain c;
  c.tables.push_back({table, uint64_t{vr::desc_size} * num});
  if (head >= num) return c;
  uint32_t size = num, index = head, steps = 0;
  bool nested = false, seen_writable = false;
  for (;;) {
    if (++steps > size) return c;  // longer than its table: a loop
    uint8_t d[vr::desc_size];
    if (!read(table + uint64_t{index} * vr::desc_size, d, sizeof d)) return c;
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
    std::memcpy(&addr, d + vr::desc_addr, 8);
    std::memcpy(&len, d + vr::desc_len, 4);
    std::memcpy(&flags, d + vr::desc_flags, 2);
    std::memcpy(&next, d + vr::desc_next, 2);
    if (flags & vr::desc_f_indirect) {
      if (!indirect_ok || nested || (flags & vr::desc_f_next) || len == 0 || len % vr::desc_size) return c;
      if (!valid(addr, len)) return c;
      nested = true;
      table = addr;
      size = len / vr::desc_size;
      c.tables.push_back({addr, len});
      index = 0;
      steps = 0;
      continue;
    }
    if (!valid(addr, len)) return c;
    const bool w = flags & vr::desc_f_write;
    if (!w && seen_writable) return c;
    seen_writable |= w;
    (w ? c.writable : c.readable) += len;
    if (c.readable + c.writable > UINT32_MAX) return c;
    c.segments.push_back({addr, len, w});
    if (!(flags & vr::desc_f_next)) return c.ok = true, c;
    if (next >= size) return c;
    index = next;
  }
}

}  // namespace fuzz
