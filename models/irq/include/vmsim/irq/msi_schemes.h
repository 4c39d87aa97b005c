// MSI for virtio-mmio: the layouts of the proposal (v1 "Version 3", v2 feature bits with its
// per-queue-pair variant) and a PCI/MSI-X-like reference, all on one base: a vector table with
// atomic latching, mask and pending, and the wired scheme as fallback while MSI is disabled.
// The register blocks are vmsim/regmap/interrupts.h (offsets relative to msi_config::register_base).
// See docs/interrupt-schemes.md.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/common/params.h"
#include "vmsim/irq/msi_vector_table.h"
#include "vmsim/regmap/interrupts.h"
#include "vmsim/transport/interrupt_scheme.h"
#include "vmsim/transport/wired_irq_scheme.h"

namespace vmsim {

struct msi_config {
  uint32_t register_base = regmap::msi_block_base_default;  // 0x0c0 in the proposals: QueueReset's today
  int feature_bit = 47;            // VIRTIO_F_MMIO_MSI (v2 layout); the proposal's 40 is RING_RESET now
  unsigned vectors = 0;            // 0: queues + 1
  // MSI v2: the device's mode, reported in MsiState's msi_sharing bit and followed by the driver (the v2
  // patches: "device uses sharing mode and dynamic mapping"). true: events reach the vectors the driver's
  // MAP_CONFIG / MAP_QUEUE name (at least 2 vectors); false: fixed mapping, config 0 and queue q on q+1.
  // A device with fewer than queues + 1 vectors can only share.
  bool sharing = false;
  uint32_t msix_table_base = regmap::msix::table_base_default;  // MSI-X reference: the table's offset in the window
};
// Its run-time parameters (vm.msi.*, irq_params.cpp).
const param_group<msi_config>& param_table(const msi_config&);

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
  // The vector of queue q's used-buffer events (no_vector: none): a table, not a virtual call, as it is
  // looked up at every completion.
  uint32_t vector_for_queue(unsigned q) const {
    return q < queue_vector_.size() ? queue_vector_[q] : msi_vector_table::no_vector;
  }
  virtual uint32_t vector_for_config() const = 0;
  virtual void on_reset() {}

  void deliver(uint32_t vector);
  void send(uint32_t vector, const msi_message& m);  // writes the message of a vector that fires
  [[gnu::cold, gnu::noinline]] void write_refused(uint32_t vector, uint64_t address);
  void mask(uint32_t vector) { vectors_.mask(vector); }
  void unmask(uint32_t vector);
  void set_enabled(bool on);
  bool all_configured(unsigned first, unsigned count) const;
  void error(const char* id, const std::string& what) { host_->guest_error(id, what); }
  static void set_half(uint64_t& v, bool high, uint32_t half);
  // The fixed mapping: queue q on vector q + 1 (vector 0 is the configuration change's).
  void map_queues_in_order() {
    for (unsigned q = 0; q < queue_vector_.size(); ++q) queue_vector_[q] = q + 1;
  }

  msi_config cfg_;
  interrupt_host* host_ = nullptr;
  msi_vector_table vectors_;
  msi_message staged_;  // MsiAddress/MsiData as written, latched by a command
  // Per queue: the vector its used-buffer events go to (no_vector: none), kept by each layout as its
  // registers and commands set it; the fixed mapping (queue q on vector q + 1) from attach on.
  std::vector<uint32_t> queue_vector_;
  bool enabled_ = false;
  wired_irq_scheme fallback_;
};

// v1 (Dec 2019, "Version 3"): Version reads 3; 16-bit MsiStatus {max_queue_num:11, enabled:bit 15} at +0x0,
// 16-bit MsiCommand {arg:12, op:4} at +0x2, MsiAddressLow/High +0x4/+0x8, MsiData +0xc.
// UPDATE (1, arg = vector) latches address/data. Fixed mapping: config 0, queue q -> q+1. How MSI is switched
// on is the variant (docs/interrupt-schemes.md):
//   command     (msi-v1, the v1 spec text): ENABLE (2, arg 1/0), refused until every vector was UPDATEd;
//               MsiStatus is read-only.
//   status_rmw  (msi-v1-kernel, the v1 kernel patch): no ENABLE op; MsiStatus is read-write, bit 15 reads 1
//               while MSI is available (the patch gives up on MSI when it reads 0), writing it 1 switches MSI
//               on, 0 off (and it then reads 0 until reset); the other bits are read-only. Vectors the
//               driver never UPDATEd (queues without a callback) keep their events pending.
enum class msi_v1_enable { command, status_rmw };

class msi_v1_scheme : public msi_scheme_base {
 public:
  static constexpr uint32_t op_update = regmap::msi_v1::op_update, op_enable = regmap::msi_v1::op_enable;
  static constexpr uint16_t status_enabled = regmap::msi_v1::status_enabled, status_qmask = regmap::msi_v1::status_qmask;
  msi_v1_scheme(const msi_config& cfg, msi_v1_enable how) : msi_scheme_base(cfg), how_(how) {}
  const char* name() const override { return how_ == msi_v1_enable::command ? "msi-v1" : "msi-v1-kernel"; }
  uint32_t version_register(uint32_t) const override { return regmap::msi_v1::version_register; }
  void declare_registers(register_bank& bank) override;

