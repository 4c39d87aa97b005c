// The virtio-mmio register map: the single source of truth for offsets, widths, access, reset values and
// which transport version or feature owns each register. Freestanding C++17 (only <stdint.h>), so the
// SystemC models, the bare-metal driver in sw/ and the RTL package generator all read this one file.
// Checked against the Linux uapi headers by tb/tests/test_regmap_uapi.cpp.
#pragma once

#include <stdint.h>

namespace vmsim::regmap {

// ---- magic and versions --------------------------------------------------------------------------
inline constexpr uint32_t magic_value = 0x74726976;  // "virt", little-endian
inline constexpr uint32_t version_legacy = 1;
inline constexpr uint32_t version_modern = 2;
inline constexpr uint32_t config_space_offset = 0x100;
inline constexpr uint32_t register_block_size = 0x100;

// ---- Status register bits (virtio spec 2.1) ----------------------------------------------------------
namespace status {
inline constexpr uint32_t acknowledge = 1;
inline constexpr uint32_t driver = 2;
inline constexpr uint32_t driver_ok = 4;
inline constexpr uint32_t features_ok = 8;
inline constexpr uint32_t device_needs_reset = 0x40;
inline constexpr uint32_t failed = 0x80;
}  // namespace status

// ---- InterruptStatus / InterruptACK bits -------------------------------------------------------------
namespace irq {
inline constexpr uint32_t used_buffer = 1u << 0;
inline constexpr uint32_t config_change = 1u << 1;
}  // namespace irq

// ---- feature bits (transport and ring features; device types define the bits below 24) ---------------
namespace feature {
inline constexpr unsigned ring_indirect_desc = 28;
inline constexpr unsigned ring_event_idx = 29;
inline constexpr unsigned version_1 = 32;
inline constexpr unsigned access_platform = 33;
inline constexpr unsigned ring_packed = 34;
inline constexpr unsigned in_order = 35;
inline constexpr unsigned notification_data = 38;
inline constexpr unsigned notif_config_data = 39;  // today's spec; the MSI v2 proposal wanted 39 too
inline constexpr unsigned ring_reset = 40;          // today's spec; the MSI v2 proposal wanted 40 too
inline constexpr unsigned admin_vq = 41;
inline constexpr unsigned transport_start = 28;
// One past the last transport bit, as Linux's uapi has it since VIRTIO_F_ADMIN_VQ ("[PATCH V4 vfio 1/9] virtio:
// Define feature bit for administration virtqueue", 2023-11-29): 42. Debian's linux-libc-dev may predate it (41).
inline constexpr unsigned transport_end = admin_vq + 1;
constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }

// Bits today's spec assigns outside the device-type ranges: an extension (the MSI proposal's
// MMIO_NOTIFICATION / MMIO_MSI bits) must not reuse one.
struct assigned_bit {
  unsigned bit;
  const char* name;
};
inline constexpr assigned_bit spec_assigned_bits[] = {
    {24, "VIRTIO_F_NOTIFY_ON_EMPTY"}, {27, "VIRTIO_F_ANY_LAYOUT"},     {28, "VIRTIO_RING_F_INDIRECT_DESC"},
    {29, "VIRTIO_RING_F_EVENT_IDX"},  {32, "VIRTIO_F_VERSION_1"},      {33, "VIRTIO_F_ACCESS_PLATFORM"},
    {34, "VIRTIO_F_RING_PACKED"},     {35, "VIRTIO_F_IN_ORDER"},       {36, "VIRTIO_F_ORDER_PLATFORM"},
    {37, "VIRTIO_F_SR_IOV"},          {38, "VIRTIO_F_NOTIFICATION_DATA"}, {39, "VIRTIO_F_NOTIF_CONFIG_DATA"},
    {40, "VIRTIO_F_RING_RESET"},      {41, "VIRTIO_F_ADMIN_VQ"},
};
constexpr const char* assigned_name(unsigned n) {
  for (const auto& a : spec_assigned_bits)
    if (a.bit == n) return a.name;
  return nullptr;
}
}  // namespace feature

