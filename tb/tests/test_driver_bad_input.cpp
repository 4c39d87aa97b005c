// The driver against devices that misbehave (a fake HAL with a scriptable register file, and optionally
// a level-triggered interrupt controller in vmsim's register layout): each case ends in a defined answer
// (a status code, the device failed, an interrupt counted), and nothing loops forever or writes outside the
// driver's buffers. docs/driver.md, "Defences against the device", lists what each behaviour gets.
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <deque>
#include <map>
#include <ostream>
#include <vector>

#include "vdrv/drivers.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vdrv {
inline std::ostream& operator<<(std::ostream& os, status s) { return os << to_string(s); }
}  // namespace vdrv

using namespace vdrv;
namespace rm = vmsim::regmap;
namespace vr = rm::vring;
using rm::reg;
using rm::feature::bit;

namespace {
constexpr uint64_t base = 0x1000;
constexpr uint64_t irqc = 0x40000000;  // the fake controller's registers (vmsim's layout)
constexpr uint32_t device_irq_id = 32, other_irq_id = 40;

// A virtio-mmio device in a few lines, with knobs for each way it can lie. Memory is identity-mapped.
// Time is the fake's own clock: every now_ns() call advances it 100 ns, every WFI 1 us.
struct fake_device final : hal {
  uint32_t magic = rm::magic_value, version = 2, device_id = 4, queue_num_max = 16;
  uint64_t offered = bit(rm::feature::version_1);
  unsigned honest_feature_reads = ~0u;  // DeviceFeatures reads answered with `offered`; later ones with...
  uint64_t offered_later = 0;           // ...this
  bool features_ok_sticks = true, drop_features_ok_at_driver_ok = false;
  enum class answer { none, good, bad_id, id_out_of_range, bad_len, huge_len, idx_jump, needs_reset } on_notify = answer::good;
  uint64_t publish_delay = 0, irq_delay = 0;  // a completion is published, then signalled, this much later
  bool signals = true;                        // raise InterruptStatus for a used buffer (as event idx / flags allow)
  bool config_change_on_notify = false, drop_features_ok_on_notify = false;
  bool generation_runs = false;  // ConfigGeneration changes on every read
  uint32_t generation = 0;
  uint32_t isr = 0;              // InterruptStatus
  bool isr_stuck = false;        // InterruptACK does nothing
  bool line_stuck = false;       // the line stays up whatever InterruptStatus says
  bool pulse = false;            // one edge on the device's line (cleared by acknowledge)
  bool other_line = false;       // a level interrupt no driver owns
  std::map<uint32_t, bool> masked;
  unsigned acknowledged = 0;
  uint32_t status_reg = 0, sel = 0, driver_sel = 0, queue_sel = 0;
  uint64_t driver_features = 0;
  unsigned feature_reads = 0;
  uint64_t desc = 0, avail = 0, used = 0;
  uint32_t qnum = 0, ready = 0;
  uint64_t clock = 0;
  uint16_t used_idx = 0, avail_seen = 0;
  std::vector<uint16_t> posted;  // heads, in the order the driver made them available
  uint32_t notify_layout = 0x800 | 4u << 16;  // doorbells at 0x800, 4 bytes apart
  struct completion { uint64_t publish_at, irq_at; uint32_t id, len; bool published, wanted; };
  std::deque<completion> scheduled;

  uint8_t* mem(uint64_t a) { return static_cast<uint8_t*>(from_bus(a)); }
  uint16_t ld16(uint64_t a) { uint16_t v; std::memcpy(&v, mem(a), 2); return v; }
  uint32_t buffer_len(uint16_t head) { uint32_t l; std::memcpy(&l, mem(desc) + vr::desc_size * head + vr::desc_len, 4); return l; }

