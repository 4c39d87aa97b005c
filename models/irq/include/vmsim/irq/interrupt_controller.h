// The interrupt controller: where wired lines and MSI messages become per-vCPU interrupts.
//   - wired lines: level-sensitive inputs, each routed to one vCPU (ROUTE), maskable (MASK), with
//     pending / in-service state; a line still high after EOI is pending again.
//   - MSI frame: a TLM target that decodes a 32-bit write into (vCPU, interrupt id):
//       x86 flavour (LAPIC-like window, 0xFEE00000 in the scenario): destination in address bits 19:12,
//       vector in data bits 7:0;
//       arm flavour (GICv2m-like): a write of the SPI number to SETSPI_NS (offset 0x40); the SPI's ROUTE
//       gives the vCPU.
//   - per-vCPU interface registers: IAR (read = acknowledge), EOIR (write = end of interrupt), HPPIR.
// Interrupt ids: 0..1022; wired line i is id wired_base_id + i; 1023 means "none" (spurious).
// No nesting: while a vCPU has an interrupt in service, its output stays low.
// Wires in and out are irq_wire.h interface calls: an output follows its state at once, in the process
// that changed it (a line, an MSI, an IAR read, an EOI), so a vCPU sees its input without a delta cycle.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>

#include "vmsim/common/irq_wire.h"
#include "vmsim/common/lt_target_socket.h"
#include "vmsim/common/params.h"
#include "vmsim/common/timeline.h"
#include "vmsim/regmap/interrupts.h"

namespace vmsim {

enum class msi_flavour { x86_lapic, arm_gicv2m };

struct irqc_config {
  unsigned cpus = 1;
  unsigned wired_lines = 16;
  unsigned wired_base_id = 32;
  msi_flavour flavour = msi_flavour::x86_lapic;
  unsigned msi_vector_min = 48;                 // x86: lowest vector an MSI may carry (below: wired/system)
  unsigned msi_spi_base = 64, msi_spi_count = 64;  // arm: SPIs the v2m frame may set
  // Properties the hypervisor cost model reads: does the guest's EOI trap for this kind of source?
  // (Level-triggered IOAPIC EOIs exit even with APICv; MSI with posted interrupts needs no EOI exit.)
  bool eoi_traps_wired = true;
  bool eoi_traps_msi = false;
  // Bit i: wired line i is edge-latched: a rise is pending until acknowledged even if the line falls at once
  // (KVM's irqfd without a resampler asserts and deasserts an IOAPIC pin, virt/kvm/eventfd.c irqfd_inject;
  // the multi-IRQ RFC's proof-of-concept VMM signals queue interrupts this way).
  uint64_t edge_lines = 0;
  bool edge(unsigned line) const { return line < 64 && ((edge_lines >> line) & 1); }
};
// Its run-time parameters (vm.irqc.*, irq_params.cpp).
const param_group<irqc_config>& param_table(const irqc_config&);

class interrupt_controller : public sc_core::sc_module {
  // The sockets' entry points, declared before the sockets bound to them at compile time.
  void regs_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  void msi_b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);

 public:
  // Register map of the `regs` socket and the MSI frame: vmsim/regmap/interrupts.h (regmap::irqc, msi_msg).
  static constexpr unsigned max_ids = regmap::irqc::max_ids;
  static constexpr uint32_t spurious = regmap::irqc::spurious;
  static constexpr uint64_t cpu_window = regmap::irqc::cpu_window;
  static constexpr uint64_t iar = regmap::irqc::iar, eoir = regmap::irqc::eoir, hppir = regmap::irqc::hppir;
  static constexpr uint64_t route_base = regmap::irqc::route_base, mask_base = regmap::irqc::mask_base;
  static constexpr uint64_t regs_size = regmap::irqc::regs_size;
  static constexpr uint64_t setspi_ns = regmap::msi_msg::v2m_setspi_ns;
  static constexpr uint64_t x86_msi_window = regmap::msi_msg::x86_window;

  lt_target_socket<interrupt_controller, &interrupt_controller::regs_b_transport> regs;  // vCPU interfaces + distributor
  lt_target_socket<interrupt_controller, &interrupt_controller::msi_b_transport> msi;    // MSI frame
  sc_core::sc_vector<sc_core::sc_export<irq_target_if>> irq_in;  // wired lines
  sc_core::sc_vector<irq_out> cpu_irq;                             // one interrupt output per vCPU

  interrupt_controller(sc_core::sc_module_name name, const irqc_config& cfg);

  // The MSI address/data a device must write to reach (cpu, id) in this flavour (drivers use it).
  std::pair<uint64_t, uint32_t> msi_message(uint64_t frame_base, unsigned cpu, uint32_t id) const;

