#include "soak.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include <fmt/format.h>

#include "vmsim/irq/scheme_factory.h"
#include "vmsim/regmap/interrupts.h"

namespace vmsim::tb {

namespace vr = regmap::vring;
namespace st = regmap::status;
namespace feat = regmap::feature;
using regmap::irq_mode;
using regmap::reg;
namespace v1 = regmap::msi_v1;
namespace v2 = regmap::msi_v2;
namespace mx = regmap::msix;
using ic = interrupt_controller;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {
// The soak programs msi-v2-linux and msi-v2-as-posted as msi-v2 (the same commands); only MsiState's bits differ.
irq_mode soak_mode(const system_config& c) {
  const irq_mode m = scheme_named(c.scheme).driver_mode;
  return m == irq_mode::msi_v2_linux ? irq_mode::msi_v2 : m;
}
uint32_t v2_enabled_bit(const system_config& c) {
  return scheme_named(c.scheme).driver_mode == irq_mode::msi_v2_linux ? v2::state_enabled_linux : v2::state_enabled;
}
}  // namespace

// ---- platform ------------------------------------------------------------------------------------------
soak_platform::soak_platform(sc_core::sc_module_name name, const system_config& c)
    : sc_module(name),
      cfg(c),
      bus("bus"),
      ram("ram", c.ram_size),
      device("device", 64),
      transport("transport", device, c.transport, make_interrupt_scheme(c.scheme, c.msi)),
      irqc("irqc", c.irqc),
      monitor("monitor", c.irqc),
      cpu("cpu", c.irqc.cpus,
          [&](const char* n, size_t i) {
            vcpu_config vc;
            vc.index = static_cast<unsigned>(i);
            vc.ram_base = c.ram_base;
            vc.quantum = sc_time(2, sc_core::SC_US);  // small: the vCPUs interleave often
            vc.access_cost = sc_time(20, SC_NS);      // guest time advances, so the device runs meanwhile
            return new vcpu(n, vc);
          }),
      lines(c.transport.irq_lines) {
  transport.dma.socket.bind(bus.target);
  bus.add_target(ram.socket, {"ram", c.ram_base, c.ram_size});
  bus.add_target(transport.mmio, {"device", c.mmio_base, c.transport.window_size});
  bus.add_target(monitor.regs_in, {"irqc", c.irqc_base, ic::regs_size});
  bus.add_target(monitor.msi_in, {"msi-frame", c.msi_frame_base(), c.msi_frame_size()});
  monitor.regs_out.bind(irqc.regs);
  monitor.msi_out.bind(irqc.msi);
  for (unsigned i = 0; i < c.transport.irq_lines; ++i) {
    transport.irq[i].bind(irqc.irq_in[i]);
    transport.irq[i].bind(lines[i]);
  }
  for (unsigned i = 0; i < c.irqc.cpus; ++i) {
    cpu[i].bus.bind(bus.target);
    irqc.cpu_irq[i].bind(cpu[i].irq);
  }
}

// ---- names ----------------------------------------------------------------------------------------------
const char* soak::op_name(unsigned k) {
  static const char* const names[] = {"kick", "idle", "msi-retarget", "mask/unmask", "config-change", "queue-reset",
                                      "device-reset"};
  return k < k_count ? names[k] : "?";
}
const char* soak::mode_name(unsigned m) {
  static const char* const names[] = {"wired", "msi", "msi-shared"};
  return m < m_mode_count ? names[m] : "?";
}

soak::soak(soak_platform& p, const soak_options& o) : p_(p), o_(o), rng_(o.seed), irqc_masked_(ic::max_ids, 0) {
  t_.isr_per_cpu.assign(p.cfg.irqc.cpus, 0);
  p_.monitor.check_message = [this](unsigned cpu, uint32_t id) { return check_message(cpu, id); };
  p_.cpu[0].run([this](vcpu& c) { driver_program(c); });
  for (unsigned i = 1; i < p.cfg.irqc.cpus; ++i) p_.cpu[i].run([this](vcpu& c) { handler_program(c); });
}

void soak::fail(const std::string& what) {
  if (!failure_.empty()) return;
  failure_ = fmt::format("after {} ops, at {}: {}", ops_done, sc_core::sc_time_stamp().to_string(), what);
  sc_core::sc_stop();
}

bool soak::supports(mode m) const {
  const scheme_desc& s = scheme_named(p_.cfg.scheme);
  if (m == m_wired) return true;
  // An MSI v2 device chooses its mode (MsiState msi_sharing): a sharing device only shares, the other never.
  const bool v2_device_mode = soak_mode(p_.cfg) == irq_mode::msi_v2;
  if (m == m_msi) return s.msi && !(v2_device_mode && p_.cfg.msi.sharing);
  return s.shared_vectors && (!v2_device_mode || p_.cfg.msi.sharing);
}

bool soak::device_masks() const { return scheme_named(p_.cfg.scheme).device_mask; }

uint32_t soak::msi_id(unsigned v) const {
  return p_.cfg.x86() ? p_.cfg.irqc.msi_vector_min + v : p_.cfg.irqc.msi_spi_base + v;
}

uint16_t soak::peek16(uint64_t a) {
  uint16_t v;
  std::memcpy(&v, host(a), 2);
  return v;
}
void soak::poke16(uint64_t a, uint16_t v) { std::memcpy(host(a), &v, 2); }

// ---- the vCPU programs -----------------------------------------------------------------------------------
void soak::lock(vcpu& c) {
  if (locked_) {
    ++waiters_;
    while (locked_) {
      c.spend(sc_time(50, SC_NS));
      c.sync();
    }
    --waiters_;
  }
  locked_ = true;
}

void soak::unlock(vcpu& c) {
  locked_ = false;
  if (waiters_) {  // let a spinning vCPU in rather than take the lock straight back
    c.spend(sc_time(100, SC_NS));
    c.sync();
  }
}

void soak::driver_program(vcpu& c) {
  lock(c);
  bring_up(c);
  unlock(c);
  // Weights of the mix, per thousand.
  static constexpr unsigned weight[k_count] = {640, 80, 110, 70, 60, 32, 8};
  while (ops_done < o_.ops && passed()) {
    while (c.interrupt_pending() && passed()) isr(c);
    unsigned r = below(1000), k = 0;
    while (r >= weight[k]) r -= weight[k++];
    switch (k) {
      case k_idle:
        c.spend(sc_time(500 + below(4500), SC_NS));
        c.sync();
        break;
      case k_config:
        raise_config();
        break;
      default:
        lock(c);
        if (k == k_kick) post_and_kick(c);
        else if (k == k_retarget) retarget(c);
        else if (k == k_mask) toggle_mask(c);
        else if (k == k_queue_reset && ring_reset()) queue_reset(c);
        else if (k == k_queue_reset) k = k_kick, post_and_kick(c);  // not negotiated this time
        else if (k == k_device_reset) bring_up(c);
        unlock(c);
    }
    ++t_.ops[k];
    ++ops_done;
    c.spend(sc_time(below(200), SC_NS));
    if (!p_.monitor.error().empty()) fail(p_.monitor.error());
    if (ops_done % o_.checkpoint_every == 0 && ops_done < o_.ops && passed()) checkpoint(c, false);
  }
  if (passed()) checkpoint(c, true);
  done_ = true;
  sc_core::sc_stop();
}

void soak::handler_program(vcpu& c) {
  while (!done_ && passed()) {
    c.wait_for_interrupt();
    while (c.interrupt_pending() && !done_ && passed()) isr(c);
  }
}

// The ISR. It takes the device lock before acknowledging (a real guest acknowledges first; here it makes
// "the input was high, so IAR must return an interrupt" a checkable rule).
bool soak::isr(vcpu& c) {
  lock(c);
  if (!c.interrupt_pending()) {
    ++t_.isr_none;  // it went away while this vCPU waited for the lock (a reset lowered a line)
    unlock(c);
    return false;
  }
  const unsigned cpu = c.index();
  const uint64_t iface = irqc_reg(cpu * ic::cpu_window);
  const uint32_t id = c.read32(iface + ic::iar);
  if (id == ic::spurious) {
    fail(fmt::format("vCPU {}: interrupt input high but IAR returned spurious", cpu));
    unlock(c);
    return false;
  }
  ++t_.isr_runs;
  ++t_.isr_per_cpu[cpu];
  if (p_.irqc.is_wired(id)) {
    const unsigned line = id - p_.cfg.irqc.wired_base_id;
    const bool multi = p_.cfg.transport.irq_lines > 1;
    // The ISR of the multi-IRQ RFC (patch 2/2) on every line; the single-line one acks what it read at once.
    const uint32_t s = rd(c, reg::interrupt_status);
    ++t_.wired_status_reads;
    // With several lines another line's ISR may have acked (and serviced) everything already: 0 is legal.
    if (s == 0 && !multi) fail(fmt::format("vCPU {}: wired interrupt {} with InterruptStatus 0 (spurious)", cpu, id));
    if (multi) {
      if (s & regmap::irq::config_change) wr(c, reg::interrupt_ack, s & regmap::irq::config_change);
      if (s & regmap::irq::used_buffer) wr(c, reg::interrupt_ack, s & regmap::irq::used_buffer);
    } else {
      wr(c, reg::interrupt_ack, s);
    }
    if (s & regmap::irq::config_change) read_config(c, false);
    for (unsigned q = 0; q < queues; ++q)
      if ((s & regmap::irq::used_buffer) || (multi && p_.device.irq_line_for_queue(q, p_.cfg.transport.irq_lines) == line))
        reap(c, q);
  } else {
    const uint32_t v = id - msi_id(0);
    // A stale message (from before a reset) may name a vector the current mode does not use: nothing to do.
    if (!wired() && v < vectors && vecs_[v].live) {
      if (config_vec_ == v) read_config(c, false);
      for (unsigned q = 0; q < queues; ++q)
        if (queue_vec_[q] == v) reap(c, q);
    }
  }
  c.write32(iface + ic::eoir, id);
  unlock(c);
  return true;
}

// ---- bring-up, queues, interrupt modes ---------------------------------------------------------------------
void soak::bring_up(vcpu& c) {
  wr(c, reg::status, 0);  // reset first, then count what it discarded: the device can no longer use it
  for (unsigned q = 0; q < queues; ++q) discard(q);
  status_ok_ = false;
  t_.config_discarded += cfg_generation_ - seen_generation_;
  for (auto& v : vecs_) v = vec{};

  wr(c, reg::status, st::acknowledge);
  wr(c, reg::status, st::acknowledge | st::driver);
  uint64_t offered = 0;
  for (uint32_t sel = 0; sel < 2; ++sel) {
    wr(c, reg::device_features_sel, sel);
    offered |= uint64_t{rd(c, reg::device_features)} << (32 * sel);
  }
  // The interrupt mode of this run of the device: the change of scheme between resets.
  const mode previous = mode_;
  do mode_ = static_cast<mode>(below(m_mode_count));
  while (!supports(mode_));
  if (previous != mode_) ++t_.mode_changes;
  ++t_.modes[mode_];
  const uint64_t msi_bit = p_.transport.scheme().offered_features();
  uint64_t wanted = feat::bit(feat::version_1) | 1;
  if (chance(50)) wanted |= feat::bit(feat::ring_event_idx);
  if (chance(50)) wanted |= feat::bit(feat::ring_indirect_desc);
  if (chance(80) && p_.cfg.transport.offer_ring_reset) wanted |= feat::bit(feat::ring_reset);
  if (!wired() || chance(50)) wanted |= msi_bit;
  features_ = offered & wanted;
  for (uint32_t sel = 0; sel < 2; ++sel) {
    wr(c, reg::driver_features_sel, sel);
    wr(c, reg::driver_features, static_cast<uint32_t>(features_ >> (32 * sel)));
  }
  wr(c, reg::status, st::acknowledge | st::driver | st::features_ok);
  if (!(rd(c, reg::status) & st::features_ok)) return fail(fmt::format("FEATURES_OK refused for {:#x}", features_));
  for (unsigned q = 0; q < queues; ++q) setup_queue(c, q);
  program_interrupts(c);
  read_config(c, true);
  wr(c, reg::status, st::acknowledge | st::driver | st::features_ok | st::driver_ok);
  status_ok_ = true;
}

void soak::setup_queue(vcpu& c, unsigned q) {
  ring& r = rings_[q];
  const auto num = static_cast<uint16_t>(4u << below(5));  // 4..64
  r.area ^= 1;  // a fresh ring area each time: anything written to the old one is not mistaken for new
  const uint64_t base = p_.cfg.ram_base + 0x10000 + (q * 2 + r.area) * 0x1000;
  wr(c, reg::queue_sel, q);
  if (rd(c, reg::queue_num_max) < num) return fail(fmt::format("queue {}: QueueNumMax below {}", q, num));
  wr(c, reg::queue_num, num);
  r.num = num;
  r.desc = base;
  r.avail = base + vr::desc_table_bytes(num);
  r.used = vr::align_up(r.avail + vr::avail_bytes(num), vr::used_align);
  std::memset(host(base), 0, r.used + vr::used_bytes(num) - base);
  const std::pair<reg, uint64_t> addresses[] = {{reg::queue_desc_low, r.desc}, {reg::queue_driver_low, r.avail},
                                                 {reg::queue_device_low, r.used}};
  for (const auto& [low, a] : addresses) {
    wr(c, low, static_cast<uint32_t>(a));
    wr(c, static_cast<reg>(static_cast<unsigned>(low) + 1), static_cast<uint32_t>(a >> 32));
  }
  wr(c, reg::queue_ready, 1);
  if (rd(c, reg::queue_ready) != 1) return fail(fmt::format("queue {}: QueueReady did not stick", q));
  r.avail_idx = r.last_used = 0;
  r.free_desc.clear();
  for (unsigned d = num; d-- > 0;) r.free_desc.push_back(static_cast<uint16_t>(d));
  r.slots.fill(slot{});
  r.outstanding = 0;
  r.enabled = true;
}

// Called once the device can no longer touch queue q: its outstanding buffers are discarded, split into
// those the device had already returned (used entries not reaped yet) and those it never took.
void soak::discard(unsigned q) {
  ring& r = rings_[q];
  if (!r.enabled) return;
  const auto pushed = static_cast<uint16_t>(peek16(r.used + vr::used_idx) - r.last_used);
  if (pushed > r.outstanding)
    return fail(fmt::format("queue {}: {} used entries pending for {} outstanding buffers", q, pushed, r.outstanding));
  t_.discarded_used += pushed;
  t_.discarded_unused += r.outstanding - pushed;
  r.enabled = false;
  r.outstanding = 0;
}

void soak::stage(vcpu& c, unsigned v, unsigned cpu) {
  const auto [addr, data] = p_.irqc.msi_message(p_.cfg.msi_frame_base(), cpu, msi_id(v));
  const irq_mode s = soak_mode(p_.cfg);
  uint64_t lo = 0, hi = 0, dt = 0;
  if (s == irq_mode::msi_v1) lo = msi_reg(v1::address_low), hi = msi_reg(v1::address_high), dt = msi_reg(v1::data);
  else if (s == irq_mode::msix) {
    const uint64_t e = mmio(mx::entry(p_.cfg.msi.msix_table_base, v));
    lo = e + mx::entry_addr_low, hi = e + mx::entry_addr_high, dt = e + mx::entry_data;
  } else {
    lo = msi_reg(v2::addr_low), hi = msi_reg(v2::addr_high), dt = msi_reg(v2::data);
  }
  c.write32(lo, static_cast<uint32_t>(addr));
  c.write32(hi, static_cast<uint32_t>(addr >> 32));
  c.write32(dt, data);
}

void soak::route(vcpu& c, uint32_t id, unsigned cpu) { c.write32(irqc_reg(ic::route_base + 4 * id), cpu); }

void soak::program_interrupts(vcpu& c) {
  const unsigned cpus = p_.cfg.irqc.cpus;
  for (unsigned l = 0; l < p_.cfg.transport.irq_lines; ++l) route(c, wired_id(l), line_cpu_[l] = below(cpus));
  if (wired()) return;
  config_vec_ = 0;
  for (unsigned q = 0; q < queues; ++q) queue_vec_[q] = q + 1;
  if (mode_ == m_msi_shared) {
    config_vec_ = below(vectors);
    for (auto& qv : queue_vec_) qv = below(vectors);
  }
  vecs_[config_vec_].live = true;
  for (unsigned qv : queue_vec_) vecs_[qv].live = true;
  const irq_mode s = soak_mode(p_.cfg);
  if (s == irq_mode::msi_v1) vecs_.fill(vec{true});  // ENABLE needs every vector UPDATEd
  for (unsigned v = 0; v < vectors; ++v) {
    if (!vecs_[v].live) continue;
    vecs_[v].cpu = below(cpus);
    if (!p_.cfg.x86()) route(c, msi_id(v), vecs_[v].cpu);  // arm: the SPI's route is its destination
  }
  if (s == irq_mode::msi_v1) {
    for (unsigned v = 0; v < vectors; ++v) {
      stage(c, v, vecs_[v].cpu);
      c.write16(msi_reg(v1::command), v1::cmd(v1::op_update, v));
    }
    c.write16(msi_reg(v1::command), v1::cmd(v1::op_enable, 1));
    if (!(c.read16(msi_reg(v1::status)) & v1::status_enabled)) fail("msi-v1: ENABLE did not stick");
  } else if (s == irq_mode::msi_v2) {
    for (unsigned v = 0; v < vectors; ++v) {
      if (!vecs_[v].live) continue;
      c.write32(msi_reg(v2::vec_sel), v);
      stage(c, v, vecs_[v].cpu);
      c.write32(msi_reg(v2::cmd), msi_v2_scheme::configure);
    }
    if (mode_ == m_msi_shared) {
      c.write32(msi_reg(v2::vec_sel), config_vec_);
      c.write32(msi_reg(v2::cmd), msi_v2_scheme::map_config);
      for (unsigned q = 0; q < queues; ++q) {
        wr(c, reg::queue_sel, q);
        c.write32(msi_reg(v2::vec_sel), queue_vec_[q]);
        c.write32(msi_reg(v2::cmd), msi_v2_scheme::map_queue);
      }
    }
    c.write32(msi_reg(v2::cmd), msi_v2_scheme::enable);
    if (!(c.read32(msi_reg(v2::state)) & v2_enabled_bit(p_.cfg))) fail("msi-v2: ENABLE did not stick");
  } else if (s == irq_mode::msi_v2_pair) {
    for (unsigned q = 0; q < queues; ++q) {
      wr(c, reg::queue_sel, q);
      stage(c, q + 1, vecs_[q + 1].cpu);
      c.write32(msi_reg(v2::cmd), msi_v2_scheme::configure);
    }
    stage(c, 0, vecs_[0].cpu);
    c.write32(msi_reg(v2::cmd), msi_v2_scheme::map_config);
    c.write32(msi_reg(v2::cmd), msi_v2_scheme::enable);
    if (!(c.read32(msi_reg(v2::state)) & v2::state_enabled)) fail("msi-v2-pair: ENABLE did not stick");
  } else if (s == irq_mode::msix) {
    for (unsigned v = 0; v < vectors; ++v) {
      if (!vecs_[v].live) continue;
      stage(c, v, vecs_[v].cpu);
      c.write32(mmio(mx::entry(p_.cfg.msi.msix_table_base, v) + mx::entry_vector_ctrl), 0);  // unmask the entry
    }
    c.write32(msi_reg(mx::config_vector), config_vec_);
    for (unsigned q = 0; q < queues; ++q) {
      wr(c, reg::queue_sel, q);
      c.write32(msi_reg(mx::queue_vector), queue_vec_[q]);
    }
    c.write32(msi_reg(mx::control), mx::control_enable);
    if (!(c.read32(msi_reg(mx::control)) & mx::control_enable)) fail("pci-msix-reference: MSI-X enable did not stick");
  }
}

// ---- operations ---------------------------------------------------------------------------------------------
void soak::post_and_kick(vcpu& c) {
  const unsigned q = below(queues);
  ring& r = rings_[q];
  if (!r.enabled) return;
  const unsigned n = 1 + below(3);
  unsigned posted = 0;
  auto put_desc = [&](uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
    uint8_t* d = host(table + uint64_t{i} * vr::desc_size);
    std::memcpy(d + vr::desc_addr, &addr, 8);
    std::memcpy(d + vr::desc_len, &len, 4);
    std::memcpy(d + vr::desc_flags, &flags, 2);
    std::memcpy(d + vr::desc_next, &next, 2);
  };
  for (unsigned i = 0; i < n; ++i) {
    const bool indirect = (features_ & feat::bit(feat::ring_indirect_desc)) && chance(30);
    if (r.free_desc.size() < (indirect ? 1u : 2u)) {
      ++t_.ring_full;
      break;
    }
    const uint16_t head = r.free_desc.back();
    r.free_desc.pop_back();
    slot& s = r.slots[head];
    s = slot{true, 0, indirect, 8 + below(max_len - 7), ++token_};
    const uint64_t out = buffer_addr(q, head), in = out + max_len;
    uint8_t* o = host(out);
    std::memcpy(o, &s.token, 8);
    for (uint32_t b = 8; b < s.len; ++b) o[b] = static_cast<uint8_t>(s.token * 31 + b);
    std::memset(host(in), 0, s.len);
    if (indirect) {
      const uint64_t table = p_.cfg.ram_base + 0x200000 + q * 0x1000 + head * 2 * vr::desc_size;  // its own table
      put_desc(table, 0, out, s.len, vr::desc_f_next, 1);
      put_desc(table, 1, in, s.len, vr::desc_f_write, 0);
      put_desc(r.desc, head, table, 2 * vr::desc_size, vr::desc_f_indirect, 0);
      ++t_.indirect;
    } else {
      s.second = r.free_desc.back();
      r.free_desc.pop_back();
      put_desc(r.desc, head, out, s.len, vr::desc_f_next, s.second);
      put_desc(r.desc, s.second, in, s.len, vr::desc_f_write, 0);
    }
    poke16(r.avail + vr::avail_ring + 2u * (r.avail_idx % r.num), head);
    ++r.avail_idx;
    ++r.outstanding;
    ++posted;
  }
  if (!posted) return;
  poke16(r.avail + vr::avail_idx, r.avail_idx);
  t_.posted += posted;
  wr(c, reg::queue_notify, q);
}

void soak::reap(vcpu& c, unsigned q) {
  (void)c;
  ring& r = rings_[q];
  if (!r.enabled) return;
  for (;;) {
    while (peek16(r.used + vr::used_idx) != r.last_used) {
      const uint8_t* e = host(r.used + vr::used_ring + uint64_t{vr::used_elem_size} * (r.last_used % r.num));
      uint32_t id, len;
      std::memcpy(&id, e, 4);
      std::memcpy(&len, e + 4, 4);
      ++r.last_used;
      if (id >= r.num || !r.slots[id].out)
        return fail(fmt::format("queue {}: used entry for descriptor {}, which is not a buffer the guest made "
                                "available (a duplicate or invented used entry)", q, id));
      slot& s = r.slots[id];
      const uint64_t out = buffer_addr(q, id);
      if (len != s.len) return fail(fmt::format("queue {}: buffer {} came back with len {}, wrote {}", q, s.token, len, s.len));
      if (std::memcmp(host(out), host(out + max_len), len) != 0)
        return fail(fmt::format("queue {}: buffer {} came back with the wrong bytes", q, s.token));
      r.free_desc.push_back(static_cast<uint16_t>(id));
      if (!s.indirect) r.free_desc.push_back(s.second);
      s.out = false;
      --r.outstanding;
      ++t_.reaped;
    }
    if (!(features_ & feat::bit(feat::ring_event_idx))) return;
    // Re-arm, then look again: an entry pushed before the new used_event was seen raised no interrupt.
    poke16(r.avail + vr::used_event_offset(r.num), r.last_used);
    if (peek16(r.used + vr::used_idx) == r.last_used) return;
  }
}

void soak::read_config(vcpu& c, bool at_init) {
  uint32_t g1 = 0, g2 = 0, value = 0;
  do {
    g1 = rd(c, reg::config_generation);
    value = c.read32(mmio(regmap::config_space_offset + loopback_device::cfg_u32));
    g2 = rd(c, reg::config_generation);
  } while (g1 != g2);
  if (g1 != static_cast<uint32_t>(cfg_generation_) || value != cfg_value_)
    return fail(fmt::format("config: generation {} value {:#x}, the device raised generation {} value {:#x}", g1, value,
                            cfg_generation_, cfg_value_));
  if (rd(c, reg::status) & st::device_needs_reset) return fail("the device set DEVICE_NEEDS_RESET");
  if (!at_init && seen_generation_ != cfg_generation_) ++t_.config_irqs;
  seen_generation_ = cfg_generation_;
}

// The bench acting as the device: a config field changes (ConfigGeneration moves, a config interrupt).
void soak::raise_config() {
  if (!running()) return;
  cfg_value_ = static_cast<uint32_t>(rng_());
  ++cfg_generation_;
  p_.device.change_config(cfg_value_);
}

void soak::retarget(vcpu& c) {
  const unsigned cpus = p_.cfg.irqc.cpus, to = below(cpus);
  ++t_.retargets;
  if (wired()) {
    const unsigned l = below(p_.cfg.transport.irq_lines);
    route(c, wired_id(l), line_cpu_[l] = to);
    return;
  }
  unsigned v = below(vectors);
  while (!vecs_[v].live) v = (v + 1) % vectors;
  if (!p_.cfg.x86()) {  // arm: the message is the SPI number; its route is the destination
    vecs_[v].cpu = to;
    return route(c, msi_id(v), to);
  }
  const irq_mode s = soak_mode(p_.cfg);
  if (s == irq_mode::msi_v1) {
    stage(c, v, to);
    vecs_[v].cpu = to;  // the device switches at the UPDATE, atomically
    c.write16(msi_reg(v1::command), v1::cmd(v1::op_update, v));
  } else if (s == irq_mode::msi_v2) {
    c.write32(msi_reg(v2::vec_sel), v);
    stage(c, v, to);
    vecs_[v].cpu = to;
    c.write32(msi_reg(v2::cmd), msi_v2_scheme::configure);
  } else if (s == irq_mode::msi_v2_pair) {
    if (v) wr(c, reg::queue_sel, v - 1);
    stage(c, v, to);
    vecs_[v].cpu = to;
    c.write32(msi_reg(v2::cmd), v ? msi_v2_scheme::configure : msi_v2_scheme::map_config);
  } else {  // MSI-X: the device sends what the entry holds, so the entry is masked while it is rewritten
    const bool was_masked = vecs_[v].dev_masked;
    if (!was_masked) set_dev_mask(c, v, true);
    stage(c, v, to);
    vecs_[v].cpu = to;
    if (!was_masked) set_dev_mask(c, v, false);
  }
}

void soak::set_dev_mask(vcpu& c, unsigned v, bool m) {
  const irq_mode s = soak_mode(p_.cfg);
  uint64_t reg_addr = msi_reg(v2::cmd);
  uint32_t value = m ? msi_v2_scheme::mask_op : msi_v2_scheme::unmask_op;
  if (s == irq_mode::msi_v2) c.write32(msi_reg(v2::vec_sel), v);
  else if (s == irq_mode::msi_v2_pair) wr(c, reg::queue_sel, v - 1);
  else reg_addr = mmio(mx::entry(p_.cfg.msi.msix_table_base, v) + mx::entry_vector_ctrl), value = m ? mx::vector_ctrl_masked : 0;
  // The mirror the message check reads changes with the write that takes effect: an unmask sends what is
  // pending inside that write, a mask stops messages from that write on.
  if (!m) vecs_[v].dev_masked = false;
  c.write32(reg_addr, value);
  if (m) vecs_[v].dev_masked = true;
}

void soak::set_irqc_mask(vcpu& c, uint32_t id, bool m) {
  irqc_masked_[id] = m;
  c.write32(irqc_reg(ic::mask_base + 4 * id), m ? 1 : 0);
}

// Masks one vector (at the device where the scheme can, else at the controller) or unmasks one.
void soak::toggle_mask(vcpu& c) {
  struct target { bool device; uint32_t what; };  // device: vector; controller: interrupt id
  std::vector<target> masked, unmasked;
  auto consider = [&](bool device, uint32_t what, bool is_masked) { (is_masked ? masked : unmasked).push_back({device, what}); };
  const bool pair = soak_mode(p_.cfg) == irq_mode::msi_v2_pair;
  if (wired()) {
    for (unsigned l = 0; l < p_.cfg.transport.irq_lines; ++l) consider(false, wired_id(l), irqc_masked_[wired_id(l)]);
  } else {
    for (unsigned v = 0; v < vectors; ++v) {
      if (!vecs_[v].live) continue;
      consider(false, msi_id(v), irqc_masked_[msi_id(v)]);
      if (device_masks() && !(pair && v == 0)) consider(true, v, vecs_[v].dev_masked);
    }
  }
  // Masks left by an earlier mode (controller ids this mode does not use) are unmasked here too.
  for (uint32_t id = 0; id < ic::max_ids; ++id)
    if (irqc_masked_[id] && std::none_of(masked.begin(), masked.end(), [&](const target& t) { return !t.device && t.what == id; }))
      masked.push_back({false, id});
  const bool unmask = !masked.empty() && (unmasked.empty() || chance(75));
  const target t = unmask ? masked[below(static_cast<uint32_t>(masked.size()))]
                          : unmasked[below(static_cast<uint32_t>(unmasked.size()))];
  ++(unmask ? t_.unmasks : t_.masks);
  if (t.device) set_dev_mask(c, t.what, !unmask);
  else set_irqc_mask(c, t.what, !unmask);
}

void soak::queue_reset(vcpu& c) {
  const unsigned q = below(queues);
  wr(c, reg::queue_sel, q);
  wr(c, reg::queue_reset, 1);
  discard(q);
  // virtio spec 4.2.2.1: 0 in both once the reset completed (the model completes it within the write).
  if (rd(c, reg::queue_reset) != 0 || rd(c, reg::queue_ready) != 0)
    return fail(fmt::format("queue {}: after QueueReset, QueueReset/QueueReady do not read 0/0", q));
  setup_queue(c, q);
}

void soak::unmask_all(vcpu& c) {
  for (unsigned v = 0; v < vectors; ++v)
    if (vecs_[v].dev_masked) set_dev_mask(c, v, false);
  for (uint32_t id = 0; id < ic::max_ids; ++id)
    if (irqc_masked_[id]) set_irqc_mask(c, id, false);
}

// ---- checks ---------------------------------------------------------------------------------------------------
std::string soak::check_message(unsigned cpu, uint32_t id) const {
  if (wired()) return "an MSI while the guest runs the device on its wired interrupt";
  const uint32_t v = id - msi_id(0);
  if (id < msi_id(0) || v >= vectors) return "not a vector of this device";
  if (!vecs_[v].live) return fmt::format("vector {} is not in use in mode {}", v, mode_name(mode_));
  if (vecs_[v].dev_masked) return fmt::format("vector {} is masked", v);
  if (cpu != ~0u && cpu != vecs_[v].cpu) return fmt::format("misdirected: the guest points vector {} at vCPU {}", v, vecs_[v].cpu);
  return {};
}

namespace {
uint64_t rss_kib() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}
}  // namespace