  uint32_t read(uint32_t off) {
    switch (off) {
      case 0x000: return magic;
      case 0x004: return version;
      case 0x008: return device_id;
      case 0x010: {
        const uint64_t f = feature_reads++ < honest_feature_reads ? offered : offered_later;
        return sel < 2 ? static_cast<uint32_t>(f >> (32 * sel)) : 0u;
      }
      case 0x034: return queue_num_max;
      case 0x044: return ready;
      case 0x060: return isr;
      case 0x070: return status_reg;
      case 0x050: return notify_layout;  // QueueNotify read: the doorbells' {base, multiplier}
      case 0x0fc: return generation_runs ? generation++ : generation;
      case 0x100: return 2048;  // virtio-blk capacity, low word
      default: return 0;
    }
  }
  void write(uint32_t off, uint32_t v) {
    switch (off) {
      case 0x014: sel = v; break;
      case 0x020:
        if (driver_sel < 2) driver_features = (driver_features & ~(0xffffffffull << (32 * driver_sel))) | uint64_t{v} << (32 * driver_sel);
        break;
      case 0x024: driver_sel = v; break;
      case 0x030: queue_sel = v; break;
      case 0x038: qnum = v; break;
      case 0x044: ready = v; break;
      case 0x064: if (!isr_stuck) isr &= ~v; break;
      case 0x070:
        status_reg = features_ok_sticks ? v : (v & ~rm::status::features_ok);
        if (drop_features_ok_at_driver_ok && (v & rm::status::driver_ok)) status_reg &= ~rm::status::features_ok;
        if (v == 0) status_reg = 0;
        break;
      case 0x080: desc = (desc & ~0xffffffffull) | v; break;
      case 0x084: desc = (desc & 0xffffffffull) | uint64_t{v} << 32; break;
      case 0x090: avail = (avail & ~0xffffffffull) | v; break;
      case 0x094: avail = (avail & 0xffffffffull) | uint64_t{v} << 32; break;
      case 0x0a0: used = (used & ~0xffffffffull) | v; break;
      case 0x0a4: used = (used & 0xffffffffull) | uint64_t{v} << 32; break;
      case 0x050: notify(); break;
      default: break;
    }
  }
  // The used element, then the interrupt the driver asked for (virtio's order: publish, then signal).
  void publish(uint32_t id, uint32_t len, uint16_t step = 1, bool signal_now = true) {
    auto* u = mem(used);
    std::memcpy(u + 4 + 8 * (used_idx % qnum), &id, 4);
    std::memcpy(u + 8 + 8 * (used_idx % qnum), &len, 4);
    const uint16_t old = used_idx;
    used_idx = static_cast<uint16_t>(used_idx + step);
    std::memcpy(u + 2, &used_idx, 2);
    if (signal_now) signal(old);
  }
  bool wants_interrupt(uint16_t old) {
    if (driver_features & bit(rm::feature::ring_event_idx))
      return vr::need_event(ld16(avail + vr::used_event_offset(qnum)), used_idx, old);
    return !(ld16(avail + vr::avail_flags) & vr::avail_f_no_interrupt);
  }
  void signal(uint16_t old) {
    if (signals && wants_interrupt(old)) isr |= rm::irq::used_buffer;
  }
  void notify() {
    for (const uint16_t idx = ld16(avail + vr::avail_idx); avail_seen != idx; ++avail_seen) {
      const uint16_t head = ld16(avail + vr::avail_ring + 2 * (avail_seen % qnum));
      posted.push_back(head);
      answer_for(head);
    }
    if (driver_features & bit(rm::feature::ring_event_idx)) {  // kick me at the next one
      std::memcpy(mem(used) + vr::avail_event_offset(qnum), &avail_seen, 2);
    }
    if (config_change_on_notify) ++generation, isr |= rm::irq::config_change;
    if (drop_features_ok_on_notify) status_reg &= ~rm::status::features_ok;
  }
  void answer_for(uint16_t head) {
    const uint32_t len = buffer_len(head);
    switch (on_notify) {
      case answer::none: break;
      case answer::good:
        if (publish_delay || irq_delay) scheduled.push_back({clock + publish_delay, clock + publish_delay + irq_delay, head, len, false, false});
        else publish(head, len);
        break;
      case answer::bad_id: publish(head + 5, 4); break;  // a descriptor never posted as a head
      case answer::id_out_of_range: publish(0xfffffff0u, 4); break;
      case answer::bad_len: publish(head, len + 1); break;
      case answer::huge_len: publish(head, 0xffffffffu); break;
      case answer::idx_jump: publish(head, 4, 7); break;
      case answer::needs_reset: status_reg |= rm::status::device_needs_reset; break;
    }
  }
  void tick() {  // what is due on the device's side
    while (!scheduled.empty()) {
      completion& c = scheduled.front();
      if (!c.published && clock >= c.publish_at) {
        publish(c.id, c.len, 1, false);
        c.published = true;
        c.wanted = signals && wants_interrupt(static_cast<uint16_t>(used_idx - 1));  // decided now, delivered later
      }
      if (!c.published || clock < c.irq_at) break;
      if (c.wanted) isr |= rm::irq::used_buffer;
      scheduled.pop_front();
    }
  }

