#include "report.h"

#include <csv.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <vector>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

#include "scenario.h"
#include "vmsim/hyp/hypervisor.h"

namespace vmsim::app {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {
// The figure of merit of each workload: where it is in a result, its words and unit, which way is better;
// its throughput, and the latency histogram (if it has one) its p50/p99 come from.
struct workload_figures {
  const char* metric;      // results key path of the figure of merit ("round_trip.mean_ns")
  const char* label;       // in words, with its unit
  bool higher_is_better;
  const char* throughput;  // results key of the operations per second
  const char* latency;     // results key of the latency histogram, or ""
};
workload_figures figures_of(const std::string& workload) {
  if (workload == "micro") return {"round_trip.mean_ns", "round trip, mean (ns)", false, "round_trips_per_s", "round_trip"};
  if (workload == "rr" || workload == "mixed") return {"transactions_per_s", "transactions per second", true, "transactions_per_s", "transaction"};
  if (workload == "mq-rx") return {"received_pps", "received packets per second", true, "received_pps", ""};
  return {"iops", "I/O operations per second (IOPS)", true, "iops", "request"};
}

// Every exit cause the hypervisor counts, in its order (one home: hypervisor.h).
const std::vector<std::string> causes = [] {
  std::vector<std::string> c;
  for (size_t i = 0; i < static_cast<size_t>(exit_cause::count); ++i) c.push_back(to_string(static_cast<exit_cause>(i)));
  return c;
}();

// The headline figures: each gets a 95% interval when a point has several runs.
const std::vector<std::string> headline = {"value", "throughput", "p50_ns", "p99_ns"};

double at_path(const json& r, const std::string& path) {
  const json* j = &r;
  size_t from = 0;
  while (true) {
    const size_t dot = path.find('.', from);
    j = &j->at(path.substr(from, dot - from));
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  return j->get<double>();
}

// One run's figures, by name, in report order.
std::vector<std::pair<std::string, double>> figures(const json& result) {
  const auto& res = result.at("results");
  const workload_figures w = figures_of(result.at("scenario").at("workload"));
  std::vector<std::pair<std::string, double>> f = {{"value", at_path(res, w.metric)}, {"throughput", at_path(res, w.throughput)}};
  if (*w.latency && res.contains(w.latency)) {
    f.emplace_back("p50_ns", res[w.latency].at("p50_ns").get<double>());
    f.emplace_back("p99_ns", res[w.latency].at("p99_ns").get<double>());
  }
  f.emplace_back("exits_per_op", res.at("exits_per_op").get<double>());
  f.emplace_back("exit_ns_per_op", res.at("exit_ns_per_op").get<double>());
  for (const auto& c : causes) {
    const bool has = res.contains("exits") && res["exits"].contains(c);
    f.emplace_back(c + "_per_op", has ? res["exits"][c].at("per_op").get<double>() : 0.0);
    f.emplace_back(c + "_ns_per_op", has ? res["exits"][c].at("ns_per_op").get<double>() : 0.0);
  }
  f.emplace_back("interrupts", res.at("interrupts").get<double>());
  if (res.contains("loss")) f.emplace_back("loss", res["loss"].get<double>());
  // The busiest vCPU's share: a workload limited by the one vCPU that does its work shows it here.
  if (res.contains("vcpus") && !res["vcpus"].empty()) {
    double busiest = 0;
    for (const auto& v : res["vcpus"]) busiest = std::max(busiest, v.at("utilisation").get<double>());
    f.emplace_back("busiest_vcpu_utilisation", busiest);
  }
  return f;
}

// Mean and, for n >= 2, the 95% Student-t interval of the mean.
ordered_json stats(const std::vector<double>& x, bool interval) {
  const double n = static_cast<double>(x.size());
  double sum = 0;
  for (const double v : x) sum += v;
  const double mean = sum / n;
  ordered_json s = {{"mean", mean}};
  if (interval && x.size() >= 2) {
    double ss = 0;
    for (const double v : x) ss += (v - mean) * (v - mean);
    const double sd = std::sqrt(ss / (n - 1));
    const boost::math::students_t t(n - 1);
    const double half = boost::math::quantile(boost::math::complement(t, 0.025)) * sd / std::sqrt(n);
    s["ci95_low"] = mean - half;
    s["ci95_high"] = mean + half;
  }
  return s;
}

std::string num(double v) { return fmt::format("{}", v); }
// A figure as a table shows it: whole numbers from 100 up, else three significant digits.
std::string shown(double v) { return std::fabs(v) >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v); }

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

// One CSV field (RFC 4180): quoted by libcsv when it holds a separator, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out(s.size() * 2 + 2, '\0');
  out.resize(csv_write(out.data(), out.size(), s.data(), s.size()));
  return out;
}

// Text in a Markdown table cell: a '|' would end the cell, a line break the row.
std::string md(const std::string& s) {
  std::string out;
  for (const char c : s) out += c == '|' ? std::string("\\|") : c == '\n' || c == '\r' ? std::string(" ") : std::string(1, c);
  return out;
}

const ordered_json* find_point(const ordered_json& points, const ordered_json& vary) {
  for (const auto& p : points)
    if (p["vary"] == vary) return &p;
  return nullptr;
}

std::vector<std::string> varied_keys(const ordered_json& sweep) {
  std::vector<std::string> k;
  for (const auto& v : sweep["varied"]) k.push_back(v["key"]);
  return k;
}

std::string baseline_text(const ordered_json& baseline) {
  std::string s;
  for (const auto& [k, v] : baseline.items()) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, value_text(json(v)));
  return s;
}
}  // namespace

