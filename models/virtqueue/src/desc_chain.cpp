#include "vmsim/virtqueue/desc_chain.h"

#include <algorithm>

namespace vmsim {

namespace {
// Walks the segments of one direction, copying the part that overlaps [offset, offset+len).
template <typename Copy>
int64_t for_part(const std::vector<desc_segment>& segs, bool writable, uint64_t offset, uint64_t len, Copy copy) {
  uint64_t pos = 0;  // position of the current segment inside this direction's byte stream
  uint64_t done = 0;
  for (const auto& s : segs) {
    if (s.device_writable != writable) continue;
    uint64_t seg_end = pos + s.len;
    if (done < len && offset + done < seg_end) {
      uint64_t in_seg = offset + done - pos;
      uint64_t n = std::min<uint64_t>(s.len - in_seg, len - done);
      if (!copy(s.addr + in_seg, done, n)) return -1;
      done += n;
    }
    pos = seg_end;
    if (done == len) break;
  }
  return static_cast<int64_t>(done);
}
}  // namespace

int64_t desc_chain::read(guest_memory_if& mem, uint64_t offset, void* dst, uint64_t len) const {
  auto* out = static_cast<uint8_t*>(dst);
  return for_part(segments, false, offset, len,
                  [&](uint64_t addr, uint64_t at, uint64_t n) { return mem.read(addr, out + at, n); });
}

int64_t desc_chain::write(guest_memory_if& mem, uint64_t offset, const void* src, uint64_t len) const {
  const auto* in = static_cast<const uint8_t*>(src);
  return for_part(segments, true, offset, len,
                  [&](uint64_t addr, uint64_t at, uint64_t n) { return mem.write(addr, in + at, n); });
}

}  // namespace vmsim
