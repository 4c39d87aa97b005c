#include "vdrv/arena.h"
#include "vdrv/status.h"

namespace vdrv {

void zero(void* p, size_t n) {
  auto* b = static_cast<volatile uint8_t*>(p);  // volatile: no call to a memset the platform may lack
  for (size_t i = 0; i < n; ++i) b[i] = 0;
}

void copy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<volatile uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  for (size_t i = 0; i < n; ++i) d[i] = s[i];
}

void* arena::alloc(size_t bytes, size_t align) {
  const uint64_t bus_at = (bus_ + used_ + align - 1) & ~(uint64_t(align) - 1);
  const uint64_t offset = bus_at - bus_;
  if (offset + bytes > size_ || offset + bytes < offset) return nullptr;
  used_ = offset + bytes;
  zero(base_ + offset, bytes);
  return base_ + offset;
}

const char* to_string(status s) {
  switch (s) {
    case status::ok: return "ok";
    case status::empty: return "empty";
    case status::no_device: return "no device";
    case status::bad_magic: return "bad magic";
    case status::bad_version: return "unsupported version";
    case status::wrong_device: return "wrong device type";
    case status::features_refused: return "FEATURES_OK did not stick";
    case status::queue_unavailable: return "queue unavailable";
    case status::queue_too_small: return "queue too small";
    case status::no_memory: return "out of driver memory";
    case status::ring_full: return "ring full";
    case status::device_needs_reset: return "device needs reset";
    case status::bad_used_id: return "device returned an id never posted";
    case status::bad_used_len: return "device reported more bytes than the buffer holds";
    case status::config_unstable: return "config generation unstable";
    case status::msi_refused: return "MSI could not be enabled";
    case status::io_error: return "I/O error";
    case status::timeout: return "timeout";
    case status::device_failed: return "device given up";
    case status::interrupt_storm: return "interrupt storm";
    case status::bad_doorbells: return "doorbells outside the device window";
  }
  return "?";
}

}  // namespace vdrv
