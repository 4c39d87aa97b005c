#include "report_log.h"

#include <cstdlib>

#include <systemc>

namespace vmsim::tb {
namespace {
std::map<std::string, unsigned> g_counts;
std::string g_last;
bool g_show = false;

void handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  if (rep.get_severity() == sc_core::SC_WARNING) {
    ++g_counts[rep.get_msg_type()];
    g_last = rep.get_msg();
    if (!g_show) return;
  }
  sc_core::sc_report_handler::default_handler(rep, actions);
}
}  // namespace

report_log::report_log() {
  g_counts.clear();
  g_show = std::getenv("VMSIM_SHOW_WARNINGS") != nullptr;
  sc_core::sc_report_handler::set_handler(handler);
}
report_log::~report_log() { sc_core::sc_report_handler::set_handler(sc_core::sc_report_handler::default_handler); }
unsigned report_log::count(const std::string& id) const {
  auto it = g_counts.find(id);
  return it == g_counts.end() ? 0 : it->second;
}
unsigned report_log::total() const {
  unsigned n = 0;
  for (const auto& kv : g_counts) n += kv.second;
  return n;
}
std::string report_log::last_message() const { return g_last; }
void report_log::clear() { g_counts.clear(); }

}  // namespace vmsim::tb