// Drains the device (every vector unmasked, every buffer back through an interrupt, every config change seen,
// every message taken) and checks the account against the model's own counters; samples the memory.
void soak::checkpoint(vcpu& c, bool final) {
  lock(c);
  unmask_all(c);
  unlock(c);
  const sc_time deadline = sc_core::sc_time_stamp() + sc_time(5, sc_core::SC_MS);
  for (;;) {
    while (c.interrupt_pending() && passed()) isr(c);
    if (!passed()) return;
    bool quiet = !locked_ && seen_generation_ == cfg_generation_ && p_.monitor.idle();
    for (const auto& r : rings_) quiet = quiet && r.outstanding == 0;
    for (const auto& l : p_.lines) quiet = quiet && !l.level;
    for (unsigned i = 0; i < p_.cfg.irqc.cpus; ++i) quiet = quiet && p_.irqc.highest_pending(i) == ic::spurious;
    if (quiet) break;
    if (sc_core::sc_time_stamp() >= deadline) {
      std::string why = fmt::format("checkpoint: not quiet 5 ms after unmasking (mode {}):", mode_name(mode_));
      for (unsigned q = 0; q < queues; ++q) {
        const ring& r = rings_[q];
        if (!r.outstanding) continue;
        const auto pushed = static_cast<uint16_t>(peek16(r.used + vr::used_idx) - r.last_used);
        why += fmt::format(" queue {}: {} buffers outstanding, {} of them used by the device{};", q, r.outstanding, pushed,
                           pushed ? " and no interrupt taken (lost interrupt)" : " (lost kick or used entry)");
      }
      if (seen_generation_ != cfg_generation_)
        why += fmt::format(" config generation {} raised, {} seen (lost config interrupt);", cfg_generation_, seen_generation_);
      why += " " + p_.monitor.describe_outstanding() + ";";
      for (unsigned l = 0; l < p_.lines.size(); ++l)
        if (p_.lines[l].level) why += fmt::format(" wired line {} still high;", l);
      for (unsigned i = 0; i < p_.cfg.irqc.cpus; ++i)
        if (p_.irqc.highest_pending(i) != ic::spurious)
          why += fmt::format(" vCPU {} has interrupt {} pending;", i, p_.irqc.highest_pending(i));
      return fail(why);
    }
    c.spend(sc_time(1, sc_core::SC_US));
    c.sync();
  }
  ++t_.checkpoints;

  // The account against the model's counters.
  std::string bad;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok && bad.empty()) bad = what;
  };
  const auto& ts = p_.transport.stats();
  uint64_t used = 0, chains = 0;
  for (unsigned q = 0; q < queues; ++q) {
    used += p_.transport.queue_totals(q).used;
    chains += p_.transport.queue_totals(q).chains;
  }
  expect(t_.posted == t_.reaped + t_.discarded_used + t_.discarded_unused,
         fmt::format("buffers: {} made available, {} reaped + {} + {} discarded", t_.posted, t_.reaped, t_.discarded_used,
                     t_.discarded_unused));
  expect(used == t_.reaped + t_.discarded_used,
         fmt::format("used entries: the device pushed {}, the guest reaped {} and a reset discarded {}", used, t_.reaped,
                     t_.discarded_used));
  expect(chains == used, fmt::format("the device took {} chains and returned {}", chains, used));
  expect(ts.guest_errors.empty() && ts.bus_errors == 0, "the transport reported a guest error: the mix is not legal");
  expect(ts.needs_reset == 0, "the device set DEVICE_NEEDS_RESET");
  const auto& is = p_.irqc.stats();
  const auto& ms = p_.monitor.stats();
  expect(is.msi_dropped == 0 && is.spurious_eois == 0 && is.bad_accesses == 0 && is.spurious_acks == 0,
         fmt::format("controller: {} MSIs dropped, {} spurious EOIs, {} bad accesses, {} spurious acks", is.msi_dropped,
                     is.spurious_eois, is.bad_accesses, is.spurious_acks));
  expect(p_.transport.scheme().stats().msi_sent == ms.messages,
         fmt::format("the scheme sent {} MSIs, {} reached the controller", p_.transport.scheme().stats().msi_sent, ms.messages));
  expect(is.msi_writes == ms.messages, fmt::format("the controller decoded {} MSIs of {}", is.msi_writes, ms.messages));
  expect(ms.messages == ms.taken + ms.coalesced,
         fmt::format("MSIs: {} raised, {} taken + {} coalesced", ms.messages, ms.taken, ms.coalesced));
  expect(is.acknowledges == ms.taken + ms.wired_taken && is.acknowledges == t_.isr_runs,
         fmt::format("acknowledges: controller {}, monitor {} + {}, ISRs {}", is.acknowledges, ms.taken, ms.wired_taken,
                     t_.isr_runs));
  expect(warnings == nullptr || warnings() == 0, "the model reported warnings (run with VMSIM_SHOW_WARNINGS=1)");
  if (!bad.empty()) return fail("checkpoint: " + bad);

  const uint64_t rss = rss_kib();
  if (!rss_first_kib) rss_first_kib = rss;
  rss_max_kib = std::max(rss_max_kib, rss);
  rss_end_kib = rss;
  const uint64_t warm = o_.warmup_ops ? o_.warmup_ops : o_.ops / 10;
  if (!rss_warm_kib && ops_done >= warm) rss_warm_kib = rss;
  else if (rss_warm_kib && rss > rss_warm_kib + o_.rss_slack_kib)
    return fail(fmt::format("memory: RSS {} KiB, {} KiB after warm-up (allowed growth {} KiB)", rss, rss_warm_kib,
                            o_.rss_slack_kib));
  if (o_.verbose || final)
    fmt::print("checkpoint {:>4}: {:>10} ops, {:>10} buffers back, {:>9} MSIs, RSS {} KiB, sim {}\n", t_.checkpoints,
               ops_done, t_.reaped, ms.messages, rss, sc_core::sc_time_stamp().to_string());
}

