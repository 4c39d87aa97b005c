// vmsim: runs virtio-mmio interrupt/notification design points and reports what each costs.
//   vmsim [options]                       one scenario from the options (see --help)
//   vmsim --scenario point.json           one scenario from a file (options override nothing: the file rules)
//   vmsim --sweep grid.json --out-dir D   a grid of scenarios in parallel processes -> D/results.{json,csv}, report.md
//   vmsim --validate                      the TCP_RR validation against the published virtio-mmio MSI figures
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/ranges.h>
#include <systemc>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "vmsim/irq/scheme_factory.h"

using namespace vmsim;
using namespace vmsim::app;
using nlohmann::json;

namespace {
std::string self_path;

std::vector<std::string> profile_names(const std::map<std::string, cost_profile>& p) {
  std::vector<std::string> n;
  for (const auto& kv : p) n.push_back(kv.first);
  return n;
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw scenario_error(fmt::format("cannot open '{}'", path));
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw scenario_error(fmt::format("'{}' is not JSON: {}", path, e.what()));
  }
}

// Runs `args` of this executable in child processes, `jobs` at a time; a child still running after
// `timeout_s` is killed. Returns one line per failed child ("" when it succeeded), in command order.
std::vector<std::string> run_children(const std::vector<std::vector<std::string>>& commands, unsigned jobs,
                                      double timeout_s, bool quiet) {
  using clock = std::chrono::steady_clock;
  struct child {
    size_t index;
    clock::time_point deadline;
    bool killed = false;
  };
  std::map<pid_t, child> running;
  std::vector<std::string> failed(commands.size());
  size_t next = 0, done = 0;
  const auto timeout = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(timeout_s));
  while (done < commands.size()) {
    while (running.size() < jobs && next < commands.size()) {
      std::vector<char*> argv;  // an argv, never a shell command: no argument is ever interpreted
      argv.push_back(const_cast<char*>(self_path.c_str()));
      for (const auto& a : commands[next]) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      pid_t pid;
      if (const int e = posix_spawn(&pid, self_path.c_str(), nullptr, nullptr, argv.data(), environ); e != 0) {
        failed[next] = fmt::format("cannot start '{}': {}", self_path, std::strerror(e));
        ++done;
      } else {
        running[pid] = {next, clock::now() + timeout};
      }
      ++next;
    }
    int status = 0;
    const pid_t pid = running.empty() ? 0 : waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running.count(pid)) {
      const child c = running[pid];
      running.erase(pid);
      ++done;
      if (c.killed) failed[c.index] = fmt::format("killed after {} s (--point-timeout-s)", timeout_s);
      else if (WIFSIGNALED(status)) failed[c.index] = fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
      else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed[c.index] = fmt::format("exit code {}", WEXITSTATUS(status));
      if (!quiet) std::fprintf(stderr, "\rsweep: %zu/%zu design points done", done, commands.size());
      continue;
    }
    const auto now = clock::now();
    for (auto& [p, c] : running)
      if (!c.killed && now >= c.deadline) {
        kill(p, SIGKILL);
        c.killed = true;
      }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!quiet) std::fprintf(stderr, "\n");
  return failed;
}

void make_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw scenario_error(fmt::format("--out-dir: cannot create '{}': {}", dir.string(), ec.message()));
}

