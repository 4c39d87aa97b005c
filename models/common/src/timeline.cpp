#include "vmsim/common/timeline.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace vmsim {

void timeline::span(const std::string& name, const char* category, unsigned track, double start_ns, double dur_ns) {
  if (events_.size() < max_events) events_.push_back({name, category, 'X', track, start_ns, dur_ns});
}

void timeline::instant(const std::string& name, const char* category, unsigned track, double at_ns) {
  if (events_.size() < max_events) events_.push_back({name, category, 'i', track, at_ns, 0});
}

void timeline::name_track(unsigned track, const std::string& name) { tracks_.emplace_back(track, name); }

bool timeline::write(const std::string& path) const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [track, name] : tracks_)
    out.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", track}, {"args", {{"name", name}}}});
  for (const auto& e : events_) {
    nlohmann::json j = {{"name", e.name}, {"cat", e.category}, {"ph", std::string(1, e.phase)},
                        {"pid", 1}, {"tid", e.track}, {"ts", e.ts_ns / 1000.0}};
    if (e.phase == 'X') j["dur"] = e.dur_ns / 1000.0;
    else j["s"] = "t";
    out.push_back(std::move(j));
  }
  std::ofstream f(path);
  f << nlohmann::json{{"traceEvents", out}, {"displayTimeUnit", "ns"}}.dump();
  return static_cast<bool>(f);
}

}  // namespace vmsim
