// vmsim_soak: the soak of docs/soak.md. Exit 0 if every check held; 1 with the seed and the command that
// reproduces the failure otherwise; 2 for a bad option.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "report_log.h"
#include "soak.h"
#include "vmsim/irq/scheme_factory.h"

namespace {
// The schemes the soak drives: every one but those with pulsed (irqfd) lines, which its platform does not wire,
// and the MSI variant whose set-up it does not program (msi-v1-kernel).
std::vector<std::string> soak_schemes() {
  std::vector<std::string> names;
  for (const auto& s : vmsim::interrupt_schemes)
    if (!s.edge_lines && s.driver_mode != vmsim::irq_mode::msi_v1_kernel)
      names.emplace_back(s.name);
  return names;
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  using namespace vmsim;
  tb::soak_options o;
  std::string flavour = "x86";
  CLI::App app{"vmsim soak: a seeded random mix of legal guest operations on several vCPUs, with invariants"};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a later value overrides (run-long.sh)
  app.add_option("--seed", o.seed, "random seed (printed on failure)");
  app.add_option("--ops", o.ops, "operations to run")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--scheme", o.scheme, "interrupt scheme of the device model")
      ->check(CLI::IsMember(soak_schemes()));
  app.add_option("--msi-frame", flavour, "interrupt controller's MSI frame")->check(CLI::IsMember({"x86", "arm"}));
  app.add_option("--cpus", o.cpus, "vCPUs")->check(CLI::Range(1u, 8u));
  app.add_option("--checkpoint-every", o.checkpoint_every, "operations between checkpoints")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--warmup-ops", o.warmup_ops, "operations before the memory baseline (0: a tenth of --ops)");
  app.add_option("--rss-slack-kib", o.rss_slack_kib, "allowed RSS growth after warm-up, KiB");
  app.add_flag("--verbose", o.verbose, "print every checkpoint");
  bool msi_sharing = false;
  app.add_flag("--msi-sharing", msi_sharing, "MSI v2: the device reports sharing mode (MsiState msi_sharing)");
  std::string inject = "none";
  uint64_t inject_every = 1000;
  app.add_option("--inject", inject, "self-test: lose or duplicate every --inject-every-th MSI message (the soak must fail)")
      ->check(CLI::IsMember({"none", "lost-msi", "duplicate-msi"}));
  app.add_option("--inject-every", inject_every, "see --inject")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  o.arm = flavour == "arm";

  tb::report_log log;  // counts the model's warnings; a legal mix must raise none
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  tb::system_config c;
  c.scheme = o.scheme;
  c.irqc.cpus = o.cpus;
  c.irqc.flavour = o.arm ? msi_flavour::arm_gicv2m : msi_flavour::x86_lapic;
  if (scheme_named(o.scheme).multi_line) c.transport.irq_lines = 2;
  c.msi.sharing = msi_sharing;
  tb::soak_platform platform("soak", c.resolved());  // the scheme row's implications (msi-v2-as-posted)
  tb::soak s(platform, o);
  s.warnings = [&log] { return log.total(); };
  if (inject != "none")
    platform.monitor.inject(inject == "lost-msi" ? tb::irqc_monitor::fault::lost : tb::irqc_monitor::fault::duplicate,
                            inject_every);

  const std::string command =
      fmt::format("vmsim_soak --seed {} --ops {} --scheme {} --msi-frame {} --cpus {} --checkpoint-every {}{}{}{}{}", o.seed,
                  o.ops, o.scheme, flavour, o.cpus, o.checkpoint_every, msi_sharing ? " --msi-sharing" : "",
                  o.warmup_ops ? fmt::format(" --warmup-ops {}", o.warmup_ops) : "",
                  o.rss_slack_kib != tb::soak_options{}.rss_slack_kib ? fmt::format(" --rss-slack-kib {}", o.rss_slack_kib) : "",
                  inject != "none" ? fmt::format(" --inject {} --inject-every {}", inject, inject_every) : "");
  fmt::print("{}\n", command);
  std::fflush(stdout);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("{}  wall {:.1f} s ({:.0f} ops/s)\n", s.summary(), wall, s.ops_done / wall);
  if (s.passed() && s.ops_done != o.ops) s.note_failure("the simulation ended before the last operation");
  if (!s.passed()) {
    fmt::print("SOAK FAILED (seed {}): {}\n  reproduce: {}\n", o.seed, s.failure(), command);
    return 1;
  }
  fmt::print("SOAK PASSED\n");
  return 0;
}