  // The controller: the device's level line (InterruptStatus, or stuck) or its pulse, and another line.
  bool device_line() const { return isr != 0 || line_stuck || pulse; }
  uint32_t pending_id() {
    tick();
    if (device_line() && !masked[device_irq_id]) return device_irq_id;
    if (other_line && !masked[other_irq_id]) return other_irq_id;
    return 1023;
  }
  uint32_t controller_read(uint64_t off) {
    if (off == 0x0) {  // IAR, vCPU 0
      const uint32_t id = pending_id();
      if (id == device_irq_id) pulse = false;
      if (id != 1023) ++acknowledged;
      return id;
    }
    if (off == 0x8) return pending_id();  // HPPIR
    return 0;
  }
  void controller_write(uint64_t off, uint32_t v) {
    if (off >= 0x14000 && off < 0x15000) masked[static_cast<uint32_t>((off - 0x14000) / 4)] = v != 0;
  }

  uint32_t rd(uint64_t a) {
    tick();
    return a >= irqc ? controller_read(a - irqc) : read(static_cast<uint32_t>(a - base));
  }
  void wr(uint64_t a, uint32_t v) {
    tick();
    if (a >= irqc) controller_write(a - irqc, v);
    else write(static_cast<uint32_t>(a - base), v);
  }
  uint8_t read8(uint64_t a) override { return static_cast<uint8_t>(rd(a)); }
  uint16_t read16(uint64_t a) override { return static_cast<uint16_t>(rd(a)); }
  uint32_t read32(uint64_t a) override { return rd(a); }
  void write8(uint64_t a, uint8_t v) override { wr(a, v); }
  void write16(uint64_t a, uint16_t v) override { wr(a, v); }
  void write32(uint64_t a, uint32_t v) override { wr(a, v); }
  void barrier() override {}
  void wait_for_interrupt() override { clock += 1000; }
  bool interrupt_pending() override { return pending_id() != 1023; }
  uint64_t now_ns() override { return clock += 100; }  // time passes as the driver works
  uint64_t to_bus(const void* p) override { return reinterpret_cast<uint64_t>(p); }
  void* from_bus(uint64_t a) override { return reinterpret_cast<void*>(a); }
};

irqc_layout fake_controller() {
  irqc_layout l;
  l.regs = irqc;
  return l;
}

struct fixture {
  explicit fixture(bool interrupts = false) : ctx{io, interrupts ? &ic : nullptr, 0} {}
  fake_device dev;
  counting_hal io{dev};
  irq_controller ic{io, fake_controller()};
  cpu_context ctx;  // without a controller: polling
  alignas(4096) static inline uint8_t memory[1 << 20];
  arena mem{memory, reinterpret_cast<uint64_t>(memory), sizeof memory};
  rng_driver rng{io, base, ctx};
  start_options opts;
  status start() { return rng.start(mem, opts); }
  status read_once() {
    auto* buf = mem.alloc(32, 16);
    uint32_t got = 0;
    return rng.read(buf, 32, got);
  }
  bool failed() const { return (dev.status_reg & rm::status::failed) != 0; }
  void* new_buffer() { return mem.alloc(32, 16); }
  status submit(void* buf) {
    buffer b{buf, 32, true};
    return rng.submit(0, &b, 1, buf);
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(driver_refuses_unknown_versions) {
  for (uint32_t v : {0u, 3u, 4u}) {
    fixture f;
    f.dev.version = v;
    BOOST_TEST(f.start() == status::bad_version, "version " << v);
  }
  fixture v3;
  v3.dev.version = 3;
  v3.opts.allow_v3 = true;  // the MSI v1 layout is opted into
  BOOST_TEST(v3.start() == status::ok);
}

BOOST_AUTO_TEST_CASE(driver_refuses_a_missing_magic) {
  fixture f;
  f.dev.magic = 0x12345678;
  BOOST_TEST(f.start() == status::bad_magic);
  BOOST_TEST(f.dev.status_reg == 0u);  // nothing was written to a device that is not one
}

BOOST_AUTO_TEST_CASE(driver_stops_at_device_id_0) {
  fixture f;
  f.dev.device_id = 0;
  BOOST_TEST(f.start() == status::no_device);
}

BOOST_AUTO_TEST_CASE(driver_fails_a_device_with_queue_num_max_0) {
  fixture f;
  f.dev.queue_num_max = 0;
  BOOST_TEST(f.start() == status::queue_unavailable);
  BOOST_TEST((f.dev.status_reg & rm::status::failed) != 0u);
  BOOST_TEST(f.read_once() == status::device_failed);
}

BOOST_AUTO_TEST_CASE(driver_fails_a_device_whose_features_ok_does_not_stick) {
  fixture f;
  f.dev.features_ok_sticks = false;
  BOOST_TEST(f.start() == status::features_refused);
  BOOST_TEST((f.dev.status_reg & rm::status::failed) != 0u);
}

BOOST_AUTO_TEST_CASE(driver_reads_through_a_well_behaved_fake) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  for (int i = 0; i < 40; ++i) BOOST_TEST(f.read_once() == status::ok);  // wraps the 16-entry ring
}

BOOST_AUTO_TEST_CASE(driver_notices_device_needs_reset) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::needs_reset;
  BOOST_TEST(f.read_once() == status::device_needs_reset);
  BOOST_TEST((f.dev.status_reg & rm::status::failed) != 0u);
}

BOOST_AUTO_TEST_CASE(driver_rejects_a_used_id_it_never_posted) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::bad_id;
  BOOST_TEST(f.read_once() == status::bad_used_id);
  BOOST_TEST(f.rng.error() == status::bad_used_id);
  BOOST_TEST(f.read_once() == status::device_failed);  // given up, not retried
}

