// Every interrupt scheme on equal terms: one used buffer -> exactly one interrupt at the right vCPU and
// id; the ISR touches exactly the registers of the scheme's profile; config changes reach the config
// vector; masking defers and unmasking delivers.
#include <iterator>
#include <set>
#include <string>

#include "irq_test.h"

using namespace vmsim;
using namespace vmsim::tb;
using regmap::reg;

namespace {

void one_interrupt_per_used_buffer(const std::string& scheme, msi_flavour flavour = msi_flavour::x86_lapic) {
  irq_platform top("top", irq_config(scheme, flavour));
  const auto& profile = profile_of(scheme);
  run_thread([&] {
    bring_up(top);
    const auto before = top.device_accesses();
    const auto acks_before = top.irqc.stats().acknowledges, eois_before = top.irqc.stats().eois;
    post_and_kick(top, 1);
    const auto after_kick = top.device_accesses();
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == queue_id(top, 1));
    const auto after = top.device_accesses();
    // The ISR's own accesses (the kick's QueueNotify write is not the interrupt's).
    BOOST_TEST(after.first - after_kick.first == profile.device_reads);
    BOOST_TEST(after.second - after_kick.second == profile.device_writes);
    BOOST_TEST(after_kick.second - before.second == 1u);  // the kick
    BOOST_TEST(top.irqc.stats().acknowledges - acks_before == profile.irqc_reads);
    BOOST_TEST(top.irqc.stats().eois - eois_before == profile.irqc_writes);
    BOOST_TEST(t.used == 1u);
    // Nothing else arrives, on either vCPU.
    wait(sc_core::sc_time(20, sc_core::SC_US));
    BOOST_TEST(!top.cpu_irq[0].read());
    BOOST_TEST(!top.cpu_irq[1].read());
    BOOST_TEST(top.irqc.stats().acknowledges == 1u);
    BOOST_TEST(top.irqc.delivered(1, queue_id(top, 1)) == 1u);
    if (is_msi(scheme)) BOOST_TEST(top.transport.scheme().stats().msi_sent == 1u);
  });
  BOOST_TEST(top.irqc.stats().spurious_eois == 0u);
  BOOST_TEST(top.irqc.stats().msi_dropped == 0u);
}

void config_change_reaches_config_vector(const std::string& scheme) {
  irq_platform top("top", irq_config(scheme));
  run_thread([&] {
    bring_up(top);
    top.route_line(0, 0);  // the config line/vector goes to vCPU 0 in every scheme
    top.device.change_config(0x1234);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(0, t));
    BOOST_TEST(t.id == (is_msi(scheme) ? top.msi_id(0) : top.wired_id(0)));
    if (!is_msi(scheme)) BOOST_TEST(t.status == regmap::irq::config_change);
    BOOST_TEST(top.transport.scheme().stats().config_raised == 1u);
  });
}

// Masks queue 1's interrupt the way the scheme allows (its own vector mask, or the controller's).
void set_queue1_mask(irq_platform& p, bool masked) {
  const regmap::irq_mode s = scheme_named(p.cfg.scheme).driver_mode;
  auto& c0 = p.cpu[0];
  if (s == regmap::irq_mode::msi_v2) {
    c0.write(p.msi_reg(0x10), 4, 2);
    c0.write(p.msi_reg(0x08), 4, masked ? msi_v2_scheme::mask_op : msi_v2_scheme::unmask_op);
  } else if (s == regmap::irq_mode::msi_v2_pair) {
    c0.write(p.reg(regmap::offset_of(reg::queue_sel)), 4, 1);
    c0.write(p.msi_reg(0x08), 4, masked ? msi_v2_scheme::mask_op : msi_v2_scheme::unmask_op);
  } else if (s == regmap::irq_mode::msix) {
    c0.write(p.cfg.mmio_base + p.cfg.msi.msix_table_base + 16 * 2 + 0xc, 4, masked ? 1 : 0);
  } else {  // msi-v1 has no vector mask; wired lines are masked in the controller
    c0.write(p.cfg.irqc_base + interrupt_controller::mask_base + 4 * queue_id(p, 1), 4, masked ? 1 : 0);
  }
}

