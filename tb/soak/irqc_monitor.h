// The soak's interrupt checker: a pass-through in front of the interrupt controller's two sockets that
// keeps the reference account "every MSI message is taken once, nothing is taken that no message raised".
//
//   bus --> [regs_in  irqc_monitor  regs_out] --> irqc.regs   (IAR reads: what a vCPU took; ROUTE writes)
//   bus --> [msi_in                 msi_out ] --> irqc.msi    (every MSI message the device wrote)
//
// Per (vCPU, id) it holds the one pending bit an edge-triggered controller has: a message sets it (or is
// counted as coalesced if it was set already), the IAR that returns the id must find it set and clears it.
// A message annotated with a delay is forwarded when that time comes (what the controller does with it
// anyway), so the bit and the controller's state change together and the account is exact.
// Wired ids are level-triggered and are left to the guest's InterruptStatus checks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "vmsim/irq/interrupt_controller.h"

namespace vmsim::tb {

class irqc_monitor : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<irqc_monitor> regs_in, msi_in;
  tlm_utils::simple_initiator_socket<irqc_monitor> regs_out, msi_out;

  irqc_monitor(sc_core::sc_module_name name, const irqc_config& cfg);

  // Called at the moment a message is written (before any delay): "" if (vCPU, id) is where the guest
  // has the vector pointed and the vector is in use, else why not. Unset: every message is accepted.
  std::function<std::string(unsigned cpu, uint32_t id)> check_message;

  struct counters {
    uint64_t messages = 0;   // MSI writes that reached the controller
    uint64_t coalesced = 0;  // of which found (vCPU, id) already pending: one interrupt for both
    uint64_t taken = 0;      // MSI ids returned by IAR
    uint64_t wired_taken = 0;
  };
  const counters& stats() const { return stats_; }
  // Nothing in flight and no message left untaken (ask after unmasking everything).
  bool idle() const { return in_flight_.empty() && outstanding_ == 0; }
  std::string describe_outstanding() const;
  const std::string& error() const { return error_; }  // the first violation, "" if none

  // Self-test of the soak's checks: every `every`-th message is swallowed (lost) or delivered again 1 us later.
  enum class fault { none, lost, duplicate };
  void inject(fault f, uint64_t every) { fault_ = f, fault_every_ = every; }

 private:
  struct message {
    uint64_t offset;
    uint32_t data;
    bool replay = false;  // an injected duplicate: forwarded, not accounted
  };
  void regs_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  void msi_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  void forward_due();  // SC_METHOD: delayed messages whose time has come
  void deliver(const message& m);
  bool decode(const message& m, unsigned& cpu, uint32_t& id) const;
  void violation(const std::string& what);

  irqc_config cfg_;
  std::vector<uint8_t> pending_;  // [cpu * max_ids + id]
  std::vector<uint16_t> route_;   // mirror of ROUTE (arm: an SPI's vCPU)
  uint64_t outstanding_ = 0;      // set bits of pending_
  std::multimap<sc_core::sc_time, message> in_flight_;  // equal times stay in write order
  sc_core::sc_event_queue due_;
  tlm::tlm_generic_payload fwd_;
  uint32_t fwd_data_ = 0;
  counters stats_;
  std::string error_;
  fault fault_ = fault::none;
  uint64_t fault_every_ = 0, fault_count_ = 0;
};

}  // namespace vmsim::tb
