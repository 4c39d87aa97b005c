// The platform builder (models/platform): the wire-OR of a shared line, the plan's allocation and checks,
// and the guest's shared ISR (cpu_context::service) on devices that share one wired line.
#include <memory>
#include <string>
#include <vector>

#include "platform_guest.h"
#include "sim_test.h"
#include "vcpu_hal.h"
#include "vmsim/common/irq_wire.h"
#include "vmsim/platform/platform.h"
#include "vmsim/platform/wired_or.h"

using namespace vmsim;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {
struct sources : sc_core::sc_module {
  irq_out a{"a"}, b{"b"};
  explicit sources(sc_core::sc_module_name n) : sc_module(n) {}
};

const cost_profile& x86() {
  static const auto all = load_cost_profiles(VMSIM_PROFILES);
  return find_profile(all, "x86-kvm");
}

vmsim::platform_config rng_devices(unsigned n, bool shared) {
  vmsim::platform_config c;
  for (unsigned i = 0; i < n; ++i) {
    platform_device d;
    d.type = device_type::rng;
    d.share_line = shared;
    if (shared) d.line = 0;
    c.devices.push_back(d);
  }
  return c;
}

// The field a rejected configuration names (the text before the first ':').
std::string rejected_field(const vmsim::platform_config& c) {
  try {
    plan_platform(c, x86());
  } catch (const platform_error& e) {
    const std::string w = e.what();
    return w.substr(0, w.find(':'));
  }
  return "accepted";
}
}  // namespace

BOOST_AUTO_TEST_CASE(wired_or_is_high_while_any_sharer_is_high) {
  sources src("src");
  wired_or w("w", 2);
  irq_probe probe("probe");
  src.a.bind(w.in[0]);
  src.b.bind(w.in[1]);
  w.out.bind(probe.in);
  tb::run_thread([&] {
    src.a.write(true);
    BOOST_TEST(probe.read());
    src.b.write(true);  // already high: no second rise
    src.a.write(false);
    BOOST_TEST(probe.read(), "b still holds the line");
    src.a.write(false);  // a repeated level changes nothing
    BOOST_TEST(probe.read());
    src.b.write(false);
    BOOST_TEST(!probe.read(), "the last sharer lowered it");
    src.b.write(true);
    BOOST_TEST(probe.read());
    BOOST_TEST(probe.rises() == 2u);
  });
}

BOOST_AUTO_TEST_CASE(plan_allocates_windows_and_lines_as_a_vmm) {
  vmsim::platform_config c = rng_devices(3, false);
  c.devices[1].base = 0x0a000000;  // given: the others go around it
  c.devices[2].line = 0;           // given: the others take the next free lines
  const platform_plan p = plan_platform(c, x86());
  BOOST_TEST(*p.devices[0].spec.base == 0x0a001000u);
  BOOST_TEST(*p.devices[1].spec.base == 0x0a000000u);
  BOOST_TEST(*p.devices[2].spec.base == 0x0a002000u);
  BOOST_TEST(*p.devices[2].spec.line == 0u);
  BOOST_TEST(*p.devices[0].spec.line == 1u);
  BOOST_TEST(*p.devices[1].spec.line == 2u);
  BOOST_TEST(p.devices[0].spec.name == "rng0");
  BOOST_TEST(p.irqc.wired_lines == 16u);  // at least the controller's default
  // 40 lines: the controller grows, and MSI ids start above the wired ones.
  const platform_plan big = plan_platform(rng_devices(40, false), x86());
  BOOST_TEST(big.irqc.wired_lines == 40u);
  BOOST_TEST(big.irqc.msi_vector_min == big.irqc.wired_base_id + 40);
}

