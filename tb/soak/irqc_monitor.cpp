#include "irqc_monitor.h"

#include <cstring>

#include <fmt/format.h>

namespace vmsim::tb {

using ic = interrupt_controller;

irqc_monitor::irqc_monitor(sc_core::sc_module_name name, const irqc_config& cfg)
    : sc_module(name),
      regs_in("regs_in"),
      msi_in("msi_in"),
      regs_out("regs_out"),
      msi_out("msi_out"),
      cfg_(cfg),
      pending_(size_t{cfg.cpus} * ic::max_ids, 0),
      route_(ic::max_ids, 0),
      due_("due") {
  regs_in.register_b_transport(this, &irqc_monitor::regs_b_transport);
  msi_in.register_b_transport(this, &irqc_monitor::msi_b_transport);
  fwd_.set_command(tlm::TLM_WRITE_COMMAND);
  fwd_.set_data_ptr(reinterpret_cast<uint8_t*>(&fwd_data_));
  fwd_.set_data_length(4);
  fwd_.set_streaming_width(4);
  SC_HAS_PROCESS(irqc_monitor);
  SC_METHOD(forward_due);
  sensitive << due_;
  dont_initialize();
}

void irqc_monitor::violation(const std::string& what) {
  if (error_.empty()) error_ = fmt::format("{} @ {}", what, sc_core::sc_time_stamp().to_string());
}

void irqc_monitor::regs_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  const uint64_t a = tx.get_address();
  uint32_t value = 0;
  const bool word = tx.get_data_length() == 4;
  if (tx.is_write() && word && a >= ic::route_base && a < ic::route_base + 4 * ic::max_ids) {
    std::memcpy(&value, tx.get_data_ptr(), 4);
    if (value < cfg_.cpus) route_[(a - ic::route_base) / 4] = static_cast<uint16_t>(value);
  }
  regs_out->b_transport(tx, delay);
  const bool iar = tx.is_read() && word && a < ic::cpu_window * cfg_.cpus && a % ic::cpu_window == ic::iar;
  if (!iar || !tx.is_response_ok()) return;
  std::memcpy(&value, tx.get_data_ptr(), 4);
  const auto cpu = static_cast<unsigned>(a / ic::cpu_window);
  if (value == ic::spurious) return;  // the guest decides whether it expected something
  if (value >= cfg_.wired_base_id && value < cfg_.wired_base_id + cfg_.wired_lines) {
    ++stats_.wired_taken;
    return;
  }
  uint8_t& p = pending_[size_t{cpu} * ic::max_ids + value];
  if (!p) return violation(fmt::format("vCPU {} took interrupt {} that no MSI message raised (duplicate or invented)", cpu, value));
  p = 0;
  --outstanding_;
  ++stats_.taken;
}

bool irqc_monitor::decode(const message& m, unsigned& cpu, uint32_t& id) const {
  if (cfg_.flavour == msi_flavour::x86_lapic) {
    cpu = static_cast<unsigned>((m.offset >> 12) & 0xff);
    id = m.data & 0xff;
    return cpu < cfg_.cpus && id >= cfg_.msi_vector_min;
  }
  id = m.data;
  if (m.offset != ic::setspi_ns || id < cfg_.msi_spi_base || id >= cfg_.msi_spi_base + cfg_.msi_spi_count) return false;
  cpu = route_[id];
  return true;
}

void irqc_monitor::msi_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  message m{tx.get_address(), 0, false};
  tx.set_response_status(tlm::TLM_OK_RESPONSE);  // posted, as the controller answers
  if (!tx.is_write() || tx.get_data_length() != 4 || tx.get_byte_enable_ptr())
    return violation(fmt::format("MSI frame access that is not a 32-bit write at {:#x}", m.offset));
  std::memcpy(&m.data, tx.get_data_ptr(), 4);
  unsigned cpu = 0;
  uint32_t id = 0;
  if (!decode(m, cpu, id)) return violation(fmt::format("undecodable MSI write {:#x} <- {:#x}", m.offset, m.data));
  // x86: the destination is in the message; arm: it is the SPI's route when the message arrives.
  if (check_message) {
    const std::string why = check_message(cfg_.flavour == msi_flavour::x86_lapic ? cpu : ~0u, id);
    if (!why.empty()) violation(fmt::format("MSI {:#x} <- {:#x} (vCPU {}, id {}): {}", m.offset, m.data, cpu, id, why));
  }
  if (delay == sc_core::SC_ZERO_TIME) return deliver(m);
  in_flight_.emplace(sc_core::sc_time_stamp() + delay, m);
  due_.notify(delay);
}

void irqc_monitor::forward_due() {
  const auto now = sc_core::sc_time_stamp();
  while (!in_flight_.empty() && in_flight_.begin()->first <= now) {
    const message m = in_flight_.begin()->second;
    in_flight_.erase(in_flight_.begin());
    deliver(m);
  }
}

void irqc_monitor::deliver(const message& m) {
  const bool inject = !m.replay && fault_ != fault::none && ++fault_count_ % fault_every_ == 0;
  if (inject && fault_ == fault::lost) return;
  if (inject && fault_ == fault::duplicate) {
    const sc_core::sc_time later(1, sc_core::SC_US);
    in_flight_.emplace(sc_core::sc_time_stamp() + later, message{m.offset, m.data, true});
    due_.notify(later);
  }
  unsigned cpu = 0;
  uint32_t id = 0;
  decode(m, cpu, id);  // checked when written; an arm route may have moved since, as in the controller
  if (!m.replay) {
    ++stats_.messages;
    uint8_t& p = pending_[size_t{cpu} * ic::max_ids + id];
    if (p) ++stats_.coalesced;
    else p = 1, ++outstanding_;
  }
  fwd_.set_address(m.offset);
  fwd_data_ = m.data;
  fwd_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
  msi_out->b_transport(fwd_, zero);
}

std::string irqc_monitor::describe_outstanding() const {
  std::string s;
  for (unsigned c = 0; c < cfg_.cpus; ++c)
    for (uint32_t id = 0; id < ic::max_ids; ++id)
      if (pending_[size_t{c} * ic::max_ids + id]) s += fmt::format(" (vCPU {}, id {})", c, id);
  return fmt::format("{} MSI(s) raised and not taken:{}; {} in flight", outstanding_, s, in_flight_.size());
}

}  // namespace vmsim::tb
