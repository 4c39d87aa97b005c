// Where vmsim's files are: its data (cost profiles, sweep examples, the plot script), found relative to the
// executable so an installed vmsim never reads the tree it was built in; and the output paths the user
// names, checked before a run starts.
#pragma once

#include <filesystem>
#include <string>

namespace vmsim::app {

// This executable's own path (/proc/self/exe), whatever argv[0] says (a name found on PATH, a relative path).
std::filesystem::path executable_path();

// The data directory, the first of:
//   $VMSIM_DATA_DIR                      (set: it must exist)
//   <executable>/../share/vmsim          (installed: GNUInstallDirs' datadir next to bindir)
//   <executable's dir>/vmsim-data        (the build tree: links to the sources, made at configure time)
// Throws std::runtime_error naming every place it looked when none holds cost-profiles.json.
std::filesystem::path data_dir();
// A file of the data directory: data_file("cost-profiles.json"), data_file("plot_report.py").
std::filesystem::path data_file(const std::string& name);

// Checks before a run that `path` can be written (its directory exists and takes a new file; not a
// directory), by opening it without truncating, and removing it again if it did not exist. Throws
// scenario_error "<what>: cannot write '<path>': <reason>" (exit 2).
void check_writable_file(const std::string& what, const std::string& path);
// Creates `dir` (and its parents) if needed and checks a file can be created in it. Throws scenario_error
// "<what>: ..." naming the directory.
void check_output_dir(const std::string& what, const std::string& dir);

}  // namespace vmsim::app
