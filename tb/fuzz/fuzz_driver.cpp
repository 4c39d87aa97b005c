// Fuzz target: the sw/ driver (freestanding, no SystemC) against a hostile device. A fake virtio-mmio device
// sits behind the driver's HAL (vdrv/hal.h): it behaves like a device by default and the input makes it lie
// — raw register values, features that do not stick, used elements with ids/lengths out of range, completions
// duplicated and reordered, used->idx jumps, config changes mid-flight, DEVICE_NEEDS_RESET, interrupts
// without work. The input picks the device type (rng, blk, net), transport version, interrupt scheme,
// polling or interrupts, doorbells, then a sequence of driver operations. Asserted besides "no crash" (ASan
// sees the driver's arena and the buffers as separate heap blocks):
//   - every cookie the driver returns is one submitted and not returned yet, with len <= the buffer;
//   - every descriptor the driver posts lies inside its DMA memory;
//   - a driver that gave up the device (error() != ok) notifies it no more.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "ring_oracle.h"
#include "vdrv/drivers.h"
#include "vmsim/regmap/virtio_devices.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace rm = vmsim::regmap;
namespace vr = rm::vring;
using rm::reg;

namespace {
[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_driver: invariant violated: %s\n", what);
  std::abort();
}

constexpr uint64_t dev_base = 0x0a000000, irqc_base = 0x08000000, msi_frame = 0xfee00000;
constexpr uint64_t arena_bus = 0x40000000, buf_bus = 0x50000000;
constexpr size_t arena_size = 256 << 10, buf_size = 64 << 10;

// FUZZ_FINDINGS=1 lifts the harness's detours around the known findings (tb/fuzz/findings/), to replay them.
bool replay_findings() {
  static const bool on = std::getenv("FUZZ_FINDINGS") != nullptr;
  return on;
}

constexpr bool inside(uint64_t a, uint64_t n, uint64_t base, uint64_t size) {
  return a >= base && n <= size && a - base <= size - n;
}

// The driver's DMA memory: two heap blocks of their own, so ASan catches any step outside either. Allocated
// once (mapping them per input cost more than the rest of the run); the arena zeroes what it hands out.
struct heap_block {
  explicit heap_block(size_t n) : p(static_cast<uint8_t*>(std::aligned_alloc(4096, n))), size(n) { std::memset(p, 0, n); }
  uint8_t* p;
  size_t size;
};
heap_block& arena_block() { static heap_block b(arena_size); return b; }
heap_block& buffer_block() { static heap_block b(buf_size); return b; }

struct fake_device final : vdrv::hal {
  FuzzedDataProvider& in;
  heap_block &arena = arena_block(), &bufs = buffer_block();
  uint32_t version = 2, device_id = 4;
  uint64_t features = 0;
  uint8_t config[32] = {};
  uint32_t status = 0, generation = 0, isr = 0, page_size = 0;
  uint32_t dev_feat_sel = 0, drv_feat_sel = 0, queue_sel = 0;
  uint64_t driver_features = 0;
  bool irq_line = false;
  uint64_t now = 0;
  unsigned notifies_after_failure = 0;
  bool driver_failed = false;  // set by the harness when the driver reported an error
  bool hostile = false;        // the device has returned something it should not have (ids, idx, duplicates)
  struct queue {
    uint32_t num = 0, align = 4096, pfn = 0;
    uint64_t desc = 0, avail = 0, used = 0;
    bool ready = false;
    uint16_t last_avail = 0, used_idx = 0;
    std::vector<std::pair<uint16_t, uint32_t>> taken;  // popped heads and their writable bytes
    std::vector<uint32_t> last_elem;                   // for duplicates
  };
  std::vector<queue> queues = std::vector<queue>(vdrv::virtio_driver::max_queues);

  explicit fake_device(FuzzedDataProvider& p) : in(p) { std::memset(bufs.p, 0, buf_size); }

  // ---- driver memory as the device sees it ----
  uint8_t* host(uint64_t a, uint64_t n) {
    if (inside(a, n, arena_bus, arena_size)) return arena.p + (a - arena_bus);
    if (inside(a, n, buf_bus, buf_size)) return bufs.p + (a - buf_bus);
    return nullptr;
  }
  bool dma_read(uint64_t a, void* d, uint64_t n) {
    uint8_t* p = host(a, n);
    return p && (std::memcpy(d, p, n), true);
  }
  uint16_t ld16(uint64_t a) { uint16_t v = 0; dma_read(a, &v, 2); return v; }
  void st(uint64_t a, const void* s, uint64_t n) {
    if (uint8_t* p = host(a, n)) std::memcpy(p, s, n);
  }

