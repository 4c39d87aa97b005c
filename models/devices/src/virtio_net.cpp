#include "vmsim/devices/virtio_net.h"

#include <algorithm>

#include <fmt/format.h>

#include "vmsim/common/kernel_time.h"
#include "vmsim/common/report_ids.h"
#include "vmsim/regmap/virtio_devices.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

namespace n = regmap::net;
using regmap::feature::bit;

virtio_net::virtio_net(sc_core::sc_module_name name, const net_params& params)
    : sc_module(name),
      params_(params),
      config_(n::cfg_size, {{"mac0", n::cfg_mac + 0, 1, false}, {"mac1", n::cfg_mac + 1, 1, false},
                            {"mac2", n::cfg_mac + 2, 1, false}, {"mac3", n::cfg_mac + 3, 1, false},
                            {"mac4", n::cfg_mac + 4, 1, false}, {"mac5", n::cfg_mac + 5, 1, false},
                            {"status", n::cfg_status, 2, false},
                            {"max_virtqueue_pairs", n::cfg_max_virtqueue_pairs, 2, false}}),
      kicked_(2 * params.pairs + 1, false),
      backlog_(params.pairs),
      queues_(2 * params.pairs + 1),
      sample_(params.seed, "virtio-net") {
  if (params.pairs == 0 || params.pairs > n::ctrl_mq_pairs_max)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: pairs must be 1..{}", this->name(), n::ctrl_mq_pairs_max).c_str());
  if (params.traffic == net_traffic::generator && (params.rate_pps <= 0 || params.packet_bytes == 0))
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: the generator needs rate_pps > 0 and packet_bytes > 0", this->name()).c_str());
  if (params.packet_bytes > max_frame_bytes || params.response_bytes > max_frame_bytes)
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: packet_bytes and response_bytes must be at most {}", this->name(), max_frame_bytes).c_str());
  for (const auto* d : {&params.per_packet, &params.wakeup, &params.wire_latency})
    if (auto why = d->check(); !why.empty())
      SC_REPORT_ERROR(ids::config_error, fmt::format("{}: a service time: {}", this->name(), why).c_str());
  if (!params.shared_worker)
    for (unsigned p = 0; p < params.pairs; ++p)
      own_workers_.push_back(std::make_unique<server_pool>(fmt::format("{}.worker{}", this->name(), p), 1));
  for (unsigned i = 0; i < 6; ++i) config_.set(static_cast<uint16_t>(n::cfg_mac + i), params.mac[i], 1);
  config_.set(n::cfg_status, n::s_link_up, 2);
  config_.set(n::cfg_max_virtqueue_pairs, params.pairs, 2);
  SC_HAS_PROCESS(virtio_net);
  SC_METHOD(tx_process);
  sensitive << tx_event_;
  dont_initialize();
  SC_METHOD(rx_process);
  sensitive << rx_event_;
  dont_initialize();
  SC_METHOD(generate);
  sensitive << gen_event_;
  dont_initialize();
}

uint32_t virtio_net::device_id() const { return regmap::device_id::net; }

uint64_t virtio_net::device_features() const {
  uint64_t f = bit(n::f_mac) | bit(n::f_status) | bit(n::f_ctrl_vq);
  if (params_.pairs > 1) f |= bit(n::f_mq);
  return f;
}

void virtio_net::on_driver_ok() {
  active_pairs_ = 1;  // the spec's start: one pair until VQ_PAIRS_SET
  if (params_.traffic == net_traffic::generator) gen_event_.notify(sc_core::sc_time(1.0 / params_.rate_pps, sc_core::SC_SEC));
}

void virtio_net::on_reset() {
  tx_event_.cancel();
  rx_event_.cancel();
  gen_event_.cancel();
  std::fill(kicked_.begin(), kicked_.end(), false);
  for (auto& b : backlog_) b.clear();
  active_pairs_ = 1;
}

void virtio_net::on_queue_notify(unsigned q, const sc_core::sc_time& delay) {
  if (q % 2 == 0 && q < 2 * params_.pairs) {  // rx buffers posted: waiting packets may go now
    rx_event_.notify(delay);
    return;
  }
  kicked_[q] = true;
  tx_event_.notify(delay + params_.backend_notify);
}

