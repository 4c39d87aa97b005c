// The system bus: a TLM-2.0 interconnect that decodes a global address map (from the scenario) onto its
// targets, translating addresses for b_transport, DMI (both directions) and debug transport.
// An address that decodes to no target gets TLM_ADDRESS_ERROR_RESPONSE and a warning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>

#include "vmsim/common/lt_multi_target_socket.h"

namespace vmsim {

struct address_range {
  std::string name;
  uint64_t base;
  uint64_t size;
};

class router : public sc_core::sc_module {
  // The initiators' entry points (`id`: the initiator's index), declared before the socket bound to them.
  void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& tx);

 public:
  // Initiators bind here.
  lt_multi_target_socket<router, &router::b_transport, &router::get_direct_mem_ptr, &router::transport_dbg> target;
  tlm_utils::multi_passthrough_initiator_socket<router> initiator;  // targets, in add_target order

  explicit router(sc_core::sc_module_name name);

  // Binds `socket` and maps [base, base+size) onto it. Overlapping ranges are a user error.
  void add_target(tlm::tlm_target_socket<>& socket, const address_range& range);
  const std::vector<address_range>& map() const { return map_; }
  uint64_t decode_errors() const { return decode_errors_; }

 private:
  // A decoded target: its range and its port, with the port's transport interface taken once (at the end of
  // elaboration) so a hit calls it without the port's lookups.
  struct span {
    uint64_t base = 0, size = 0;  // size 0: holds nothing (an initiator without a hit yet)
    tlm::tlm_blocking_transport_if<>* target = nullptr;
    int port = -1;
    // range_inside in two compares: `off` wraps above size when addr < base (a range never wraps). A length
    // of 0 is checked as 1 byte would be: both need off < size, and that leaves at least one byte.
    bool holds(uint64_t addr, uint64_t len) const {
      const uint64_t off = addr - base;
      return off < size && len <= size - off;
    }
  };
  // This initiator's last hit first (ranges never overlap, so a hit there is the only hit); then the scan.
  // Null when nothing is mapped there.
  const span* decode(int initiator, uint64_t addr, uint64_t len) {
    const span& last = last_hit_[static_cast<size_t>(initiator)];
    return last.holds(addr, len) ? &last : decode_scan(static_cast<size_t>(initiator), addr, len);
  }
  // The scan past a miss of the last hit: out of line, so the hit path keeps a small frame.
  [[gnu::noinline]] const span* decode_scan(size_t initiator, uint64_t addr, uint64_t len);
  [[gnu::noinline]] void b_transport_scan(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  static void forward(const span& s, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const uint64_t addr = tx.get_address();
    tx.set_address(addr - s.base);
    s.target->b_transport(tx, delay);
    tx.set_address(addr);
  }
  // A miss: out of line, so the warning's formatting costs the hit path nothing.
  [[gnu::cold, gnu::noinline]] void decode_error(tlm::tlm_generic_payload& tx);
  void end_of_elaboration() override;  // takes the targets' interfaces; sizes last_hit_
  void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<address_range> map_;  // index = initiator port
  // The decode table: map_'s ranges without their names, so a scan touches one small entry a target.
  std::vector<span> spans_;
  // Per initiator (target socket index): a copy of its last decode hit. Each initiator's accesses come in
  // runs to one target (a device's DMA, a vCPU's register accesses), interleaved with others'. Sized at
  // the end of elaboration, before any transaction (the targets' interfaces are known only then).
  std::vector<span> last_hit_;
  uint64_t decode_errors_ = 0;
};

}  // namespace vmsim