void masking_defers_and_unmasking_delivers(const std::string& scheme) {
  irq_platform top("top", irq_config(scheme));
  run_thread([&] {
    bring_up(top);
    set_queue1_mask(top, true);
    post_and_kick(top, 1);
    wait(sc_core::sc_time(20, sc_core::SC_US));
    BOOST_TEST(!top.cpu_irq[1].read());
    BOOST_TEST(top.driver.used_available(1));  // the work was done; only the interrupt waits
    set_queue1_mask(top, false);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == queue_id(top, 1));
  });
  BOOST_TEST(top.irqc.stats().acknowledges == 1u);
  if (scheme_named(scheme).device_mask) BOOST_TEST(top.transport.scheme().stats().msi_deferred == 1u);
}
}  // namespace

BOOST_AUTO_TEST_CASE(legacy_wired_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("legacy-wired"); }
BOOST_AUTO_TEST_CASE(multi_irq_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("multi-irq"); }
BOOST_AUTO_TEST_CASE(multi_irq_irqfd_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("multi-irq-irqfd"); }
BOOST_AUTO_TEST_CASE(msi_v1_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("msi-v1"); }
BOOST_AUTO_TEST_CASE(msi_v1_kernel_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("msi-v1-kernel"); }
BOOST_AUTO_TEST_CASE(msi_v2_linux_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("msi-v2-linux"); }
BOOST_AUTO_TEST_CASE(msi_v2_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("msi-v2"); }
BOOST_AUTO_TEST_CASE(msi_v2_pair_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("msi-v2-pair"); }
BOOST_AUTO_TEST_CASE(msix_reference_one_interrupt_per_used_buffer) { one_interrupt_per_used_buffer("pci-msix-reference"); }
BOOST_AUTO_TEST_CASE(msi_v2_one_interrupt_per_used_buffer_arm) { one_interrupt_per_used_buffer("msi-v2", msi_flavour::arm_gicv2m); }
BOOST_AUTO_TEST_CASE(msix_reference_one_interrupt_per_used_buffer_arm) {
  one_interrupt_per_used_buffer("pci-msix-reference", msi_flavour::arm_gicv2m);
}

BOOST_AUTO_TEST_CASE(legacy_wired_config_change_reaches_config_line) { config_change_reaches_config_vector("legacy-wired"); }
BOOST_AUTO_TEST_CASE(multi_irq_config_change_reaches_line_0) { config_change_reaches_config_vector("multi-irq"); }
BOOST_AUTO_TEST_CASE(multi_irq_irqfd_config_change_reaches_line_0) { config_change_reaches_config_vector("multi-irq-irqfd"); }
BOOST_AUTO_TEST_CASE(msi_v1_config_change_reaches_vector_0) { config_change_reaches_config_vector("msi-v1"); }
BOOST_AUTO_TEST_CASE(msi_v2_config_change_reaches_config_vector) { config_change_reaches_config_vector("msi-v2"); }
BOOST_AUTO_TEST_CASE(msi_v2_pair_config_change_reaches_config_pair) { config_change_reaches_config_vector("msi-v2-pair"); }
BOOST_AUTO_TEST_CASE(msix_reference_config_change_reaches_config_vector) { config_change_reaches_config_vector("pci-msix-reference"); }

