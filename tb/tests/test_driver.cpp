// The sw/ driver running on simulated vCPUs against the models: every interrupt scheme, both transport
// versions, virtio-rng, virtio-blk and multi-queue virtio-net, MSI retargeting and the wired fallback.
#include <cstring>
#include <random>

#include "driver_platform.h"
#include "recording_hal.h"
#include "sim_test.h"
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"

using namespace vmsim;
using namespace vmsim::tb;

namespace {
driver_platform_config config(const std::string& scheme, uint32_t version = 2, msi_flavour f = msi_flavour::x86_lapic) {
  driver_platform_config c;
  c.scheme = scheme;
  c.transport.version = version;
  c.transport.irq_lines = scheme_named(scheme).multi_line ? 2 : 1;
  c.irqc.cpus = 2;
  c.irqc.flavour = f;
  return c;
}

// Reads `n` rng buffers through the driver; checks the bytes and what each interrupt cost the ISR.
void rng_with(const std::string& scheme, uint32_t version = 2, msi_flavour f = msi_flavour::x86_lapic) {
  rng_params rp;
  rp.seed = 9;
  driver_platform<virtio_rng> top("top", config(scheme, version, f), rp);
  splitmix64 reference(9);
  const unsigned n = 20;
  vdrv::driver_stats stats;
  vdrv::irq_scheme active = vdrv::irq_scheme::legacy;
  bool done = false;
  top.cpu[0].run([&](vcpu& c) {
    guest g(c, top.irqc_layout(), 0x100000, 8 << 20);
    vdrv::rng_driver rng(g.io, top.cfg.mmio_base, g.ctx);
    BOOST_REQUIRE(rng.start(g.mem, top.options()) == vdrv::status::ok);
    active = rng.irq().active();
    auto* buf = static_cast<uint64_t*>(g.mem.alloc(64, 64));
    for (unsigned i = 0; i < n; ++i) {
      uint32_t got = 0;
      BOOST_REQUIRE_EQUAL(rng.read(buf, 64, got), vdrv::status::ok);
      BOOST_TEST(got == 64u);
      for (unsigned w = 0; w < 8; ++w) BOOST_TEST(buf[w] == reference());
    }
    stats = rng.stats();
    BOOST_TEST(g.ctx.unowned() == 0u);
    done = true;
    sc_core::sc_stop();
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));
  BOOST_REQUIRE(done);
  BOOST_TEST((active == scheme_named(scheme).driver_mode));
  BOOST_TEST(stats.interrupts == n);
  BOOST_TEST(stats.kick_to_irq.n == n);
  BOOST_TEST(stats.kick_to_irq.min >= 1000u);  // at least the rng's 1 us service time
  BOOST_TEST(stats.isr.n == n);
  // In the simulation the interrupt is always serviced before the buffer is found: no trailing interrupt to
  // wait for, none missed or spurious (the round trip is exactly the cost sum, docs/latency-model.md).
  BOOST_TEST(stats.trailing == 0u);
  BOOST_TEST(stats.missed == 0u);
  BOOST_TEST(stats.spurious == 0u);
  // Per interrupt: the scheme's device accesses, plus the controller's acknowledge and EOI.
  const auto& p = profile_of(scheme);
  BOOST_TEST(stats.isr_reads == n * (p.device_reads + p.irqc_reads));
  BOOST_TEST(stats.isr_writes == n * (p.device_writes + p.irqc_writes));
}
}  // namespace

