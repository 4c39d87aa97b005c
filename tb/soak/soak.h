// The soak: a long random-but-legal mix of guest operations on several vCPUs against the model
// (virtio-mmio transport with its interrupt scheme, the loopback back-end, the interrupt controller),
// checking at every step and at checkpoints that no used entry or interrupt is lost or duplicated and
// that memory stays flat. See docs/soak.md.
//
// The guest is written here, straight on the vCPU's HAL (read32/write32 and its RAM), not with the sw/
// driver: the soak needs to reset queues, switch interrupt modes, retarget and mask single vectors in the
// middle of traffic and to know exactly which buffers a reset discarded, which the driver's API (rightly)
// does not expose.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "irqc_monitor.h"
#include "loopback_device.h"
#include "virtio_system.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/devices/splitmix64.h"

namespace vmsim::tb {

struct soak_options {
  uint64_t seed = 1;
  uint64_t ops = 200000;
  std::string scheme = "msi-v2";
  bool arm = false;  // GICv2m-like MSI frame instead of the x86 LAPIC window
  unsigned cpus = 4;
  uint64_t checkpoint_every = 10000;
  uint64_t warmup_ops = 0;  // 0: a tenth of the run
  uint64_t rss_slack_kib = 2048;
  bool verbose = false;
};

// The hardware of virtio_system with the checker in front of the controller's sockets, and vCPUs.
class soak_platform : public sc_core::sc_module {
 public:
  soak_platform(sc_core::sc_module_name name, const system_config& c);
  system_config cfg;
  router bus;
  guest_ram ram;
  loopback_device device;
  virtio_mmio_transport transport;
  interrupt_controller irqc;
  irqc_monitor monitor;
  sc_core::sc_vector<vcpu> cpu;

 private:
  struct line_watch : irq_target_if {  // a transport line's level, as the controller sees it
    bool level = false;
    uint64_t rises = 0;
    void set_irq(bool l) override { rises += l && !level; level = l; }
  };

 public:
  std::vector<line_watch> lines;
};

class soak {
 public:
  enum op_kind { k_kick, k_idle, k_retarget, k_mask, k_config, k_queue_reset, k_device_reset, k_count };
  enum mode { m_wired, m_msi, m_msi_shared, m_mode_count };  // m_msi_shared: v2 MAP / MSI-X with shared vectors
  static const char* op_name(unsigned k);
  static const char* mode_name(unsigned m);

  soak(soak_platform& p, const soak_options& o);
  bool passed() const { return failure_.empty(); }
  const std::string& failure() const { return failure_; }
  void note_failure(const std::string& what) { if (failure_.empty()) failure_ = what; }
  std::string summary() const;  // figures for the report
  uint64_t rss_warm_kib = 0, rss_end_kib = 0, rss_first_kib = 0, rss_max_kib = 0;
  uint64_t ops_done = 0;
  std::function<unsigned()> warnings;  // the model's warnings so far (a legal mix has none)

 private:
  static constexpr unsigned queues = 2, max_num = 64, vectors = queues + 1, max_len = 256;

  struct slot {  // a chain the guest made available, by head descriptor
    bool out = false;
    uint16_t second = 0;  // the second descriptor (direct chains)
    bool indirect = false;
    uint32_t len = 0;
    uint64_t token = 0;
  };
  struct ring {
    bool enabled = false;
    uint16_t num = 0, avail_idx = 0, last_used = 0;
    unsigned area = 0;
    uint64_t desc = 0, avail = 0, used = 0;
    std::vector<uint16_t> free_desc;
    std::array<slot, max_num> slots{};
    unsigned outstanding = 0;
  };
  struct vec {
    bool live = false;  // configured and used by the mapping of the current mode
    unsigned cpu = 0;
    bool dev_masked = false;
  };

  // vCPU programs
  void driver_program(vcpu& c);
  void handler_program(vcpu& c);
  bool isr(vcpu& c);  // false: nothing was pending once the lock was held
  void lock(vcpu& c);
  void unlock(vcpu& c);

