// How the driver notifies (kicks) a queue: the standard QueueNotify register, or per-queue doorbells
// (the MSI proposal's notification feature): QueueNotify reads {base:16, multiplier:16} and the driver
// writes the queue index to base + multiplier * index inside the device's MMIO window (multiplier 0:
// one shared doorbell). The doorbell window is decoded by a doorbell_decoder_if: the C++ reference
// below, or the Verilated RTL decoder.
#pragma once

#include <cstdint>
#include <memory>

#include <systemc>

#include "vmsim/regmap/doorbell.h"

namespace vmsim {

struct doorbell_config {
  uint32_t base = 0x800;     // window offset inside the device's MMIO region
  uint32_t multiplier = 4;   // bytes between queues' doorbells; 0 = one shared doorbell
  uint32_t num_queues = 1;
  uint32_t window_size() const { return multiplier == 0 ? 4 : multiplier * num_queues; }
};

// The codes live in the freestanding regmap (the RTL's generated package takes them from there too).
enum class doorbell_error : uint8_t {
  none = regmap::doorbell::err_none,
  outside_window = regmap::doorbell::err_outside_window,
  misaligned = regmap::doorbell::err_misaligned,
  bad_width = regmap::doorbell::err_bad_width,
  no_such_queue = regmap::doorbell::err_no_such_queue,
  data_mismatch = regmap::doorbell::err_data_mismatch,
};
const char* to_string(doorbell_error e);

struct doorbell_result {
  doorbell_error error = doorbell_error::none;
  uint16_t queue = 0;
  uint16_t notification_data = 0;   // upper half of the written value (VIRTIO_F_NOTIFICATION_DATA)
  sc_core::sc_time latency;  // decoder latency added to the kick (zero: sc_time default)
};

class doorbell_decoder_if {
 public:
  virtual ~doorbell_decoder_if() = default;
  virtual const char* name() const = 0;
  // offset: inside the device's MMIO region; width in bytes.
  virtual doorbell_result decode(uint32_t offset, unsigned width, uint32_t value) = 0;
};

// The reference decoder: the rules in one pure function, no time (the RTL regression checks against it).
doorbell_result decode_doorbell(const doorbell_config& cfg, uint32_t offset, unsigned width, uint32_t value);

class reference_doorbell_decoder final : public doorbell_decoder_if {
 public:
  explicit reference_doorbell_decoder(const doorbell_config& cfg) : cfg_(cfg) {}
  const char* name() const override { return "reference"; }
  doorbell_result decode(uint32_t offset, unsigned width, uint32_t value) override {
    return decode_doorbell(cfg_, offset, width, value);
  }

 private:
  doorbell_config cfg_;
};

struct notify_config {
  bool doorbells = false;          // per-queue doorbells (else: QueueNotify only)
  doorbell_config doorbell;        // num_queues is filled in by the transport
  int feature_bit = 46;            // VIRTIO_F_MMIO_NOTIFICATION in the v2 layout; -1: offered implicitly (v1)
};

}  // namespace vmsim