BOOST_AUTO_TEST_CASE(driver_rng_legacy_wired) { rng_with("legacy-wired"); }
BOOST_AUTO_TEST_CASE(driver_rng_legacy_wired_transport_v1) { rng_with("legacy-wired", 1); }
BOOST_AUTO_TEST_CASE(driver_rng_multi_irq) { rng_with("multi-irq"); }
BOOST_AUTO_TEST_CASE(driver_rng_multi_irq_irqfd) { rng_with("multi-irq-irqfd"); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v1) { rng_with("msi-v1"); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v1_kernel) { rng_with("msi-v1-kernel"); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v2_linux) { rng_with("msi-v2-linux"); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v2_as_posted) { rng_with("msi-v2-as-posted"); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v2) { rng_with("msi-v2"); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v2_arm) { rng_with("msi-v2", 2, msi_flavour::arm_gicv2m); }
BOOST_AUTO_TEST_CASE(driver_rng_msi_v2_pair) { rng_with("msi-v2-pair"); }
BOOST_AUTO_TEST_CASE(driver_rng_msix_reference) { rng_with("pci-msix-reference"); }

namespace {
// What a run of rng reads leaves behind, for comparing two platforms' runs.
struct rng_run {
  vdrv::driver_stats stats;
  uint64_t end_ns = 0, acknowledges = 0, eois = 0, spurious_eois = 0, bad_accesses = 0;
};

// Two platforms in one simulation, one taking IAR and EOIR by bus and one to its local controller
// (driver_platform::irq_interface): the same reads, latencies, access counts and simulated times.
void local_interface_matches_the_bus(const std::string& scheme) {
  rng_params rp;
  rp.seed = 5;
  driver_platform<virtio_rng> by_bus("by_bus", config(scheme), rp), local("local", config(scheme), rp);
  rng_run run[2];
  unsigned finished = 0;
  auto program = [&](driver_platform<virtio_rng>& top, bool direct, rng_run& out) {
    top.cpu[0].run([&top, direct, &out, &finished](vcpu& c) {
      guest g(c, top.irqc_layout(), 0x100000, 8 << 20, true,
              direct ? top.irq_interface(c.index()) : local_irq_interface{});
      vdrv::rng_driver rng(g.io, top.cfg.mmio_base, g.ctx);
      BOOST_REQUIRE(rng.start(g.mem, top.options()) == vdrv::status::ok);
      auto* buf = g.mem.alloc(64, 64);
      for (unsigned i = 0; i < 50; ++i) {
        uint32_t got = 0;
        BOOST_REQUIRE_EQUAL(rng.read(buf, 64, got), vdrv::status::ok);
      }
      out.stats = rng.stats();
      out.end_ns = g.io.now_ns();
      const auto& ic = top.irqc.stats();
      out.acknowledges = ic.acknowledges;
      out.eois = ic.eois;
      out.spurious_eois = ic.spurious_eois;
      out.bad_accesses = ic.bad_accesses;
      if (++finished == 2) sc_core::sc_stop();
    });
  };
  program(by_bus, false, run[0]);
  program(local, true, run[1]);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC));
  BOOST_REQUIRE(finished == 2u);
  const auto &a = run[0], &b = run[1];
  BOOST_TEST(a.stats.interrupts == 50u);
  BOOST_TEST(b.stats.interrupts == a.stats.interrupts);
  BOOST_TEST(b.stats.kicks == a.stats.kicks);
  BOOST_TEST(b.stats.kick_to_irq.sum == a.stats.kick_to_irq.sum);
  BOOST_TEST(b.stats.kick_to_irq.min == a.stats.kick_to_irq.min);
  BOOST_TEST(b.stats.kick_to_irq.max == a.stats.kick_to_irq.max);
  BOOST_TEST(b.stats.isr.sum == a.stats.isr.sum);
  BOOST_TEST(b.stats.isr_reads == a.stats.isr_reads);  // the driver still counts the IAR read and EOIR write
  BOOST_TEST(b.stats.isr_writes == a.stats.isr_writes);
  BOOST_TEST(b.end_ns == a.end_ns);
  BOOST_TEST(a.acknowledges == 50u);
  BOOST_TEST(b.acknowledges == a.acknowledges);
  BOOST_TEST(b.eois == a.eois);
  BOOST_TEST(a.spurious_eois + b.spurious_eois + a.bad_accesses + b.bad_accesses == 0u);
}
}  // namespace

