// Device-type constants for virtio-net and virtio-blk (virtio spec 5.1, 5.2). Freestanding like the
// register map; checked against the Linux uapi headers by tb/tests/test_regmap_uapi.cpp.
#pragma once

#include <stdint.h>

namespace vmsim::regmap {

namespace device_id {
inline constexpr uint32_t net = 1, block = 2, rng = 4;
}

namespace net {
inline constexpr unsigned f_mac = 5, f_status = 16, f_ctrl_vq = 17, f_mq = 22;
inline constexpr uint32_t hdr_size = 12;  // struct virtio_net_hdr_v1 (with num_buffers), VERSION_1
// config space
inline constexpr uint16_t cfg_mac = 0, cfg_status = 6, cfg_max_virtqueue_pairs = 8, cfg_size = 10;
inline constexpr uint16_t s_link_up = 1;
// control queue
inline constexpr uint8_t ctrl_class_mq = 4, ctrl_mq_vq_pairs_set = 0;
inline constexpr uint16_t ctrl_mq_pairs_min = 1, ctrl_mq_pairs_max = 0x8000;
inline constexpr uint8_t ok = 0, err = 1;
constexpr unsigned rx_queue(unsigned pair) { return 2 * pair; }
constexpr unsigned tx_queue(unsigned pair) { return 2 * pair + 1; }
constexpr unsigned ctrl_queue(unsigned pairs) { return 2 * pairs; }
}  // namespace net

namespace blk {
inline constexpr unsigned f_flush = 9, f_mq = 12;
inline constexpr uint32_t sector_size = 512;
inline constexpr uint32_t t_in = 0, t_out = 1, t_flush = 4, t_get_id = 8;
inline constexpr uint8_t s_ok = 0, s_ioerr = 1, s_unsupp = 2;
inline constexpr uint32_t req_hdr_size = 16;  // type:32 reserved:32 sector:64
inline constexpr uint32_t id_bytes = 20;
// config space
inline constexpr uint16_t cfg_capacity = 0, cfg_size_max = 8, cfg_seg_max = 12, cfg_blk_size = 20,
                          cfg_num_queues = 34, cfg_size = 36;
}  // namespace blk

}  // namespace vmsim::regmap
