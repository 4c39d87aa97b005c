// Bad input to the interrupt fabric: a defined response, a warning with a stable id, no crash, no lost
// interrupt where the guest did nothing wrong.
#include "irq_test.h"

using namespace vmsim;
using namespace vmsim::tb;
using regmap::reg;

BOOST_AUTO_TEST_CASE(msi_unknown_command_is_ignored) {
  irq_platform v2("v2", irq_config("msi-v2"));
  irq_platform v1("v1", irq_config("msi-v1"));
  report_log log;
  run_thread([&] {
    bring_up(v2);
    v2.cpu[0].write(v2.msi_reg(0x08), 4, 9);
    v1.cpu[0].write(v1.msi_reg(0x2), 2, 5u << 12);
    BOOST_TEST(v2.cpu[0].read32(v2.msi_reg(0x04)) == msi_v2_scheme::state_enabled);  // still enabled
  });
  BOOST_TEST(log.count(ids::msi_bad_command) == 2u);
}

BOOST_AUTO_TEST_CASE(msi_vector_beyond_vecnum_is_refused) {
  irq_platform v2("v2", irq_config("msi-v2"));
  irq_platform v1("v1", irq_config("msi-v1"));
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(v2.driver.init(all_features));
    BOOST_TEST(v2.cpu[0].read32(v2.msi_reg(0x00)) == 3u);  // MsiVecNum: config + 2 queues
    v2.cpu[0].write(v2.msi_reg(0x10), 4, 3);
    v2.cpu[0].write(v2.msi_reg(0x08), 4, msi_v2_scheme::configure);
    v2.cpu[0].write(v2.msi_reg(0x08), 4, msi_v2_scheme::mask_op);
    v1.cpu[0].write(v1.msi_reg(0x2), 2, (msi_v1_scheme::op_update << 12) | 99);
  });
  BOOST_TEST(log.count(ids::msi_bad_vector) == 3u);
}

BOOST_AUTO_TEST_CASE(map_queue_with_queue_sel_out_of_range_is_refused) {
  irq_platform top("top", irq_config("msi-v2"));
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(top.driver.init(all_features));
    top.driver.set(reg::queue_sel, 5);
    top.cpu[0].write(top.msi_reg(0x10), 4, 1);
    top.cpu[0].write(top.msi_reg(0x08), 4, msi_v2_scheme::map_queue);
    BOOST_TEST(top.cpu[0].read32(top.msi_reg(0x04)) == 0u);  // not sharing: the MAP did not happen
  });
  BOOST_TEST(log.count(ids::bad_queue_sel) == 1u);
}

BOOST_AUTO_TEST_CASE(enable_with_unconfigured_vectors_falls_back_to_the_wired_irq) {
  irq_platform top("top", irq_config("msi-v2"));
  report_log log;
  run_thread([&] {
    auto& d = top.driver;
    BOOST_REQUIRE(start_device(top, 2));
    top.cpu[0].write(top.msi_reg(0x10), 4, 0);
    top.write_message(0, 0);
    top.cpu[0].write(top.msi_reg(0x08), 4, msi_v2_scheme::configure);  // only vector 0 of 3
    top.cpu[0].write(top.msi_reg(0x08), 4, msi_v2_scheme::enable);
    BOOST_TEST(top.cpu[0].read32(top.msi_reg(0x04)) == 0u);
    top.route_line(0, 1);
    post_and_kick(top, 1);  // the interrupt is not lost: it comes on the wired line
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == top.wired_id(0));
    BOOST_TEST(d.reg(reg::interrupt_status) == 0u);  // the ISR acked it
  });
  BOOST_TEST(log.count(ids::msi_enable_refused) == 1u);
  BOOST_TEST(top.transport.scheme().stats().used_raised == 1u);
}

BOOST_AUTO_TEST_CASE(msi_v1_enable_needs_every_vector_updated) {
  irq_platform top("top", irq_config("msi-v1"));
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(top.driver.init(all_features));
    top.cpu[0].write(top.msi_reg(0x2), 2, (msi_v1_scheme::op_enable << 12) | 1);
    uint32_t status = 0;
    top.cpu[0].read(top.msi_reg(0x0), 2, status);
    BOOST_TEST((status & msi_v1_scheme::status_enabled) == 0u);
    BOOST_TEST((status & msi_v1_scheme::status_qmask) == 2u);  // max queue number field
  });
  BOOST_TEST(log.count(ids::msi_enable_refused) == 1u);
}

