// virtio-net, virtio-blk and virtio-rng back-ends end to end through the transport, and their bad input.
#include <algorithm>
#include <cstring>
#include <vector>

#include "sim_test.h"
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/regmap/virtio_devices.h"

using namespace vmsim;
using namespace vmsim::tb;
namespace n = vmsim::regmap::net;
namespace b = vmsim::regmap::blk;
using regmap::reg;

using net_platform = device_platform<virtio_net>;
using blk_platform = device_platform<virtio_blk>;

namespace {
constexpr uint64_t kb = 1024;
uint64_t buf_area(const net_platform& p, unsigned q, unsigned i) { return p.cfg.ram_base + 0x100000 + q * 0x40000 + i * 0x800; }

// Brings a net device up with every queue of `pairs` pairs plus the control queue.
bool start_net(net_platform& p, unsigned pairs) {
  if (!p.driver.init(all_features)) return false;
  for (unsigned q = 0; q < 2 * pairs + 1; ++q)
    if (!p.driver.setup_queue(q, 64, p.cfg.ram_base + 0x10000 + 0x2000 * q)) return false;
  p.driver.driver_ok();
  return true;
}

// Sends VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET and returns the device's ack.
uint8_t set_pairs(net_platform& p, unsigned pairs, uint8_t cls = n::ctrl_class_mq, uint8_t cmd = n::ctrl_mq_vq_pairs_set) {
  const unsigned cq = n::ctrl_queue(p.device.num_queues() / 2);
  const uint64_t a = p.cfg.ram_base + 0x300000;
  uint8_t hdr[2] = {cls, cmd};
  uint16_t arg = static_cast<uint16_t>(pairs);
  std::memcpy(p.driver.host(a), hdr, 2);
  std::memcpy(p.driver.host(a + 2), &arg, 2);
  *p.driver.host(a + 8) = 0xee;
  p.driver.post(cq, {{a, 2, false}, {a + 2, 2, false}, {a + 8, 1, true}});
  p.driver.kick(cq);
  p.wait_irq();
  p.isr();
  while (p.driver.used_available(cq)) p.driver.reap(cq);
  return *p.driver.host(a + 8);
}

void post_rx(net_platform& p, unsigned pair, unsigned count, uint32_t bytes = 2 * kb) {
  for (unsigned i = 0; i < count; ++i) p.driver.post(n::rx_queue(pair), {{buf_area(p, n::rx_queue(pair), i), bytes, true}});
  p.driver.kick(n::rx_queue(pair));
}

void send(net_platform& p, unsigned pair, unsigned i, uint32_t payload) {
  const uint64_t a = buf_area(p, n::tx_queue(pair), i);
  std::memset(p.driver.host(a), 0, n::hdr_size);
  p.driver.post(n::tx_queue(pair), {{a, n::hdr_size + payload, false}});
}
}  // namespace

BOOST_AUTO_TEST_CASE(net_config_and_features) {
  net_params np;
  np.pairs = 4;
  net_platform top("top", config_for(2), np);
  run_thread([&] {
    BOOST_REQUIRE(top.driver.init(all_features));
    uint32_t v = 0;
    top.cpu.read(top.config_addr(n::cfg_max_virtqueue_pairs), 2, v);
    BOOST_TEST(v == 4u);
    top.cpu.read(top.config_addr(n::cfg_status), 2, v);
    BOOST_TEST(v == n::s_link_up);
    top.cpu.read(top.config_addr(n::cfg_mac + 5), 1, v);
    BOOST_TEST(v == 0x56u);
    BOOST_TEST((top.transport.negotiated_features() & feat::bit(n::f_mq)) != 0u);
  });
  BOOST_TEST(top.device.num_queues() == 9u);
  BOOST_TEST(top.device.irq_line_for_queue(0, 4) == 0u);
  BOOST_TEST(top.device.irq_line_for_queue(3, 4) == 1u);
  BOOST_TEST(top.device.irq_line_for_queue(8, 4) == 0u);  // control queue 2N wraps: N mod lines
  BOOST_TEST(top.device.irq_line_for_queue(8, 3) == 1u);
}

