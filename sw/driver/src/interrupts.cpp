#include "vdrv/interrupts.h"

#include "vmsim/regmap/interrupts.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vdrv {

namespace rm = vmsim::regmap;
using rm::reg;

const char* to_string(irq_scheme s) {
  switch (s) {
    case irq_scheme::legacy: return "legacy-wired";
    case irq_scheme::multi_irq: return "multi-irq";
    case irq_scheme::msi_v1: return "msi-v1";
    case irq_scheme::msi_v1_kernel: return "msi-v1-kernel";
    case irq_scheme::msi_v2_linux: return "msi-v2-linux";
    case irq_scheme::msi_v2: return "msi-v2";
    case irq_scheme::msi_v2_shared: return "msi-v2-shared";
    case irq_scheme::msi_v2_pair: return "msi-v2-pair";
    case irq_scheme::msix: return "pci-msix-reference";
  }
  return "?";
}

// ---- register access: vmsim's controller (vmsim/regmap/interrupts.h) or an Arm GICv2 ----------------------
namespace {
// GICv2 distributor and CPU interface registers (Arm IHI 0048B); the CPU interface is banked per CPU.
constexpr uint64_t gicd_ctlr = 0x000, gicd_isenabler = 0x100, gicd_icenabler = 0x180, gicd_itargetsr = 0x800;
constexpr uint64_t gicc_ctlr = 0x00, gicc_pmr = 0x04, gicc_iar = 0x0c, gicc_eoir = 0x10, gicc_hppir = 0x18;
namespace vm = rm::irqc;  // vmsim's controller
namespace mm = rm::msi_msg;
}  // namespace

void irq_controller::enable() {
  if (!l_.gicv2_distributor) return;
  h_.write32(l_.gicv2_distributor + gicd_ctlr, 0x3);  // forward group 0 and group 1
  h_.write32(l_.regs + gicc_pmr, 0xff);                // every priority passes
  h_.write32(l_.regs + gicc_ctlr, 0x3);
}

uint32_t irq_controller::acknowledge(unsigned cpu) {
  if (l_.gicv2_distributor) return h_.read32(l_.regs + gicc_iar) & 0x3ff;
  return h_.read32(l_.regs + vm::cpu_reg(cpu, vm::iar));
}

void irq_controller::eoi(unsigned cpu, uint32_t id) {
  if (l_.gicv2_distributor) return h_.write32(l_.regs + gicc_eoir, id);
  h_.write32(l_.regs + vm::cpu_reg(cpu, vm::eoir), id);
}

uint32_t irq_controller::highest_pending(unsigned cpu) {
  if (l_.gicv2_distributor) return h_.read32(l_.regs + gicc_hppir) & 0x3ff;
  return h_.read32(l_.regs + vm::cpu_reg(cpu, vm::hppir));
}

void irq_controller::route(uint32_t id, unsigned cpu) {
  if (!l_.gicv2_distributor) return h_.write32(l_.regs + vm::route(id), cpu);
  h_.write8(l_.gicv2_distributor + gicd_itargetsr + id, static_cast<uint8_t>(1u << (cpu & 7)));
  mask(id, false);
}

void irq_controller::mask(uint32_t id, bool m) {
  if (!l_.gicv2_distributor) return h_.write32(l_.regs + vm::mask(id), m ? 1 : 0);
  h_.write32(l_.gicv2_distributor + (m ? gicd_icenabler : gicd_isenabler) + 4u * (id / 32), 1u << (id % 32));
}

irq_controller::message irq_controller::msi_for(unsigned cpu, uint32_t id) {
  if (!l_.arm) return {mm::x86_address(l_.msi_frame, cpu), mm::x86_data(id)};
  route(id, cpu);  // GICv2m: the message names the SPI; the distributor's route names the vCPU
  return {mm::v2m_address(l_.msi_frame), id};
}

namespace {
// The MSI blocks (vmsim/regmap/interrupts.h), relative to irq_config::msi_regs.
namespace v1 = rm::msi_v1;
namespace v2 = rm::msi_v2;
namespace mx = rm::msix;
}  // namespace

