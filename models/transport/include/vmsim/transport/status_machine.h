// The Status register's legal driver writes, as data (virtio spec 3.1.1 and 4.2.3.1). One function
// checks a write against the table, so an illegal step is refused in one place and tests can walk it.
#pragma once

#include <cstdint>

#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

struct status_step {
  uint8_t from;
  uint8_t to;
  uint8_t versions;  // regmap::version_mask
};

namespace st = regmap::status;
inline constexpr uint8_t s_ack = st::acknowledge;
inline constexpr uint8_t s_drv = st::acknowledge | st::driver;
inline constexpr uint8_t s_feat = s_drv | st::features_ok;
inline constexpr uint8_t s_live = s_feat | st::driver_ok;
inline constexpr uint8_t s_live_legacy = s_drv | st::driver_ok;

// Besides these: writing 0 (reset) is always legal, rewriting the current value is a no-op, and FAILED
// may be added to any state. DEVICE_NEEDS_RESET is device-owned and ignored in writes.
inline constexpr status_step legal_status_steps[] = {
    {0, s_ack, regmap::in_all},
    {s_ack, s_drv, regmap::in_all},
    {s_drv, s_feat, regmap::in_all},          // legacy devices tolerate FEATURES_OK
    {s_feat, s_live, regmap::in_all},
    {s_drv, s_live_legacy, regmap::in_v1},    // legacy drivers skip FEATURES_OK
};

enum class status_verdict { legal, illegal, reset, no_change };

status_verdict check_status_write(uint8_t current, uint8_t written, uint32_t version);

}  // namespace vmsim