BOOST_AUTO_TEST_CASE(driver_local_irq_interface_matches_the_bus_msi_v2) { local_interface_matches_the_bus("msi-v2"); }
BOOST_AUTO_TEST_CASE(driver_local_irq_interface_matches_the_bus_legacy_wired) {
  local_interface_matches_the_bus("legacy-wired");
}

// Only this vCPU's plain IAR read and EOIR write are calls: every other access to the controller, and a
// malformed one, gets the controller's bus answer (and warning).
BOOST_AUTO_TEST_CASE(driver_local_irq_interface_leaves_other_accesses_to_the_bus) {
  driver_platform<virtio_rng> top("top", config("msi-v2"), rng_params{});
  report_log log;
  bool done = false;
  top.cpu[0].run([&](vcpu& c) {
    vcpu_io io(c, top.irq_interface(0));
    vdrv::hal& h = io.counting();
    namespace ic = regmap::irqc;
    const uint64_t base = top.cfg.irqc_base;
    BOOST_TEST(h.read32(base + ic::cpu_reg(0, ic::iar)) == interrupt_controller::spurious);  // nothing pending
    BOOST_TEST(top.irqc.stats().spurious_acks == 1u);  // the call reached the controller
    BOOST_TEST(log.total() == 0u);
    BOOST_TEST(h.read32(base + ic::cpu_reg(0, ic::eoir)) == ~0u);  // EOIR is write-only: a bus error
    h.write32(base + ic::cpu_reg(0, ic::iar), 1);                   // IAR is read-only
    BOOST_TEST(h.read16(base + ic::cpu_reg(0, ic::iar)) == 0xffffu);  // registers are 32-bit
    BOOST_TEST(top.irqc.stats().bad_accesses == 3u);
    BOOST_TEST(log.count(ids::irqc_bad_access) == 3u);
    BOOST_TEST(top.irqc.stats().spurious_acks == 1u);  // none of them acknowledged anything
    BOOST_TEST(h.read32(base + ic::cpu_reg(1, ic::iar)) == interrupt_controller::spurious);  // vCPU 1's: by bus
    BOOST_TEST(top.irqc.stats().spurious_acks == 2u);
    h.write32(base + ic::cpu_reg(0, ic::eoir), 48);  // an EOI with nothing in service: the controller's warning
    BOOST_TEST(top.irqc.stats().spurious_eois == 1u);
    BOOST_TEST(log.count(ids::spurious_eoi) == 1u);
    BOOST_TEST(c.stats().bus_errors == 3u);
    done = true;
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_CASE(driver_falls_back_to_wired_irq_when_msi_is_refused) {
  driver_platform_config c = config("msi-v2");
  c.msi.vectors = 1;  // too few for the fixed mapping: ENABLE is refused
  driver_platform<virtio_rng> top("top", c, rng_params{});
  report_log log;
  bool done = false;
  top.cpu[0].run([&](vcpu& cpu) {
    guest g(cpu, top.irqc_layout(), 0x100000, 8 << 20);
    vdrv::rng_driver rng(g.io, top.cfg.mmio_base, g.ctx);
    BOOST_REQUIRE(rng.start(g.mem, top.options()) == vdrv::status::ok);
    BOOST_TEST((rng.irq().active() == vdrv::irq_scheme::legacy));
    auto* buf = g.mem.alloc(32, 32);
    uint32_t got = 0;
    BOOST_TEST(rng.read(buf, 32, got) == vdrv::status::ok);
    BOOST_TEST(rng.stats().interrupts == 1u);
    done = true;
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_CASE(driver_retargets_an_msi_vector_while_traffic_flows) {
  driver_platform<virtio_rng> top("top", config("msi-v2"), rng_params{});
  bool done = false, helper_stop = false;
  vdrv::rng_driver* shared = nullptr;
  vdrv::cpu_context* cpu1_ctx = nullptr;
  top.cpu[1].run([&](vcpu& c) {  // vCPU 1 only services interrupts routed to it
    guest g(c, top.irqc_layout(), 0x900000, 1 << 20);
    cpu1_ctx = &g.ctx;
    while (!shared) wait(sc_core::sc_time(1, sc_core::SC_US));
    g.ctx.attach(*shared);
    while (!helper_stop) {
      if (!g.ctx.service()) c.wait_for_interrupt();
      else top.cpu[0].wake_up(c.local_time());  // the waiter's reschedule IPI: a halted vCPU 0 polls nothing
    }
  });
  top.cpu[0].run([&](vcpu& c) {
    guest g(c, top.irqc_layout(), 0x100000, 8 << 20);
    vdrv::rng_driver rng(g.io, top.cfg.mmio_base, g.ctx);
    BOOST_REQUIRE(rng.start(g.mem, top.options()) == vdrv::status::ok);
    shared = &rng;
    auto* buf = g.mem.alloc(32, 32);
    uint32_t got = 0;
    BOOST_REQUIRE(rng.read(buf, 32, got) == vdrv::status::ok);
    BOOST_TEST(rng.irq().retarget(1, 1) == vdrv::status::ok);  // queue 0's vector -> vCPU 1
    for (int i = 0; i < 5; ++i) BOOST_REQUIRE(rng.read(buf, 32, got) == vdrv::status::ok);
    helper_stop = true;
    done = true;
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));
  BOOST_TEST(done);
  const uint32_t id = 48 + 1;
  BOOST_TEST(top.irqc.delivered(0, id) == 1u);
  BOOST_TEST(top.irqc.delivered(1, id) == 5u);
  (void)cpu1_ctx;
}

BOOST_AUTO_TEST_CASE(driver_blk_writes_and_reads_back_sectors) {
  driver_platform<virtio_blk> top("top", config("msi-v2"), blk_params{});
  bool done = false;
  top.cpu[0].run([&](vcpu& c) {
    guest g(c, top.irqc_layout(), 0x100000, 8 << 20);
    vdrv::blk_driver blk(g.io, top.cfg.mmio_base, g.ctx);
    BOOST_REQUIRE(blk.start(g.mem, top.options()) == vdrv::status::ok);
    BOOST_TEST(blk.capacity() == 2048u);
    char id[21];
    BOOST_TEST(blk.get_id(id) == vdrv::status::ok);
    BOOST_TEST(std::string(id) == "vmsim-blk");
    auto* out = static_cast<uint8_t*>(g.mem.alloc(4096, 512));
    auto* in = static_cast<uint8_t*>(g.mem.alloc(4096, 512));
    for (unsigned s = 0; s < 4; ++s) {
      for (unsigned i = 0; i < 4096; ++i) out[i] = static_cast<uint8_t>(i * 7 + s);
      BOOST_REQUIRE(blk.write(0, 100 + 8 * s, out, 8) == vdrv::status::ok);
    }
    for (unsigned s = 0; s < 4; ++s) {
      std::memset(in, 0, 4096);
      BOOST_REQUIRE(blk.read(0, 100 + 8 * s, in, 8) == vdrv::status::ok);
      bool same = true;
      for (unsigned i = 0; i < 4096; ++i) same &= in[i] == static_cast<uint8_t>(i * 7 + s);
      BOOST_TEST(same);
    }
    BOOST_TEST(blk.read(0, 2047, in, 8) == vdrv::status::io_error);  // beyond the image: the device says IOERR
    BOOST_TEST(blk.error() == vdrv::status::ok);                     // an I/O error does not fail the driver
    done = true;
  });
  report_log log;
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_MS));
  BOOST_TEST(done);
}

namespace {
// With status set (a VMM that relays queue interrupts), the first line's ISR acks VRING and services every
// queue, which lowers the other line: on one vCPU pair 1's line may never be taken. With irqfd (the RFC's
// vhost set-up) each line is pulsed on its own and pair 1's line is taken.
// ctrl_without_callback: the control queue has no callback, as in Linux's virtio-net (it is polled).
void net_on_two_pairs(const std::string& scheme, bool ctrl_without_callback = false, bool sharing = false) {
  net_params np;
  np.pairs = 2;
  np.response_bytes = 1024;
  driver_platform_config pc = config(scheme);
  pc.msi.sharing = sharing;
  driver_platform<virtio_net> top("top", pc, np);
  vdrv::irq_scheme active = vdrv::irq_scheme::legacy;
  bool done = false;
  unsigned got[2] = {};
  top.cpu[0].run([&](vcpu& c) {
    guest g(c, top.irqc_layout(), 0x100000, 16 << 20);
    vdrv::net_driver net(g.io, top.cfg.mmio_base, g.ctx);
    const uint8_t vector_cpu[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    vdrv::start_options o = top.options(vector_cpu);
    if (ctrl_without_callback) o.irq.no_callback = uint64_t{1} << 4;  // queues rx0 tx0 rx1 tx1 ctrl
    BOOST_REQUIRE(net.start(g.mem, o, 2) == vdrv::status::ok);
    active = net.irq().active();
    BOOST_REQUIRE(net.set_pairs(2) == vdrv::status::ok);
    for (unsigned pair = 0; pair < 2; ++pair)
      for (unsigned i = 0; i < 4; ++i) {
        auto* f = g.mem.alloc(2048, 64);
        BOOST_REQUIRE(net.post_rx(pair, f, 2048, f) == vdrv::status::ok);
      }
    for (unsigned pair = 0; pair < 2; ++pair)
      for (unsigned i = 0; i < 3; ++i) {
        auto* f = g.mem.alloc(128, 64);
        BOOST_REQUIRE(net.send(pair, f, 32, f) == vdrv::status::ok);
      }
    for (unsigned pair = 0; pair < 2; ++pair)
      for (unsigned i = 0; i < 3; ++i) {
        void* cookie;
        uint32_t len;
        BOOST_REQUIRE(net.wait(vdrv::net_driver::rx(pair), cookie, len) == vdrv::status::ok);
        BOOST_TEST(len == 12u + 1024);
        ++got[pair];
      }
    BOOST_TEST(net.stats().interrupts > 0u);
    done = true;
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_MS));
  BOOST_TEST(done);
  BOOST_TEST(got[0] == 3u);
  BOOST_TEST(got[1] == 3u);
  if (scheme_named(scheme).edge_lines) BOOST_TEST(top.irqc.delivered(0, 33) > 0u);  // pair 1's line (id 33)
  if (!scheme_named(scheme).msi) return;
  const auto& msi = dynamic_cast<const msi_scheme_base&>(top.transport.scheme());
  BOOST_TEST(msi.msi_enabled());  // no fallback to the wired line
  BOOST_TEST((active == (sharing ? vdrv::irq_scheme::msi_v2_shared : scheme_named(scheme).driver_mode)));
  if (ctrl_without_callback && !sharing) BOOST_TEST(!msi.vectors().configured(5));  // the control queue's vector
}
}  // namespace
// Linux's virtio-net gives its control queue no callback, hence no vector; ENABLE does not wait for it.
BOOST_AUTO_TEST_CASE(driver_net_msi_v2_linux_control_queue_without_a_vector) { net_on_two_pairs("msi-v2-linux", true); }
BOOST_AUTO_TEST_CASE(driver_net_msi_v2_control_queue_without_a_vector) { net_on_two_pairs("msi-v2", true); }
// A device that reports msi_sharing: the driver follows it (MAP_CONFIG, MAP_QUEUE onto vector 1).
BOOST_AUTO_TEST_CASE(driver_net_follows_a_sharing_msi_v2_linux_device) { net_on_two_pairs("msi-v2-linux", true, true); }
BOOST_AUTO_TEST_CASE(driver_net_follows_a_sharing_msi_v2_as_posted_device) { net_on_two_pairs("msi-v2-as-posted", false, true); }
BOOST_AUTO_TEST_CASE(driver_net_uses_several_queue_pairs) { net_on_two_pairs("multi-irq"); }
BOOST_AUTO_TEST_CASE(driver_net_uses_several_queue_pairs_irqfd) { net_on_two_pairs("multi-irq-irqfd"); }

// Linux sets up a device's interrupts in find_vqs, called from the driver's probe before virtio_device_ready
// sets DRIVER_OK (drivers/virtio/virtio.c virtio_dev_probe; the MSI patches program and enable MSI there):
// every access to the MSI block, the MSI-X table or the controller's routes comes before the Status write
// that sets DRIVER_OK.
namespace {
void interrupts_set_up_before_driver_ok(const std::string& scheme) {
  const scheme_desc& row = scheme_named(scheme);
  driver_platform_config c = config(row.name);
  driver_platform<virtio_rng> top("top", c, rng_params{});
  std::vector<tb::mmio_access> log;
  bool done = false;
  top.cpu[0].run([&](vcpu& cpu) {
    tb::vcpu_hal hal(cpu);
    tb::recording_hal rec(hal);
    vdrv::counting_hal io(rec);
    vdrv::irq_controller ic(io, top.irqc_layout());
    vdrv::cpu_context ctx(io, &ic, 0);
    vdrv::arena mem(cpu.ram() + 0x100000, cpu.to_bus(cpu.ram() + 0x100000), 8 << 20);
    vdrv::rng_driver rng(io, top.cfg.mmio_base, ctx);
    BOOST_TEST(rng.start(mem, top.options()) == vdrv::status::ok);
    BOOST_TEST((rng.irq().active() == row.driver_mode));
    log = rec.log;
    done = true;
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));
  BOOST_REQUIRE(done);
  const uint64_t dev = top.cfg.mmio_base, status = dev + regmap::offset_of(regmap::reg::status);
  size_t driver_ok = log.size(), last_irq_setup = 0, irq_setups = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    const auto& a = log[i];
    if (a.write && a.addr == status && (a.value & regmap::status::driver_ok) && driver_ok == log.size()) driver_ok = i;
    const bool msi_block = a.addr >= dev + c.msi.register_base && a.addr < dev + c.msi.register_base + 0x20;
    const bool msix_table = a.addr >= dev + c.msi.msix_table_base && a.addr < dev + c.transport.window_size;
    const bool irqc = a.addr >= c.irqc_base && a.addr < c.irqc_base + interrupt_controller::regs_size;
    if (a.write && (msi_block || msix_table || irqc)) last_irq_setup = i, ++irq_setups;
  }
  BOOST_REQUIRE(driver_ok < log.size());
  BOOST_TEST(irq_setups > 0u);
  BOOST_TEST(last_irq_setup < driver_ok);
}
}  // namespace
BOOST_AUTO_TEST_CASE(driver_sets_up_legacy_wired_before_driver_ok) { interrupts_set_up_before_driver_ok("legacy-wired"); }
BOOST_AUTO_TEST_CASE(driver_sets_up_multi_irq_before_driver_ok) { interrupts_set_up_before_driver_ok("multi-irq"); }
BOOST_AUTO_TEST_CASE(driver_sets_up_msi_v1_before_driver_ok) { interrupts_set_up_before_driver_ok("msi-v1"); }
BOOST_AUTO_TEST_CASE(driver_sets_up_msi_v2_before_driver_ok) { interrupts_set_up_before_driver_ok("msi-v2"); }
BOOST_AUTO_TEST_CASE(driver_sets_up_msi_v2_pair_before_driver_ok) { interrupts_set_up_before_driver_ok("msi-v2-pair"); }
BOOST_AUTO_TEST_CASE(driver_sets_up_msix_before_driver_ok) { interrupts_set_up_before_driver_ok("pci-msix-reference"); }

// ---- the ring's shortcuts (hal::program_order, hal::linear_bus) ------------------------------------------
namespace {
// Driver memory at a fixed offset from its bus addresses; counts the ring's calls. `fast`: it says so.
struct offset_hal final : vdrv::hal {
  static constexpr uint64_t offset = 0x7000;
  explicit offset_hal(bool fast) : fast_(fast) {}
  unsigned barriers = 0, translations = 0;
  uint8_t read8(uint64_t) override { return 0; }
  uint16_t read16(uint64_t) override { return 0; }
  uint32_t read32(uint64_t) override { return 0; }
  void write8(uint64_t, uint8_t) override {}
  void write16(uint64_t, uint16_t) override {}
  void write32(uint64_t, uint32_t) override {}
  void barrier() override { ++barriers; }
  void wait_for_interrupt() override {}
  bool interrupt_pending() override { return false; }
  uint64_t now_ns() override { return 0; }
  uint64_t to_bus(const void* p) override { return ++translations, reinterpret_cast<uintptr_t>(p) + offset; }
  void* from_bus(uint64_t a) override { return reinterpret_cast<void*>(a - offset); }
  bool program_order() override { return fast_; }
  bool linear_bus(uint64_t& o) override { return fast_ && (o = offset, true); }

 private:
  bool fast_;
};

// Posts a direct chain of `a` and an indirect chain of `b`, `c` on a ring over `h`: answers the buffer
// addresses the device finds (descriptor 0; the indirect table's two entries, through descriptor 1).
struct posted {
  uint64_t direct, first, second;
};
posted post_two_chains(offset_hal& h, uint8_t* memory, size_t bytes, uint8_t* a, uint8_t* b, uint8_t* c) {
  namespace vr = vmsim::regmap::vring;
  vdrv::arena mem(memory, reinterpret_cast<uintptr_t>(memory) + offset_hal::offset, bytes);
  vdrv::virtqueue vq;
  BOOST_REQUIRE(vq.init(h, mem, 8, true, true, 0) == vdrv::status::ok);
  const vdrv::buffer one{a, 64, true}, two[2] = {{b, 16, false}, {c, 32, true}};
  BOOST_REQUIRE(vq.add(&one, 1, a) == vdrv::status::ok);
  BOOST_REQUIRE(vq.add(two, 2, b) == vdrv::status::ok);
  (void)vq.kick_needed();
  auto addr = [&](uint64_t table, unsigned i) {
    uint64_t v = 0;
    std::memcpy(&v, static_cast<uint8_t*>(h.from_bus(table)) + i * vr::desc_size + vr::desc_addr, 8);
    return v;
  };
  const uint64_t indirect = addr(vq.desc_addr(), 1);
  return {addr(vq.desc_addr(), 0), addr(indirect, 0), addr(indirect, 1)};
}
}  // namespace

BOOST_AUTO_TEST_CASE(driver_ring_translates_and_orders_as_its_hal_would) {
  alignas(4096) static uint8_t fast_memory[1 << 16], slow_memory[1 << 16], a[64], b[16], c[32];
  offset_hal fast(true), slow(false);
  const posted by_offset = post_two_chains(fast, fast_memory, sizeof fast_memory, a, b, c);
  const posted by_call = post_two_chains(slow, slow_memory, sizeof slow_memory, a, b, c);
  const uint64_t o = offset_hal::offset;
  for (const posted& p : {by_offset, by_call}) {  // each buffer at its bus address, whichever way it was found
    BOOST_TEST(p.direct == reinterpret_cast<uintptr_t>(a) + o);
    BOOST_TEST(p.first == reinterpret_cast<uintptr_t>(b) + o);
    BOOST_TEST(p.second == reinterpret_cast<uintptr_t>(c) + o);
  }
  BOOST_TEST(slow.translations >= 4u);  // the rings, the buffers and the indirect table went through to_bus...
  BOOST_TEST(fast.translations == 0u);  // ...or the offset served
  BOOST_TEST(slow.barriers >= 2u);      // the ring's barriers were made...
  BOOST_TEST(fast.barriers == 0u);      // ...and skipped where the HAL keeps program order
}
