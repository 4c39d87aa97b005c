// The transport register by register, for Version 1 (legacy) and Version 2 (modern).
#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;
using regmap::reg;
namespace st = regmap::status;

namespace {
void identification(uint32_t version) {
  rng_platform top("top", config_for(version), rng_params{});
  run_thread([&] {
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::magic_value)) == regmap::magic_value);
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::version)) == version);
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::device_id)) == virtio_rng::device_type);
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::vendor_id)) == top.transport.config().vendor_id);
  });
}

// Every row of the register table answers as its access column says, and rows of the other
// version are not decoded.
void access_columns(uint32_t version) {
  rng_platform top("top", config_for(version), rng_params{});
  report_log log;
  run_thread([&] {
    const uint8_t vmask = version == 1 ? regmap::in_v1 : regmap::in_v2;
    for (const auto& d : regmap::standard_registers) {
      BOOST_TEST_CONTEXT(d.name << " v" << version) {
        uint32_t v = 0;
        uint64_t a = top.cfg.mmio_base + d.offset;
        if (!(d.versions & vmask)) {
          BOOST_TEST(top.cpu.read(a, 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
          continue;
        }
        auto r = top.cpu.read(a, 4, v);
        BOOST_TEST(r == (d.acc == regmap::access::wo ? tlm::TLM_COMMAND_ERROR_RESPONSE : tlm::TLM_OK_RESPONSE));
        if (d.acc == regmap::access::ro)
          BOOST_TEST(top.cpu.write(a, 4, 0x5a5a) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        if (!d.reset_from_device && d.acc != regmap::access::wo) BOOST_TEST(v == d.reset);
      }
    }
  });
  BOOST_TEST(log.count(ids::read_of_write_only) > 0u);
  BOOST_TEST(log.count(ids::write_to_read_only) > 0u);
}

void feature_windows(uint32_t version) {
  rng_platform top("top", config_for(version), rng_params{});
  run_thread([&] {
    auto& cpu = top.cpu;
    uint64_t f = 0;
    for (uint32_t sel = 0; sel < 3; ++sel) {
      cpu.write(top.reg_addr(reg::device_features_sel), 4, sel);
      uint32_t w = cpu.read32(top.reg_addr(reg::device_features));
      if (sel == 2) BOOST_TEST(w == 0u);
      else f |= uint64_t{w} << (32 * sel);
    }
    BOOST_TEST(f == top.transport.offered_features());
    BOOST_TEST(((f & feat::bit(feat::ring_event_idx)) != 0));
    BOOST_TEST(((f & feat::bit(feat::ring_indirect_desc)) != 0));
    BOOST_TEST(((f & feat::bit(feat::version_1)) != 0) == (version == 2));
  });
}
}  // namespace

BOOST_AUTO_TEST_CASE(identification_registers_v1) { identification(1); }
BOOST_AUTO_TEST_CASE(identification_registers_v2) { identification(2); }
BOOST_AUTO_TEST_CASE(register_table_access_columns_v1) { access_columns(1); }
BOOST_AUTO_TEST_CASE(register_table_access_columns_v2) { access_columns(2); }
BOOST_AUTO_TEST_CASE(device_feature_windows_v1) { feature_windows(1); }
BOOST_AUTO_TEST_CASE(device_feature_windows_v2) { feature_windows(2); }

BOOST_AUTO_TEST_CASE(queue_num_max_is_per_queue) {
  loopback_platform top("top", config_for(2), uint16_t{32});
  run_thread([&] {
    for (uint32_t q : {0u, 1u, 2u, 100u}) {
      top.cpu.write(top.reg_addr(reg::queue_sel), 4, q);
      BOOST_TEST(top.cpu.read32(top.reg_addr(reg::queue_num_max)) == (q < 2 ? 32u : 0u));
    }
  });
}

BOOST_AUTO_TEST_CASE(features_ok_sticks_for_an_offered_subset) {
  rng_platform top("top", config_for(2), rng_params{});
  run_thread([&] {
    BOOST_TEST(top.driver.init(feat::bit(feat::version_1) | feat::bit(feat::ring_event_idx)));
    BOOST_TEST(top.transport.negotiated_features() == (feat::bit(feat::version_1) | feat::bit(feat::ring_event_idx)));
  });
}

BOOST_AUTO_TEST_CASE(modern_device_refuses_features_ok_without_version_1) {
  rng_platform top("top", config_for(2), rng_params{});
  report_log log;
  run_thread([&] { BOOST_TEST(!top.driver.init(feat::bit(feat::ring_event_idx))); });
  BOOST_TEST(log.count(ids::features_refused) == 1u);
}

BOOST_AUTO_TEST_CASE(status_walks_to_driver_ok_and_reset_clears_everything) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    BOOST_REQUIRE(d.setup_queue(0, 8, top.cfg.ram_base + 0x1000));
    d.driver_ok();
    BOOST_TEST(d.reg(reg::status) == (st::acknowledge | st::driver | st::features_ok | st::driver_ok));
    d.set(reg::status, 0);
    BOOST_TEST(d.reg(reg::status) == 0u);
    d.set(reg::queue_sel, 0);
    BOOST_TEST(d.reg(reg::queue_ready) == 0u);
    BOOST_TEST(top.transport.negotiated_features() == 0u);
    BOOST_TEST(top.transport.stats().resets == 2u);  // the driver's own reset in init, and this one
  });
}