void virtio_net::tx_process() {
  for (unsigned q = 1; q < kicked_.size(); q += 2) {
    if (!kicked_[q]) continue;
    kicked_[q] = false;
    transmit(q / 2);
  }
  if (kicked_.back()) {  // the control queue has an even index
    kicked_.back() = false;
    control(n::ctrl_queue(params_.pairs));
  }
}

void virtio_net::transmit(unsigned pair) {
  const unsigned q = n::tx_queue(pair);
  desc_chain chain;
  bool any = false;
  while (host_->pop(q, chain) == pop_status::chain) {
    any = true;
    if (chain.readable_bytes < n::hdr_size) {
      ++stats_.tx_short;
      ++queues_[q].drops;
      SC_REPORT_WARNING(ids::net_tx_short, fmt::format("{}: tx chain on queue {} has {} bytes, less than the {}-byte "
                                                       "header: dropped", name(), q, chain.readable_bytes, n::hdr_size).c_str());
      host_->push_used(q, chain, 0);
      continue;
    }
    uint64_t payload = chain.readable_bytes - n::hdr_size;
    if (payload > max_frame_bytes) {
      ++stats_.tx_too_long;
      SC_REPORT_WARNING(ids::net_tx_too_long, fmt::format("{}: tx chain on queue {} carries {} bytes, more than a {}-byte "
                                                          "frame: its first {} bytes are sent", name(), q, payload,
                                                          max_frame_bytes, max_frame_bytes).c_str());
      payload = max_frame_bytes;
    }
    const auto bytes = static_cast<uint32_t>(payload);
    ++queues_[q].packets;
    queues_[q].bytes += bytes;
    host_->push_used(q, chain, 0);
    if (params_.traffic == net_traffic::reflector) {
      const auto now = sc_core::sc_time_stamp();
      const uint32_t reply = params_.response_bytes ? params_.response_bytes : bytes;
      auto& b = backlog_[pair];
      if (b.size() >= params_.backlog_limit) {
        ++stats_.backlog_drops;
        ++queues_[n::rx_queue(pair)].drops;
        continue;
      }
      const sc_core::sc_time wire(sample_.draw(params_.wire_latency), sc_core::SC_NS);
      b.push_back({now, handled(pair, now) + wire, reply});
    }
  }
  if (any) host_->notify_used(q);
  schedule_rx();
}

void virtio_net::control(unsigned q) {
  desc_chain chain;
  bool any = false;
  while (host_->pop(q, chain) == pop_status::chain) {
    any = true;
    uint8_t hdr[2] = {0xff, 0xff};
    uint16_t pairs = 0;
    uint8_t ack = n::err;
    const int64_t got = chain.read(host_->memory(), 0, hdr, 2);
    std::string why;
    if (chain.writable_bytes == 0) why = "no writable ack byte";
    else if (got != 2) why = "shorter than the class/command header";
    else if (hdr[0] != n::ctrl_class_mq || hdr[1] != n::ctrl_mq_vq_pairs_set)
      why = fmt::format("class {} command {} not supported", hdr[0], hdr[1]);
    else if (chain.read(host_->memory(), 2, &pairs, 2) != 2) why = "VQ_PAIRS_SET without its 16-bit argument";
    else if (pairs < n::ctrl_mq_pairs_min || pairs > params_.pairs)
      why = fmt::format("VQ_PAIRS_SET {} outside 1..{}", pairs, params_.pairs);
    if (why.empty()) {
      active_pairs_ = pairs;
      ack = n::ok;
      ++stats_.ctrl_ok;
    } else {
      ++stats_.ctrl_err;
      SC_REPORT_WARNING(ids::net_bad_ctrl, fmt::format("{}: control command refused (VIRTIO_NET_ERR): {}", name(), why).c_str());
    }
    if (chain.writable_bytes == 0) {
      host_->push_used(q, chain, 0);
      continue;
    }
    chain.write(host_->memory(), chain.writable_bytes - 1, &ack, 1);
    host_->push_used(q, chain, static_cast<uint32_t>(chain.writable_bytes));
  }
  if (any) host_->notify_used(q);
}

