#include "irq_platform.h"

#include "vmsim/transport/wired_irq_scheme.h"

namespace vmsim::tb {

using regmap::reg;

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
  const bool v1 = cfg.scheme == "msi-v1";
  cpu[0].write(msi_reg(v1 ? 0x4 : 0x14), 4, static_cast<uint32_t>(addr));
  cpu[0].write(msi_reg(v1 ? 0x8 : 0x18), 4, static_cast<uint32_t>(addr >> 32));
  cpu[0].write(msi_reg(v1 ? 0xc : 0x1c), 4, data);
}

void irq_platform::program_msi(const std::map<unsigned, unsigned>& vector_cpu, bool sharing) {
  auto& c0 = cpu[0];
  const unsigned queues = device.num_queues();
  auto cpu_of = [&](unsigned v) { auto it = vector_cpu.find(v); return it == vector_cpu.end() ? 0u : it->second; };
  if (cfg.scheme == "msi-v1") {
    for (unsigned v = 0; v <= queues; ++v) {
      write_message(v, cpu_of(v));
      c0.write(msi_reg(0x2), 2, (msi_v1_scheme::op_update << 12) | v);
    }
    c0.write(msi_reg(0x2), 2, (msi_v1_scheme::op_enable << 12) | 1);
  } else if (cfg.scheme == "msi-v2") {
    const unsigned used_vectors = sharing ? 2 : queues + 1;
    for (unsigned v = 0; v < used_vectors; ++v) {
      c0.write(msi_reg(0x10), 4, v);
      write_message(v, cpu_of(v));
      c0.write(msi_reg(0x08), 4, msi_v2_scheme::configure);
    }
    if (sharing) {
      c0.write(msi_reg(0x10), 4, 0);
      c0.write(msi_reg(0x08), 4, msi_v2_scheme::map_config);
      c0.write(msi_reg(0x10), 4, 1);
      for (unsigned q = 0; q < queues; ++q) {
        c0.write(reg(regmap::offset_of(reg::queue_sel)), 4, q);
        c0.write(msi_reg(0x08), 4, msi_v2_scheme::map_queue);
      }
    }
    c0.write(msi_reg(0x08), 4, msi_v2_scheme::enable);
  } else if (cfg.scheme == "msi-v2-pair") {
    for (unsigned q = 0; q < queues; ++q) {
      c0.write(reg(regmap::offset_of(reg::queue_sel)), 4, q);
      write_message(q + 1, cpu_of(q + 1));
      c0.write(msi_reg(0x08), 4, msi_v2_scheme::configure);
    }
    write_message(0, cpu_of(0));
    c0.write(msi_reg(0x08), 4, msi_v2_scheme::map_config);  // the pair layout's "configure config pair"
    c0.write(msi_reg(0x08), 4, msi_v2_scheme::enable);
  } else if (cfg.scheme == "pci-msix-reference") {
    for (unsigned v = 0; v <= queues; ++v) {
      auto [addr, data] = message_for(v, cpu_of(v));
      if (cfg.irqc.flavour == msi_flavour::arm_gicv2m)
        c0.write(cfg.irqc_base + interrupt_controller::route_base + 4 * msi_id(v), 4, cpu_of(v));
      const uint64_t e = cfg.mmio_base + cfg.msi.msix_table_base + 16 * v;
      c0.write(e + 0x0, 4, static_cast<uint32_t>(addr));
      c0.write(e + 0x4, 4, static_cast<uint32_t>(addr >> 32));
      c0.write(e + 0x8, 4, data);
      c0.write(e + 0xc, 4, 0);  // unmask the entry
    }
    c0.write(msi_reg(0x04), 4, 0);  // ConfigVector
    for (unsigned q = 0; q < queues; ++q) {
      c0.write(reg(regmap::offset_of(reg::queue_sel)), 4, q);
      c0.write(msi_reg(0x08), 4, q + 1);  // QueueVector
    }
    c0.write(msi_reg(0x00), 4, 1);  // MsixControl: enable
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
    const unsigned line = t.id - cfg.irqc.wired_base_id;
    const uint64_t status_reg = reg(regmap::offset_of(reg::interrupt_status));
    const uint64_t ack_reg = reg(regmap::offset_of(reg::interrupt_ack));
    if (cfg.scheme == "multi-irq" && line != 0) {
      // A queue line: it can only mean used buffers of its own queues; ack them on this line only.
      t.status = regmap::irq::used_buffer;
      m.write(ack_reg, 4, ((line + 1) << wired_irq_scheme::ack_line_shift) | regmap::irq::used_buffer);
    } else {
      t.status = m.read32(status_reg);
      const uint32_t select = cfg.scheme == "multi-irq" ? (line + 1) << wired_irq_scheme::ack_line_shift : 0;
      m.write(ack_reg, 4, select | t.status);
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
