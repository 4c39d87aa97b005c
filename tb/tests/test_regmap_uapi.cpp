// The register map's standard constants must equal the Linux uapi headers (linux-libc-dev).
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <string>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#define VIRTIO_RING_NO_LEGACY  // vring_init is C-only; it is used from uapi_vring_layout.c
#include <linux/virtio_ring.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#define class class_  // the uapi's virtio_net_ctrl_hdr has a field named `class`
#include <linux/virtio_net.h>
#undef class

#include "vmsim/regmap/virtio_devices.h"
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
  // Today's uapi: VIRTIO_F_ADMIN_VQ 41, VIRTIO_TRANSPORT_F_END 42 (exclusive). An installed header older than
  // ADMIN_VQ says 41; a newer one must agree.
#ifdef VIRTIO_F_ADMIN_VQ
  BOOST_TEST(feature::admin_vq == unsigned{VIRTIO_F_ADMIN_VQ});
  BOOST_TEST(feature::transport_end == unsigned{VIRTIO_TRANSPORT_F_END});
#else
  BOOST_TEST(unsigned{VIRTIO_TRANSPORT_F_END} == 41u);
#endif
  BOOST_TEST(feature::transport_end == 42u);
}

// virtio 1.3 section 6 ("Reserved Feature Bits") / 2.2: bits 24 to 41 are reserved for extensions to the
// queue and feature negotiation mechanisms; every transport bit the spec assigns lies below transport_end.
BOOST_AUTO_TEST_CASE(transport_bits_end_after_admin_vq) {
  BOOST_TEST(std::string(feature::assigned_name(feature::admin_vq)) == "VIRTIO_F_ADMIN_VQ");
  for (const auto& a : feature::spec_assigned_bits) BOOST_TEST(a.bit < feature::transport_end, a.name);
  BOOST_TEST(feature::assigned_name(feature::transport_end) == nullptr);
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

BOOST_AUTO_TEST_CASE(device_constants_match_uapi) {
  BOOST_TEST(device_id::net == unsigned{VIRTIO_ID_NET});
  BOOST_TEST(device_id::block == unsigned{VIRTIO_ID_BLOCK});
  BOOST_TEST(device_id::rng == unsigned{VIRTIO_ID_RNG});
  BOOST_TEST(net::f_mac == unsigned{VIRTIO_NET_F_MAC});
  BOOST_TEST(net::f_status == unsigned{VIRTIO_NET_F_STATUS});
  BOOST_TEST(net::f_ctrl_vq == unsigned{VIRTIO_NET_F_CTRL_VQ});
  BOOST_TEST(net::f_mq == unsigned{VIRTIO_NET_F_MQ});
  BOOST_TEST(net::hdr_size == sizeof(struct virtio_net_hdr_v1));
  BOOST_TEST(net::cfg_mac == offsetof(struct virtio_net_config, mac));
  BOOST_TEST(net::cfg_status == offsetof(struct virtio_net_config, status));
  BOOST_TEST(net::cfg_max_virtqueue_pairs == offsetof(struct virtio_net_config, max_virtqueue_pairs));
  BOOST_TEST(net::s_link_up == unsigned{VIRTIO_NET_S_LINK_UP});
  BOOST_TEST(net::ctrl_class_mq == unsigned{VIRTIO_NET_CTRL_MQ});
  BOOST_TEST(net::ctrl_mq_vq_pairs_set == unsigned{VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET});
  BOOST_TEST(net::ctrl_mq_pairs_max == unsigned{VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX});
  BOOST_TEST(net::ok == unsigned{VIRTIO_NET_OK});
  BOOST_TEST(net::err == unsigned{VIRTIO_NET_ERR});
  BOOST_TEST(blk::f_flush == unsigned{VIRTIO_BLK_F_FLUSH});
  BOOST_TEST(blk::f_mq == unsigned{VIRTIO_BLK_F_MQ});
  BOOST_TEST(blk::t_in == unsigned{VIRTIO_BLK_T_IN});
  BOOST_TEST(blk::t_out == unsigned{VIRTIO_BLK_T_OUT});
  BOOST_TEST(blk::t_flush == unsigned{VIRTIO_BLK_T_FLUSH});
  BOOST_TEST(blk::t_get_id == unsigned{VIRTIO_BLK_T_GET_ID});
  BOOST_TEST(blk::s_ok == unsigned{VIRTIO_BLK_S_OK});
  BOOST_TEST(blk::s_ioerr == unsigned{VIRTIO_BLK_S_IOERR});
  BOOST_TEST(blk::s_unsupp == unsigned{VIRTIO_BLK_S_UNSUPP});
  BOOST_TEST(blk::id_bytes == unsigned{VIRTIO_BLK_ID_BYTES});
  BOOST_TEST(blk::req_hdr_size == sizeof(struct virtio_blk_outhdr));
  BOOST_TEST(blk::cfg_capacity == offsetof(struct virtio_blk_config, capacity));
  BOOST_TEST(blk::cfg_size_max == offsetof(struct virtio_blk_config, size_max));
  BOOST_TEST(blk::cfg_seg_max == offsetof(struct virtio_blk_config, seg_max));
  BOOST_TEST(blk::cfg_blk_size == offsetof(struct virtio_blk_config, blk_size));
  BOOST_TEST(blk::cfg_num_queues == offsetof(struct virtio_blk_config, num_queues));
}
