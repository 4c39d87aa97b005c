// Virtqueues end to end through the whole platform, for both transport versions.
#include <cstring>
#include <random>

#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;
using regmap::reg;

namespace {
// The driver reads `n` rng buffers; each must hold the generator's stream for the seed, in order.
void rng_round_trips(uint32_t version, uint64_t wanted, unsigned n) {
  rng_params rp;
  rp.seed = 42;
  rp.queue_size = 16;
  rng_platform top("top", config_for(version), rp);
  splitmix64 reference(42);
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(wanted));
    BOOST_REQUIRE(d.setup_queue(0, 16, top.cfg.ram_base + 0x10000));
    d.driver_ok();
    const uint64_t buf = top.cfg.ram_base + 0x20000;
    for (unsigned i = 0; i < n; ++i) {
      std::memset(d.host(buf), 0, 32);
      d.post(0, {{buf, 32, true}});
      d.kick(0);
      BOOST_REQUIRE(top.wait_irq());
      BOOST_TEST(top.isr() == regmap::irq::used_buffer);
      BOOST_REQUIRE(d.used_available(0));
      auto u = d.reap(0);
      BOOST_TEST(u.len == 32u);
      uint64_t words[4];
      std::memcpy(words, d.host(buf), 32);
      for (uint64_t w : words) BOOST_TEST(w == reference());
    }
  });
  BOOST_TEST(top.device.requests() == n);
  BOOST_TEST(top.transport.stats().kicks[0] == n);
  BOOST_TEST(top.transport.scheme().stats().used_raised == n);
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
  BOOST_TEST(top.transport.queue_totals(0).used == n);
}
}  // namespace

BOOST_AUTO_TEST_CASE(rng_round_trips_v1) { rng_round_trips(1, all_features, 40); }
BOOST_AUTO_TEST_CASE(rng_round_trips_v2) { rng_round_trips(2, all_features, 40); }
BOOST_AUTO_TEST_CASE(rng_round_trips_v2_without_event_idx) {
  rng_round_trips(2, all_features & ~feat::bit(feat::ring_event_idx), 40);
}

BOOST_AUTO_TEST_CASE(rng_service_latency_sets_completion_time) {
  rng_params rp;
  rp.per_request = sc_core::sc_time(3, sc_core::SC_US);
  rng_platform top("top", config_for(2), rp);
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(start_device(top, 1));
    d.post(0, {{top.cfg.ram_base + 0x20000, 16, true}});
    const sc_core::sc_time kicked = sc_core::sc_time_stamp();
    d.kick(0);
    BOOST_REQUIRE(top.wait_irq());
    BOOST_TEST((sc_core::sc_time_stamp() - kicked) == sc_core::sc_time(3, sc_core::SC_US));
  });
}

BOOST_AUTO_TEST_CASE(two_queues_carry_data_independently) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(start_device(top, 2));
    const uint64_t a = top.cfg.ram_base + 0x20000, b = top.cfg.ram_base + 0x30000;
    std::memcpy(d.host(a), "queue-zero", 10);
    std::memcpy(d.host(b), "queue-one!", 10);
    d.post(0, {{a, 10, false}, {a + 0x100, 10, true}});
    d.post(1, {{b, 10, false}, {b + 0x100, 10, true}});
    d.kick(0);
    d.kick(1);
    BOOST_REQUIRE(top.wait_irq());
    top.isr();
    BOOST_TEST(d.used_available(0));
    BOOST_TEST(d.used_available(1));
    BOOST_TEST(d.reap(0).len == 10u);
    BOOST_TEST(d.reap(1).len == 10u);
    BOOST_TEST(std::memcmp(d.host(a + 0x100), "queue-zero", 10) == 0);
    BOOST_TEST(std::memcmp(d.host(b + 0x100), "queue-one!", 10) == 0);
  });
}

BOOST_AUTO_TEST_CASE(indirect_descriptors_end_to_end) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(start_device(top, 1));
    namespace vr = regmap::vring;
    const uint64_t table = top.cfg.ram_base + 0x18000, buf = top.cfg.ram_base + 0x20000;
    auto put_desc = [&](uint64_t at, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
      std::memcpy(d.host(at + vr::desc_addr), &addr, 8);
      std::memcpy(d.host(at + vr::desc_len), &len, 4);
      std::memcpy(d.host(at + vr::desc_flags), &flags, 2);
      std::memcpy(d.host(at + vr::desc_next), &next, 2);
    };
    put_desc(table, buf, 6, vr::desc_f_next, 1);
    put_desc(table + 16, buf + 0x100, 6, vr::desc_f_write, 0);
    std::memcpy(d.host(buf), "direct", 6);
    d.post(0, {{table, 32, false}});
    // Mark the posted descriptor as an indirect table.
    uint16_t flags = vr::desc_f_indirect;
    std::memcpy(d.host(d.rings(0).desc + vr::desc_flags), &flags, 2);
    d.kick(0);
    BOOST_REQUIRE(top.wait_irq());
    BOOST_TEST(d.reap(0).len == 6u);
    BOOST_TEST(std::memcmp(d.host(buf + 0x100), "direct", 6) == 0);
  });
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
}

BOOST_AUTO_TEST_CASE(no_interrupt_flag_suppresses_the_wired_interrupt) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features & ~feat::bit(feat::ring_event_idx)));
    BOOST_REQUIRE(d.setup_queue(0, 8, top.cfg.ram_base + 0x10000));
    d.driver_ok();
    d.poke16(d.rings(0).avail + regmap::vring::avail_flags, regmap::vring::avail_f_no_interrupt);
    d.post(0, {{top.cfg.ram_base + 0x20000, 0, false}});
    d.kick(0);
    BOOST_TEST(!top.wait_irq(sc_core::sc_time(10, sc_core::SC_US)));
    BOOST_TEST(d.used_available(0));  // the buffer was used; only the interrupt was suppressed
  });
  BOOST_TEST(top.transport.scheme().stats().used_raised == 0u);
}