BOOST_AUTO_TEST_CASE(driver_rejects_a_used_length_beyond_the_buffer) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::bad_len;
  BOOST_TEST(f.read_once() == status::bad_used_len);
}

BOOST_AUTO_TEST_CASE(driver_rejects_a_used_index_running_ahead) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::idx_jump;
  BOOST_TEST(f.read_once() == status::bad_used_id);
}

BOOST_AUTO_TEST_CASE(driver_times_out_on_a_silent_device) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::none;
  auto* buf = f.mem.alloc(32, 16);
  buffer b{buf, 32, true};
  BOOST_REQUIRE(f.rng.submit(0, &b, 1, buf) == status::ok);
  void* cookie;
  uint32_t len;
  BOOST_TEST(f.rng.wait(0, cookie, len, 50000) == status::timeout);
}

// ---- the used ring: ids, lengths, duplicates, order ---------------------------------------------------------
BOOST_AUTO_TEST_CASE(driver_rejects_a_used_id_beyond_the_ring) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::id_out_of_range;  // 0xfffffff0: no slot of a 16-entry ring
  BOOST_TEST(f.read_once() == status::bad_used_id);
  BOOST_TEST(f.failed());
  BOOST_TEST(f.read_once() == status::device_failed);
}

BOOST_AUTO_TEST_CASE(driver_rejects_a_used_length_of_4_GiB) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::huge_len;
  BOOST_TEST(f.read_once() == status::bad_used_len);
  BOOST_TEST(f.failed());
  BOOST_TEST(f.rng.error() == status::bad_used_len);
}

