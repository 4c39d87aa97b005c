// A run's progress line on stderr: only when stderr is a terminal (a log file or a pipe gets nothing),
// redrawn at most 10 times a second, with the share done, the amount, the rate and the time left.
#pragma once

#include <chrono>
#include <string>

namespace vmsim::app {

class progress_meter {
 public:
  explicit progress_meter(bool wanted);  // shows anything only if wanted and stderr is a terminal
  // `done` of `total` `unit`s ("round trips", "us simulated"); done >= total draws the final line.
  void update(const std::string& what, const std::string& unit, double done, double total);
  bool shown() const { return on_; }

 private:
  using clock = std::chrono::steady_clock;
  bool on_;
  bool started_ = false, finished_ = false;
  clock::time_point last_;
};

}  // namespace vmsim::app
