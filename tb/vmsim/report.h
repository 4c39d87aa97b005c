// A merged sweep -> its report: results.json (every run's full result, each point's summary and saving),
// results.csv (one row per point, a column per varied key) and report.md (tables per workload, the plots
// plot_report.py draws from results.json when python3-matplotlib is there). Deterministic: no time, host or
// absolute path, so a sweep merged from shards reads byte for byte as the same sweep run in one go.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vmsim::app {

// `sweep` as sweep.cpp merges it: {"tool_version", "sweep", "base", "varied": [{"key", "values"}],
// "exclude", "baseline", "replications", "points": [{"name", "vary", "status", "error"?, "runs": [result...]}]}.
// Adds each ok point's "summary" (means; for the headline figures a 95% Student-t interval over the runs)
// and its "baseline" and "saving_pct".
void summarise(nlohmann::ordered_json& sweep);
// results.json and results.csv (RFC 4180, quoted where a field needs it).
void write_results(const nlohmann::ordered_json& sweep, const std::string& dir);
void write_markdown(const nlohmann::ordered_json& sweep, const std::string& dir, bool with_plots);

}  // namespace vmsim::app
