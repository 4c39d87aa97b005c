// Guest RAM and the bus: decode, address translation, DMI, and the errors.
#include <cstring>

#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;

BOOST_AUTO_TEST_CASE(router_translates_addresses_to_ram) {
  rng_platform top("top", config_for(2), rng_params{});
  run_thread([&] {
    BOOST_TEST(top.cpu.write(top.cfg.ram_base + 0x100, 4, 0xdeadbeef) == tlm::TLM_OK_RESPONSE);
    uint32_t v;
    std::memcpy(&v, top.ram.data() + 0x100, 4);
    BOOST_TEST(v == 0xdeadbeefu);
    BOOST_TEST(top.cpu.read32(top.cfg.ram_base + 0x100) == 0xdeadbeefu);
  });
}

BOOST_AUTO_TEST_CASE(unmapped_address_gets_address_error) {
  rng_platform top("top", config_for(2), rng_params{});
  report_log log;
  run_thread([&] {
    uint32_t v;
    BOOST_TEST(top.cpu.read(0x1000, 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Straddling the end of RAM is not decoded either.
    BOOST_TEST(top.cpu.read(top.cfg.ram_base + top.cfg.ram_size - 2, 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
  BOOST_TEST(log.count(ids::bus_decode_error) == 2u);
  BOOST_TEST(top.bus.decode_errors() == 2u);
}

BOOST_AUTO_TEST_CASE(decode_after_a_hit_still_checks_the_whole_range) {
  // The router tries an initiator's last hit first: an access straddling that range's end must still fail,
  // and accesses alternating between two targets must each reach their own.
  rng_platform top("top", config_for(2), rng_params{});
  report_log log;
  run_thread([&] {
    BOOST_TEST(top.cpu.write(top.cfg.ram_base + 0x100, 4, 0x12345678) == tlm::TLM_OK_RESPONSE);
    uint32_t v;
    BOOST_TEST(top.cpu.read(top.cfg.ram_base + top.cfg.ram_size - 2, 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    for (int i = 0; i < 2; ++i) {
      BOOST_TEST(top.cpu.read32(top.cfg.mmio_base) == 0x74726976u);  // MagicValue "virt": the device, not RAM
      BOOST_TEST(top.cpu.read32(top.cfg.ram_base + 0x100) == 0x12345678u);
    }
  });
  BOOST_TEST(log.count(ids::bus_decode_error) == 1u);
}

BOOST_AUTO_TEST_CASE(dmi_window_is_translated_to_global_addresses) {
  rng_platform top("top", config_for(2), rng_params{});
  run_thread([&] {
    tlm::tlm_generic_payload tx;
    tx.set_address(top.cfg.ram_base + 0x40);
    tlm::tlm_dmi dmi;
    BOOST_TEST(top.cpu.socket->get_direct_mem_ptr(tx, dmi));
    BOOST_TEST(dmi.get_start_address() == top.cfg.ram_base);
    BOOST_TEST(dmi.get_end_address() == top.cfg.ram_base + top.cfg.ram_size - 1);
    BOOST_TEST(dmi.get_dmi_ptr() == top.ram.data());
  });
}

BOOST_AUTO_TEST_CASE(overlapping_address_map_is_a_user_error) {
  router bus("bus");
  guest_ram a("a", 0x1000), b("b", 0x1000);
  bus.add_target(a.socket, {"a", 0x1000, 0x1000});
  try {
    bus.add_target(b.socket, {"b", 0x1800, 0x1000});
    BOOST_FAIL("an overlapping range was accepted");
  } catch (const sc_core::sc_report& r) {
    BOOST_TEST(std::string(r.get_msg_type()) == ids::config_error);
    BOOST_TEST(std::string(r.get_msg()).find("overlaps 'a'") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(ram_refuses_out_of_range_access) {
  guest_ram ram("ram", 0x100);
  bus_master cpu("cpu");
  cpu.socket.bind(ram.socket);
  report_log log;
  run_thread([&] {
    uint32_t v;
    BOOST_TEST(cpu.read(0xfc, 4, v) == tlm::TLM_OK_RESPONSE);
    BOOST_TEST(cpu.read(0xfe, 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    BOOST_TEST(cpu.write(0x100, 1, 0) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
  BOOST_TEST(log.count(ids::ram_out_of_range) == 2u);
  BOOST_TEST(ram.out_of_range_accesses() == 2u);
}

BOOST_AUTO_TEST_CASE(invalid_transport_version_is_a_user_error) {
  rng_params rp;
  virtio_rng rng("rng", rp);
  transport_config c;
  c.version = 3;
  BOOST_CHECK_THROW(virtio_mmio_transport("t", rng, c), sc_core::sc_report);
}

BOOST_AUTO_TEST_CASE(dma_maps_only_ranges_inside_a_dmi_window) {
  // dma_master::map (how a virtqueue reaches its rings): a host pointer for a range inside guest RAM, none for
  // one that straddles RAM's start or end or has no target; an invalidation moves map_epoch on.
  router bus("bus");
  guest_ram ram("ram", 0x1000);
  dma_master dma("dma");
  bus.add_target(ram.socket, {"ram", 0x10000, 0x1000});
  dma.socket.bind(bus.target);
  run_thread([&] {
    BOOST_TEST(dma.map(0x10010, 16) == ram.data() + 0x10);
    BOOST_TEST(dma.map(0x10ff8, 8) == ram.data() + 0xff8);
    BOOST_TEST(dma.map(0x10ff8, 16) == nullptr);
    BOOST_TEST(dma.map(0xfff8, 16) == nullptr);
    BOOST_TEST(dma.map(0x20000, 4) == nullptr);
    uint8_t b[16];
    BOOST_TEST(!dma.read(0x10ff8, b, 16));  // the checked path agrees
    const uint64_t epoch = dma.map_epoch();
    ram.socket->invalidate_direct_mem_ptr(0, 0xfff);
    BOOST_TEST(dma.map_epoch() == epoch + 1);
    BOOST_TEST(dma.map(0x10010, 16) == ram.data() + 0x10);  // granted again
  });
}
