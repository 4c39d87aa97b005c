#include "report.h"

#include <vector>

#include "vmsim/hyp/hypervisor.h"
#include "vmsim/irq/scheme_table.h"

#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

namespace vmsim::app {

using nlohmann::json;

namespace {
// The figure of merit of each workload: its name, unit, and whether larger is better.
struct metric {
  const char* key;
  const char* label;
  bool higher_is_better;
};
metric metric_of(const std::string& workload) {
  if (workload == "micro") return {"round_trip_mean_ns", "round trip (ns, mean)", false};
  if (workload == "rr") return {"transactions_per_s", "transactions/s", true};
  if (workload == "mq-rx") return {"received_pps", "received packets/s", true};
  return {"iops", "IOPS", true};
}
double value_of(const json& r, const std::string& workload) {
  const auto& res = r.at("results");
  if (workload == "micro") return res.at("round_trip").at("mean_ns").get<double>();
  if (workload == "rr") return res.at("transactions_per_s").get<double>();
  if (workload == "mq-rx") return res.at("received_pps").get<double>();
  return res.at("iops").get<double>();
}
// Every exit cause the hypervisor counts, in its order (one home: hypervisor.h).
const std::vector<const char*> causes = [] {
  std::vector<const char*> c;
  for (size_t i = 0; i < static_cast<size_t>(exit_cause::count); ++i) c.push_back(to_string(static_cast<exit_cause>(i)));
  return c;
}();
}  // namespace

void write_csv(const json& results, const std::string& path) {
  std::ofstream f(path);
  f << "name,workload,scheme,profile,notify,transport_version,vcpus,queues,metric,value,p50_ns,p99_ns,exits_per_op,exit_ns_per_op";
  for (const char* c : causes) f << ',' << c << "_per_op," << c << "_ns_per_op";
  f << ",interrupts,loss\n";
  for (const auto& r : results) {
    const auto& s = r.at("scenario");
    const auto& res = r.at("results");
    const std::string w = s.at("workload");
    double p50 = 0, p99 = 0;
    for (const char* h : {"round_trip", "transaction", "request"})
      if (res.contains(h)) p50 = res[h]["p50_ns"], p99 = res[h]["p99_ns"];
    f << s.at("name").get<std::string>() << ',' << w << ',' << s.at("scheme").get<std::string>() << ','
      << s.at("profile").get<std::string>() << ',' << s.at("notify").get<std::string>() << ',' << s.at("transport_version")
      << ',' << s.at("vcpus") << ',' << s.at("queues") << ',' << metric_of(w).key << ',' << value_of(r, w) << ',' << p50
      << ',' << p99 << ',' << res.at("exits_per_op") << ',' << res.at("exit_ns_per_op");
    for (const char* c : causes) f << ',' << res["exits"][c]["per_op"] << ',' << res["exits"][c]["ns_per_op"];
    f << ',' << res.at("interrupts") << ',' << (res.contains("loss") ? res["loss"].get<double>() : 0.0) << '\n';
  }
}

void write_markdown(const json& results, const std::string& dir, bool with_plots) {
  std::ofstream f(dir + "/report.md");
  f << "# vmsim sweep report\n\n"
       "Each row is one design point run in its own process (`results.json` holds every figure, `results.csv` the "
       "table). Exits are the hypervisor's, per operation (a round trip, a transaction, a packet, a request); "
       "`saving` compares with `legacy-wired` on the same workload and profile (positive: better). The cost "
       "parameters and their sources are in docs/latency-model.md.\n\n";
  std::map<std::pair<std::string, std::string>, std::vector<const json*>> groups;  // (workload, profile) -> runs
  for (const auto& r : results) groups[{r["scenario"]["workload"], r["scenario"]["profile"]}].push_back(&r);
  for (const auto& [key, runs] : groups) {
    const auto& [workload, profile] = key;
    const metric m = metric_of(workload);
    double legacy = 0;
    for (const json* r : runs)
      if ((*r)["scenario"]["scheme"] == baseline_scheme && (*r)["scenario"]["notify"] == "queue-notify") legacy = value_of(*r, workload);
    f << "## " << workload << " on " << profile << "\n\n";
    f << "| scheme | notify | " << m.label << " | saving vs legacy-wired | exits/op | exit time/op (ns) |";
    for (const char* c : causes) f << ' ' << c << " |";
    f << "\n|---|---|---|---|---|---|";
    for (size_t i = 0; i < causes.size(); ++i) f << "---|";
    f << '\n';
    for (const json* rp : runs) {
      const auto& r = *rp;
      const auto& res = r["results"];
      const double v = value_of(r, workload);
      std::string saving = "-";
      if (legacy > 0) saving = fmt::format("{:+.1f}%", 100.0 * (m.higher_is_better ? v / legacy - 1 : 1 - v / legacy));
      f << "| " << r["scenario"]["scheme"].get<std::string>() << " | " << r["scenario"]["notify"].get<std::string>()
        << " | " << fmt::format("{:.0f}", v) << " | " << saving << " | "
        << fmt::format("{:.2f}", res["exits_per_op"].get<double>()) << " | "
        << fmt::format("{:.0f}", res["exit_ns_per_op"].get<double>()) << " |";
      for (const char* c : causes) f << ' ' << fmt::format("{:.2f}", res["exits"][c]["per_op"].get<double>()) << " |";
      f << '\n';
    }
    if (workload == "micro" || workload == "rr") {
      f << "\nLatency percentiles:\n\n| scheme | p50 (ns) | p99 (ns) |\n|---|---|---|\n";
      for (const json* rp : runs) {
        const auto& res = (*rp)["results"];
        const auto& h = res.contains("round_trip") ? res["round_trip"] : res["transaction"];
        f << "| " << (*rp)["scenario"]["scheme"].get<std::string>() << " | " << fmt::format("{:.0f}", h["p50_ns"].get<double>())
          << " | " << fmt::format("{:.0f}", h["p99_ns"].get<double>()) << " |\n";
      }
    }
    if (with_plots) {
      const std::string stem = workload + "-" + profile;
      f << "\n![" << workload << " breakdown](" << stem << "-breakdown.svg)\n\n![" << workload << " "
        << m.label << "](" << stem << "-metric.svg)\n";
    }
    f << '\n';
  }
}

}  // namespace vmsim::app