BOOST_AUTO_TEST_CASE(legacy_queue_uses_pfn_and_align) {
  rng_platform top("top", config_for(1), rng_params{});
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    BOOST_REQUIRE(d.setup_queue(0, 16, top.cfg.ram_base + 0x4000));
    BOOST_TEST(d.reg(reg::queue_pfn) == (top.cfg.ram_base + 0x4000) / 4096);
    const auto& l = top.transport.queue(0).layout();
    BOOST_TEST(l.desc == top.cfg.ram_base + 0x4000);
    BOOST_TEST(l.avail == l.desc + 16 * 16);
    BOOST_TEST(l.used == l.desc + 4096);  // 16*16 + 6 + 32 rounded up to the 4096 alignment
    d.set(reg::queue_pfn, 0);             // legacy release
    BOOST_TEST(d.reg(reg::queue_pfn) == 0u);
    BOOST_TEST(!top.transport.queue(0).enabled());
  });
}

BOOST_AUTO_TEST_CASE(shm_registers_report_no_regions) {
  rng_platform top("top", config_for(2), rng_params{});
  run_thread([&] {
    for (uint32_t sel : {0u, 3u}) {
      top.cpu.write(top.reg_addr(reg::shm_sel), 4, sel);
      BOOST_TEST(top.cpu.read32(top.reg_addr(reg::shm_len_low)) == 0xffffffffu);
      BOOST_TEST(top.cpu.read32(top.reg_addr(reg::shm_len_high)) == 0xffffffffu);
    }
  });
}

BOOST_AUTO_TEST_CASE(queue_reset_resets_one_queue_and_allows_reenable) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    BOOST_REQUIRE(((d.negotiated() & feat::bit(feat::ring_reset)) != 0));
    BOOST_REQUIRE(d.setup_queue(0, 8, top.cfg.ram_base + 0x1000));
    BOOST_REQUIRE(d.setup_queue(1, 8, top.cfg.ram_base + 0x2000));
    d.driver_ok();
    d.set(reg::queue_sel, 1);
    d.set(reg::queue_reset, 1);
    // virtio spec 4.2.2.1: "The device MUST present 0 in both QueueReset and QueueReady once the queue reset
    // operation has completed"; the model's reset completes within the write.
    BOOST_TEST(d.reg(reg::queue_reset) == 0u);
    BOOST_TEST(d.reg(reg::queue_ready) == 0u);
    d.set(reg::queue_sel, 0);
    BOOST_TEST(d.reg(reg::queue_ready) == 1u);  // the other queue is untouched
    BOOST_TEST(d.setup_queue(1, 8, top.cfg.ram_base + 0x3000));  // allowed after DRIVER_OK: it was reset
    BOOST_TEST(d.reg(reg::queue_reset) == 0u);
  });
}

