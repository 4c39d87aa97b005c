#include "vmsim/irq/interrupt_controller.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "vmsim/common/kernel_time.h"
#include "vmsim/common/report_ids.h"

namespace vmsim {

interrupt_controller::interrupt_controller(sc_core::sc_module_name name, const irqc_config& cfg)
    : sc_module(name),
      regs("regs", *this),
      msi("msi", *this),
      irq_in("irq_in", cfg.wired_lines),
      cpu_irq("cpu_irq", cfg.cpus),
      cfg_(cfg),
      cpus_(cfg.cpus),
      route_(max_ids, 0),
      level_(cfg.wired_lines, 0),
      line_inputs_(cfg.wired_lines),
      delivered_(size_t{std::min(cfg.cpus, 256u)} * max_ids, 0) {
  auto fail = [&](const std::string& why) {
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: {}", this->name(), why).c_str());
  };
  // Each vCPU needs its interface (IAR, EOIR) below ROUTE: a larger count would decode ROUTE as interfaces.
  if (cfg.cpus == 0 || cfg.cpus > regmap::irqc::max_cpus) fail(fmt::format("cpus must be 1..{}", regmap::irqc::max_cpus));
  if (cfg.wired_base_id + cfg.wired_lines > spurious) fail("wired lines exceed the interrupt id space");
  if (cfg.flavour == msi_flavour::x86_lapic && (cfg.msi_vector_min < 16 || cfg.msi_vector_min > 255))
    fail("msi_vector_min must be 16..255");
  if (cfg.flavour == msi_flavour::arm_gicv2m && cfg.msi_spi_base + cfg.msi_spi_count > spurious)
    fail("MSI SPIs exceed the interrupt id space");
  for (unsigned c = 0; c < cfg.cpus; ++c) cpus_[c].wire = &cpu_irq[c];
  for (unsigned i = 0; i < cfg.wired_lines; ++i) {
    line_inputs_[i].owner = this;
    line_inputs_[i].index = i;
    irq_in[i].bind(line_inputs_[i]);
  }
  SC_HAS_PROCESS(interrupt_controller);
  SC_METHOD(deliver_arrivals);
  sensitive << arrival_event_;
  dont_initialize();
}

std::pair<uint64_t, uint32_t> interrupt_controller::msi_message(uint64_t frame_base, unsigned cpu, uint32_t id) const {
  namespace mm = regmap::msi_msg;
  if (cfg_.flavour == msi_flavour::x86_lapic) return {mm::x86_address(frame_base, cpu), mm::x86_data(id)};
  return {mm::v2m_address(frame_base), id};
}

// ---- state ------------------------------------------------------------------------------------------
uint32_t interrupt_controller::id_set::first_not_in(const id_set& mask) const {
  for (unsigned bits = nonempty; bits; bits &= bits - 1) {
    const unsigned i = static_cast<unsigned>(__builtin_ctz(bits));
    if (const uint64_t c = w[i] & ~mask.w[i]) {
      const auto id = static_cast<uint32_t>(i * 64 + static_cast<unsigned>(__builtin_ctzll(c)));
      return id < spurious ? id : spurious;
    }
  }
  return spurious;
}

uint32_t interrupt_controller::highest_pending(unsigned cpu) const {
  if (cpu >= cfg_.cpus) return spurious;
  return cpus_[cpu].pending.first_not_in(masked_);  // lowest id first
}

uint32_t interrupt_controller::acknowledge(unsigned cpu) {
  if (cpu >= cfg_.cpus) return ++stats_.spurious_acks, spurious;
  cpu_interface& c = cpus_[cpu];
  const uint32_t id = c.in_service == spurious ? c.pending.first_not_in(masked_) : spurious;
  if (id == spurious) return ++stats_.spurious_acks, spurious;
  c.pending.reset(id);
  c.in_service = id;
  ++stats_.acknowledges;
  ++delivered_[cpu * max_ids + id];
  drive_output(c, false);  // in service: no nesting
  return id;
}

void interrupt_controller::eoi(unsigned cpu, uint32_t id) {
  if (cpu >= cfg_.cpus || cpus_[cpu].in_service != id) return spurious_eoi(cpu, id);
  cpu_interface& c = cpus_[cpu];
  ++stats_.eois;
  c.in_service = spurious;
  // Level semantics: a wired line still asserted is pending again at its routed vCPU.
  if (is_wired(id) && !cfg_.edge(id - cfg_.wired_base_id) && level_[id - cfg_.wired_base_id]) set_pending(route_[id], id);
  update_output(c);
}

void interrupt_controller::spurious_eoi(unsigned cpu, uint32_t id) {
  ++stats_.spurious_eois;
  SC_REPORT_WARNING(ids::spurious_eoi,
                    fmt::format("{}: EOI of id {} on vCPU {} with {} in service: ignored", name(), id, cpu,
                                cpu < cfg_.cpus && cpus_[cpu].in_service != spurious
                                    ? std::to_string(cpus_[cpu].in_service) : std::string("nothing")).c_str());
}

void interrupt_controller::route(uint32_t id, unsigned cpu) {
  if (id >= max_ids || cpu >= cfg_.cpus) return;
  route_[id] = static_cast<uint16_t>(cpu);
}

void interrupt_controller::mask(uint32_t id, bool m) {
  if (id >= max_ids) return;
  masked_.set(id, m);
  update_outputs();  // unmasking delivers what stayed pending
}

uint64_t interrupt_controller::delivered(unsigned cpu, uint32_t id) const {
  return cpu < cfg_.cpus && id < max_ids ? delivered_[cpu * max_ids + id] : 0;
}

// ---- processes ---------------------------------------------------------------------------------------
void interrupt_controller::line_changed(unsigned line, bool now) {
  if (now == (level_[line] != 0)) return;
  level_[line] = now;
  const uint32_t id = cfg_.wired_base_id + line;
  const unsigned cpu = route_[id];
  if (cfg_.edge(line)) {  // latched: a rise is one interrupt (again after EOI if it is in service), a fall nothing
    if (now) set_pending(cpu, id);
    return;
  }
  if (now && cpus_[cpu].in_service != id) set_pending(cpu, id);
  // A level interrupt that is no longer asserted is pending nowhere (it may have been rerouted since it rose).
  // Only the vCPUs that had it pending can change output: every other change of state updates its output.
  if (!now)
    for (unsigned c = 0; c < cfg_.cpus; ++c)
      if (cpus_[c].pending.test(id)) {
        cpus_[c].pending.reset(id);
        update_output(cpus_[c]);
      }
}

void interrupt_controller::deliver_arrivals() {
  const auto now = kernel_time();
  auto due = [&](const arrival& a) { return a.at <= now; };
  for (const auto& a : arrivals_)
    if (due(a)) set_pending(a.cpu, a.id);
  arrivals_.erase(std::remove_if(arrivals_.begin(), arrivals_.end(), due), arrivals_.end());
  if (!arrivals_.empty()) {
    auto next = std::min_element(arrivals_.begin(), arrivals_.end(),
                                 [](const arrival& a, const arrival& b) { return a.at < b.at; });
    arrival_event_.notify(next->at - now);
  }
}

void interrupt_controller::update_outputs() {
  for (auto& c : cpus_) update_output(c);
}

// ---- bus side ----------------------------------------------------------------------------------------
tlm::tlm_response_status interrupt_controller::bad(const std::string& what) {
  ++stats_.bad_accesses;
  SC_REPORT_WARNING(ids::irqc_bad_access, fmt::format("{}: {}", name(), what).c_str());
  return tlm::TLM_ADDRESS_ERROR_RESPONSE;
}

void interrupt_controller::regs_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time&) {
  const uint64_t a = tx.get_address();
  if (tx.get_data_length() != 4 || a % 4 || tx.get_byte_enable_ptr()) {
    tx.set_response_status(bad(fmt::format("{}-byte access at {:#x}: registers are 32-bit", tx.get_data_length(), a)));
    if (tx.get_data_length() != 4) tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  uint32_t value = 0;
  std::memcpy(&value, tx.get_data_ptr(), 4);
  const bool wr = tx.is_write();
  tlm::tlm_response_status r = tlm::TLM_OK_RESPONSE;
  if (a < cpu_window * cfg_.cpus) {
    const unsigned cpu = static_cast<unsigned>(a / cpu_window);
    const uint64_t off = a % cpu_window;
    if (off == iar && !wr) value = acknowledge(cpu);
    else if (off == hppir && !wr) value = highest_pending(cpu);
    else if (off == eoir && wr) eoi(cpu, value);
    else r = bad(fmt::format("vCPU {} interface: no {} register at {:#x}", cpu, wr ? "writable" : "readable", off));
  } else if (a >= route_base && a < route_base + 4 * max_ids) {
    const uint32_t id = static_cast<uint32_t>((a - route_base) / 4);
    if (wr && value >= cfg_.cpus) r = bad(fmt::format("ROUTE[{}] = vCPU {}: only {} vCPUs", id, value, cfg_.cpus));
    else if (wr) route(id, value);
    else value = route_[id];
  } else if (a >= mask_base && a < mask_base + 4 * max_ids) {
    const uint32_t id = static_cast<uint32_t>((a - mask_base) / 4);
    if (wr) mask(id, value & 1);
    else value = masked_.test(id) ? 1 : 0;
  } else {
    r = bad(fmt::format("no register at {:#x}", a));
  }
  if (!wr) std::memcpy(tx.get_data_ptr(), &value, 4);
  tx.set_response_status(r);
}

bool interrupt_controller::decode_msi(uint64_t offset, uint32_t data, unsigned& cpu, uint32_t& id,
                                      const char*& why) const {
  if (cfg_.flavour == msi_flavour::x86_lapic) {
    cpu = regmap::msi_msg::x86_dest_of(offset);
    id = regmap::msi_msg::x86_data(data);
    if (cpu >= cfg_.cpus) return why = "destination is no vCPU", false;
    if (id < cfg_.msi_vector_min) return why = "vector below the MSI range", false;
    return true;
  }
  id = data;
  if (offset != setspi_ns) return why = "not the SETSPI_NS register", false;
  if (id < cfg_.msi_spi_base || id >= cfg_.msi_spi_base + cfg_.msi_spi_count) return why = "SPI outside the frame's range", false;
  cpu = route_[id];
  return true;
}

void interrupt_controller::msi_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  ++stats_.msi_writes;
  // MSI writes are posted: a write that decodes to nothing is dropped (and counted), the bus answers OK.
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  const uint64_t offset = tx.get_address();
  if (!tx.is_write() || tx.get_data_length() != 4 || tx.get_byte_enable_ptr())
    return drop_msi(offset, 0, "not a 32-bit write");
  uint32_t data;
  std::memcpy(&data, tx.get_data_ptr(), 4);
  unsigned cpu = 0;
  uint32_t id = 0;
  const char* why = nullptr;
  if (!decode_msi(offset, data, cpu, id, why)) return drop_msi(offset, data, why);
  if (timeline_ || delay != sc_core::SC_ZERO_TIME) return msi_arrives(cpu, id, delay);
  set_pending(cpu, id);
}

void interrupt_controller::msi_arrives(unsigned cpu, uint32_t id, const sc_core::sc_time& delay) {
  if (timeline_)
    timeline_->instant_named("msi", 100, to_ns(kernel_time() + delay),
                             [&](timeline::label& l) { l << "MSI id " << id << " -> vCPU " << cpu; });
  // The message arrives when the writer's annotated time is reached.
  if (delay == sc_core::SC_ZERO_TIME) return set_pending(cpu, id);
  arrivals_.push_back({kernel_time() + delay, cpu, id});
  arrival_event_.notify(delay);
}

void interrupt_controller::drop_msi(uint64_t offset, uint32_t data, const char* why) {
  ++stats_.msi_dropped;
  SC_REPORT_WARNING(ids::msi_undecodable,
                    fmt::format("{}: MSI write {:#x} <- {:#x} dropped: {}", name(), offset, data, why).c_str());
}

}  // namespace vmsim
