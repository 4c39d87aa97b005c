#include "vmsim/transport/virtio_mmio_transport.h"

#include <cstring>

#include <fmt/format.h>

#include "vmsim/common/little_endian.h"
#include "vmsim/common/report_ids.h"
#include "vmsim/transport/status_machine.h"
#include "vmsim/transport/wired_irq_scheme.h"

namespace vmsim {

using regmap::reg;
namespace st = regmap::status;
namespace feat = regmap::feature;

virtio_mmio_transport::virtio_mmio_transport(sc_core::sc_module_name name, device_backend& device,
                                             const transport_config& cfg, std::unique_ptr<interrupt_scheme> scheme)
    : sc_module(name),
      mmio("mmio", *this),
      dma("dma"),
      irq("irq", cfg.irq_lines),
      device_(device),
      cfg_(cfg),
      scheme_(scheme ? std::move(scheme) : std::make_unique<wired_irq_scheme>()),
      bank_(cfg.window_size),
      queues_(device.num_queues()),
      num_queues_(device.num_queues()) {
  if (cfg_.version != regmap::version_legacy && cfg_.version != regmap::version_modern)
    SC_REPORT_ERROR(ids::config_error,
                    fmt::format("{}: transport version {} is not 1 (legacy) or 2 (modern)", name, cfg_.version).c_str());
  if (cfg_.irq_lines == 0)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: irq_lines must be at least 1", name).c_str());
  if (cfg_.window_size < regmap::config_space_offset + device.config().size())
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: window_size {:#x} does not hold the registers and the {}-byte "
                                                   "config space", name, cfg_.window_size, device.config().size()).c_str());
  if (cfg_.notify.doorbells) {
    cfg_.notify.doorbell.num_queues = device.num_queues();
    const auto& d = cfg_.notify.doorbell;
    const uint64_t end = uint64_t{d.base} + d.window_size();
    if (d.base < regmap::config_space_offset + device.config().size() || end > cfg_.window_size || d.base % 4 ||
        (d.multiplier % 4) || d.base > 0xffff || d.multiplier > 0xffff)
      SC_REPORT_ERROR(ids::config_error,
                      fmt::format("{}: doorbell window [{:#x}, {:#x}) must be 4-byte aligned, after the config space "
                                  "(ends {:#x}) and inside the {:#x}-byte window; base and multiplier must fit 16 bits "
                                  "and the multiplier be a multiple of 4", name, d.base, end,
                                  regmap::config_space_offset + device.config().size(), cfg_.window_size).c_str());
    auto reference = std::make_unique<reference_doorbell_decoder>(d);
    reference_ = reference.get();
    doorbell_ = std::move(reference);
    doorbell_begin_ = d.base;
    doorbell_end_ = end;
  }
  config_end_ = regmap::config_space_offset + device.config().size();

  // The transport adds the ring and version features it implements to the device type's bits.
  offered_ = device_.device_features() & (feat::bit(feat::transport_start) - 1);
  if (cfg_.offer_indirect) offered_ |= feat::bit(feat::ring_indirect_desc);
  if (cfg_.offer_event_idx) offered_ |= feat::bit(feat::ring_event_idx);
  if (cfg_.version == regmap::version_modern) {
    offered_ |= feat::bit(feat::version_1);
    if (cfg_.offer_ring_reset) offered_ |= feat::bit(feat::ring_reset);
  }
  add_extension_features();
  stats_.kicks.assign(queues_.size(), 0);
  retired_.assign(queues_.size(), {});
  line_level_.assign(cfg_.irq_lines, 0);

  scheme_->attach(*this);
  declare_registers();
  try {
    scheme_->declare_registers(bank_);
  } catch (const std::logic_error& e) {
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: the {} register block collides: {} (move its register base{})",
                                                   this->name(), scheme_->name(), e.what(),
                                                   cfg_.offer_ring_reset ? " or disable offer_ring_reset" : "").c_str());
  }
  device_.attach(*this);
}

namespace {
// The per-queue notification extension's feature bit, when the configuration offers it.
uint64_t notify_feature(const transport_config& c) {
  return c.notify.doorbells && c.notify.feature_bit >= 0 && c.version == regmap::version_modern
             ? feat::bit(static_cast<unsigned>(c.notify.feature_bit)) : 0;
}
}  // namespace

