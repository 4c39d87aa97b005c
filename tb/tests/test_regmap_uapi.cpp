// The register map's standard constants must equal the Linux uapi headers (linux-libc-dev).
#include <boost/test/unit_test.hpp>

#include <cstddef>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#define VIRTIO_RING_NO_LEGACY  // vring_init is C-only; it is used from uapi_vring_layout.c
#include <linux/virtio_ring.h>

#include "vmsim/regmap/virtio_mmio.h"

extern "C" {
struct uapi_vring_offsets {
  uint64_t avail, used, used_event, avail_event, size;
};
void uapi_vring_layout(unsigned num, unsigned align, uapi_vring_offsets* out);
}

using namespace vmsim::regmap;

BOOST_AUTO_TEST_CASE(register_offsets_match_uapi) {
  struct { reg r; unsigned uapi; } rows[] = {
      {reg::magic_value, VIRTIO_MMIO_MAGIC_VALUE}, {reg::version, VIRTIO_MMIO_VERSION},
      {reg::device_id, VIRTIO_MMIO_DEVICE_ID}, {reg::vendor_id, VIRTIO_MMIO_VENDOR_ID},
      {reg::device_features, VIRTIO_MMIO_DEVICE_FEATURES}, {reg::device_features_sel, VIRTIO_MMIO_DEVICE_FEATURES_SEL},
      {reg::driver_features, VIRTIO_MMIO_DRIVER_FEATURES}, {reg::driver_features_sel, VIRTIO_MMIO_DRIVER_FEATURES_SEL},
      {reg::guest_page_size, VIRTIO_MMIO_GUEST_PAGE_SIZE}, {reg::queue_sel, VIRTIO_MMIO_QUEUE_SEL},
      {reg::queue_num_max, VIRTIO_MMIO_QUEUE_NUM_MAX}, {reg::queue_num, VIRTIO_MMIO_QUEUE_NUM},
      {reg::queue_align, VIRTIO_MMIO_QUEUE_ALIGN}, {reg::queue_pfn, VIRTIO_MMIO_QUEUE_PFN},
      {reg::queue_ready, VIRTIO_MMIO_QUEUE_READY}, {reg::queue_notify, VIRTIO_MMIO_QUEUE_NOTIFY},
      {reg::interrupt_status, VIRTIO_MMIO_INTERRUPT_STATUS}, {reg::interrupt_ack, VIRTIO_MMIO_INTERRUPT_ACK},
      {reg::status, VIRTIO_MMIO_STATUS}, {reg::queue_desc_low, VIRTIO_MMIO_QUEUE_DESC_LOW},
      {reg::queue_desc_high, VIRTIO_MMIO_QUEUE_DESC_HIGH}, {reg::queue_driver_low, VIRTIO_MMIO_QUEUE_AVAIL_LOW},
      {reg::queue_driver_high, VIRTIO_MMIO_QUEUE_AVAIL_HIGH}, {reg::queue_device_low, VIRTIO_MMIO_QUEUE_USED_LOW},
      {reg::queue_device_high, VIRTIO_MMIO_QUEUE_USED_HIGH}, {reg::shm_sel, VIRTIO_MMIO_SHM_SEL},
      {reg::shm_len_low, VIRTIO_MMIO_SHM_LEN_LOW}, {reg::shm_len_high, VIRTIO_MMIO_SHM_LEN_HIGH},
      {reg::shm_base_low, VIRTIO_MMIO_SHM_BASE_LOW}, {reg::shm_base_high, VIRTIO_MMIO_SHM_BASE_HIGH},
      {reg::config_generation, VIRTIO_MMIO_CONFIG_GENERATION},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(describe(row.r).name) { BOOST_TEST(offset_of(row.r) == row.uapi); }
  }
  // QueueReset (0x0c0) is newer than this uapi header; the spec gives 0x0c0.
  BOOST_TEST(offset_of(reg::queue_reset) == 0x0c0u);
  BOOST_TEST(config_space_offset == unsigned{VIRTIO_MMIO_CONFIG});
  BOOST_TEST(irq::used_buffer == unsigned{VIRTIO_MMIO_INT_VRING});
  BOOST_TEST(irq::config_change == unsigned{VIRTIO_MMIO_INT_CONFIG});
}

BOOST_AUTO_TEST_CASE(every_standard_register_is_32_bit_and_aligned) {
  for (const auto& d : standard_registers) {
    BOOST_TEST_CONTEXT(d.name) {
      BOOST_TEST(d.width == 4u);
      BOOST_TEST(d.offset % 4 == 0u);
      BOOST_TEST(d.offset < register_block_size);
    }
  }
}