  // ---- the device's behaviour: one step, chosen by the input ----
  queue* pick_queue() {
    std::vector<queue*> live;
    for (auto& q : queues)
      if (q.ready) live.push_back(&q);
    if (live.empty()) return nullptr;
    return live[in.ConsumeIntegralInRange<size_t>(0, live.size() - 1)];
  }
  bool take(queue& q) {  // pops one available chain, as a device would (checking what the driver posted)
    const uint16_t idx = ld16(q.avail + vr::avail_idx);
    if (idx == q.last_avail) return false;
    const uint16_t head = ld16(q.avail + vr::avail_ring + 2u * (q.last_avail % q.num));
    auto rd = [&](uint64_t a, void* d, uint64_t n) { return dma_read(a, d, n); };
    auto c = fuzz::walk_chain(rd, [&](uint64_t a, uint64_t n) { return host(a, n ? n : 1) != nullptr; }, q.desc, q.num, head, true);
    if (!c.ok) {
      // Malformed (a loop, a bad next) is what a device gets after it returned heads it had not taken: the
      // driver recycled their descriptors. Outside the driver's memory is never right.
      if (fuzz::walk_chain(rd, [](uint64_t, uint64_t) { return true; }, q.desc, q.num, head, true).ok)
        finding("the driver posted a buffer outside its DMA memory");
      if (!hostile) finding("the driver posted a malformed chain to a device that never misbehaved");
      q.taken.push_back({head, 0});  // a device that cannot read the chain returns it unused
      ++q.last_avail;
      return true;
    }
    ++q.last_avail;
    q.taken.push_back({head, static_cast<uint32_t>(c.writable)});
    for (const auto& s : c.segments)  // the device writes what it may: fill writable buffers
      if (s.writable && s.len) std::memset(host(s.addr, s.len), 0x5a, s.len);
    return true;
  }
  void publish(queue& q, uint32_t id, uint32_t len) {
    const uint32_t e[2] = {id, len};
    st(q.used + vr::used_ring + 8u * (q.used_idx % q.num), e, 8);
    q.last_elem = {id, len};
    ++q.used_idx;
    st(q.used + vr::used_idx, &q.used_idx, 2);
  }
  void step() {
    switch (in.ConsumeIntegralInRange<int>(0, 15)) {
      case 0: case 1: case 2: case 3: {  // complete the oldest (or any) taken chain correctly
        queue* q = pick_queue();
        if (!q) break;
        while (take(*q)) {
        }
        if (q->taken.empty()) break;
        const size_t i = in.ConsumeBool() ? 0 : in.ConsumeIntegralInRange<size_t>(0, q->taken.size() - 1);
        auto [head, cap] = q->taken[i];
        q->taken.erase(q->taken.begin() + static_cast<long>(i));
        publish(*q, head, in.ConsumeBool() ? cap : in.ConsumeIntegralInRange<uint32_t>(0, cap));
        raise(1);
        break;
      }
      case 4: {  // a hostile used element
        queue* q = pick_queue();
        if (!q) break;
        hostile = true;
        publish(*q, in.ConsumeIntegral<uint32_t>() % (in.ConsumeBool() ? 0x10000u : q->num + 1), in.ConsumeIntegral<uint32_t>());
        raise(1);
        break;
      }
      case 5: {  // the last completion again
        queue* q = pick_queue();
        if (q && q->last_elem.size() == 2) hostile = true, publish(*q, q->last_elem[0], q->last_elem[1]), raise(1);
        break;
      }
      case 6: {  // used->idx jumps
        queue* q = pick_queue();
        if (q) hostile = true, q->used_idx = static_cast<uint16_t>(q->used_idx + in.ConsumeIntegral<uint16_t>()), st(q->used + vr::used_idx, &q->used_idx, 2);
        break;
      }
      case 7:  // config change
        config[in.ConsumeIntegralInRange<size_t>(0, sizeof config - 1)] = in.ConsumeIntegral<uint8_t>();
        ++generation;
        raise(2);
        break;
      case 8: status |= rm::status::device_needs_reset, raise(2); break;
      case 9: irq_line = true; break;  // an interrupt without work
      case 10: features ^= uint64_t{1} << in.ConsumeIntegralInRange<unsigned>(0, 63); break;
      default: break;  // the device is busy: nothing this time
    }
  }
  void raise(uint32_t bits) { isr |= bits; irq_line = true; }