void virtio_mmio_transport::add_extension_features() {
  // The proposal's feature bits are configurable: refuse one the device already offers (today's meaning of a
  // spec-assigned bit, e.g. RING_RESET at 40, or another extension) or a device-type bit. A spec-assigned bit
  // the device does not offer is the proposal's to use (the configuration "as posted in 2020": MSI at 40,
  // notification at 39, no RING_RESET / NOTIF_CONFIG_DATA); only both on at once collide.
  struct ext { uint64_t bits; const char* what; };
  const uint64_t notify_bit = notify_feature(cfg_);
  const ext extensions[] = {{scheme_->offered_features(), scheme_->name()}, {notify_bit, "per-queue notification"}};
  uint64_t added = 0;
  for (const auto& x : extensions) {
    for (unsigned b = 0; b < 64; ++b) {
      if (!(x.bits & feat::bit(b))) continue;
      std::string clash;
      const char* spec = feat::assigned_name(b);
      if (spec && (offered_ & feat::bit(b))) clash = fmt::format("the device also offers {}, today's meaning of the bit", spec);
      else if (b < feat::transport_start) clash = "bits 0-23 belong to the device type";
      else if ((offered_ | added) & feat::bit(b)) clash = "another feature already uses it";
      if (!clash.empty())
        SC_REPORT_ERROR(ids::config_error, fmt::format("{}: feature bit {} for {} refused: {}", name(), b, x.what,
                                                       clash).c_str());
      added |= feat::bit(b);
    }
  }
  offered_ |= added;
}

void virtio_mmio_transport::use_doorbell_decoder(std::unique_ptr<doorbell_decoder_if> decoder) {
  if (!cfg_.notify.doorbells)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: a doorbell decoder needs notify.doorbells", name()).c_str());
  doorbell_ = std::move(decoder);
  reference_ = nullptr;
}

bool virtio_mmio_transport::msi_write(uint64_t addr, uint32_t data) {
  return dma.post_write32(addr, data, access_delay_ + cfg_.msi_write_latency);
}

// ---------------------------------------------------------------------------------------------------
// Register declarations: one row of regmap::standard_registers each, with its named handler.
// ---------------------------------------------------------------------------------------------------
void virtio_mmio_transport::declare_registers() {
  const uint8_t vmask = cfg_.version == regmap::version_legacy ? regmap::in_v1 : regmap::in_v2;
  auto declare = [&](reg r, register_bank::read_handler rd = {}, register_bank::write_handler wr = {}) {
    const auto& d = regmap::describe(r);
    if (!(d.versions & vmask)) return;
    // A register exists with its spec feature, not with an extension that reuses the bit (MSI at 40 in 2020).
    const uint64_t spec_offered = offered_ & ~(scheme_->offered_features() | notify_feature(cfg_));
    if (d.feature >= 0 && !(spec_offered & feat::bit(static_cast<unsigned>(d.feature)))) return;
    bank_.add(d, std::move(rd), std::move(wr));
  };
  auto value = [](uint32_t v) { return [v] { return v; }; };
  auto store = [](uint32_t& field) { return [&field](uint32_t v) { field = v; }; };

  declare(reg::magic_value);
  declare(reg::version, value(scheme_->version_register(cfg_.version)));
  declare(reg::device_id, [this] { return device_.device_id(); });
  declare(reg::vendor_id, value(cfg_.vendor_id));
  declare(reg::device_features, [this] { return read_device_features(); });
  declare(reg::device_features_sel, {}, store(device_features_sel_));
  declare(reg::driver_features, {}, [this](uint32_t v) { write_driver_features(v); });
  declare(reg::driver_features_sel, {}, store(driver_features_sel_));
  declare(reg::guest_page_size, {}, store(guest_page_size_));
  declare(reg::queue_sel, {}, store(queue_sel_));
  declare(reg::queue_num_max, [this] { return read_queue_num_max(); });
  declare(reg::queue_num, {}, [this](uint32_t v) { write_queue_num(v); });
  declare(reg::queue_align, {}, [this](uint32_t v) { write_queue_align(v); });
  declare(reg::queue_pfn, [this] { return read_queue_pfn(); }, [this](uint32_t v) { write_queue_pfn(v); });
  declare(reg::queue_ready, [this] { return read_queue_ready(); }, [this](uint32_t v) { write_queue_ready(v); });
  if (cfg_.notify.doorbells) {
    // The notification proposal makes QueueNotify readable: {base:16, multiplier:16} of the doorbells.
    auto d = regmap::describe(reg::queue_notify);
    d.acc = regmap::access::rw;
    const auto& db = cfg_.notify.doorbell;
    bank_.add(d, value(db.base | db.multiplier << 16), [this](uint32_t v) { write_queue_notify(v); });
  } else {
    declare(reg::queue_notify, {}, [this](uint32_t v) { write_queue_notify(v); });
  }
  declare(reg::interrupt_status, [this] { return scheme_->read_interrupt_status(); });
  declare(reg::interrupt_ack, {}, [this](uint32_t v) { scheme_->write_interrupt_ack(v); });
  declare(reg::status, [this] { return uint32_t{status_}; }, [this](uint32_t v) { write_status(v); });
  declare(reg::queue_desc_low, {}, [this](uint32_t v) { write_queue_address(&queue_state::desc, false, v); });
  declare(reg::queue_desc_high, {}, [this](uint32_t v) { write_queue_address(&queue_state::desc, true, v); });
  declare(reg::queue_driver_low, {}, [this](uint32_t v) { write_queue_address(&queue_state::driver, false, v); });
  declare(reg::queue_driver_high, {}, [this](uint32_t v) { write_queue_address(&queue_state::driver, true, v); });
  declare(reg::queue_device_low, {}, [this](uint32_t v) { write_queue_address(&queue_state::device, false, v); });
  declare(reg::queue_device_high, {}, [this](uint32_t v) { write_queue_address(&queue_state::device, true, v); });
  declare(reg::shm_sel);  // no shared memory regions: the length/base registers keep their all-ones reset
  declare(reg::shm_len_low);
  declare(reg::shm_len_high);
  declare(reg::shm_base_low);
  declare(reg::shm_base_high);
  declare(reg::queue_reset, [this] { return read_queue_reset(); }, [this](uint32_t v) { write_queue_reset(v); });
  declare(reg::config_generation, [this] { return config_generation_; });
}

