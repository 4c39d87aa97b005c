// The register maps of the interrupt schemes and of the interrupt controller, and the MSI message encoding:
// the single source of truth for the models (models/irq), the sw/ driver, the test benches and the docs
// generator (regmap_gen interrupt-maps), as virtio_mmio.h is for the virtio-mmio registers. Offsets of the
// MSI blocks are relative to the block's base (msi_config::register_base / irq_config::msi_regs).
// Freestanding C++17 (only <stdint.h>). Sources: docs/interrupt-schemes.md.
#pragma once

#include <stdint.h>

#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim::regmap {

// A register of a block, relative to the block's base.
struct block_reg {
  const char* name;
  uint16_t offset;
  uint8_t width;  // bytes
  access acc;
  const char* meaning;
};

// Where this model puts an MSI block by default: the proposals' 0x0c0 is QueueReset's today.
inline constexpr uint32_t msi_block_base_default = 0x0d0;

// ---- MSI v1: the Dec 2019 proposal ("Version 3", seeds/mmio-msi-v1-patch-2-of-2.txt uapi hunk) -----------
namespace msi_v1 {
inline constexpr uint32_t version_register = 3;
inline constexpr uint32_t base_as_posted = 0x0c0;  // VIRTIO_MMIO_MSI_STATUS; QueueReset's offset today
inline constexpr uint32_t status = 0x0, command = 0x2, address_low = 0x4, address_high = 0x8, data = 0xc;
inline constexpr uint32_t block_size = 0x10;
inline constexpr uint16_t status_enabled = 0x8000;   // VIRTIO_MMIO_MSI_ENABLE_MASK
inline constexpr uint16_t status_qmask = 0x07ff;     // VIRTIO_MMIO_MSI_STATUS_QMASK
inline constexpr uint16_t status_reserved = 0x7800;  // VIRTIO_MMIO_MSI_STATUS_RESERVED
inline constexpr uint32_t op_update = 1;             // VIRTIO_MMIO_MSI_CMD_UPDATE
inline constexpr uint32_t op_enable = 2;             // the v1 spec text's ENABLE (arg 1/0); the kernel patch has none
inline constexpr uint32_t cmd_op_shift = 12, cmd_arg_mask = 0x0fff;
constexpr uint16_t cmd(uint32_t op, uint32_t arg) { return static_cast<uint16_t>(op << cmd_op_shift | (arg & cmd_arg_mask)); }
constexpr uint32_t cmd_op(uint32_t c) { return (c >> cmd_op_shift) & 0xf; }
constexpr uint32_t cmd_arg(uint32_t c) { return c & cmd_arg_mask; }
inline constexpr block_reg registers[] = {
    {"MsiStatus", status, 2, access::ro, "bits 10:0 number of queues, bit 15 MSI enabled"},
    {"MsiCommand", command, 2, access::wo, "{op:4 (15:12), arg:12}: UPDATE 1 (arg = vector), ENABLE 2 (arg 1/0)"},
    {"MsiAddressLow", address_low, 4, access::wo, "staged address, low half"},
    {"MsiAddressHigh", address_high, 4, access::wo, "staged address, high half"},
    {"MsiData", data, 4, access::wo, "staged data"},
};
}  // namespace msi_v1

// ---- MSI v2: the Feb 2020 proposal (feature bits) --------------------------------------------------------------
namespace msi_v2 {
inline constexpr uint32_t base_as_posted = 0x0c0;  // MsiVecNum in the proposal; QueueReset's offset today
inline constexpr unsigned feature_notification_as_posted = 39;  // VIRTIO_F_MMIO_NOTIFICATION (NOTIF_CONFIG_DATA today)
inline constexpr unsigned feature_msi_as_posted = 40;           // VIRTIO_F_MMIO_MSI (RING_RESET today)
inline constexpr uint32_t vec_num = 0x00, state = 0x04, cmd = 0x08, vec_sel = 0x10, addr_low = 0x14,
                          addr_high = 0x18, data = 0x1c;
inline constexpr uint32_t block_size = 0x20;
enum op : uint32_t { enable = 1, disable = 2, configure = 3, mask = 4, unmask = 5, map_config = 6, map_queue = 7 };
inline constexpr uint32_t no_vector = 0xffffffff;  // VIRTIO_MMIO_MSI_NO_VECTOR
inline constexpr uint32_t state_enabled = 1u << 0, state_sharing = 1u << 1;  // the spec proposal's MsiState
// The Linux patch's uapi header (v2 4/5, VIRTIO_MMIO_MSI_ENABLED_MASK / _SHARING_MASK) and a kvmtool-derived
// device put them at bits 31 and 30.
inline constexpr uint32_t state_enabled_linux = 1u << 31, state_sharing_linux = 1u << 30;
inline constexpr block_reg registers[] = {
    {"MsiVecNum", vec_num, 4, access::ro, "number of vectors"},
    {"MsiState", state, 4, access::ro, "MSI enabled, sharing mode (bit positions per variant)"},
    {"MsiCmd", cmd, 4, access::wo, "ENABLE 1, DISABLE 2, CONFIGURE 3, MASK 4, UNMASK 5, MAP_CONFIG 6, MAP_QUEUE 7"},
    {"MsiVecSel", vec_sel, 4, access::wo, "the vector commands act on (NO_VECTOR for MAP_*)"},
    {"MsiAddrLow", addr_low, 4, access::wo, "staged address, low half"},
    {"MsiAddrHigh", addr_high, 4, access::wo, "staged address, high half"},
    {"MsiData", data, 4, access::wo, "staged data"},
};
}  // namespace msi_v2