  // ---- registers ----
  uint32_t lie(uint32_t honest) {  // most reads are honest; some return what the input says
    if (in.ConsumeIntegralInRange<int>(0, 31) != 31) return honest;
    hostile = true;  // e.g. a doorbell {base, multiplier} on top of the queue registers: the rings go astray
    return in.ConsumeIntegral<uint32_t>();
  }
  uint32_t honest_read(uint64_t off) {
    queue* q = queue_sel < queues.size() ? &queues[queue_sel] : nullptr;
    switch (off) {
      case rm::offset_of(reg::magic_value): return rm::magic_value;
      case rm::offset_of(reg::version): return version;
      case rm::offset_of(reg::device_id): return device_id;
      case rm::offset_of(reg::vendor_id): return 0x554d4551;
      case rm::offset_of(reg::device_features): return dev_feat_sel < 2 ? static_cast<uint32_t>(features >> (32 * dev_feat_sel)) : 0;
      case rm::offset_of(reg::queue_num_max): return q ? 64 : 0;
      case rm::offset_of(reg::queue_pfn): return q ? q->pfn : 0;
      case rm::offset_of(reg::queue_ready): return q && q->ready;
      case rm::offset_of(reg::queue_notify): return 0x800 | 4u << 16;  // doorbells at 0x800, 4 bytes apart
      case rm::offset_of(reg::interrupt_status): return isr;
      case rm::offset_of(reg::status): return status;
      case rm::offset_of(reg::config_generation): return generation;
      default: break;
    }
    if (off >= rm::config_space_offset && off < rm::config_space_offset + sizeof config) {
      uint32_t v = 0;
      std::memcpy(&v, config + (off - rm::config_space_offset), std::min<size_t>(4, sizeof config - (off - rm::config_space_offset)));
      return v;
    }
    return 0;
  }
  void honest_write(uint64_t off, uint32_t v) {
    queue* q = queue_sel < queues.size() ? &queues[queue_sel] : nullptr;
    auto half = [&](uint64_t& a, bool high) { a = high ? (a & 0xffffffffu) | uint64_t{v} << 32 : (a & ~0xffffffffull) | v; };
    switch (off) {
      case rm::offset_of(reg::device_features_sel): dev_feat_sel = v; break;
      case rm::offset_of(reg::driver_features_sel): drv_feat_sel = v; break;
      case rm::offset_of(reg::driver_features): if (drv_feat_sel < 2) driver_features |= uint64_t{v} << (32 * drv_feat_sel); break;
      case rm::offset_of(reg::guest_page_size): page_size = v; break;
      case rm::offset_of(reg::queue_sel): queue_sel = v; break;
      case rm::offset_of(reg::queue_num): if (q) q->num = v; break;
      case rm::offset_of(reg::queue_align): if (q) q->align = v; break;
      case rm::offset_of(reg::queue_pfn):
        if (q && v && q->num && (q->num & (q->num - 1)) == 0 && q->num <= 64 && q->align && page_size) {
          q->pfn = v;
          q->desc = uint64_t{v} * page_size;
          q->avail = q->desc + vr::desc_table_bytes(q->num);
          q->used = q->desc + vr::legacy_used_offset(q->num, q->align);
          q->ready = true;
        }
        break;
      case rm::offset_of(reg::queue_desc_low): if (q) half(q->desc, false); break;
      case rm::offset_of(reg::queue_desc_high): if (q) half(q->desc, true); break;
      case rm::offset_of(reg::queue_driver_low): if (q) half(q->avail, false); break;
      case rm::offset_of(reg::queue_driver_high): if (q) half(q->avail, true); break;
      case rm::offset_of(reg::queue_device_low): if (q) half(q->used, false); break;
      case rm::offset_of(reg::queue_device_high): if (q) half(q->used, true); break;
      case rm::offset_of(reg::queue_ready):
        if (q) q->ready = v == 1 && q->num && (q->num & (q->num - 1)) == 0 && q->num <= 64;
        break;
      case rm::offset_of(reg::queue_notify): notified(); break;
      case rm::offset_of(reg::interrupt_ack): isr &= ~v; break;
      case rm::offset_of(reg::status):
        if (v == 0) {
          status = 0, driver_features = 0, isr = 0;
          for (auto& qq : queues) qq = queue{};
        } else {
          // FEATURES_OK sticks unless the input says otherwise (features revoked).
          status = (in.ConsumeIntegralInRange<int>(0, 15) == 0 ? v & ~rm::status::features_ok : v) |
                   (status & rm::status::device_needs_reset);
        }
        break;
      default:
        if (off >= 0x800 && off < 0x800 + 4 * queues.size()) notified();
        break;
    }
  }
  void notified() {
    if (driver_failed) ++notifies_after_failure;
    step();
  }

