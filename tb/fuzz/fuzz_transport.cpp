// Fuzz target: the virtio-mmio transport's register interface with hostile guest memory, over every device
// (rng, net, blk), every interrupt scheme (interrupt_scheme_names()), transport Version 1 and 2, and the three
// notify paths (QueueNotify, doorbells through the C++ reference decoder, doorbells through the Verilated RTL
// decoder). SystemC elaborates once per process: LLVMFuzzerInitialize builds every platform variant once;
// an input picks one, plays a sequence of register reads/writes (registers, MSI blocks, config space,
// doorbells), guest-memory writes (raw bytes, descriptors, avail entries) and time advances, then resets the
// device (Status = 0). Asserted after every step besides "no crash":
//   - the device wrote guest RAM only inside used rings and device-writable buffers the descriptor tables
//     have described (accumulated over the input, since a chain outlives the table entry it came from;
//     unchecked in a step that starts with such a buffer over a descriptor table, see allow());
//   - every used element names a head the device took from the avail ring and not yet returned, with
//     len <= that chain's writable bytes — or the device has set DEVICE_NEEDS_RESET.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "ring_oracle.h"
#include "virtio_system.h"
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/irq/scheme_factory.h"
#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"

using namespace vmsim;
namespace vr = regmap::vring;
using regmap::reg;

namespace {
constexpr uint64_t ram_base = 0x40000000, ram_size = 0x10000, mmio_base = 0x0a000000;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_transport: invariant violated: %s\n", what.c_str());
  std::abort();
}

struct cpu_port : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<cpu_port> socket;
  explicit cpu_port(sc_core::sc_module_name n) : sc_module(n), socket("socket") {}
  uint32_t access(bool write, uint64_t addr, unsigned width, uint32_t value) {
    uint8_t b[4];
    for (unsigned i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(value >> (8 * i));
    tlm::tlm_generic_payload tx;
    tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    tx.set_address(addr);
    tx.set_data_ptr(b);
    tx.set_data_length(width);
    tx.set_streaming_width(width);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(tx, delay);
    uint32_t v = 0;
    for (unsigned i = 0; i < width; ++i) v |= uint32_t{b[i]} << (8 * i);
    return v;
  }
};

struct variant {
  std::string name;
  virtio_mmio_transport* transport = nullptr;
  guest_ram* ram = nullptr;
  cpu_port* cpu = nullptr;
  unsigned queues = 0;
};
std::vector<variant> variants;

template <class Device, class Params>
void build(const std::string& device, const std::string& scheme, unsigned version, int notify, const Params& p) {
  tb::system_config c;
  c.scheme = scheme;
  c.transport.version = version;
  c.transport.irq_lines = scheme_named(scheme).multi_line ? 2 : 1;
  c.transport.notify.doorbells = notify > 0;
  c.ram_base = ram_base;
  c.ram_size = ram_size;
  c.mmio_base = mmio_base;
  const std::string name = device + "_" + scheme + "_v" + std::to_string(version) + "_" + std::to_string(notify);
  auto* sys = new tb::virtio_system<Device>(name.c_str(), c, p);
  auto* cpu = new cpu_port((name + "_cpu").c_str());
  cpu->socket.bind(sys->bus.target);
  if (notify == 2)
    sys->transport.use_doorbell_decoder(
        std::make_unique<rtl_doorbell_decoder>(sys->transport.doorbell_layout(), sc_core::sc_time(1, sc_core::SC_NS)));
  variants.push_back({name, &sys->transport, &sys->ram, cpu, sys->device.num_queues()});
}

// Register offsets worth hitting: the standard block, the MSI blocks, the MSI-X table, config, doorbells.
uint32_t pick_offset(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: return in.ConsumeIntegralInRange<uint32_t>(0, 0xfff);
    case 1: return 0xd0 + 4 * in.ConsumeIntegralInRange<uint32_t>(0, 8) + (in.ConsumeBool() ? 2 : 0);  // MSI blocks
    case 2: return 0x400 + 4 * in.ConsumeIntegralInRange<uint32_t>(0, 40);                              // MSI-X table
    case 3: return regmap::config_space_offset + in.ConsumeIntegralInRange<uint32_t>(0, 40);
    case 4: return 0x800 + 4 * in.ConsumeIntegralInRange<uint32_t>(0, 8);                               // doorbells
    default: {
      const auto& r = regmap::standard_registers[in.ConsumeIntegralInRange<size_t>(0, static_cast<size_t>(reg::count) - 1)];
      return r.offset;
    }
  }
}

