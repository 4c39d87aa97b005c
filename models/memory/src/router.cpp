#include "vmsim/memory/router.h"

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"

namespace vmsim {

router::router(sc_core::sc_module_name name) : sc_module(name), target("target", *this), initiator("initiator") {
  initiator.register_invalidate_direct_mem_ptr(this, &router::invalidate_direct_mem_ptr);
}

void router::add_target(tlm::tlm_target_socket<>& socket, const address_range& range) {
  if (range.size == 0 || range.base + range.size < range.base)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: address range '{}' is empty or wraps", name(), range.name).c_str());
  for (const auto& r : map_)
    if (range.base < r.base + r.size && r.base < range.base + range.size)
      SC_REPORT_ERROR(ids::config_error,
                      fmt::format("{}: address range '{}' [{:#x}, +{:#x}) overlaps '{}' [{:#x}, +{:#x})", name(),
                                  range.name, range.base, range.size, r.name, r.base, r.size).c_str());
  initiator.bind(socket);
  map_.push_back(range);
  spans_.push_back({range.base, range.size});
}

// This initiator's last hit first (ranges never overlap, so a hit there is the only hit); then the scan.
inline int router::decode(int initiator, uint64_t addr, unsigned len) {
  const uint64_t n = len == 0 ? 1 : len;
  const auto who = static_cast<size_t>(initiator);
  if (who < last_hit_.size()) {
    const int last = last_hit_[who];
    if (last >= 0 && spans_[static_cast<size_t>(last)].holds(addr, n)) return last;
  }
  return decode_scan(who, addr, n);
}

int router::decode_scan(size_t who, uint64_t addr, uint64_t n) {
  for (size_t i = 0; i < spans_.size(); ++i)
    if (spans_[i].holds(addr, n)) {
      if (who < last_hit_.size()) last_hit_[who] = static_cast<int>(i);
      return static_cast<int>(i);
    }
  return -1;
}

void router::end_of_elaboration() { last_hit_.assign(target.links(), -1); }

void router::b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  uint64_t addr = tx.get_address();
  int port = decode(id, addr, tx.get_data_length());
  if (port < 0) return decode_error(tx);
  tx.set_address(addr - spans_[port].base);
  initiator[port]->b_transport(tx, delay);
  tx.set_address(addr);
}

void router::decode_error(tlm::tlm_generic_payload& tx) {
  ++decode_errors_;
  SC_REPORT_WARNING(ids::bus_decode_error,
                    fmt::format("{}: no target at [{:#x}, +{})", name(), tx.get_address(), tx.get_data_length()).c_str());
  tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

bool router::get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
  uint64_t addr = tx.get_address();
  int port = decode(id, addr, 1);
  if (port < 0) return false;
  const auto& r = map_[port];
  tx.set_address(addr - r.base);
  bool ok = initiator[port]->get_direct_mem_ptr(tx, dmi);
  tx.set_address(addr);
  // Translate the granted window back to global addresses and clip it to this range.
  uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
  if (end > r.size - 1) end = r.size - 1;
  dmi.set_start_address(r.base + start);
  dmi.set_end_address(r.base + end);
  return ok;
}

unsigned int router::transport_dbg(int id, tlm::tlm_generic_payload& tx) {
  uint64_t addr = tx.get_address();
  int port = decode(id, addr, tx.get_data_length());
  if (port < 0) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  tx.set_address(addr - map_[port].base);
  unsigned n = initiator[port]->transport_dbg(tx);
  tx.set_address(addr);
  return n;
}

void router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
  const auto& r = map_[id];
  uint64_t gs = r.base + start;
  uint64_t ge = end >= r.size ? r.base + r.size - 1 : r.base + end;
  for (int i = 0; i < target.size(); ++i) target[i]->invalidate_direct_mem_ptr(gs, ge);
}

}  // namespace vmsim