  uint32_t access_read(uint64_t a) {
    if (a >= dev_base && a < dev_base + 0x1000) {
      step();
      // QueueNotify's doorbell {base, multiplier} is not lied about while the driver trusts it unchecked
      // (findings/driver-doorbell-outside-window: notify() then writes outside the device's window).
      if (!replay_findings() && a - dev_base == rm::offset_of(reg::queue_notify)) return honest_read(a - dev_base);
      return lie(honest_read(a - dev_base));
    }
    if (a >= irqc_base && a < irqc_base + 0x18000) {  // vmsim's controller: IAR says what the input says
      if ((a - irqc_base) % 0x1000 == 0 && a - irqc_base < 0x10000) {
        if (!irq_line) return 1023;
        irq_line = false;
        const uint32_t ids[] = {32, 33, 48, 49, 50, 64, 65, 1023};
        return ids[in.ConsumeIntegralInRange<size_t>(0, 7)] + (in.ConsumeIntegralInRange<int>(0, 7) == 0 ? in.ConsumeIntegral<uint8_t>() : 0);
      }
      return 0;
    }
    return in.ConsumeIntegral<uint32_t>();  // nothing there: the bus floats
  }

  uint8_t read8(uint64_t a) override { return static_cast<uint8_t>(access_read(a & ~3ull) >> (8 * (a & 3))); }
  uint16_t read16(uint64_t a) override { return static_cast<uint16_t>(access_read(a & ~3ull) >> (8 * (a & 2))); }
  uint32_t read32(uint64_t a) override { return access_read(a); }
  void write8(uint64_t a, uint8_t v) override { write32(a, v); }
  void write16(uint64_t a, uint16_t v) override { write32(a, v); }
  void write32(uint64_t a, uint32_t v) override {
    if (a >= dev_base && a < dev_base + 0x1000) honest_write(a - dev_base, v);
    else if (!inside(a, 4, irqc_base, 0x18000))
      finding("the driver wrote MMIO outside its device's 4 KiB window and the interrupt controller");
  }
  void barrier() override {}
  void wait_for_interrupt() override { step(); now += 1000000; }  // 1 ms a look: a 100 ms wait gives up after ~100
  bool interrupt_pending() override { return irq_line; }
  uint64_t now_ns() override { return now += 1000000; }
  uint64_t to_bus(const void* p) override {
    auto* b = static_cast<const uint8_t*>(p);
    if (b >= arena.p && b < arena.p + arena_size) return arena_bus + static_cast<uint64_t>(b - arena.p);
    if (b >= bufs.p && b < bufs.p + buf_size) return buf_bus + static_cast<uint64_t>(b - bufs.p);
    finding("the driver hands the device a pointer outside its DMA memory");
  }
  void* from_bus(uint64_t a) override { return host(a, 1); }
};

// What the harness submitted and what came back.
struct ledger {
  std::map<void*, uint32_t> in_flight;  // cookie -> writable capacity
  void submitted(void* c, uint32_t cap) { in_flight[c] = cap; }
  void returned(void* c, uint32_t len) {
    auto it = in_flight.find(c);
    if (it == in_flight.end()) finding("the driver returned a cookie not in flight (unknown or returned twice)");
    if (len > it->second) finding("the driver returned a length larger than the buffer");
    in_flight.erase(it);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  fake_device dev(in);
  const int type = in.ConsumeIntegralInRange<int>(0, 2);  // rng, blk, net
  dev.device_id = type == 0 ? rm::device_id::rng : type == 1 ? rm::device_id::block : rm::device_id::net;
  dev.version = in.ConsumeIntegralInRange<uint32_t>(1, 2);
  dev.features = in.ConsumeIntegral<uint64_t>() | (dev.version == 2 ? rm::feature::bit(rm::feature::version_1) : 0);
  const uint16_t pairs_cfg = in.ConsumeIntegralInRange<uint16_t>(1, 4);
  std::memcpy(dev.config + rm::net::cfg_max_virtqueue_pairs, &pairs_cfg, 2);
  const uint64_t capacity = in.ConsumeIntegralInRange<uint64_t>(0, 64);
  std::memcpy(dev.config + rm::blk::cfg_capacity, &capacity, 8);

  vdrv::counting_hal io(dev);
  vdrv::irqc_layout layout{irqc_base, msi_frame, false, 32};
  vdrv::irq_controller ic(io, layout);
  const bool interrupts = in.ConsumeBool();
  vdrv::cpu_context ctx(io, interrupts ? &ic : nullptr, 0);
  vdrv::arena mem(dev.arena.p, arena_bus, arena_size);
  vdrv::start_options o;
  o.irq.scheme = static_cast<vdrv::irq_scheme>(in.ConsumeIntegralInRange<int>(0, 6));
  o.irq.lines = in.ConsumeIntegralInRange<unsigned>(1, 3);
  o.doorbells = in.ConsumeBool();
  o.allow_v3 = in.ConsumeBool();
  o.queue_size = static_cast<uint16_t>(in.ConsumeIntegralInRange<unsigned>(1, 64));

  vdrv::rng_driver rng(io, dev_base, ctx);
  vdrv::blk_driver blk(io, dev_base, ctx);
  vdrv::net_driver net(io, dev_base, ctx);
  vdrv::virtio_driver& drv = type == 0 ? static_cast<vdrv::virtio_driver&>(rng) : type == 1 ? static_cast<vdrv::virtio_driver&>(blk) : net;
  vdrv::status s;
  const unsigned pairs = in.ConsumeIntegralInRange<unsigned>(1, 3);
  if (type == 0) s = rng.start(mem, o);
  else if (type == 1) s = blk.start(mem, o, in.ConsumeIntegralInRange<unsigned>(1, 3));
  else s = net.start(mem, o, pairs);
  if (s != vdrv::status::ok) return 0;

  ledger net_cookies;
  uint8_t* const b = dev.bufs.p;
  for (unsigned op = 0; op < 48 && in.remaining_bytes() > 0; ++op) {
    dev.driver_failed = drv.error() != vdrv::status::ok;
    const uint32_t off = in.ConsumeIntegralInRange<uint32_t>(0, 31) * 1024;
    if (type == 0) {
      const uint32_t len = in.ConsumeIntegralInRange<uint32_t>(1, 1024);
      uint32_t got = 0;
      const vdrv::status rs = rng.read(b + off, len, got);
      // Known: a late completion is taken for the next read (findings/driver-rng-late-completion-after-timeout).
      if (rs == vdrv::status::timeout && !replay_findings()) break;
      if (rs == vdrv::status::ok && got > len) {
        std::fprintf(stderr, "rng read of %u bytes answered %u\n", len, got);
        finding("rng read more than asked");
      }
    } else if (type == 1) {
      const unsigned q = in.ConsumeIntegralInRange<unsigned>(0, 3);
      const uint32_t count = in.ConsumeIntegralInRange<uint32_t>(0, 2);
      switch (in.ConsumeIntegralInRange<int>(0, 2)) {
        case 0: (void)blk.read(q, in.ConsumeIntegral<uint64_t>() % 80, b + off, count); break;
        case 1: (void)blk.write(q, in.ConsumeIntegral<uint64_t>() % 80, b + off, count); break;
        case 2: { char id[21]; (void)blk.get_id(id); break; }
      }
    } else {
      const unsigned pair = in.ConsumeIntegralInRange<unsigned>(0, 3);
      void* cookie = b + off;
      const uint32_t len = in.ConsumeIntegralInRange<uint32_t>(0, 1000);
      switch (in.ConsumeIntegralInRange<int>(0, 4)) {
        case 0:
          if (!net_cookies.in_flight.count(cookie) && net.send(pair, b + off, len, cookie) == vdrv::status::ok)
            net_cookies.submitted(cookie, 0);
          break;
        case 1:
          if (!net_cookies.in_flight.count(cookie) && net.post_rx(pair, b + off, len + 12, cookie) == vdrv::status::ok)
            net_cookies.submitted(cookie, len + 12);
          break;
        case 2: case 3: {
          void* c = nullptr;
          uint32_t got = 0;
          const unsigned q = in.ConsumeIntegralInRange<unsigned>(0, 2 * pairs - 1);  // rx/tx: not the control queue
          if (net.poll(q, c, got) == vdrv::status::ok) net_cookies.returned(c, got);
          break;
        }
        case 4: (void)net.set_pairs(in.ConsumeIntegralInRange<unsigned>(0, 5)); break;
      }
    }
    if (dev.notifies_after_failure) finding("the driver notified a device it had given up");
  }
  return 0;
}
