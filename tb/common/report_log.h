// Records SystemC warnings by message id so tests can assert that a guest error was reported,
// and keeps them off the console unless VMSIM_SHOW_WARNINGS is set.
#pragma once

#include <map>
#include <string>

namespace vmsim::tb {

class report_log {
 public:
  report_log();   // installs the handler
  ~report_log();  // restores the default one
  unsigned count(const std::string& id) const;
  unsigned total() const;
  std::string last_message() const;
  void clear();
};

}  // namespace vmsim::tb
