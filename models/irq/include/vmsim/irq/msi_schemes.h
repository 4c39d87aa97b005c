// MSI for virtio-mmio: the layouts of the proposal (v1 "Version 3", v2 feature bits with its
// per-queue-pair variant) and a PCI/MSI-X-like reference, all on one base: a vector table with
// atomic latching, mask and pending, and the wired scheme as fallback while MSI is disabled.
// Register offsets below are relative to msi_config::register_base. See docs/interrupt-schemes.md.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/irq/msi_vector_table.h"
#include "vmsim/transport/interrupt_scheme.h"
#include "vmsim/transport/wired_irq_scheme.h"

namespace vmsim {

struct msi_config {
  uint32_t register_base = 0x0d0;  // 0x0c0 in the proposal; today's spec gives 0x0c0 to QueueReset
  int feature_bit = 47;            // VIRTIO_F_MMIO_MSI (v2 layout); the proposal's 40 is RING_RESET now
  unsigned vectors = 0;            // 0: queues + 1
  uint32_t msix_table_base = 0x400;  // MSI-X reference: the table's offset in the device window
};

class msi_scheme_base : public interrupt_scheme {
 public:
  explicit msi_scheme_base(const msi_config& cfg) : cfg_(cfg) {}
  void attach(interrupt_host& host) override;
  void used_buffer(unsigned queue) override;
  void config_change() override;
  // While MSI is enabled the device sets no InterruptStatus bit and ignores InterruptACK.
  uint32_t read_interrupt_status() override { return enabled_ ? 0 : fallback_.read_interrupt_status(); }
  void write_interrupt_ack(uint32_t v) override {
    if (enabled_) return;
    ++stats_.acks;
    fallback_.write_interrupt_ack(v);
  }
  void reset() override;

  bool msi_enabled() const { return enabled_; }
  const msi_vector_table& vectors() const { return vectors_; }

 protected:
  virtual uint32_t vector_for_queue(unsigned q) const = 0;
  virtual uint32_t vector_for_config() const = 0;
  virtual void on_reset() {}

  void deliver(uint32_t vector);
  void mask(uint32_t vector) { vectors_.mask(vector); }
  void unmask(uint32_t vector);
  void set_enabled(bool on);
  bool all_configured(unsigned first, unsigned count) const;
  void error(const char* id, const std::string& what) { host_->guest_error(id, what); }
  static void set_half(uint64_t& v, bool high, uint32_t half);

  msi_config cfg_;
  interrupt_host* host_ = nullptr;
  msi_vector_table vectors_;
  msi_message staged_;  // MsiAddress/MsiData as written, latched by a command
  bool enabled_ = false;
  wired_irq_scheme fallback_;
};

// v1 (Dec 2019, "Version 3"): Version reads 3; 16-bit MsiStatus {max_queue_num:11, enabled:bit 15} at +0x0,
// 16-bit MsiCommand {arg:12, op:4} at +0x2, MsiAddressLow/High +0x4/+0x8, MsiData +0xc.
// UPDATE (1, arg = vector) latches address/data; ENABLE (2, arg 1/0). Fixed mapping: config 0, queue q -> q+1.
class msi_v1_scheme : public msi_scheme_base {
 public:
  static constexpr uint32_t op_update = 1, op_enable = 2;
  static constexpr uint16_t status_enabled = 0x8000, status_qmask = 0x07ff;
  using msi_scheme_base::msi_scheme_base;
  const char* name() const override { return "msi-v1"; }
  uint32_t version_register(uint32_t) const override { return 3; }
  void declare_registers(register_bank& bank) override;

 protected:
  uint32_t vector_for_queue(unsigned q) const override { return q + 1; }
  uint32_t vector_for_config() const override { return 0; }

 private:
  void command(uint32_t cmd);
};

// v2 (Feb 2020, feature bit): MsiVecNum +0x00 R, MsiState +0x04 R {enabled:0, sharing:1}, MsiCmd +0x08 W,
// MsiVecSel +0x10 W, MsiAddrLow/High +0x14/+0x18 W, MsiData +0x1c W.
// vector_map variant: ENABLE 1, DISABLE 2, CONFIGURE 3, MASK 4, UNMASK 5, MAP_CONFIG 6, MAP_QUEUE 7 on MsiVecSel;
//   no MAP command issued = non-sharing (config 0, queue q -> q+1, needs queues + 1 vectors); a MAP command
//   switches to sharing mode (the driver's mapping, at least 2 vectors).
// per_queue_pair variant (the reviewers' simpler form): no MsiVecSel, no MAP: CONFIGURE/MASK/UNMASK act on the
//   pair of queue QueueSel; op 6 configures the config pair.
enum class msi_v2_variant { vector_map, per_queue_pair };

class msi_v2_scheme : public msi_scheme_base {
 public:
  enum op : uint32_t { enable = 1, disable = 2, configure = 3, mask_op = 4, unmask_op = 5, map_config = 6, map_queue = 7 };
  static constexpr uint32_t state_enabled = 1, state_sharing = 2;

  msi_v2_scheme(const msi_config& cfg, msi_v2_variant variant) : msi_scheme_base(cfg), variant_(variant) {}
  const char* name() const override { return variant_ == msi_v2_variant::vector_map ? "msi-v2" : "msi-v2-pair"; }
  uint64_t offered_features() const override { return uint64_t{1} << cfg_.feature_bit; }
  void declare_registers(register_bank& bank) override;
  bool sharing() const { return sharing_; }

 protected:
  uint32_t vector_for_queue(unsigned q) const override { return q < queue_map_.size() ? queue_map_[q] : msi_vector_table::no_vector; }
  uint32_t vector_for_config() const override { return config_map_; }
  void on_reset() override;

 private:
  void command(uint32_t cmd);
  bool target_vector(uint32_t& v, const char* op_name);
  void try_enable();
  msi_v2_variant variant_;
  uint32_t vec_sel_ = 0;
  bool sharing_ = false;
  uint32_t config_map_ = 0;
  std::vector<uint32_t> queue_map_;
};

// The PCI/MSI-X-like reference point (standing for virtio-pci): an MSI-X table (AddrLow, AddrHigh, Data,
// VectorControl per 16-byte entry) at msix_table_base, MsixControl +0x00 {enable:0, function mask:1},
// ConfigVector +0x04 and QueueVector +0x08 (for QueueSel) as virtio-pci's config_msix_vector /
// queue_msix_vector; 0xffff = no vector. No InterruptStatus read, no ack.
class msix_reference_scheme : public msi_scheme_base {
 public:
  static constexpr uint32_t no_vector16 = 0xffff;
  using msi_scheme_base::msi_scheme_base;
  const char* name() const override { return "pci-msix-reference"; }
  void declare_registers(register_bank& bank) override;

 protected:
  uint32_t vector_for_queue(unsigned q) const override;
  uint32_t vector_for_config() const override { return config_vector_ == no_vector16 ? msi_vector_table::no_vector : config_vector_; }
  void on_reset() override;

 private:
  void write_entry(unsigned v, unsigned field, uint32_t value);
  void write_control(uint32_t v);
  uint32_t control_ = 0;
  uint32_t config_vector_ = no_vector16;
  std::vector<uint32_t> queue_vector_;
  std::vector<msi_message> raw_;      // the table as written
  std::vector<uint32_t> vector_ctrl_;
};

}  // namespace vmsim