// ---- the PCI/MSI-X-like reference -------------------------------------------------------------------------------
namespace msix {
inline constexpr uint32_t control = 0x00, config_vector = 0x04, queue_vector = 0x08;
inline constexpr uint32_t block_size = 0x0c;
inline constexpr uint32_t control_enable = 1u << 0, control_function_mask = 1u << 1;
inline constexpr uint32_t no_vector = 0xffff;  // VIRTIO_MSI_NO_VECTOR
inline constexpr uint32_t table_base_default = 0x400;
inline constexpr uint32_t entry_size = 16;
inline constexpr uint32_t entry_addr_low = 0x0, entry_addr_high = 0x4, entry_data = 0x8, entry_vector_ctrl = 0xc;
inline constexpr uint32_t vector_ctrl_masked = 1u << 0;
constexpr uint32_t entry(uint32_t table_base, unsigned v) { return table_base + entry_size * v; }
inline constexpr block_reg registers[] = {
    {"MsixControl", control, 4, access::rw, "bit 0 enable, bit 1 function mask"},
    {"ConfigVector", config_vector, 4, access::rw, "vector of config changes (0xffff none)"},
    {"QueueVector", queue_vector, 4, access::rw, "vector of queue QueueSel (0xffff none)"},
};
inline constexpr block_reg entry_registers[] = {
    {"AddrLow", entry_addr_low, 4, access::rw, "message address, low half"},
    {"AddrHigh", entry_addr_high, 4, access::rw, "message address, high half"},
    {"Data", entry_data, 4, access::rw, "message data"},
    {"VectorCtrl", entry_vector_ctrl, 4, access::rw, "bit 0 masked (entries start masked)"},
};
}  // namespace msix

// ---- the interrupt controller (docs/interrupt-controller.md) ------------------------------------------------------
namespace irqc {
inline constexpr uint32_t max_ids = 1024, spurious = 1023;
inline constexpr uint64_t cpu_window = 0x800;  // vCPU c's interface at c * cpu_window (32 fit below ROUTE)
inline constexpr uint64_t iar = 0x00, eoir = 0x04, hppir = 0x08;
inline constexpr uint64_t route_base = 0x10000;  // ROUTE[id] at route_base + 4 id: the vCPU index
inline constexpr uint64_t mask_base = 0x14000;   // MASK[id] at mask_base + 4 id: bit 0
inline constexpr uint64_t regs_size = 0x18000;
inline constexpr unsigned max_cpus = route_base / cpu_window;  // vCPUs with an interface: 32
constexpr uint64_t cpu_reg(unsigned cpu, uint64_t reg) { return cpu * cpu_window + reg; }
constexpr uint64_t route(uint32_t id) { return route_base + 4u * id; }
constexpr uint64_t mask(uint32_t id) { return mask_base + 4u * id; }
inline constexpr block_reg registers[] = {
    {"IAR", iar, 4, access::ro, "per vCPU (c * 0x800): acknowledge, the highest pending id (1023: none)"},
    {"EOIR", eoir, 4, access::wo, "per vCPU: end of interrupt of the id written"},
    {"HPPIR", hppir, 4, access::ro, "per vCPU: the highest pending id, not acknowledged"},
    {"ROUTE[id]", 0x0000, 4, access::rw, "at 0x10000 + 4 id: the vCPU the id goes to"},
    {"MASK[id]", 0x4000, 4, access::rw, "at 0x14000 + 4 id: bit 0 masks the id"},
};
}  // namespace irqc

// ---- the MSI message: what a device writes to reach (vCPU, interrupt id) --------------------------------------
namespace msi_msg {
// x86 (LAPIC window, 0xFEE00000): destination APIC id in address bits 19:12, vector in data bits 7:0.
inline constexpr uint64_t x86_frame_default = 0xfee00000, x86_window = 0x100000;
inline constexpr unsigned x86_dest_shift = 12;
constexpr uint64_t x86_address(uint64_t frame, unsigned cpu) { return frame | (uint64_t{cpu & 0xff} << x86_dest_shift); }
constexpr uint32_t x86_data(uint32_t vector) { return vector & 0xff; }
constexpr unsigned x86_dest_of(uint64_t address) { return static_cast<unsigned>((address >> x86_dest_shift) & 0xff); }
// arm (GICv2m frame): the SPI number written to MSI_SETSPI_NS; the SPI's route names the vCPU.
inline constexpr uint64_t v2m_frame_default = 0x08020000, v2m_frame_size = 0x1000;
inline constexpr uint64_t v2m_setspi_ns = 0x40;
constexpr uint64_t v2m_address(uint64_t frame) { return frame + v2m_setspi_ns; }
}  // namespace msi_msg

}  // namespace vmsim::regmap