BOOST_AUTO_TEST_CASE(driver_rejects_a_completion_returned_twice) {
  fixture f;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::none;
  void *a = f.new_buffer(), *b = f.new_buffer();
  BOOST_REQUIRE(f.submit(a) == status::ok);
  BOOST_REQUIRE(f.submit(b) == status::ok);
  BOOST_REQUIRE(f.dev.posted.size() == 2u);
  f.dev.publish(f.dev.posted[0], 32);
  f.dev.publish(f.dev.posted[0], 32);  // the same chain again: two in flight, so the index alone looks fine
  void* cookie = nullptr;
  uint32_t len = 0;
  BOOST_TEST(f.rng.poll(0, cookie, len) == status::ok);
  BOOST_TEST(cookie == a);
  BOOST_TEST(f.rng.poll(0, cookie, len) == status::bad_used_id);
  BOOST_TEST(f.failed());
  BOOST_TEST(f.rng.queue(0).free_descriptors() == 15u);  // the chain went back to the free list once
}

BOOST_AUTO_TEST_CASE(driver_accepts_completions_out_of_order) {
  fixture f;  // the split ring lets a device use buffers in any order (IN_ORDER is never accepted)
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::none;
  void *a = f.new_buffer(), *b = f.new_buffer();
  BOOST_REQUIRE(f.submit(a) == status::ok);
  BOOST_REQUIRE(f.submit(b) == status::ok);
  f.dev.publish(f.dev.posted[1], 7);
  f.dev.publish(f.dev.posted[0], 9);
  void* cookie = nullptr;
  uint32_t len = 0;
  BOOST_TEST(f.rng.poll(0, cookie, len) == status::ok);
  BOOST_TEST((cookie == b && len == 7u));
  BOOST_TEST(f.rng.poll(0, cookie, len) == status::ok);
  BOOST_TEST((cookie == a && len == 9u));
  BOOST_TEST(f.rng.poll(0, cookie, len) == status::empty);
  BOOST_TEST(f.rng.error() == status::ok);
  BOOST_TEST(f.rng.queue(0).free_descriptors() == 16u);
}

// ---- configuration and features -----------------------------------------------------------------------------
BOOST_AUTO_TEST_CASE(driver_reports_a_config_change_mid_flight) {
  fixture f(true);
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.config_change_on_notify = true;
  f.dev.publish_delay = 5000;  // the change comes while the request is in flight
  BOOST_TEST(f.read_once() == status::ok);
  BOOST_TEST(f.rng.config_changed());
  BOOST_TEST(!f.rng.config_changed());  // reported once
  BOOST_TEST(f.rng.stats().spurious == 0u);
  BOOST_TEST(f.rng.error() == status::ok);
}

BOOST_AUTO_TEST_CASE(driver_gives_up_on_a_config_space_that_never_settles) {
  fixture f;
  f.dev.device_id = 2;
  f.dev.generation_runs = true;  // ConfigGeneration differs before and after every read
  blk_driver blk(f.io, base, f.ctx);
  BOOST_TEST(blk.start(f.mem, f.opts) == status::config_unstable);
  BOOST_TEST(f.failed());
  uint8_t buf[512];
  BOOST_TEST(blk.read(0, 0, buf, 1) == status::device_failed);
}

BOOST_AUTO_TEST_CASE(driver_fails_a_device_that_offers_less_once_features_are_agreed) {
  fixture f;
  f.dev.offered = bit(rm::feature::version_1) | bit(rm::feature::ring_event_idx);
  f.dev.honest_feature_reads = 2;  // both words once; every later read has EVENT_IDX taken back
  f.dev.offered_later = bit(rm::feature::version_1);
  BOOST_TEST(f.start() == status::features_refused);
  BOOST_TEST(f.failed());
}

BOOST_AUTO_TEST_CASE(driver_fails_a_device_that_drops_features_ok_at_driver_ok) {
  fixture f;
  f.dev.drop_features_ok_at_driver_ok = true;
  BOOST_TEST(f.start() == status::features_refused);
  BOOST_TEST(f.failed());
}

BOOST_AUTO_TEST_CASE(driver_fails_a_device_that_drops_features_ok_mid_flight) {
  fixture f(true);
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::none;
  f.dev.config_change_on_notify = f.dev.drop_features_ok_on_notify = true;
  BOOST_TEST(f.read_once() == status::features_refused);
  BOOST_TEST(f.failed());
  BOOST_TEST(f.read_once() == status::device_failed);
}