BOOST_AUTO_TEST_CASE(legacy_wired_masking_defers_and_unmasking_delivers) { masking_defers_and_unmasking_delivers("legacy-wired"); }
BOOST_AUTO_TEST_CASE(multi_irq_masking_defers_and_unmasking_delivers) { masking_defers_and_unmasking_delivers("multi-irq"); }
BOOST_AUTO_TEST_CASE(multi_irq_irqfd_masking_defers_and_unmasking_delivers) {
  masking_defers_and_unmasking_delivers("multi-irq-irqfd");
}
BOOST_AUTO_TEST_CASE(msi_v1_masking_defers_and_unmasking_delivers) { masking_defers_and_unmasking_delivers("msi-v1"); }
BOOST_AUTO_TEST_CASE(msi_v2_masking_defers_and_unmasking_delivers) { masking_defers_and_unmasking_delivers("msi-v2"); }
BOOST_AUTO_TEST_CASE(msi_v2_pair_masking_defers_and_unmasking_delivers) { masking_defers_and_unmasking_delivers("msi-v2-pair"); }
BOOST_AUTO_TEST_CASE(msix_reference_masking_defers_and_unmasking_delivers) {
  masking_defers_and_unmasking_delivers("pci-msix-reference");
}

BOOST_AUTO_TEST_CASE(msi_v2_shared_vector_serves_every_queue) {
  irq_platform_config c = irq_config("msi-v2");
  c.msi.sharing = true;  // the device's choice (MsiState msi_sharing)
  irq_platform top("top", c);
  run_thread([&] {
    BOOST_REQUIRE(start_device(top, 2));
    top.program_msi({{0, 0}, {1, 1}}, /*sharing=*/true);
    BOOST_TEST(top.cpu[0].read32(top.msi_reg(0x04)) == (msi_v2_scheme::state_enabled | msi_v2_scheme::state_sharing));
    for (unsigned q : {0u, 1u}) {
      post_and_kick(top, q);
      irq_platform::taken t;
      BOOST_REQUIRE(top.take_interrupt(1, t));
      BOOST_TEST(t.id == top.msi_id(1));  // both queues share vector 1
    }
  });
}

BOOST_AUTO_TEST_CASE(multi_irq_lines_follow_the_backend_mapping) {
  irq_platform top("top", irq_config("multi-irq"));
  run_thread([&] {
    bring_up(top);
    post_and_kick(top, 0);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(0, t));
    BOOST_TEST(t.id == top.wired_id(0));
    BOOST_TEST(!top.cpu_irq[1].read());
    post_and_kick(top, 1);
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == top.wired_id(1));
  });
  BOOST_TEST(top.irqc.delivered(0, top.wired_id(0)) == 1u);
  BOOST_TEST(top.irqc.delivered(1, top.wired_id(1)) == 1u);
}

BOOST_AUTO_TEST_CASE(msi_v1_makes_version_read_3) {
  irq_platform top("top", irq_config("msi-v1"));
  run_thread([&] { BOOST_TEST(top.driver.reg(reg::version) == 3u); });
}

BOOST_AUTO_TEST_CASE(msi_address_and_data_are_latched_atomically) {
  // A vector is retargeted while traffic flows: address written for vCPU 0, data not yet, no command.
  // The interrupt raised in between must use the old, complete message (vCPU 1).
  irq_platform top("top", irq_config("msi-v2"));
  run_thread([&] {
    bring_up(top);
    auto [addr0, data0] = top.message_for(2, 0);
    top.cpu[0].write(top.msi_reg(0x10), 4, 2);
    top.cpu[0].write(top.msi_reg(0x14), 4, static_cast<uint32_t>(addr0));  // half of a new message
    post_and_kick(top, 1);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == top.msi_id(2));
    // Completing the update with CONFIGURE (allowed while enabled) moves the vector to vCPU 0.
    top.cpu[0].write(top.msi_reg(0x1c), 4, data0);
    top.cpu[0].write(top.msi_reg(0x08), 4, msi_v2_scheme::configure);
    post_and_kick(top, 1);
    BOOST_REQUIRE(top.take_interrupt(0, t));
    BOOST_TEST(t.id == top.msi_id(2));
  });
  BOOST_TEST(top.irqc.delivered(1, top.msi_id(2)) == 1u);
  BOOST_TEST(top.irqc.delivered(0, top.msi_id(2)) == 1u);
}