bool virtio_net::deliver(unsigned pair, const packet& p) {
  const unsigned q = n::rx_queue(pair);
  desc_chain chain;
  if (host_->pop(q, chain) != pop_status::chain) return false;
  if (chain.writable_bytes < n::hdr_size + p.bytes) {
    ++stats_.rx_too_small;
    ++queues_[q].drops;
    SC_REPORT_WARNING(ids::net_rx_too_small, fmt::format("{}: rx buffer of {} bytes on queue {} cannot hold a {}-byte "
                                                         "packet and its header: packet dropped", name(),
                                                         chain.writable_bytes, q, p.bytes).c_str());
    host_->push_used(q, chain, 0);
    return true;
  }
  // virtio_net_hdr_v1: no offloads, num_buffers = 1 (bytes 10-11); the payload is a fixed pattern.
  uint8_t hdr[n::hdr_size] = {};
  hdr[10] = 1;
  std::vector<uint8_t> frame(n::hdr_size + p.bytes, 0x5a);
  std::copy(hdr, hdr + n::hdr_size, frame.begin());
  if (chain.write(host_->memory(), 0, frame.data(), frame.size()) < 0) {
    host_->needs_reset("net: rx buffer write faulted");
    return true;
  }
  host_->push_used(q, chain, static_cast<uint32_t>(frame.size()));
  ++queues_[q].packets;
  queues_[q].bytes += p.bytes;
  queues_[q].latency.add(to_ns(kernel_time() - p.origin));
  return true;
}

void virtio_net::rx_process() {
  const auto now = sc_core::sc_time_stamp();
  for (unsigned pair = 0; pair < params_.pairs; ++pair) {
    auto& b = backlog_[pair];
    bool any = false;
    while (!b.empty() && b.front().due <= now) {
      if (!deliver(pair, b.front())) break;  // no rx buffer yet: wait for the driver to post one
      b.pop_front();
      any = true;
    }
    if (any) host_->notify_used(n::rx_queue(pair));
  }
  schedule_rx();
}

void virtio_net::schedule_rx() {
  const auto now = sc_core::sc_time_stamp();
  bool found = false;
  sc_core::sc_time next;
  for (const auto& b : backlog_)
    if (!b.empty() && b.front().due > now && (!found || b.front().due < next)) next = b.front().due, found = true;
  if (found) rx_event_.notify(next - now);
}

void virtio_net::generate() {
  if (!host_->driver_ok()) return;
  const auto now = sc_core::sc_time_stamp();
  for (unsigned pair = 0; pair < active_pairs_; ++pair) {
    // The packet reaches the guest once the pair's worker has handled it; past the backlog it is lost.
    auto& b = backlog_[pair];
    if (b.size() >= params_.backlog_limit) {
      ++stats_.no_buffer_drops;  // the guest has not posted rx buffers fast enough: the packet is lost
      ++queues_[n::rx_queue(pair)].drops;
      continue;
    }
    b.push_back({now, handled(pair, now), params_.packet_bytes});
  }
  rx_process();
  gen_event_.notify(sc_core::sc_time(1.0 / params_.rate_pps, sc_core::SC_SEC));
}

sc_core::sc_time virtio_net::handled(unsigned pair, const sc_core::sc_time& at) {
  server_pool& w = params_.shared_worker ? *params_.shared_worker : *own_workers_[pair];
  const sc_core::sc_time wake = w.idle_at(at) ? sc_core::sc_time(sample_.draw(params_.wakeup), sc_core::SC_NS) : sc_core::SC_ZERO_TIME;
  return w.serve(at + wake, sc_core::sc_time(sample_.draw(params_.per_packet), sc_core::SC_NS)).finish;
}

std::vector<server_pool*> virtio_net::workers() {
  if (params_.shared_worker) return {params_.shared_worker};
  std::vector<server_pool*> w;
  for (auto& p : own_workers_) w.push_back(p.get());
  return w;
}

}  // namespace vmsim