BOOST_AUTO_TEST_CASE(driver_never_accepts_ring_features_it_does_not_implement) {
  fixture f;
  const uint64_t foreign = bit(rm::feature::ring_packed) | bit(rm::feature::in_order) |
                           bit(rm::feature::notification_data) | bit(rm::feature::notif_config_data);
  f.dev.offered = bit(rm::feature::version_1) | bit(rm::feature::ring_event_idx) | foreign;
  BOOST_REQUIRE(f.start() == status::ok);  // wanted: everything (the default)
  BOOST_TEST(f.dev.driver_features == (bit(rm::feature::version_1) | bit(rm::feature::ring_event_idx)));
  BOOST_TEST(f.read_once() == status::ok);
}

// A doorbell layout must keep every doorbell past the common registers and inside the device's window: a
// device that offers otherwise would have the driver write over its registers or another device's (found by
// tb/fuzz: findings/driver-doorbell-outside-window).
BOOST_AUTO_TEST_CASE(driver_refuses_doorbells_outside_the_device_window) {
  const struct { uint32_t layout; status expected; } cases[] = {
      {0x800 | 4u << 16, status::ok},                 // the sane layout
      {0x030 | 4u << 16, status::bad_doorbells},      // on top of the queue registers
      {0x1000 | 4u << 16, status::bad_doorbells},     // just past the 4 KiB window
      {0xfffe | 0u << 16, status::bad_doorbells},     // past the window, misaligned
  };
  for (const auto& c : cases) {
    fixture f;
    f.dev.notify_layout = c.layout;
    f.opts.doorbells = true;
    BOOST_TEST(f.start() == c.expected, "layout " << std::hex << c.layout);
    if (c.expected != status::ok) BOOST_TEST(f.failed());
  }
}

// ---- interrupts ---------------------------------------------------------------------------------------------
// virtio publishes the used element before it signals: the driver can find the element first. It takes the
// interrupt it is owed before wait() returns, so none is left to the next request (QEMU's TCG vCPU sees
// the ring a few microseconds before the line).
void trailing_interrupt_with(uint64_t features) {
  fixture f(true);
  f.dev.offered = features;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.irq_delay = 3000;
  for (unsigned i = 1; i <= 3; ++i) {
    BOOST_TEST(f.read_once() == status::ok);
    BOOST_TEST(f.dev.isr == 0u, "request " << i << ": the interrupt was taken and acknowledged");
    BOOST_TEST(!f.dev.interrupt_pending());
    BOOST_TEST(f.rng.stats().interrupts == i);
    BOOST_TEST(f.rng.stats().trailing == i);
  }
  BOOST_TEST(f.rng.stats().spurious == 0u);
  BOOST_TEST(f.rng.stats().missed == 0u);
}
BOOST_AUTO_TEST_CASE(driver_takes_the_interrupt_it_is_owed_before_returning) { trailing_interrupt_with(bit(rm::feature::version_1)); }
BOOST_AUTO_TEST_CASE(driver_takes_the_interrupt_it_is_owed_before_returning_event_idx) {
  trailing_interrupt_with(bit(rm::feature::version_1) | bit(rm::feature::ring_event_idx));
}

BOOST_AUTO_TEST_CASE(driver_waits_only_for_interrupts_the_device_owes) {
  fixture f(true);
  f.dev.offered = bit(rm::feature::version_1) | bit(rm::feature::ring_event_idx);
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::none;
  void *a = f.new_buffer(), *b = f.new_buffer();
  BOOST_REQUIRE(f.submit(a) == status::ok);
  BOOST_REQUIRE(f.submit(b) == status::ok);
  f.dev.publish(f.dev.posted[0], 32);  // used_event 0: signalled
  BOOST_REQUIRE(f.ctx.service());
  f.dev.publish(f.dev.posted[1], 32);  // used_event still 0: EVENT_IDX suppresses this one
  BOOST_TEST(f.dev.isr == 0u);
  void* cookie = nullptr;
  uint32_t len = 0;
  BOOST_TEST(f.rng.wait(0, cookie, len) == status::ok);
  BOOST_TEST(cookie == a);
  const uint64_t t0 = f.dev.clock;
  BOOST_TEST(f.rng.wait(0, cookie, len) == status::ok);  // found already published when the driver re-armed
  BOOST_TEST(cookie == b);
  BOOST_TEST(f.dev.clock - t0 < 10000u);  // no wait for an interrupt that will not come
  BOOST_TEST(f.rng.stats().missed == 0u);
  BOOST_TEST(f.rng.stats().spurious == 0u);
}