BOOST_AUTO_TEST_CASE(net_reflector_moves_packets_through_several_pairs_at_once) {
  net_params np;
  np.pairs = 3;
  np.response_bytes = 1024;
  net_platform top("top", config_for(2), np);
  unsigned received[3] = {};
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 3));
    BOOST_TEST(set_pairs(top, 3) == n::ok);
    BOOST_TEST(top.device.active_pairs() == 3u);
    for (unsigned pair = 0; pair < 3; ++pair) post_rx(top, pair, 8);
    for (unsigned pair = 0; pair < 3; ++pair) {
      for (unsigned i = 0; i < 4; ++i) send(top, pair, i, 32);
      top.driver.kick(n::tx_queue(pair));
    }
    const auto deadline = sc_core::sc_time_stamp() + sc_core::sc_time(1, sc_core::SC_MS);
    while (received[0] + received[1] + received[2] < 12 && sc_core::sc_time_stamp() < deadline) {
      if (!top.wait_irq(sc_core::sc_time(100, sc_core::SC_US))) break;
      top.isr();
      for (unsigned pair = 0; pair < 3; ++pair) {
        while (top.driver.used_available(n::rx_queue(pair))) {
          BOOST_TEST(top.driver.reap(n::rx_queue(pair)).len == n::hdr_size + 1024);
          ++received[pair];
        }
        while (top.driver.used_available(n::tx_queue(pair))) top.driver.reap(n::tx_queue(pair));
      }
    }
  });
  for (unsigned pair = 0; pair < 3; ++pair) {
    BOOST_TEST(received[pair] == 4u);
    BOOST_TEST(top.device.queue_stats(n::tx_queue(pair)).packets == 4u);
    BOOST_TEST(top.device.queue_stats(n::rx_queue(pair)).bytes == 4u * 1024);
    BOOST_TEST(top.device.queue_stats(n::rx_queue(pair)).latency.count() == 4u);
    // At least the host cost and the wire latency between send and receive.
    BOOST_TEST(top.device.queue_stats(n::rx_queue(pair)).latency.min() >= 11000.0);
  }
}

BOOST_AUTO_TEST_CASE(net_generator_counts_loss_when_rx_ring_runs_dry) {
  net_params np;
  np.pairs = 2;
  np.traffic = net_traffic::generator;
  np.rate_pps = 1e6;
  np.packet_bytes = 256;
  np.backlog_limit = 8;  // the back-end holds 8 packets for want of rx buffers, then drops
  net_platform top("top", config_for(2), np);
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 2));
    BOOST_TEST(set_pairs(top, 2) == n::ok);
    post_rx(top, 0, 10);
    post_rx(top, 1, 10);
    wait(sc_core::sc_time(50, sc_core::SC_US));  // ~50 packets per pair arrive, 10 buffers each
  });
  for (unsigned pair = 0; pair < 2; ++pair) {
    const auto& s = top.device.queue_stats(n::rx_queue(pair));
    BOOST_TEST(s.packets == 10u);
    BOOST_TEST(s.drops >= 30u);
    BOOST_TEST(s.bytes == 10u * 256);
  }
  BOOST_TEST(top.device.stats().no_buffer_drops >= 60u);
}

BOOST_AUTO_TEST_CASE(net_generator_feeds_only_active_pairs) {
  net_params np;
  np.pairs = 2;
  np.traffic = net_traffic::generator;
  np.rate_pps = 1e6;
  net_platform top("top", config_for(2), np);
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 2));  // no VQ_PAIRS_SET: one active pair
    post_rx(top, 0, 4);
    post_rx(top, 1, 4);
    wait(sc_core::sc_time(20, sc_core::SC_US));
  });
  BOOST_TEST(top.device.queue_stats(n::rx_queue(0)).packets == 4u);
  BOOST_TEST(top.device.queue_stats(n::rx_queue(1)).packets == 0u);
}

