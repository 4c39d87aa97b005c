// Sweep results -> CSV and a Markdown report (tables, savings versus the legacy single-IRQ ISR, and the
// SVG plots drawn by plot_report.py when python3-matplotlib is there).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vmsim::app {

void write_csv(const nlohmann::json& results, const std::string& path);
void write_markdown(const nlohmann::json& results, const std::string& dir, bool with_plots);

}  // namespace vmsim::app
