#include "bus_master.h"

namespace vmsim::tb {

void prepare(tlm::tlm_generic_payload& tx, tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
             unsigned streaming_width) {
  tx.set_command(cmd);
  tx.set_address(addr);
  tx.set_data_ptr(data);
  tx.set_data_length(len);
  tx.set_streaming_width(streaming_width ? streaming_width : len);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

tlm::tlm_response_status bus_master::raw(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
                                         uint8_t* byte_enables, unsigned streaming_width) {
  tlm::tlm_generic_payload tx;
  prepare(tx, cmd, addr, data, len, streaming_width);
  if (byte_enables) {
    tx.set_byte_enable_ptr(byte_enables);
    tx.set_byte_enable_length(len);
  }
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(tx, delay);
  wait(delay);
  return tx.get_response_status();
}

tlm::tlm_response_status bus_master::read(uint64_t addr, unsigned width, uint32_t& value) {
  uint8_t b[4] = {};
  auto r = raw(tlm::TLM_READ_COMMAND, addr, b, width);
  value = 0;
  for (unsigned i = 0; i < width && i < 4; ++i) value |= uint32_t{b[i]} << (8 * i);
  return r;
}

tlm::tlm_response_status bus_master::write(uint64_t addr, unsigned width, uint32_t value) {
  uint8_t b[4];
  for (unsigned i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(value >> (8 * i));
  return raw(tlm::TLM_WRITE_COMMAND, addr, b, width);
}

tlm::tlm_response_status bus_master::write_annotated(uint64_t addr, uint32_t value, sc_core::sc_time delay) {
  uint8_t b[4];
  for (unsigned i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(value >> (8 * i));
  tlm::tlm_generic_payload tx;
  prepare(tx, tlm::TLM_WRITE_COMMAND, addr, b, 4);
  socket->b_transport(tx, delay);
  return tx.get_response_status();
}

uint32_t bus_master::read32(uint64_t addr) {
  uint32_t v;
  read(addr, 4, v);
  return v;
}

}  // namespace vmsim::tb