// ---- split virtqueue layout (virtio spec 2.7) --------------------------------------------------------
namespace vring {
inline constexpr uint16_t desc_f_next = 1;
inline constexpr uint16_t desc_f_write = 2;
inline constexpr uint16_t desc_f_indirect = 4;
inline constexpr uint16_t avail_f_no_interrupt = 1;
inline constexpr uint16_t used_f_no_notify = 1;
inline constexpr uint32_t desc_size = 16;       // addr:64 len:32 flags:16 next:16
inline constexpr uint32_t desc_align = 16;
inline constexpr uint32_t avail_align = 2;
inline constexpr uint32_t used_align = 4;
inline constexpr uint32_t used_elem_size = 8;   // id:32 len:32
inline constexpr uint32_t max_queue_size = 32768;
// byte offsets inside a descriptor and the rings
inline constexpr uint32_t desc_addr = 0, desc_len = 8, desc_flags = 12, desc_next = 14;
inline constexpr uint32_t avail_flags = 0, avail_idx = 2, avail_ring = 4;
inline constexpr uint32_t used_flags = 0, used_idx = 2, used_ring = 4;
constexpr uint64_t desc_table_bytes(uint32_t num) { return uint64_t{desc_size} * num; }
constexpr uint64_t avail_bytes(uint32_t num) { return 6 + 2 * uint64_t{num}; }  // incl. used_event
constexpr uint64_t used_bytes(uint32_t num) { return 6 + uint64_t{used_elem_size} * num; }  // incl. avail_event
constexpr uint64_t used_event_offset(uint32_t num) { return avail_ring + 2 * uint64_t{num}; }
constexpr uint64_t avail_event_offset(uint32_t num) { return used_ring + uint64_t{used_elem_size} * num; }
// legacy (Version 1) contiguous layout: descriptors, avail, padding to `align`, used
constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
constexpr uint64_t legacy_used_offset(uint32_t num, uint32_t align) {
  return align_up(desc_table_bytes(num) + avail_bytes(num), align);
}
constexpr uint64_t legacy_size(uint32_t num, uint32_t align) {
  return legacy_used_offset(num, align) + align_up(used_bytes(num), align);
}
// The event-index rule (virtio spec 2.7.7.2): notify when new_idx passed event_idx since old_idx.
constexpr bool need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}
}  // namespace vring

// ---- the register table --------------------------------------------------------------------------
enum class access : uint8_t { ro, wo, rw };

// Which transport versions a register exists in.
enum version_mask : uint8_t { in_v1 = 1u << 0, in_v2 = 1u << 1, in_all = in_v1 | in_v2 };

// `reset_from_device`: the value comes from the device back-end (DeviceID, features...), `reset` is unused.
struct reg_desc {
  const char* name;
  uint16_t offset;
  uint8_t width;        // bytes
  access acc;
  uint32_t reset;
  uint8_t versions;     // version_mask
  int8_t feature;       // feature bit the device must offer for the register to exist, -1 = none
  bool reset_from_device;
};

enum class reg : uint8_t {
  magic_value, version, device_id, vendor_id, device_features, device_features_sel, driver_features,
  driver_features_sel, guest_page_size, queue_sel, queue_num_max, queue_num, queue_align, queue_pfn,
  queue_ready, queue_notify, interrupt_status, interrupt_ack, status, queue_desc_low, queue_desc_high,
  queue_driver_low, queue_driver_high, queue_device_low, queue_device_high, shm_sel, shm_len_low,
  shm_len_high, shm_base_low, shm_base_high, queue_reset, config_generation,
  count
};