BOOST_AUTO_TEST_CASE(plan_rejections_name_the_field) {
  vmsim::platform_config c = rng_devices(2, false);
  c.devices[0].base = c.devices[1].base = 0x0b000000;
  BOOST_TEST(rejected_field(c) == "devices[1].base");
  c = rng_devices(2, true);
  c.devices[1].share_line = false;
  BOOST_TEST(rejected_field(c) == "devices[1].line");
  c = rng_devices(2, false);
  c.devices[1].scheme = "msi-v2";
  c.devices[1].transport_version = 1;
  BOOST_TEST(rejected_field(c) == "devices[1].scheme");
  c = rng_devices(2, false);
  c.wired_lines = 1;  // a controller of one line: the second device has none
  BOOST_TEST(rejected_field(c) == "devices[1].line");
  BOOST_TEST(rejected_field(rng_devices(65, false)) == "devices");
  c = rng_devices(1, false);
  c.vcpus = 33;
  BOOST_TEST(rejected_field(c) == "vcpus");
  c = rng_devices(1, false);
  c.devices[0].base = 0x40000000;  // inside the RAM
  BOOST_TEST(rejected_field(c) == "devices[0].base");
  BOOST_TEST(rejected_field(rng_devices(64, true)) == "accepted");
}

namespace {
// Three rng devices; vCPU 0 starts a driver for each and reads from the middle one, taking its interrupts.
struct shared_run {
  std::vector<vdrv::driver_stats> stats;
  vdrv::cpu_context::shared_counters shared;
  uint64_t unowned = 0;
  bool read_ok = false;
};

shared_run run_three_rngs(bool shared) {
  shared_run r;
  vmsim::platform vm("vm", rng_devices(3, shared), x86());
  vm.cpu[0].run([&](vcpu& c) {
    tb::vcpu_io io(c);
    vdrv::irq_controller ic(io, tb::guest_irqc_layout(vm));
    vdrv::cpu_context ctx(io, &ic, 0);
    vdrv::arena mem(c.ram() + (1 << 20), c.to_bus(c.ram() + (1 << 20)), 1 << 20);
    std::vector<std::unique_ptr<vdrv::rng_driver>> rng;
    for (size_t i = 0; i < 3; ++i) {
      rng.push_back(std::make_unique<vdrv::rng_driver>(io, *vm.plan().devices[i].spec.base, ctx));
      BOOST_REQUIRE(rng.back()->start(mem, tb::guest_options(vm, i)) == vdrv::status::ok);
    }
    void* buf = mem.alloc(64, 64);
    uint32_t got = 0;
    r.read_ok = true;
    for (int k = 0; k < 10; ++k) r.read_ok = r.read_ok && rng[1]->read(buf, 64, got) == vdrv::status::ok && got == 64;
    for (auto& d : rng) r.stats.push_back(d->stats());
    r.shared = ctx.shared();
    r.unowned = ctx.unowned();
    sc_core::sc_stop();
  });
  sc_core::sc_start();
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(shared_isr_runs_every_sharer_and_counts_their_reads) {
  const shared_run r = run_three_rngs(true);
  BOOST_TEST(r.read_ok);
  BOOST_TEST(r.stats[1].interrupts - r.stats[1].shared_none >= 10u, "the reading device's interrupts are its own");
  BOOST_TEST(r.stats[1].shared_none == 0u);
  // Every interrupt on the line ran the two idle sharers' ISRs: one InterruptStatus read each (legacy ISR).
  BOOST_TEST(r.shared.interrupts >= 10u);
  BOOST_TEST(r.stats[0].shared_none == r.shared.interrupts);
  BOOST_TEST(r.stats[2].shared_none == r.shared.interrupts);
  BOOST_TEST(r.shared.idle_calls == 2 * r.shared.interrupts);
  BOOST_TEST(r.shared.idle_reads == 2 * r.shared.interrupts);
  BOOST_TEST(r.shared.unclaimed == 0u);
  BOOST_TEST(r.stats[0].spurious == 0u, "another sharer's interrupt is not spurious");
  BOOST_TEST(r.unowned == 0u);
}

BOOST_AUTO_TEST_CASE(devices_on_their_own_lines_share_nothing) {
  const shared_run r = run_three_rngs(false);
  BOOST_TEST(r.read_ok);
  BOOST_TEST(r.stats[1].interrupts >= 10u);
  BOOST_TEST(r.stats[0].interrupts == 0u);
  BOOST_TEST(r.stats[2].interrupts == 0u);
  BOOST_TEST(r.shared.interrupts == 0u);
  BOOST_TEST(r.shared.idle_reads == 0u);
}