BOOST_AUTO_TEST_CASE(queue_reset_register_absent_without_ring_reset_offer) {
  platform_config c = config_for(2);
  c.transport.offer_ring_reset = false;
  rng_platform top("top", c, rng_params{});
  run_thread([&] {
    uint32_t v;
    BOOST_TEST(top.cpu.read(top.reg_addr(reg::queue_reset), 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
}

BOOST_AUTO_TEST_CASE(config_fields_read_at_their_widths_v2) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    uint32_t v = 0;
    BOOST_TEST(top.cpu.read(top.config_addr(loopback_device::cfg_u8), 1, v) == tlm::TLM_OK_RESPONSE);
    BOOST_TEST(v == 0xa5u);
    top.cpu.read(top.config_addr(loopback_device::cfg_u16), 2, v);
    BOOST_TEST(v == 0xbeefu);
    top.cpu.read(top.config_addr(loopback_device::cfg_u32), 4, v);
    BOOST_TEST(v == 0x12345678u);
    top.cpu.read(top.config_addr(loopback_device::cfg_u64), 4, v);
    BOOST_TEST(v == 0x89abcdefu);
    top.cpu.read(top.config_addr(loopback_device::cfg_u64 + 4), 4, v);
    BOOST_TEST(v == 0x01234567u);
    BOOST_TEST(top.cpu.write(top.config_addr(loopback_device::cfg_rw32), 4, 77) == tlm::TLM_OK_RESPONSE);
    top.cpu.read(top.config_addr(loopback_device::cfg_rw32), 4, v);
    BOOST_TEST(v == 77u);
    BOOST_TEST(top.device.config_writes == 1u);
  });
}

BOOST_AUTO_TEST_CASE(legacy_config_allows_byte_reads) {
  loopback_platform top("top", config_for(1));
  run_thread([&] {
    uint32_t v = 0;
    BOOST_TEST(top.cpu.read(top.config_addr(loopback_device::cfg_u32 + 1), 1, v) == tlm::TLM_OK_RESPONSE);
    BOOST_TEST(v == 0x56u);
  });
}

BOOST_AUTO_TEST_CASE(config_change_bumps_generation_and_interrupts) {
  loopback_platform top("top", config_for(2));
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(d.init(all_features));
    d.driver_ok();
    uint32_t gen = d.reg(reg::config_generation);
    top.device.change_config(0xcafe);
    BOOST_TEST(top.wait_irq());
    BOOST_TEST(d.reg(reg::config_generation) == gen + 1);
    BOOST_TEST(top.isr() == regmap::irq::config_change);
    wait(sc_core::SC_ZERO_TIME);
    wait(sc_core::SC_ZERO_TIME);
    BOOST_TEST(!top.irq.read());  // ACK lowers the level-triggered line
    uint32_t v = 0;
    top.cpu.read(top.config_addr(loopback_device::cfg_u32), 4, v);
    BOOST_TEST(v == 0xcafeu);
  });
}

BOOST_AUTO_TEST_CASE(register_accesses_are_counted) {
  rng_platform top("top", config_for(2), rng_params{});
  run_thread([&] {
    for (int i = 0; i < 3; ++i) top.cpu.read32(top.reg_addr(reg::magic_value));
    top.cpu.write(top.reg_addr(reg::queue_sel), 4, 0);
  });
  BOOST_TEST(top.transport.registers().find("MagicValue")->reads == 3u);
  BOOST_TEST(top.transport.registers().find("QueueSel")->writes == 1u);
  BOOST_TEST(top.transport.stats_table().find("MagicValue") != std::string::npos);
}

// The register block's socket (lt_target_socket) answers the other TLM-2.0 entry points as the base protocol
// says: nb_transport_fw completes a read at BEGIN_REQ with what b_transport answers, transport_dbg reads the
// config space, no DMI is offered, and a phase other than BEGIN_REQ is a protocol error.
BOOST_AUTO_TEST_CASE(register_socket_answers_nb_transport_dbg_and_dmi) {
  loopback_platform top("top", config_for(2));
  tlm::tlm_fw_transport_if<>& fw = top.transport.mmio.get_base_export();
  run_thread([&] {
    uint8_t data[4] = {};
    tlm::tlm_generic_payload tx;
    prepare(tx, tlm::TLM_READ_COMMAND, regmap::offset_of(reg::magic_value), data, 4);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    BOOST_TEST(fw.nb_transport_fw(tx, phase, delay) == tlm::TLM_COMPLETED);
    BOOST_TEST((phase == tlm::END_RESP));
    BOOST_TEST(tx.is_response_ok());
    uint32_t v = 0;
    std::memcpy(&v, data, 4);
    BOOST_TEST(v == regmap::magic_value);

    tlm::tlm_dmi dmi;
    BOOST_TEST(!fw.get_direct_mem_ptr(tx, dmi));

    tx.set_address(regmap::config_space_offset + loopback_device::cfg_u8);
    tx.set_data_length(1);
    BOOST_TEST(fw.transport_dbg(tx) == 1u);
    BOOST_TEST(data[0] == 0xa5);

    phase = tlm::END_RESP;
    try {
      fw.nb_transport_fw(tx, phase, delay);
      BOOST_FAIL("a phase other than BEGIN_REQ was accepted");
    } catch (const sc_core::sc_report& r) {
      BOOST_TEST(std::string(r.get_msg_type()) == ids::tlm_protocol);
    }
  });
}