void summarise(ordered_json& sweep) {
  auto& points = sweep["points"];
  for (auto& p : points) {
    if (p["status"] != "ok") continue;
    std::vector<std::string> order;
    std::map<std::string, std::vector<double>> values;
    for (const auto& r : p["runs"])
      for (const auto& [name, v] : figures(json(r))) {
        if (!values.count(name)) order.push_back(name);
        values[name].push_back(v);
      }
    const std::string workload = p["runs"][0]["scenario"]["workload"];
    const workload_figures w = figures_of(workload);
    ordered_json figs = ordered_json::object();
    for (const auto& name : order)
      figs[name] = stats(values[name], std::find(headline.begin(), headline.end(), name) != headline.end());
    p["summary"] = {{"workload", workload}, {"metric", w.metric}, {"metric_label", w.label}, {"higher_is_better", w.higher_is_better},
                    {"runs", p["runs"].size()}, {"figures", figs}};
  }
  // The saving: against the point the baseline names with every other varied key the same.
  const ordered_json& baseline = sweep["baseline"];
  for (auto& p : points) {
    p["baseline"] = nullptr;
    p["saving_pct"] = nullptr;
    if (baseline.is_null() || p["status"] != "ok") continue;
    ordered_json vary = p["vary"];
    for (const auto& [k, v] : baseline.items()) vary[k] = v;
    const ordered_json* b = find_point(points, vary);
    if (!b || (*b)["status"] != "ok" || (*b)["summary"]["workload"] != p["summary"]["workload"]) continue;
    const double base = (*b)["summary"]["figures"]["value"]["mean"], v = p["summary"]["figures"]["value"]["mean"];
    if (!(base > 0)) continue;
    p["baseline"] = (*b)["name"];
    p["saving_pct"] = 100.0 * (p["summary"]["higher_is_better"].get<bool>() ? v / base - 1 : 1 - v / base);
  }
}

