// The model parameter registry (vmsim/common/params.h): declarations, checking, applying, listing.
#include <algorithm>
#include <string>
#include <vector>

#include "model_params.h"
#include "sim_test.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/devices/virtio_blk.h"

using namespace vmsim;
using namespace vmsim::tb;
using nlohmann::json;
using regmap::reg;

namespace {
const param_registry& vm() { return app::model_params(); }

// The message of the param_error `f` throws (empty if it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const param_error& e) {
    return e.what();
  }
  return "";
}
bool says(const std::string& message, const std::string& part) { return message.find(part) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_the_config_structs_initializers) {
  BOOST_TEST(vm().find("vm.transport.vendor_id")->info.default_value == json(transport_config{}.vendor_id));
  BOOST_TEST(vm().find("vm.transport.queue_num_max")->info.default_value == json(0));
  BOOST_TEST(vm().find("vm.transport.policy")->info.default_value == json("strict"));
  BOOST_TEST(vm().find("vm.transport.offer_event_idx")->info.default_value == json(true));
  BOOST_TEST(vm().find("vm.blk.queue_size")->info.default_value == json(blk_params{}.queue_size));
  BOOST_TEST(vm().find("vm.blk.per_byte")->info.default_value.get<double>() == blk_params{}.per_byte.to_seconds() * 1e9);
  BOOST_TEST(vm().find("vm.blk.id")->info.default_value == json(blk_params{}.id));
  BOOST_TEST(vm().find("vm.msi.register_base")->info.default_value == json(msi_config{}.register_base));
}

BOOST_AUTO_TEST_CASE(every_default_reads_back_as_itself) {
  BOOST_TEST(vm().entries().size() >= 15u);
  for (const auto& e : vm().entries()) {
    BOOST_TEST_CONTEXT(e.name) {
      BOOST_TEST(!e.info.description.empty());
      BOOST_TEST(vm().check(e.name, e.info.default_value) == e.info.default_value);
    }
  }
}

BOOST_AUTO_TEST_CASE(values_are_read_as_text_or_json_into_canonical_form) {
  BOOST_TEST(vm().check("vm.transport.queue_num_max", "256") == json(256));
  BOOST_TEST(vm().check("vm.transport.queue_num_max", " 0x100") == json(256));
  BOOST_TEST(vm().check("vm.transport.queue_num_max", 64) == json(64));
  BOOST_TEST(vm().check("vm.transport.offer_indirect", "false") == json(false));
  BOOST_TEST(vm().check("vm.transport.offer_indirect", "1") == json(true));
  BOOST_TEST(vm().check("vm.transport.offer_indirect", true) == json(true));
  BOOST_TEST(vm().check("vm.transport.policy", "permissive") == json("permissive"));
  BOOST_TEST(vm().check("vm.blk.id", "disk-7") == json("disk-7"));
}

BOOST_AUTO_TEST_CASE(a_time_takes_a_unit_or_is_in_the_declared_one) {
  BOOST_TEST(vm().check("vm.transport.register_latency", "20") == json(20.0));
  BOOST_TEST(vm().check("vm.transport.register_latency", "20ns") == json(20.0));
  BOOST_TEST(vm().check("vm.transport.register_latency", "1.5 us") == json(1500.0));
  BOOST_TEST(vm().check("vm.transport.register_latency", "500 ps").get<double>() == 0.5);
  BOOST_TEST(vm().check("vm.transport.register_latency", 7.5) == json(7.5));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.register_latency", "20 parsecs"); }), "is not a time"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.register_latency", "-1ns"); }), "is out of range (time, 0..1000000 ns)"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.register_latency", "2 s"); }), "is out of range (time, 0..1000000 ns)"));
}

BOOST_AUTO_TEST_CASE(a_value_of_the_wrong_type_is_refused_naming_the_parameter) {
  auto e = error_of([] { vm().check("vm.transport.queue_num_max", "many"); });
  BOOST_TEST(says(e, "parameter 'vm.transport.queue_num_max': 'many' is not an unsigned integer"));
  BOOST_TEST(says(e, "unsigned, 0..32768 entries"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.queue_num_max", "-1"); }), "is not an unsigned integer"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.queue_num_max", 64.5); }), "is not an unsigned integer"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.queue_num_max", "18446744073709551616"); }), "is not an unsigned integer"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.offer_indirect", "yes"); }), "'yes' is not a bool"));
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.policy", "lenient"); }), "'lenient' is not one of: strict, permissive"));
  BOOST_TEST(says(error_of([] { vm().check("vm.blk.id", 7); }), "'7' is not a string"));
}