BOOST_AUTO_TEST_CASE(net_tx_chain_shorter_than_header_is_dropped) {
  net_platform top("top", config_for(2), net_params{});
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 1));
    post_rx(top, 0, 2);
    top.driver.post(n::tx_queue(0), {{buf_area(top, 1, 0), 8, false}});  // 8 < 12
    send(top, 0, 1, 40);                                                   // then a good one
    top.driver.kick(n::tx_queue(0));
    wait(sc_core::sc_time(100, sc_core::SC_US));
  });
  BOOST_TEST(log.count(ids::net_tx_short) == 1u);
  BOOST_TEST(top.device.stats().tx_short == 1u);
  BOOST_TEST(top.device.queue_stats(n::rx_queue(0)).packets == 1u);  // the good packet still went round
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
}

BOOST_AUTO_TEST_CASE(net_rx_buffer_too_small_drops_the_packet) {
  net_platform top("top", config_for(2), net_params{});
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 1));
    post_rx(top, 0, 1, 64);  // cannot hold 12 + 100
    send(top, 0, 0, 100);
    top.driver.kick(n::tx_queue(0));
    wait(sc_core::sc_time(100, sc_core::SC_US));
    BOOST_TEST(top.driver.used_available(n::rx_queue(0)));
    BOOST_TEST(top.driver.reap(n::rx_queue(0)).len == 0u);
  });
  BOOST_TEST(log.count(ids::net_rx_too_small) == 1u);
  BOOST_TEST(top.device.queue_stats(n::rx_queue(0)).drops == 1u);
  BOOST_TEST(top.ram.out_of_range_accesses() == 0u);
}

BOOST_AUTO_TEST_CASE(net_bad_control_commands_get_virtio_net_err) {
  net_params np;
  np.pairs = 2;
  net_platform top("top", config_for(2), np);
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 2));
    BOOST_TEST(set_pairs(top, 3) == n::err);           // above max_virtqueue_pairs
    BOOST_TEST(set_pairs(top, 0) == n::err);           // below the minimum
    BOOST_TEST(set_pairs(top, 1, 9) == n::err);        // unknown class
    BOOST_TEST(set_pairs(top, 1, n::ctrl_class_mq, 7) == n::err);  // unknown command
    BOOST_TEST(set_pairs(top, 2) == n::ok);
  });
  BOOST_TEST(log.count(ids::net_bad_ctrl) == 4u);
  BOOST_TEST(top.device.stats().ctrl_err == 4u);
  BOOST_TEST(top.device.active_pairs() == 2u);
}

// ---- virtio-blk ---------------------------------------------------------------------------------------

namespace {
struct blk_req {
  uint64_t hdr, data, status;
};
blk_req place(blk_platform& p, unsigned slot) {
  const uint64_t a = p.cfg.ram_base + 0x100000 + slot * 0x4000;
  return {a, a + 0x100, a + 0x80};
}
void header(blk_platform& p, const blk_req& r, uint32_t type, uint64_t sector) {
  std::memcpy(p.driver.host(r.hdr), &type, 4);
  std::memset(p.driver.host(r.hdr + 4), 0, 4);
  std::memcpy(p.driver.host(r.hdr + 8), &sector, 8);
  *p.driver.host(r.status) = 0xee;
}
// Runs the posted requests of queue q to completion; returns the used lengths in completion order.
std::vector<uint32_t> drain(blk_platform& p, unsigned q, unsigned expected) {
  std::vector<uint32_t> lens;
  while (lens.size() < expected && p.wait_irq(sc_core::sc_time(1, sc_core::SC_MS))) {
    p.isr();
    while (p.driver.used_available(q)) lens.push_back(p.driver.reap(q).len);
  }
  return lens;
}
bool start_blk(blk_platform& p, unsigned queues) {
  if (!p.driver.init(all_features)) return false;
  for (unsigned q = 0; q < queues; ++q)
    if (!p.driver.setup_queue(q, 64, p.cfg.ram_base + 0x10000 + 0x2000 * q)) return false;
  p.driver.driver_ok();
  return true;
}
}  // namespace