void write_results(const ordered_json& sweep, const std::string& dir) {
  {
    std::ofstream f(dir + "/results.json");
    f << sweep.dump(2) << '\n';
    if (!f.flush()) throw scenario_error(fmt::format("report: cannot write '{}/results.json'", dir));
  }
  const auto keys = varied_keys(sweep);
  // The scenario's own columns that no axis varies (an axis is a column of its own already).
  std::vector<std::string> fixed;
  for (const char* k : {"workload", "scheme", "profile", "notify", "notify_path", "transport_version", "vcpus", "queues"})
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) fixed.push_back(k);
  std::vector<std::string> header = {"name"};
  header.insert(header.end(), keys.begin(), keys.end());
  header.insert(header.end(), {"status", "error", "runs"});
  header.insert(header.end(), fixed.begin(), fixed.end());
  header.insert(header.end(), {"metric", "saving_pct", "baseline"});
  for (const auto& h : headline) header.insert(header.end(), {h, h + "_ci95_low", h + "_ci95_high"});
  header.insert(header.end(), {"exits_per_op", "exit_ns_per_op"});
  for (const auto& c : causes) header.insert(header.end(), {c + "_per_op", c + "_ns_per_op"});
  header.insert(header.end(), {"interrupts", "loss", "busiest_vcpu_utilisation"});
  std::ofstream f(dir + "/results.csv");
  auto row = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) f << (i ? "," : "") << csv_field(fields[i]);
    f << "\r\n";
  };
  row(header);
  for (const auto& p : sweep["points"]) {
    std::vector<std::string> r = {p["name"]};
    for (const auto& k : keys) r.push_back(value_text(json(p["vary"][k])));
    const bool ok = p["status"] == "ok";
    r.insert(r.end(), {p["status"], p.value("error", ""), ok ? std::to_string(p["runs"].size()) : "0"});
    const json scenario = ok ? json(p["runs"][0]["scenario"]) : json::object();
    for (const auto& k : fixed) r.push_back(scenario.contains(k) ? value_text(scenario[k]) : "");
    const ordered_json figs = ok ? p["summary"]["figures"] : ordered_json::object();
    r.push_back(ok ? p["summary"]["metric"].get<std::string>() : "");
    r.push_back(p["saving_pct"].is_null() ? "" : num(p["saving_pct"]));
    r.push_back(p["baseline"].is_null() ? "" : p["baseline"].get<std::string>());
    auto fig = [&](const std::string& name, const char* stat) {
      return figs.contains(name) && figs[name].contains(stat) ? num(figs[name][stat]) : std::string();
    };
    for (const auto& h : headline) r.insert(r.end(), {fig(h, "mean"), fig(h, "ci95_low"), fig(h, "ci95_high")});
    r.insert(r.end(), {fig("exits_per_op", "mean"), fig("exit_ns_per_op", "mean")});
    for (const auto& c : causes) r.insert(r.end(), {fig(c + "_per_op", "mean"), fig(c + "_ns_per_op", "mean")});
    r.insert(r.end(), {fig("interrupts", "mean"), fig("loss", "mean"), fig("busiest_vcpu_utilisation", "mean")});
    row(r);
  }
  if (!f.flush()) throw scenario_error(fmt::format("report: cannot write '{}/results.csv'", dir));
}

