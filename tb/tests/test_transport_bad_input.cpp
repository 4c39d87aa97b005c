// Bad guest input on the transport: each case gets its defined answer (see docs/transport.md), a
// warning with a stable id, and the simulation goes on.
#include <cstring>

#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;
using regmap::reg;
namespace st = regmap::status;
namespace vr = regmap::vring;

namespace {
// Runs `access` on a fresh strict and permissive platform; checks both answers and the warning.
template <class Access>
void both_policies(const char* id, tlm::tlm_response_status strict_answer, Access access) {
  // A process elaborates once: both policies are two platforms in the same simulation.
  loopback_platform strict("strict", config_for(2, access_policy::strict));
  loopback_platform permissive("permissive", config_for(2, access_policy::permissive));
  report_log log;
  run_thread([&] {
    BOOST_TEST(access(strict) == strict_answer);
    BOOST_TEST(access(permissive) == tlm::TLM_OK_RESPONSE);
  });
  BOOST_TEST(log.count(id) == 2u);
  BOOST_TEST(strict.transport.stats().bus_errors == 1u);
  BOOST_TEST(permissive.transport.stats().bus_errors == 0u);
  BOOST_TEST(strict.transport.stats().guest_errors.at(id) == 1u);
}
}  // namespace

BOOST_AUTO_TEST_CASE(undefined_offset_is_refused) {
  both_policies(ids::undefined_offset, tlm::TLM_ADDRESS_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v = 1;
    auto r = p.cpu.read(p.cfg.mmio_base + 0x018, 4, v);
    BOOST_TEST(v == 0u);  // nothing leaks from a refused read
    return r;
  });
}

BOOST_AUTO_TEST_CASE(wrong_width_on_control_register_is_refused) {
  both_policies(ids::bad_width, tlm::TLM_BURST_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v;
    return p.cpu.read(p.reg_addr(reg::status), 2, v);
  });
}

BOOST_AUTO_TEST_CASE(eight_byte_access_is_refused) {
  both_policies(ids::bad_width, tlm::TLM_BURST_ERROR_RESPONSE, [](loopback_platform& p) {
    uint8_t b[8] = {};
    return p.cpu.raw(tlm::TLM_READ_COMMAND, p.reg_addr(reg::magic_value), b, 8);
  });
}

BOOST_AUTO_TEST_CASE(misaligned_access_is_refused) {
  both_policies(ids::misaligned, tlm::TLM_ADDRESS_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v;
    return p.cpu.read(p.reg_addr(reg::status) + 2, 4, v);
  });
}

BOOST_AUTO_TEST_CASE(byte_enables_are_refused) {
  both_policies(ids::byte_enables, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, [](loopback_platform& p) {
    uint8_t b[4] = {1, 0, 0, 0}, be[4] = {0xff, 0, 0, 0};
    return p.cpu.raw(tlm::TLM_WRITE_COMMAND, p.reg_addr(reg::queue_sel), b, 4, be);
  });
}

BOOST_AUTO_TEST_CASE(write_to_read_only_register_is_refused) {
  both_policies(ids::write_to_read_only, tlm::TLM_COMMAND_ERROR_RESPONSE, [](loopback_platform& p) {
    auto r = p.cpu.write(p.reg_addr(reg::magic_value), 4, 0);
    BOOST_TEST(p.cpu.read32(p.reg_addr(reg::magic_value)) == regmap::magic_value);
    return r;
  });
}

BOOST_AUTO_TEST_CASE(read_of_write_only_register_is_refused) {
  both_policies(ids::read_of_write_only, tlm::TLM_COMMAND_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v;
    return p.cpu.read(p.reg_addr(reg::queue_notify), 4, v);
  });
}

BOOST_AUTO_TEST_CASE(config_access_of_wrong_width_is_refused) {
  both_policies(ids::config_access, tlm::TLM_BURST_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v;
    return p.cpu.read(p.config_addr(loopback_device::cfg_u32), 2, v);
  });
}

BOOST_AUTO_TEST_CASE(config_write_to_read_only_field_is_refused) {
  both_policies(ids::config_access, tlm::TLM_COMMAND_ERROR_RESPONSE, [](loopback_platform& p) {
    auto r = p.cpu.write(p.config_addr(loopback_device::cfg_u32), 4, 0);
    uint32_t v;
    p.cpu.read(p.config_addr(loopback_device::cfg_u32), 4, v);
    BOOST_TEST(v == 0x12345678u);
    return r;
  });
}

BOOST_AUTO_TEST_CASE(config_access_between_fields_is_refused) {
  both_policies(ids::config_access, tlm::TLM_ADDRESS_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v;
    return p.cpu.read(p.config_addr(1), 1, v);  // padding between the u8 and the u16 field
  });
}