std::string soak::summary() const {
  std::string s = fmt::format("ops {} ({} vCPUs, scheme {}, {} MSI frame, seed {})\n", ops_done, p_.cfg.irqc.cpus,
                              p_.cfg.scheme, p_.cfg.x86() ? "x86" : "arm", o_.seed);
  s += "  by kind:";
  for (unsigned k = 0; k < k_count; ++k) s += fmt::format(" {} {},", op_name(k), t_.ops[k]);
  s += "\n  interrupt modes at bring-up:";
  for (unsigned m = 0; m < m_mode_count; ++m)
    if (supports(static_cast<mode>(m))) s += fmt::format(" {} {},", mode_name(m), t_.modes[m]);
  s += fmt::format(" changes {}\n", t_.mode_changes);
  s += fmt::format("  buffers: {} made available ({} indirect), {} came back, {} discarded by resets ({} already used), "
                   "{} posts skipped on a full ring\n",
                   t_.posted, t_.indirect, t_.reaped, t_.discarded_used + t_.discarded_unused, t_.discarded_used,
                   t_.ring_full);
  const auto& ms = p_.monitor.stats();
  s += fmt::format("  interrupts: {} MSI messages ({} coalesced at the controller), {} MSI + {} wired taken; "
                   "{} ISRs, {} found the input gone; per vCPU",
                   ms.messages, ms.coalesced, ms.taken, ms.wired_taken, t_.isr_runs, t_.isr_none);
  for (uint64_t n : t_.isr_per_cpu) s += fmt::format(" {}", n);
  s += fmt::format("\n  retargets {}, masks {}, unmasks {}, config changes {} ({} interrupts saw one, {} discarded by a "
                   "reset)\n",
                   t_.retargets, t_.masks, t_.unmasks, cfg_generation_, t_.config_irqs, t_.config_discarded);
  s += fmt::format("  checkpoints {}, RSS first {} KiB, after warm-up {} KiB, max {} KiB, end {} KiB; simulated {}\n",
                   t_.checkpoints, rss_first_kib, rss_warm_kib, rss_max_kib, rss_end_kib,
                   sc_core::sc_time_stamp().to_string());
  return s;
}

}  // namespace vmsim::tb
