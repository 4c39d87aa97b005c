#include "vmsim/memory/router.h"

#include <algorithm>

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
  spans_.push_back({range.base, range.size, nullptr, static_cast<int>(map_.size())});
  map_.push_back(range);
}

const router::span* router::decode_scan(size_t who, uint64_t addr, uint64_t len) {
  for (const span& s : spans_)
    if (s.holds(addr, len)) {
      last_hit_[who] = s;
      return &s;
    }
  return nullptr;
}

void router::end_of_elaboration() {
  // The initiator socket knows its targets' interfaces from before_end_of_elaboration on.
  for (size_t i = 0; i < spans_.size(); ++i) spans_[i].target = initiator[static_cast<int>(i)];
  // One entry per link; link 0 exists (bound to the export) even before an initiator binds.
  last_hit_.assign(std::max(target.links(), 1u), span{});
}

void router::b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const span& last = last_hit_[static_cast<size_t>(id)];
  if (!last.holds(tx.get_address(), tx.get_data_length())) return b_transport_scan(id, tx, delay);
  forward(last, tx, delay);
}

// A miss of the initiator's last hit: the scan, then the forward or the decode error.
void router::b_transport_scan(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const span* s = decode_scan(static_cast<size_t>(id), tx.get_address(), tx.get_data_length());
  if (!s) return decode_error(tx);
  forward(*s, tx, delay);
}

void router::decode_error(tlm::tlm_generic_payload& tx) {
  ++decode_errors_;
  SC_REPORT_WARNING(ids::bus_decode_error,
                    fmt::format("{}: no target at [{:#x}, +{})", name(), tx.get_address(), tx.get_data_length()).c_str());
  tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

bool router::get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) {
  const uint64_t addr = tx.get_address();
  const span* s = decode(id, addr, 1);
  if (!s) return false;
  const span r = *s;  // a copy: the call below may decode again for this initiator (a target's own DMI look-up)
  tx.set_address(addr - r.base);
  bool ok = initiator[r.port]->get_direct_mem_ptr(tx, dmi);
  tx.set_address(addr);
  // Translate the granted window back to global addresses and clip it to this range.
  uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
  if (end > r.size - 1) end = r.size - 1;
  dmi.set_start_address(r.base + start);
  dmi.set_end_address(r.base + end);
  return ok;
}

unsigned int router::transport_dbg(int id, tlm::tlm_generic_payload& tx) {
  const uint64_t addr = tx.get_address();
  const span* s = decode(id, addr, tx.get_data_length());
  if (!s) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  tx.set_address(addr - s->base);
  unsigned n = initiator[s->port]->transport_dbg(tx);
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