BOOST_AUTO_TEST_CASE(status_bits_match_uapi) {
  BOOST_TEST(status::acknowledge == unsigned{VIRTIO_CONFIG_S_ACKNOWLEDGE});
  BOOST_TEST(status::driver == unsigned{VIRTIO_CONFIG_S_DRIVER});
  BOOST_TEST(status::driver_ok == unsigned{VIRTIO_CONFIG_S_DRIVER_OK});
  BOOST_TEST(status::features_ok == unsigned{VIRTIO_CONFIG_S_FEATURES_OK});
  BOOST_TEST(status::device_needs_reset == unsigned{VIRTIO_CONFIG_S_NEEDS_RESET});
  BOOST_TEST(status::failed == unsigned{VIRTIO_CONFIG_S_FAILED});
}

BOOST_AUTO_TEST_CASE(feature_bits_match_uapi) {
  BOOST_TEST(feature::ring_indirect_desc == unsigned{VIRTIO_RING_F_INDIRECT_DESC});
  BOOST_TEST(feature::ring_event_idx == unsigned{VIRTIO_RING_F_EVENT_IDX});
  BOOST_TEST(feature::version_1 == unsigned{VIRTIO_F_VERSION_1});
  BOOST_TEST(feature::access_platform == unsigned{VIRTIO_F_ACCESS_PLATFORM});
  BOOST_TEST(feature::ring_packed == unsigned{VIRTIO_F_RING_PACKED});
  BOOST_TEST(feature::in_order == unsigned{VIRTIO_F_IN_ORDER});
  BOOST_TEST(feature::ring_reset == unsigned{VIRTIO_F_RING_RESET});
  BOOST_TEST(feature::transport_start == unsigned{VIRTIO_TRANSPORT_F_START});
  BOOST_TEST(feature::transport_end == unsigned{VIRTIO_TRANSPORT_F_END});
}

BOOST_AUTO_TEST_CASE(vring_layout_matches_uapi) {
  BOOST_TEST(vring::desc_f_next == unsigned{VRING_DESC_F_NEXT});
  BOOST_TEST(vring::desc_f_write == unsigned{VRING_DESC_F_WRITE});
  BOOST_TEST(vring::desc_f_indirect == unsigned{VRING_DESC_F_INDIRECT});
  BOOST_TEST(vring::avail_f_no_interrupt == unsigned{VRING_AVAIL_F_NO_INTERRUPT});
  BOOST_TEST(vring::used_f_no_notify == unsigned{VRING_USED_F_NO_NOTIFY});
  BOOST_TEST(vring::desc_size == sizeof(struct vring_desc));
  BOOST_TEST(vring::desc_addr == offsetof(struct vring_desc, addr));
  BOOST_TEST(vring::desc_len == offsetof(struct vring_desc, len));
  BOOST_TEST(vring::desc_flags == offsetof(struct vring_desc, flags));
  BOOST_TEST(vring::desc_next == offsetof(struct vring_desc, next));
  BOOST_TEST(vring::avail_idx == offsetof(struct vring_avail, idx));
  BOOST_TEST(vring::avail_ring == offsetof(struct vring_avail, ring));
  BOOST_TEST(vring::used_idx == offsetof(struct vring_used, idx));
  BOOST_TEST(vring::used_ring == offsetof(struct vring_used, ring));
  BOOST_TEST(vring::used_elem_size == sizeof(struct vring_used_elem));
  BOOST_TEST(vring::desc_align == unsigned{VRING_DESC_ALIGN_SIZE});
  BOOST_TEST(vring::avail_align == unsigned{VRING_AVAIL_ALIGN_SIZE});
  BOOST_TEST(vring::used_align == unsigned{VRING_USED_ALIGN_SIZE});
  // The legacy contiguous layout, for every power-of-two size and two alignments, against vring_init.
  for (unsigned num = 1; num <= vring::max_queue_size; num *= 2) {
    for (unsigned align : {4096u, 64u}) {
      BOOST_TEST_CONTEXT("num " << num << " align " << align) {
        uapi_vring_offsets u{};
        uapi_vring_layout(num, align, &u);
        BOOST_TEST(u.avail == vring::desc_table_bytes(num));
        BOOST_TEST(u.used == vring::legacy_used_offset(num, align));
        BOOST_TEST(u.used_event == vring::used_event_offset(num));
        BOOST_TEST(u.avail_event == vring::avail_event_offset(num));
        BOOST_TEST(u.size == vring::legacy_size(num, align) - (vring::align_up(vring::used_bytes(num), align) - vring::used_bytes(num)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(need_event_matches_uapi) {
  for (unsigned ev : {0u, 1u, 5u, 65535u})
    for (unsigned nw : {0u, 1u, 2u, 6u, 65535u})
      for (unsigned old : {0u, 1u, 5u, 65534u, 65535u})
        BOOST_TEST(vring::need_event(uint16_t(ev), uint16_t(nw), uint16_t(old)) ==
                   (vring_need_event(uint16_t(ev), uint16_t(nw), uint16_t(old)) != 0));
}