uint32_t device_irq::id_of_queue(unsigned q) const {
  switch (active_) {
    case irq_scheme::legacy: return ic_->wired_id(cfg_.first_line);
    case irq_scheme::multi_irq: return ic_->wired_id(cfg_.first_line + line_of(q));
    case irq_scheme::msi_v2_shared: return id_of_vector(1);
    default: return id_of_vector(q + 1);
  }
}

void device_irq::note_ids() {
  const bool wired = active_ == irq_scheme::legacy || active_ == irq_scheme::multi_irq;
  first_id_ = wired ? ic_->wired_id(cfg_.first_line) : cfg_.first_msi_id;  // the line or vector 0
  ids_ = wired ? (active_ == irq_scheme::multi_irq ? cfg_.lines : 1) : queues_ + 1;
}

void device_irq::silence() {
  if (!ic_) return;
  for (uint32_t i = 0; i < ids_; ++i) ic_->mask(first_id_ + i, true);
}

void device_irq::route_lines() {
  const unsigned lines = active_ == irq_scheme::multi_irq ? cfg_.lines : 1;
  for (unsigned l = 0; l < lines; ++l) {
    // The line follows the vector of its first queue (vector 0's vCPU for line 0).
    unsigned cpu = cfg_.vector_cpu ? cfg_.vector_cpu[0] : 0;
    for (unsigned q = 0; q < queues_ && l > 0; ++q)
      if (line_of(q) == l) {
        cpu = cfg_.vector_cpu ? cfg_.vector_cpu[q + 1] : 0;
        break;
      }
    ic_->route(ic_->wired_id(cfg_.first_line + l), cpu);
  }
}

void device_irq::write_message(unsigned v, unsigned cpu) {
  const auto m = ic_->msi_for(cpu, id_of_vector(v));
  const bool v1 = active_ == irq_scheme::msi_v1 || active_ == irq_scheme::msi_v1_kernel;
  dev_->set(cfg_.msi_regs + (v1 ? v1::address_low : v2::addr_low), static_cast<uint32_t>(m.address));
  dev_->set(cfg_.msi_regs + (v1 ? v1::address_high : v2::addr_high), static_cast<uint32_t>(m.address >> 32));
  dev_->set(cfg_.msi_regs + (v1 ? v1::data : v2::data), m.data);
}

