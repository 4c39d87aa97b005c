// A copyable sc_main: a micro-VM built from the installed vmsim package alone, a small guest program on it,
// and what it measured. Copy this folder and change the three marked places:
//   (1) the platform: vCPUs, devices (net, blk, rng), each one's interrupt scheme, lines and addresses;
//   (2) the guest program: what the vCPU does with the drivers (vdrv, the bare-metal driver of sw/);
//   (3) what is printed.
//
//   platform_example [scheme] [profile] [requests]     e.g.  platform_example msi-v2 arm64-kvm 500
//
// Schemes: legacy-wired, multi-irq, msi-v1, msi-v2, msi-v2-pair, pci-msix-reference, ... (the scheme table,
// vmsim/irq/scheme_table.h); profiles: the cost profiles installed with the package (x86-kvm, arm64-kvm).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <systemc>

#include "vdrv/drivers.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/irq/scheme_table.h"
#include "vmsim/platform/platform.h"

namespace {

// The driver's hardware access layer on a simulated vCPU: every MMIO access goes through the hypervisor.
class vcpu_hal final : public vdrv::hal {
 public:
  explicit vcpu_hal(vmsim::vcpu& c) : c_(c) {}
  uint8_t read8(uint64_t a) override { return c_.read8(a); }
  uint16_t read16(uint64_t a) override { return c_.read16(a); }
  uint32_t read32(uint64_t a) override { return c_.read32(a); }
  void write8(uint64_t a, uint8_t v) override { c_.write8(a, v); }
  void write16(uint64_t a, uint16_t v) override { c_.write16(a, v); }
  void write32(uint64_t a, uint32_t v) override { c_.write32(a, v); }
  void barrier() override { c_.barrier(); }
  void wait_for_interrupt() override { c_.wait_for_interrupt(); }
  void wait_for_interrupt_until(uint64_t deadline_ns) override { c_.wait_for_interrupt(deadline_ns); }
  bool interrupt_pending() override { return c_.interrupt_pending(); }
  uint64_t now_ns() override { return c_.now_ns(); }
  uint64_t to_bus(const void* p) override { return c_.to_bus(p); }
  void* from_bus(uint64_t a) override { return c_.from_bus(a); }

 private:
  vmsim::vcpu& c_;
};

// What a device tree tells the guest about device i: its scheme, first line and first MSI id.
vdrv::start_options options_for(const vmsim::platform& vm, size_t i) {
  const vmsim::device_plan& d = vm.plan().devices[i];
  vdrv::start_options o;
  o.irq.scheme = d.scheme->driver_mode;
  o.irq.lines = d.transport.irq_lines;
  o.irq.first_line = *d.spec.line;
  o.irq.first_msi_id = d.first_msi_id;
  o.irq.msi_regs = d.msi.register_base;
  o.irq.msix_table = d.msi.msix_table_base;
  o.doorbells = d.transport.notify.doorbells;
  o.window = d.transport.window_size;
  o.allow_v3 = o.irq.scheme == vdrv::irq_scheme::msi_v1 || o.irq.scheme == vdrv::irq_scheme::msi_v1_kernel;
  return o;
}

struct figure {
  const char* what;
  uint64_t n = 0, ns = 0;
  vdrv::driver_stats driver;
};

}  // namespace

