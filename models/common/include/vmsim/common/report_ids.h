// Stable SystemC report message ids. Tests, logs and docs/report-ids.md refer to these strings:
// never rename one, add a new id instead.
#pragma once

namespace vmsim::ids {
// Bus-level guest errors on a register block (answered per the access policy).
inline constexpr const char* undefined_offset = "vmsim/mmio/undefined-offset";
inline constexpr const char* bad_width = "vmsim/mmio/bad-width";
inline constexpr const char* misaligned = "vmsim/mmio/misaligned";
inline constexpr const char* write_to_read_only = "vmsim/mmio/write-to-read-only";
inline constexpr const char* read_of_write_only = "vmsim/mmio/read-of-write-only";
inline constexpr const char* byte_enables = "vmsim/mmio/byte-enables";
inline constexpr const char* config_access = "vmsim/mmio/config-access";
// Protocol-level guest errors (the write completes and is ignored).
inline constexpr const char* illegal_status_step = "vmsim/mmio/illegal-status-step";
inline constexpr const char* features_refused = "vmsim/mmio/features-refused";
inline constexpr const char* features_late = "vmsim/mmio/features-written-late";
inline constexpr const char* bad_queue_num = "vmsim/mmio/bad-queue-num";
inline constexpr const char* bad_queue_sel = "vmsim/mmio/bad-queue-sel";
inline constexpr const char* queue_not_configurable = "vmsim/mmio/queue-not-configurable";
inline constexpr const char* queue_ready_refused = "vmsim/mmio/queue-ready-refused";
inline constexpr const char* bad_notify = "vmsim/mmio/bad-notify";
inline constexpr const char* bad_ack = "vmsim/mmio/bad-interrupt-ack";
// Device state can no longer be trusted: DEVICE_NEEDS_RESET.
inline constexpr const char* device_needs_reset = "vmsim/virtqueue/device-needs-reset";
// Memory and bus.
inline constexpr const char* bus_decode_error = "vmsim/bus/decode-error";
inline constexpr const char* ram_out_of_range = "vmsim/ram/out-of-range";
inline constexpr const char* tlm_protocol = "vmsim/bus/tlm-protocol";
// Interrupt controller.
inline constexpr const char* msi_undecodable = "vmsim/irqc/msi-undecodable";
inline constexpr const char* spurious_eoi = "vmsim/irqc/spurious-eoi";
inline constexpr const char* irqc_bad_access = "vmsim/irqc/bad-access";
// MSI and notification on the device side.
inline constexpr const char* msi_bad_command = "vmsim/msi/bad-command";
inline constexpr const char* msi_bad_vector = "vmsim/msi/bad-vector";
inline constexpr const char* msi_enable_refused = "vmsim/msi/enable-refused";
inline constexpr const char* msi_not_negotiated = "vmsim/msi/not-negotiated";
inline constexpr const char* msi_write_failed = "vmsim/msi/write-failed";
inline constexpr const char* bad_doorbell = "vmsim/notify/bad-doorbell";
// Device back-ends (guest errors in requests; the device goes on).
inline constexpr const char* net_tx_short = "vmsim/net/tx-shorter-than-header";
inline constexpr const char* net_tx_too_long = "vmsim/net/tx-longer-than-a-frame";
inline constexpr const char* net_rx_too_small = "vmsim/net/rx-buffer-too-small";
inline constexpr const char* net_bad_ctrl = "vmsim/net/bad-control-command";
inline constexpr const char* blk_bad_request = "vmsim/blk/bad-request";
// User errors (bad configuration or option): SC_REPORT_ERROR, the run stops.
inline constexpr const char* config_error = "vmsim/config/invalid";
}  // namespace vmsim::ids
