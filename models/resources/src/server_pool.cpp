#include "vmsim/resources/server_pool.h"

#include <algorithm>

#include <fmt/format.h>

#include "vmsim/common/kernel_time.h"
#include "vmsim/common/report_ids.h"

namespace vmsim {

namespace {
constexpr size_t backfill_window = 128;  // busy intervals kept: far more than a quantum's worth of short holds
}

server_pool::server_pool(std::string name, unsigned servers, bool backfill)
    : name_(std::move(name)), free_at_(servers), backfill_(backfill) {
  if (servers == 0) SC_REPORT_ERROR(ids::config_error, fmt::format("resource '{}': needs at least one server", name_).c_str());
  if (backfill && servers != 1)
    SC_REPORT_ERROR(ids::config_error, fmt::format("resource '{}': backfill needs exactly one server", name_).c_str());
}

// The first idle gap at or after `arrival` long enough for `service`. The intervals over by `arrival` come
// first (finishes ascend): the search starts after them.
sc_core::sc_time server_pool::backfill_start(const sc_core::sc_time& arrival, const sc_core::sc_time& service) const {
  sc_core::sc_time start = arrival;
  auto i = std::partition_point(busy_.begin(), busy_.end(), [&](const auto& b) { return b.second <= arrival; });
  for (; i != busy_.end(); ++i) {
    const auto& [s, f] = *i;
    if (f <= start) continue;
    if (s >= start + service) break;
    start = f;
  }
  return start;
}

server_pool::booking server_pool::serve(const sc_core::sc_time& arrival, const sc_core::sc_time& service) {
  auto first_free = free_at_.size() == 1 ? free_at_.begin() : std::min_element(free_at_.begin(), free_at_.end());
  sc_core::sc_time start;
  if (backfill_) {
    start = backfill_start(arrival, service);
    const std::pair<sc_core::sc_time, sc_core::sc_time> job{start, start + service};
    busy_.insert(std::upper_bound(busy_.begin(), busy_.end(), job), job);
    if (busy_.size() > backfill_window) busy_.pop_front();
    *first_free = std::max(*first_free, start + service);  // a job in an earlier gap ends before the last
  } else {
    start = std::max(arrival, *first_free);
    *first_free = start + service;
  }
  ++jobs_;
  busy_ns_ += to_ns(service);
  wait_.add(start == arrival ? 0.0 : to_ns(start - arrival));  // usually no wait: no conversion
  return {start, start + service};
}

bool server_pool::idle_at_any(const sc_core::sc_time& t) const {
  if (backfill_)
    return std::none_of(busy_.begin(), busy_.end(), [&](const auto& b) { return b.first <= t && t < b.second; });
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
