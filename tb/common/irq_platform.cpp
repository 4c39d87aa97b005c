#include "irq_platform.h"

#include "vmsim/irq/scheme_factory.h"
#include "vmsim/regmap/interrupts.h"

namespace vmsim::tb {

using regmap::irq_mode;
using regmap::reg;
namespace v1 = regmap::msi_v1;
namespace v2 = regmap::msi_v2;
namespace mx = regmap::msix;

namespace {
irq_mode mode_of(const irq_platform_config& c) { return scheme_named(c.scheme).driver_mode; }
}  // namespace

irq_platform::irq_platform(sc_core::sc_module_name name, const irq_platform_config& c)
    : virtio_system(name, c),
      cpu("cpu", c.irqc.cpus),
      cpu_irq("cpu_irq", c.irqc.cpus),
      lines("line", c.transport.irq_lines),
      driver(cpu[0], c.mmio_base, ram.data(), c.ram_base, c.ram_size) {
  for (auto& m : cpu) m.socket.bind(bus.target);
  for (unsigned i = 0; i < c.transport.irq_lines; ++i) transport.irq[i].bind(lines[i].in);  // a second receiver
  for (unsigned i = 0; i < c.irqc.cpus; ++i) irqc.cpu_irq[i].bind(cpu_irq[i].in);
}

uint32_t irq_platform::msi_id(unsigned vector) const {
  return cfg.irqc.flavour == msi_flavour::x86_lapic ? cfg.irqc.msi_vector_min + vector : cfg.irqc.msi_spi_base + vector;
}

void irq_platform::route_line(unsigned line, unsigned to_cpu) {
  cpu[0].write(cfg.irqc_base + interrupt_controller::route_base + 4 * wired_id(line), 4, to_cpu);
}

void irq_platform::write_message(unsigned vector, unsigned to_cpu) {
  auto [addr, data] = message_for(vector, to_cpu);
  // arm: the message's destination is the SPI's route in the controller, set by the guest too.
  if (cfg.irqc.flavour == msi_flavour::arm_gicv2m)
    cpu[0].write(cfg.irqc_base + interrupt_controller::route_base + 4 * msi_id(vector), 4, to_cpu);
  const bool v1 = mode_of(cfg) == irq_mode::msi_v1 || mode_of(cfg) == irq_mode::msi_v1_kernel;
  cpu[0].write(msi_reg(v1 ? v1::address_low : v2::addr_low), 4, static_cast<uint32_t>(addr));
  cpu[0].write(msi_reg(v1 ? v1::address_high : v2::addr_high), 4, static_cast<uint32_t>(addr >> 32));
  cpu[0].write(msi_reg(v1 ? v1::data : v2::data), 4, data);
}

void irq_platform::program_msi(const std::map<unsigned, unsigned>& vector_cpu, bool sharing) {
  auto& c0 = cpu[0];
  const unsigned queues = device.num_queues();
  auto cpu_of = [&](unsigned v) { auto it = vector_cpu.find(v); return it == vector_cpu.end() ? 0u : it->second; };
  const irq_mode mode = mode_of(cfg);
  if (mode == irq_mode::msi_v1) {
    for (unsigned v = 0; v <= queues; ++v) {
      write_message(v, cpu_of(v));
      c0.write(msi_reg(v1::command), 2, v1::cmd(v1::op_update, v));
    }
    c0.write(msi_reg(v1::command), 2, v1::cmd(v1::op_enable, 1));
  } else if (mode == irq_mode::msi_v1_kernel) {
    for (unsigned v = 0; v <= queues; ++v) {
      write_message(v, cpu_of(v));
      c0.write(msi_reg(v1::command), 2, v1::cmd(v1::op_update, v));
    }
    uint32_t st = 0;
    c0.read(msi_reg(v1::status), 2, st);
    c0.write(msi_reg(v1::status), 2, st | v1::status_enabled);
  } else if (mode == irq_mode::msi_v2 || mode == irq_mode::msi_v2_linux) {
    const unsigned used_vectors = sharing ? 2 : queues + 1;
    for (unsigned v = 0; v < used_vectors; ++v) {
      c0.write(msi_reg(v2::vec_sel), 4, v);
      write_message(v, cpu_of(v));
      c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::configure);
    }
    if (sharing) {
      c0.write(msi_reg(v2::vec_sel), 4, 0);
      c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::map_config);
      c0.write(msi_reg(v2::vec_sel), 4, 1);
      for (unsigned q = 0; q < queues; ++q) {
        c0.write(reg(regmap::offset_of(reg::queue_sel)), 4, q);
        c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::map_queue);
      }
    }
    c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::enable);
  } else if (mode == irq_mode::msi_v2_pair) {
    for (unsigned q = 0; q < queues; ++q) {
      c0.write(reg(regmap::offset_of(reg::queue_sel)), 4, q);
      write_message(q + 1, cpu_of(q + 1));
      c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::configure);
    }
    write_message(0, cpu_of(0));
    c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::map_config);  // the pair layout's "configure config pair"
    c0.write(msi_reg(v2::cmd), 4, msi_v2_scheme::enable);
  } else if (mode == irq_mode::msix) {
    for (unsigned v = 0; v <= queues; ++v) {
      auto [addr, data] = message_for(v, cpu_of(v));
      if (cfg.irqc.flavour == msi_flavour::arm_gicv2m)
        c0.write(cfg.irqc_base + regmap::irqc::route(msi_id(v)), 4, cpu_of(v));
      const uint64_t e = cfg.mmio_base + mx::entry(cfg.msi.msix_table_base, v);
      c0.write(e + mx::entry_addr_low, 4, static_cast<uint32_t>(addr));
      c0.write(e + mx::entry_addr_high, 4, static_cast<uint32_t>(addr >> 32));
      c0.write(e + mx::entry_data, 4, data);
      c0.write(e + mx::entry_vector_ctrl, 4, 0);  // unmask the entry
    }
    c0.write(msi_reg(mx::config_vector), 4, 0);
    for (unsigned q = 0; q < queues; ++q) {
      c0.write(reg(regmap::offset_of(reg::queue_sel)), 4, q);
      c0.write(msi_reg(mx::queue_vector), 4, q + 1);
    }
    c0.write(msi_reg(mx::control), 4, mx::control_enable);
  }
}

