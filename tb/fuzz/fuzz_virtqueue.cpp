// Fuzz target: the device side of the split virtqueue (models/virtqueue) alone, on a guest memory buffer the
// input writes as a hostile driver would: rings and descriptor tables anywhere (or outside RAM), indices that
// jump, loops, indirect tables, used elements for heads never popped. Asserted besides "no crash":
//   - every pop agrees with an independent reading of the ring (ring_oracle.h): same chain, or an error
//     exactly when the ring is malformed, and nothing popped once the queue is in error;
//   - the queue reads only its descriptor tables (and the indirect tables they name) and its avail ring, and
//     writes only its used ring;
//   - a push_used publishes exactly the element asked for.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ring_oracle.h"
#include "vmsim/virtqueue/split_virtqueue.h"

using namespace vmsim;
namespace vr = vmsim::regmap::vring;

namespace {
constexpr uint64_t ram_base = 0x10000, ram_size = 0x4000;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_virtqueue: invariant violated: %s\n", what);
  std::abort();
}

struct area {
  uint64_t addr, bytes;
  bool holds(uint64_t a, uint64_t n) const { return range_inside(a, n, addr, bytes); }
};

// Guest RAM that checks every access the queue makes against the areas it may touch.
struct checked_memory : guest_memory_if {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(ram_size);
  std::vector<area> may_read, may_write;
  bool valid(uint64_t a, uint64_t n) override { return range_inside(a, n == 0 ? 1 : n, ram_base, ram_size); }
  bool read(uint64_t a, void* d, uint64_t n) override {
    if (!valid(a, n)) return false;
    if (!allowed(may_read, a, n)) finding("read outside the rings and descriptor tables");
    std::memcpy(d, &bytes[a - ram_base], n);
    return true;
  }
  bool write(uint64_t a, const void* s, uint64_t n) override {
    if (!valid(a, n)) return false;
    if (!allowed(may_write, a, n)) finding("write outside the used ring");
    std::memcpy(&bytes[a - ram_base], s, n);
    return true;
  }
  // With `maps`, ranges inside RAM are handed out as host pointers (as dma_master does in its DMI window):
  // the queue then reaches those ring parts directly, and must map nothing but its rings.
  bool maps = false;
  uint8_t* map(uint64_t a, uint64_t n) override {
    if (!maps || !valid(a, n)) return nullptr;
    if (!allowed(may_read, a, n) && !allowed(may_write, a, n)) finding("map of a range outside the rings");
    return &bytes[a - ram_base];
  }
  static bool allowed(const std::vector<area>& l, uint64_t a, uint64_t n) {
    for (const auto& r : l)
      if (r.holds(a, n)) return true;
    return false;
  }
  // Side-effect-free accessors for the oracle and the harness.
  bool peek(uint64_t a, void* d, uint64_t n) {
    if (!valid(a, n)) return false;
    std::memcpy(d, &bytes[a - ram_base], n);
    return true;
  }
  bool peek16(uint64_t a, uint16_t& v) { return peek(a, &v, 2); }
  void poke(uint64_t a, const void* s, uint64_t n) {
    if (n && valid(a, n)) std::memcpy(&bytes[a - ram_base], s, n);
  }
};

uint64_t address(FuzzedDataProvider& in, unsigned align) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: return in.ConsumeIntegral<uint64_t>();                           // anywhere
    case 1: return ram_base + ram_size - in.ConsumeIntegralInRange<uint64_t>(0, 64);  // at the end of RAM
    default: return ram_base + in.ConsumeIntegralInRange<uint64_t>(0, ram_size - 1) / align * align;
  }
}

struct harness {
  checked_memory mem;
  split_virtqueue vq;
  vq_layout layout{};
  vq_features features{};
  bool errored = false;
  std::vector<uint16_t> popped;