// ---------------------------------------------------------------------------------------------------
// Bus side
// ---------------------------------------------------------------------------------------------------
void virtio_mmio_transport::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  delay += cfg_.register_latency;
  access_delay_ = delay;
  tx.set_response_status(access(tx, false));
  access_delay_ = sc_core::sc_time();
}

unsigned int virtio_mmio_transport::transport_dbg(tlm::tlm_generic_payload& tx) {
  // Debug reads see register values without side effects on counters or state: only plain
  // storage and read handlers are safe, so debug access is limited to reads of the config space.
  uint32_t offset = static_cast<uint32_t>(tx.get_address());
  unsigned len = tx.get_data_length();
  if (!tx.is_read() || offset < regmap::config_space_offset) return 0;
  auto& cfg = device_.config();
  uint32_t in = offset - regmap::config_space_offset;
  if (in >= cfg.size()) return 0;
  unsigned n = std::min<unsigned>(len, cfg.size() - in);
  for (unsigned i = 0; i < n; ++i) tx.get_data_ptr()[i] = static_cast<uint8_t>(cfg.get(static_cast<uint16_t>(in + i), 1));
  return n;
}

tlm::tlm_response_status virtio_mmio_transport::refuse(bus_fault fault, tlm::tlm_response_status strict_answer,
                                                       const std::string& what) {
  guest_error(report_id(fault), what);
  if (cfg_.policy == access_policy::permissive) return tlm::TLM_OK_RESPONSE;
  ++stats_.bus_errors;
  return strict_answer;
}

