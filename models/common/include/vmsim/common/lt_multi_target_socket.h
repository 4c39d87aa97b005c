// A loosely-timed TLM-2.0 target socket for many initiators: a standard tlm::tlm_target_socket that any
// initiator socket binds to, each binding getting a link of its own whose forward calls reach the owning
// module's member functions directly (bound at compile time) with the link's index, as
// tlm_utils::multi_passthrough_target_socket's callbacks do. That socket reaches them through a binder, a
// functor and a member-function pointer (three calls on every access); a bus on the path of every guest
// access and every DMA has no use for them. An initiator that uses nb_transport_fw still gets the base
// protocol: the transaction completes at once through b_transport (TLM_COMPLETED at BEGIN_REQ,
// IEEE 1666-2011 15.2.6). Initiators bind to it directly (no hierarchical target-to-target binding).
//   lt_multi_target_socket<bus, &bus::b_transport, &bus::get_direct_mem_ptr, &bus::transport_dbg> target{"target", *this};
//   target[i]->invalidate_direct_mem_ptr(...)  // the backward path of initiator i, as with any target socket
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "vmsim/common/report_ids.h"

namespace vmsim {

template <class Module, void (Module::*BTransport)(int, tlm::tlm_generic_payload&, sc_core::sc_time&),
          bool (Module::*GetDirectMemPtr)(int, tlm::tlm_generic_payload&, tlm::tlm_dmi&),
          unsigned int (Module::*TransportDbg)(int, tlm::tlm_generic_payload&)>
class lt_multi_target_socket : public tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0> {
 public:
  lt_multi_target_socket(const char* name, Module& owner) : tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0>(name), owner_(owner) {
    // The export needs an interface even before anyone binds: the first initiator's link.
    links_.push_back(std::make_unique<link>(*this, 0));
    bind(static_cast<tlm::tlm_fw_transport_if<>&>(*links_.front()));
  }

  // Initiators bound so far; their indices are 0 .. links()-1 in binding order.
  unsigned links() const { return handed_out_; }

 private:
  // One initiator's forward path: its calls carry its index.
  class link : public tlm::tlm_fw_transport_if<> {
   public:
    link(lt_multi_target_socket& socket, int id) : socket_(socket), owner_(socket.owner_), id_(id) {}

    void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) override { (owner_.*BTransport)(id_, tx, delay); }
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& tx, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) override {
      if (phase != tlm::BEGIN_REQ) {  // nothing is ever outstanding here: any other phase breaks the protocol
        SC_REPORT_ERROR(ids::tlm_protocol,
                        (std::string(socket_.basename()) + ": nb_transport_fw in a phase other than BEGIN_REQ").c_str());
        return tlm::TLM_COMPLETED;
      }
      (owner_.*BTransport)(id_, tx, delay);
      phase = tlm::END_RESP;
      return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi) override {
      return (owner_.*GetDirectMemPtr)(id_, tx, dmi);
    }
    unsigned int transport_dbg(tlm::tlm_generic_payload& tx) override { return (owner_.*TransportDbg)(id_, tx); }

   private:
    lt_multi_target_socket& socket_;
    Module& owner_;
    const int id_;
  };

  // What an initiator socket binds its port to (tlm_base_initiator_socket::bind): a new link per binding.
  tlm::tlm_fw_transport_if<>& get_base_interface() override {
    if (handed_out_ == links_.size()) links_.push_back(std::make_unique<link>(*this, static_cast<int>(handed_out_)));
    return *links_[handed_out_++];
  }
  const tlm::tlm_fw_transport_if<>& get_base_interface() const override { return *links_.front(); }

  Module& owner_;
  std::vector<std::unique_ptr<link>> links_;  // pointers: a link's address is bound into an initiator's port
  unsigned handed_out_ = 0;
};

}  // namespace vmsim