BOOST_AUTO_TEST_CASE(msi_command_without_the_feature_is_refused) {
  irq_platform top("top", irq_config("msi-v2"));
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(top.driver.init(feat::bit(feat::version_1)));  // MSI feature not accepted
    top.cpu[0].write(top.msi_reg(0x08), 4, msi_v2_scheme::enable);
  });
  BOOST_TEST(log.count(ids::msi_not_negotiated) == 1u);
}

BOOST_AUTO_TEST_CASE(msi_write_to_no_vcpu_is_dropped_and_counted) {
  irq_platform top("top", irq_config("msi-v2"));
  report_log log;
  run_thread([&] {
    bring_up(top);
    top.cpu[0].write(top.msi_reg(0x10), 4, 2);
    top.write_message(2, 7);  // vCPU 7 does not exist
    top.cpu[0].write(top.msi_reg(0x08), 4, msi_v2_scheme::configure);
    post_and_kick(top, 1);
    wait(sc_core::sc_time(20, sc_core::SC_US));
    BOOST_TEST(!top.cpu_irq[0].read());
    BOOST_TEST(!top.cpu_irq[1].read());
  });
  BOOST_TEST(log.count(ids::msi_undecodable) == 1u);
  BOOST_TEST(top.irqc.stats().msi_dropped == 1u);
}

BOOST_AUTO_TEST_CASE(eoi_with_nothing_in_service_is_ignored) {
  irq_platform top("top", irq_config("legacy-wired"));
  report_log log;
  run_thread([&] {
    top.cpu[1].write(top.cfg.irqc_base + interrupt_controller::cpu_window + interrupt_controller::eoir, 4, 40);
  });
  BOOST_TEST(log.count(ids::spurious_eoi) == 1u);
  BOOST_TEST(top.irqc.stats().spurious_eois == 1u);
}

BOOST_AUTO_TEST_CASE(msi_register_block_colliding_with_queue_reset_is_refused) {
  irq_platform_config c = irq_config("msi-v2");
  c.msi.register_base = 0x0c0;  // the proposal's base; today QueueReset lives there
  try {
    irq_platform top("top", c);
    BOOST_FAIL("a colliding register block was accepted");
  } catch (const sc_core::sc_report& r) {
    BOOST_TEST(std::string(r.get_msg_type()) == ids::config_error);
    BOOST_TEST(std::string(r.get_msg()).find("QueueReset") != std::string::npos, r.get_msg());
  }
}

BOOST_AUTO_TEST_CASE(proposal_layout_works_without_ring_reset) {
  irq_platform_config c = irq_config("msi-v2");
  c.msi.register_base = 0x0c0;
  c.transport.offer_ring_reset = false;
  irq_platform top("top", c);
  run_thread([&] {
    bring_up(top);
    post_and_kick(top, 1);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == top.msi_id(2));
  });
}

BOOST_AUTO_TEST_CASE(msi_feature_bit_colliding_with_the_spec_is_refused) {
  for (int bit : {40, 39, 5}) {
    BOOST_TEST_CONTEXT("bit " << bit) {
      irq_platform_config c = irq_config("msi-v2");
      c.msi.feature_bit = bit;
      try {
        irq_platform top(("top" + std::to_string(bit)).c_str(), c);
        BOOST_FAIL("a colliding feature bit was accepted");
      } catch (const sc_core::sc_report& r) {
        BOOST_TEST(std::string(r.get_msg()).find("feature bit " + std::to_string(bit)) != std::string::npos, r.get_msg());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_scheme_name_is_a_user_error) {
  try {
    make_interrupt_scheme("msi-v9");
    BOOST_FAIL("accepted");
  } catch (const sc_core::sc_report& r) {
    BOOST_TEST(std::string(r.get_msg()).find("allowed: legacy-wired, multi-irq") != std::string::npos, r.get_msg());
  }
}
