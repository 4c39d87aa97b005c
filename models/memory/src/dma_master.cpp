#include "vmsim/memory/dma_master.h"

#include <algorithm>
#include <cstring>

#include "vmsim/common/little_endian.h"

namespace vmsim {

dma_master::dma_master(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
  socket.register_invalidate_direct_mem_ptr(this, &dma_master::invalidate);
  // The posted write's attributes that no target or interconnect may change (base protocol): set once.
  posted_.set_command(tlm::TLM_WRITE_COMMAND);
  posted_.set_data_ptr(posted_data_);
  posted_.set_data_length(sizeof posted_data_);
  posted_.set_streaming_width(sizeof posted_data_);
  posted_.set_byte_enable_ptr(nullptr);
}

const tlm::tlm_dmi* dma_master::dmi_for(uint64_t addr, uint64_t len) {
  for (const auto& d : dmi_)
    if (range_inside(addr, len, d.get_start_address(), d.get_end_address() - d.get_start_address() + 1)) return remember(d);
  if (std::find(no_dmi_.begin(), no_dmi_.end(), addr) != no_dmi_.end()) return nullptr;
  tlm::tlm_generic_payload tx;
  tx.set_address(addr);
  tx.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  if (socket->get_direct_mem_ptr(tx, dmi) && dmi.is_read_write_allowed()) {
    // A range that straddles a window's end is granted the window it starts in again: keep one copy.
    const auto same = [&](const tlm::tlm_dmi& d) {
      return d.get_start_address() == dmi.get_start_address() && d.get_end_address() == dmi.get_end_address();
    };
    if (std::none_of(dmi_.begin(), dmi_.end(), same)) dmi_.push_back(dmi);
    if (range_inside(addr, len, dmi.get_start_address(), dmi.get_end_address() - dmi.get_start_address() + 1))
      return remember(dmi_.back());
    return nullptr;
  }
  if (no_dmi_.size() < 64) no_dmi_.push_back(addr);
  return nullptr;
}

bool dma_master::valid_slow(uint64_t addr, uint64_t len) {
  // Devices reach guest RAM only: a range must lie inside a window the bus grants DMI for. A buffer
  // aimed at MMIO space (another device's registers, the interrupt controller) is refused.
  if (len == 0) len = 1;
  return addr + len >= addr && dmi_for(addr, len) != nullptr;
}

uint8_t* dma_master::map(uint64_t addr, uint64_t len) {
  if (len == 0 || !valid(addr, len)) return nullptr;
  return last_.ptr + (addr - last_.base);  // valid()'s hit is the last window (a slow hit is remembered there)
}

const tlm::tlm_dmi* dma_master::remember(const tlm::tlm_dmi& d) {
  last_ = {d.get_start_address(), d.get_end_address() - d.get_start_address() + 1, d.get_dmi_ptr(), d.get_read_latency(),
           d.get_write_latency(), true};
  return &d;
}

bool dma_master::transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t len) {
  if (len == 0) return true;
  // Nearly every access hits the window the previous one used (guest RAM); otherwise dmi_for finds or asks
  // for one and remembers it in last_.
  const bool hit = last_.valid && range_inside(addr, len, last_.base, last_.size);
  if (!hit && (addr + len < addr || dmi_for(addr, len) == nullptr)) return ++stats_.faults, false;
  uint8_t* p = last_.ptr + (addr - last_.base);
  if (cmd == tlm::TLM_READ_COMMAND) {
    copy(data, p, len);
    return accessed(last_.read_latency, len);
  }
  copy(p, data, len);
  return accessed(last_.write_latency, len);
}

bool dma_master::post_write32(uint64_t addr, uint32_t data, const sc_core::sc_time& delay) {
  store_le(posted_data_, 4, data);
  tlm::tlm_generic_payload& tx = posted_;  // reused: a payload's construction allocates
  tx.set_address(addr);
  tx.set_dmi_allowed(false);  // what a target may set: the DMI hint and the response
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = delay;
  socket->b_transport(tx, d);
  ++stats_.posted_writes;
  if (!tx.is_response_ok()) return ++stats_.faults, false;
  return true;
}

sc_core::sc_time dma_master::take_delay() {
  sc_core::sc_time d = delay_;
  delay_ = sc_core::SC_ZERO_TIME;
  return d;
}

void dma_master::invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
  last_ = {};
  unmap_all();
  dmi_.erase(std::remove_if(dmi_.begin(), dmi_.end(),
                            [&](const tlm::tlm_dmi& d) {
                              return d.get_start_address() <= end && start <= d.get_end_address();
                            }),
             dmi_.end());
  no_dmi_.clear();
}

}  // namespace vmsim
