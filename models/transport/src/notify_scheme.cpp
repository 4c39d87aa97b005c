#include "vmsim/transport/notify_scheme.h"

namespace vmsim {

const char* to_string(doorbell_error e) {
  switch (e) {
    case doorbell_error::none: return "none";
    case doorbell_error::outside_window: return "outside the doorbell window";
    case doorbell_error::misaligned: return "not at a doorbell (offset not a multiple of the multiplier)";
    case doorbell_error::bad_width: return "not a 32-bit write";
    case doorbell_error::no_such_queue: return "queue index beyond the device's queues";
    case doorbell_error::data_mismatch: return "written queue index differs from the doorbell's queue";
  }
  return "?";
}

doorbell_result decode_doorbell(const doorbell_config& cfg, uint32_t offset, unsigned width, uint32_t value) {
  doorbell_result r;
  if (offset < cfg.base || offset - cfg.base >= cfg.window_size()) return r.error = doorbell_error::outside_window, r;
  if (width != 4) return r.error = doorbell_error::bad_width, r;
  const uint32_t rel = offset - cfg.base;
  const uint16_t index = static_cast<uint16_t>(value & 0xffff);
  r.notification_data = static_cast<uint16_t>(value >> 16);
  if (cfg.multiplier == 0) {
    if (rel % 4) return r.error = doorbell_error::misaligned, r;
    if (index >= cfg.num_queues) return r.error = doorbell_error::no_such_queue, r;
    r.queue = index;
    return r;
  }
  if (rel % cfg.multiplier || rel % 4) return r.error = doorbell_error::misaligned, r;
  r.queue = static_cast<uint16_t>(rel / cfg.multiplier);
  if (index != r.queue) r.error = doorbell_error::data_mismatch;
  return r;
}

}  // namespace vmsim
