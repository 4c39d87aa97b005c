// Config-space access-width rules (virtio spec 4.2.2.2).
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "vmsim/transport/config_space.h"

using namespace vmsim;
using check = config_space::check;

namespace {
config_space make() {
  return config_space(24, {{"u8", 0, 1, false}, {"u16", 2, 2, false}, {"u32", 4, 4, true}, {"u64", 8, 8, false}});
}
check classify(const config_space& c, uint16_t off, unsigned w, bool wr = false, bool legacy = false) {
  const config_space::field* f;
  return c.classify(off, w, wr, legacy, &f);
}
}  // namespace

BOOST_AUTO_TEST_CASE(fields_take_their_own_width) {
  auto c = make();
  BOOST_TEST((classify(c, 0, 1) == check::ok));
  BOOST_TEST((classify(c, 2, 2) == check::ok));
  BOOST_TEST((classify(c, 4, 4) == check::ok));
  BOOST_TEST((classify(c, 8, 4) == check::ok));   // 64-bit field: two 32-bit halves
  BOOST_TEST((classify(c, 12, 4) == check::ok));
}

BOOST_AUTO_TEST_CASE(config_access_of_wrong_width_is_refused) {
  auto c = make();
  BOOST_TEST((classify(c, 2, 1) == check::bad_width));
  BOOST_TEST((classify(c, 4, 2) == check::bad_width));
  BOOST_TEST((classify(c, 5, 1) == check::bad_width));
  BOOST_TEST((classify(c, 10, 4) == check::bad_width));
  BOOST_TEST((classify(c, 8, 2) == check::bad_width));
  BOOST_TEST((classify(c, 16, 4) == check::no_field));
  BOOST_TEST((classify(c, 1, 1) == check::no_field));  // padding between fields
}

BOOST_AUTO_TEST_CASE(legacy_drivers_may_use_byte_accesses) {
  auto c = make();
  BOOST_TEST((classify(c, 5, 1, false, true) == check::ok));
  BOOST_TEST((classify(c, 9, 1, false, true) == check::ok));
  BOOST_TEST((classify(c, 4, 2, false, true) == check::bad_width));
}

BOOST_AUTO_TEST_CASE(read_only_fields_refuse_writes) {
  auto c = make();
  BOOST_TEST((classify(c, 0, 1, true) == check::read_only));
  BOOST_TEST((classify(c, 4, 4, true) == check::ok));
}

BOOST_AUTO_TEST_CASE(values_are_little_endian_and_fields_must_fit) {
  auto c = make();
  c.set(8, 0x1122334455667788ull, 8);
  BOOST_TEST(c.get(8, 4) == 0x55667788u);
  BOOST_TEST(c.get(12, 4) == 0x11223344u);
  BOOST_TEST(c.get(8, 1) == 0x88u);
  BOOST_CHECK_THROW(config_space(4, {{"big", 2, 4, false}}), std::logic_error);
}