  // guest operations (under the lock)
  void bring_up(vcpu& c);
  void setup_queue(vcpu& c, unsigned q);
  void discard(unsigned q);
  void program_interrupts(vcpu& c);
  void stage(vcpu& c, unsigned v, unsigned cpu);  // MsiAddress/MsiData (MSI-X: the entry) for vector v -> cpu
  void route(vcpu& c, uint32_t id, unsigned cpu);  // the controller's ROUTE
  void post_and_kick(vcpu& c);
  void retarget(vcpu& c);
  void toggle_mask(vcpu& c);
  void set_dev_mask(vcpu& c, unsigned v, bool m);
  void set_irqc_mask(vcpu& c, uint32_t id, bool m);
  void queue_reset(vcpu& c);
  void raise_config();
  void unmask_all(vcpu& c);
  void checkpoint(vcpu& c, bool final);

  // interrupt handling
  void reap(vcpu& c, unsigned q);
  void read_config(vcpu& c, bool at_init);
  std::string check_message(unsigned cpu, uint32_t id) const;

  // helpers
  uint32_t rd(vcpu& c, regmap::reg r) { return c.read32(mmio(regmap::offset_of(r))); }
  void wr(vcpu& c, regmap::reg r, uint32_t v) { c.write32(mmio(regmap::offset_of(r)), v); }
  uint64_t mmio(uint32_t off) const { return p_.cfg.mmio_base + off; }
  uint64_t msi_reg(uint32_t rel) const { return p_.cfg.mmio_base + p_.cfg.msi.register_base + rel; }
  uint64_t irqc_reg(uint64_t off) const { return p_.cfg.irqc_base + off; }
  uint8_t* host(uint64_t a) { return p_.ram.data() + (a - p_.cfg.ram_base); }
  // Guest memory layout: rings at +0x10000 (two areas per queue), buffers at +0x100000, indirect tables at +0x200000.
  // Chain `head` of queue q owns the readable buffer at buffer_addr and the writable one max_len after it.
  uint64_t buffer_addr(unsigned q, unsigned head) const { return p_.cfg.ram_base + 0x100000 + q * 0x10000 + head * 2 * max_len; }
  uint16_t peek16(uint64_t a);
  void poke16(uint64_t a, uint16_t v);
  uint32_t msi_id(unsigned v) const;
  uint32_t wired_id(unsigned line) const { return p_.cfg.irqc.wired_base_id + line; }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((rng_() >> 32) * n) >> 32); }
  bool chance(unsigned percent) { return below(100) < percent; }
  bool running() const { return status_ok_; }
  bool wired() const { return mode_ == m_wired; }
  // RING_RESET negotiated (bit 40 is VIRTIO_F_MMIO_MSI instead in msi-v2-as-posted, which offers no RING_RESET)
  bool ring_reset() const {
    return p_.cfg.transport.offer_ring_reset && (features_ & regmap::feature::bit(regmap::feature::ring_reset));
  }
  bool supports(mode m) const;
  bool device_masks() const;  // the scheme has per-vector masks
  void fail(const std::string& what);

  soak_platform& p_;
  soak_options o_;
  splitmix64 rng_;
  std::string failure_;
  bool done_ = false;

  // guest state
  bool locked_ = false;
  unsigned waiters_ = 0;
  bool status_ok_ = false;
  uint64_t features_ = 0;
  mode mode_ = m_wired;
  std::array<ring, queues> rings_{};
  std::array<vec, vectors> vecs_{};
  unsigned config_vec_ = 0;
  std::array<unsigned, queues> queue_vec_{};
  std::array<unsigned, 2> line_cpu_{};
  std::vector<uint8_t> irqc_masked_;  // by interrupt id
  uint64_t token_ = 0;

  // the device side the bench plays, and the account
  uint64_t cfg_generation_ = 0;  // config changes raised (the transport's ConfigGeneration)
  uint32_t cfg_value_ = 0x12345678;
  uint64_t seen_generation_ = 0;
  struct totals {
    std::array<uint64_t, k_count> ops{};
    std::array<uint64_t, m_mode_count> modes{};
    uint64_t posted = 0, reaped = 0, discarded_unused = 0, discarded_used = 0, ring_full = 0, indirect = 0;
    uint64_t isr_runs = 0, isr_none = 0, wired_status_reads = 0, config_irqs = 0, config_discarded = 0;
    uint64_t retargets = 0, masks = 0, unmasks = 0, mode_changes = 0, checkpoints = 0;
    std::vector<uint64_t> isr_per_cpu;
  } t_;
};

}  // namespace vmsim::tb