BOOST_AUTO_TEST_CASE(a_value_out_of_range_is_refused_with_the_range) {
  BOOST_TEST(says(error_of([] { vm().check("vm.transport.queue_num_max", "32769"); }), "'32769' is out of range (unsigned, 0..32768 entries)"));
  BOOST_TEST(says(error_of([] { vm().check("vm.net.queue_size", "0"); }), "'0' is out of range (unsigned, 1..32768 entries)"));
  BOOST_TEST(says(error_of([] { vm().check("vm.blk.id", "a-serial-longer-than-twenty"); }), "is longer than 20 characters"));
  // A field narrower than the declared range: the range shrinks to what it holds (no wrap).
  param_group<transport_config> g("t", "");
  g.count("queue_num_max", &transport_config::queue_num_max, 0, 1 << 20, "", "a uint16_t field");
  BOOST_TEST(g.params()[0].max == 65535u);
}

BOOST_AUTO_TEST_CASE(an_unknown_name_is_refused_with_the_closest_known_one) {
  auto e = error_of([] { vm().check("vm.transport.queue_num_mx", "64"); });
  BOOST_TEST(says(e, "unknown parameter 'vm.transport.queue_num_mx' (did you mean 'vm.transport.queue_num_max'?"));
  BOOST_TEST(says(error_of([] { vm().check("vm.blk.perbyte", "1"); }), "did you mean 'vm.blk.per_byte'?"));
  BOOST_TEST(vm().closest("vm.transprot.policy") == "vm.transport.policy");
}

BOOST_AUTO_TEST_CASE(assignments_are_name_equals_value_each_name_once) {
  const json v = vm().check_assignments({"vm.transport.queue_num_max=64", "vm.rng.per_byte=2ns"});
  BOOST_TEST(v == json({{"vm.transport.queue_num_max", 64}, {"vm.rng.per_byte", 2.0}}));
  BOOST_TEST(says(error_of([] { vm().check_assignments({"vm.transport.queue_num_max=64", "vm.transport.queue_num_max=128"}); }),
                  "parameter 'vm.transport.queue_num_max' given twice"));
  BOOST_TEST(says(error_of([] { vm().check_assignments({"vm.transport.queue_num_max"}); }), "is not NAME=VALUE"));
  BOOST_TEST(says(error_of([] { vm().check_assignments({"=5"}); }), "is not NAME=VALUE"));
}

BOOST_AUTO_TEST_CASE(a_name_declared_twice_is_refused) {
  param_registry r;
  r.add(param_table(transport_config{}));
  BOOST_TEST(says(error_of([&] { r.add(param_table(transport_config{})); }), "parameter 'vm.transport.vendor_id' declared twice"));
}

BOOST_AUTO_TEST_CASE(values_set_the_config_struct_and_nothing_else) {
  transport_config c;
  apply_params(vm().check_assignments({"vm.transport.queue_num_max=64", "vm.transport.policy=permissive",
                                       "vm.transport.register_latency=1.5us", "vm.transport.offer_event_idx=false", "vm.blk.id=x"}),
               c);
  BOOST_TEST(c.queue_num_max == 64u);
  BOOST_TEST((c.policy == access_policy::permissive));
  BOOST_TEST(c.register_latency == sc_core::sc_time(1500, sc_core::SC_NS));
  BOOST_TEST(!c.offer_event_idx);
  BOOST_TEST(c.offer_indirect);                  // not given: the default
  BOOST_TEST(c.vendor_id == transport_config{}.vendor_id);
  const blk_params b = with_params(json({{"vm.blk.id", "x"}}), blk_params{});
  BOOST_TEST(b.id == "x");
}

