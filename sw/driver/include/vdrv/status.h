// Every driver operation answers with a status; the driver never loops forever or writes out of bounds
// when a device misbehaves: it reports the code and stops using the device.
#pragma once

namespace vdrv {

enum class status : unsigned char {
  ok,
  empty,               // nothing to reap / no buffer
  no_device,           // DeviceID 0: an empty slot
  bad_magic,
  bad_version,         // not 1, 2 (or 3 with the MSI v1 layout)
  wrong_device,        // not the device type the driver serves
  features_refused,    // FEATURES_OK did not stick
  queue_unavailable,   // QueueNumMax 0 or the queue is already live
  queue_too_small,
  no_memory,           // the DMA arena is exhausted
  ring_full,
  device_needs_reset,  // the device set DEVICE_NEEDS_RESET
  bad_used_id,         // the device returned a descriptor the driver never posted
  bad_used_len,        // the device reports more bytes than the buffer holds
  config_unstable,     // ConfigGeneration kept changing
  msi_refused,         // MSI could not be enabled (the driver falls back to the wired IRQ)
  io_error,            // a device-level error (blk status, net control ack)
  timeout,
  device_failed,       // an earlier error made the driver give the device up
  interrupt_storm,     // interrupts kept coming with nothing to do: the lines are masked, the device failed
  bad_doorbells,       // the doorbell layout the device offers leaves its window or overlays its registers
};

const char* to_string(status s);

}  // namespace vdrv
