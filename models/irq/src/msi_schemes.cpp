#include "vmsim/irq/msi_schemes.h"

#include <deque>
#include <string>

#include <fmt/format.h>
#include <systemc>

#include "vmsim/common/report_ids.h"

namespace vmsim {

using regmap::access;

namespace {
regmap::reg_desc row(const char* name, uint32_t offset, uint8_t width, access acc, uint32_t reset = 0) {
  return {name, static_cast<uint16_t>(offset), width, acc, reset, regmap::in_all, -1, false};
}
// Names of generated rows (the MSI-X table) need stable storage for register_bank's const char*.
const char* keep(std::string s) {
  static std::deque<std::string> names;
  names.push_back(std::move(s));
  return names.back().c_str();
}
}  // namespace

// ---- the shared base --------------------------------------------------------------------------------
void msi_scheme_base::attach(interrupt_host& host) {
  host_ = &host;
  fallback_.attach(host);
  vectors_.resize(cfg_.vectors ? cfg_.vectors : host.num_queues() + 1);
  queue_vector_.resize(host.num_queues());
  map_queues_in_order();
}

void msi_scheme_base::set_half(uint64_t& v, bool high, uint32_t half) {
  v = high ? (v & 0xffffffffu) | (uint64_t{half} << 32) : (v & ~uint64_t{0xffffffff}) | half;
}

void msi_scheme_base::used_buffer(unsigned queue) {
  ++stats_.used_raised;
  if (!enabled_) return fallback_.used_buffer(queue);
  deliver(vector_for_queue(queue));
}

void msi_scheme_base::config_change() {
  ++stats_.config_raised;
  if (!enabled_) return fallback_.config_change();
  deliver(vector_for_config());
}

void msi_scheme_base::deliver(uint32_t v) {
  // no_vector lies above every vector number: one compare refuses both it and a vector beyond the table.
  if (v >= vectors_.size()) {
    ++stats_.suppressed;  // no vector mapped: the event is not signalled (as with VIRTIO_MSI_NO_VECTOR)
    return;
  }
  const msi_message* m = vectors_.signal(v);
  if (!m) {
    ++stats_.msi_deferred;
    return;
  }
  send(v, *m);
}

void msi_scheme_base::unmask(uint32_t v) {
  if (vectors_.unmask(v)) send(v, vectors_.message(v));
}

void msi_scheme_base::send(uint32_t v, const msi_message& m) {
  ++stats_.msi_sent;
  if (!host_->msi_write(m.address, m.data)) write_refused(v, m.address);
}

void msi_scheme_base::write_refused(uint32_t v, uint64_t address) {
  error(ids::msi_write_failed, fmt::format("MSI write for vector {} to {:#x} refused by the bus", v, address));
}

void msi_scheme_base::set_enabled(bool on) {
  if (on && !enabled_) fallback_.reset();  // the wired line drops when MSI takes over
  enabled_ = on;
}

bool msi_scheme_base::all_configured(unsigned first, unsigned count) const {
  for (unsigned v = first; v < first + count; ++v)
    if (!vectors_.configured(v)) return false;
  return true;
}

void msi_scheme_base::reset() {
  enabled_ = false;
  staged_ = {};
  vectors_.clear();
  fallback_.reset();
  on_reset();
}

// ---- v1 -----------------------------------------------------------------------------------------------
void msi_v1_scheme::declare_registers(register_bank& bank) {
  const uint32_t b = cfg_.register_base;
  namespace v1 = regmap::msi_v1;
  if (how_ == msi_v1_enable::command) {
    bank.add(row("MsiStatus", b + v1::status, 2, access::ro), [this] {
      return (enabled_ ? status_enabled : 0u) | (host_->num_queues() & status_qmask);
    });
  } else {
    bank.add(row("MsiStatus", b + v1::status, 2, access::rw),
             [this] { return (enabled_ || available_ ? status_enabled : 0u) | (host_->num_queues() & status_qmask); },
             [this](uint32_t v) { write_status(v); });
  }
  bank.add(row("MsiCommand", b + v1::command, 2, access::wo), {}, [this](uint32_t v) { command(v); });
  bank.add(row("MsiAddressLow", b + v1::address_low, 4, access::wo), {}, [this](uint32_t v) { set_half(staged_.address, false, v); });
  bank.add(row("MsiAddressHigh", b + v1::address_high, 4, access::wo), {}, [this](uint32_t v) { set_half(staged_.address, true, v); });
  bank.add(row("MsiData", b + v1::data, 4, access::wo), {}, [this](uint32_t v) { staged_.data = v; });
}

void msi_v1_scheme::command(uint32_t cmd) {
  const uint32_t op = regmap::msi_v1::cmd_op(cmd), arg = regmap::msi_v1::cmd_arg(cmd);
  if (op == op_update) {
    if (arg >= vectors_.size())
      return error(ids::msi_bad_vector, fmt::format("UPDATE of vector {}: the device has {}", arg, vectors_.size()));
    vectors_.configure(arg, staged_);  // atomic: the message is what was staged when the command came
  } else if (op == op_enable && how_ == msi_v1_enable::command) {
    if (arg > 1) return error(ids::msi_bad_command, fmt::format("ENABLE argument {} (0 or 1)", arg));
    if (arg == 1 && !all_configured(0, vectors_.size()))
      return error(ids::msi_enable_refused, "ENABLE refused: not every vector was UPDATEd; staying on the wired IRQ");
    set_enabled(arg == 1);
  } else {
    error(ids::msi_bad_command, fmt::format("MsiCommand {:#06x}: unknown op {}", cmd, op));
  }
}

// The kernel patch's mmio_msi_set_enable: MsiStatus read, bit 15 set or cleared, written back (16 bits).
void msi_v1_scheme::write_status(uint32_t v) {
  const uint32_t ro_now = host_->num_queues() & status_qmask;
  if ((v & ~uint32_t{status_enabled}) != ro_now)
    error(ids::write_to_read_only,
          fmt::format("MsiStatus write {:#06x} changes read-only bits (reads {:#06x}): they are ignored", v, ro_now));
  const bool on = v & status_enabled;
  if (on && !available_)
    return error(ids::msi_enable_refused, "MsiStatus bit 15 set after MSI was switched off: reset first; staying on the wired IRQ");
  if (!on) available_ = false;
  set_enabled(on);
}

// ---- v2 -----------------------------------------------------------------------------------------------
void msi_v2_scheme::attach(interrupt_host& host) {
  msi_scheme_base::attach(host);
  // "device should support at least 2 msi vectors" in sharing mode (J. Liu on the v2 spec patch, Feb 2020).
  if (sharing() && vectors_.size() < 2)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: an MSI device in sharing mode needs at least 2 vectors, it has {} "
                                                   "(msi.vectors)", name(), vectors_.size()).c_str());
}

