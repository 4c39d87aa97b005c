#include "vmsim/resources/server_pool.h"

#include <algorithm>

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"

namespace vmsim {

server_pool::server_pool(std::string name, unsigned servers) : name_(std::move(name)), free_at_(servers) {
  if (servers == 0) SC_REPORT_ERROR(ids::config_error, fmt::format("resource '{}': needs at least one server", name_).c_str());
}

server_pool::booking server_pool::serve(const sc_core::sc_time& arrival, const sc_core::sc_time& service) {
  auto first_free = std::min_element(free_at_.begin(), free_at_.end());
  const sc_core::sc_time start = std::max(arrival, *first_free);
  *first_free = start + service;
  ++jobs_;
  busy_ns_ += service.to_seconds() * 1e9;
  wait_.add((start - arrival).to_seconds() * 1e9);
  return {start, *first_free};
}

bool server_pool::idle_at(const sc_core::sc_time& t) const {
  return *std::min_element(free_at_.begin(), free_at_.end()) <= t;
}

double server_pool::utilisation(const sc_core::sc_time& now) const {
  const double window = (now - since_).to_seconds() * 1e9 * static_cast<double>(free_at_.size());
  return window > 0 ? std::min(1.0, busy_ns_ / window) : 0.0;
}

void server_pool::reset_stats(const sc_core::sc_time& now) {
  jobs_ = 0;
  busy_ns_ = 0;
  since_ = now;
  wait_ = histogram{};
}

}  // namespace vmsim
