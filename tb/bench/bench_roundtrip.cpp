// bench_roundtrip: full virtqueue round trips per wall-second in the loosely-timed mode, with the C++
// reference doorbell decoder and with the Verilated RTL decoder, in one run.
//
// One round trip is what the sw/ driver does for one virtio-rng read on a vCPU: post a buffer, kick through
// the queue's doorbell, sleep until the interrupt, take it (IAR), reap the used ring, EOI. The platform is
// tb::driver_platform (vCPU on the bus, guest RAM, the transport with MSI v2 and per-queue doorbells, the
// interrupt controller, whose IAR and EOIR the vCPU reaches directly as a CPU does its interrupt interface);
// no hypervisor cost model (vmsim's bench_model.sh measures that path).
//
// Beside them, the kernel skeleton of one round trip: what SystemC and TLM-2.0 cost at the least for the
// same shape (4 transactions through one bus hop, a timed notify, a method, one thread wake), with no model
// behind it. The model's distance from it is the ratio to track: under callgrind each side's rounds are
// dumped apart (tb/bench/README.md: `callgrind-bench.sh` prints instructions per round trip of each side).
//
// The sides run in alternating rounds in the same simulation; each keeps its fastest round (on a
// shared, noisy machine the fastest is the least disturbed estimate).
// Usage: bench_roundtrip [round trips per round, default 400000] [rounds, default 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <tlm>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>  // under callgrind, each side's rounds are dumped apart (no-ops otherwise)
#else
#define CALLGRIND_DUMP_STATS_AT(name)
#endif

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
    // The vCPU takes IAR and EOIR to its local controller directly, as a CPU does its interrupt interface.
    guest g(c, top.irqc_layout(), 0x100000, 8 << 20, true, top.irq_interface(c.index()));
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

// The skeleton: a target that answers every access at once, one interconnect hop in front of it, a kick
// that notifies the device's method `service` later, and the method raising the "interrupt" the initiator
// thread sleeps on. One round trip: kick (write), sleep, acknowledge (read), reap (read), EOI (write).
struct skeleton_side : sc_core::sc_module {
  struct target : sc_core::sc_module, tlm::tlm_fw_transport_if<> {
    tlm::tlm_target_socket<> socket{"socket"};
    skeleton_side& owner;
    target(sc_core::sc_module_name n, skeleton_side& o) : sc_module(n), owner(o) { socket.bind(*this); }
    void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) override {
      if (tx.is_write() && tx.get_address() == 0) owner.kick.notify(delay + owner.service_time);
      tx.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
      return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
    unsigned transport_dbg(tlm::tlm_generic_payload&) override { return 0; }
  };
  struct hop : sc_core::sc_module, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<> {
    tlm::tlm_target_socket<> in{"in"};
    tlm::tlm_initiator_socket<> out{"out"};
    explicit hop(sc_core::sc_module_name n) : sc_module(n) {
      in.bind(*this);
      out.bind(*this);
    }
    void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) override {
      const uint64_t a = tx.get_address();
      tx.set_address(a & 0xfff);  // the decode
      out->b_transport(tx, delay);
      tx.set_address(a);
    }
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
      return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
    unsigned transport_dbg(tlm::tlm_generic_payload&) override { return 0; }
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
      return tlm::TLM_COMPLETED;
    }
    void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}
  };
  struct initiator : sc_core::sc_module, tlm::tlm_bw_transport_if<> {
    tlm::tlm_initiator_socket<> socket{"socket"};
    explicit initiator(sc_core::sc_module_name n) : sc_module(n) { socket.bind(*this); }
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
      return tlm::TLM_COMPLETED;
    }
    void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}
  };

  explicit skeleton_side(sc_core::sc_module_name n) : sc_module(n) {
    cpu.socket.bind(bus.in);
    bus.out.bind(dev.socket);
    SC_HAS_PROCESS(skeleton_side);
    SC_THREAD(program);
    SC_METHOD(service);
    sensitive << kick;
    dont_initialize();
  }
  void access(tlm::tlm_command cmd, uint64_t addr) {
    tx.set_command(cmd);
    tx.set_address(addr);
    tx.set_data_ptr(data);
    tx.set_data_length(4);
    tx.set_streaming_width(4);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    cpu.socket->b_transport(tx, local);
  }
  void program() {
    for (;;) {
      sc_core::wait(go);
      const auto t0 = std::chrono::steady_clock::now();
      for (unsigned i = 0; i < trips; ++i) {
        access(tlm::TLM_WRITE_COMMAND, 0x1000);  // kick
        wait(irq);                               // one thread wake (the local time is the kernel's again)
        local = sc_core::SC_ZERO_TIME;
        access(tlm::TLM_READ_COMMAND, 0x1004);   // acknowledge
        access(tlm::TLM_READ_COMMAND, 0x1008);   // reap
        access(tlm::TLM_WRITE_COMMAND, 0x100c);  // EOI
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::min(best, s);
      ++served_rounds;
      done.notify(sc_core::SC_ZERO_TIME);
    }
  }
  void service() {
    ++served;
    irq.notify();  // the interrupt: the thread runs in this evaluation phase
  }

  initiator cpu{"cpu"};
  hop bus{"bus"};
  target dev{"dev", *this};
  tlm::tlm_generic_payload tx;
  uint8_t data[4] = {};
  sc_core::sc_time local, service_time{100, sc_core::SC_NS};
  sc_core::sc_event kick, irq, go, done;
  unsigned trips = 0, served_rounds = 0;
  uint64_t served = 0;
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
  skeleton_side skel("skeleton");
  rtl.top.transport.use_doorbell_decoder(std::make_unique<rtl_doorbell_decoder>(
      rtl.top.transport.doorbell_layout(), sc_core::sc_time(1, sc_core::SC_NS)));
  ref.trips = rtl.trips = skel.trips = trips;
  sc_core::sc_spawn([&] {
    wait(sc_core::sc_time(1, sc_core::SC_US));  // both drivers have started
    CALLGRIND_DUMP_STATS_AT("set-up");
    for (unsigned r = 0; r < rounds; ++r) {
      skel.go.notify(sc_core::SC_ZERO_TIME);
      wait(skel.done);
      CALLGRIND_DUMP_STATS_AT("skeleton");
      for (bench_side* side : {&ref, &rtl}) {
        side->go.notify(sc_core::SC_ZERO_TIME);
        wait(side->done);
        CALLGRIND_DUMP_STATS_AT(side == &ref ? "reference" : "rtl");
      }
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
  std::printf("Kernel skeleton:       best round %.3f s, %.0f round trips per wall-second\n", skel.best, trips / skel.best);
  std::printf("RTL-in-loop / reference wall time: %.2fx; identical kicks and bytes: %s\n", rtl.best / ref.best,
              same ? "yes" : "NO");
  std::printf("reference / kernel skeleton wall time: %.2fx (instructions: see tb/bench/README.md)\n", ref.best / skel.best);
  const bool skeleton_ran = skel.served == uint64_t{trips} * rounds;
  return same && skeleton_ran ? 0 : 1;
}
