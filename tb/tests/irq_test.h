// Shared set-up for interrupt-fabric tests.
#pragma once

#include "irq_platform.h"
#include "sim_test.h"

namespace vmsim::tb {

inline irq_platform_config irq_config(const std::string& scheme, msi_flavour flavour = msi_flavour::x86_lapic) {
  irq_platform_config c;
  c.scheme = scheme;
  c.irqc.cpus = 2;
  c.irqc.flavour = flavour;
  c.transport.irq_lines = scheme_named(scheme).multi_line ? 2 : 1;
  return c;
}

inline bool is_msi(const std::string& scheme) { return scheme_named(scheme).msi; }
inline bool multi_line(const std::string& scheme) { return scheme_named(scheme).multi_line; }

// Brings the loopback device up with both queues; queue q's interrupts go to vCPU q (config to vCPU 0).
inline void bring_up(irq_platform& p) {
  BOOST_REQUIRE(start_device(p, 2));
  if (is_msi(p.cfg.scheme)) {
    p.program_msi({{0, 0}, {1, 0}, {2, 1}});
  } else if (multi_line(p.cfg.scheme)) {
    p.route_line(0, 0);
    p.route_line(1, 1);
  } else {
    p.route_line(0, 1);  // the single line goes where queue 1's work is
  }
}

// The id queue q's interrupt arrives as.
inline uint32_t queue_id(const irq_platform& p, unsigned q) {
  if (is_msi(p.cfg.scheme)) return p.msi_id(q + 1);
  return p.wired_id(multi_line(p.cfg.scheme) ? q : 0);
}

inline void post_and_kick(irq_platform& p, unsigned q) {
  const uint64_t buf = p.cfg.ram_base + 0x20000 + 0x1000 * q;
  p.driver.post(q, {{buf, 4, false}, {buf + 0x100, 4, true}});
  p.driver.kick(q);
}

}  // namespace vmsim::tb