inline constexpr reg_desc standard_registers[] = {
    // name                 offset width access      reset        versions feature dev
    {"MagicValue",          0x000, 4, access::ro, magic_value, in_all, -1, false},
    {"Version",             0x004, 4, access::ro, 0,           in_all, -1, true},
    {"DeviceID",            0x008, 4, access::ro, 0,           in_all, -1, true},
    {"VendorID",            0x00c, 4, access::ro, 0,           in_all, -1, true},
    {"DeviceFeatures",      0x010, 4, access::ro, 0,           in_all, -1, true},
    {"DeviceFeaturesSel",   0x014, 4, access::wo, 0,           in_all, -1, false},
    {"DriverFeatures",      0x020, 4, access::wo, 0,           in_all, -1, false},
    {"DriverFeaturesSel",   0x024, 4, access::wo, 0,           in_all, -1, false},
    {"GuestPageSize",       0x028, 4, access::wo, 0,           in_v1,  -1, false},
    {"QueueSel",            0x030, 4, access::wo, 0,           in_all, -1, false},
    {"QueueNumMax",         0x034, 4, access::ro, 0,           in_all, -1, true},
    {"QueueNum",            0x038, 4, access::wo, 0,           in_all, -1, false},
    {"QueueAlign",          0x03c, 4, access::wo, 4096,        in_v1,  -1, false},
    {"QueuePFN",            0x040, 4, access::rw, 0,           in_v1,  -1, false},
    {"QueueReady",          0x044, 4, access::rw, 0,           in_v2,  -1, false},
    {"QueueNotify",         0x050, 4, access::wo, 0,           in_all, -1, false},
    {"InterruptStatus",     0x060, 4, access::ro, 0,           in_all, -1, false},
    {"InterruptACK",        0x064, 4, access::wo, 0,           in_all, -1, false},
    {"Status",              0x070, 4, access::rw, 0,           in_all, -1, false},
    {"QueueDescLow",        0x080, 4, access::wo, 0,           in_v2,  -1, false},
    {"QueueDescHigh",       0x084, 4, access::wo, 0,           in_v2,  -1, false},
    {"QueueDriverLow",      0x090, 4, access::wo, 0,           in_v2,  -1, false},
    {"QueueDriverHigh",     0x094, 4, access::wo, 0,           in_v2,  -1, false},
    {"QueueDeviceLow",      0x0a0, 4, access::wo, 0,           in_v2,  -1, false},
    {"QueueDeviceHigh",     0x0a4, 4, access::wo, 0,           in_v2,  -1, false},
    {"SHMSel",              0x0ac, 4, access::wo, 0,           in_v2,  -1, false},
    {"SHMLenLow",           0x0b0, 4, access::ro, 0xffffffff,  in_v2,  -1, false},
    {"SHMLenHigh",          0x0b4, 4, access::ro, 0xffffffff,  in_v2,  -1, false},
    {"SHMBaseLow",          0x0b8, 4, access::ro, 0xffffffff,  in_v2,  -1, false},
    {"SHMBaseHigh",         0x0bc, 4, access::ro, 0xffffffff,  in_v2,  -1, false},
    {"QueueReset",          0x0c0, 4, access::rw, 0,           in_v2,  feature::ring_reset, false},
    {"ConfigGeneration",    0x0fc, 4, access::ro, 0,           in_v2,  -1, false},
};

static_assert(sizeof(standard_registers) / sizeof(standard_registers[0]) == static_cast<unsigned>(reg::count),
              "one table row per reg enumerator");

constexpr const reg_desc& describe(reg r) { return standard_registers[static_cast<unsigned>(r)]; }
constexpr uint16_t offset_of(reg r) { return describe(r).offset; }

// Compile-time check that the enum and the table are in the same order.
constexpr bool table_in_enum_order() {
  for (unsigned i = 1; i < static_cast<unsigned>(reg::count); ++i)
    if (standard_registers[i].offset <= standard_registers[i - 1].offset) return false;
  return true;
}
static_assert(table_in_enum_order(), "standard_registers must be sorted by offset, in enum order");

}  // namespace vmsim::regmap