void write_markdown(const ordered_json& sweep, const std::string& dir, bool with_plots) {
  std::ofstream f(dir + "/report.md");
  const auto keys = varied_keys(sweep);
  const unsigned replications = sweep["replications"];
  const auto& points = sweep["points"];
  f << "# vmsim sweep report\n\n";
  f << fmt::format("Sweep `{}` (vmsim {}): {} design point{}", sweep["sweep"].get<std::string>().substr(0, 12),
                   sweep["tool_version"].get<std::string>(), points.size(), points.size() == 1 ? "" : "s");
  if (replications > 1) f << fmt::format(", each run {} times (seeds derived from the point's seed)", replications);
  f << ".\n\n";
  if (!keys.empty()) {
    f << "Varied keys (one column each):\n\n";
    for (const auto& v : sweep["varied"]) {
      std::string vals;
      for (const auto& x : v["values"]) vals += (vals.empty() ? "" : ", ") + value_text(json(x));
      f << "- `" << v["key"].get<std::string>() << "`: " << vals << '\n';
    }
    f << '\n';
  }
  f << "Fixed (the sweep's `base`; every other key has its default, docs/scenarios.md): `" << json(sweep["base"]).dump() << "`.\n\n";
  if (!sweep["exclude"].empty()) f << "Excluded combinations: `" << json(sweep["exclude"]).dump() << "`.\n\n";
  if (sweep["baseline"].is_null())
    f << "No saving column: no baseline (the sweep names none, and `scheme` does not vary over `legacy-wired`).\n\n";
  else
    f << "`saving`: the figure of merit against the point with " << baseline_text(sweep["baseline"])
      << " and the same value of every other varied key (positive: better; `-`: that point is not in the sweep or failed).\n\n";
  if (replications > 1)
    f << "Figures are means over the runs; `±` is the half-width of the 95% Student-t confidence interval of the mean.\n\n";
  f << "Exits are the hypervisor's, per operation (a round trip, a transaction, a packet, a request). `results.csv` has one "
       "row per point; `results.json` every run's full result (scenario, cost profile, tool version). The cost "
       "parameters and their sources: docs/latency-model.md.\n\n";
  std::vector<std::string> workloads;
  for (const auto& p : points)
    if (p["status"] == "ok" && std::find(workloads.begin(), workloads.end(), p["summary"]["workload"]) == workloads.end())
      workloads.push_back(p["summary"]["workload"]);
  for (const auto& workload : workloads) {
    const workload_figures w = figures_of(workload);
    std::vector<const ordered_json*> rows;
    for (const auto& p : points)
      if (p["status"] == "ok" && p["summary"]["workload"] == workload) rows.push_back(&p);
    auto fig = [](const ordered_json& p, const std::string& name) -> const ordered_json* {
      const auto& figs = p["summary"]["figures"];
      return figs.contains(name) ? &figs[name] : nullptr;
    };
    auto cell = [&](const ordered_json& p, const std::string& name) {
      const ordered_json* s = fig(p, name);
      if (!s) return std::string("-");
      std::string c = shown((*s)["mean"]);
      if (s->contains("ci95_high")) c += " ± " + shown((*s)["ci95_high"].get<double>() - (*s)["mean"].get<double>());
      return c;
    };
    bool latency = false;
    std::vector<std::string> shown_causes;  // the causes that occur somewhere in this table
    bool busiest = false;  // a workload with guest work on its vCPUs: the busiest one's share
    for (const auto* p : rows) latency = latency || fig(*p, "p50_ns");
    for (const auto* p : rows) busiest = busiest || fig(*p, "busiest_vcpu_utilisation");
    for (const auto& c : causes)
      for (const auto* p : rows)
        if (fig(*p, c + "_per_op") && (*fig(*p, c + "_per_op"))["mean"].get<double>() != 0) {
          shown_causes.push_back(c);
          break;
        }
    f << "## " << workload << ": " << w.label << (w.higher_is_better ? " (higher is better)" : " (lower is better)") << "\n\n|";
    std::string rule = "|";
    for (const auto& k : keys) f << ' ' << k << " |", rule += "---|";
    if (keys.empty()) f << " name |", rule += "---|";
    f << ' ' << w.label << " |", rule += "---:|";
    if (!sweep["baseline"].is_null()) f << " saving vs " << baseline_text(sweep["baseline"]) << " |", rule += "---:|";
    if (latency) f << " p50 (ns) | p99 (ns) |", rule += "---:|---:|";
    if (busiest) f << " busiest vCPU |", rule += "---:|";
    f << " exits/op | exit time/op (ns) |", rule += "---:|---:|";
    for (const auto& c : shown_causes) f << ' ' << c << "/op |", rule += "---:|";
    f << '\n' << rule << '\n';
    for (const auto* pp : rows) {
      const auto& p = *pp;
      f << '|';
      for (const auto& k : keys) f << ' ' << md(value_text(json(p["vary"][k]))) << " |";
      if (keys.empty()) f << ' ' << md(p["name"].get<std::string>()) << " |";
      f << ' ' << cell(p, "value") << " |";
      if (!sweep["baseline"].is_null()) {
        std::string s = "-";
        if (p["baseline"] == p["name"]) s = "baseline";
        else if (!p["saving_pct"].is_null()) s = fmt::format("{:+.1f}%", p["saving_pct"].get<double>());
        f << ' ' << s << " |";
      }
      if (latency) f << ' ' << cell(p, "p50_ns") << " | " << cell(p, "p99_ns") << " |";
      if (busiest) {
        const ordered_json* u = fig(p, "busiest_vcpu_utilisation");
        f << ' ' << (u ? fmt::format("{:.0f}%", 100 * (*u)["mean"].get<double>()) : std::string("-")) << " |";
      }
      f << ' ' << fmt::format("{:.2f}", (*fig(p, "exits_per_op"))["mean"].get<double>()) << " | " << cell(p, "exit_ns_per_op") << " |";
      for (const auto& c : shown_causes) f << ' ' << fmt::format("{:.2f}", (*fig(p, c + "_per_op"))["mean"].get<double>()) << " |";
      f << '\n';
    }
    if (with_plots)
      f << "\n![" << workload << ": " << w.label << "](" << workload << "-metric.svg)\n\n![" << workload
        << ": hypervisor time per operation by exit cause](" << workload << "-exits.svg)\n";
    f << '\n';
  }
  bool any_bad = false;
  for (const auto& p : points) any_bad = any_bad || p["status"] != "ok";
  if (any_bad) {
    f << "## Failed or missing points\n\n| point | status | error |\n|---|---|---|\n";
    for (const auto& p : points)
      if (p["status"] != "ok")
        f << "| " << md(p["name"]) << " | " << p["status"].get<std::string>() << " | " << md(p["error"]) << " |\n";
    f << '\n';
  }
  if (!f.flush()) throw scenario_error(fmt::format("report: cannot write '{}/report.md'", dir));
}

}  // namespace vmsim::app