void msi_v2_scheme::declare_registers(register_bank& bank) {
  const uint32_t b = cfg_.register_base;
  namespace v2 = regmap::msi_v2;
  bank.add(row("MsiVecNum", b + v2::vec_num, 4, access::ro), [this] { return vectors_.size(); });
  const bool linux_bits = bits_ == msi_state_bits::linux_uapi;
  const uint32_t en = linux_bits ? v2::state_enabled_linux : v2::state_enabled;
  const uint32_t sh = linux_bits ? v2::state_sharing_linux : v2::state_sharing;
  bank.add(row("MsiState", b + v2::state, 4, access::ro),
           [this, en, sh] { return (enabled_ ? en : 0u) | (sharing() ? sh : 0u); });
  bank.add(row("MsiCmd", b + v2::cmd, 4, access::wo), {}, [this](uint32_t v) { command(v); });
  if (variant_ == msi_v2_variant::vector_map)
    bank.add(row("MsiVecSel", b + v2::vec_sel, 4, access::wo), {}, [this](uint32_t v) { vec_sel_ = v; });
  bank.add(row("MsiAddrLow", b + v2::addr_low, 4, access::wo), {}, [this](uint32_t v) { set_half(staged_.address, false, v); });
  bank.add(row("MsiAddrHigh", b + v2::addr_high, 4, access::wo), {}, [this](uint32_t v) { set_half(staged_.address, true, v); });
  bank.add(row("MsiData", b + v2::data, 4, access::wo), {}, [this](uint32_t v) { staged_.data = v; });
  on_reset();
}

void msi_v2_scheme::on_reset() {
  vec_sel_ = 0;
  queue_vector_.resize(host_ ? host_->num_queues() : 0);
  if (sharing()) {  // nothing is mapped until the driver's MAP commands (as the kvmtool-derived device)
    config_map_ = msi_vector_table::no_vector;
    for (auto& v : queue_vector_) v = msi_vector_table::no_vector;
  } else {
    config_map_ = 0;
    map_queues_in_order();
  }
}