status device_irq::program_msi() {
  auto cpu_of = [&](unsigned v) -> unsigned { return cfg_.vector_cpu ? cfg_.vector_cpu[v] : 0; };
  hal& h = dev_->io();
  const uint64_t regs = dev_->base() + cfg_.msi_regs;
  switch (active_) {
    case irq_scheme::msi_v1:
      for (unsigned v = 0; v <= queues_; ++v) {
        write_message(v, cpu_of(v));
        h.write16(regs + v1::command, v1::cmd(v1::op_update, v));
      }
      h.write16(regs + v1::command, v1::cmd(v1::op_enable, 1));
      return (h.read16(regs + v1::status) & v1::status_enabled) ? status::ok : status::msi_refused;
    case irq_scheme::msi_v1_kernel: {
      // The v1 kernel patch: vm_request_msi_vectors gives up unless MsiStatus bit 15 reads 1; the messages are
      // written (address, data, UPDATE) as the vectors are activated; mmio_msi_set_enable then sets bit 15 by
      // a 16-bit read-modify-write.
      if (!(h.read16(regs + v1::status) & v1::status_enabled)) return status::msi_refused;
      for (unsigned v = 0; v <= queues_; ++v) {
        write_message(v, cpu_of(v));
        h.write16(regs + v1::command, v1::cmd(v1::op_update, v));
      }
      h.write16(regs + v1::status, static_cast<uint16_t>(h.read16(regs + v1::status) | v1::status_enabled));
      return status::ok;
    }
    case irq_scheme::msi_v2:
    case irq_scheme::msi_v2_linux:
    case irq_scheme::msi_v2_shared:
      return program_msi_v2();
    case irq_scheme::msi_v2_pair:
      for (unsigned q = 0; q < queues_; ++q) {
        dev_->set(rm::offset_of(reg::queue_sel), q);
        write_message(q + 1, cpu_of(q + 1));
        dev_->set(cfg_.msi_regs + v2::cmd, v2::configure);
      }
      write_message(0, cpu_of(0));
      dev_->set(cfg_.msi_regs + v2::cmd, v2::map_config);  // the pair layout's "configure the config pair"
      dev_->set(cfg_.msi_regs + v2::cmd, v2::enable);
      return (dev_->reg(cfg_.msi_regs + v2::state) & v2::state_enabled) ? status::ok : status::msi_refused;
    case irq_scheme::msix:
      for (unsigned v = 0; v <= queues_; ++v) {
        const auto m = ic_->msi_for(cpu_of(v), id_of_vector(v));
        const uint32_t e = mx::entry(cfg_.msix_table, v);
        dev_->set(e + mx::entry_addr_low, static_cast<uint32_t>(m.address));
        dev_->set(e + mx::entry_addr_high, static_cast<uint32_t>(m.address >> 32));
        dev_->set(e + mx::entry_data, m.data);
        dev_->set(e + mx::entry_vector_ctrl, 0);  // unmask
      }
      dev_->set(cfg_.msi_regs + mx::config_vector, 0);
      for (unsigned q = 0; q < queues_; ++q) {
        dev_->set(rm::offset_of(reg::queue_sel), q);
        dev_->set(cfg_.msi_regs + mx::queue_vector, q + 1);
      }
      dev_->set(cfg_.msi_regs + mx::control, mx::control_enable);
      return (dev_->reg(cfg_.msi_regs + mx::control) & mx::control_enable) ? status::ok : status::msi_refused;
    default:
      return status::ok;
  }
}

void device_irq::v2_command(unsigned vector, uint32_t op) {
  dev_->set(cfg_.msi_regs + v2::vec_sel, vector);
  dev_->set(cfg_.msi_regs + v2::cmd, op);
}

// MSI v2. The device chooses sharing (MsiState msi_sharing) and the driver follows it, as the Linux v2 patch's
// vm_find_vqs does (v2 4/5, "virtio-mmio: add MSI interrupt feature support"): config on vector 0, then
// sharing: every queue on vector 1 by MAP_QUEUE; non-sharing: queue q on q+1, needing MsiVecNum >= queues + 1
// ("For MSI non-sharing, the max vector number MUST greater than nvqs"). Queues without a callback get no
// vector. Two orders: the spec text's (configure, map, ENABLE, check MsiState) and the Linux patch's.
status device_irq::program_msi_v2() {
  auto cpu_of = [&](unsigned v) -> unsigned { return cfg_.vector_cpu ? cfg_.vector_cpu[v] : 0; };
  const bool linux_bits = active_ == irq_scheme::msi_v2_linux;
  const uint32_t enabled_bit = linux_bits ? v2::state_enabled_linux : v2::state_enabled;
  const uint32_t sharing_bit = linux_bits ? v2::state_sharing_linux : v2::state_sharing;
  const uint32_t msi = cfg_.msi_regs;
  const bool shared = (dev_->reg(msi + v2::state) & sharing_bit) != 0;
  const uint32_t vec_num = dev_->reg(msi + v2::vec_num);
  if (shared ? vec_num < 2 : vec_num < queues_ + 1) return status::msi_refused;
  linux_order_ = linux_bits;
  const unsigned vectors = shared ? 2 : queues_ + 1;
  auto wanted = [&](unsigned v) { return v == 0 || (shared ? true : has_callback(v - 1)); };
  auto configure = [&](unsigned v) {  // mmio_write_msi_msg: MsiVecSel, address, data, CONFIGURE
    dev_->set(msi + v2::vec_sel, v);
    write_message(v, cpu_of(v));
    dev_->set(msi + v2::cmd, v2::configure);
  };
  if (!linux_order_) {
    for (unsigned v = 0; v < vectors; ++v)
      if (wanted(v)) configure(v);
    if (shared) {
      v2_command(0, v2::map_config);
      for (unsigned q = 0; q < queues_; ++q) {
        if (!has_callback(q)) continue;
        dev_->set(rm::offset_of(reg::queue_sel), q);
        v2_command(1, v2::map_queue);
      }
    }
    dev_->set(msi + v2::cmd, v2::enable);
    if (!(dev_->reg(msi + v2::state) & enabled_bit)) return status::msi_refused;
  } else {
    // vm_request_msi_vectors: the MSI domain writes each vector's message as it allocates it
    // (MSI_FLAG_ACTIVATE_EARLY in v2 3/5's mmio_msi_domain_info), then mmio_msi_set_enable reads MsiState and
    // writes ENABLE. Each request_irq then starts its IRQ, which the irq core unmasks (mmio_msi_unmask_irq:
    // MsiVecSel, UNMASK). Sharing: MAP_CONFIG after the config IRQ, MAP_QUEUE per queue in vm_setup_vq.
    for (unsigned v = 0; v < vectors; ++v)
      if (wanted(v)) configure(v);
    if (!(dev_->reg(msi + v2::state) & enabled_bit)) dev_->set(msi + v2::cmd, v2::enable);
    v2_command(0, v2::unmask);
    if (shared) {
      v2_command(0, v2::map_config);
      v2_command(1, v2::unmask);
    }
    for (unsigned q = 0; q < queues_; ++q) {
      if (!has_callback(q)) continue;
      if (shared) {
        dev_->set(rm::offset_of(reg::queue_sel), q);
        v2_command(1, v2::map_queue);
      } else {
        v2_command(q + 1, v2::unmask);
      }
    }
  }
  if (shared) active_ = irq_scheme::msi_v2_shared;
  return status::ok;
}