uint8_t* shadow_bytes() { static std::vector<uint8_t> b(ram_size); return b.data(); }
uint32_t* may_write_bytes() { static std::vector<uint32_t> b(ram_size); return b.data(); }

struct queue_track {
  vq_layout layout{};
  uint16_t last_avail = 0, used_idx = 0;
  bool reliable = true;
  std::multimap<uint16_t, uint64_t> taken;  // head -> writable bytes
};

struct run {
  variant& v;
  FuzzedDataProvider& in;
  uint8_t* ram;
  // RAM as the guest left it, and the bytes the device may write: reused between inputs (allocating 64 KiB
  // twice per input cost more than the input's own run under ASan).
  // may_write: who may write each byte: bit q for queue q's used ring, bit 31 for a device-writable buffer.
  uint8_t* shadow = shadow_bytes();
  uint32_t* may_write = may_write_bytes();
  static constexpr uint32_t buffer_bit = 1u << 31;
  std::vector<queue_track> track;
  uint64_t posted = 0;
  bool tables_overlaid = false;  // this step's device writes may redirect its later ones (allow())

  run(variant& var, FuzzedDataProvider& p) : v(var), in(p), ram(var.ram->data()), track(var.queues) {
    std::memset(shadow, 0, ram_size);
    std::memset(may_write, 0, ram_size * sizeof *may_write);
    posted = v.transport->dma.stats().posted_writes;
  }

  void reg_write(uint32_t off, uint32_t val, unsigned width = 4) { v.cpu->access(true, mmio_base + off, width, val); }
  uint32_t reg_read(uint32_t off, unsigned width = 4) { return v.cpu->access(false, mmio_base + off, width, 0); }