BOOST_AUTO_TEST_CASE(access_beyond_config_space_is_an_undefined_offset) {
  both_policies(ids::undefined_offset, tlm::TLM_ADDRESS_ERROR_RESPONSE, [](loopback_platform& p) {
    uint32_t v;
    return p.cpu.read(p.config_addr(0x40), 4, v);
  });
}

// ---- protocol-level errors: the access completes, the value is ignored, a warning is logged ----

BOOST_AUTO_TEST_CASE(illegal_status_step_is_ignored) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] {
    BOOST_TEST(top.driver.set(reg::status, st::driver_ok) == tlm::TLM_OK_RESPONSE);
    BOOST_TEST(top.driver.reg(reg::status) == 0u);
    top.driver.set(reg::status, st::acknowledge);
    top.driver.set(reg::status, st::acknowledge | st::driver | st::features_ok);  // skips DRIVER
    BOOST_TEST(top.driver.reg(reg::status) == st::acknowledge);
  });
  BOOST_TEST(log.count(ids::illegal_status_step) == 2u);
}

BOOST_AUTO_TEST_CASE(features_outside_the_offer_are_refused) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    d.set(reg::status, st::acknowledge);
    d.set(reg::status, st::acknowledge | st::driver);
    d.set(reg::driver_features_sel, 0);
    d.set(reg::driver_features, 1u << 5);  // bit 5 is not offered
    d.set(reg::driver_features_sel, 1);
    d.set(reg::driver_features, 1u);       // VERSION_1
    d.set(reg::status, st::acknowledge | st::driver | st::features_ok);
    BOOST_TEST((d.reg(reg::status) & st::features_ok) == 0u);
  });
  BOOST_TEST(log.count(ids::features_refused) == 1u);
}

BOOST_AUTO_TEST_CASE(features_written_after_features_ok_are_ignored) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(feat::bit(feat::version_1)));
    d.set(reg::driver_features_sel, 0);
    d.set(reg::driver_features, 1u << 0);
    BOOST_TEST(top.transport.negotiated_features() == feat::bit(feat::version_1));
  });
  BOOST_TEST(log.count(ids::features_late) == 1u);
}

BOOST_AUTO_TEST_CASE(queue_num_above_max_or_not_power_of_two_is_refused) {
  loopback_platform top("top", config_for(2), uint16_t{16});
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    d.set(reg::queue_sel, 0);
    d.set(reg::queue_num, 32);  // above QueueNumMax 16
    d.set(reg::queue_num, 12);  // not a power of two
    d.set(reg::queue_num, 0);
    // With no valid QueueNum the queue cannot be enabled, whatever the addresses.
    const uint64_t b = top.cfg.ram_base + 0x1000;
    d.set(reg::queue_desc_low, static_cast<uint32_t>(b));
    d.set(reg::queue_driver_low, static_cast<uint32_t>(b + 0x100));
    d.set(reg::queue_device_low, static_cast<uint32_t>(b + 0x200));
    d.set(reg::queue_ready, 1);
    BOOST_TEST(d.reg(reg::queue_ready) == 0u);
  });
  BOOST_TEST(log.count(ids::bad_queue_num) == 3u);
  BOOST_TEST(log.count(ids::queue_ready_refused) == 1u);
}

BOOST_AUTO_TEST_CASE(queue_ready_with_unset_or_misaligned_addresses_is_refused) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    d.set(reg::queue_sel, 0);
    d.set(reg::queue_num, 8);
    d.set(reg::queue_ready, 1);  // no addresses
    BOOST_TEST(d.reg(reg::queue_ready) == 0u);
    const uint64_t b = top.cfg.ram_base + 0x1008;  // descriptor table not 16-byte aligned
    d.set(reg::queue_desc_low, static_cast<uint32_t>(b));
    d.set(reg::queue_driver_low, static_cast<uint32_t>(b + 0x100));
    d.set(reg::queue_device_low, static_cast<uint32_t>(b + 0x200));
    d.set(reg::queue_ready, 1);
    BOOST_TEST(d.reg(reg::queue_ready) == 0u);
  });
  BOOST_TEST(log.count(ids::queue_ready_refused) == 2u);
}

BOOST_AUTO_TEST_CASE(queue_configured_after_driver_ok_is_refused) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    BOOST_REQUIRE(d.setup_queue(0, 8, top.cfg.ram_base + 0x1000));
    d.driver_ok();
    BOOST_TEST(!d.setup_queue(1, 8, top.cfg.ram_base + 0x2000));
    d.set(reg::queue_sel, 0);
    d.set(reg::queue_num, 4);  // queue 0 is live: no change
    BOOST_TEST(top.transport.queue(0).layout().num == 8u);
  });
  BOOST_TEST(log.count(ids::queue_not_configurable) >= 2u);
}

