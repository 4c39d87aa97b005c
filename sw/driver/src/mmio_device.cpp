#include "vdrv/mmio_device.h"

#include "vmsim/regmap/virtio_mmio.h"

namespace vdrv {

namespace rm = vmsim::regmap;
using rm::reg;
namespace st = rm::status;

namespace {
constexpr uint32_t off(reg r) { return rm::offset_of(r); }
constexpr unsigned config_retries = 16;
}  // namespace

const uint64_t mmio_device::unimplemented_features =
    rm::feature::bit(rm::feature::ring_packed) | rm::feature::bit(rm::feature::in_order) |
    rm::feature::bit(rm::feature::notification_data) | rm::feature::bit(rm::feature::notif_config_data);

status mmio_device::probe(bool allow_v3) {
  if (reg(off(reg::magic_value)) != rm::magic_value) return status::bad_magic;
  version_ = reg(off(reg::version));
  if (version_ < 1 || version_ > (allow_v3 ? 3u : 2u)) return status::bad_version;
  device_id_ = reg(off(reg::device_id));
  return device_id_ == 0 ? status::no_device : status::ok;
}

void mmio_device::reset() {
  set(off(reg::status), 0);
  // The spec asks the driver to wait until Status reads 0 again; bounded, as everything here.
  for (unsigned i = 0; i < 1000 && reg(off(reg::status)) != 0; ++i) {
  }
}

void mmio_device::fail() { set(off(reg::status), reg(off(reg::status)) | st::failed); }

bool mmio_device::needs_reset() { return (reg(off(reg::status)) & st::device_needs_reset) != 0; }

status mmio_device::health() {
  const uint32_t s = reg(off(reg::status));
  if ((s & st::device_needs_reset) || !(s & st::driver_ok)) return status::device_needs_reset;
  if (version_ >= 2 && !(s & st::features_ok)) return status::features_refused;
  return status::ok;
}

status mmio_device::begin_init(uint64_t wanted) {
  reset();
  set(off(reg::status), st::acknowledge);
  set(off(reg::status), st::acknowledge | st::driver);
  auto offered = [this] {
    uint64_t f = 0;
    for (uint32_t sel = 0; sel < 2; ++sel) {
      set(off(reg::device_features_sel), sel);
      f |= uint64_t{reg(off(reg::device_features))} << (32 * sel);
    }
    return f;
  };
  if (version_ >= 2) wanted |= rm::feature::bit(rm::feature::version_1);
  features_ = offered() & wanted & ~unimplemented_features;
  for (uint32_t sel = 0; sel < 2; ++sel) {
    set(off(reg::driver_features_sel), sel);
    set(off(reg::driver_features), static_cast<uint32_t>(features_ >> (32 * sel)));
  }
  if (version_ == rm::version_legacy) {
    set(off(reg::guest_page_size), 4096);
    return status::ok;
  }
  set(off(reg::status), st::acknowledge | st::driver | st::features_ok);
  // FEATURES_OK must stick, and the offer must still hold what was accepted (a device that takes a
  // feature back after agreeing would leave the driver using a ring format the device no longer speaks).
  if (!(reg(off(reg::status)) & st::features_ok) || (offered() & features_) != features_) {
    fail();
    return status::features_refused;
  }
  return status::ok;
}

status mmio_device::setup_queue(unsigned q, virtqueue& vq, arena& mem, uint16_t max_size, hal* ring_io) {
  set(off(reg::queue_sel), q);
  const bool legacy = version_ == rm::version_legacy;
  if (!legacy && reg(off(reg::queue_ready)) != 0) return status::queue_unavailable;
  if (legacy && reg(off(reg::queue_pfn)) != 0) return status::queue_unavailable;
  const uint32_t max = reg(off(reg::queue_num_max));
  if (max == 0) return status::queue_unavailable;
  uint16_t size = 1;
  while (size * 2u <= max && size * 2u <= max_size) size = static_cast<uint16_t>(size * 2);
  const bool event_idx = has(rm::feature::ring_event_idx), indirect = has(rm::feature::ring_indirect_desc);
  if (status s = vq.init(ring_io ? *ring_io : *h_, mem, size, event_idx, indirect, legacy ? 4096 : 0); s != status::ok)
    return s;
  set(off(reg::queue_num), size);
  if (legacy) {
    set(off(reg::queue_align), 4096);
    set(off(reg::queue_pfn), static_cast<uint32_t>(vq.desc_addr() / 4096));
    return status::ok;
  }
  set(off(reg::queue_desc_low), static_cast<uint32_t>(vq.desc_addr()));
  set(off(reg::queue_desc_high), static_cast<uint32_t>(vq.desc_addr() >> 32));
  set(off(reg::queue_driver_low), static_cast<uint32_t>(vq.avail_addr()));
  set(off(reg::queue_driver_high), static_cast<uint32_t>(vq.avail_addr() >> 32));
  set(off(reg::queue_device_low), static_cast<uint32_t>(vq.used_addr()));
  set(off(reg::queue_device_high), static_cast<uint32_t>(vq.used_addr() >> 32));
  set(off(reg::queue_ready), 1);
  return reg(off(reg::queue_ready)) == 1 ? status::ok : status::queue_unavailable;
}

status mmio_device::driver_ok() {
  const uint32_t s = reg(off(reg::status));
  set(off(reg::status), (s & ~st::device_needs_reset) | st::driver_ok);
  return health();
}

status mmio_device::use_doorbells(unsigned queues, uint32_t window) {
  const uint32_t v = reg(off(reg::queue_notify));
  const uint64_t base = v & 0xffff, mult = v >> 16;
  const uint64_t last = base + mult * (queues ? queues - 1 : 0);  // the highest doorbell's offset
  if (base < rm::config_space_offset || base % 4 || mult % 4 || last + 4 > window) return status::bad_doorbells;
  db_base_ = static_cast<uint32_t>(base);
  db_mult_ = static_cast<uint32_t>(mult);
  doorbells_ = true;
  return status::ok;
}

void mmio_device::notify(unsigned q) {
  if (doorbells_) h_->write32(base_ + db_base_ + db_mult_ * q, q);
  else set(off(reg::queue_notify), q);
}

status mmio_device::read_config(uint32_t offset, void* out, uint32_t len) {
  auto* dst = static_cast<uint8_t*>(out);
  for (unsigned attempt = 0; attempt < config_retries; ++attempt) {
    const uint32_t before = version_ >= 2 ? reg(off(reg::config_generation)) : 0;
    for (uint32_t i = 0; i < len;) {  // the widest access the field allows (fields are naturally aligned)
      const uint64_t a = base_ + rm::config_space_offset + offset + i;
      if (len - i >= 4 && (offset + i) % 4 == 0) {
        const uint32_t v = h_->read32(a);
        for (unsigned b = 0; b < 4; ++b) dst[i + b] = static_cast<uint8_t>(v >> (8 * b));
        i += 4;
      } else if (len - i >= 2 && (offset + i) % 2 == 0) {
        const uint16_t v = h_->read16(a);
        dst[i] = static_cast<uint8_t>(v);
        dst[i + 1] = static_cast<uint8_t>(v >> 8);
        i += 2;
      } else {
        dst[i++] = h_->read8(a);
      }
    }
    if (version_ < 2 || reg(off(reg::config_generation)) == before) return status::ok;
  }
  return status::config_unstable;
}

}  // namespace vdrv