  bool ram_read(uint64_t a, void* d, uint64_t n) {
    if (!range_inside(a, n, ram_base, ram_size)) return false;
    std::memcpy(d, ram + (a - ram_base), n);
    return true;
  }
  void mark(uint64_t a, uint64_t n, uint32_t who) {
    if (a < ram_base) return;
    for (uint64_t i = a - ram_base; i < ram_size && i - (a - ram_base) < n; ++i) may_write[i] |= who;
  }
  // Bytes only queue q's used ring may change: what is read there after a step is what the device put there.
  bool only_used_ring_of(unsigned q, uint64_t a, uint64_t n) {
    if (!range_inside(a, n, ram_base, ram_size)) return false;
    for (uint64_t i = a - ram_base; i < a - ram_base + n; ++i)
      if ((may_write[i] & ~(1u << q)) != 0) return false;
    return true;
  }
  bool device_may_write(uint64_t a, uint64_t n) {
    if (!range_inside(a, n, ram_base, ram_size)) return false;
    for (uint64_t i = a - ram_base; i < a - ram_base + n; ++i)
      if (may_write[i]) return true;
    return false;
  }
  // Before a device step: what the descriptor tables describe now may be written from now on.
  void allow() {
    std::vector<std::pair<uint64_t, uint64_t>> tables;
    for (unsigned q = 0; q < v.queues; ++q) {
      const auto& vq = v.transport->queue(q);
      if (!vq.enabled()) continue;
      const auto& l = vq.layout();
      mark(l.used, vr::used_bytes(l.num), 1u << q);
      for (uint32_t head = 0; head < l.num && head < 64; ++head) {
        auto c = fuzz::walk_chain([&](uint64_t a, void* d, uint64_t n) { return ram_read(a, d, n); },
                                  [&](uint64_t a, uint64_t n) { return range_inside(a, n ? n : 1, ram_base, ram_size); },
                                  l.desc, l.num, static_cast<uint16_t>(head), true);
        for (const auto& s : c.segments)
          if (s.writable) mark(s.addr, s.len, buffer_bit);
        tables.insert(tables.end(), c.tables.begin(), c.tables.end());
      }
    }
    // A guest may lay a device-writable buffer or a used ring over a descriptor table. Then what the device
    // writes in this step (the rng's random bytes, a used element) describes the buffers it may write later in
    // the same step, and no reading of the tables before the step bounds them: the step's writes go unchecked.
    tables_overlaid = std::any_of(tables.begin(), tables.end(), [&](const auto& t) { return device_may_write(t.first, t.second); });
  }
  // After a device step.
  void check() {
    const uint64_t p = v.transport->dma.stats().posted_writes;
    const bool msi_may_hit_ram = p != posted;  // a guest may aim an MSI at its own RAM
    posted = p;
    for (uint64_t i = 0; i < ram_size; ++i) {
      if (i % 256 == 0 && std::memcmp(ram + i, &shadow[i], 256) == 0) {  // the loop is instrumented: skip equal blocks
        i += 255;
        continue;
      }
      if (ram[i] != shadow[i]) {
        if (!may_write[i] && !msi_may_hit_ram && !tables_overlaid)
          finding(v.name + ": device wrote guest RAM at " + std::to_string(ram_base + i) +
                  ", outside the used rings and the writable buffers");
        shadow[i] = ram[i];
      }
    }
    const bool needs_reset = v.transport->status() & regmap::status::device_needs_reset;
    for (unsigned q = 0; q < v.queues; ++q) check_queue(q, needs_reset);
  }
  void check_queue(unsigned q, bool needs_reset) {
    const auto& vq = v.transport->queue(q);
    auto& t = track[q];
    const auto& l = vq.layout();
    if (!vq.enabled() || l.desc != t.layout.desc || l.avail != t.layout.avail || l.used != t.layout.used ||
        l.num != t.layout.num || (vq.last_avail_idx() == 0 && vq.used_idx() == 0)) {
      const bool same = vq.enabled() && l.desc == t.layout.desc && l.avail == t.layout.avail && l.used == t.layout.used &&
                        l.num == t.layout.num && t.last_avail == 0 && t.used_idx == 0;
      if (!same) {
        t = queue_track{};
        t.layout = vq.enabled() ? l : vq_layout{};
      }
    }
    if (!vq.enabled()) return;
    // Chains taken since the last step: their heads, from the avail ring as the device read it.
    const uint16_t taken = static_cast<uint16_t>(vq.last_avail_idx() - t.last_avail);
    if (taken > l.num) t.reliable = false;
    for (uint16_t i = 0; t.reliable && i < taken; ++i) {
      uint16_t head = 0;
      const uint64_t slot = l.avail + vr::avail_ring + 2u * ((t.last_avail + i) % l.num);
      // A guest may overlay its avail ring with what the device writes: then the slot no longer says what was taken.
      if (device_may_write(slot, 2)) {
        t.reliable = false;
        break;
      }
      ram_read(slot, &head, 2);
      auto c = fuzz::walk_chain([&](uint64_t a, void* d, uint64_t n) { return ram_read(a, d, n); },
                                [&](uint64_t a, uint64_t n) { return range_inside(a, n ? n : 1, ram_base, ram_size); },
                                l.desc, l.num, head, true);
      bool stable = c.ok;  // the tables as read now are the ones the device walked
      for (const auto& tb : c.tables) stable = stable && !device_may_write(tb.first, tb.second);
      t.taken.insert({head, stable ? c.writable : UINT32_MAX});
    }
    t.last_avail = vq.last_avail_idx();
    const uint16_t published = static_cast<uint16_t>(vq.used_idx() - t.used_idx);
    if (published > l.num) t.reliable = false;
    for (uint16_t i = 0; t.reliable && i < published; ++i) {
      uint32_t e[2] = {0, 0};
      const uint64_t elem = l.used + vr::used_ring + 8u * ((t.used_idx + i) % l.num);
      if (!only_used_ring_of(q, elem, 8)) {  // a buffer or another ring overlays it: later writes may hide it
        t.reliable = false;
        break;
      }
      ram_read(elem, e, 8);
      auto it = t.taken.find(static_cast<uint16_t>(e[0]));
      if (needs_reset) continue;
      if (e[0] >= l.num || it == t.taken.end())
        finding(v.name + ": queue " + std::to_string(q) + " used id " + std::to_string(e[0]) + " was not taken from the avail ring");
      if (e[1] > it->second)
        finding(v.name + ": queue " + std::to_string(q) + " used len " + std::to_string(e[1]) + " exceeds the chain's " +
                std::to_string(it->second) + " writable bytes");
      t.taken.erase(it);
    }
    t.used_idx = vq.used_idx();
  }

  void device_step(void (*f)(run&)) {
    allow();
    f(*this);
    check();
  }
  void guest_write(uint64_t a, const void* s, uint64_t n) {
    if (n == 0 || !range_inside(a, n, ram_base, ram_size)) return;
    std::memcpy(ram + (a - ram_base), s, n);
    std::memcpy(&shadow[a - ram_base], s, n);
  }
  uint64_t guest_addr(unsigned align) {
    if (in.ConsumeIntegralInRange<int>(0, 15) == 0) return in.ConsumeIntegral<uint64_t>();
    return ram_base + in.ConsumeIntegralInRange<uint64_t>(0, ram_size - 1) / align * align;
  }

