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

// ---- the router's target socket (lt_multi_target_socket): every initiator a link of its own ----

namespace {
// Two RAMs on a bus with two CPUs and two DMA masters.
struct two_initiator_bus {
  router bus{"bus"};
  guest_ram a{"a", 0x1000}, b{"b", 0x1000};
  bus_master cpu0{"cpu0"}, cpu1{"cpu1"};
  dma_master dma0{"dma0"}, dma1{"dma1"};
  two_initiator_bus() {
    bus.add_target(a.socket, {"a", 0x10000, 0x1000});
    bus.add_target(b.socket, {"b", 0x20000, 0x1000});
    cpu0.socket.bind(bus.target);
    cpu1.socket.bind(bus.target);
    dma0.socket.bind(bus.target);
    dma1.socket.bind(bus.target);
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(router_initiators_interleaved_each_reach_their_own_targets) {
  // Each initiator's last decode hit is its own: interleaved runs to different targets, and a decode error of
  // one, leave every access landing where its address says.
  two_initiator_bus t;
  report_log log;
  run_thread([&] {
    BOOST_TEST(t.bus.target.links() == 4u);
    for (uint32_t i = 0; i < 4; ++i) {
      BOOST_TEST(t.cpu0.write(0x10000 + 4 * i, 4, 0xa0 + i) == tlm::TLM_OK_RESPONSE);
      BOOST_TEST(t.cpu1.write(0x20000 + 4 * i, 4, 0xb0 + i) == tlm::TLM_OK_RESPONSE);
      uint32_t v;
      BOOST_TEST(t.cpu1.read(0x30000, 4, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
    for (uint32_t i = 0; i < 4; ++i) {
      BOOST_TEST(t.cpu1.read32(0x10000 + 4 * i) == 0xa0 + i);
      BOOST_TEST(t.cpu0.read32(0x20000 + 4 * i) == 0xb0 + i);
    }
  });
  BOOST_TEST(log.count(ids::bus_decode_error) == 4u);
}

BOOST_AUTO_TEST_CASE(router_completes_nb_transport_at_begin_req) {
  // The base protocol through the router for an initiator that uses nb_transport_fw: TLM_COMPLETED at once,
  // the transaction done; any other phase is a protocol error.
  two_initiator_bus t;
  run_thread([&] {
    uint8_t data[4] = {0x78, 0x56, 0x34, 0x12};
    tlm::tlm_generic_payload tx;
    prepare(tx, tlm::TLM_WRITE_COMMAND, 0x20010, data, 4);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    BOOST_TEST((t.cpu1.socket->nb_transport_fw(tx, phase, delay) == tlm::TLM_COMPLETED));
    BOOST_TEST((phase == tlm::END_RESP));
    BOOST_TEST(tx.is_response_ok());
    BOOST_TEST(tx.get_address() == 0x20010u);  // the router gives the initiator its address back
    BOOST_TEST(t.b.data()[0x10] == 0x78);
    BOOST_TEST(t.b.data()[0x13] == 0x12);
    phase = tlm::END_REQ;
    try {
      t.cpu1.socket->nb_transport_fw(tx, phase, delay);
      BOOST_FAIL("nb_transport_fw in END_REQ was accepted");
    } catch (const sc_core::sc_report& r) {
      BOOST_TEST(std::string(r.get_msg_type()) == ids::tlm_protocol);
    }
  });
}

BOOST_AUTO_TEST_CASE(router_debug_transport_is_translated_and_refuses_unmapped) {
  two_initiator_bus t;
  t.a.data()[0x20] = 0x5a;
  run_thread([&] {
    uint8_t byte = 0;
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_READ_COMMAND);
    tx.set_address(0x10020);
    tx.set_data_ptr(&byte);
    tx.set_data_length(1);
    BOOST_TEST(t.cpu0.socket->transport_dbg(tx) == 1u);
    BOOST_TEST(byte == 0x5a);
    BOOST_TEST(tx.get_address() == 0x10020u);
    tx.set_address(0x30000);
    BOOST_TEST(t.cpu0.socket->transport_dbg(tx) == 0u);
    BOOST_TEST((tx.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE));
  });
}

BOOST_AUTO_TEST_CASE(router_grants_dmi_per_initiator_and_invalidates_every_one) {
  // DMI through the router for each DMA master, windows in global addresses; a target's invalidation reaches
  // every initiator bound to the router (each moves its map epoch on).
  two_initiator_bus t;
  run_thread([&] {
    BOOST_TEST(t.dma0.map(0x10010, 16) == t.a.data() + 0x10);
    BOOST_TEST(t.dma1.map(0x20ff0, 16) == t.b.data() + 0xff0);
    BOOST_TEST(t.dma1.map(0x10ff8, 16) == nullptr);  // straddles a's end
    const uint64_t e0 = t.dma0.map_epoch(), e1 = t.dma1.map_epoch();
    t.b.socket->invalidate_direct_mem_ptr(0, 0xfff);
    BOOST_TEST(t.dma0.map_epoch() == e0 + 1);
    BOOST_TEST(t.dma1.map_epoch() == e1 + 1);
    BOOST_TEST(t.dma1.map(0x20ff0, 16) == t.b.data() + 0xff0);  // granted again
  });
}
