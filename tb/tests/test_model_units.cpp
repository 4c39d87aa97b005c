// Pure pieces of the latency model: the histogram and the cost profile loader's validation.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <stdexcept>

#include "vmsim/common/histogram.h"
#include "vmsim/devices/splitmix64.h"
#include "vmsim/hyp/cost_profile.h"

using namespace vmsim;

BOOST_AUTO_TEST_CASE(histogram_quantiles_are_within_a_bucket) {
  histogram h;
  for (int i = 1; i <= 1000; ++i) h.add(i * 100.0);  // 100 ns .. 100 us, uniform
  BOOST_TEST(h.count() == 1000u);
  BOOST_TEST(h.mean() == 50050.0);
  BOOST_TEST(h.min() == 100.0);
  BOOST_TEST(h.max() == 100000.0);
  BOOST_TEST(h.quantile(0.5) == 50000.0, boost::test_tools::tolerance(0.1));  // buckets are ~9% wide
  BOOST_TEST(h.quantile(0.99) == 99000.0, boost::test_tools::tolerance(0.1));
  histogram other;
  other.add(1e9);
  h.merge(other);
  BOOST_TEST(h.max() == 1e9);
  BOOST_TEST(h.count() == 1001u);
}

BOOST_AUTO_TEST_CASE(splitmix64_matches_the_published_test_vector) {
  splitmix64 g(1234567);  // the reference outputs of Vigna's splitmix64.c for this seed
  const uint64_t expected[] = {6457827717110365317ull, 3203168211198807973ull, 9817491932198370423ull,
                               4593380528125082431ull, 16408922859458223821ull};
  for (uint64_t e : expected) BOOST_TEST(g() == e);
}

namespace {
std::string write_tmp(const char* name, const char* body) {
  std::string path = std::string("cost-profile-") + name + ".json";
  std::ofstream(path) << body;
  return path;
}
void expect_error(const char* body, const std::string& needle) {
  try {
    load_cost_profiles(write_tmp("bad", body));
    BOOST_ERROR("accepted: " << body);
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos, e.what());
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(cost_profiles_load_and_bad_ones_name_the_field) {
  auto p = load_cost_profiles(write_tmp("good", R"({"t": {"cpu_ghz": 3, "mmio_exit_user_ns": 100}})"));
  BOOST_TEST(find_profile(p, "t").mmio_exit_user_ns == 100.0);
  BOOST_CHECK_THROW(find_profile(p, "nope"), std::runtime_error);
  expect_error(R"({"t": {"mmio_exit_usr_ns": 1}})", "unknown key 'mmio_exit_usr_ns'");
  expect_error(R"({"t": {"eoi_trap_ns": "fast"}})", "'t'.eoi_trap_ns: expected a number");
  expect_error(R"({"t": {"eoi_trap_ns": -1}})", "'t'.eoi_trap_ns: expected a number >= 0");
  expect_error(R"({"t": {"cpu_ghz": 0}})", "cpu_ghz: must be > 0");
  expect_error(R"({"t": 5})", "cost profile 't': expected an object");
  expect_error("not json", "not JSON");
}

BOOST_AUTO_TEST_CASE(shipped_profiles_are_complete) {
  auto p = load_cost_profiles(VMSIM_PROFILES);
  for (const char* name : {"x86-kvm", "arm64-kvm"}) {
    const auto& c = find_profile(p, name);
    BOOST_TEST(c.mmio_exit_user_ns > c.mmio_exit_kernel_ns, name);  // user-space exits cost more
    BOOST_TEST(c.eoi_trap_ns > c.eoi_virtual_ns, name);
    BOOST_TEST(!c.description.empty());
    BOOST_TEST(c.guest_ns(c.guest_stack_cycles) == c.guest_stack_cycles / c.cpu_ghz);
  }
}
