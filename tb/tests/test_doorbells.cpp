// Per-queue doorbells: the reference decoder's rules and the transport's notify path.
#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;
using regmap::reg;

namespace {
platform_config doorbell_platform(uint32_t multiplier) {
  platform_config c = config_for(2);
  c.transport.notify.doorbells = true;
  c.transport.notify.doorbell.base = 0x800;
  c.transport.notify.doorbell.multiplier = multiplier;
  return c;
}
}  // namespace

BOOST_AUTO_TEST_CASE(reference_decoder_rules) {
  doorbell_config c{0x800, 8, 4};
  auto d = [&](uint32_t off, unsigned w, uint32_t v) { return decode_doorbell(c, off, w, v); };
  BOOST_TEST((d(0x800, 4, 0).error == doorbell_error::none));
  BOOST_TEST(d(0x818, 4, 3).queue == 3u);
  BOOST_TEST((d(0x818, 4, 0x00050003).error == doorbell_error::none));
  BOOST_TEST(d(0x818, 4, 0x00050003).notification_data == 5u);
  BOOST_TEST((d(0x820, 4, 4).error == doorbell_error::outside_window));
  BOOST_TEST((d(0x7fc, 4, 0).error == doorbell_error::outside_window));
  BOOST_TEST((d(0x804, 4, 0).error == doorbell_error::misaligned));
  BOOST_TEST((d(0x808, 2, 1).error == doorbell_error::bad_width));
  BOOST_TEST((d(0x808, 4, 2).error == doorbell_error::data_mismatch));
  doorbell_config shared{0x800, 0, 4};
  BOOST_TEST(decode_doorbell(shared, 0x800, 4, 2).queue == 2u);
  BOOST_TEST((decode_doorbell(shared, 0x800, 4, 4).error == doorbell_error::no_such_queue));
  BOOST_TEST((decode_doorbell(shared, 0x804, 4, 0).error == doorbell_error::outside_window));
}

BOOST_AUTO_TEST_CASE(queue_notify_reads_base_and_multiplier) {
  loopback_platform top("top", doorbell_platform(8));
  run_thread([&] { BOOST_TEST(top.driver.reg(reg::queue_notify) == (0x800u | 8u << 16)); });
}

BOOST_AUTO_TEST_CASE(doorbell_kicks_its_queue) {
  loopback_platform per_queue("per_queue", doorbell_platform(8));
  loopback_platform shared("shared", doorbell_platform(0));
  run_thread([&] {
    for (auto* p : {&per_queue, &shared}) {
      auto& d = p->driver;
      BOOST_REQUIRE(d.init(all_features));
      BOOST_REQUIRE(d.setup_queue(1, 8, p->cfg.ram_base + 0x10000));
      d.driver_ok();
      const uint32_t nr = d.reg(reg::queue_notify);
      const uint32_t base = nr & 0xffff, mult = nr >> 16;
      d.post(1, {{p->cfg.ram_base + 0x20000, 4, false}, {p->cfg.ram_base + 0x20100, 4, true}});
      p->cpu.write(p->cfg.mmio_base + base + mult * 1, 4, 1);
      BOOST_REQUIRE(p->wait_irq());
      BOOST_TEST(d.used_available(1));
    }
  });
  BOOST_TEST(per_queue.transport.stats().kicks[1] == 1u);
  BOOST_TEST(shared.transport.stats().kicks[1] == 1u);
  BOOST_TEST(per_queue.transport.stats().doorbell_writes == 1u);
}

BOOST_AUTO_TEST_CASE(bad_doorbell_write_kicks_nothing) {
  loopback_platform top("top", doorbell_platform(8));
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(start_device(top, 2));
    BOOST_TEST(top.cpu.write(top.cfg.mmio_base + 0x808, 4, 0) == tlm::TLM_OK_RESPONSE);  // queue 1's doorbell, data 0
    BOOST_TEST(top.cpu.write(top.cfg.mmio_base + 0x804, 4, 0) == tlm::TLM_OK_RESPONSE);  // between doorbells
    BOOST_TEST(top.cpu.write(top.cfg.mmio_base + 0x800, 2, 0) == tlm::TLM_OK_RESPONSE);  // 16-bit
    uint32_t v;
    BOOST_TEST(top.cpu.read(top.cfg.mmio_base + 0x800, 4, v) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    BOOST_TEST(top.cpu.write(top.cfg.mmio_base + 0x810, 4, 2) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // past the window
  });
  BOOST_TEST(log.count(ids::bad_doorbell) == 3u);
  BOOST_TEST(top.transport.stats().doorbell_errors == 3u);
  BOOST_TEST(top.transport.stats().kicks[0] + top.transport.stats().kicks[1] == 0u);
}

BOOST_AUTO_TEST_CASE(doorbell_window_over_config_space_is_a_user_error) {
  platform_config c = doorbell_platform(4);
  c.transport.notify.doorbell.base = 0x104;
  BOOST_CHECK_THROW(loopback_platform("top", c), sc_core::sc_report);
}