// The plots: python3 with the script and the directory as its argv (no shell), its stderr discarded.
bool draw_plots(const std::string& out_dir) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {VMSIM_PYTHON, VMSIM_PLOT_SCRIPT, out_dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  const int e = posix_spawn(&pid, VMSIM_PYTHON, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  return e == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

constexpr size_t max_sweep_points = 10000;

int sweep(const std::string& grid_file, const std::string& out_dir, unsigned jobs, double timeout_s,
          const std::string& profiles_file, const std::vector<std::string>& profiles,
          const std::map<std::string, cost_profile>& all_profiles) {
  const json grid = read_json(grid_file);
  if (!grid.is_object()) throw scenario_error("sweep: expected a JSON object {\"base\": {...}, \"grid\": {...}}");
  for (const auto& [k, v] : grid.items())
    if (k != "base" && k != "grid") throw scenario_error(fmt::format("sweep: unknown key '{}' (allowed: base, grid)", k));
  const json base = grid.contains("base") ? grid["base"] : json::object();
  const json axes = grid.contains("grid") ? grid["grid"] : json::object();
  if (!base.is_object()) throw scenario_error("sweep.base: expected an object");
  if (!axes.is_object()) throw scenario_error("sweep.grid: expected an object {key: [values]}");
  // The size of the product first: it is capped before anything is expanded.
  size_t count = 1;
  for (const auto& [key, values] : axes.items()) {
    if (!values.is_array() || values.empty()) throw scenario_error(fmt::format("sweep.grid.{}: expected a non-empty array", key));
    count = values.size() > max_sweep_points / count ? max_sweep_points + 1 : count * values.size();
  }
  if (count > max_sweep_points) {
    std::string sizes;  // the axes' sizes, so the message says what the product is
    for (const auto& [key, values] : axes.items()) sizes += fmt::format("{}{} {}", sizes.empty() ? "" : " x ", values.size(), key);
    throw scenario_error(fmt::format("sweep.grid: {} design points (more than {}): at most {}", sizes, max_sweep_points, max_sweep_points));
  }
  std::vector<json> points = {base};
  for (const auto& [key, values] : axes.items()) {
    std::vector<json> expanded;
    for (const auto& p : points)
      for (const auto& v : values) {
        json q = p;
        // "profile_params.KEY" varies one cost-profile entry (a sensitivity analysis).
        if (key.rfind("profile_params.", 0) == 0) q["profile_params"][key.substr(15)] = v;
        else q[key] = v;
        expanded.push_back(q);
      }
    points = expanded;
  }
  const std::filesystem::path dir(out_dir);
  make_directory(dir / "points");
  std::vector<std::vector<std::string>> commands;
  std::vector<std::filesystem::path> outputs;
  for (size_t i = 0; i < points.size(); ++i) {
    auto& p = points[i];
    try {
      const scenario s = parse_scenario(p, profiles);  // every point is checked before any runs
      profile_for(all_profiles, s);
      if (!p.contains("name"))
        p["name"] = fmt::format("{}-{}-{}{}", s.workload, s.scheme, s.profile, s.notify == "doorbell" ? "-doorbell" : "");
    } catch (const scenario_error& e) {
      throw scenario_error(fmt::format("sweep point {} ({}): {}", i, p.dump(), e.what()));
    }
    const auto in = dir / "points" / fmt::format("{:03}.json", i), out = dir / "points" / fmt::format("{:03}.result.json", i);
    std::error_code ec;
    std::filesystem::remove(out, ec);  // a result is never read from an earlier sweep's file
    if (ec) throw scenario_error(fmt::format("--out-dir: cannot remove the stale '{}': {}", out.string(), ec.message()));
    std::ofstream f(in);
    f << p.dump(2);
    if (!f.flush()) throw scenario_error(fmt::format("--out-dir: cannot write '{}'", in.string()));
    commands.push_back({"--scenario", in.string(), "--out", out.string(), "--quiet", "--profiles", profiles_file});
    outputs.push_back(out);
  }
  std::fprintf(stderr, "sweep: %zu design points, %u at a time\n", points.size(), jobs);
  const auto failed = run_children(commands, jobs, timeout_s, false);
  json results = json::array();
  size_t failures = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!failed[i].empty()) {
      ++failures;
      std::fprintf(stderr, "sweep: point %zu (%s) FAILED: %s\n", i, points[i]["name"].get<std::string>().c_str(), failed[i].c_str());
      continue;
    }
    results.push_back(read_json(outputs[i].string()));
  }
  std::ofstream(dir / "results.json") << results.dump(2);
  write_csv(results, (dir / "results.csv").string());
  const bool plots = draw_plots(out_dir);
  write_markdown(results, out_dir, plots);
  std::printf("%s/report.md: %zu design points%s%s\n", out_dir.c_str(), results.size(), plots ? ", with plots" : " (no plots: python3-matplotlib missing)",
              failures ? fmt::format(", {} FAILED", failures).c_str() : "");
  return failures ? 1 : 0;
}

