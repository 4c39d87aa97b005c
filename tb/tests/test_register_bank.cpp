// The generic register dispatcher: one place checks offset, width, alignment and direction.
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "vmsim/common/register_bank.h"

using namespace vmsim;
using regmap::access;

namespace {
struct bank_fixture {
  register_bank bank{0x40};
  uint32_t written = 0;
  bank_fixture() {
    bank.add({"Id", 0x00, 4, access::ro, 0x1234, regmap::in_all, -1, false});
    bank.add({"Ctrl", 0x04, 4, access::wo, 0, regmap::in_all, -1, false}, {}, [this](uint32_t v) { written = v; });
    bank.add({"Data", 0x08, 4, access::rw, 7, regmap::in_all, -1, false});
    bank.add({"Half", 0x0c, 2, access::rw, 0, regmap::in_all, -1, false});
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(reads_return_reset_value_and_count) {
  bank_fixture f;
  uint32_t v = 0;
  auto r = f.bank.read(0x00, 4, v);
  BOOST_TEST((r.fault == bus_fault::none));
  BOOST_TEST(v == 0x1234u);
  BOOST_TEST(f.bank.find("Id")->reads == 1u);
}

BOOST_AUTO_TEST_CASE(write_handler_runs_and_storage_registers_store) {
  bank_fixture f;
  BOOST_TEST((f.bank.write(0x04, 4, 99).fault == bus_fault::none));
  BOOST_TEST(f.written == 99u);
  f.bank.write(0x08, 4, 42);
  uint32_t v = 0;
  f.bank.read(0x08, 4, v);
  BOOST_TEST(v == 42u);
  f.bank.write(0x0c, 2, 0xabcd);
  f.bank.read(0x0c, 2, v);
  BOOST_TEST(v == 0xabcdu);
}

BOOST_AUTO_TEST_CASE(each_bus_fault_is_classified) {
  bank_fixture f;
  uint32_t v = 0;
  BOOST_TEST((f.bank.read(0x10, 4, v).fault == bus_fault::undefined_offset));
  BOOST_TEST((f.bank.read(0x3c, 4, v).fault == bus_fault::undefined_offset));
  BOOST_TEST((f.bank.read(0x00, 2, v).fault == bus_fault::bad_width));
  BOOST_TEST((f.bank.read(0x0c, 4, v).fault == bus_fault::bad_width));
  BOOST_TEST((f.bank.read(0x02, 4, v).fault == bus_fault::misaligned));
  BOOST_TEST((f.bank.write(0x00, 4, 1).fault == bus_fault::write_to_read_only));
  BOOST_TEST((f.bank.read(0x04, 4, v).fault == bus_fault::read_of_write_only));
  // A refused access runs no handler and changes nothing.
  BOOST_TEST(f.written == 0u);
  BOOST_TEST(f.bank.find("Id")->reads == 0u);
  BOOST_TEST(f.bank.find(uint32_t{0})->value == 0x1234u);
}

BOOST_AUTO_TEST_CASE(overlapping_declaration_is_refused) {
  bank_fixture f;
  BOOST_CHECK_THROW(f.bank.add({"Bad", 0x0a, 4, access::rw, 0, regmap::in_all, -1, false}), std::logic_error);
  BOOST_CHECK_THROW(f.bank.add({"Out", 0x3e, 4, access::rw, 0, regmap::in_all, -1, false}), std::logic_error);
}
