// vmsim: runs virtio-mmio interrupt/notification design points and reports what each costs.
//   vmsim [options]                       one scenario from the options (see --help)
//   vmsim --scenario point.json           one scenario from a file (scenario options given as well override its fields)
//   vmsim --sweep grid.json --out-dir D   a grid of scenarios in parallel processes -> D/results.{json,csv}, report.md
//                                         (--shard i/N, --dry-run, --replications R: sweep.h)
//   vmsim report D [D...]                 merges a sweep's output directories (shards) into D/report.md
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

#include "files.h"
#include "model_params.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "sweep.h"
#include "vmsim/common/report_ids.h"
#include "vmsim/irq/scheme_factory.h"
#include "vmsim/version.h"

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

void print_summary(const json& result) {
  const auto& s = result["scenario"];
  const auto& r = result["results"];
  std::printf("%s: workload %s, scheme %s, profile %s, notify %s, transport v%u (vmsim %s)\n", s["name"].get<std::string>().c_str(),
              s["workload"].get<std::string>().c_str(), s["scheme"].get<std::string>().c_str(),
              s["profile"].get<std::string>().c_str(), s["notify"].get<std::string>().c_str(), s["transport_version"].get<unsigned>(),
              result["tool_version"].get<std::string>().c_str());
  if (s.contains("params") && !s["params"].empty()) {  // the model parameters this run set (--param)
    std::printf("  params:");
    for (const auto& [name, v] : s["params"].items()) std::printf(" %s=%s", name.c_str(), v.dump().c_str());
    std::printf("\n");
  }
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
  // Where the time went: each vCPU's and each host resource's busy share (a saturated one is the bottleneck).
  if (r.contains("vcpus")) {
    std::printf("  vCPU utilisation:");
    for (const auto& v : r["vcpus"]) std::printf(" %u:%.0f%%", v["vcpu"].get<unsigned>(), 100 * v["utilisation"].get<double>());
    std::printf("\n");
  }
  if (r.contains("resources") && !r["resources"].empty()) std::printf("  host resources:\n");
  if (r.contains("resources"))
    for (const auto& x : r["resources"])
      std::printf("    %-22s %5.1f%% busy, %llu jobs, wait mean %.0f ns, p99 %.0f ns\n", x["name"].get<std::string>().c_str(),
                  100 * x["utilisation"].get<double>(), x["jobs"].get<unsigned long long>(), x["wait_mean_ns"].get<double>(),
                  x["wait_p99_ns"].get<double>());
  // Several devices (scenario.devices, workload mixed): each one's interrupts, and what a shared line costs.
  if (r.contains("devices")) {
    std::printf("  devices:\n");
    for (const auto& d : r["devices"])
      std::printf("    %-10s %s line %u%s, %llu operations, %llu interrupts (+%llu another sharer's)\n",
                  d["name"].get<std::string>().c_str(), d["type"].get<std::string>().c_str(), d["line"].get<unsigned>(),
                  d["shared_line"].get<bool>() ? " (shared)" : "", d["operations"].get<unsigned long long>(),
                  d["interrupts"].get<unsigned long long>(), d.value("others_interrupts", 0ull));
    const auto& sh = r["shared_isr"];
    std::printf("  shared line: %llu interrupts, %llu ISR calls that found nothing, %llu extra status reads (%.2f per interrupt)\n",
                sh["interrupts"].get<unsigned long long>(), sh["idle_isr_calls"].get<unsigned long long>(),
                sh["extra_status_reads"].get<unsigned long long>(), sh["extra_reads_per_interrupt"].get<double>());
  }
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
  const auto failed = run_children(self_path, commands, 2, timeout_s);
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
  const scenario defaults;
  scenario s;
  std::string scenario_file, out_file, sweep_file, out_dir = "build/reports/sweep", profiles_file;
  unsigned jobs = 2;
  double point_timeout_s = 600;
  bool quiet = false, list = false, do_validate = false;
  CLI::App app{"vmsim: virtio-mmio interrupt and notification design points on a SystemC/TLM-2.0 virtual platform.\n"
               "Runs one scenario (options or --scenario), a sweep (--sweep), or the TCP_RR validation (--validate)."};
  app.set_version_flag("--version", fmt::format("vmsim {}{}", vmsim::version, *vmsim::git_describe ? fmt::format(" (git {})", vmsim::git_describe) : ""),
                       "print the version and exit");
  app.footer("A scenario option given with --scenario overrides that field of the file (--profile-param: that entry of\n"
             "its profile_params). Data (cost profiles, sweeps, plot script): <prefix>/share/vmsim, or $VMSIM_DATA_DIR.\n"
             "Exit codes: 0 ok; 1 the run failed (a driver or device error, a failed sweep point, an output write\n"
             "error); 2 bad input (option, scenario, --param, profile or output path), with a message naming it.\n");
  app.add_option("--scenario", scenario_file, "scenario JSON file (docs/scenarios.md); scenario options given as well override its fields")
      ->check(CLI::ExistingFile);
  app.add_option("--sweep", sweep_file, "sweep JSON file: {\"base\": {...}, \"grid\": {key: [values]}}")->check(CLI::ExistingFile);
  app.add_option("--out-dir", out_dir, "sweep/validation output directory")->capture_default_str();
  app.add_option("--jobs", jobs, "design points run in parallel")->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--point-timeout-s", point_timeout_s, "sweep/validation: a design point still running after this is killed and failed")
      ->capture_default_str();
  app.add_flag("--validate", do_validate, "TCP_RR validation against the published MSI patch figures");
  app.add_option("--out", out_file, "write the result JSON here (default: print a summary)");
  app.add_option("--profiles", profiles_file, "cost profiles JSON")->check(CLI::ExistingFile)->default_str("<data>/cost-profiles.json");
  app.add_flag("--list-profiles", list, "list the cost profiles and exit");
  std::string describe;
  app.add_option("--describe-profile", describe, "print a profile's every entry, distribution and source (Markdown) and exit");
  app.add_flag("--quiet", quiet, "nothing but errors on stderr (progress is drawn only on a terminal anyway)");
  sweep_options sweep_opts;  // --shard, --dry-run, --replications and `vmsim report DIR...` (sweep.cpp)
  add_sweep_options(app, sweep_opts);
  // The scenario's keys as options: alone they make the scenario, with --scenario they override its fields.
  struct scenario_option {
    std::string key;
    CLI::Option* option;
    bool number;
  };
  std::vector<scenario_option> scenario_options;
  std::map<std::string, std::string> texts;  // each option's text, by scenario key
  const json default_json = defaults.to_json();
  for (const auto& [key, help] : std::vector<std::pair<std::string, std::string>>{
           {"workload", "micro | rr | mq-rx | blk | mixed"},
           {"scheme", "interrupt scheme: " + fmt::format("{}", fmt::join(interrupt_scheme_names(), " | "))},
           {"profile", "cost profile"}, {"notify", "queue-notify | doorbell"},
           {"notify_path", "where a kick goes: kernel (ioeventfd) | user (exits to the VMM) | mapped (doorbells: no exit)"},
           {"decoder", "doorbell decoder: reference | rtl"},
           {"timeline", "write a Perfetto/Chrome JSON timeline of exits, ISRs, the device, virtqueues and back-ends"},
           {"vcd", "write a VCD of every interrupt wire and doorbell (kick counter per queue)"}}) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    scenario_options.push_back({key, app.add_option(flag, texts[key], help)->default_str(default_json[key].get<std::string>()), false});
  }
  std::string timeline_window;  // scenario.timeline_window_us as START_US:END_US
  app.add_option("--timeline-window", timeline_window, "only [START_US, END_US) of the run in the --timeline")
      ->type_name("START_US:END_US");
  std::vector<std::string> profile_params;
  app.add_option("--profile-param", profile_params,
                 "KEY=VALUE: change one cost-profile entry for this run (repeatable), e.g. storage_channels=3 or "
                 "'host_wakeup_ns={\"mean\":5000,\"dist\":\"exponential\"}'")->type_name("KEY=VALUE");
  // Numbers are taken as text and read as JSON numbers: the command line is range-checked by the same code
  // as a scenario file (no wrap of 4294967297, no negative unsigned, no undefined float-to-int cast).
  for (const auto& [key, help] : std::vector<std::pair<std::string, std::string>>{
           {"transport_version", "1 legacy, 2 modern"}, {"vcpus", "vCPUs"}, {"queues", "net queue pairs / blk queues"},
           {"queue_depth", "blk requests in flight"}, {"requests", "micro: round trips"},
           {"duration_us", "rr / mq-rx / blk: simulated time"}, {"rate_pps", "mq-rx: packets/s per queue"}, {"seed", "seed"},
           {"quantum_ns", "vCPU quantum: how far a vCPU may run ahead of the kernel"},
           {"ram_size", "guest RAM bytes (the drivers' areas must fit)"}}) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    scenario_options.push_back({key, app.add_option(flag, texts[key], help)->type_name("NUMBER")->default_str(default_json[key].dump()), true});
  }
  // Model parameters by name (model_params.h, docs/parameters.md).
  std::vector<std::string> model_param_args;
  app.add_option("--param", model_param_args,
                 "NAME=VALUE: set one model parameter for this run (repeatable), e.g. vm.transport.queue_num_max=64 or "
                 "vm.transport.register_latency=20ns, or for one device vm.net0.transport.register_latency=20ns; "
                 "--list-params lists them")->type_name("NAME=VALUE");
  bool list_params = false, list_json = false, list_markdown = false;
  auto* list_params_opt = app.add_flag("--list-params", list_params, "list the model parameters (name, type, default, unit, range) and exit");
  auto* json_opt = app.add_flag("--json", list_json, "with --list-params: as JSON")->needs(list_params_opt);
  app.add_flag("--markdown", list_markdown, "with --list-params: as the Markdown table of docs/parameters.md")
      ->needs(list_params_opt)->excludes(json_opt);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help, --version: 0; a bad option: 2, as every bad input
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  if (list_params) {
    const param_registry& r = model_params();
    if (list_json) std::printf("%s\n", r.json_list().dump(2).c_str());
    else if (list_markdown) std::fputs(r.markdown_table().c_str(), stdout);
    else
      std::printf("%s\nSet with --param NAME=VALUE (repeatable) or a scenario's \"params\" object; a sweep varies one as grid key\n"
                  "\"params.NAME\". %s.<group>.NAME of a device's group (transport, net, blk, rng, msi) applies to every\n"
                  "device, %s.<device>.<group>.NAME to that one (net0, blk0: the type and its index, or the scenario's name\n"
                  "for it; a one-device scenario's is \"device\"). A time takes a unit (20ns, 1.5 us) or is in the listed one.\n"
                  "Cost-profile entries are set with --profile-param KEY=VALUE (--describe-profile NAME lists them).\n",
                  r.text_table().c_str(), r.root().c_str(), r.root().c_str());
    return 0;
  }
  try {
    if (sweep_opts.report->parsed()) return run_report(sweep_opts.report_dirs, quiet || sweep_opts.report_quiet);
    if (!(point_timeout_s >= 1 && point_timeout_s <= 1e6))
      throw scenario_error(fmt::format("--point-timeout-s: {} outside 1..1000000", point_timeout_s));
    self_path = executable_path().string();  // children run this binary, however it was started
    if (profiles_file.empty()) profiles_file = data_file("cost-profiles.json").string();
    std::map<std::string, cost_profile> profiles;
    try {
      profiles = load_cost_profiles(profiles_file);
    } catch (const std::runtime_error& e) {
      throw scenario_error(fmt::format("--profiles: {}", e.what()));  // a bad profiles file is bad input
    }
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
    if (!model_param_args.empty() && (!sweep_file.empty() || sweep_opts.given() || do_validate))
      throw scenario_error(fmt::format("--param: not with {} (a sweep takes them in its base's \"params\" or as grid keys "
                                       "\"params.NAME\"; the validation runs the published configuration)",
                                       do_validate ? "--validate" : "--sweep"));
    if (!sweep_file.empty() || sweep_opts.given()) {
      if (!sweep_file.empty()) check_output_dir("--out-dir", out_dir);
      return run_sweep({self_path, sweep_file, out_dir, profiles_file, jobs, point_timeout_s, quiet}, sweep_opts);
    }
    // The file's fields (or the defaults), then every scenario option given on the command line over them.
    json j = scenario_file.empty() ? json::object() : read_json(scenario_file);
    if (!j.is_object()) throw scenario_error(fmt::format("--scenario: '{}' is not a JSON object", scenario_file));
    for (const auto& o : scenario_options) {
      if (o.option->count() == 0) continue;
      const std::string& text = texts[o.key];
      json v = o.number ? json::parse(text, nullptr, false) : json(text);
      if (o.number && !v.is_number()) throw scenario_error(fmt::format("scenario.{}: '{}' is not a number", o.key, text));
      j[o.key] = v;
    }
    if (!timeline_window.empty()) {  // START_US:END_US, checked as scenario.timeline_window_us
      const auto colon = timeline_window.find(':');
      const json a = json::parse(timeline_window.substr(0, colon), nullptr, false);
      const json b = colon == std::string::npos ? json() : json::parse(timeline_window.substr(colon + 1), nullptr, false);
      if (!a.is_number() || !b.is_number()) throw scenario_error(fmt::format("--timeline-window: '{}' is not START_US:END_US", timeline_window));
      j["timeline_window_us"] = {a, b};
    }
    if (!model_param_args.empty()) {  // each checked (a name given twice is refused); over the file's "params"
      // A name scoped to one device (vm.net0.transport.*) needs the scenario's device names: the scenario
      // without the options' parameters names them.
      const std::vector<std::string> devices = device_names(parse_scenario(j, names));
      json given;
      try {
        given = model_params().check_assignments(model_param_args, devices);
      } catch (const param_error& e) {
        throw scenario_error(fmt::format("--param: {}", e.what()));
      }
      if (!j.contains("params")) j["params"] = json::object();
      for (const auto& [name, v] : given.items()) j["params"][name] = v;  // the file's "params" is an object: parsed
    }
    s = parse_scenario(j, names);
    if (do_validate) check_output_dir("--out-dir", out_dir);
    if (do_validate) return validate(s.duration_us, point_timeout_s, profiles_file, out_dir);
    for (const auto& kv : profile_params) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw scenario_error(fmt::format("--profile-param: '{}' is not KEY=VALUE", kv));
      const json v = json::parse(kv.substr(eq + 1), nullptr, false);
      if (v.is_discarded()) throw scenario_error(fmt::format("--profile-param: '{}': the value is not JSON (a number, true/false, a quoted string or an object)", kv));
      s.profile_params[kv.substr(0, eq)] = v;
    }
    // Outputs are checked before the run: a bad path is bad input (exit 2), not an hour's run lost.
    if (!out_file.empty()) check_writable_file("--out", out_file);
    if (!s.timeline.empty()) check_writable_file(app.count("--timeline") ? "--timeline" : "scenario.timeline", s.timeline);
    json result = run_scenario(s, profile_for(profiles, s), !quiet);
    result["tool_version"] = vmsim::version;
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
  } catch (const sc_core::sc_report& e) {
    // A configuration a model refuses as it is built (ids::config_error: e.g. a --param vm.msi.register_base whose
    // block collides) is bad input as well; anything else the run reports is a failed run.
    std::fprintf(stderr, "vmsim: %s\n", e.what());
    return std::strcmp(e.get_msg_type(), ids::config_error) == 0 ? 2 : 1;
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