int sc_main(int argc, char** argv) {
  const std::string scheme = argc > 1 ? argv[1] : "msi-v2";
  const std::string profile_name = argc > 2 ? argv[2] : "x86-kvm";
  const unsigned requests = argc > 3 ? static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)) : 200;
  const auto profiles = vmsim::load_cost_profiles(VMSIM_PROFILES);
  const vmsim::cost_profile& profile = vmsim::find_profile(profiles, profile_name);

  // (1) The platform: one vCPU, a device of each kind with the chosen scheme; windows (0x0a000000 up) and
  // lines (0 up) allocated as a VMM does. plan_platform / the constructor reject a bad one naming the field.
  vmsim::platform_config config;
  config.vcpus = 1;
  for (vmsim::device_type t : {vmsim::device_type::net, vmsim::device_type::blk, vmsim::device_type::rng}) {
    vmsim::platform_device d;
    d.type = t;
    d.scheme = scheme;
    config.devices.push_back(d);
  }
  std::unique_ptr<vmsim::platform> vm;
  try {
    vm = std::make_unique<vmsim::platform>("vm", config, profile);
  } catch (const vmsim::platform_error& e) {
    std::fprintf(stderr, "platform_example: %s\n", e.what());
    return 2;
  }

  // (2) The guest program on vCPU 0: start the three drivers, then time `requests` operations on each.
  figure net{"net echo (32 B)"}, blk{"blk read (4 KiB)"}, rng{"rng read (64 B)"};
  std::string failure;
  vm->cpu[0].run([&](vmsim::vcpu& c) {
    vcpu_hal raw(c);
    vdrv::counting_hal io(raw);
    const vmsim::platform_plan& plan = vm->plan();
    vdrv::irq_controller ic(io, {vm->config().irqc_base, plan.msi_frame_base,
                                 plan.irqc.flavour == vmsim::msi_flavour::arm_gicv2m, plan.irqc.wired_base_id});
    vdrv::cpu_context ctx(io, &ic, 0);
    vdrv::arena mem(c.ram() + (1 << 20), c.to_bus(c.ram() + (1 << 20)), 4 << 20);  // the drivers' DMA memory
    vdrv::net_driver nd(io, *plan.devices[0].spec.base, ctx);
    vdrv::blk_driver bd(io, *plan.devices[1].spec.base, ctx);
    vdrv::rng_driver rd(io, *plan.devices[2].spec.base, ctx);
    if (nd.start(mem, options_for(*vm, 0), 1) != vdrv::status::ok || bd.start(mem, options_for(*vm, 1)) != vdrv::status::ok ||
        rd.start(mem, options_for(*vm, 2)) != vdrv::status::ok) {
      failure = "a driver did not start";
      return sc_core::sc_stop();
    }
    auto* frame = static_cast<uint8_t*>(mem.alloc(2048, 64));
    auto* rx = static_cast<uint8_t*>(mem.alloc(2048, 64));
    auto* block = mem.alloc(4096, 4096);
    auto* bytes = mem.alloc(64, 64);
    auto timed = [&](figure& f, auto op) {
      for (unsigned i = 0; i < requests && failure.empty(); ++i) {
        const uint64_t t0 = c.now_ns();
        if (!op(i)) failure = std::string(f.what) + " failed";
        f.ns += c.now_ns() - t0;
        ++f.n;
      }
    };
    timed(net, [&](unsigned) {
      void* cookie = nullptr;
      uint32_t len = 0;
      return nd.post_rx(0, rx, 2048, rx) == vdrv::status::ok && nd.send(0, frame, 32, frame) == vdrv::status::ok &&
             nd.wait(vdrv::net_driver::rx(0), cookie, len) == vdrv::status::ok &&  // the echo
             nd.wait(vdrv::net_driver::tx(0), cookie, len) == vdrv::status::ok;    // the frame is ours again
    });
    timed(blk, [&](unsigned i) { return bd.read(0, (i * 8) % 2048, block, 8) == vdrv::status::ok; });
    timed(rng, [&](unsigned) {
      uint32_t got = 0;
      return rd.read(bytes, 64, got) == vdrv::status::ok && got == 64;
    });
    net.driver = nd.stats();
    blk.driver = bd.stats();
    rng.driver = rd.stats();
    sc_core::sc_stop();
  });
  sc_core::sc_start();

  // (3) What it measured.
  if (!failure.empty()) {
    std::fprintf(stderr, "platform_example: %s\n", failure.c_str());
    return 1;
  }
  std::printf("platform: %zu devices, scheme %s, profile %s, controller of %u lines\n", vm->device_count(), scheme.c_str(),
              profile_name.c_str(), vm->plan().irqc.wired_lines);
  for (size_t i = 0; i < vm->device_count(); ++i) {
    const auto& d = vm->plan().devices[i];
    std::printf("  %-5s at %#llx, line %u", d.spec.name.c_str(), static_cast<unsigned long long>(*d.spec.base), *d.spec.line);
    if (d.scheme->msi) std::printf(", MSI ids %u..%u", d.first_msi_id, d.first_msi_id + d.vectors - 1);
    std::printf("\n");
  }
  for (const figure* f : {&net, &blk, &rng})
    std::printf("%-18s %u x, mean %.0f ns, %llu interrupts, %.1f MMIO reads per ISR\n", f->what, static_cast<unsigned>(f->n),
                f->n ? double(f->ns) / double(f->n) : 0.0, static_cast<unsigned long long>(f->driver.interrupts),
                f->driver.interrupts ? double(f->driver.isr_reads) / double(f->driver.interrupts) : 0.0);
  std::printf("hypervisor: %llu exits in %.0f us simulated\n", static_cast<unsigned long long>(vm->hyp.total_exits()),
              sc_core::sc_time_stamp().to_seconds() * 1e6);
  return 0;
}