 protected:
  uint32_t vector_for_config() const override { return 0; }

 private:
  void command(uint32_t cmd);
  void write_status(uint32_t v);
  void on_reset() override { available_ = true; }
  msi_v1_enable how_;
  bool available_ = true;  // status_rmw: bit 15 as read while MSI is off
};

// v2 (Feb 2020, feature bit): MsiVecNum +0x00 R, MsiState +0x04 R {enabled:0, sharing:1}, MsiCmd +0x08 W,
// MsiVecSel +0x10 W, MsiAddrLow/High +0x14/+0x18 W, MsiData +0x1c W.
// vector_map variant: ENABLE 1, DISABLE 2, CONFIGURE 3, MASK 4, UNMASK 5, MAP_CONFIG 6, MAP_QUEUE 7 on MsiVecSel.
//   The device chooses the mode (msi_config::sharing, MsiState msi_sharing): non-sharing = fixed mapping
//   (config 0, queue q -> q+1; MAP commands are warned and ignored; ENABLE needs queues + 1 vectors);
//   sharing = the driver's MAP commands (nothing mapped until then; at least 2 vectors, checked at
//   construction). ENABLE does not wait for vectors to be configured (the Linux v2 patch enables before its
//   vectors' IRQs are requested, and never gives a callback-less queue a vector): an event on a vector not
//   configured stays pending on it.
// per_queue_pair variant (the reviewers' simpler form): no MsiVecSel, no MAP: CONFIGURE/MASK/UNMASK act on the
//   pair of queue QueueSel; op 6 configures the config pair.
enum class msi_v2_variant { vector_map, per_queue_pair };
// Where MsiState keeps its bits: the spec proposal (0/1, msi-v2) or the Linux patch's uapi (31/30, msi-v2-linux).
enum class msi_state_bits { spec, linux_uapi };

class msi_v2_scheme : public msi_scheme_base {
 public:
  enum op : uint32_t {
    enable = regmap::msi_v2::enable, disable = regmap::msi_v2::disable, configure = regmap::msi_v2::configure,
    mask_op = regmap::msi_v2::mask, unmask_op = regmap::msi_v2::unmask, map_config = regmap::msi_v2::map_config,
    map_queue = regmap::msi_v2::map_queue
  };
  static constexpr uint32_t state_enabled = regmap::msi_v2::state_enabled, state_sharing = regmap::msi_v2::state_sharing;

  msi_v2_scheme(const msi_config& cfg, msi_v2_variant variant, msi_state_bits bits = msi_state_bits::spec)
      : msi_scheme_base(cfg), variant_(variant), bits_(bits) {}
  // A configuration of this class under its own name (msi-v2-as-posted).
  void set_name(const char* n) { name_ = n; }
  const char* name() const override {
    if (name_) return name_;
    if (variant_ == msi_v2_variant::per_queue_pair) return "msi-v2-pair";
    return bits_ == msi_state_bits::spec ? "msi-v2" : "msi-v2-linux";
  }
  uint64_t offered_features() const override { return uint64_t{1} << cfg_.feature_bit; }
  void attach(interrupt_host& host) override;
  void declare_registers(register_bank& bank) override;
  bool sharing() const { return cfg_.sharing && variant_ == msi_v2_variant::vector_map; }

 protected:
  uint32_t vector_for_config() const override { return config_map_; }
  void on_reset() override;

 private:
  void command(uint32_t cmd);
  bool target_vector(uint32_t& v, const char* op_name);
  void try_enable();
  void map_refused(const char* op_name);
  msi_v2_variant variant_;
  msi_state_bits bits_;
  const char* name_ = nullptr;
  uint32_t vec_sel_ = 0;
  uint32_t config_map_ = 0;
};

// The PCI/MSI-X-like reference point (standing for virtio-pci): an MSI-X table (AddrLow, AddrHigh, Data,
// VectorControl per 16-byte entry) at msix_table_base, MsixControl +0x00 {enable:0, function mask:1},
// ConfigVector +0x04 and QueueVector +0x08 (for QueueSel) as virtio-pci's config_msix_vector /
// queue_msix_vector; 0xffff = no vector. No InterruptStatus read, no ack.
class msix_reference_scheme : public msi_scheme_base {
 public:
  static constexpr uint32_t no_vector16 = regmap::msix::no_vector;
  using msi_scheme_base::msi_scheme_base;
  const char* name() const override { return "pci-msix-reference"; }
  void declare_registers(register_bank& bank) override;

 protected:
  uint32_t vector_for_config() const override { return config_vector_ == no_vector16 ? msi_vector_table::no_vector : config_vector_; }
  void on_reset() override;

 private:
  void write_entry(unsigned v, unsigned field, uint32_t value);
  void write_control(uint32_t v);
  uint32_t control_ = 0;
  uint32_t config_vector_ = no_vector16;
  std::vector<msi_message> raw_;      // the table as written
  std::vector<uint32_t> vector_ctrl_;
};

}  // namespace vmsim
