// vmsim: runs a virtio-mmio scenario and prints its statistics.
// For now the one scenario is: bring up a virtio-rng device through the transport (legacy or modern),
// read --requests buffers of random bytes, print the transport's statistics.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "device_platform.h"
#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"
#include "vmsim/common/report_ids.h"

using namespace vmsim;

namespace {
struct options {
  unsigned version = 2;
  unsigned requests = 64;
  unsigned buffer_bytes = 64;
  unsigned queue_size = 64;
  uint64_t seed = 1;
  double rng_latency_ns = 1000;
  std::string policy = "strict";
  std::string notify = "queue-notify";
  std::string decoder = "reference";
  double rtl_clock_mhz = 1000;
  std::string rtl_vcd;
};

int run(const options& opt) {
  tb::platform_config cfg;
  cfg.transport.version = opt.version;
  cfg.transport.policy = opt.policy == "strict" ? access_policy::strict : access_policy::permissive;
  rng_params rng;
  rng.seed = opt.seed;
  rng.per_request = sc_core::sc_time(opt.rng_latency_ns, sc_core::SC_NS);
  rng.queue_size = static_cast<uint16_t>(opt.queue_size);
  cfg.transport.notify.doorbells = opt.notify == "doorbell";
  tb::rng_platform top("top", cfg, rng);
  if (opt.decoder == "rtl") {
    if (!cfg.transport.notify.doorbells) {
      std::fprintf(stderr, "vmsim: --decoder rtl needs --notify doorbell\n");
      return 2;
    }
    top.transport.use_doorbell_decoder(std::make_unique<rtl_doorbell_decoder>(
        top.transport.doorbell_layout(), sc_core::sc_time(1000.0 / opt.rtl_clock_mhz, sc_core::SC_NS), opt.rtl_vcd));
  }

  int failures = 0;
  uint64_t bytes = 0;
  sc_core::sc_spawn([&] {
    auto& d = top.driver;
    namespace f = regmap::feature;
    if (!d.init(f::bit(f::version_1) | f::bit(f::ring_event_idx))) {
      std::fprintf(stderr, "vmsim: device probe or feature negotiation failed\n");
      ++failures;
      return;
    }
    const uint64_t ring = cfg.ram_base + 0x10000, buffers = cfg.ram_base + 0x100000;
    if (!d.setup_queue(0, static_cast<uint16_t>(opt.queue_size), ring)) {
      std::fprintf(stderr, "vmsim: queue setup refused\n");
      ++failures;
      return;
    }
    d.driver_ok();
    for (unsigned i = 0; i < opt.requests; ++i) {
      d.post(0, {{buffers + uint64_t{i % opt.queue_size} * opt.buffer_bytes, opt.buffer_bytes, true}});
      if (cfg.transport.notify.doorbells) {  // the doorbell of queue 0, from QueueNotify's {base, multiplier}
        const uint32_t layout = d.reg(regmap::reg::queue_notify);
        top.cpu.write(cfg.mmio_base + (layout & 0xffff), 4, 0);
      } else {
        d.kick(0);
      }
      if (!top.wait_irq()) {
        std::fprintf(stderr, "vmsim: no interrupt for request %u\n", i);
        ++failures;
        return;
      }
      top.isr();
      while (d.used_available(0)) bytes += d.reap(0).len;
    }
    sc_core::sc_stop();
  });
  sc_core::sc_start();
  std::printf("%s", top.transport.stats_table().c_str());
  std::printf("rng: %llu requests, %llu bytes; driver received %llu bytes; simulated time %s\n",
              static_cast<unsigned long long>(top.device.requests()), static_cast<unsigned long long>(top.device.bytes()),
              static_cast<unsigned long long>(bytes), sc_core::sc_time_stamp().to_string().c_str());
  return failures ? 1 : 0;
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  options opt;
  CLI::App app{"vmsim: SystemC/TLM-2.0 model of virtio-mmio with MSI.\n"
               "Default scenario: a virtio-rng device brought up through the transport, --requests reads."};
  app.add_option("--transport-version", opt.version, "virtio-mmio Version register: 1 legacy, 2 modern")
      ->check(CLI::IsMember({1u, 2u}))->capture_default_str();
  app.add_option("--requests", opt.requests, "number of rng requests")->check(CLI::Range(1u, 10000000u))->capture_default_str();
  app.add_option("--buffer-bytes", opt.buffer_bytes, "bytes per request")->check(CLI::Range(1u, 65536u))->capture_default_str();
  app.add_option("--queue-size", opt.queue_size, "virtqueue size (power of two)")
      ->check(CLI::IsMember({1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u}))->capture_default_str();
  app.add_option("--seed", opt.seed, "rng back-end seed")->capture_default_str();
  app.add_option("--rng-latency-ns", opt.rng_latency_ns, "rng service latency per request (ns)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  app.add_option("--policy", opt.policy, "answer to bus-level guest errors")
      ->check(CLI::IsMember({"strict", "permissive"}))->capture_default_str();
  app.add_option("--notify", opt.notify, "how the driver kicks: the QueueNotify register or per-queue doorbells")
      ->check(CLI::IsMember({"queue-notify", "doorbell"}))->capture_default_str();
  app.add_option("--decoder", opt.decoder, "doorbell decoder: the C++ reference or the Verilated RTL")
      ->check(CLI::IsMember({"reference", "rtl"}))->capture_default_str();
  app.add_option("--rtl-clock-mhz", opt.rtl_clock_mhz, "RTL decoder clock (its latency is cycles / clock)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--rtl-vcd", opt.rtl_vcd, "write the RTL decoder's signals to this VCD file (GTKWave)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);  // "stopped by user" etc.
  return run(opt);
}

// Our own main (it takes precedence over libsystemc's) so the banner is off before the kernel starts.
int main(int argc, char* argv[]) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
