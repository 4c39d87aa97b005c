// Helpers for SystemC-level tests: run a test body as an SC_THREAD and check that it finished.
#pragma once

#include <boost/test/unit_test.hpp>

#include <systemc>

#include "device_platform.h"
#include "loopback_device.h"
#include "report_log.h"
#include "vmsim/common/report_ids.h"

namespace vmsim::tb {

template <class Body>
void run_thread(Body body, sc_core::sc_time limit = sc_core::sc_time(1, sc_core::SC_SEC)) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  bool done = false;
  sc_core::sc_spawn([&] {
    body();
    done = true;
    sc_core::sc_stop();
  });
  sc_core::sc_start(limit);
  BOOST_TEST(done, "the test thread did not finish");
}

using loopback_platform = device_platform<loopback_device>;

inline platform_config config_for(uint32_t version, access_policy policy = access_policy::strict) {
  platform_config c;
  c.transport.version = version;
  c.transport.policy = policy;
  return c;
}

namespace feat = regmap::feature;
inline constexpr uint64_t all_features = ~uint64_t{0};

// Guest address of queue q's ring in the standard test layout.
template <class Platform>
uint64_t ring_addr(const Platform& p, unsigned q) { return p.cfg.ram_base + 0x10000 + 0x1000 * q; }

// The usual start: negotiate `features`, set up queues 0..queues-1 (8 entries each), DRIVER_OK.
// Call with BOOST_REQUIRE; false if any step was refused.
template <class Platform>
bool start_device(Platform& p, unsigned queues, uint64_t features = all_features) {
  if (!p.driver.init(features)) return false;
  for (unsigned q = 0; q < queues; ++q)
    if (!p.driver.setup_queue(q, 8, ring_addr(p, q))) return false;
  p.driver.driver_ok();
  return true;
}

}  // namespace vmsim::tb