  // A well-formed start: reset, features (a subset of the offer), rings at fixed places, DRIVER_OK.
  void bring_up() {
    namespace st = regmap::status;
    const uint32_t version = reg_read(regmap::offset_of(reg::version));
    reg_write(regmap::offset_of(reg::status), 0);
    reg_write(regmap::offset_of(reg::status), st::acknowledge);
    reg_write(regmap::offset_of(reg::status), st::acknowledge | st::driver);
    const uint64_t mask = in.ConsumeIntegral<uint64_t>() | regmap::feature::bit(regmap::feature::version_1);
    for (uint32_t sel = 0; sel < 2; ++sel) {
      reg_write(regmap::offset_of(reg::device_features_sel), sel);
      const uint32_t offered = reg_read(regmap::offset_of(reg::device_features));
      reg_write(regmap::offset_of(reg::driver_features_sel), sel);
      reg_write(regmap::offset_of(reg::driver_features), offered & static_cast<uint32_t>(mask >> (32 * sel)));
    }
    if (version == 1) reg_write(regmap::offset_of(reg::guest_page_size), 4096);
    reg_write(regmap::offset_of(reg::status), st::acknowledge | st::driver | st::features_ok);
    for (unsigned q = 0; q < v.queues; ++q) {
      const uint32_t num = 1u << in.ConsumeIntegralInRange<unsigned>(0, 4);
      const uint64_t base = ram_base + 0x1000 * q;  // one page per queue: desc 0x000, avail 0x200, used 0x400
      reg_write(regmap::offset_of(reg::queue_sel), q);
      reg_write(regmap::offset_of(reg::queue_num), num);
      if (version == 1) {  // align 256: a 16-entry legacy ring then fits its page, clear of the next queue's
        reg_write(regmap::offset_of(reg::queue_align), 256);
        reg_write(regmap::offset_of(reg::queue_pfn), static_cast<uint32_t>(base / 4096));
        continue;
      }
      reg_write(regmap::offset_of(reg::queue_desc_low), static_cast<uint32_t>(base));
      reg_write(regmap::offset_of(reg::queue_driver_low), static_cast<uint32_t>(base + 0x200));
      reg_write(regmap::offset_of(reg::queue_device_low), static_cast<uint32_t>(base + 0x400));
      reg_write(regmap::offset_of(reg::queue_ready), 1);
    }
    reg_write(regmap::offset_of(reg::status), st::acknowledge | st::driver | st::features_ok | st::driver_ok);
  }
  // The driver's side of a request: buffers in RAM from 0x8000, a descriptor chain, the avail entry.
  void post_chain(unsigned q) {
    const auto& vq = v.transport->queue(q);
    if (!vq.enabled()) return;
    const auto& l = vq.layout();
    const unsigned n = in.ConsumeIntegralInRange<unsigned>(1, 4);
    const uint16_t head = in.ConsumeIntegralInRange<uint16_t>(0, static_cast<uint16_t>(l.num - 1));
    uint16_t d = head;
    for (unsigned i = 0; i < n; ++i) {
      const uint16_t next = static_cast<uint16_t>(in.ConsumeBool() ? (d + 1) % l.num : in.ConsumeIntegralInRange<uint16_t>(0, static_cast<uint16_t>(l.num)));
      uint8_t raw[16];
      const uint64_t addr = in.ConsumeIntegralInRange<int>(0, 7) ? ram_base + 0x8000 + 0x100 * in.ConsumeIntegralInRange<uint64_t>(0, 0x7f)
                                                                  : guest_addr(1);
      const uint32_t len = in.ConsumeIntegralInRange<int>(0, 7) ? in.ConsumeIntegralInRange<uint32_t>(0, 0x200) : in.ConsumeIntegral<uint32_t>();
      uint16_t flags = static_cast<uint16_t>((i + 1 < n ? vr::desc_f_next : 0) | (in.ConsumeBool() ? vr::desc_f_write : 0));
      if (in.ConsumeIntegralInRange<int>(0, 7) == 0) flags = in.ConsumeIntegral<uint16_t>();
      std::memcpy(raw, &addr, 8);
      std::memcpy(raw + 8, &len, 4);
      std::memcpy(raw + 12, &flags, 2);
      std::memcpy(raw + 14, &next, 2);
      guest_write(l.desc + 16u * d, raw, 16);
      d = next % l.num;
    }
    // A blk request header or a net control command at the chain's first buffer, sometimes.
    if (in.ConsumeBool()) {
      uint64_t first = 0;
      ram_read(l.desc + 16u * head, &first, 8);
      auto hdr = in.ConsumeBytes<uint8_t>(16);
      guest_write(first, hdr.data(), hdr.size());
    }
    uint16_t idx = 0;
    ram_read(l.avail + vr::avail_idx, &idx, 2);
    guest_write(l.avail + vr::avail_ring + 2u * (idx % l.num), &head, 2);
    idx = in.ConsumeIntegralInRange<int>(0, 15) ? static_cast<uint16_t>(idx + 1) : in.ConsumeIntegral<uint16_t>();
    guest_write(l.avail + vr::avail_idx, &idx, 2);
  }
};

