// bench_roundtrip: full virtqueue round trips (post -> doorbell kick -> device -> used -> interrupt ->
// ISR -> reap) per wall-second, with the C++ reference doorbell decoder and with the Verilated RTL
// decoder, measured in one run (same process, one phase after the other) so the ratio is fair on a noisy
// machine. Usage: bench_roundtrip [round trips per phase, default 200000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "device_platform.h"
#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"

using namespace vmsim;

namespace {
double run_phase(tb::rng_platform& p, unsigned trips) {
  auto& d = p.driver;
  namespace f = regmap::feature;
  if (!d.init(f::bit(f::version_1) | f::bit(f::ring_event_idx)) || !d.setup_queue(0, 256, p.cfg.ram_base + 0x10000)) {
    std::fprintf(stderr, "bench: device bring-up failed\n");
    std::exit(1);
  }
  d.driver_ok();
  const uint64_t doorbell = p.cfg.mmio_base + (d.reg(regmap::reg::queue_notify) & 0xffff);
  const auto start = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < trips; ++i) {
    d.post(0, {{p.cfg.ram_base + 0x100000 + 64 * (i % 256), 64, true}});
    p.cpu.write(doorbell, 4, 0);
    if (!p.wait_irq()) {
      std::fprintf(stderr, "bench: no interrupt at trip %u\n", i);
      std::exit(1);
    }
    p.isr();
    while (d.used_available(0)) d.reap(0);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  const unsigned trips = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 200000;
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  tb::platform_config cfg;
  cfg.transport.notify.doorbells = true;
  rng_params rp;
  rp.per_request = sc_core::sc_time(100, sc_core::SC_NS);
  tb::rng_platform ref("ref", cfg, rp);
  tb::rng_platform rtl("rtl", cfg, rp);
  rtl.transport.use_doorbell_decoder(
      std::make_unique<rtl_doorbell_decoder>(rtl.transport.doorbell_layout(), sc_core::sc_time(1, sc_core::SC_NS)));
  double t_ref = 0, t_rtl = 0;
  sc_core::sc_spawn([&] {
    t_ref = run_phase(ref, trips);
    t_rtl = run_phase(rtl, trips);
    sc_core::sc_stop();
  });
  sc_core::sc_start();
  const bool same = ref.transport.stats().kicks == rtl.transport.stats().kicks && ref.device.bytes() == rtl.device.bytes();
  std::printf("round trips per phase: %u (kick -> used -> interrupt -> ISR read/ack -> reap)\n", trips);
  std::printf("C++ reference decoder: %.3f s, %.0f round trips/s\n", t_ref, trips / t_ref);
  std::printf("Verilated RTL decoder: %.3f s, %.0f round trips/s\n", t_rtl, trips / t_rtl);
  std::printf("RTL-in-loop / reference wall time: %.3fx; identical kicks and bytes: %s\n", t_rtl / t_ref, same ? "yes" : "NO");
  return same ? 0 : 1;
}
