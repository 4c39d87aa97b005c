// The driver against devices that misbehave (a fake HAL with a scriptable register file): each case
// ends in an error code, the device is failed where it must be, and nothing loops forever or writes
// outside the driver's buffers.
#include <boost/test/unit_test.hpp>

#include <cstring>
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
using rm::reg;

namespace {
constexpr uint64_t base = 0x1000;

// A virtio-mmio device in a few lines, with knobs for each way it can lie. Memory is identity-mapped.
struct fake_device final : hal {
  uint32_t magic = rm::magic_value, version = 2, device_id = 4, queue_num_max = 16;
  bool features_ok_sticks = true;
  enum class answer { none, good, bad_id, bad_len, idx_jump, needs_reset } on_notify = answer::good;
  uint32_t status_reg = 0, sel = 0, queue_sel = 0;
  uint64_t desc = 0, avail = 0, used = 0;
  uint32_t qnum = 0, ready = 0;
  uint64_t clock = 0;
  uint16_t used_idx = 0;

  uint32_t read(uint32_t off) {
    switch (off) {
      case 0x000: return magic;
      case 0x004: return version;
      case 0x008: return device_id;
      case 0x010: return sel == 1 ? 1u : 0u;  // VERSION_1 only
      case 0x034: return queue_num_max;
      case 0x044: return ready;
      case 0x070: return status_reg;
      case 0x0fc: return 0;
      default: return 0;
    }
  }
  void write(uint32_t off, uint32_t v) {
    switch (off) {
      case 0x014: sel = v; break;
      case 0x030: queue_sel = v; break;
      case 0x038: qnum = v; break;
      case 0x044: ready = v; break;
      case 0x070:
        status_reg = features_ok_sticks ? v : (v & ~rm::status::features_ok);
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
  void publish(uint32_t id, uint32_t len, uint16_t step = 1) {
    auto* u = static_cast<uint8_t*>(from_bus(used));
    std::memcpy(u + 4 + 8 * (used_idx % qnum), &id, 4);
    std::memcpy(u + 8 + 8 * (used_idx % qnum), &len, 4);
    used_idx = static_cast<uint16_t>(used_idx + step);
    std::memcpy(u + 2, &used_idx, 2);
  }
  void notify() {
    const auto* a = static_cast<const uint8_t*>(from_bus(avail));
    uint16_t head;
    std::memcpy(&head, a + 4 + 2 * (used_idx % qnum), 2);
    uint32_t buf_len;
    std::memcpy(&buf_len, static_cast<const uint8_t*>(from_bus(desc)) + 16 * head + 8, 4);
    switch (on_notify) {
      case answer::none: break;
      case answer::good: publish(head, buf_len); break;
      case answer::bad_id: publish(head + 5, 4); break;  // a descriptor never posted as a head
      case answer::bad_len: publish(head, buf_len + 1); break;
      case answer::idx_jump: publish(head, 4, 7); break;
      case answer::needs_reset: status_reg |= rm::status::device_needs_reset; break;
    }
  }
  uint8_t read8(uint64_t a) override { return static_cast<uint8_t>(read(static_cast<uint32_t>(a - base))); }
  uint16_t read16(uint64_t a) override { return static_cast<uint16_t>(read(static_cast<uint32_t>(a - base))); }
  uint32_t read32(uint64_t a) override { return read(static_cast<uint32_t>(a - base)); }
  void write8(uint64_t a, uint8_t v) override { write(static_cast<uint32_t>(a - base), v); }
  void write16(uint64_t a, uint16_t v) override { write(static_cast<uint32_t>(a - base), v); }
  void write32(uint64_t a, uint32_t v) override { write(static_cast<uint32_t>(a - base), v); }
  void barrier() override {}
  void wait_for_interrupt() override { clock += 1000; }
  bool interrupt_pending() override { return false; }
  uint64_t now_ns() override { return clock += 100; }  // time passes as the driver works
  uint64_t to_bus(const void* p) override { return reinterpret_cast<uint64_t>(p); }
  void* from_bus(uint64_t a) override { return reinterpret_cast<void*>(a); }
};

struct fixture {
  fake_device dev;
  counting_hal io{dev};
  cpu_context ctx{io, nullptr, 0};  // polling: no interrupt controller
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