  void enable(FuzzedDataProvider& in) {
    layout.num = 1u << in.ConsumeIntegralInRange<unsigned>(0, 8);
    layout.desc = address(in, vr::desc_align);
    layout.avail = address(in, vr::avail_align);
    layout.used = address(in, vr::used_align);
    features.indirect = in.ConsumeBool();
    features.event_idx = in.ConsumeBool();
    vq.enable(layout, features);
    errored = false;
    popped.clear();
  }
  void rings_only() {
    mem.may_read = {{layout.desc, vr::desc_table_bytes(layout.num)}, {layout.avail, vr::avail_bytes(layout.num)}};
    mem.may_write = {{layout.used, vr::used_bytes(layout.num)}};
  }

  void pop() {
    // The expected outcome, from the spec.
    enum { expect_empty, expect_chain, expect_error } want = expect_empty;
    fuzz::chain c;
    uint16_t idx = 0, head = 0;
    const uint16_t last = vq.last_avail_idx();
    if (vq.enabled() && vq.error() == vq_error::none) {  // should_interrupt/pending/push_used may have failed it
      if (!mem.peek16(layout.avail + vr::avail_idx, idx)) want = expect_error;
      else if (static_cast<uint16_t>(idx - last) > layout.num) want = expect_error;
      else if (idx != last) {
        if (!mem.peek16(layout.avail + vr::avail_ring + 2u * (last % layout.num), head)) want = expect_error;
        else {
          c = fuzz::walk_chain([&](uint64_t a, void* d, uint64_t n) { return mem.peek(a, d, n); },
                               [&](uint64_t a, uint64_t n) { return mem.valid(a, n); }, layout.desc, layout.num, head,
                               features.indirect);
          uint16_t ev;
          const bool event_ok = !features.event_idx || mem.peek16(layout.used + vr::avail_event_offset(layout.num), ev);
          want = c.ok && event_ok ? expect_chain : expect_error;
        }
      }
    }
    rings_only();
    for (const auto& t : c.tables) mem.may_read.push_back({t.first, t.second});
    desc_chain out;
    const pop_status got = vq.pop(mem, out);
    switch (got) {
      case pop_status::empty:
        if (want != expect_empty) finding(want == expect_chain ? "pop empty, the ring holds a chain" : "pop empty, the ring is malformed");
        break;
      case pop_status::error:
        if (want != expect_error) finding("pop error on a well-formed ring");
        if (vq.error() == vq_error::none) finding("pop error without a vq_error");
        errored = true;
        break;
      case pop_status::chain: {
        if (want != expect_chain) finding("pop returned a chain the ring does not hold");
        if (out.head != head) finding("popped head differs from the avail ring's");
        if (out.segments.size() != c.segments.size()) finding("popped chain length differs");
        for (size_t i = 0; i < c.segments.size(); ++i)
          if (!(fuzz::segment{out.segments[i].addr, out.segments[i].len, out.segments[i].device_writable} == c.segments[i]))
            finding("popped segment differs");
        if (out.readable_bytes != c.readable || out.writable_bytes != c.writable) finding("popped byte counts differ");
        if (vq.last_avail_idx() != static_cast<uint16_t>(last + 1)) finding("last_avail_idx did not advance by one");
        popped.push_back(out.head);
        break;
      }
    }
  }

  void push(FuzzedDataProvider& in) {
    uint16_t head = in.ConsumeIntegral<uint16_t>();
    if (!popped.empty() && in.ConsumeBool()) {
      const size_t i = in.ConsumeIntegralInRange<size_t>(0, popped.size() - 1);
      head = popped[i];
      popped.erase(popped.begin() + static_cast<long>(i));
    }
    const uint32_t written = in.ConsumeIntegral<uint32_t>();
    rings_only();
    const uint16_t before = vq.used_idx();
    const bool live = vq.enabled() && vq.error() == vq_error::none;
    if (!vq.push_used(mem, head, written)) {
      if (live && vq.error() == vq_error::none) finding("push_used failed without an error");
      errored |= live;
      return;
    }
    if (!live) finding("push_used on a disabled or failed queue succeeded");
    uint32_t elem[2];
    uint16_t idx;
    mem.peek(layout.used + vr::used_ring + 8u * (before % layout.num), elem, 8);
    mem.peek16(layout.used + vr::used_idx, idx);
    // The element never overlaps the idx field (used + 2 vs used + 4 + 8k), whatever the layout.
    if (elem[0] != head || elem[1] != written) finding("used element is not the one pushed");
    if (idx != static_cast<uint16_t>(before + 1)) finding("used idx not advanced by one");
  }
};