tlm::tlm_response_status virtio_mmio_transport::access(tlm::tlm_generic_payload& tx, bool) {
  if (tx.get_command() == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_OK_RESPONSE;
  const unsigned width = tx.get_data_length();
  if (tx.get_byte_enable_ptr() != nullptr || (width != 1 && width != 2 && width != 4) || tx.get_streaming_width() < width)
    return refuse_shape(tx);
  const bool is_write = tx.is_write();
  const uint64_t addr = tx.get_address();
  uint8_t* data = tx.get_data_ptr();
  uint32_t value = is_write ? load_le(data, width) : 0;  // the guest is little-endian

  tlm::tlm_response_status answer = tlm::TLM_OK_RESPONSE;
  if (in_doorbell_window(addr)) {
    answer = doorbell_access(static_cast<uint32_t>(addr), width, is_write, value);
    value = 0;
  } else if (addr >= regmap::config_space_offset && addr < config_end_) {
    answer = config_access(static_cast<uint32_t>(addr), width, is_write, value);
  } else {
    auto r = is_write ? bank_.write(static_cast<uint32_t>(addr), width, value)
                      : bank_.read(static_cast<uint32_t>(addr), width, value);
    if (r.fault != bus_fault::none) {
      answer = refuse_register(r, addr, width, is_write);
      value = 0;
    }
  }
  if (!is_write) store_le(data, width, value);
  return answer;
}

// An access of a shape no register takes: byte enables, a width other than 8/16/32 bits, a streaming burst.
tlm::tlm_response_status virtio_mmio_transport::refuse_shape(tlm::tlm_generic_payload& tx) {
  const bool is_write = tx.is_write();
  const uint64_t addr = tx.get_address();
  const unsigned width = tx.get_data_length();
  uint8_t* data = tx.get_data_ptr();
  const char* dir = is_write ? "write" : "read";
  if (tx.get_byte_enable_ptr() != nullptr) {
    guest_error(ids::byte_enables, fmt::format("{} at {:#x} with byte enables (not supported)", dir, addr));
    if (cfg_.policy == access_policy::strict) return ++stats_.bus_errors, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    if (!is_write) std::memset(data, 0, width);
    return tlm::TLM_OK_RESPONSE;
  }
  if (width != 1 && width != 2 && width != 4) {
    auto r = refuse(bus_fault::bad_width, tlm::TLM_BURST_ERROR_RESPONSE,
                    fmt::format("{}-byte {} at {:#x}: only 8/16/32-bit accesses", width, dir, addr));
    if (!is_write && r == tlm::TLM_OK_RESPONSE) std::memset(data, 0, width);
    return r;
  }
  return refuse(bus_fault::bad_width, tlm::TLM_BURST_ERROR_RESPONSE,
                fmt::format("streaming {} at {:#x} (not supported)", dir, addr));
}

tlm::tlm_response_status virtio_mmio_transport::refuse_register(const register_bank::result& r, uint64_t addr,
                                                                unsigned width, bool is_write) {
  static constexpr tlm::tlm_response_status strict_answers[] = {
      tlm::TLM_OK_RESPONSE, tlm::TLM_ADDRESS_ERROR_RESPONSE, tlm::TLM_BURST_ERROR_RESPONSE,
      tlm::TLM_ADDRESS_ERROR_RESPONSE, tlm::TLM_COMMAND_ERROR_RESPONSE, tlm::TLM_COMMAND_ERROR_RESPONSE};
  return refuse(r.fault, strict_answers[static_cast<unsigned>(r.fault)],
                fmt::format("{}-bit {} at {:#05x}{}: {}", width * 8, is_write ? "write" : "read", addr,
                            r.reg ? fmt::format(" ({})", r.reg->desc.name) : std::string(), to_string(r.fault)));
}

tlm::tlm_response_status virtio_mmio_transport::config_access(uint32_t offset, unsigned width, bool is_write,
                                                              uint32_t& value) {
  auto& cfg = device_.config();
  const uint32_t in = offset - regmap::config_space_offset;
  const config_space::field* f = nullptr;
  auto verdict = in + width > cfg.size()
                     ? config_space::check::no_field
                     : cfg.classify(static_cast<uint16_t>(in), width, is_write,
                                    cfg_.version == regmap::version_legacy, &f);
  if (verdict != config_space::check::ok) {
    static constexpr const char* why[] = {"", "no config field there", "wrong width for the field",
                                          "field is read-only"};
    std::string what = fmt::format("{}-bit config {} at {:#x}{}: {}", width * 8, is_write ? "write" : "read", offset,
                                   f ? " (" + f->name + ")" : std::string(), why[static_cast<unsigned>(verdict)]);
    guest_error(ids::config_access, what);
    value = 0;
    if (cfg_.policy == access_policy::permissive) return tlm::TLM_OK_RESPONSE;
    ++stats_.bus_errors;
    return verdict == config_space::check::no_field    ? tlm::TLM_ADDRESS_ERROR_RESPONSE
           : verdict == config_space::check::bad_width ? tlm::TLM_BURST_ERROR_RESPONSE
                                                       : tlm::TLM_COMMAND_ERROR_RESPONSE;
  }
  if (is_write) {
    ++stats_.config_writes;
    cfg.set(static_cast<uint16_t>(in), value, width);
    device_.on_config_write(static_cast<uint16_t>(in), width);
  } else {
    ++stats_.config_reads;
    value = static_cast<uint32_t>(cfg.get(static_cast<uint16_t>(in), width));
  }
  return tlm::TLM_OK_RESPONSE;
}

void virtio_mmio_transport::drive_irq(unsigned line, bool level) {
  if (line >= line_level_.size() || line_level_[line] == uint8_t{level}) return;
  line_level_[line] = level;
  irq[line].write(level);  // at once, in the calling process: an ACK lowers the line before the EOI
}

tlm::tlm_response_status virtio_mmio_transport::doorbell_access(uint32_t offset, unsigned width, bool is_write,
                                                                uint32_t value) {
  if (!is_write) return refuse_doorbell_read(offset);
  ++stats_.doorbell_writes;
  const doorbell_result r =
      reference_ ? reference_->decode(offset, width, value) : doorbell_->decode(offset, width, value);
  if (r.error != doorbell_error::none) bad_doorbell(offset, width, value, r.error);
  else kick(r.queue, r.latency, "doorbell");
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status virtio_mmio_transport::refuse_doorbell_read(uint32_t offset) {
  return refuse(bus_fault::read_of_write_only, tlm::TLM_COMMAND_ERROR_RESPONSE,
                fmt::format("read of doorbell {:#x}: doorbells are write-only", offset));
}

void virtio_mmio_transport::bad_doorbell(uint32_t offset, unsigned width, uint32_t value, doorbell_error e) {
  // A doorbell write is posted: the decoder flags the error and no queue is kicked.
  ++stats_.doorbell_errors;
  guest_error(ids::bad_doorbell, fmt::format("doorbell write {:#x} <- {:#x} ({}-bit) ignored: {} [{} decoder]", offset,
                                             value, width * 8, to_string(e), doorbell_->name()));
}

void virtio_mmio_transport::guest_error(const char* id, const std::string& what) {
  ++stats_.guest_errors[id];
  SC_REPORT_WARNING(id, fmt::format("{}: {}", name(), what).c_str());
}

// ---------------------------------------------------------------------------------------------------
// Named handlers
// ---------------------------------------------------------------------------------------------------
uint32_t virtio_mmio_transport::read_device_features() {
  if (device_features_sel_ > 1) return 0;
  return static_cast<uint32_t>(offered_ >> (32 * device_features_sel_));
}

void virtio_mmio_transport::write_driver_features(uint32_t v) {
  if ((status_ & ~st::device_needs_reset) != s_drv) {
    guest_error(ids::features_late,
                fmt::format("DriverFeatures written in Status {:#x}: only after DRIVER and before FEATURES_OK", status_));
    return;
  }
  if (driver_features_sel_ > 1) {
    if (v != 0) guest_error(ids::features_refused, fmt::format("DriverFeatures window {} has no features", driver_features_sel_));
    return;
  }
  const unsigned shift = 32 * driver_features_sel_;
  driver_features_ = (driver_features_ & ~(uint64_t{0xffffffff} << shift)) | (uint64_t{v} << shift);
}

uint32_t virtio_mmio_transport::queue_num_max(unsigned q) const {
  return cfg_.queue_num_max ? cfg_.queue_num_max : device_.queue_num_max(q);
}

uint32_t virtio_mmio_transport::read_queue_num_max() {
  return queue_sel_ < queues_.size() ? queue_num_max(queue_sel_) : 0;
}

virtio_mmio_transport::queue_state* virtio_mmio_transport::configurable_queue(const char* reg_name) {
  if (queue_sel_ >= queues_.size()) {
    guest_error(ids::bad_queue_sel, fmt::format("{} for QueueSel {}: the device has {} queues", reg_name, queue_sel_,
                                                queues_.size()));
    return nullptr;
  }
  queue_state& q = queues_[queue_sel_];
  if (q.ready) {
    guest_error(ids::queue_not_configurable, fmt::format("{} for queue {} while it is enabled", reg_name, queue_sel_));
    return nullptr;
  }
  if ((status_ & st::driver_ok) && !q.reset_done) {
    guest_error(ids::queue_not_configurable,
                fmt::format("{} for queue {} after DRIVER_OK (only a queue reset by QueueReset may be)", reg_name,
                            queue_sel_));
    return nullptr;
  }
  return &q;
}

void virtio_mmio_transport::write_queue_num(uint32_t v) {
  queue_state* q = configurable_queue("QueueNum");
  if (q == nullptr) return;
  const uint32_t max = queue_num_max(queue_sel_);
  if (v == 0 || v > max || (v & (v - 1)) != 0) {
    guest_error(ids::bad_queue_num,
                fmt::format("QueueNum {} for queue {}: must be a power of two in [1, {}]", v, queue_sel_, max));
    return;
  }
  q->num = v;
}

void virtio_mmio_transport::write_queue_align(uint32_t v) {
  queue_state* q = configurable_queue("QueueAlign");
  if (q == nullptr) return;
  if (v == 0 || (v & (v - 1)) != 0) {
    guest_error(ids::queue_ready_refused, fmt::format("QueueAlign {} is not a power of two", v));
    return;
  }
  q->align = v;
}

vq_features virtio_mmio_transport::ring_features() const {
  return {(driver_features_ & feat::bit(feat::ring_indirect_desc)) != 0,
          (driver_features_ & feat::bit(feat::ring_event_idx)) != 0};
}

void virtio_mmio_transport::enable_queue(unsigned index) {
  queue_state& q = queues_[index];
  q.ready = true;
  q.reset_done = false;
  q.vq.enable({q.num, q.desc, q.driver, q.device}, ring_features());
}

void virtio_mmio_transport::write_queue_pfn(uint32_t v) {
  if (v == 0) {  // legacy drivers release a queue by writing PFN 0
    if (queue_sel_ < queues_.size()) retire_queue(queue_sel_);
    return;
  }
  queue_state* q = configurable_queue("QueuePFN");
  if (q == nullptr) return;
  if (q->num == 0 || guest_page_size_ == 0) {
    guest_error(ids::queue_ready_refused,
                fmt::format("QueuePFN for queue {} before QueueNum and GuestPageSize", queue_sel_));
    return;
  }
  const uint64_t base = uint64_t{v} * guest_page_size_;
  q->pfn = v;
  q->desc = base;
  q->driver = base + regmap::vring::desc_table_bytes(q->num);
  q->device = base + regmap::vring::legacy_used_offset(q->num, q->align);
  enable_queue(queue_sel_);
}

uint32_t virtio_mmio_transport::read_queue_pfn() {
  return queue_sel_ < queues_.size() ? queues_[queue_sel_].pfn : 0;
}

void virtio_mmio_transport::write_queue_ready(uint32_t v) {
  if (v == 0) {
    if (queue_sel_ < queues_.size() && queues_[queue_sel_].ready) {
      queues_[queue_sel_].ready = false;
      queues_[queue_sel_].vq.disable();
    }
    return;
  }
  queue_state* q = configurable_queue("QueueReady");
  if (q == nullptr) return;
  namespace vr = regmap::vring;
  std::string why;
  if (q->num == 0) why = "QueueNum not set";
  else if (q->desc == 0 || q->driver == 0 || q->device == 0) why = "a ring address is not set";
  else if (q->desc % vr::desc_align || q->driver % vr::avail_align || q->device % vr::used_align)
    why = "a ring address is misaligned (16/2/4)";
  if (!why.empty()) {
    guest_error(ids::queue_ready_refused, fmt::format("QueueReady for queue {} refused: {}", queue_sel_, why));
    return;
  }
  enable_queue(queue_sel_);
}

uint32_t virtio_mmio_transport::read_queue_ready() {
  return queue_sel_ < queues_.size() && queues_[queue_sel_].ready ? 1 : 0;
}

void virtio_mmio_transport::write_queue_address(uint64_t queue_state::*field, bool high, uint32_t v) {
  queue_state* q = configurable_queue("a queue address register");
  if (q == nullptr) return;
  uint64_t& a = q->*field;
  a = high ? (a & 0xffffffffu) | (uint64_t{v} << 32) : (a & ~uint64_t{0xffffffff}) | v;
}

void virtio_mmio_transport::write_queue_notify(uint32_t v) {
  // With VIRTIO_F_NOTIFICATION_DATA the upper half carries ring position; the index is the low 16 bits.
  kick(v & 0xffff, sc_core::SC_ZERO_TIME, "QueueNotify");
}

void virtio_mmio_transport::kick(unsigned index, const sc_core::sc_time& extra, const char* via) {
  if (!queue_live(index)) return refuse_kick(index, via);
  ++stats_.kicks[index];
  // The back-end acts on the kick when it arrives: what it does in this call is at that time.
  access_delay_ += extra;
  device_.on_queue_notify(index, access_delay_);
}

void virtio_mmio_transport::refuse_kick(unsigned index, const char* via) {
  std::string why;
  if (!(status_ & st::driver_ok)) why = "before DRIVER_OK";
  else if (status_ & st::device_needs_reset) why = "while the device needs reset";
  else if (index >= queues_.size()) why = fmt::format("queue {} does not exist", index);
  else why = fmt::format("queue {} is not enabled", index);
  guest_error(ids::bad_notify, std::string(via) + " " + why);
}

void virtio_mmio_transport::write_status(uint32_t v) {
  const auto written = static_cast<uint8_t>(v);
  if (v > 0xff) guest_error(ids::illegal_status_step, fmt::format("Status {:#x} has bits above 7", v));
  switch (check_status_write(status_, written, cfg_.version)) {
    case status_verdict::reset:
      device_reset();
      return;
    case status_verdict::no_change:
      return;
    case status_verdict::illegal:
      guest_error(ids::illegal_status_step, fmt::format("Status {:#x} -> {:#x} is not a legal step", status_, written));
      return;
    case status_verdict::legal:
      break;
  }
  const uint8_t added = static_cast<uint8_t>(written & ~status_);
  if (added & st::features_ok) {
    const uint64_t extra = driver_features_ & ~offered_;
    std::string why;
    if (extra) why = fmt::format("driver accepted bits {:#x} the device does not offer", extra);
    else if (cfg_.version == regmap::version_modern && !(driver_features_ & feat::bit(feat::version_1)))
      why = "a modern device needs VIRTIO_F_VERSION_1";
    if (!why.empty()) {  // FEATURES_OK does not stick (virtio spec 3.1.1 step 6)
      guest_error(ids::features_refused, "FEATURES_OK refused: " + why);
      return;
    }
  }
  status_ = static_cast<uint8_t>(written | (status_ & st::device_needs_reset));
  if (added & st::driver_ok) device_.on_driver_ok();
}

void virtio_mmio_transport::write_queue_reset(uint32_t v) {
  if (v != 1) return;
  if (!(driver_features_ & feat::bit(feat::ring_reset))) {
    guest_error(ids::queue_not_configurable, "QueueReset without VIRTIO_F_RING_RESET negotiated");
    return;
  }
  if (queue_sel_ >= queues_.size()) {
    guest_error(ids::bad_queue_sel, fmt::format("QueueReset for QueueSel {}", queue_sel_));
    return;
  }
  retire_queue(queue_sel_);
  queues_[queue_sel_].reset_done = true;
  device_.on_queue_reset(queue_sel_);
}

// The reset completes within the write, so the device presents 0 at once (virtio spec 4.2.2.1: "present 1 in
// QueueReset as long as the queue reset is ongoing", "0 in both QueueReset and QueueReady once ... completed").
uint32_t virtio_mmio_transport::read_queue_reset() { return 0; }

void virtio_mmio_transport::device_reset() {
  ++stats_.resets;
  status_ = 0;
  driver_features_ = 0;
  device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
  guest_page_size_ = 0;
  for (unsigned q = 0; q < queues_.size(); ++q) retire_queue(q);
  scheme_->reset();
  device_.on_reset();
}

void virtio_mmio_transport::retire_queue(unsigned q) {
  const auto& c = queues_[q].vq.stats();
  auto& r = retired_[q];
  r.chains += c.chains;
  r.used += c.used;
  r.interrupts_wanted += c.interrupts_wanted;
  r.interrupts_suppressed += c.interrupts_suppressed;
  queues_[q] = queue_state{};
}

split_virtqueue::counters virtio_mmio_transport::queue_totals(unsigned q) const {
  auto t = retired_.at(q);
  const auto& c = queues_.at(q).vq.stats();
  t.chains += c.chains;
  t.used += c.used;
  t.interrupts_wanted += c.interrupts_wanted;
  t.interrupts_suppressed += c.interrupts_suppressed;
  return t;
}

// ---------------------------------------------------------------------------------------------------
// device_host
// ---------------------------------------------------------------------------------------------------
pop_status virtio_mmio_transport::pop(unsigned q, desc_chain& out) {
  if (!queue_live(q)) return out.clear(), pop_status::empty;
  pop_status s = queues_[q].vq.pop(dma, out);  // which clears `out` first
  if (s == pop_status::error) ring_fault(q);
  return s;
}

inline bool virtio_mmio_transport::push_live(unsigned q, const desc_chain& chain, uint32_t written) {
  if (written > chain.writable_bytes) written = static_cast<uint32_t>(chain.writable_bytes);
  if (queues_[q].vq.push_used(dma, chain.head, written)) return true;
  ring_fault(q);
  return false;
}

inline void virtio_mmio_transport::notify_live(unsigned q) {
  auto& vq = queues_[q].vq;
  if (vq.should_interrupt(dma)) scheme_->used_buffer(q);
  else if (vq.error() != vq_error::none) ring_fault(q);
}

void virtio_mmio_transport::push_used(unsigned q, const desc_chain& chain, uint32_t written) {
  if (queue_live(q)) push_live(q, chain, written);
}

void virtio_mmio_transport::notify_used(unsigned q) {
  if (queue_live(q)) notify_live(q);
}

void virtio_mmio_transport::complete(unsigned q, const desc_chain& chain, uint32_t written) {
  // A failed push marks the device DEVICE_NEEDS_RESET: the queue is no longer live, nothing to signal.
  if (queue_live(q) && push_live(q, chain, written)) notify_live(q);
}

void virtio_mmio_transport::ring_fault(unsigned q) {
  needs_reset(fmt::format("queue {}: {}", q, to_string(queues_[q].vq.error())));
}

void virtio_mmio_transport::config_changed() {
  ++config_generation_;
  if (status_ & st::driver_ok) scheme_->config_change();
}

void virtio_mmio_transport::needs_reset(const std::string& why) {
  if (status_ & st::device_needs_reset) return;
  ++stats_.needs_reset;
  status_ |= st::device_needs_reset;
  SC_REPORT_WARNING(ids::device_needs_reset, fmt::format("{}: DEVICE_NEEDS_RESET: {}", name(), why).c_str());
  // The driver learns of it through a configuration change notification (virtio spec 2.1.2).
  if (status_ & st::driver_ok) scheme_->config_change();
}

std::string virtio_mmio_transport::stats_table() const {
  std::string out = fmt::format("{} (virtio-mmio v{}, device id {}, interrupts: {})\n", name(), cfg_.version,
                                device_.device_id(), scheme_->name());
  out += fmt::format("  {:<20} {:>6} {:>10} {:>10}\n", "register", "offset", "reads", "writes");
  for (const auto& e : bank_.entries())
    if (e.reads || e.writes)
      out += fmt::format("  {:<20} {:#06x} {:>10} {:>10}\n", e.desc.name, e.desc.offset, e.reads, e.writes);
  out += fmt::format("  config space: {} reads, {} writes\n", stats_.config_reads, stats_.config_writes);
  for (size_t q = 0; q < queues_.size(); ++q) {
    const auto s = queue_totals(static_cast<unsigned>(q));
    out += fmt::format("  queue {}: {} kicks, {} chains, {} used, {} interrupts wanted, {} suppressed\n", q,
                       stats_.kicks[q], s.chains, s.used, s.interrupts_wanted, s.interrupts_suppressed);
  }
  const auto& is = scheme_->stats();
  out += fmt::format("  interrupts raised: {} used-buffer, {} config; {} acks; MSI {} sent, {} deferred, {} unmapped\n",
                     is.used_raised, is.config_raised, is.acks, is.msi_sent, is.msi_deferred, is.suppressed);
  if (cfg_.notify.doorbells)
    out += fmt::format("  doorbells ({} decoder): {} writes, {} errors\n", doorbell_->name(), stats_.doorbell_writes,
                       stats_.doorbell_errors);
  out += fmt::format("  device resets {}, DEVICE_NEEDS_RESET {}, bus errors answered {}\n", stats_.resets,
                     stats_.needs_reset, stats_.bus_errors);
  for (const auto& [id, n] : stats_.guest_errors) out += fmt::format("  guest error {}: {}\n", id, n);
  return out;
}

}  // namespace vmsim