BOOST_AUTO_TEST_CASE(notify_of_missing_or_disabled_queue_is_ignored) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    d.kick(0);  // before DRIVER_OK
    BOOST_REQUIRE(d.init(all_features));
    BOOST_REQUIRE(d.setup_queue(0, 8, top.cfg.ram_base + 0x1000));
    d.driver_ok();
    d.kick(1);  // not enabled
    d.kick(7);  // does not exist
  });
  BOOST_TEST(log.count(ids::bad_notify) == 3u);
  BOOST_TEST(top.transport.stats().kicks[0] == 0u);
  BOOST_TEST(top.transport.stats().kicks[1] == 0u);
}

BOOST_AUTO_TEST_CASE(undefined_interrupt_ack_bits_are_reported) {
  loopback_platform top("top", config_for(2));
  report_log log;
  run_thread([&] { top.driver.set(reg::interrupt_ack, 0x80); });
  BOOST_TEST(log.count(ids::bad_ack) == 1u);
}

// ---- malformed rings through the whole system: DEVICE_NEEDS_RESET, never a wild access ----

namespace {
// Brings queue 0 up, lets `corrupt` damage the ring, kicks, and checks the device gave up cleanly.
template <class Corrupt>
void expect_needs_reset(uint32_t version, Corrupt corrupt) {
  loopback_platform top("top", config_for(version));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(start_device(top, 1));
    corrupt(top);
    d.kick(0);
    BOOST_TEST(top.wait_irq());
    BOOST_TEST((d.reg(reg::status) & st::device_needs_reset) != 0u);
    BOOST_TEST(top.isr() == regmap::irq::config_change);
    // Further kicks are ignored until the driver resets the device; after a reset it works again.
    d.kick(0);
    BOOST_TEST(d.init(all_features));
    BOOST_TEST((d.reg(reg::status) & st::device_needs_reset) == 0u);
    BOOST_REQUIRE(d.setup_queue(0, 8, top.cfg.ram_base + 0x10000));
    d.driver_ok();
    const uint64_t buf = top.cfg.ram_base + 0x20000;
    std::memcpy(d.host(buf), "ping", 4);
    d.post(0, {{buf, 4, false}, {buf + 0x100, 4, true}});
    d.kick(0);
    BOOST_TEST(top.wait_irq());
    BOOST_TEST(std::memcmp(d.host(buf + 0x100), "ping", 4) == 0);
  });
  BOOST_TEST(log.count(ids::device_needs_reset) == 1u);
  BOOST_TEST(log.count(ids::bad_notify) == 1u);
  BOOST_TEST(top.transport.stats().needs_reset == 1u);
  BOOST_TEST(top.ram.out_of_range_accesses() == 0u);
  // Counters survive the reset: the one good chain after it is counted, on top of nothing before.
  BOOST_TEST(top.transport.queue_totals(0).used == 1u);
  BOOST_TEST(top.transport.queue(0).stats().used == 1u);
}
}  // namespace

BOOST_AUTO_TEST_CASE(descriptor_loop_sets_device_needs_reset) {
  expect_needs_reset(2, [](loopback_platform& p) {
    const uint64_t buf = p.cfg.ram_base + 0x20000;
    auto& d = p.driver;
    d.post(0, {{buf, 8, false}, {buf, 8, false}});
    // Turn the two-descriptor chain into a cycle: descriptor 1 points back to 0.
    auto& r = d.rings(0);
    uint16_t flags = vr::desc_f_next, next = 0;
    std::memcpy(d.host(r.desc + vr::desc_size + vr::desc_flags), &flags, 2);
    std::memcpy(d.host(r.desc + vr::desc_size + vr::desc_next), &next, 2);
  });
}

BOOST_AUTO_TEST_CASE(buffer_outside_ram_sets_device_needs_reset) {
  expect_needs_reset(2, [](loopback_platform& p) { p.driver.post(0, {{p.cfg.ram_base + p.cfg.ram_size - 4, 64, true}}); });
}

BOOST_AUTO_TEST_CASE(buffer_in_mmio_space_sets_device_needs_reset) {
  // DMA must stay in RAM: a buffer aimed at the device's own registers is refused, not performed.
  expect_needs_reset(2, [](loopback_platform& p) { p.driver.post(0, {{p.cfg.mmio_base, 4, true}}); });
}

BOOST_AUTO_TEST_CASE(oversize_descriptor_sets_device_needs_reset_v1) {
  expect_needs_reset(1, [](loopback_platform& p) { p.driver.post(0, {{p.cfg.ram_base, 0xffffff00u, true}}); });
}