// Each input runs twice: every ring field through the checked read/write, then with the ring parts that lie
// whole in RAM mapped; the oracle must hold both ways.
void run(const uint8_t* data, size_t size, bool maps) {
  FuzzedDataProvider in(data, size);
  harness h;
  h.mem.maps = maps;
  h.enable(in);
  for (unsigned step = 0; step < 512 && in.remaining_bytes() > 0; ++step) {
    switch (in.ConsumeIntegralInRange<int>(0, 9)) {
      case 0: {  // raw bytes anywhere in RAM
        const uint64_t at = ram_base + in.ConsumeIntegralInRange<uint64_t>(0, ram_size - 1);
        auto b = in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(1, 32));
        h.mem.poke(at, b.data(), std::min<uint64_t>(b.size(), ram_base + ram_size - at));
        break;
      }
      case 1: {  // one descriptor of the table, or of a buffer used as an indirect table
        const uint64_t table = in.ConsumeBool() ? h.layout.desc : address(in, 16);
        const uint64_t at = table + 16u * in.ConsumeIntegralInRange<uint32_t>(0, h.layout.num);
        uint8_t d[16];
        const uint64_t a = in.ConsumeBool() ? address(in, 1) : ram_base + in.ConsumeIntegralInRange<uint64_t>(0, 0x3ff);
        const uint32_t len = in.ConsumeBool() ? in.ConsumeIntegral<uint32_t>() : in.ConsumeIntegralInRange<uint32_t>(0, 256);
        const uint16_t flags = in.ConsumeIntegralInRange<uint16_t>(0, 7), next = in.ConsumeIntegralInRange<uint16_t>(0, 300);
        std::memcpy(d, &a, 8);
        std::memcpy(d + 8, &len, 4);
        std::memcpy(d + 12, &flags, 2);
        std::memcpy(d + 14, &next, 2);
        h.mem.poke(at, d, 16);
        break;
      }
      case 2: {  // make a head available (or move avail->idx anywhere)
        uint16_t idx = 0;
        h.mem.peek16(h.layout.avail + vr::avail_idx, idx);
        const uint16_t head = in.ConsumeIntegralInRange<uint16_t>(0, static_cast<uint16_t>(h.layout.num));
        h.mem.poke(h.layout.avail + vr::avail_ring + 2u * (idx % h.layout.num), &head, 2);
        idx = in.ConsumeIntegralInRange<int>(0, 15) ? static_cast<uint16_t>(idx + 1) : in.ConsumeIntegral<uint16_t>();
        h.mem.poke(h.layout.avail + vr::avail_idx, &idx, 2);
        break;
      }
      case 3: case 4: h.pop(); break;
      case 5: h.push(in); break;
      case 6: h.rings_only(); (void)h.vq.should_interrupt(h.mem); break;
      case 7: {
        h.rings_only();
        const int p = h.vq.pending(h.mem);
        if (p < -1 || p > static_cast<int>(h.layout.num)) finding("pending() out of range");
        break;
      }
      case 8: {  // the driver's suppression fields
        const uint16_t v = in.ConsumeIntegral<uint16_t>();
        h.mem.poke(in.ConsumeBool() ? h.layout.avail + vr::avail_flags : h.layout.avail + vr::used_event_offset(h.layout.num), &v, 2);
        break;
      }
      case 9:
        if (in.ConsumeBool()) h.enable(in);
        else h.vq.disable(), h.popped.clear(), h.errored = false;
        break;
    }
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size, false);
  run(data, size, true);
  return 0;
}