BOOST_AUTO_TEST_CASE(driver_bounds_the_wait_for_an_owed_interrupt_that_never_comes) {
  fixture f(true);
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.signals = false;  // publishes, never signals
  const uint64_t t0 = f.dev.clock;
  BOOST_TEST(f.read_once() == status::ok);
  BOOST_TEST(f.rng.stats().missed == 1u);
  BOOST_TEST(f.dev.clock - t0 < 2 * virtio_driver::trailing_irq_ns);
  BOOST_TEST(f.rng.error() == status::ok);
}

BOOST_AUTO_TEST_CASE(driver_counts_an_interrupt_without_work_as_spurious) {
  fixture f(true);
  BOOST_REQUIRE(f.start() == status::ok);
  BOOST_REQUIRE(f.read_once() == status::ok);
  f.dev.pulse = true;  // InterruptStatus 0: nothing to say
  BOOST_TEST(f.ctx.service());
  f.dev.isr = rm::irq::used_buffer;  // says "used buffer", but there is none
  BOOST_TEST(f.ctx.service());
  BOOST_TEST(f.rng.stats().spurious == 2u);
  BOOST_TEST(f.dev.isr == 0u);  // acknowledged all the same
  BOOST_TEST(f.read_once() == status::ok);
  BOOST_TEST(f.rng.error() == status::ok);
}

BOOST_AUTO_TEST_CASE(driver_masks_and_fails_a_device_whose_interrupt_status_is_stuck) {
  for (uint32_t stuck : {0u, rm::irq::used_buffer, rm::irq::config_change}) {
    fixture f(true);
    BOOST_REQUIRE(f.start() == status::ok);
    BOOST_REQUIRE(f.read_once() == status::ok);
    f.dev.on_notify = fake_device::answer::none;  // nothing to do, and the line stays up
    f.dev.isr = stuck;
    f.dev.isr_stuck = f.dev.line_stuck = true;
    BOOST_TEST(f.read_once() == status::device_failed, "InterruptStatus " << stuck);
    BOOST_TEST(f.rng.error() == status::interrupt_storm);
    BOOST_TEST(f.failed());
    BOOST_TEST(f.dev.masked[device_irq_id]);
    BOOST_TEST(f.dev.acknowledged <= virtio_driver::storm_limit + 2);
    BOOST_TEST(!f.dev.interrupt_pending());
  }
}

BOOST_AUTO_TEST_CASE(driver_masks_an_interrupt_no_driver_owns) {
  fixture f(true);
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.other_line = true;  // a level line whose device nobody here can acknowledge
  BOOST_TEST(f.read_once() == status::ok);
  BOOST_TEST(f.ctx.unowned() == 1u);
  BOOST_TEST(f.dev.masked[other_irq_id]);
  BOOST_TEST(!f.dev.masked[device_irq_id]);
  BOOST_TEST(f.read_once() == status::ok);
  BOOST_TEST(f.ctx.unowned() == 1u);
}

BOOST_AUTO_TEST_CASE(driver_gives_up_a_device_that_never_completes) {
  fixture f(true);
  f.opts.request_timeout_ns = 1000000;
  BOOST_REQUIRE(f.start() == status::ok);
  f.dev.on_notify = fake_device::answer::none;
  const uint64_t t0 = f.dev.clock;
  BOOST_TEST(f.read_once() == status::timeout);
  BOOST_TEST(f.dev.clock - t0 < 2000000u);
  BOOST_TEST(f.failed());  // the buffer is still the device's: the driver stops using it
  BOOST_TEST(f.read_once() == status::device_failed);
}