  // C++ view of the vCPU interface (what IAR/EOIR do), for CPU models that do not go through the bus.
  uint32_t acknowledge(unsigned cpu);
  void eoi(unsigned cpu, uint32_t id);
  uint32_t highest_pending(unsigned cpu) const;
  void route(uint32_t id, unsigned cpu);
  void mask(uint32_t id, bool masked);
  const irqc_config& config() const { return cfg_; }
  bool is_wired(uint32_t id) const { return id >= cfg_.wired_base_id && id < cfg_.wired_base_id + cfg_.wired_lines; }

  struct counters {
    uint64_t msi_writes = 0, msi_dropped = 0;
    uint64_t acknowledges = 0, spurious_acks = 0, eois = 0, spurious_eois = 0;
    uint64_t bad_accesses = 0;
  };
  const counters& stats() const { return stats_; }
  uint64_t delivered(unsigned cpu, uint32_t id) const;
  void attach_timeline(timeline* t) { timeline_ = t; }  // MSI arrivals as instants on track 100

 private:
  bool decode_msi(uint64_t offset, uint32_t data, unsigned& cpu, uint32_t& id, const char*& why) const;
  // Wired line i's input: its level changes call line_changed.
  struct line_input : irq_target_if {
    interrupt_controller* owner = nullptr;
    unsigned index = 0;
    void set_irq(bool level) override { owner->line_changed(index, level); }
  };
  void line_changed(unsigned line, bool level);
  void deliver_arrivals();  // SC_METHOD: MSIs whose annotated time has come
  // Out of line, so the common paths of an MSI write and an EOI keep a small frame: a write dropped (with
  // its warning), an MSI recorded on the timeline or arriving later than now, an EOI of nothing in service.
  [[gnu::cold, gnu::noinline]] void drop_msi(uint64_t offset, uint32_t data, const char* why);
  [[gnu::noinline]] void msi_arrives(unsigned cpu, uint32_t id, const sc_core::sc_time& delay);
  [[gnu::cold, gnu::noinline]] void spurious_eoi(unsigned cpu, uint32_t id);
  tlm::tlm_response_status bad(const std::string& what);

  // A set of interrupt ids as 64-bit words plus a summary of the non-empty words, so the highest-priority
  // pending id is a few word operations (usually one word is non-empty).
  struct id_set {
    std::array<uint64_t, max_ids / 64> w{};
    uint16_t nonempty = 0;  // bit k: w[k] != 0
    static_assert(max_ids / 64 <= 16, "one summary bit per word");
    void set(uint32_t id) {
      w[id / 64] |= uint64_t{1} << (id % 64);
      nonempty = static_cast<uint16_t>(nonempty | (1u << (id / 64)));
    }
    void reset(uint32_t id) {
      auto& word = w[id / 64];
      word &= ~(uint64_t{1} << (id % 64));
      if (!word) nonempty = static_cast<uint16_t>(nonempty & ~(1u << (id / 64)));
    }
    void set(uint32_t id, bool v) { v ? set(id) : reset(id); }
    bool test(uint32_t id) const { return (w[id / 64] >> (id % 64)) & 1; }
    uint32_t first_not_in(const id_set& mask) const;  // spurious when none
  };
  // One vCPU's interface: what is pending, what is in service, the level its output drives.
  struct cpu_interface {
    id_set pending;
    uint32_t in_service = spurious;  // spurious = none
    bool output = false;             // the level of cpu_irq[cpu], read per change
    irq_out* wire = nullptr;         // cpu_irq[cpu]
  };
  // cpu_irq[cpu] is high while the vCPU has a deliverable (pending, unmasked) id and none in service.
  void update_output(cpu_interface& c) {
    drive_output(c, c.in_service == spurious && c.pending.first_not_in(masked_) != spurious);
  }
  // Drives a level known from the change just made; flattened, so the wire's loop is inline wherever it is.
  [[gnu::always_inline, gnu::flatten]] inline void drive_output(cpu_interface& c, bool level) {
    if (level == c.output) return;
    c.output = level;
    c.wire->write(level);
  }
  void update_outputs();
  void set_pending(unsigned cpu, uint32_t id) {
    cpu_interface& c = cpus_[cpu];
    c.pending.set(id);
    // The output can only rise, and only for an id it may deliver.
    if (c.in_service == spurious && !masked_.test(id)) drive_output(c, true);
  }

  irqc_config cfg_;
  std::vector<cpu_interface> cpus_;            // per vCPU
  std::vector<uint16_t> route_;                // per id
  id_set masked_;
  std::vector<uint8_t> level_;                 // per wired line (bytes: vector<bool> extracts a bit per look)
  std::vector<line_input> line_inputs_;
  std::vector<uint64_t> delivered_;            // acknowledged count per (vCPU, id): [cpu * max_ids + id]
  struct arrival {
    sc_core::sc_time at;
    unsigned cpu;
    uint32_t id;
  };
  std::vector<arrival> arrivals_;
  sc_core::sc_event arrival_event_;
  counters stats_;
  timeline* timeline_ = nullptr;
};

}  // namespace vmsim
