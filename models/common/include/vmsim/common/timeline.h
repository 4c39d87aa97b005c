// A Chrome/Perfetto trace (the JSON "traceEvents" format, opens in ui.perfetto.dev or chrome://tracing):
// exits, ISRs, MSI writes, and the device side (virtqueue pops and used elements, back-end requests).
// Recording is off unless a timeline is attached.
//
// Events stream to the file as they are recorded, one compact line each through a fixed buffer: memory
// does not grow with the run and nothing is capped. A window [start, end) (ns of simulated time) keeps
// only the events that overlap it; callers ask wants() first so an event outside costs no formatting.
#pragma once

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace vmsim {

class timeline {
 public:
  using label_buffer = fmt::basic_memory_buffer<char, 128>;  // an event's name as it is formatted
  static constexpr double forever = std::numeric_limits<double>::infinity();
  // Opens `path` for writing (ok() says whether it could) and writes the trace's header.
  explicit timeline(const std::string& path, double window_start_ns = 0, double window_end_ns = forever);
  ~timeline();  // close()s
  timeline(const timeline&) = delete;
  timeline& operator=(const timeline&) = delete;

  bool ok() const { return file_ != nullptr && !failed_; }
  // Does an event over [start_ns, end_ns] fall in the window? (An instant: start == end.)
  bool wants(double start_ns, double end_ns) const { return end_ns >= from_ns_ && start_ns < to_ns_; }

  // A span [start_ns, start_ns + dur_ns) on track `track` (a vCPU index, or a device track >= 100).
  void span(std::string_view name, const char* category, unsigned track, double start_ns, double dur_ns);
  void instant(std::string_view name, const char* category, unsigned track, double at_ns);
  // As above, with the name formatted from `f` (a compiled format, FMT_COMPILE) and its arguments straight
  // into a stack buffer: no string is built or parsed per event, and nothing when the window leaves it out.
  template <class F, class... A>
  void span_f(const char* category, unsigned track, double start_ns, double dur_ns, const F& f, const A&... args) {
    if (!file_ || !wants(start_ns, start_ns + dur_ns)) return;
    label_buffer name;
    fmt::format_to(std::back_inserter(name), f, args...);
    span({name.data(), name.size()}, category, track, start_ns, dur_ns);
  }
  template <class F, class... A>
  void instant_f(const char* category, unsigned track, double at_ns, const F& f, const A&... args) {
    if (!file_ || !wants(at_ns, at_ns)) return;
    label_buffer name;
    fmt::format_to(std::back_inserter(name), f, args...);
    instant({name.data(), name.size()}, category, track, at_ns);
  }
  void name_track(unsigned track, std::string_view name);
  uint64_t size() const { return events_; }  // events written (in the window)
  // Ends the JSON and closes the file; false when anything could not be written. Idempotent.
  bool close();

 private:
  void begin_event();
  void put(std::string_view s);
  void flush();
  void append_escaped(std::string_view s);

  std::FILE* file_;
  bool opened_, failed_ = false;
  double from_ns_, to_ns_;
  uint64_t events_ = 0, records_ = 0;
  fmt::memory_buffer buf_;  // formatted records not yet written (bounded: flushed at a fixed size)
};

}  // namespace vmsim