void print_summary(const json& result) {
  const auto& s = result["scenario"];
  const auto& r = result["results"];
  std::printf("%s: workload %s, scheme %s, profile %s, notify %s, transport v%u\n", s["name"].get<std::string>().c_str(),
              s["workload"].get<std::string>().c_str(), s["scheme"].get<std::string>().c_str(),
              s["profile"].get<std::string>().c_str(), s["notify"].get<std::string>().c_str(), s["transport_version"].get<unsigned>());
  for (const char* h : {"round_trip", "transaction", "request"})
    if (r.contains(h))
      std::printf("  %s: mean %.0f ns, p50 %.0f ns, p90 %.0f ns, p99 %.0f ns, p99.9 %.0f ns (%llu)\n", h,
                  r[h]["mean_ns"].get<double>(), r[h]["p50_ns"].get<double>(), r[h]["p90_ns"].get<double>(),
                  r[h]["p99_ns"].get<double>(), r[h]["p999_ns"].get<double>(), r[h]["count"].get<unsigned long long>());
  for (const char* m : {"round_trips_per_s", "transactions_per_s", "received_pps", "iops", "loss"})
    if (r.contains(m)) std::printf("  %s: %.3f\n", m, r[m].get<double>());
  std::printf("  exits per operation: %.2f (%.0f ns)\n", r["exits_per_op"].get<double>(), r["exit_ns_per_op"].get<double>());
  for (const auto& [cause, e] : r["exits"].items())
    if (e["count"].get<uint64_t>())
      std::printf("    %-14s %6.2f per op, %8.0f ns per op\n", cause.c_str(), e["per_op"].get<double>(), e["ns_per_op"].get<double>());
  if (r.contains("driver"))
    std::printf("  driver: %llu interrupts, %.1f reads + %.1f writes per ISR, kick-to-interrupt mean %.0f ns\n",
                r["driver"]["interrupts"].get<unsigned long long>(), r["driver"]["isr_reads_per_interrupt"].get<double>(),
                r["driver"]["isr_writes_per_interrupt"].get<double>(), r["driver"]["kick_to_irq"]["mean_ns"].get<double>());
  std::printf("  simulated time %.0f us\n", r["simulated_ns"].get<double>() / 1000);
}