void device_irq::teardown() {
  if (active_ != irq_scheme::msi_v2 && active_ != irq_scheme::msi_v2_linux && active_ != irq_scheme::msi_v2_shared) return;
  const uint32_t msi = cfg_.msi_regs;
  if (!linux_order_) return dev_->set(msi + v2::cmd, v2::disable);
  // free_irq: the irq core masks the IRQ (irq_shutdown -> mmio_msi_mask_irq) and deactivates it
  // (msi_domain_deactivate writes a zeroed message).
  auto release = [&](unsigned v) {
    v2_command(v, v2::mask);
    dev_->set(msi + v2::vec_sel, v);
    dev_->set(msi + v2::addr_low, 0);
    dev_->set(msi + v2::addr_high, 0);
    dev_->set(msi + v2::data, 0);
    dev_->set(msi + v2::cmd, v2::configure);
  };
  const bool shared = active_ == irq_scheme::msi_v2_shared;
  if (!shared)  // vm_del_vq frees each queue's own vector
    for (unsigned q = 0; q < queues_; ++q)
      if (has_callback(q)) release(q + 1);
  // vm_free_msi_irqs: mmio_msi_set_enable(vm_dev, 0) reads MsiState and, as posted, writes ENABLE (not
  // DISABLE); then the config vector and, sharing, the queues' vector are freed.
  (void)dev_->reg(msi + v2::state);
  dev_->set(msi + v2::cmd, v2::enable);
  release(0);
  if (shared) release(1);
}

status device_irq::setup(mmio_device& dev, irq_controller& ic, const irq_config& cfg, unsigned queues) {
  dev_ = &dev;
  ic_ = &ic;
  cfg_ = cfg;
  queues_ = queues < max_vectors ? queues : max_vectors - 1;
  active_ = cfg.scheme;
  linux_order_ = false;
  status s = status::ok;
  if (active_ != irq_scheme::legacy && active_ != irq_scheme::multi_irq && program_msi() != status::ok) {
    active_ = irq_scheme::legacy;  // fallback: the device keeps signalling on its wired line
    s = status::msi_refused;
  }
  if (active_ == irq_scheme::legacy || active_ == irq_scheme::multi_irq) route_lines();
  note_ids();
  return s;
}

