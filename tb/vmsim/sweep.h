// Sweeps: a grid of design points expanded from a sweep file, run in child processes (sharded, resumed by
// each point's content hash, or written out as self-contained point files), and merged into one report.
// docs/scenarios.md ("A sweep") describes the files; report.h writes the report.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vmsim::app {

// The sweep's own options and the `report` subcommand, registered on vmsim's command line.
struct sweep_options {
  std::string shard;           // "i/N" (0-based): run only this shard's points, write no report
  bool dry_run = false;        // write the point files and the manifest, run nothing
  std::string replications_text;  // runs per point ("": as the sweep file says, default 1), checked as a JSON number
  CLI::App* report = nullptr;  // `vmsim report DIR [DIR...]`
  std::vector<std::string> report_dirs;
  bool report_quiet = false;
  bool given() const { return !shard.empty() || dry_run || !replications_text.empty(); }
};
void add_sweep_options(CLI::App& app, sweep_options& o);

// What the rest of the command line gives a sweep.
struct sweep_run {
  std::string self;  // this executable (the children run it)
  std::string grid_file, out_dir, profiles_file;
  unsigned jobs = 2;
  double timeout_s = 600;
  bool quiet = false;
};
// Runs (or, with --dry-run, writes out) the sweep; returns the exit code (1: a point failed or is missing).
int run_sweep(const sweep_run& run, const sweep_options& o);
// Merges the results of one sweep's output directories into dirs[0]; returns 1 if a point failed or is missing.
int run_report(const std::vector<std::string>& dirs, bool quiet);

// Runs `commands` (argv tails of `exe`) in child processes, `jobs` at a time; a child still running after
// `timeout_s` is killed. `logs[i]` (if given) receives child i's stderr. Calls `done(i, error)` as each ends
// ("" when it succeeded). Returns the errors in command order.
std::vector<std::string> run_children(const std::string& exe, const std::vector<std::vector<std::string>>& commands,
                                      unsigned jobs, double timeout_s, const std::vector<std::string>& logs = {},
                                      const std::function<void(size_t, const std::string&)>& done = {});
// Creates `dir` (and its parents) or throws scenario_error naming it.
void make_directory(const std::string& dir);

}  // namespace vmsim::app
