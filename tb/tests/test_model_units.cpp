// Pure pieces of the latency model: the histogram and the cost profile loader's validation.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "vmsim/common/histogram.h"
#include "vmsim/common/kernel_time.h"
#include "vmsim/common/timeline.h"
#include "vmsim/devices/splitmix64.h"
#include "vmsim/hyp/cost_profile.h"
#include "vmsim/resources/distribution.h"
#include "vmsim/resources/sampled_time.h"
#include "vmsim/resources/server_pool.h"

#include <cmath>
#include <nlohmann/json.hpp>

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

BOOST_AUTO_TEST_CASE(histogram_buckets_are_where_log2_puts_them) {
  // The bucket table must agree with the definition everywhere, at every octave's edges above all (where
  // a rounded log2 may already give the next octave).
  auto by_log2 = [](double v) {
    return v < 1 ? 0 : std::min(histogram::buckets - 1, static_cast<int>(std::log2(v) * histogram::sub) + 1);
  };
  unsigned checked = 0, wrong = 0;
  auto check = [&](double v) {
    ++checked;
    if (histogram::bucket_of(v) != by_log2(v)) ++wrong, BOOST_TEST_MESSAGE("bucket of " << v);
  };
  for (int e = 0; e < 66; ++e)
    for (int k = 0; k <= histogram::sub; ++k) {
      double v = std::exp2(e + static_cast<double>(k) / histogram::sub);
      for (int i = 0; i < 4; ++i) v = std::nextafter(v, 0.0);
      for (int i = 0; i < 9; ++i, v = std::nextafter(v, 1e300)) check(v);
    }
  for (int e = 0; e < 66; ++e)  // the eighths of each octave (the table looks up one edge per eighth)
    for (int k = 0; k <= 8; ++k) {
      double v = std::ldexp(1.0 + k / 8.0, e);
      for (int i = 0; i < 4; ++i) v = std::nextafter(v, 0.0);
      for (int i = 0; i < 9; ++i, v = std::nextafter(v, 1e300)) check(v);
    }
  splitmix64 g(7);
  for (int i = 0; i < 200000; ++i) check(std::exp2(static_cast<double>(g() % 4400000) / 65536.0));  // 1 .. ~2^67
  for (int i = 0; i < 100000; ++i) check(i * 0.5);
  BOOST_TEST(checked > 300000u);
  BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(inline_time_conversions_match_the_library_bit_for_bit) {
  // to_ns and from_ns replace to_seconds() * 1e9 and sc_time(ns, SC_NS) on the per-access path: every
  // result that uses them must stay what the library gives, to the last bit.
  unsigned checked = 0, wrong = 0;
  auto same_ns = [&](const sc_core::sc_time& t) {
    ++checked;
    const double lib = t.to_seconds() * 1e9, ours = to_ns(t);
    if (std::memcmp(&lib, &ours, sizeof lib) != 0) ++wrong, BOOST_TEST_MESSAGE("to_ns of " << t.value());
  };
  auto same_time = [&](double ns) {
    ++checked;
    if (sc_core::sc_time(ns, sc_core::SC_NS) != from_ns(ns)) ++wrong, BOOST_TEST_MESSAGE("from_ns of " << ns);
  };
  splitmix64 g(11);
  for (int i = 0; i < 100000; ++i) {
    same_ns(sc_core::sc_time::from_value(g() >> (g() % 64)));                   // every magnitude
    same_time(static_cast<double>(g() >> 20) / static_cast<double>(1 + g() % 100000));  // fractional ns
    same_time(std::ldexp(static_cast<double>(g() >> 11), -static_cast<int>(g() % 60)));  // 0 .. 2^53
  }
  for (uint64_t v = 0; v < 5000; ++v) same_ns(sc_core::sc_time::from_value(v));
  for (int i = 0; i < 5000; ++i) {  // exactly on and next to the half-unit rounding edges
    const double edge = i + 0.0005;
    same_time(edge), same_time(std::nextafter(edge, 0.0)), same_time(std::nextafter(edge, 1e300));
  }
  same_time(0.0);
  BOOST_TEST(checked > 300000u);
  BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(timeline_writes_names_escaped_and_times_exact) {
  // Decimal digits at every length change.
  for (uint64_t v : {0ull, 9ull, 10ull, 99ull, 100ull, 12345ull, 4294967295ull, 9999999999999999999ull,
                     10000000000000000000ull, 18446744073709551615ull}) {
    char d[20];
    BOOST_TEST(std::string(d, timeline::put_decimal(d, v)) == std::to_string(v));
  }
  timeline::label l;
  l << "kick " << std::string("net0") << " " << 7u << " " << timeline::hex{0} << " " << timeline::hex{0x1f0};
  BOOST_TEST(std::string(l.view()) == "kick net0 7 0x0 0x1f0");
  // Names that need escaping (a quote, a backslash, a control, at every position of an 8-byte word) and
  // plain ones of every length around a word; timestamps to the ns, negative ones too.
  const std::string path = "timeline-unit.json";
  std::vector<std::string> names;
  for (size_t n = 0; n < 20; ++n) names.push_back(std::string(n, 'a'));
  for (size_t at = 0; at < 17; ++at)
    for (const char c : {'"', '\\', '\n', '\x01'}) names.push_back(std::string(at, 'x') + c + "tail");
  {
    timeline t(path, -10);  // a window from before 0: the negative instant below is in it
    for (size_t i = 0; i < names.size(); ++i) t.span(names[i], "cat", 3, 1234567.0 + i, 1001.4);
    t.instant("at", "msi", 100, -2.6);
    t.name_track(3, "vCPU \"3\"");
    BOOST_TEST(t.size() == names.size() + 1);
    BOOST_TEST(t.close());
  }
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  const auto& ev = j.at("traceEvents");
  BOOST_TEST_REQUIRE(ev.size() == names.size() + 2);
  for (size_t i = 0; i < names.size(); ++i) {
    BOOST_TEST(ev[i].at("name").get<std::string>() == names[i]);
    BOOST_TEST(ev[i].at("ts").get<double>() == (1234567.0 + static_cast<double>(i)) / 1000, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(ev[i].at("dur").get<double>() == 1.001, boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(ev[names.size()].at("ts").get<double>() == -0.003, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(ev[names.size() + 1].at("args").at("name").get<std::string>() == "vCPU \"3\"");
  // No event at all (a window nothing falls in): still a trace, with an empty list.
  {
    timeline t(path, 100, 200);
    t.span("outside", "cat", 0, 0, 50);
    BOOST_TEST(t.size() == 0u);
    BOOST_TEST(t.close());
  }
  std::ifstream empty(path);
  std::string text((std::istreambuf_iterator<char>(empty)), std::istreambuf_iterator<char>());
  BOOST_TEST(text == "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n]}\n");
}

BOOST_AUTO_TEST_CASE(timeline_writes_a_repeated_timestamp_as_the_first) {
  // A timestamp equal to the last one is copied from its text (timeline.cpp, put_timestamp): every repeat,
  // after a different one, at lengths past 16 characters, negative, across buffer flushes, must read back
  // the same as it was written the first time.
  const std::string path = "timeline-repeats.json";
  const double stamps[] = {5, 5, 5, 7, 5, 1e18, 1e18, 1e18 + 4096, -3.4, -3.4, 0, 0, 123456789.6, 123456789.6};
  std::vector<double> written;
  {
    timeline t(path, -1e9);
    for (const double ns : stamps) {
      t.span("span", "cat", 0, ns, 2);
      t.instant("instant", "cat", 1, ns);
      written.insert(written.end(), {ns, ns});
    }
    for (int i = 0; i < 3000; ++i) {  // three runs of 1,000 events at one instant each
      const double ns = 9999.0 + i / 1000;
      t.instant(std::string(40, 'n'), "cat", 2, ns);
      written.push_back(ns);
    }
    BOOST_TEST(t.close());
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST_REQUIRE(text.size() > size_t{1} << 17);  // more than one buffer's worth: written in several flushes
  std::vector<std::string> ts;
  for (size_t at = text.find("\"ts\":"); at != std::string::npos; at = text.find("\"ts\":", at + 1))
    ts.push_back(text.substr(at + 5, text.find_first_of(",}", at) - at - 5));
  BOOST_TEST_REQUIRE(ts.size() == written.size());
  for (size_t i = 0; i < ts.size(); ++i) {
    const double ns = written[i];
    const auto v = static_cast<long long>(ns + (ns < 0 ? -0.5 : 0.5));
    const unsigned long long a = static_cast<unsigned long long>(v < 0 ? -v : v);
    std::string fraction = std::to_string(a % 1000);
    fraction.insert(0, 3 - fraction.size(), '0');
    const std::string expected = (v < 0 ? "-" : "") + std::to_string(a / 1000) + "." + fraction;
    BOOST_TEST(ts[i] == expected, "event " << i);
  }
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
  // A profile takes everything from its base and changes what it names (with a source for each timed entry).
  const char* good = R"({"b": {"cpu_ghz": 2}, "t": {"base": "x", "cpu_ghz": 3, "mmio_exit_user_ns": {"mean": 100, "source": "a test"}}})";
  BOOST_CHECK_THROW(load_cost_profiles(write_tmp("good", good)), std::runtime_error);  // base 'x' does not exist
  auto shipped = load_cost_profiles(VMSIM_PROFILES);
  nlohmann::json doc;
  std::ifstream(VMSIM_PROFILES) >> doc;
  doc["t"] = {{"base", "x86-kvm"}, {"cpu_ghz", 3}, {"mmio_exit_user_ns", {{"mean", 100}, {"source", "a test"}}}};
  auto p = load_cost_profiles(write_tmp("derived", doc.dump().c_str()));
  BOOST_TEST(find_profile(p, "t").mmio_exit_user_ns.mean() == 100.0);
  BOOST_TEST(find_profile(p, "t").eoi_trap_ns.mean() == find_profile(shipped, "x86-kvm").eoi_trap_ns.mean());
  BOOST_CHECK_THROW(find_profile(p, "nope"), std::runtime_error);
  expect_error(R"({"t": {"mmio_exit_usr_ns": 1}})", "unknown key 'mmio_exit_usr_ns'");
  expect_error(R"({"t": {"eoi_trap_ns": "fast"}})", "'t'.eoi_trap_ns: expected a number or an object");
  expect_error(R"({"t": {"eoi_trap_ns": -1}})", "'t'.eoi_trap_ns: mean -1 is not a finite number >= 0");
  expect_error(R"({"t": {"cpu_ghz": 0}})", "cpu_ghz: must be > 0");
  expect_error(R"({"t": 5})", "cost profile 't': expected an object");
  expect_error("not json", "not JSON");
  // Distributions: an unknown name, an impossible parameter.
  expect_error(R"({"t": {"eoi_trap_ns": {"mean": 5, "dist": "gamma", "source": "s"}}})", "dist: \"gamma\" is not one of: constant, exponential, lognormal");
  expect_error(R"({"t": {"eoi_trap_ns": {"mean": 5, "dist": "lognormal", "source": "s"}}})", "a lognormal needs cv > 0");
  expect_error(R"({"t": {"eoi_trap_ns": {"mean": 5, "dist": "lognormal", "cv": -1, "source": "s"}}})", "cv -1 is not a finite number >= 0");
  expect_error(R"({"t": {"eoi_trap_ns": {"mean": 5, "cv": 0.5, "source": "s"}}})", "cv applies to lognormal only");
  expect_error(R"({"t": {"eoi_trap_ns": {"mean": 5, "spread": 1, "source": "s"}}})", "unknown key 'spread'");
  // A mechanism the model lacks, a resource with zero capacity, a missing source, a cycle of bases.
  expect_error(R"({"t": {"wired_irq_path": "pigeon"}})", "'t'.wired_irq_path: \"pigeon\" is not a mechanism the model has (allowed: direct, irqfd-kworker, user-relay, vmm-signal)");
  expect_error(R"({"t": {"storage_channels": 0}})", "'t'.storage_channels: expected a whole number 1..4096");
  expect_error(R"({"t": {"vmm_lock": "yes"}})", "'t'.vmm_lock: expected true or false");
  expect_error(R"({"t": {"cpu_ghz": 2}})", "has no source");
  expect_error(R"({"a": {"base": "b"}, "b": {"base": "a"}})", "is a cycle");
}

BOOST_AUTO_TEST_CASE(scenario_overrides_change_one_entry_and_are_checked) {
  const auto all = load_cost_profiles(VMSIM_PROFILES);  // the profile is a reference into this map
  const auto& base = find_profile(all, "x86-kvm");
  const auto q = with_overrides(base, {{"storage_channels", 2}, {"host_wakeup_ns", 9000}, {"wire_rtt_ns", {{"cv", 0.3}}}});
  BOOST_TEST(q.storage_channels == 2u);
  BOOST_TEST(q.host_wakeup_ns.mean() == 9000.0);
  BOOST_TEST(q.host_wakeup_ns.source == "scenario override");
  BOOST_TEST(q.wire_rtt_ns.value.cv == 0.3);
  BOOST_TEST(q.wire_rtt_ns.mean() == base.wire_rtt_ns.mean());
  BOOST_CHECK_THROW(with_overrides(base, {{"host_wakeup_ns", -5}}), std::runtime_error);
  BOOST_CHECK_THROW(with_overrides(base, {{"nonsense", 1}}), std::runtime_error);
  BOOST_CHECK_THROW(with_overrides(base, {{"base", "arm64-kvm"}}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(shipped_profiles_are_complete_and_cited) {
  auto p = load_cost_profiles(VMSIM_PROFILES);
  for (const char* name : {"x86-kvm", "arm64-kvm", "x86-kvm-firecracker", "x86-kvm-cloud-hypervisor"})
    BOOST_TEST(p.count(name) == 1u, name);
  for (const auto& [name, c] : p) {
    BOOST_TEST(c.mmio_exit_user_ns.mean() > c.mmio_exit_kernel_ns.mean(), name);  // user-space exits cost more
    BOOST_TEST(c.eoi_trap_ns.mean() > c.eoi_virtual_ns.mean(), name);
    BOOST_TEST(!c.description.empty());
    // Every timed entry says where it comes from (the loader refuses one that does not).
    const auto j = to_json(c);
    for (const auto& [k, v] : j.items())
      if (v.is_object()) BOOST_TEST(!v["source"].get<std::string>().empty(), name << "." << k);
    BOOST_TEST(describe_markdown(c).find("host_wakeup_ns") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(distributions_have_their_mean_and_spread) {
  // Sample moments over 200k draws: the mean within 1%, the coefficient of variation within 3%.
  auto moments = [](const distribution& d, uint64_t seed) {
    sampler s(seed);
    double sum = 0, sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      const double x = s.draw(d);
      BOOST_REQUIRE(x >= 0);
      sum += x, sq += x * x;
    }
    const double m = sum / n;
    return std::make_pair(m, std::sqrt(sq / n - m * m) / m);
  };
  const auto [cm, ccv] = moments({1000, dist_shape::constant, 0}, 1);
  BOOST_TEST(cm == 1000.0);
  BOOST_TEST(ccv == 0.0, boost::test_tools::tolerance(1e-6));
  const auto [em, ecv] = moments({1000, dist_shape::exponential, 0}, 2);
  BOOST_TEST(em == 1000.0, boost::test_tools::tolerance(0.01));
  BOOST_TEST(ecv == 1.0, boost::test_tools::tolerance(0.03));
  const auto [lm, lcv] = moments({1000, dist_shape::lognormal, 0.5}, 3);
  BOOST_TEST(lm == 1000.0, boost::test_tools::tolerance(0.01));
  BOOST_TEST(lcv == 0.5, boost::test_tools::tolerance(0.03));
  // Same seed and stream: the same samples; another stream: others.
  sampler a(7, "x"), b(7, "x"), c(7, "y");
  const distribution d{1000, dist_shape::exponential, 0};
  const double a1 = a.draw(d), b1 = b.draw(d), c1 = c.draw(d);
  BOOST_TEST(a1 == b1);
  BOOST_TEST(a1 != c1);
}

// A constant duration is converted once and draws no random numbers (the stream stays where it was); a
// varying one is exactly from_ns(draw + offset) from the same stream.
BOOST_AUTO_TEST_CASE(a_sampled_time_is_the_draw_converted) {
  const distribution constant{1234.5, dist_shape::constant, 0}, zero{0, dist_shape::constant, 0};
  const distribution varying{1000, dist_shape::lognormal, 0.5};
  sampler s(11, "t"), twin(11, "t");
  const sampled_time c(constant, 200), z(zero), v(varying, 200);
  BOOST_TEST(!c.varies());
  BOOST_TEST(v.varies());
  BOOST_TEST(c.draw(s) == from_ns(1234.5 + 200));
  BOOST_TEST(z.draw(s) == sc_core::SC_ZERO_TIME);
  for (int i = 0; i < 5; ++i) BOOST_TEST(v.draw(s) == from_ns(twin.draw(varying) + 200));  // the constants drew nothing
  BOOST_TEST(s.uniform() == twin.uniform());
}

BOOST_AUTO_TEST_CASE(a_server_pool_queues_what_its_servers_cannot_take) {
  using sc_core::sc_time;
  using sc_core::SC_NS;
  server_pool one("lock", 1);
  // Three jobs of 100 ns arriving together: they run one after the other.
  BOOST_TEST(one.serve(sc_time(0, SC_NS), sc_time(100, SC_NS)).finish == sc_time(100, SC_NS));
  BOOST_TEST(one.serve(sc_time(0, SC_NS), sc_time(100, SC_NS)).finish == sc_time(200, SC_NS));
  const auto third = one.serve(sc_time(50, SC_NS), sc_time(100, SC_NS));
  BOOST_TEST(third.start == sc_time(200, SC_NS));  // waited 150 ns
  BOOST_TEST(one.waits().max() == 150.0, boost::test_tools::tolerance(0.1));
  BOOST_TEST(!one.idle_at(sc_time(250, SC_NS)));
  BOOST_TEST(one.idle_at(sc_time(300, SC_NS)));
  // Two servers take two at once; the third waits for the first to free.
  server_pool two("disk", 2);
  two.serve(sc_time(0, SC_NS), sc_time(100, SC_NS));
  two.serve(sc_time(0, SC_NS), sc_time(300, SC_NS));
  BOOST_TEST(two.serve(sc_time(0, SC_NS), sc_time(10, SC_NS)).start == sc_time(100, SC_NS));
  // Saturation: jobs arriving every 10 ns needing 30 ns on 2 servers: throughput caps at 2 per 30 ns.
  server_pool sat("sat", 2);
  sc_time last;
  for (int i = 0; i < 3000; ++i) last = sat.serve(sc_time(10.0 * i, SC_NS), sc_time(30, SC_NS)).finish;
  BOOST_TEST(last.to_seconds() * 1e9 == 3000 * 15.0, boost::test_tools::tolerance(0.01));
  BOOST_TEST(sat.utilisation(last) == 1.0, boost::test_tools::tolerance(0.01));
}

// A guest spinlock booked out of time order (vCPUs a quantum apart) fills an idle gap before a later booking
// when the hold fits, and queues behind it when it does not; a FIFO pool would have queued both.
BOOST_AUTO_TEST_CASE(a_backfilling_lock_takes_an_earlier_gap) {
  using sc_core::sc_time;
  using sc_core::SC_NS;
  server_pool lock("spin", 1, true);
  BOOST_TEST(lock.serve(sc_time(1000, SC_NS), sc_time(200, SC_NS)).start == sc_time(1000, SC_NS));
  BOOST_TEST(lock.serve(sc_time(500, SC_NS), sc_time(200, SC_NS)).start == sc_time(500, SC_NS));    // the gap before
  BOOST_TEST(lock.serve(sc_time(900, SC_NS), sc_time(200, SC_NS)).start == sc_time(1200, SC_NS));   // 100 ns gap: too short
  BOOST_TEST(lock.serve(sc_time(1100, SC_NS), sc_time(50, SC_NS)).start == sc_time(1400, SC_NS));   // behind both
  BOOST_TEST(lock.waits().max() == 300.0, boost::test_tools::tolerance(0.1));
  BOOST_TEST(!lock.idle_at(sc_time(600, SC_NS)));
  BOOST_TEST(lock.idle_at(sc_time(800, SC_NS)));
  server_pool fifo("fifo", 1);
  fifo.serve(sc_time(1000, SC_NS), sc_time(200, SC_NS));
  BOOST_TEST(fifo.serve(sc_time(500, SC_NS), sc_time(200, SC_NS)).start == sc_time(1200, SC_NS));
}

// The backfilling pool searches from the first interval not over by the arrival and drops its oldest
// interval from a deque: it must answer exactly as a scan of every kept interval from the oldest does,
// including zero-length jobs, ties and arrivals far behind or ahead, past the 128 intervals it keeps.
BOOST_AUTO_TEST_CASE(a_backfilling_lock_answers_as_a_full_scan_does) {
  using sc_core::sc_time;
  using sc_core::SC_NS;
  std::vector<std::pair<sc_time, sc_time>> kept;  // the reference: every kept interval, scanned from the start
  auto reference = [&](const sc_time& arrival, const sc_time& service) {
    sc_time start = arrival;
    for (const auto& [s, f] : kept) {
      if (f <= start) continue;
      if (s >= start + service) break;
      start = f;
    }
    const std::pair<sc_time, sc_time> job{start, start + service};
    kept.insert(std::upper_bound(kept.begin(), kept.end(), job), job);
    if (kept.size() > 128) kept.erase(kept.begin());
    return start;
  };
  server_pool lock("spin", 1, true);
  splitmix64 rng(7);
  double now = 0;
  for (int i = 0; i < 20000; ++i) {
    now += static_cast<double>(rng() % 400);                          // the owners' clocks advance...
    const double back = static_cast<double>(rng() % 3000);            // ...and book up to 3 us behind
    const sc_time arrival(std::max(0.0, now - back), SC_NS);
    const sc_time service(static_cast<double>(rng() % 8 == 0 ? 0 : rng() % 300), SC_NS);  // some empty
    const sc_time want = reference(arrival, service);
    const auto got = lock.serve(arrival, service);
    BOOST_TEST_REQUIRE(got.start == want, "booking " << i);
    BOOST_TEST_REQUIRE(got.finish == want + service, "booking " << i);
  }
}

BOOST_AUTO_TEST_CASE(splitmix64_fill_gives_the_bytes_of_successive_draws) {
  // fill(n) is n bytes of draws, least significant byte first, a partial last draw included; the state
  // after it is that of ceil(n / 8) draws.
  for (size_t n = 0; n <= 20; ++n) {
    splitmix64 a(11), b(11);
    std::vector<uint8_t> got(n + 1, 0xa5);
    a.fill(got.data(), n);
    std::vector<uint8_t> want;
    for (size_t i = 0; i < n; i += 8) {
      const uint64_t r = b();
      for (size_t k = 0; k < 8 && i + k < n; ++k) want.push_back(static_cast<uint8_t>(r >> (8 * k)));
    }
    want.push_back(0xa5);  // nothing written past n
    BOOST_TEST(got == want, "n = " << n);
    BOOST_TEST(a() == b(), "n = " << n);
  }
}