BOOST_AUTO_TEST_CASE(blk_writes_and_reads_back_at_queue_depth_8) {
  blk_params bp;
  bp.storage_service = {8000, dist_shape::lognormal, 1.0};
  blk_platform top("top", config_for(2), bp);
  run_thread([&] {
    BOOST_REQUIRE(start_blk(top, 1));
    uint32_t cap = 0;
    top.cpu.read(top.config_addr(b::cfg_capacity), 4, cap);
    BOOST_TEST(cap == 2048u);
    // Eight 4 KiB writes in flight at once, each with its own pattern.
    for (unsigned i = 0; i < 8; ++i) {
      blk_req r = place(top, i);
      header(top, r, b::t_out, 8u * i);
      std::memset(top.driver.host(r.data), 0x10 + i, 4096);
      top.driver.post(0, {{r.hdr, 16, false}, {r.data, 4096, false}, {r.status, 1, true}});
    }
    top.driver.kick(0);
    BOOST_TEST(drain(top, 0, 8).size() == 8u);
    for (unsigned i = 0; i < 8; ++i) BOOST_TEST(*top.driver.host(place(top, i).status) == b::s_ok);
    // Read them back, again eight at a time, into cleared buffers.
    for (unsigned i = 0; i < 8; ++i) {
      blk_req r = place(top, i);
      header(top, r, b::t_in, 8u * i);
      std::memset(top.driver.host(r.data), 0, 4096);
      top.driver.post(0, {{r.hdr, 16, false}, {r.data, 4096, true}, {r.status, 1, true}});
    }
    top.driver.kick(0);
    auto lens = drain(top, 0, 8);
    BOOST_TEST(lens.size() == 8u);
    for (uint32_t len : lens) BOOST_TEST(len == 4097u);
    for (unsigned i = 0; i < 8; ++i) {
      const uint8_t* d = top.driver.host(place(top, i).data);
      BOOST_TEST((d[0] == 0x10 + i && d[4095] == 0x10 + i && std::memcmp(d, d + 1, 4095) == 0));
      BOOST_TEST(*top.driver.host(place(top, i).status) == b::s_ok);
    }
  });
  const auto& s = top.device.queue_stats(0);
  BOOST_TEST(s.writes == 8u);
  BOOST_TEST(s.reads == 8u);
  BOOST_TEST(s.out_of_order > 0u);  // seeded service times on 8 channels: later requests overtook earlier ones
  BOOST_TEST(s.latency.count() == 16u);
}

BOOST_AUTO_TEST_CASE(blk_multi_queue_serves_each_queue) {
  blk_params bp;
  bp.queues = 2;
  blk_platform top("top", config_for(2), bp);
  run_thread([&] {
    BOOST_REQUIRE(start_blk(top, 2));
    BOOST_TEST((top.transport.negotiated_features() & feat::bit(b::f_mq)) != 0u);
    for (unsigned q = 0; q < 2; ++q) {
      blk_req r = place(top, q);
      header(top, r, b::t_flush, 0);
      top.driver.post(q, {{r.hdr, 16, false}, {r.status, 1, true}});
      top.driver.kick(q);
    }
    drain(top, 0, 1);
    wait(sc_core::sc_time(100, sc_core::SC_US));
  });
  BOOST_TEST(top.device.queue_stats(0).flushes == 1u);
  BOOST_TEST(top.device.queue_stats(1).flushes == 1u);
}

BOOST_AUTO_TEST_CASE(blk_get_id_returns_the_serial) {
  blk_platform top("top", config_for(2), blk_params{});
  run_thread([&] {
    BOOST_REQUIRE(start_blk(top, 1));
    blk_req r = place(top, 0);
    header(top, r, b::t_get_id, 0);
    top.driver.post(0, {{r.hdr, 16, false}, {r.data, 20, true}, {r.status, 1, true}});
    top.driver.kick(0);
    BOOST_TEST(drain(top, 0, 1) == std::vector<uint32_t>{21});
    BOOST_TEST(std::string(reinterpret_cast<char*>(top.driver.host(r.data))) == "vmsim-blk");
  });
}