run* current = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace sc_core;
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  rng_params rp;
  rp.queue_size = 16;
  net_params np;
  np.pairs = 2;
  np.queue_size = 16;
  blk_params bp;
  bp.queues = 2;
  bp.queue_size = 16;
  bp.capacity_sectors = 64;
  for (unsigned version : {2u, 1u})
    for (const auto& scheme : interrupt_scheme_names()) {
      if (version < scheme_named(scheme).min_transport_version) continue;
      for (int notify = 0; notify < 3; ++notify) {
        build<virtio_rng>("rng", scheme, version, notify, rp);
        build<virtio_net>("net", scheme, version, notify, np);
        build<virtio_blk>("blk", scheme, version, notify, bp);
      }
    }
  sc_start(SC_ZERO_TIME);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  variant& v = variants[in.ConsumeIntegralInRange<size_t>(0, variants.size() - 1)];
  std::memset(v.ram->data(), 0, ram_size);
  run r(v, in);
  current = &r;
  for (unsigned step = 0; step < 256 && in.remaining_bytes() > 0; ++step) {
    switch (in.ConsumeIntegralInRange<int>(0, 11)) {
      case 0: r.device_step([](run& x) { x.bring_up(); }); break;
      case 1: case 2: r.device_step([](run& x) {
          const uint32_t off = pick_offset(x.in);
          const unsigned w = x.in.ConsumeIntegralInRange<int>(0, 7) ? 4 : 1u << x.in.ConsumeIntegralInRange<unsigned>(0, 1);
          const uint32_t val = x.in.ConsumeBool() ? x.in.ConsumeIntegralInRange<uint32_t>(0, 16) : x.in.ConsumeIntegral<uint32_t>();
          x.reg_write(off, val, w);
        });
        break;
      case 3: r.device_step([](run& x) {
          const unsigned w = x.in.ConsumeIntegralInRange<int>(0, 7) ? 4 : 1u << x.in.ConsumeIntegralInRange<unsigned>(0, 1);
          (void)x.reg_read(pick_offset(x.in), w);
        });
        break;
      case 4: case 5: r.post_chain(in.ConsumeIntegralInRange<unsigned>(0, v.queues - 1)); break;
      case 6: r.device_step([](run& x) {  // kick: QueueNotify or a doorbell
          const unsigned q = x.in.ConsumeIntegralInRange<unsigned>(0, x.v.queues);
          if (x.in.ConsumeBool()) x.reg_write(regmap::offset_of(reg::queue_notify), q);
          else x.reg_write(0x800 + 4 * q, q);
        });
        break;
      case 7: case 8: r.device_step([](run& x) {
          sc_core::sc_start(sc_core::sc_time(static_cast<double>(x.in.ConsumeIntegralInRange<uint32_t>(1, 40000)), sc_core::SC_NS));
        });
        break;
      case 9: {  // raw bytes anywhere in RAM
        const uint64_t a = ram_base + in.ConsumeIntegralInRange<uint64_t>(0, ram_size - 1);
        auto b = in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(1, 32));
        r.guest_write(a, b.data(), std::min<uint64_t>(b.size(), ram_base + ram_size - a));
        break;
      }
      case 10: {  // the driver's suppression fields and used ring (hostile: it may scribble on the device's ring)
        const unsigned q = in.ConsumeIntegralInRange<unsigned>(0, v.queues - 1);
        const auto& vq = v.transport->queue(q);
        if (!vq.enabled()) break;
        const uint16_t val = in.ConsumeIntegral<uint16_t>();
        const uint64_t at = in.ConsumeBool() ? vq.layout().avail + vr::avail_flags : vq.layout().avail + vr::used_event_offset(vq.layout().num);
        r.guest_write(at, &val, 2);
        break;
      }
      case 11: r.device_step([](run& x) { x.reg_write(regmap::offset_of(reg::status), 0); }); break;
    }
  }
  // Back to reset for the next input (and let anything scheduled drain).
  r.reg_write(regmap::offset_of(reg::status), 0);
  sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_US));
  current = nullptr;
  return 0;
}