// The netperf TCP_RR comparison of the MSI patch (virtio-pci 9536/9734/9894 trans/s, virtio-mmio legacy
// 6939/7029/7095, virtio-mmio with MSI 9500/9749/9318): predicts the two ratios without any tuning.
int validate(double duration_us, double timeout_s, const std::string& profiles_file, const std::string& out_dir) {
  make_directory(out_dir);
  const std::vector<std::string> schemes = {"legacy-wired", "msi-v2", "pci-msix-reference"};
  std::vector<std::vector<std::string>> commands;
  for (const auto& s : schemes)
    commands.push_back({"--workload", "rr", "--scheme", s, "--profile", "x86-kvm", "--duration-us",
                        fmt::format("{}", duration_us), "--out", out_dir + "/rr-" + s + ".json", "--quiet", "--profiles", profiles_file});
  const auto failed = run_children(commands, 2, timeout_s, true);
  for (size_t i = 0; i < failed.size(); ++i)
    if (!failed[i].empty()) {
      std::fprintf(stderr, "validate: the %s run failed: %s\n", schemes[i].c_str(), failed[i].c_str());
      return 1;
    }
  std::map<std::string, double> tps;
  for (const auto& s : schemes) tps[s] = read_json(out_dir + "/rr-" + s + ".json")["results"]["transactions_per_s"];
  const double pub_pci = (9536 + 9734 + 9894) / 3.0, pub_legacy = (6939 + 7029 + 7095) / 3.0, pub_msi = (9500 + 9749 + 9318) / 3.0;
  const double legacy_ratio = tps["legacy-wired"] / tps["pci-msix-reference"], msi_ratio = tps["msi-v2"] / tps["pci-msix-reference"];
  std::printf("TCP_RR (32/1024 bytes), x86-kvm profile, %.0f us simulated per scheme\n", duration_us);
  std::printf("  %-20s %10s %10s\n", "scheme", "model", "published");
  std::printf("  %-20s %10.0f %10.0f\n", "virtio-pci (ref)", tps["pci-msix-reference"], pub_pci);
  std::printf("  %-20s %10.0f %10.0f\n", "mmio legacy", tps["legacy-wired"], pub_legacy);
  std::printf("  %-20s %10.0f %10.0f\n", "mmio msi", tps["msi-v2"], pub_msi);
  std::printf("  ratio mmio-legacy/pci: predicted %.3f, published %.3f\n", legacy_ratio, pub_legacy / pub_pci);
  std::printf("  ratio mmio-msi/pci:    predicted %.3f, published %.3f\n", msi_ratio, pub_msi / pub_pci);
  const bool ordered = tps["legacy-wired"] < tps["msi-v2"] && tps["msi-v2"] <= tps["pci-msix-reference"] * 1.0001;
  std::printf("  ordering legacy < MSI <= PCI: %s\n", ordered ? "holds" : "VIOLATED");
  return ordered ? 0 : 1;
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  self_path = argv[0];
  const scenario defaults;
  scenario s;
  std::string scenario_file, out_file, sweep_file, out_dir = "build/reports/sweep", profiles_file = VMSIM_PROFILES;
  unsigned jobs = 2;
  double point_timeout_s = 600;
  bool quiet = false, list = false, do_validate = false;
  CLI::App app{"vmsim: virtio-mmio interrupt and notification design points on a SystemC/TLM-2.0 virtual platform.\n"
               "Runs one scenario (options or --scenario), a sweep (--sweep), or the TCP_RR validation (--validate)."};
  app.add_option("--scenario", scenario_file, "scenario JSON file (docs/scenarios.md)")->check(CLI::ExistingFile);
  app.add_option("--sweep", sweep_file, "sweep JSON file: {\"base\": {...}, \"grid\": {key: [values]}}")->check(CLI::ExistingFile);
  app.add_option("--out-dir", out_dir, "sweep/validation output directory")->capture_default_str();
  app.add_option("--jobs", jobs, "design points run in parallel")->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--point-timeout-s", point_timeout_s, "sweep/validation: a design point still running after this is killed and failed")
      ->capture_default_str();
  app.add_flag("--validate", do_validate, "TCP_RR validation against the published MSI patch figures");
  app.add_option("--out", out_file, "write the result JSON here (default: print a summary)");
  app.add_option("--profiles", profiles_file, "cost profiles JSON")->check(CLI::ExistingFile)->capture_default_str();
  app.add_flag("--list-profiles", list, "list the cost profiles and exit");
  std::string describe;
  app.add_option("--describe-profile", describe, "print a profile's every entry, distribution and source (Markdown) and exit");
  app.add_flag("--quiet", quiet, "no progress line");
  app.add_option("--workload", s.workload, "micro | rr | mq-rx | blk")->capture_default_str();
  app.add_option("--scheme", s.scheme, "interrupt scheme: " + fmt::format("{}", fmt::join(interrupt_scheme_names(), " | ")))->capture_default_str();
  app.add_option("--profile", s.profile, "cost profile")->capture_default_str();
  app.add_option("--notify", s.notify, "queue-notify | doorbell")->capture_default_str();
  app.add_option("--notify-path", s.notify_path, "where a kick goes: kernel (ioeventfd) | user (exits to the VMM) | mapped (doorbells: no exit)")->capture_default_str();
  app.add_option("--decoder", s.decoder, "doorbell decoder: reference | rtl")->capture_default_str();
  app.add_option("--timeline", s.timeline, "write a Perfetto/Chrome JSON timeline of exits and ISRs");
  // ---- traces (perf): a window of the timeline, and a VCD of the interrupt wires and doorbells ----
  std::string timeline_window;
  app.add_option("--timeline-window", timeline_window, "only [START_US, END_US) of the run in the --timeline")
      ->type_name("START_US:END_US");
  app.add_option("--vcd", s.vcd, "write a VCD of every interrupt wire and doorbell (kick counter per queue)");
  // ---- end of traces ----
  std::vector<std::string> profile_params;
  app.add_option("--profile-param", profile_params,
                 "KEY=VALUE: change one cost-profile entry for this run (repeatable), e.g. storage_channels=3 or "
                 "'host_wakeup_ns={\"mean\":5000,\"dist\":\"exponential\"}'")->type_name("KEY=VALUE");
  // Numbers are taken as text and read as JSON numbers: the command line is range-checked by the same code
  // as a scenario file (no wrap of 4294967297, no negative unsigned, no undefined float-to-int cast).
  std::map<std::string, std::string> numbers;
  const json default_json = defaults.to_json();
  for (const auto& [key, help] : std::vector<std::pair<std::string, std::string>>{
           {"transport_version", "1 legacy, 2 modern"}, {"vcpus", "vCPUs"}, {"queues", "net queue pairs / blk queues"},
           {"queue_depth", "blk requests in flight"}, {"requests", "micro: round trips"},
           {"duration_us", "rr / mq-rx / blk: simulated time"}, {"rate_pps", "mq-rx: packets/s per queue"}, {"seed", "seed"},
           {"quantum_ns", "vCPU quantum: how far a vCPU may run ahead of the kernel"},
           {"ram_size", "guest RAM bytes (the drivers' areas must fit)"}}) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    app.add_option(flag, numbers[key], help)->type_name("NUMBER")->default_str(default_json[key].dump());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  try {
    if (!(point_timeout_s >= 1 && point_timeout_s <= 1e6))
      throw scenario_error(fmt::format("--point-timeout-s: {} outside 1..1000000", point_timeout_s));
    const auto profiles = load_cost_profiles(profiles_file);
    const auto names = profile_names(profiles);
    if (!describe.empty()) {
      try {
        std::fputs(describe_markdown(find_profile(profiles, describe)).c_str(), stdout);
      } catch (const std::runtime_error& e) {
        throw scenario_error(fmt::format("--describe-profile: {}", e.what()));
      }
      return 0;
    }
    if (list) {
      for (const auto& [n, p] : profiles) std::printf("%-12s %s\n", n.c_str(), p.description.c_str());
      return 0;
    }
    if (!sweep_file.empty()) return sweep(sweep_file, out_dir, jobs, point_timeout_s, profiles_file, names, profiles);
    if (!scenario_file.empty()) {
      s = parse_scenario(read_json(scenario_file), names);
    } else {
      json j = s.to_json();
      for (const auto& k : numeric_keys()) j.erase(k);
      for (const auto& [key, text] : numbers) {
        if (text.empty()) continue;
        json v = json::parse(text, nullptr, false);
        if (!v.is_number()) throw scenario_error(fmt::format("scenario.{}: '{}' is not a number", key, text));
        j[key] = v;
      }
      if (!timeline_window.empty()) {  // traces (perf): START_US:END_US, checked as scenario.timeline_window_us
        const auto colon = timeline_window.find(':');
        const json a = json::parse(timeline_window.substr(0, colon), nullptr, false);
        const json b = colon == std::string::npos ? json() : json::parse(timeline_window.substr(colon + 1), nullptr, false);
        if (!a.is_number() || !b.is_number())
          throw scenario_error(fmt::format("--timeline-window: '{}' is not START_US:END_US", timeline_window));
        j["timeline_window_us"] = {a, b};
      }
      s = parse_scenario(j, names);
    }
    if (do_validate) return validate(s.duration_us, point_timeout_s, profiles_file, out_dir);
    for (const auto& kv : profile_params) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw scenario_error(fmt::format("--profile-param: '{}' is not KEY=VALUE", kv));
      const json v = json::parse(kv.substr(eq + 1), nullptr, false);
      if (v.is_discarded()) throw scenario_error(fmt::format("--profile-param: '{}': the value is not JSON (a number, true/false, a quoted string or an object)", kv));
      s.profile_params[kv.substr(0, eq)] = v;
    }
    const json result = run_scenario(s, profile_for(profiles, s), !quiet);
    if (!out_file.empty()) {
      std::ofstream f(out_file);
      f << result.dump(2);
      if (!f.flush()) throw std::runtime_error(fmt::format("--out: cannot write '{}'", out_file));
    } else {
      print_summary(result);
    }
    return 0;
  } catch (const scenario_error& e) {
    std::fprintf(stderr, "vmsim: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vmsim: %s\n", e.what());
    return 1;
  }
}

// Our own main (it takes precedence over libsystemc's) so the banner is off before the kernel starts.
int main(int argc, char* argv[]) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
