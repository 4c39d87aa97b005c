// A loosely-timed TLM-2.0 target socket: a standard tlm::tlm_target_socket whose forward calls reach the
// owning module's member functions directly, bound at compile time. tlm_utils::simple_target_socket does the
// same through member-function pointers and keeps the machinery that converts blocking calls to
// non-blocking ones (a frame of its own on every access); a register block on the per-access path of every
// round trip has no use for it. An initiator that uses nb_transport_fw still gets the base protocol: the
// transaction completes at once through b_transport (TLM_COMPLETED at BEGIN_REQ, IEEE 1666-2011 15.2.6).
//   lt_target_socket<my_module, &my_module::b_transport> regs{"regs", *this};
//   lt_target_socket<my_module, &my_module::b_transport, &my_module::transport_dbg> regs{"regs", *this};
#pragma once

#include <type_traits>

#include <systemc>
#include <tlm>

#include "vmsim/common/report_ids.h"

namespace vmsim {

template <class Module, void (Module::*BTransport)(tlm::tlm_generic_payload&, sc_core::sc_time&),
          unsigned int (Module::*TransportDbg)(tlm::tlm_generic_payload&) = nullptr>
class lt_target_socket : public tlm::tlm_target_socket<32>, private tlm::tlm_fw_transport_if<> {
 public:
  lt_target_socket(const char* name, Module& owner) : tlm::tlm_target_socket<32>(name), owner_(owner) {
    bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
  }

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) override { (owner_.*BTransport)(tx, delay); }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& tx, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override {
    if (phase != tlm::BEGIN_REQ) {  // nothing is ever outstanding here: any other phase breaks the protocol
      SC_REPORT_ERROR(ids::tlm_protocol, (std::string(basename()) + ": nb_transport_fw in a phase other than BEGIN_REQ").c_str());
      return tlm::TLM_COMPLETED;
    }
    (owner_.*BTransport)(tx, delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }  // registers: no DMI
  unsigned int transport_dbg(tlm::tlm_generic_payload& tx) override {
    if constexpr (has_transport_dbg) return (owner_.*TransportDbg)(tx);
    return 0;
  }

  // Told by the template arguments' identity, not by comparing the pointer (which the sanitizer build
  // instruments, and then no longer takes for a constant expression).
  using dbg_arg = decltype(TransportDbg);
  static constexpr bool has_transport_dbg =
      !std::is_same_v<std::integral_constant<dbg_arg, TransportDbg>, std::integral_constant<dbg_arg, nullptr>>;

  Module& owner_;
};

}  // namespace vmsim
