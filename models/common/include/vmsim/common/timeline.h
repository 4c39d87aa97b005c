// A Chrome/Perfetto trace (the JSON "traceEvents" format, opens in ui.perfetto.dev or chrome://tracing):
// exits, kicks, MSI writes and ISRs per vCPU. Recording is off unless a timeline is attached.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmsim {

class timeline {
 public:
  // A span [start_ns, start_ns + dur_ns) on track `track` (a vCPU index, or a device track >= 100).
  void span(const std::string& name, const char* category, unsigned track, double start_ns, double dur_ns);
  void instant(const std::string& name, const char* category, unsigned track, double at_ns);
  void name_track(unsigned track, const std::string& name);
  size_t size() const { return events_.size(); }
  bool write(const std::string& path) const;
  static constexpr size_t max_events = 2000000;  // a long run keeps its first two million events

 private:
  struct event {
    std::string name;
    const char* category;
    char phase;
    unsigned track;
    double ts_ns, dur_ns;
  };
  std::vector<event> events_;
  std::vector<std::pair<unsigned, std::string>> tracks_;
};

}  // namespace vmsim