bool msi_v2_scheme::target_vector(uint32_t& v, const char* op_name) {
  if (variant_ == msi_v2_variant::vector_map) {
    v = vec_sel_;
  } else {
    const uint32_t q = host_->queue_sel();
    if (q >= host_->num_queues()) {
      error(ids::bad_queue_sel, fmt::format("{} for QueueSel {}: the device has {} queues", op_name, q, host_->num_queues()));
      return false;
    }
    v = q + 1;
  }
  if (v >= vectors_.size()) {
    error(ids::msi_bad_vector, fmt::format("{} of vector {}: MsiVecNum is {}", op_name, v, vectors_.size()));
    return false;
  }
  return true;
}

void msi_v2_scheme::command(uint32_t cmd) {
  const uint64_t msi_bit = offered_features();
  if (!(host_->negotiated_features() & msi_bit))
    return error(ids::msi_not_negotiated, fmt::format("MsiCmd {} without VIRTIO_F_MMIO_MSI (bit {}) negotiated", cmd, cfg_.feature_bit));
  const bool pair = variant_ == msi_v2_variant::per_queue_pair;
  uint32_t v = 0;
  switch (cmd) {
    case enable: return try_enable();
    case disable: return set_enabled(false);
    case configure:
      // Allowed while enabled: the new pair is latched in one step (an affinity change at run time). An
      // event that waited for the vector's first message goes out now unless the vector is masked.
      if (target_vector(v, "CONFIGURE")) {
        vectors_.configure(v, staged_);
        if (!vectors_.masked(v) && vectors_.pending(v)) unmask(v);
      }
      return;
    case mask_op:
      if (target_vector(v, "MASK")) mask(v);
      return;
    case unmask_op:
      if (target_vector(v, "UNMASK")) unmask(v);
      return;
    case map_config:
      if (pair) return vectors_.configure(0, staged_);  // the pair variant's "configure the config pair"
      if (!sharing()) return map_refused("MAP_CONFIG");
      if (vec_sel_ != msi_vector_table::no_vector && vec_sel_ >= vectors_.size())
        return error(ids::msi_bad_vector, fmt::format("MAP_CONFIG to vector {}: MsiVecNum is {}", vec_sel_, vectors_.size()));
      config_map_ = vec_sel_;
      return;
    case map_queue: {
      if (pair) break;
      if (!sharing()) return map_refused("MAP_QUEUE");
      const uint32_t q = host_->queue_sel();
      if (q >= host_->num_queues())
        return error(ids::bad_queue_sel, fmt::format("MAP_QUEUE for QueueSel {}: the device has {} queues", q, host_->num_queues()));
      if (vec_sel_ != msi_vector_table::no_vector && vec_sel_ >= vectors_.size())
        return error(ids::msi_bad_vector, fmt::format("MAP_QUEUE to vector {}: MsiVecNum is {}", vec_sel_, vectors_.size()));
      queue_vector_[q] = vec_sel_;
      return;
    }
    default: break;
  }
  error(ids::msi_bad_command, fmt::format("MsiCmd {}: unknown command{}", cmd, pair ? " in the per-queue-pair layout" : ""));
}

// MAP commands are for sharing mode ("driver should use MAP_CONFIG/MAP_QUEUE" when msi_sharing is 1, J. Liu,
// Feb 2020); the kvmtool-derived device ignores them otherwise. Here: ignored, with a warning.
void msi_v2_scheme::map_refused(const char* op_name) {
  error(ids::msi_bad_command, fmt::format("{} in non-sharing mode (MsiState msi_sharing 0): ignored, the fixed mapping stands",
                                          op_name));
}

void msi_v2_scheme::try_enable() {
  // Vectors need not be configured yet: the Linux v2 patch writes ENABLE before requesting its vectors'
  // IRQs, and gives queues without a callback none; their events wait on the vector (msi_vector_table).
  const unsigned queues = host_->num_queues();
  if (!sharing() && vectors_.size() < queues + 1)
    return error(ids::msi_enable_refused, fmt::format("ENABLE refused: non-sharing mode needs {} vectors, MsiVecNum is {}; "
                                                      "staying on the wired IRQ", queues + 1, vectors_.size()));
  set_enabled(true);
}

