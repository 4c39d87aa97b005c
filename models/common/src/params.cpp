#include "vmsim/common/params.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace vmsim {

using nlohmann::json;

const char* to_string(param_type t) {
  switch (t) {
    case param_type::flag: return "bool";
    case param_type::count: return "unsigned";
    case param_type::real: return "double";
    case param_type::text: return "string";
    case param_type::choice: return "enum";
    case param_type::time: return "time";
  }
  return "?";
}

namespace {
// SystemC's units, smallest first.
struct time_unit_row {
  std::string name;
  sc_core::sc_time_unit unit;
  int exponent;  // 10^exponent s: scales between units are exact powers of ten (1.5 us is 1500 ns, not 1499.999...)
};
const std::vector<time_unit_row>& units() {
  static const std::vector<time_unit_row> u = {{"fs", sc_core::SC_FS, -15}, {"ps", sc_core::SC_PS, -12}, {"ns", sc_core::SC_NS, -9},
                                               {"us", sc_core::SC_US, -6},  {"ms", sc_core::SC_MS, -3},  {"s", sc_core::SC_SEC, 0}};
  return u;
}
int exponent_of(const std::string& unit) {
  for (const auto& u : units())
    if (u.name == unit) return u.exponent;
  throw param_error(fmt::format("'{}' is not a time unit (fs, ps, ns, us, ms, s)", unit));
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// A whole number as text: decimal or 0x hexadecimal, nothing else, no sign, no overflow.
bool parse_unsigned(const std::string& t, uint64_t& out) {
  if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) return false;
  const bool hex = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(t.c_str(), &end, hex ? 16 : 10);
  if (errno == ERANGE || *end != '\0') return false;
  out = v;
  return true;
}
bool parse_real(const std::string& t, double& out) {
  if (t.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (*end != '\0') return false;
  out = v;
  return true;
}
std::string number_text(double v) { return fmt::format("{}", v); }

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

sc_core::sc_time_unit time_unit(const std::string& unit) {
  for (const auto& u : units())
    if (u.name == unit) return u.unit;
  throw param_error(fmt::format("'{}' is not a time unit (fs, ps, ns, us, ms, s)", unit));
}

std::string param_info::range_text() const {
  switch (type) {
    case param_type::flag: return "true | false";
    case param_type::count:
      return hex ? fmt::format("{:#x}..{:#x}", min, max) : max == ~uint64_t{0} ? fmt::format("{}..2^64-1", min) : fmt::format("{}..{}", min, max);
    case param_type::real:
    case param_type::time: return fmt::format("{}..{}", number_text(lo), number_text(hi));
    case param_type::text: return fmt::format("at most {} characters", max_length);
    case param_type::choice: return fmt::format("{}", fmt::join(choices, " | "));
  }
  return "";
}

json param_info::parse(const json& v) const {
  const std::string given = v.is_string() ? v.get<std::string>() : v.dump();
  auto bad = [&](const std::string& why) { return param_error(fmt::format("'{}' {}", given, why)); };
  switch (type) {
    case param_type::flag: {
      if (v.is_boolean()) return v;
      const std::string t = v.is_string() ? trim(v.get<std::string>()) : "";
      if (t == "true" || t == "1") return true;
      if (t == "false" || t == "0") return false;
      throw bad("is not a bool (true or false)");
    }
    case param_type::count: {
      uint64_t x = 0;
      if (v.is_number_integer() && v.get<int64_t>() < 0 && !v.is_number_unsigned()) throw bad("is not an unsigned integer");
      if (v.is_number_integer()) x = v.get<uint64_t>();
      else if (!(v.is_string() && parse_unsigned(trim(v.get<std::string>()), x)))
        throw bad("is not an unsigned integer (decimal or 0x hexadecimal)");
      if (x < min || x > max) throw bad("is out of range");
      return x;
    }
    case param_type::real:
    case param_type::time: {
      double x = 0;
      if (v.is_number()) {
        x = v.get<double>();
      } else if (v.is_string()) {
        std::string t = trim(v.get<std::string>());
        double scale = 1;  // a time may carry its unit: "1.5 us", "200ns"
        if (type == param_type::time)
          for (const auto& u : units()) {
            const std::string& n = u.name;
            if (t.size() > n.size() && t.compare(t.size() - n.size(), n.size(), n) == 0 &&
                !std::isalpha(static_cast<unsigned char>(t[t.size() - n.size() - 1]))) {
              scale = std::pow(10.0, u.exponent - exponent_of(unit));
              t = trim(t.substr(0, t.size() - n.size()));
              break;
            }
          }
        if (!parse_real(t, x)) throw bad(type == param_type::time ? fmt::format("is not a time (a number of {}, or with its unit: 1.5 us)", unit)
                                                                  : std::string("is not a number"));
        x *= scale;
      } else {
        throw bad(type == param_type::time ? "is not a time" : "is not a number");
      }
      if (!(std::isfinite(x) && x >= lo && x <= hi)) throw bad("is out of range");
      return x;
    }
    case param_type::text: {
      if (!v.is_string()) throw bad("is not a string");
      if (v.get<std::string>().size() > max_length) throw bad(fmt::format("is longer than {} characters", max_length));
      return v;
    }
    case param_type::choice: {
      if (!v.is_string() || std::find(choices.begin(), choices.end(), v.get<std::string>()) == choices.end())
        throw bad(fmt::format("is not one of: {}", fmt::join(choices, ", ")));
      return v;
    }
  }
  throw bad("has an unknown type");
}

param_registry& param_registry::add_group(const std::string& name, const std::string& description, const std::vector<param_info>& params,
                                          bool per_instance) {
  for (const auto& p : params) {
    entry e{root_ + "." + name + "." + p.name, name, description, p, per_instance};
    if (find(e.name)) throw param_error(fmt::format("parameter '{}' declared twice", e.name));
    entries_.insert(std::upper_bound(entries_.begin(), entries_.end(), e, [](const entry& a, const entry& b) { return a.name < b.name; }), e);
  }
  return *this;
}

const param_registry::entry* param_registry::find(const std::string& full_name) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), full_name, [](const entry& e, const std::string& n) { return e.name < n; });
  return it != entries_.end() && it->name == full_name ? &*it : nullptr;
}

