// The Verilated RTL decoder in the SystemC notify path: the same scenario with the C++ reference and
// with the RTL gives the same kicks, errors and ring results; the RTL adds its cycle latency; VCD.
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "sim_test.h"
#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"

using namespace vmsim;
using namespace vmsim::tb;

namespace {
platform_config doorbells() {
  platform_config c = config_for(2);
  c.transport.notify.doorbells = true;
  c.transport.notify.doorbell = {0x800, 8, 0};
  return c;
}

// A seeded mix of good kicks and bad doorbell writes, with buffers posted for the good ones.
struct outcome {
  std::vector<uint64_t> kicks;
  uint64_t doorbell_errors = 0;
  std::vector<uint32_t> used_lengths;
  std::vector<sc_core::sc_time> irq_times;
};

void drive(loopback_platform& p, unsigned seed, outcome& out) {
  BOOST_REQUIRE(start_device(p, 2));
  std::mt19937 rng(seed);
  const uint64_t mmio = p.cfg.mmio_base;
  for (unsigned i = 0; i < 60; ++i) {
    const unsigned q = rng() % 2;
    switch (rng() % 4) {
      case 0: p.cpu.write(mmio + 0x800 + 8 * q + 4, 4, q); break;  // misaligned
      case 1: p.cpu.write(mmio + 0x800 + 8 * q, 4, q + 1); break;  // index mismatch
      default: {
        const uint64_t buf = p.cfg.ram_base + 0x20000 + 0x100 * i;
        std::memcpy(p.driver.host(buf), &i, 4);
        p.driver.post(q, {{buf, 4, false}, {buf + 0x80, 4, true}});
        p.cpu.write(mmio + 0x800 + 8 * q, 4, q);
        BOOST_REQUIRE(p.wait_irq());
        out.irq_times.push_back(sc_core::sc_time_stamp());
        p.isr();
        for (unsigned r = 0; r < 2; ++r)
          while (p.driver.used_available(r)) out.used_lengths.push_back(p.driver.reap(r).len);
      }
    }
  }
  out.kicks = p.transport.stats().kicks;
  out.doorbell_errors = p.transport.stats().doorbell_errors;
}
}  // namespace

BOOST_AUTO_TEST_CASE(rtl_and_reference_decoders_give_identical_kicks) {
  loopback_platform ref("ref", doorbells());
  loopback_platform rtl("rtl", doorbells());
  const sc_core::sc_time period(1, sc_core::SC_NS);
  rtl.transport.use_doorbell_decoder(std::make_unique<rtl_doorbell_decoder>(rtl.transport.doorbell_layout(), period));
  report_log log;
  outcome a, b;
  run_thread([&] {
    sc_core::sc_spawn([&] { drive(ref, 7, a); });
    drive(rtl, 7, b);
    wait(sc_core::sc_time(1, sc_core::SC_US));
  });
  BOOST_TEST(a.kicks == b.kicks);
  BOOST_TEST(a.doorbell_errors == b.doorbell_errors);
  BOOST_TEST(a.doorbell_errors > 0u);
  BOOST_TEST(a.used_lengths == b.used_lengths);
  BOOST_TEST(a.used_lengths.size() > 20u);
  BOOST_TEST(std::string(rtl.transport.doorbell_decoder()->name()) == "rtl");
  const auto* dec = static_cast<const rtl_doorbell_decoder*>(rtl.transport.doorbell_decoder());
  BOOST_TEST(dec->kick_count() == a.kicks[0] + a.kicks[1]);  // the RTL's own counters agree
  BOOST_TEST(dec->err_count() == a.doorbell_errors);
  // The first interrupt of the RTL run comes exactly one decoder cycle later.
  BOOST_REQUIRE(!a.irq_times.empty());
  BOOST_TEST((b.irq_times.front() - a.irq_times.front()) == period * static_cast<double>(rtl_doorbell_decoder::latency_cycles));
}

BOOST_AUTO_TEST_CASE(rtl_decoder_writes_a_vcd) {
  const std::string path = "rtl_decoder_test.vcd";
  {
    rtl_doorbell_decoder d({0x800, 8, 4}, sc_core::sc_time(2, sc_core::SC_NS), path);
    BOOST_TEST((d.decode(0x808, 4, 1).error == doorbell_error::none));
    BOOST_TEST((d.decode(0x804, 4, 0).error == doorbell_error::misaligned));
    BOOST_TEST(d.decode(0x818, 4, 3).queue == 3u);
    BOOST_TEST(d.kick_count() == 2u);
  }
  std::ifstream in(path);
  std::stringstream vcd;
  vcd << in.rdbuf();
  for (const char* s : {"$enddefinitions", "kick_valid", "wr_addr", "err_code", "$timescale"})
    BOOST_TEST(vcd.str().find(s) != std::string::npos, "VCD lacks " << s);
}

BOOST_AUTO_TEST_CASE(rtl_decoder_refuses_a_configuration_it_cannot_hold) {
  BOOST_CHECK_THROW(rtl_doorbell_decoder({0x800, 8, 65}, sc_core::sc_time(1, sc_core::SC_NS)), sc_core::sc_report);
  BOOST_CHECK_THROW(rtl_doorbell_decoder({0x800, 8, 4}, sc_core::SC_ZERO_TIME), sc_core::sc_report);
}