bool irq_platform::take_interrupt(unsigned c, taken& t, const sc_core::sc_time& timeout) {
  t = taken{};
  t.cpu = c;
  if (!cpu_irq[c].read()) wait(timeout, cpu_irq[c].posedge_event());
  if (!cpu_irq[c].read()) return false;
  auto& m = cpu[c];
  const uint64_t iface = cfg.irqc_base + c * interrupt_controller::cpu_window;
  t.id = m.read32(iface + interrupt_controller::iar);
  if (irqc.is_wired(t.id)) {
    const uint64_t status_reg = reg(regmap::offset_of(reg::interrupt_status));
    const uint64_t ack_reg = reg(regmap::offset_of(reg::interrupt_ack));
    t.status = m.read32(status_reg);
    if (mode_of(cfg) == irq_mode::multi_irq) {  // the RFC: one ACK write per set bit, only when set
      if (t.status & regmap::irq::config_change) m.write(ack_reg, 4, t.status & regmap::irq::config_change);
      if (t.status & regmap::irq::used_buffer) m.write(ack_reg, 4, t.status & regmap::irq::used_buffer);
    } else {
      m.write(ack_reg, 4, t.status);
    }
  }
  for (unsigned q = 0; q < device.num_queues(); ++q)
    while (driver.rings(q).num && driver.used_available(q)) {
      driver.reap(q);
      ++t.used;
    }
  m.write(iface + interrupt_controller::eoir, 4, t.id);
  return true;
}

std::pair<uint64_t, uint64_t> irq_platform::device_accesses() const {
  uint64_t r = 0, w = 0;
  for (const auto& e : transport.registers().entries()) {
    r += e.reads;
    w += e.writes;
  }
  return {r, w};
}

}  // namespace vmsim::tb
