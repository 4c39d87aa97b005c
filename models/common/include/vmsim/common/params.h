// Model parameters settable by name at run time (in the manner of VCML properties and SystemC CCI
// parameters, written small). A model declares its parameters once, in a param_group next to the config
// struct they set: name, type, unit, one-line description, valid range or choices. The default is not
// written again: it is read from the config struct's own initializer, so the listing and the model cannot
// disagree. A param_registry gathers groups under a root ("vm") for listing and checking; the values a run
// was given ({"vm.transport.queue_num_max": 64, ...}, checked and in canonical form) are applied to each
// config struct as it is built (apply_params). docs/parameters.md lists vmsim's.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

namespace vmsim {

enum class param_type : uint8_t { flag, count, real, text, choice, time };
const char* to_string(param_type t);  // bool, unsigned, double, string, enum, time

struct param_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One parameter as listed (name within its group, e.g. "queue_num_max").
struct param_info {
  std::string name;
  param_type type = param_type::count;
  std::string unit;         // "entries", "bytes", "ns" (a time's unit: plain numbers are in it), "" for none
  std::string description;  // one line
  nlohmann::json default_value;  // canonical form, read from the config struct's initializer
  uint64_t min = 0, max = 0;     // count
  double lo = 0, hi = 0;         // real, time (in `unit`)
  std::vector<std::string> choices;  // choice
  size_t max_length = 0;             // text
  bool hex = false;                  // count: shown in hexadecimal (offsets, register values)

  std::string range_text() const;  // "0..32768", "strict | permissive", "true | false", "at most 20 characters"
  // A value as given (a JSON number or boolean, or text as on the command line: "256", "0x100", "true",
  // "1.5 us") in canonical form: count an unsigned integer, real a number, time a number in `unit`, flag a
  // boolean, text and choice a string. Throws param_error saying what is wrong (the caller names the parameter).
  nlohmann::json parse(const nlohmann::json& value) const;
};

// sc_time unit of a time parameter's unit text ("fs".."s"); throws param_error for another text.
sc_core::sc_time_unit time_unit(const std::string& unit);

// The parameters of one config struct. Declared once, next to the struct, e.g.
//   param_group<transport_config>("transport", "...").count("queue_num_max", &transport_config::queue_num_max, 0, 32768, "entries", "...");
template <class Config>
class param_group {
 public:
  param_group(std::string name, std::string description) : name_(std::move(name)), description_(std::move(description)) {}
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<param_info>& params() const { return info_; }

  template <class T>
  param_group& count(const char* name, T Config::*field, uint64_t min, uint64_t max, const char* unit, const char* doc) {
    static_assert(std::is_unsigned_v<T> && !std::is_same_v<T, bool>, "count: an unsigned integer field");
    param_info p = row(name, param_type::count, unit, doc);
    p.min = min;
    p.max = max < uint64_t(T(~T{0})) ? max : uint64_t(T(~T{0}));  // never more than the field holds
    p.default_value = uint64_t(Config{}.*field);
    return add(std::move(p), [field](Config& c, const nlohmann::json& v) { c.*field = static_cast<T>(v.get<uint64_t>()); });
  }
  // The row just declared is shown in hexadecimal: .count(...).hex()
  param_group& hex() {
    info_.back().hex = true;
    return *this;
  }
  param_group& flag(const char* name, bool Config::*field, const char* doc) {
    param_info p = row(name, param_type::flag, "", doc);
    p.default_value = Config{}.*field;
    return add(std::move(p), [field](Config& c, const nlohmann::json& v) { c.*field = v.get<bool>(); });
  }
  param_group& real(const char* name, double Config::*field, double lo, double hi, const char* unit, const char* doc) {
    param_info p = row(name, param_type::real, unit, doc);
    p.lo = lo;
    p.hi = hi;
    p.default_value = Config{}.*field;
    return add(std::move(p), [field](Config& c, const nlohmann::json& v) { c.*field = v.get<double>(); });
  }
  param_group& text(const char* name, std::string Config::*field, size_t max_length, const char* doc) {
    param_info p = row(name, param_type::text, "", doc);
    p.max_length = max_length;
    p.default_value = Config{}.*field;
    return add(std::move(p), [field](Config& c, const nlohmann::json& v) { c.*field = v.get<std::string>(); });
  }
  // An enum field: its values by name.
  template <class E>
  param_group& choice(const char* name, E Config::*field, std::vector<std::pair<const char*, E>> values, const char* doc) {
    param_info p = row(name, param_type::choice, "", doc);
    for (const auto& kv : values) {
      p.choices.push_back(kv.first);
      if (kv.second == Config{}.*field) p.default_value = kv.first;
    }
    return add(std::move(p), [field, values](Config& c, const nlohmann::json& v) {
      for (const auto& kv : values)
        if (v.get<std::string>() == kv.first) c.*field = kv.second;
    });
  }
  // A time: lo..hi and plain numbers in `unit` ("ps", "ns", "us", "ms", "s").
  param_group& time(const char* name, sc_core::sc_time Config::*field, double lo, double hi, const char* unit, const char* doc) {
    param_info p = row(name, param_type::time, unit, doc);
    p.lo = lo;
    p.hi = hi;
    const sc_core::sc_time one(1, time_unit(unit));
    const sc_core::sc_time d = Config{}.*field;  // in the kernel's resolution: a ratio of whole numbers, exact
    p.default_value = one.value() ? double(d.value()) / double(one.value()) : d.to_seconds() / one.to_seconds();
    return add(std::move(p), [field, one](Config& c, const nlohmann::json& v) { c.*field = v.get<double>() * one; });
  }