namespace {
// Posts one malformed request and checks its status byte, warning and that the device carries on.
template <class Post>
void expect_status(uint8_t status, Post post, unsigned warnings = 1) {
  blk_platform top("top", config_for(2), blk_params{});
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(start_blk(top, 1));
    blk_req r = place(top, 0);
    post(top, r);
    top.driver.kick(0);
    BOOST_TEST(drain(top, 0, 1).size() == 1u);
    BOOST_TEST(*top.driver.host(r.status) == status);
    // The device goes on: a good flush still works.
    blk_req g = place(top, 1);
    header(top, g, b::t_flush, 0);
    top.driver.post(0, {{g.hdr, 16, false}, {g.status, 1, true}});
    top.driver.kick(0);
    BOOST_TEST(drain(top, 0, 1).size() == 1u);
    BOOST_TEST(*top.driver.host(g.status) == b::s_ok);
  });
  BOOST_TEST(log.count(ids::blk_bad_request) == warnings);
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
  BOOST_TEST(top.ram.out_of_range_accesses() == 0u);
}
}  // namespace

BOOST_AUTO_TEST_CASE(blk_sector_beyond_the_image_is_an_io_error) {
  expect_status(b::s_ioerr, [](blk_platform& p, const blk_req& r) {
    header(p, r, b::t_in, 2047);  // the second sector is past the end
    p.driver.post(0, {{r.hdr, 16, false}, {r.data, 1024, true}, {r.status, 1, true}});
  });
}

BOOST_AUTO_TEST_CASE(blk_header_of_the_wrong_size_is_an_io_error) {
  expect_status(b::s_ioerr, [](blk_platform& p, const blk_req& r) {
    header(p, r, b::t_in, 0);
    p.driver.post(0, {{r.hdr, 8, false}, {r.status, 1, true}});
  });
}

BOOST_AUTO_TEST_CASE(blk_read_into_a_read_only_descriptor_is_an_io_error) {
  expect_status(b::s_ioerr, [](blk_platform& p, const blk_req& r) {
    header(p, r, b::t_in, 0);
    p.driver.post(0, {{r.hdr, 16, false}, {r.data, 512, false}, {r.status, 1, true}});
  });
}

BOOST_AUTO_TEST_CASE(blk_partial_sector_is_an_io_error) {
  expect_status(b::s_ioerr, [](blk_platform& p, const blk_req& r) {
    header(p, r, b::t_out, 0);
    p.driver.post(0, {{r.hdr, 16, false}, {r.data, 100, false}, {r.status, 1, true}});
  });
}

BOOST_AUTO_TEST_CASE(blk_unknown_type_is_unsupported) {
  expect_status(b::s_unsupp, [](blk_platform& p, const blk_req& r) {
    header(p, r, 99, 0);
    p.driver.post(0, {{r.hdr, 16, false}, {r.status, 1, true}});
  });
}

BOOST_AUTO_TEST_CASE(blk_request_without_status_byte_is_returned_unanswered) {
  blk_platform top("top", config_for(2), blk_params{});
  report_log log;
  run_thread([&] {
    BOOST_REQUIRE(start_blk(top, 1));
    blk_req r = place(top, 0);
    header(top, r, b::t_out, 0);
    top.driver.post(0, {{r.hdr, 16, false}, {r.data, 512, false}});
    top.driver.kick(0);
    BOOST_TEST(drain(top, 0, 1) == std::vector<uint32_t>{0});
  });
  BOOST_TEST(log.count(ids::blk_bad_request) == 1u);
  BOOST_TEST(top.device.queue_stats(0).writes == 0u);  // not executed
}

// ---- a guest chain of gigabytes costs the device no more than one request's worth -----------------------
namespace {
// `count` device-writable (or readable) descriptors of `len` bytes each, all over the same guest memory:
// the chain claims count * len bytes, far beyond what any request needs.
std::vector<guest_buffer> overlapping(uint64_t addr, uint32_t len, unsigned count, bool writable) {
  return std::vector<guest_buffer>(count, guest_buffer{addr, len, writable});
}
}  // namespace

