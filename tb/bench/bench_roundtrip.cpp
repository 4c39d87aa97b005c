// bench_roundtrip: full virtqueue round trips per wall-second in the loosely-timed mode, with the C++
// reference doorbell decoder and with the Verilated RTL decoder, in one run.
//
// One round trip is what the sw/ driver does for one virtio-rng read on a vCPU: post a buffer, kick through
// the queue's doorbell, sleep until the interrupt, take it (IAR), reap the used ring, EOI. The platform is
// tb::driver_platform (vCPU on the bus, guest RAM, the transport with MSI v2 and per-queue doorbells, the
// interrupt controller); no hypervisor cost model (vmsim's bench_model.sh measures that path).
//
// The two decoders run in alternating rounds in the same simulation; each keeps its fastest round (on a
// shared, noisy machine the fastest is the least disturbed estimate).
// Usage: bench_roundtrip [round trips per round, default 400000] [rounds, default 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "driver_platform.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"

using namespace vmsim;
using namespace vmsim::tb;

namespace {
system_config platform_config() {
  system_config c;
  c.scheme = "msi-v2";
  c.transport.notify.doorbells = true;
  c.irqc.cpus = 1;
  return c;
}

// One platform and its guest program: waits for `go`, runs `trips` reads, records the wall time, signals `done`.
struct bench_side {
  bench_side(const char* name, const rng_params& rp) : top(name, platform_config(), rp) {
    top.cpu[0].run([this](vcpu& c) { program(c); });
  }
  void program(vcpu& c) {
    guest g(c, top.irqc_layout(), 0x100000, 8 << 20);
    vdrv::rng_driver rng(g.io, top.cfg.mmio_base, g.ctx);
    if (rng.start(g.mem, top.options()) != vdrv::status::ok) {
      std::fprintf(stderr, "bench: %s: the driver did not start\n", top.name());
      std::exit(1);
    }
    auto* buf = g.mem.alloc(64, 64);
    for (;;) {
      sc_core::wait(go);
      const auto t0 = std::chrono::steady_clock::now();
      for (unsigned i = 0; i < trips; ++i) {
        uint32_t got = 0;
        if (rng.read(buf, 64, got) != vdrv::status::ok || got != 64) {
          std::fprintf(stderr, "bench: %s: read %u failed\n", top.name(), i);
          std::exit(1);
        }
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::min(best, s);
      done.notify(sc_core::SC_ZERO_TIME);
    }
  }
  driver_platform<virtio_rng> top;
  sc_core::sc_event go, done;
  unsigned trips = 0;
  double best = 1e30;
};
}  // namespace

int sc_main(int argc, char* argv[]) {
  const unsigned trips = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 400000;
  const unsigned rounds = argc > 2 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 3;
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  rng_params rp;
  rp.per_request = sc_core::sc_time(100, sc_core::SC_NS);
  bench_side ref("ref", rp), rtl("rtl", rp);
  rtl.top.transport.use_doorbell_decoder(std::make_unique<rtl_doorbell_decoder>(
      rtl.top.transport.doorbell_layout(), sc_core::sc_time(1, sc_core::SC_NS)));
  ref.trips = rtl.trips = trips;
  sc_core::sc_spawn([&] {
    wait(sc_core::sc_time(1, sc_core::SC_US));  // both drivers have started
    for (unsigned r = 0; r < rounds; ++r)
      for (bench_side* side : {&ref, &rtl}) {
        side->go.notify(sc_core::SC_ZERO_TIME);
        wait(side->done);
      }
    sc_core::sc_stop();
  });
  sc_core::sc_start();
  const bool same = ref.top.transport.stats().kicks == rtl.top.transport.stats().kicks &&
                    ref.top.device.bytes() == rtl.top.device.bytes();
  std::printf("round trips per round: %u, rounds: %u (post -> doorbell kick -> device -> used -> MSI -> IAR -> "
              "reap -> EOI, sw/ driver on a loosely-timed vCPU)\n", trips, rounds);
  std::printf("C++ reference decoder: best round %.3f s, %.0f round trips per wall-second\n", ref.best, trips / ref.best);
  std::printf("Verilated RTL decoder: best round %.3f s, %.0f round trips per wall-second\n", rtl.best, trips / rtl.best);
  std::printf("RTL-in-loop / reference wall time: %.2fx; identical kicks and bytes: %s\n", rtl.best / ref.best,
              same ? "yes" : "NO");
  return same ? 0 : 1;
}
