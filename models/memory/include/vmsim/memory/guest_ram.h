// Guest RAM: a TLM-2.0 base-protocol target with DMI (read/write) and debug transport.
// Out-of-range accesses get TLM_ADDRESS_ERROR_RESPONSE and a warning (vmsim/ram/out-of-range).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace vmsim {

class guest_ram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<guest_ram> socket;

  guest_ram(sc_core::sc_module_name name, uint64_t size,
            sc_core::sc_time read_latency = sc_core::SC_ZERO_TIME,
            sc_core::sc_time write_latency = sc_core::SC_ZERO_TIME);

  uint64_t size() const { return size_; }
  // Backdoor for test benches and loaders (what a debugger would see); not a bus access.
  uint8_t* data() { return mem_.get(); }

  uint64_t out_of_range_accesses() const { return out_of_range_; }

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& tx);
  bool copy(tlm::tlm_generic_payload& tx);

  // calloc'd: the OS hands out zero pages as they are touched, so a large RAM costs nothing up front.
  struct free_deleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t[], free_deleter> mem_;
  uint64_t size_;
  sc_core::sc_time read_latency_, write_latency_;
  uint64_t out_of_range_ = 0;
};

}  // namespace vmsim
