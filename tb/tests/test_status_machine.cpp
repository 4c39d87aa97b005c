// The Status state machine is a table; walk it.
#include <boost/test/unit_test.hpp>

#include "vmsim/transport/status_machine.h"

using namespace vmsim;
namespace st = vmsim::regmap::status;

BOOST_AUTO_TEST_CASE(every_table_step_is_legal_in_its_versions) {
  for (const auto& s : legal_status_steps) {
    for (uint32_t version : {1u, 2u}) {
      bool in = s.versions & (version == 1 ? regmap::in_v1 : regmap::in_v2);
      BOOST_TEST_CONTEXT("from " << int(s.from) << " to " << int(s.to) << " v" << version) {
        BOOST_TEST((check_status_write(s.from, s.to, version) == status_verdict::legal) == in);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(illegal_status_step_is_refused) {
  BOOST_TEST((check_status_write(0, st::driver_ok, 2) == status_verdict::illegal));
  BOOST_TEST((check_status_write(0, s_drv, 2) == status_verdict::illegal));          // skips ACKNOWLEDGE
  BOOST_TEST((check_status_write(s_ack, s_feat, 2) == status_verdict::illegal));     // skips DRIVER
  BOOST_TEST((check_status_write(s_drv, s_live_legacy, 2) == status_verdict::illegal));  // modern needs FEATURES_OK
  BOOST_TEST((check_status_write(s_live, s_feat, 2) == status_verdict::illegal));    // clearing DRIVER_OK
  BOOST_TEST((check_status_write(s_feat, s_ack, 1) == status_verdict::illegal));
}

BOOST_AUTO_TEST_CASE(reset_failed_and_rewrites_are_always_allowed) {
  for (uint8_t from : {uint8_t{0}, s_ack, s_drv, s_feat, s_live}) {
    BOOST_TEST((check_status_write(from, 0, 2) == status_verdict::reset));
    BOOST_TEST((check_status_write(from, static_cast<uint8_t>(from | st::failed), 2) == status_verdict::legal));
    if (from) BOOST_TEST((check_status_write(from, from, 2) == status_verdict::no_change));
  }
  // DEVICE_NEEDS_RESET is the device's bit: a driver echoing it back is not a step.
  BOOST_TEST((check_status_write(s_live | st::device_needs_reset, s_live | st::device_needs_reset, 2) ==
              status_verdict::no_change));
}

BOOST_AUTO_TEST_CASE(only_table_steps_lead_anywhere) {
  // Exhaustively: any legal non-trivial step from a reachable state is in the table or adds FAILED.
  for (uint8_t from : {uint8_t{0}, s_ack, s_drv, s_feat, s_live, s_live_legacy})
    for (unsigned to = 1; to < 256; ++to)
      for (uint32_t version : {1u, 2u}) {
        if (check_status_write(from, static_cast<uint8_t>(to), version) != status_verdict::legal) continue;
        const unsigned step = to & ~st::device_needs_reset;  // the device's bit is ignored in writes
        bool in_table = false;
        for (const auto& s : legal_status_steps) in_table |= s.from == from && s.to == step;
        BOOST_TEST_CONTEXT("from " << int(from) << " to " << to) {
          BOOST_TEST((in_table || step == unsigned(from | st::failed)));
        }
      }
}
