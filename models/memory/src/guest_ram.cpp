#include "vmsim/memory/guest_ram.h"

#include <cstring>

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"
#include "vmsim/memory/guest_memory_if.h"

namespace vmsim {

guest_ram::guest_ram(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time read_latency,
                     sc_core::sc_time write_latency)
    : sc_module(name),
      socket("socket"),
      mem_(static_cast<uint8_t*>(std::calloc(size ? size : 1, 1))),
      size_(size),
      read_latency_(read_latency),
      write_latency_(write_latency) {
  if (!mem_) SC_REPORT_FATAL(ids::config_error, fmt::format("{}: cannot allocate {} bytes", name, size).c_str());
  socket.register_b_transport(this, &guest_ram::b_transport);
  socket.register_get_direct_mem_ptr(this, &guest_ram::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &guest_ram::transport_dbg);
}

bool guest_ram::copy(tlm::tlm_generic_payload& tx) {
  uint64_t addr = tx.get_address();
  unsigned len = tx.get_data_length();
  if (!range_inside(addr, len, 0, size_)) {
    ++out_of_range_;
    SC_REPORT_WARNING(ids::ram_out_of_range,
                      fmt::format("{}: access [{:#x}, +{}) outside {} bytes", name(), addr, len, size_).c_str());
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  uint8_t* ram = mem_.get() + addr;
  uint8_t* data = tx.get_data_ptr();
  const uint8_t* be = tx.get_byte_enable_ptr();
  unsigned be_len = tx.get_byte_enable_length();
  if (tx.is_read()) {
    if (be == nullptr) std::memcpy(data, ram, len);
    else for (unsigned i = 0; i < len; ++i) if (be[i % be_len]) data[i] = ram[i];
  } else if (tx.is_write()) {
    if (be == nullptr) std::memcpy(ram, data, len);
    else for (unsigned i = 0; i < len; ++i) if (be[i % be_len]) ram[i] = data[i];
  }
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void guest_ram::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  if (tx.get_streaming_width() < tx.get_data_length()) {
    tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (copy(tx)) {
    delay += tx.is_read() ? read_latency_ : write_latency_;
    tx.set_dmi_allowed(true);
  }
}

bool guest_ram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(mem_.get());
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(read_latency_);
  dmi.set_write_latency(write_latency_);
  return true;
}

unsigned int guest_ram::transport_dbg(tlm::tlm_generic_payload& tx) {
  return copy(tx) ? tx.get_data_length() : 0;
}

}  // namespace vmsim
