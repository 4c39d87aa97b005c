// A test-bench bus master: register reads/writes as TLM-2.0 transactions from the calling SC_THREAD,
// each followed by a wait for its annotated delay (no temporal decoupling: simple and exact).
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace vmsim::tb {

// Sets `tx` up as a fresh base-protocol transaction of `len` bytes at `data` (streaming width: `len` unless
// given), its response INCOMPLETE: what every access of a test initiator starts from.
void prepare(tlm::tlm_generic_payload& tx, tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
             unsigned streaming_width = 0);

class bus_master : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<bus_master> socket;
  explicit bus_master(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

  tlm::tlm_response_status read(uint64_t addr, unsigned width, uint32_t& value);
  tlm::tlm_response_status write(uint64_t addr, unsigned width, uint32_t value);
  // Raw access for malformed cases (odd lengths, byte enables).
  tlm::tlm_response_status raw(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
                               uint8_t* byte_enables = nullptr, unsigned streaming_width = 0);
  uint32_t read32(uint64_t addr);  // 32-bit read, value only
  // A 32-bit write carrying `delay` as its annotation, without waiting for it (loosely-timed initiator).
  tlm::tlm_response_status write_annotated(uint64_t addr, uint32_t value, sc_core::sc_time delay);
};

}  // namespace vmsim::tb