BOOST_AUTO_TEST_CASE(a_name_scoped_to_an_instance_needs_that_instance_and_wins_there) {
  param_registry r;
  r.add_per_instance(param_table(transport_config{})).add(param_table(vcpu_config{}));
  BOOST_TEST(says(error_of([&] { r.check("vm.net0.transport.queue_num_max", "64"); }),
                  "no instance named 'net0' (instances: none); vm.transport.queue_num_max applies to every one"));
  const std::vector<std::string> devices = {"net0", "blk0"};
  BOOST_TEST(says(error_of([&] { r.check("vm.rng0.transport.queue_num_max", "64", devices); }),
                  "no instance named 'rng0' (instances: net0, blk0)"));
  json v = json::object();
  v["vm.transport.queue_num_max"] = r.check("vm.transport.queue_num_max", "128", devices);
  v["vm.net0.transport.queue_num_max"] = r.check("vm.net0.transport.queue_num_max", "64", devices);
  transport_config net0, blk0;
  apply_params(v, net0, "net0");
  apply_params(v, blk0, "blk0");
  BOOST_TEST(net0.queue_num_max == 64u);
  BOOST_TEST(blk0.queue_num_max == 128u);
  BOOST_TEST(says(error_of([&] { r.check("vm.net0.transport.no_such", "1", devices); }), "unknown parameter"));
  // A whole-platform group has no per-device names, even for an instance that exists.
  BOOST_TEST(says(error_of([&] { r.check("vm.net0.cpu.access_cost", "1ns", devices); }),
                  "parameter 'vm.net0.cpu.access_cost': vm.cpu.* is not per device: vm.cpu.access_cost applies to the whole platform"));
  BOOST_TEST(r.check("vm.cpu.access_cost", "1ns", devices) == json(1.0));
  const json a = r.check_assignments({"vm.blk0.transport.queue_num_max=32", "vm.transport.queue_num_max=16"}, devices);
  BOOST_TEST(a.at("vm.blk0.transport.queue_num_max") == json(32));
  BOOST_TEST(a.at("vm.transport.queue_num_max") == json(16));
}

BOOST_AUTO_TEST_CASE(vmsim_offers_per_device_names_for_the_device_groups_only) {
  for (const auto& e : vm().entries()) {
    const bool device_group = e.group == "transport" || e.group == "net" || e.group == "blk" || e.group == "rng" || e.group == "msi";
    BOOST_TEST(e.per_instance == device_group, e.name);
  }
  BOOST_TEST(vm().check("vm.blk0.blk.queue_size", "64", {"net0", "blk0"}) == json(64));
  BOOST_TEST(says(error_of([] { vm().check("vm.net0.irqc.eoi_traps_msi", "true", {"net0"}); }), "is not per device"));
}

BOOST_AUTO_TEST_CASE(the_listings_carry_every_parameter) {
  const json j = vm().json_list();
  BOOST_TEST(j.size() == vm().entries().size());
  const auto it = std::find_if(j.begin(), j.end(), [](const json& p) { return p["name"] == "vm.transport.queue_num_max"; });
  BOOST_REQUIRE(it != j.end());
  BOOST_TEST((*it)["type"] == "unsigned");
  BOOST_TEST((*it)["unit"] == "entries");
  BOOST_TEST((*it)["max"] == 32768);
  const std::string text = vm().text_table(), md = vm().markdown_table();
  for (const auto& e : vm().entries()) {
    BOOST_TEST(says(text, e.name));
    BOOST_TEST(says(md, "`" + e.name + "`"));
  }
  BOOST_TEST(says(md, "strict \\| permissive"));  // a '|' inside a cell is escaped
}

// The parameter reaches the model: QueueNumMax reads the configured value, and QueueNum is checked against it.
BOOST_AUTO_TEST_CASE(queue_num_max_is_what_queue_num_max_reads) {
  platform_config c = config_for(regmap::version_modern);
  apply_params(vm().check_assignments({"vm.transport.queue_num_max=16"}), c.transport);
  rng_platform top("top", c, rng_params{});
  report_log log;
  run_thread([&] {
    top.cpu.write(top.reg_addr(reg::queue_sel), 4, 0);
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::queue_num_max)) == 16u);
    top.cpu.write(top.reg_addr(reg::queue_num), 4, 32);  // above the limit: refused
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::queue_num_max)) == 16u);
  });
  BOOST_TEST(log.count(ids::bad_queue_num) == 1u);
}

BOOST_AUTO_TEST_CASE(queue_num_max_zero_leaves_the_devices_own) {
  rng_params rp;
  rp.queue_size = 32;
  rng_platform top("top", config_for(regmap::version_modern), rp);
  run_thread([&] {
    top.cpu.write(top.reg_addr(reg::queue_sel), 4, 0);
    BOOST_TEST(top.cpu.read32(top.reg_addr(reg::queue_num_max)) == 32u);
  });
}