std::string param_registry::closest(const std::string& name) const {
  std::string best;
  size_t best_d = ~size_t{0};
  for (const auto& e : entries_) {
    const size_t d = edit_distance(name, e.name);
    if (d < best_d) best_d = d, best = e.name;
  }
  return best;
}

json param_registry::check(const std::string& name, const json& value, const std::vector<std::string>& instances) const {
  const entry* e = find(name);
  // <root>.<instance>.<group>.<param>: the same parameter for one instance (device) only.
  if (!e && name.rfind(root_ + ".", 0) == 0) {
    const size_t a = root_.size() + 1, b = name.find('.', a);
    if (b != std::string::npos) {
      const std::string instance = name.substr(a, b - a);
      if (const entry* scoped = find(root_ + name.substr(b))) {
        if (!scoped->per_instance)
          throw param_error(fmt::format("parameter '{}': {}.{}.* is not per device: {} applies to the whole platform", name, root_,
                                        scoped->group, scoped->name));
        if (std::find(instances.begin(), instances.end(), instance) == instances.end())
          throw param_error(fmt::format("parameter '{}': no instance named '{}' (instances: {}); {} applies to every one", name, instance,
                                        instances.empty() ? "none" : fmt::format("{}", fmt::join(instances, ", ")), scoped->name));
        e = scoped;
      }
    }
  }
  if (!e) throw param_error(fmt::format("unknown parameter '{}' (did you mean '{}'? vmsim --list-params lists them)", name, closest(name)));
  try {
    return e->info.parse(value);
  } catch (const param_error& x) {
    throw param_error(fmt::format("parameter '{}': {} ({}{}{})", name, x.what(), to_string(e->info.type),
                                  e->info.type == param_type::flag ? "" : ", " + e->info.range_text(),
                                  e->info.unit.empty() ? "" : " " + e->info.unit));
  }
}