device_irq::event device_irq::handle(uint32_t id) {
  event e;
  const uint64_t all = (uint64_t{1} << queues_) - 1;  // queues_ < max_vectors = 64
  switch (active_) {
    case irq_scheme::legacy: {  // the classic ISR: read InterruptStatus, acknowledge what it says
      const uint32_t s = dev_->reg(rm::offset_of(reg::interrupt_status));
      dev_->set(rm::offset_of(reg::interrupt_ack), s);
      if (s & rm::irq::used_buffer) e.queues = all;
      e.config = (s & rm::irq::config_change) != 0;
      return e;
    }
    case irq_scheme::multi_irq: {
      // The 2023 RFC's vm_interrupt (patch 2/2) on every line: read the device-wide InterruptStatus, ack the
      // config and vring bits with separate writes only when set; VRING services every queue, and with more
      // than one line the queues mapped to this line are serviced whatever the status said (with the
      // proof-of-concept VMM's irqfd the read returns 0 and nothing is acked).
      const uint32_t s = dev_->reg(rm::offset_of(reg::interrupt_status));
      if (s & rm::irq::config_change) {
        dev_->set(rm::offset_of(reg::interrupt_ack), s & rm::irq::config_change);
        e.config = true;
      }
      if (s & rm::irq::used_buffer) {
        dev_->set(rm::offset_of(reg::interrupt_ack), s & rm::irq::used_buffer);
        e.queues = all;
      }
      if (cfg_.lines > 1) {
        const unsigned line = id - ic_->wired_id(cfg_.first_line);
        for (unsigned q = 0; q < queues_; ++q)
          if (line_of(q) == line) e.queues |= uint64_t{1} << q;
      }
      return e;
    }
    case irq_scheme::msi_v2_shared: {  // no device access: the vector says it all
      const uint32_t v = id - cfg_.first_msi_id;
      if (v == 0) e.config = true;
      else e.queues = all;
      return e;
    }
    default: {
      const uint32_t v = id - cfg_.first_msi_id;
      if (v == 0) e.config = true;
      else e.queues = uint64_t{1} << (v - 1);
      return e;
    }
  }
}

status device_irq::retarget(unsigned v, unsigned cpu) {
  if (v > queues_) return status::io_error;
  switch (active_) {
    case irq_scheme::msi_v1:
    case irq_scheme::msi_v1_kernel:
      write_message(v, cpu);
      dev_->io().write16(dev_->base() + cfg_.msi_regs + v1::command, v1::cmd(v1::op_update, v));
      return status::ok;
    case irq_scheme::msi_v2:
    case irq_scheme::msi_v2_linux:
    case irq_scheme::msi_v2_shared:
      dev_->set(cfg_.msi_regs + v2::vec_sel, v);
      write_message(v, cpu);
      dev_->set(cfg_.msi_regs + v2::cmd, v2::configure);  // latched atomically, allowed while enabled
      return status::ok;
    case irq_scheme::msi_v2_pair:
      if (v == 0) {
        write_message(0, cpu);
        dev_->set(cfg_.msi_regs + v2::cmd, v2::map_config);
      } else {
        dev_->set(rm::offset_of(reg::queue_sel), v - 1);
        write_message(v, cpu);
        dev_->set(cfg_.msi_regs + v2::cmd, v2::configure);
      }
      return status::ok;
    case irq_scheme::msix: {  // mask the entry while it is rewritten, as PCI drivers do
      const auto m = ic_->msi_for(cpu, id_of_vector(v));
      const uint32_t e = mx::entry(cfg_.msix_table, v);
      dev_->set(e + mx::entry_vector_ctrl, mx::vector_ctrl_masked);
      dev_->set(e + mx::entry_addr_low, static_cast<uint32_t>(m.address));
      dev_->set(e + mx::entry_addr_high, static_cast<uint32_t>(m.address >> 32));
      dev_->set(e + mx::entry_data, m.data);
      dev_->set(e + mx::entry_vector_ctrl, 0);
      return status::ok;
    }
    default:  // wired: move the line
      ic_->route(id_of_queue(v ? v - 1 : 0), cpu);
      return status::ok;
  }
}

}  // namespace vdrv
