#include "progress_meter.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace vmsim::app {

namespace {
constexpr auto redraw_period = std::chrono::milliseconds(100);
// Rates and the final time count from the process's start: a workload's first report may come late.
const auto process_start = std::chrono::steady_clock::now();

std::string duration_text(double s) {
  if (s < 60) return fmt::format("{:.0f} s", s);
  const long whole = long(s), minutes = whole / 60;
  if (s < 3600) return fmt::format("{} min {:02} s", minutes, whole - 60 * minutes);
  return fmt::format("{:.1f} h", s / 3600);
}
}  // namespace

progress_meter::progress_meter(bool wanted) : on_(wanted && isatty(STDERR_FILENO)) {}

void progress_meter::update(const std::string& what, const std::string& unit, double done, double total) {
  if (!on_ || finished_) return;
  const auto now = clock::now();
  if (!started_) {
    started_ = true;
    last_ = now - redraw_period;
  }
  const double elapsed = std::chrono::duration<double>(now - process_start).count();
  if (done >= total) {
    finished_ = true;
    std::fprintf(stderr, "\r\033[K%s: done in %.1f s\n", what.c_str(), elapsed);
    return;
  }
  if (now - last_ < redraw_period) return;
  last_ = now;
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const std::string eta = rate > 0 ? duration_text((total - done) / rate) : "-";
  std::fprintf(stderr, "\r\033[K%s: %5.1f%% (%.0f of %.0f %s), %.0f %s/s, ETA %s", what.c_str(), 100 * done / total, done,
               total, unit.c_str(), rate, unit.c_str(), eta.c_str());
  std::fflush(stderr);
}

}  // namespace vmsim::app