BOOST_AUTO_TEST_CASE(msi_enabled_device_leaves_interrupt_status_alone) {
  irq_platform top("top", irq_config("msi-v2"));
  run_thread([&] {
    bring_up(top);
    post_and_kick(top, 1);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(top.driver.reg(reg::interrupt_status) == 0u);
    BOOST_TEST(!top.lines[0].read());
    top.driver.set(reg::interrupt_ack, 1);  // ignored
    BOOST_TEST(top.transport.scheme().stats().acks == 0u);
  });
}

// The multi-IRQ RFC (patch 2/2) changed only the driver: one device-wide InterruptStatus, an InterruptACK
// without a line select. Both lines raised for used buffers read the same status, and one ACK of VRING (the
// ISR of either line writes it) lowers both.
BOOST_AUTO_TEST_CASE(multi_irq_status_is_device_wide_and_ack_has_no_line_select) {
  irq_platform top("top", irq_config("multi-irq"));
  run_thread([&] {
    bring_up(top);
    top.route_line(0, 0);
    top.route_line(1, 0);
    top.cpu[0].write(top.cfg.irqc_base + interrupt_controller::mask_base + 4 * top.wired_id(0), 4, 1);
    top.cpu[0].write(top.cfg.irqc_base + interrupt_controller::mask_base + 4 * top.wired_id(1), 4, 1);
    post_and_kick(top, 0);
    post_and_kick(top, 1);
    wait(sc_core::sc_time(20, sc_core::SC_US));
    BOOST_TEST(top.lines[0].read());
    BOOST_TEST(top.lines[1].read());
    BOOST_TEST(top.driver.reg(reg::interrupt_status) == regmap::irq::used_buffer);
    top.driver.set(reg::interrupt_ack, regmap::irq::used_buffer);
    BOOST_TEST(!top.lines[0].read());
    BOOST_TEST(!top.lines[1].read());
    BOOST_TEST(top.driver.reg(reg::interrupt_status) == 0u);
  });
}

// With the proof-of-concept VMM's irqfd path a queue interrupt sets no status: the ISR reads 0, writes no
// ACK, and services the queues of its line.
BOOST_AUTO_TEST_CASE(multi_irq_irqfd_queue_interrupt_leaves_status_0) {
  irq_platform top("top", irq_config("multi-irq-irqfd"));
  run_thread([&] {
    bring_up(top);
    const auto before = top.device_accesses();
    post_and_kick(top, 1);
    irq_platform::taken t;
    BOOST_REQUIRE(top.take_interrupt(1, t));
    BOOST_TEST(t.id == top.wired_id(1));
    BOOST_TEST(t.status == 0u);
    BOOST_TEST(t.used == 1u);
    const auto after = top.device_accesses();
    BOOST_TEST(after.second - before.second == 1u);  // the kick; no InterruptACK
    BOOST_TEST(!top.lines[1].read());                 // a pulse: the line is low again
    BOOST_TEST(top.irqc.config().edge(1));
  });
  BOOST_TEST(top.transport.scheme().stats().acks == 0u);
}

// The scheme table: every row builds its scheme under its own name, names are unique, and the columns agree
// with what the scheme built says of itself.
BOOST_AUTO_TEST_CASE(scheme_table_rows_build_their_schemes) {
  std::set<std::string> seen;
  for (const auto& row : interrupt_schemes) {
    BOOST_TEST_CONTEXT(row.name) {
      BOOST_TEST(seen.insert(row.name).second);
      BOOST_TEST(&scheme_named(row.name) == &row);
      irq_platform_config c = irq_config(row.name);
      irq_platform top(("top_" + std::string(row.name)).c_str(), c);
      BOOST_TEST(std::string(top.transport.scheme().name()) == row.name);
      BOOST_TEST(row.isr.wired == !row.msi);
      BOOST_TEST((row.min_transport_version == 2) == row.msi);  // the MSI blocks live in the modern register set
    }
  }
  BOOST_TEST(interrupt_scheme_names().size() == std::size(interrupt_schemes));
}