// ---- PCI/MSI-X reference --------------------------------------------------------------------------------
void msix_reference_scheme::declare_registers(register_bank& bank) {
  const uint32_t b = cfg_.register_base;
  namespace mx = regmap::msix;
  bank.add(row("MsixControl", b + mx::control, 4, access::rw), [this] { return control_; }, [this](uint32_t v) { write_control(v); });
  bank.add(row("ConfigVector", b + mx::config_vector, 4, access::rw), [this] { return config_vector_; },
           [this](uint32_t v) { config_vector_ = v & 0xffff; });
  bank.add(row("QueueVector", b + mx::queue_vector, 4, access::rw),
           [this] {
             const uint32_t q = host_->queue_sel();
             // Held as vector numbers (0xffff as no_vector), read back as written.
             if (q >= queue_vector_.size() || queue_vector_[q] == msi_vector_table::no_vector) return no_vector16;
             return queue_vector_[q];
           },
           [this](uint32_t v) {
             const uint32_t q = host_->queue_sel();
             if (q >= queue_vector_.size())
               return error(ids::bad_queue_sel, fmt::format("QueueVector for QueueSel {}", q));
             queue_vector_[q] = (v & 0xffff) == no_vector16 ? msi_vector_table::no_vector : v & 0xffff;
           });
  raw_.assign(vectors_.size(), {});
  vector_ctrl_.assign(vectors_.size(), 1);  // MSI-X entries come out of reset masked
  for (unsigned v = 0; v < vectors_.size(); ++v) {
    vectors_.mask(v);
    const uint32_t e = mx::entry(cfg_.msix_table_base, v);
    bank.add(row(keep(fmt::format("MsixAddrLow[{}]", v)), e + mx::entry_addr_low, 4, access::rw),
             [this, v] { return static_cast<uint32_t>(raw_[v].address); }, [this, v](uint32_t x) { write_entry(v, 0, x); });
    bank.add(row(keep(fmt::format("MsixAddrHigh[{}]", v)), e + mx::entry_addr_high, 4, access::rw),
             [this, v] { return static_cast<uint32_t>(raw_[v].address >> 32); }, [this, v](uint32_t x) { write_entry(v, 1, x); });
    bank.add(row(keep(fmt::format("MsixData[{}]", v)), e + mx::entry_data, 4, access::rw), [this, v] { return raw_[v].data; },
             [this, v](uint32_t x) { write_entry(v, 2, x); });
    bank.add(row(keep(fmt::format("MsixVectorCtrl[{}]", v)), e + mx::entry_vector_ctrl, 4, access::rw, mx::vector_ctrl_masked),
             [this, v] { return vector_ctrl_[v]; },
             [this, v](uint32_t x) { write_entry(v, 3, x); });
  }
  on_reset();
}

void msix_reference_scheme::on_reset() {
  control_ = 0;
  config_vector_ = no_vector16;
  queue_vector_.assign(host_ ? host_->num_queues() : 0, msi_vector_table::no_vector);
  raw_.assign(vectors_.size(), {});
  vector_ctrl_.assign(vectors_.size(), 1);
  for (unsigned v = 0; v < vectors_.size(); ++v) vectors_.mask(v);
}

void msix_reference_scheme::write_entry(unsigned v, unsigned field, uint32_t value) {
  // Like PCI MSI-X, the device sends what the entry holds when it fires: drivers mask an entry while
  // they rewrite it. The latched copy follows every write.
  if (field == 0) set_half(raw_[v].address, false, value);
  if (field == 1) set_half(raw_[v].address, true, value);
  if (field == 2) raw_[v].data = value;
  if (field < 3) return vectors_.configure(v, raw_[v]);
  vector_ctrl_[v] = value & 1;
  if (value & 1) mask(v);
  else if (!(control_ & 2)) unmask(v);
}

void msix_reference_scheme::write_control(uint32_t v) {
  const bool was_masked = control_ & 2;
  control_ = v & 3;
  set_enabled(control_ & 1);
  if (was_masked && !(control_ & 2))  // function unmask delivers what is pending on unmasked entries
    for (unsigned i = 0; i < vectors_.size(); ++i)
      if (!vector_ctrl_[i]) unmask(i);
  if (control_ & 2)
    for (unsigned i = 0; i < vectors_.size(); ++i) mask(i);
}

}  // namespace vmsim