BOOST_AUTO_TEST_CASE(rng_serves_a_huge_chain_from_its_first_bytes) {
  device_platform<virtio_rng> top("top", config_for(2), rng_params{});
  const uint64_t a = top.cfg.ram_base + 0x100000;
  mini_driver::used u{};
  run_thread([&] {
    BOOST_REQUIRE(start_device(top, 1));
    top.driver.post(0, overlapping(a, 16 << 20, 8, true));  // 128 MiB claimed
    top.driver.kick(0);
    BOOST_REQUIRE(top.wait_irq(sc_core::sc_time(1, sc_core::SC_MS)));
    BOOST_REQUIRE(top.driver.used_available(0));
    u = top.driver.reap(0);
  });
  BOOST_TEST(u.len == virtio_rng::max_request_bytes);
  BOOST_TEST(top.device.bytes() == virtio_rng::max_request_bytes);
  const uint8_t* m = top.driver.host(a);
  BOOST_TEST(std::count(m + virtio_rng::max_request_bytes, m + 2 * virtio_rng::max_request_bytes, 0) ==
             long(virtio_rng::max_request_bytes));  // nothing written past the served bytes
  BOOST_TEST(std::count(m, m + virtio_rng::max_request_bytes, 0) < long(virtio_rng::max_request_bytes / 64));
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
}

BOOST_AUTO_TEST_CASE(net_reflects_at_most_one_frame_of_a_huge_tx_chain) {
  net_platform top("top", config_for(2), net_params{});  // reflector, response_bytes 0: the request's size
  report_log log;
  const uint64_t tx = top.cfg.ram_base + 0x100000, rx = top.cfg.ram_base + 0x1200000;
  mini_driver::used u{};
  run_thread([&] {
    BOOST_REQUIRE(start_net(top, 1));
    top.driver.post(n::rx_queue(0), overlapping(rx, 4 << 20, 1, true));  // room for far more than a frame
    top.driver.kick(n::rx_queue(0));
    std::memset(top.driver.host(tx), 0, n::hdr_size);
    top.driver.post(n::tx_queue(0), overlapping(tx, 16 << 20, 8, false));  // 128 MiB to transmit
    top.driver.kick(n::tx_queue(0));
    wait(sc_core::sc_time(100, sc_core::SC_US));  // the reflector answers after the wire latency (10 us)
    BOOST_REQUIRE(top.driver.used_available(n::rx_queue(0)));
    u = top.driver.reap(n::rx_queue(0));
  });
  BOOST_TEST(u.len == n::hdr_size + virtio_net::max_frame_bytes);
  BOOST_TEST(top.device.stats().tx_too_long == 1u);
  BOOST_TEST(log.count(ids::net_tx_too_long) == 1u);
  BOOST_TEST(top.device.queue_stats(n::tx_queue(0)).bytes == virtio_net::max_frame_bytes);
  BOOST_TEST(*top.driver.host(rx + n::hdr_size + virtio_net::max_frame_bytes) == 0);  // nothing past the frame
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
}

BOOST_AUTO_TEST_CASE(rng_bytes_are_the_seeded_stream_in_one_buffer_or_scattered) {
  // A single writable buffer is filled in place (its mapping), a chain of several by a scatter: the guest
  // sees the same generator stream either way, and a readable segment is left alone.
  rng_params rp;
  rp.seed = 42;
  device_platform<virtio_rng> top("top", config_for(2), rp);
  const uint64_t a = top.cfg.ram_base + 0x100000;
  run_thread([&] {
    BOOST_REQUIRE(start_device(top, 1));
    top.driver.post(0, {{a, 64, true}});
    top.driver.kick(0);
    BOOST_REQUIRE(top.wait_irq());
    top.isr();
    BOOST_TEST(top.driver.reap(0).len == 64u);
    top.driver.post(0, {{a + 0x200, 16, false}, {a + 0x100, 3, true}, {a + 0x300, 61, true}});
    top.driver.kick(0);
    BOOST_REQUIRE(top.wait_irq());
    top.isr();
    BOOST_TEST(top.driver.reap(0).len == 64u);
  });
  splitmix64 gen(42);
  uint8_t want[128];
  gen.fill(want, 64);
  gen.fill(want + 64, 64);
  BOOST_TEST(std::memcmp(top.driver.host(a), want, 64) == 0);
  BOOST_TEST(std::memcmp(top.driver.host(a + 0x100), want + 64, 3) == 0);
  BOOST_TEST(std::memcmp(top.driver.host(a + 0x300), want + 67, 61) == 0);
  const uint8_t* readable = top.driver.host(a + 0x200);
  BOOST_TEST(std::count(readable, readable + 16, 0) == 16);
  BOOST_TEST(top.transport.stats().needs_reset == 0u);
}