json param_registry::check_assignments(const std::vector<std::string>& assignments, const std::vector<std::string>& instances) const {
  json out = json::object();
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) throw param_error(fmt::format("'{}' is not NAME=VALUE", a));
    const std::string name = trim(a.substr(0, eq));
    if (out.contains(name)) throw param_error(fmt::format("parameter '{}' given twice", name));
    out[name] = check(name, json(a.substr(eq + 1)), instances);
  }
  return out;
}

namespace {
// The default as --param takes it.
std::string default_text(const param_info& p) {
  switch (p.type) {
    case param_type::text: return p.default_value.dump();  // quoted: an empty string shows
    case param_type::choice: return p.default_value.get<std::string>();
    case param_type::count: return p.hex ? fmt::format("{:#x}", p.default_value.get<uint64_t>()) : p.default_value.dump();
    case param_type::real:
    case param_type::time: return number_text(p.default_value.get<double>());
    case param_type::flag: break;
  }
  return p.default_value.dump();
}
std::string md(std::string s) {  // a table cell: '|' would end it
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.insert(i, "\\");
  return s;
}
}  // namespace

std::string param_registry::text_table() const {
  std::vector<std::vector<std::string>> rows = {{"NAME", "TYPE", "DEFAULT", "UNIT", "RANGE", "DESCRIPTION"}};
  for (const auto& e : entries_)
    rows.push_back({e.name, to_string(e.info.type), default_text(e.info), e.info.unit, e.info.range_text(), e.info.description});
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], r[c].size());
  std::string s;
  for (const auto& r : rows) {
    for (size_t c = 0; c + 1 < r.size(); ++c) s += fmt::format("{:<{}}  ", r[c], w[c]);
    s += r.back() + "\n";
  }
  return s;
}

json param_registry::json_list() const {
  json a = json::array();
  for (const auto& e : entries_) {
    json p = {{"name", e.name}, {"group", e.group}, {"per_device", e.per_instance}, {"type", to_string(e.info.type)}, {"default", e.info.default_value},
              {"unit", e.info.unit}, {"description", e.info.description}, {"range", e.info.range_text()}};
    if (e.info.type == param_type::count) p.update({{"min", e.info.min}, {"max", e.info.max}});
    if (e.info.type == param_type::real || e.info.type == param_type::time) p.update({{"min", e.info.lo}, {"max", e.info.hi}});
    if (e.info.type == param_type::choice) p["choices"] = e.info.choices;
    if (e.info.type == param_type::text) p["max_length"] = e.info.max_length;
    a.push_back(p);
  }
  return a;
}

std::string param_registry::markdown_table() const {
  std::string s;
  std::string group;
  for (const auto& e : entries_) {
    if (e.group != group) {
      group = e.group;
      s += fmt::format("{}### `{}.{}.*`: {}\n\n{}| Name | Type | Default | Unit | Range | Description |\n|---|---|---|---|---|---|\n",
                       s.empty() ? "" : "\n", root_, group, e.group_description,
                       e.per_instance ? fmt::format("Per device: `{0}.{1}.NAME` sets every device's, `{0}.<device>.{1}.NAME` one device's.\n\n", root_, group)
                                      : fmt::format("The whole platform's: `{}.{}.NAME` only.\n\n", root_, group));
    }
    s += fmt::format("| `{}` | {} | `{}` | {} | {} | {} |\n", e.name, to_string(e.info.type), md(default_text(e.info)), e.info.unit,
                     md(e.info.range_text()), md(e.info.description));
  }
  return s;
}

}  // namespace vmsim
