// Per-queue doorbells of the virtio-mmio notification proposal: QueueNotify reads the 16-bit base and
// multiplier; the driver writes {notification data:16, queue index:16} as one 32-bit access to
// base + multiplier * index (multiplier 0: one shared doorbell). Freestanding like the register map: the
// C++ decoder (vmsim::doorbell_error) and the RTL (the SystemVerilog package regmap_gen generates) use these.
#pragma once

#include <stdint.h>

namespace vmsim::regmap::doorbell {

inline constexpr unsigned offset_bits = 16;  // base and multiplier
inline constexpr unsigned index_bits = 16;   // queue index: the written value's low half
inline constexpr unsigned data_bits = 16;    // notification data: its high half (VIRTIO_F_NOTIFICATION_DATA)
inline constexpr unsigned write_bytes = 4;   // a doorbell write is one full 32-bit access
inline constexpr uint32_t shared_window_bytes = 4;  // the window of the shared doorbell (multiplier 0)

// Why a doorbell write does not kick, in the order the rules are checked after the window
// (outside the window, then width, then position, then index).
inline constexpr unsigned error_bits = 3;
inline constexpr uint8_t err_none = 0;
inline constexpr uint8_t err_outside_window = 1;
inline constexpr uint8_t err_misaligned = 2;     // not at a doorbell
inline constexpr uint8_t err_bad_width = 3;      // not a full 32-bit write
inline constexpr uint8_t err_no_such_queue = 4;  // shared doorbell: index beyond the queues
inline constexpr uint8_t err_data_mismatch = 5;  // written index differs from the doorbell's queue
inline constexpr uint8_t err_last = err_data_mismatch;
static_assert(err_last < (1u << error_bits), "the error codes must fit error_bits");

}  // namespace vmsim::regmap::doorbell