  // Sets c's fields from `values` ({full name: canonical value}, as a param_registry checked them): the names
  // <root>.<group>.<param> (every instance), then <root>.<instance>.<group>.<param> (this one only, so they win).
  void apply(Config& c, const nlohmann::json& values, const std::string& root = "vm", const std::string& instance = "") const {
    for (const std::string& prefix : {root + "." + name_ + ".", instance.empty() ? std::string() : root + "." + instance + "." + name_ + "."}) {
      if (prefix.empty()) continue;
      for (size_t i = 0; i < info_.size(); ++i) {
        const auto it = values.find(prefix + info_[i].name);
        if (it != values.end()) set_[i](c, *it);
      }
    }
  }

 private:
  param_info row(const char* name, param_type t, const char* unit, const char* doc) const {
    param_info p;
    p.name = name;
    p.type = t;
    p.unit = unit;
    p.description = doc;
    return p;
  }
  param_group& add(param_info p, std::function<void(Config&, const nlohmann::json&)> set) {
    info_.push_back(std::move(p));
    set_.push_back(std::move(set));
    return *this;
  }
  std::string name_, description_;
  std::vector<param_info> info_;
  std::vector<std::function<void(Config&, const nlohmann::json&)>> set_;
};

// Every group of a platform under one root, for listing and checking names and values.
class param_registry {
 public:
  explicit param_registry(std::string root = "vm") : root_(std::move(root)) {}
  // A group of the whole platform (an interrupt controller, every vCPU): <root>.<group>.<param> only.
  template <class Config>
  param_registry& add(const param_group<Config>& g) {
    return add_group(g.name(), g.description(), g.params(), false);
  }
  // A group each instance (device) has its own of: <root>.<group>.<param> sets every instance's, and
  // <root>.<instance>.<group>.<param> one instance's (apply_params with that instance: it wins there).
  template <class Config>
  param_registry& add_per_instance(const param_group<Config>& g) {
    return add_group(g.name(), g.description(), g.params(), true);
  }
  const std::string& root() const { return root_; }

  struct entry {
    std::string name;  // full: vm.transport.queue_num_max
    std::string group, group_description;
    param_info info;
    bool per_instance = false;  // may be scoped to an instance (add_per_instance)
  };
  const std::vector<entry>& entries() const { return entries_; }  // sorted by name
  const entry* find(const std::string& full_name) const;  // unscoped names only
  // The canonical value of `value` for `name`, which may be scoped to one of `instances` (the platform's
  // device names); throws param_error naming the parameter and what it allows, an unknown name with the
  // closest known one, an unknown instance with the known ones, a scoped name of a whole-platform group.
  nlohmann::json check(const std::string& name, const nlohmann::json& value,
                       const std::vector<std::string>& instances = {}) const;
  // Checks every NAME=VALUE (as on the command line; VALUE is text) into {name: canonical}; a name given
  // twice is an error.
  nlohmann::json check_assignments(const std::vector<std::string>& assignments,
                                   const std::vector<std::string>& instances = {}) const;
  std::string closest(const std::string& name) const;  // the known name nearest to `name` (edit distance)

  std::string text_table() const;      // --list-params
  nlohmann::json json_list() const;    // --list-params --json
  std::string markdown_table() const;  // docs/parameters.md

 private:
  param_registry& add_group(const std::string& name, const std::string& description, const std::vector<param_info>& params,
                            bool per_instance);
  std::string root_;
  std::vector<entry> entries_;
};

// Applies a run's parameter values to a config struct whose group is found by ADL: each model declares
// `const param_group<C>& param_table(const C&)` next to C.
template <class Config>
void apply_params(const nlohmann::json& values, Config& c, const std::string& instance = "", const std::string& root = "vm") {
  param_table(static_cast<const Config&>(c)).apply(c, values, root, instance);
}
// The same, on a copy (for a config passed by value into a constructor).
template <class Config>
Config with_params(const nlohmann::json& values, Config c, const std::string& instance = "", const std::string& root = "vm") {
  apply_params(values, c, instance, root);
  return c;
}

}  // namespace vmsim
