#include "sweep.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "files.h"
#include "report.h"
#include "scenario.h"
#include "vmsim/irq/scheme_table.h"
#include "vmsim/version.h"

namespace vmsim::app {

using nlohmann::json;
using nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {
constexpr size_t max_sweep_points = 10000;
constexpr unsigned max_replications = 1000;
constexpr const char* manifest_name = "manifest.json";
constexpr const char* profiles_copy = "profiles.json";

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr)) throw std::runtime_error("sweep: SHA-256 failed");
  std::string hex;
  for (unsigned i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::string read_text(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw scenario_error(fmt::format("{}: cannot open '{}'", what, path.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class J = json>
J parse_file(const fs::path& path, const std::string& what) {
  const std::string text = read_text(path, what);
  try {
    return J::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw scenario_error(fmt::format("{}: '{}' is not JSON: {}", what, path.string(), e.what()));
  }
}

// Written to a temporary name and renamed: a reader (another shard, a resumed sweep) never sees half a file.
void write_atomic(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + fmt::format(".tmp{}", getpid());
  {
    std::ofstream f(tmp, std::ios::binary);
    f << text;
    if (!f.flush()) throw scenario_error(fmt::format("--out-dir: cannot write '{}'", path.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw scenario_error(fmt::format("--out-dir: cannot write '{}': {}", path.string(), ec.message()));
}

void remove_file(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) throw scenario_error(fmt::format("--out-dir: cannot remove the stale '{}': {}", path.string(), ec.message()));
}

// A value as it reads in a name or a table: strings bare, numbers shortest, anything else as compact JSON.
std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

// A file name's stem from a point's name: what a shell and every file system take, plus the run's hash.
std::string file_stem(const std::string& name, const std::string& hash) {
  std::string s;
  for (const char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '=') ? c : '_';
  if (s.size() > 80) s.resize(80);
  return s + "." + hash.substr(0, 12);
}

// Replicate r's seed: the base seed for r = 0, then splitmix64 of (seed, r): deterministic, well spread.
uint64_t replicate_seed(uint64_t seed, unsigned r) {
  if (r == 0) return seed;
  uint64_t z = seed + uint64_t{r} * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::vector<std::string> names_of(const ordered_json& profiles) {
  std::vector<std::string> n;
  for (const auto& [k, v] : profiles.items()) n.push_back(k);
  return n;
}

// A run's content hash: its whole scenario (as parsed: every default filled in) and its whole named cost
// profile (the scenario's profile_params are in the scenario).
std::string run_hash(const json& scenario_json, const ordered_json& profiles, const std::string& what) {
  const scenario s = parse_scenario(scenario_json, names_of(profiles));
  if (!profiles.contains(s.profile)) throw scenario_error(fmt::format("{}: profile '{}' is not in the manifest", what, s.profile));
  return sha256_hex("vmsim-run-1\n" + s.to_json().dump() + "\n" + json(profiles[s.profile]).dump());
}

// The sweep's hash: the manifest's every other entry (its points' hashes, the profiles, the report's settings).
std::string manifest_hash(ordered_json m) {
  m.erase("sweep");
  return sha256_hex("vmsim-sweep-1\n" + json(m).dump());
}

// ---- the sweep file -> the manifest ------------------------------------------------------------------
struct plan {
  ordered_json manifest;
  json scenarios = json::array();  // run k's scenario (the point file's content), in manifest order
};

plan expand(const std::string& grid_file, const std::string& profiles_file, unsigned cli_replications) {
  const ordered_json file = parse_file<ordered_json>(grid_file, "--sweep");
  if (!file.is_object()) throw scenario_error("sweep: expected a JSON object {\"base\": {...}, \"grid\": {...}}");
  static const std::vector<std::string> keys = {"base", "grid", "exclude", "replications", "baseline"};
  for (const auto& [k, v] : file.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw scenario_error(fmt::format("sweep: unknown key '{}' (allowed: {})", k, fmt::join(keys, ", ")));
  const ordered_json base = file.value("base", ordered_json::object());
  const ordered_json axes = file.value("grid", ordered_json::object());
  if (!base.is_object()) throw scenario_error("sweep.base: expected an object");
  if (!axes.is_object()) throw scenario_error("sweep.grid: expected an object {key: [values]}");
  // The size of the product first: it is capped before anything is expanded.
  size_t count = 1;
  for (const auto& [key, values] : axes.items()) {
    if (!values.is_array() || values.empty()) throw scenario_error(fmt::format("sweep.grid.{}: expected a non-empty array", key));
    if (key == "name") throw scenario_error("sweep.grid.name: names are derived from the varied keys (set a prefix in base.name)");
    count = values.size() > max_sweep_points / count ? max_sweep_points + 1 : count * values.size();
  }
  if (count > max_sweep_points) {
    std::string sizes;  // the axes' sizes, so the message says what the product is
    for (const auto& [key, values] : axes.items()) sizes += fmt::format("{}{} {}", sizes.empty() ? "" : " x ", values.size(), key);
    throw scenario_error(fmt::format("sweep.grid: {} design points (more than {}): at most {}", sizes, max_sweep_points, max_sweep_points));
  }
  for (const auto& [key, values] : axes.items())
    for (size_t i = 0; i < values.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (values[i] == values[j]) throw scenario_error(fmt::format("sweep.grid.{}: {} appears twice", key, values[i].dump()));
  // A {key: value} selection (an exclusion, the baseline): every key an axis, every value on it.
  auto check_selection = [&](const ordered_json& sel, const std::string& where) {
    if (!sel.is_object() || sel.empty()) throw scenario_error(fmt::format("{}: expected an object {{grid key: value}}", where));
    for (const auto& [k, v] : sel.items()) {
      if (!axes.contains(k)) {
        std::vector<std::string> ks;
        for (const auto& [a, vs] : axes.items()) ks.push_back(a);
        throw scenario_error(fmt::format("{}: '{}' is not a grid key (grid keys: {})", where, k, ks.empty() ? "none" : fmt::format("{}", fmt::join(ks, ", "))));
      }
      if (std::find(axes[k].begin(), axes[k].end(), v) == axes[k].end())
        throw scenario_error(fmt::format("{}.{}: {} is not a value of the grid's {} axis", where, k, v.dump(), k));
    }
  };
  const ordered_json exclude = file.value("exclude", ordered_json::array());
  if (!exclude.is_array()) throw scenario_error("sweep.exclude: expected an array of {grid key: value} objects");
  for (size_t i = 0; i < exclude.size(); ++i) check_selection(exclude[i], fmt::format("sweep.exclude[{}]", i));
  ordered_json baseline = nullptr;
  if (file.contains("baseline")) {
    baseline = file["baseline"];
    check_selection(baseline, "sweep.baseline");
  } else if (axes.contains("scheme") && std::find(axes["scheme"].begin(), axes["scheme"].end(), baseline_scheme) != axes["scheme"].end()) {
    baseline = {{"scheme", baseline_scheme}};  // the single legacy line: what the proposals set out to beat
  }
  unsigned replications = 1;
  if (file.contains("replications")) {
    const auto& r = file["replications"];
    if (!r.is_number_unsigned() || r.get<uint64_t>() < 1 || r.get<uint64_t>() > max_replications)
      throw scenario_error(fmt::format("sweep.replications: expected a whole number 1..{}, got {}", max_replications, r.dump()));
    replications = r.get<unsigned>();
  }
  if (cli_replications) replications = cli_replications;

  const auto all_profiles = load_cost_profiles(profiles_file);
  std::vector<std::string> profile_names;
  for (const auto& [n, p] : all_profiles) profile_names.push_back(n);

  // The cartesian product, the first axis slowest; each point remembers its varied values.
  std::vector<ordered_json> varies = {ordered_json::object()};
  for (const auto& [key, values] : axes.items()) {
    std::vector<ordered_json> next;
    for (const auto& v0 : varies)
      for (const auto& v : values) {
        ordered_json q = v0;
        q[key] = v;
        next.push_back(q);
      }
    varies = next;
  }
  auto excluded = [&](const ordered_json& vary) {
    for (const auto& e : exclude) {
      bool all = true;
      for (const auto& [k, v] : e.items()) all = all && vary[k] == v;
      if (all) return true;
    }
    return false;
  };
  plan p;
  ordered_json points = ordered_json::array(), used_profiles = ordered_json::object();
  std::set<std::string> names;
  for (const auto& vary : varies) {
    if (excluded(vary)) continue;
    json point = json(base);
    for (const auto& [key, v] : vary.items()) {
      // "profile_params.KEY" varies one cost-profile entry (a sensitivity analysis), "params.NAME" a model parameter.
      if (key.rfind("profile_params.", 0) == 0) point["profile_params"][key.substr(15)] = json(v);
      else if (key.rfind("params.", 0) == 0) point["params"][key.substr(7)] = json(v);  // one model parameter
      else point[key] = json(v);
    }
    std::string name = base.contains("name") && base["name"].is_string() ? base["name"].get<std::string>() : "";
    for (const auto& [key, v] : vary.items()) name += fmt::format("{}{}={}", name.empty() ? "" : " ", key, value_text(json(v)));
    scenario s;
    try {  // every point is checked before any runs; a bad combination is named by its point
      s = parse_scenario(point, profile_names);
      profile_for(all_profiles, s);
    } catch (const scenario_error& e) {
      throw scenario_error(fmt::format("sweep point '{}': {} (an \"exclude\" entry in the sweep file skips a combination)",
                                       name.empty() ? point.dump() : name, e.what()));
    }
    if (name.empty()) name = fmt::format("{}-{}-{}{}", s.workload, s.scheme, s.profile, s.notify == "doorbell" ? "-doorbell" : "");
    if (!names.insert(name).second) throw scenario_error(fmt::format("sweep: two points are named '{}'", name));
    s.name = name;
    used_profiles[s.profile] = to_json(find_profile(all_profiles, s.profile));
    ordered_json runs = ordered_json::array();
    for (unsigned r = 0; r < replications; ++r) {
      scenario sr = s;
      sr.seed = replicate_seed(s.seed, r);
      const json sj = sr.to_json();
      runs.push_back({{"seed", sr.seed}, {"hash", ""}, {"file", ""}, {"result", ""}});
      p.scenarios.push_back(sj);
    }
    points.push_back({{"name", name}, {"vary", vary}, {"runs", runs}});
  }
  if (points.empty()) throw scenario_error("sweep: every point is excluded");
  // Hashes need the profiles' final set: a second pass.
  ordered_json sorted_profiles = ordered_json::object();
  for (const auto& n : profile_names)
    if (used_profiles.contains(n)) sorted_profiles[n] = used_profiles[n];
  size_t k = 0;
  for (auto& pt : points)
    for (auto& run : pt["runs"]) {
      const std::string h = run_hash(p.scenarios[k++], sorted_profiles, "sweep");
      const std::string stem = "points/" + file_stem(pt["name"].get<std::string>(), h);
      run["hash"] = h;
      run["file"] = stem + ".json";
      run["result"] = stem + ".result.json";
    }
  ordered_json varied = ordered_json::array();
  for (const auto& [key, values] : axes.items()) varied.push_back({{"key", key}, {"values", values}});
  p.manifest = {{"vmsim_sweep", 1},
                {"sweep", ""},
                {"base", base},
                {"varied", varied},
                {"exclude", exclude},
                {"baseline", baseline},
                {"replications", replications},
                {"run_point", "from the output directory: vmsim --scenario <file> --profiles profiles.json --out <result>"},
                {"profiles", sorted_profiles},
                {"points", points}};
  p.manifest["sweep"] = manifest_hash(p.manifest);
  return p;
}

// ---- a directory's manifest and results -------------------------------------------------------------
ordered_json load_manifest(const fs::path& dir) {
  const fs::path path = dir / manifest_name;
  if (!fs::is_directory(dir)) throw scenario_error(fmt::format("report: '{}' is not a directory", dir.string()));
  if (!fs::exists(path))
    throw scenario_error(fmt::format("report: '{}' holds no {} (not a sweep's output directory)", dir.string(), manifest_name));
  ordered_json m = parse_file<ordered_json>(path, "report");
  if (!m.is_object() || m.value("vmsim_sweep", 0) != 1 || !m.contains("sweep") || !m.contains("points") || !m.contains("profiles"))
    throw scenario_error(fmt::format("report: '{}' is not a vmsim sweep manifest", path.string()));
  if (manifest_hash(m) != m["sweep"])
    throw scenario_error(fmt::format("report: '{}' was edited: its content no longer matches the sweep hash {}", path.string(),
                                     m["sweep"].dump()));
  return m;
}

// The result at `path` if it is the result of the run with hash `hash` (its scenario and the manifest's
// profile hash to it); null if there is none or it belongs to another run.
json valid_result(const fs::path& path, const std::string& hash, const ordered_json& profiles) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  try {
    json r = parse_file(path, "result");
    if (!r.is_object() || !r.contains("scenario") || !r.contains("results") || !r.contains("profile")) return nullptr;
    if (run_hash(r["scenario"], profiles, path.string()) != hash) return nullptr;
    return r;
  } catch (const std::exception&) {
    return nullptr;  // unreadable, or a scenario this build rejects: not this run's result
  }
}

bool draw_plots(const std::string& out_dir) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {VMSIM_PYTHON, data_file("plot_report.py").string(), out_dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  const int e = posix_spawn(&pid, VMSIM_PYTHON, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  return e == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The last non-empty line of a child's log: its own account of why it failed.
std::string last_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

std::pair<unsigned, unsigned> parse_shard(const std::string& spec) {
  static const std::regex form("([0-9]{1,9})/([0-9]{1,9})");
  std::smatch m;
  if (!std::regex_match(spec, m, form))
    throw scenario_error(fmt::format("--shard: '{}' is not i/N (0-based i, e.g. 0/4 .. 3/4)", spec));
  const unsigned i = std::stoul(m[1]), n = std::stoul(m[2]);
  if (n == 0 || i >= n) throw scenario_error(fmt::format("--shard: '{}': i must be 0..N-1 and N at least 1 (0-based, as SLURM_ARRAY_TASK_ID)", spec));
  return {i, n};
}

std::string duration_text(double s) {
  const long t = static_cast<long>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60) : fmt::format("{}:{:02}", t / 60, t % 60);
}
}  // namespace

void make_directory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw scenario_error(fmt::format("--out-dir: cannot create '{}': {}", dir, ec ? ec.message() : "not a directory"));
}

std::vector<std::string> run_children(const std::string& exe, const std::vector<std::vector<std::string>>& commands,
                                      unsigned jobs, double timeout_s, const std::vector<std::string>& logs,
                                      const std::function<void(size_t, const std::string&)>& done_fn) {
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
  auto finish = [&](size_t i) {
    ++done;
    if (done_fn) done_fn(i, failed[i]);
  };
  while (done < commands.size()) {
    while (running.size() < jobs && next < commands.size()) {
      std::vector<char*> argv;  // an argv, never a shell command: no argument is ever interpreted
      argv.push_back(const_cast<char*>(exe.c_str()));
      for (const auto& a : commands[next]) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      if (next < logs.size()) posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, logs[next].c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      pid_t pid;
      const int e = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
      posix_spawn_file_actions_destroy(&fa);
      if (e != 0) {
        failed[next] = fmt::format("cannot start '{}': {}", exe, std::strerror(e));
        finish(next);
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
      if (c.killed) failed[c.index] = fmt::format("killed after {} s (--point-timeout-s)", timeout_s);
      else if (WIFSIGNALED(status)) failed[c.index] = fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
      else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed[c.index] = fmt::format("exit code {}", WEXITSTATUS(status));
      finish(c.index);
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
  return failed;
}

void add_sweep_options(CLI::App& app, sweep_options& o) {
  app.add_option("--shard", o.shard, "sweep: run only shard i of N (0-based: run k of the manifest is in shard k mod N); writes no report")
      ->type_name("i/N");
  app.add_flag("--dry-run", o.dry_run, "sweep: write the self-contained point files and manifest.json, run nothing");
  app.add_option("--replications", o.replications_text,
                 fmt::format("sweep: runs per point, 1..{}, seeds derived from the point's seed (overrides the file)", max_replications))
      ->type_name("R");
  o.report = app.add_subcommand("report", "merge the results of a sweep's output directories into the first: report.md, "
                                          "results.csv, results.json, plots; exit 1 if a point failed or is missing");
  o.report->add_option("dirs", o.report_dirs, "sweep output directories (--out-dir) of one sweep")->required()->expected(1, -1);
  o.report->add_flag("--quiet", o.report_quiet, "print nothing but errors");
}

int run_sweep(const sweep_run& run, const sweep_options& o) {
  if (run.grid_file.empty()) throw scenario_error("--shard, --dry-run and --replications need --sweep");
  std::pair<unsigned, unsigned> shard{0, 1};
  if (!o.shard.empty()) shard = parse_shard(o.shard);
  if (o.dry_run && !o.shard.empty()) throw scenario_error("--dry-run writes every point: --shard does not apply");
  unsigned replications = 0;
  if (!o.replications_text.empty()) {
    const json r = json::parse(o.replications_text, nullptr, false);
    if (!r.is_number_unsigned() || r.get<uint64_t>() < 1 || r.get<uint64_t>() > max_replications)
      throw scenario_error(fmt::format("--replications: '{}' is not a whole number 1..{}", o.replications_text, max_replications));
    replications = r.get<unsigned>();
  }
  plan p = expand(run.grid_file, run.profiles_file, replications);
  const fs::path dir(run.out_dir);
  make_directory(run.out_dir);
  make_directory((dir / "points").string());
  write_atomic(dir / profiles_copy, read_text(run.profiles_file, "--profiles"));
  write_atomic(dir / manifest_name, p.manifest.dump(2) + "\n");
  const ordered_json& profiles = p.manifest["profiles"];
  // Every run in order, with its point's name; this shard's runs are those of index k mod N.
  struct run_ref {
    std::string name, hash;
    fs::path file, result, error, log;
    const json* scenario;
  };
  std::vector<run_ref> runs;
  size_t k = 0;
  for (const auto& pt : p.manifest["points"])
    for (const auto& r : pt["runs"]) {
      const std::string stem = r["result"].get<std::string>().substr(0, r["result"].get<std::string>().size() - std::strlen(".result.json"));
      runs.push_back({pt["name"], r["hash"], dir / r["file"].get<std::string>(), dir / r["result"].get<std::string>(),
                      dir / (stem + ".error.json"), dir / (stem + ".log"), &p.scenarios[k++]});
    }
  if (o.dry_run) {
    for (const auto& r : runs) write_atomic(r.file, r.scenario->dump(2) + "\n");
    if (!run.quiet)
      std::printf("%s: %zu point files and %s (sweep %s); run each from there as manifest.json's run_point says, then `vmsim report %s`\n",
                  run.out_dir.c_str(), runs.size(), manifest_name, p.manifest["sweep"].get<std::string>().substr(0, 12).c_str(),
                  run.out_dir.c_str());
    return 0;
  }
  std::vector<size_t> todo;
  size_t mine = 0, skipped = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i % shard.second != shard.first) continue;
    ++mine;
    auto& r = runs[i];
    if (!valid_result(r.result, r.hash, profiles).is_null()) {
      ++skipped;  // done by an earlier (or another) run of the same point: resumed
      continue;
    }
    // Nothing of an earlier attempt is ever read: a failed run leaves only its error.
    remove_file(r.result);
    remove_file(r.error);
    write_atomic(r.file, r.scenario->dump(2) + "\n");
    todo.push_back(i);
  }
  if (!run.quiet)
    std::fprintf(stderr, "sweep %s%s: %zu runs (%zu points x %u), %zu already done, %zu to run, %u at a time\n",
                 p.manifest["sweep"].get<std::string>().substr(0, 12).c_str(), o.shard.empty() ? "" : (", shard " + o.shard).c_str(), mine,
                 p.manifest["points"].size(), p.manifest["replications"].get<unsigned>(), skipped, todo.size(), run.jobs);
  std::vector<std::vector<std::string>> commands;
  std::vector<std::string> logs;
  const std::string profiles_path = (dir / profiles_copy).string();
  for (const size_t i : todo) {
    const auto& r = runs[i];
    commands.push_back({"--scenario", r.file.string(), "--profiles", profiles_path, "--out", r.result.string() + ".part", "--quiet"});
    logs.push_back(r.log.string());
  }
  const bool progress = !run.quiet && isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  size_t finished = 0, failures = 0;
  const std::string tool = vmsim::version;
  auto on_done = [&](size_t c, const std::string& error) {
    const auto& r = runs[todo[c]];
    std::string why = error;
    const fs::path part = r.result.string() + ".part";
    if (why.empty()) {
      json result = valid_result(part, r.hash, profiles);
      if (result.is_null()) {
        why = "its result is not the point's (no scenario/profile, or another scenario)";
      } else {
        if (!result.contains("tool_version")) result["tool_version"] = tool;
        write_atomic(r.result, result.dump(2) + "\n");
      }
    } else {
      const std::string said = last_line(r.log);
      if (!said.empty()) why += ": " + said;
    }
    std::error_code ec;
    fs::remove(part, ec);
    if (!why.empty()) {
      ++failures;
      write_atomic(r.error, json{{"hash", r.hash}, {"error", why}}.dump(2) + "\n");
      if (progress) std::fputc('\n', stderr);
      std::fprintf(stderr, "sweep: point '%s' (seed %s) FAILED: %s\n", r.name.c_str(), (*r.scenario)["seed"].dump().c_str(), why.c_str());
    }
    ++finished;
    if (progress) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = s > 0 ? finished / s : 0;
      std::fprintf(stderr, "\rsweep: %zu/%zu runs done, %.2f runs/s, ETA %s   ", finished, todo.size(), rate,
                   rate > 0 ? duration_text((todo.size() - finished) / rate).c_str() : "?");
    }
  };
  run_children(run.self, commands, run.jobs, run.timeout_s, logs, on_done);
  if (progress && !todo.empty()) std::fputc('\n', stderr);
  if (!o.shard.empty()) {
    if (!run.quiet)
      std::printf("%s: shard %s: %zu runs, %zu already done, %zu run, %zu FAILED (merge the shards with `vmsim report DIR...`)\n",
                  run.out_dir.c_str(), o.shard.c_str(), mine, skipped, todo.size(), failures);
    return failures ? 1 : 0;
  }
  return run_report({run.out_dir}, run.quiet);
}

int run_report(const std::vector<std::string>& dirs, bool quiet) {
  std::vector<ordered_json> manifests;
  for (const auto& d : dirs) manifests.push_back(load_manifest(d));
  for (size_t i = 1; i < dirs.size(); ++i)
    if (manifests[i]["sweep"] != manifests[0]["sweep"])
      throw scenario_error(fmt::format("report: '{}' holds a different sweep ({}) than '{}' ({}): refused", dirs[i],
                                       manifests[i]["sweep"].get<std::string>().substr(0, 12), dirs[0],
                                       manifests[0]["sweep"].get<std::string>().substr(0, 12)));
  const ordered_json& m = manifests[0];
  const ordered_json& profiles = m["profiles"];
  // A point file present in any directory must still be the point the manifest names.
  for (const auto& d : dirs)
    for (const auto& pt : m["points"])
      for (const auto& r : pt["runs"]) {
        const fs::path f = fs::path(d) / r["file"].get<std::string>();
        if (!fs::exists(f)) continue;
        std::string h;
        try {
          h = run_hash(parse_file(f, "report"), profiles, f.string());
        } catch (const scenario_error& e) {
          throw scenario_error(fmt::format("report: point file '{}' of '{}' is not a valid point: {}", f.string(), pt["name"].get<std::string>(), e.what()));
        }
        if (h != r["hash"])
          throw scenario_error(fmt::format("report: point file '{}' of '{}' was edited: its content no longer matches its hash", f.string(),
                                           pt["name"].get<std::string>()));
      }
  ordered_json merged = {{"tool_version", vmsim::version}, {"sweep", m["sweep"]}, {"base", m["base"]}, {"varied", m["varied"]},
                         {"exclude", m["exclude"]}, {"baseline", m["baseline"]}, {"replications", m["replications"]},
                         {"points", ordered_json::array()}};
  std::vector<std::string> bad;
  for (const auto& pt : m["points"]) {
    ordered_json point = {{"name", pt["name"]}, {"vary", pt["vary"]}, {"status", "ok"}};
    ordered_json results = ordered_json::array();
    std::vector<std::string> errors;
    bool missing = false;
    for (const auto& r : pt["runs"]) {
      const std::string hash = r["hash"];
      json found = nullptr;
      std::string error;
      for (const auto& d : dirs) {
        found = valid_result(fs::path(d) / r["result"].get<std::string>(), hash, profiles);
        if (!found.is_null()) break;
        const std::string res = r["result"];
        const fs::path ef = fs::path(d) / (res.substr(0, res.size() - std::strlen(".result.json")) + ".error.json");
        if (error.empty() && fs::exists(ef)) {
          try {
            const json e = parse_file(ef, "report");
            if (e.value("hash", "") == hash) error = e.value("error", "failed");
          } catch (const scenario_error&) {
          }
        }
      }
      if (!found.is_null()) {
        if (!found.contains("tool_version")) found["tool_version"] = vmsim::version;
        results.push_back(ordered_json(found));
      } else if (!error.empty()) {
        errors.push_back(m["replications"] == 1 ? error : fmt::format("seed {}: {}", r["seed"].dump(), error));
      } else {
        missing = true;
      }
    }
    if (!errors.empty()) {
      point["status"] = "failed";
      point["error"] = fmt::format("{}", fmt::join(errors, "; "));
    } else if (missing) {
      point["status"] = "missing";
      point["error"] = "no result (not run yet, or its shard's directory was not given)";
    }
    if (point["status"] != "ok") bad.push_back(fmt::format("'{}' {}: {}", pt["name"].get<std::string>(), point["status"].get<std::string>(),
                                                             point["error"].get<std::string>()));
    point["runs"] = point["status"] == "ok" ? results : ordered_json::array();
    merged["points"].push_back(point);
  }
  const std::string out = dirs[0];
  summarise(merged);
  write_results(merged, out);
  for (const auto& w : workloads())  // an earlier report's plots never pass for this one's
    for (const char* kind : {"metric", "exits"}) remove_file(fs::path(out) / fmt::format("{}-{}.svg", w, kind));
  const bool plots = draw_plots(out);
  write_markdown(merged, out, plots);
  for (const auto& b : bad) std::fprintf(stderr, "report: point %s\n", b.c_str());
  if (!quiet)
    std::printf("%s/report.md: %zu design point%s%s%s\n", out.c_str(), merged["points"].size(), merged["points"].size() == 1 ? "" : "s",
                plots ? ", with plots" : " (no plots: plot_report.py failed, or python3-matplotlib is missing)", bad.empty() ? "" : fmt::format(", {} FAILED or missing", bad.size()).c_str());
  return bad.empty() ? 0 : 1;
}

}  // namespace vmsim::app
