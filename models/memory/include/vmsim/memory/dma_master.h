// A device's bus-master port: guest_memory_if over a TLM-2.0 initiator socket. Device DMA reaches guest
// RAM only, through the DMI windows the bus grants (requested once, dropped on invalidation); the DMI
// latencies of read and write are accumulated for the device to account for (take_delay; what is reached
// through a map() pointer is not). A range outside guest RAM fails before any byte moves.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/memory/guest_memory_if.h"

namespace vmsim {

class dma_master : public sc_core::sc_module, public guest_memory_if {
 public:
  tlm_utils::simple_initiator_socket<dma_master> socket;

  explicit dma_master(sc_core::sc_module_name name);

  // The hit in the last window is inline (the path of nearly every ring access); the rest is out of line.
  bool valid(uint64_t addr, uint64_t len) final {
    return (len != 0 && in_last(addr, len)) || valid_slow(addr, len);
  }
  bool read(uint64_t addr, void* dst, uint64_t len) final {
    if (len == 0 || !in_last(addr, len)) return transfer(tlm::TLM_READ_COMMAND, addr, static_cast<uint8_t*>(dst), len);
    copy(static_cast<uint8_t*>(dst), last_.ptr + (addr - last_.base), len);
    return accessed(last_.read_latency, len);
  }
  bool write(uint64_t addr, const void* src, uint64_t len) final {
    if (len == 0 || !in_last(addr, len))
      return transfer(tlm::TLM_WRITE_COMMAND, addr, const_cast<uint8_t*>(static_cast<const uint8_t*>(src)), len);
    copy(last_.ptr + (addr - last_.base), static_cast<const uint8_t*>(src), len);
    return accessed(last_.write_latency, len);
  }
  // A host pointer into the DMI window holding [addr, addr+len); windows are dropped (and map_epoch moves
  // on) on the bus's invalidation.
  uint8_t* map(uint64_t addr, uint64_t len) final;

  // A posted 32-bit write through the bus (not DMI): how a device sends an MSI message. `delay` is the
  // writer's latency, annotated onto the transaction. False if the bus answered an error.
  bool post_write32(uint64_t addr, uint32_t data, const sc_core::sc_time& delay);

  sc_core::sc_time take_delay();

  struct counters {
    uint64_t dmi_accesses = 0;
    uint64_t posted_writes = 0;
    uint64_t faults = 0;
    uint64_t bytes = 0;
  };
  const counters& stats() const { return stats_; }

 private:
  // range_inside for the last window in two compares: `off` wraps above size when addr < base, as a
  // window never wraps; an invalid window has size 0.
  bool in_last(uint64_t addr, uint64_t len) const {
    const uint64_t off = addr - last_.base;
    return off < last_.size && len <= last_.size - off;
  }
  bool accessed(const sc_core::sc_time& latency, uint64_t len) {
    delay_ += latency;
    ++stats_.dmi_accesses;
    stats_.bytes += len;
    return true;
  }
  // Ring fields are 2, 4, 8 or 16 bytes: copy those with constant sizes (single loads and stores).
  static void copy(uint8_t* dst, const uint8_t* src, uint64_t len) {
    switch (len) {
      case 2: std::memcpy(dst, src, 2); break;
      case 4: std::memcpy(dst, src, 4); break;
      case 8: std::memcpy(dst, src, 8); break;
      case 16: std::memcpy(dst, src, 16); break;
      default: std::memcpy(dst, src, len);
    }
  }
  bool valid_slow(uint64_t addr, uint64_t len);
  const tlm::tlm_dmi* dmi_for(uint64_t addr, uint64_t len);
  const tlm::tlm_dmi* remember(const tlm::tlm_dmi& d);
  bool transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t len);
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<tlm::tlm_dmi> dmi_;  // granted windows, usually one (guest RAM)
  struct window {
    uint64_t base = 0, size = 0;
    uint8_t* ptr = nullptr;
    sc_core::sc_time read_latency, write_latency;
    bool valid = false;
  };
  window last_;  // the DMI window the last access used, flat: the fast path of every ring access
  std::vector<uint64_t> no_dmi_;   // addresses already refused DMI, to avoid asking every access
  sc_core::sc_time delay_;
  tlm::tlm_generic_payload posted_;  // the posted write's payload, its data in posted_data_
  uint8_t posted_data_[4] = {};
  counters stats_{};
};

}  // namespace vmsim
