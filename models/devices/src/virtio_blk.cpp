#include "vmsim/devices/virtio_blk.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "vmsim/common/kernel_time.h"
#include "vmsim/common/report_ids.h"
#include "vmsim/regmap/virtio_devices.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

namespace b = regmap::blk;
using regmap::feature::bit;

virtio_blk::virtio_blk(sc_core::sc_module_name name, const blk_params& params)
    : sc_module(name),
      params_(params),
      config_(b::cfg_size, {{"capacity", b::cfg_capacity, 8, false},
                            {"size_max", b::cfg_size_max, 4, false},
                            {"seg_max", b::cfg_seg_max, 4, false},
                            {"blk_size", b::cfg_blk_size, 4, false},
                            {"num_queues", b::cfg_num_queues, 2, false}}),
      sample_(params.seed, "virtio-blk"),
      next_seq_(params.queues, 0),
      last_completed_seq_(params.queues, 0),
      queues_(params.queues),
      kicked_(params.queues, false) {
  if (params.queues == 0 || params.capacity_sectors == 0 || params.capacity_sectors > (uint64_t{1} << 26))
    SC_REPORT_ERROR(ids::config_error, fmt::format("{}: queues must be >= 1 and capacity 1..2^26 sectors", this->name()).c_str());
  for (const auto* d : {&params.per_request, &params.wakeup, &params.storage_service})
    if (auto why = d->check(); !why.empty())
      SC_REPORT_ERROR(ids::config_error, fmt::format("{}: a service time: {}", this->name(), why).c_str());
  iothreads_ = std::make_unique<server_pool>(std::string(this->name()) + ".iothreads", params.iothreads);
  storage_ = std::make_unique<server_pool>(std::string(this->name()) + ".storage", params.storage_channels);
  image_.assign(params.capacity_sectors * b::sector_size, 0);
  config_.set(b::cfg_capacity, params.capacity_sectors, 8);
  config_.set(b::cfg_size_max, 1u << 20, 4);
  config_.set(b::cfg_seg_max, params.queue_size - 2u, 4);
  config_.set(b::cfg_blk_size, b::sector_size, 4);
  config_.set(b::cfg_num_queues, params.queues, 2);
  SC_HAS_PROCESS(virtio_blk);
  SC_METHOD(take_kicked);
  sensitive << take_event_;
  dont_initialize();
  SC_METHOD(complete);
  sensitive << done_event_;
  dont_initialize();
}

uint32_t virtio_blk::device_id() const { return regmap::device_id::block; }

uint64_t virtio_blk::device_features() const {
  return bit(b::f_flush) | (params_.queues > 1 ? bit(b::f_mq) : 0);
}

void virtio_blk::on_queue_notify(unsigned q, const sc_core::sc_time& delay) {
  kicked_[q] = true;
  take_event_.notify(delay);
}

void virtio_blk::on_reset() {
  take_event_.cancel();
  done_event_.cancel();
  in_flight_.clear();
  std::fill(kicked_.begin(), kicked_.end(), false);
}

void virtio_blk::take_kicked() {
  for (unsigned q = 0; q < params_.queues; ++q)
    if (kicked_[q]) {
      kicked_[q] = false;
      take(q);
    }
}

void virtio_blk::take(unsigned q) {
  const auto now = sc_core::sc_time_stamp();
  auto ns = [&](const distribution& d) { return sc_core::sc_time(sample_.draw(d), sc_core::SC_NS); };
  // The kick's eventfd wakes an I/O thread that slept; it then takes every request the ring holds.
  const sc_core::sc_time ready = now + (iothreads_->idle_at(now) ? ns(params_.wakeup) : sc_core::SC_ZERO_TIME);
  request r{q, {}, now, 0};
  while (host_->pop(q, r.chain) == pop_status::chain) {
    r.seq = next_seq_[q]++;
    ++queues_[q].requests;
    const auto handled = iothreads_->serve(ready, ns(params_.per_request));
    const auto bytes = static_cast<double>(r.chain.readable_bytes + r.chain.writable_bytes);
    const auto stored = storage_->serve(handled.finish, ns(params_.storage_service) + params_.per_byte * bytes);
    in_flight_.emplace(stored.finish, r);
  }
  if (!in_flight_.empty()) done_event_.notify(in_flight_.begin()->first - now);
}

void virtio_blk::bad(unsigned q, const std::string& why) {
  ++queues_[q].errors;
  SC_REPORT_WARNING(ids::blk_bad_request, fmt::format("{}: queue {}: {}", name(), q, why).c_str());
}

uint32_t virtio_blk::execute(const request& r, uint8_t& status) {
  auto& mem = host_->memory();
  const auto& c = r.chain;
  status = b::s_ioerr;
  uint8_t hdr[b::req_hdr_size];
  if (c.readable_bytes < b::req_hdr_size || c.read(mem, 0, hdr, sizeof hdr) != b::req_hdr_size) {
    bad(r.queue, fmt::format("request header of {} bytes, {} expected", c.readable_bytes, b::req_hdr_size));
    return 0;
  }
  uint32_t type;
  uint64_t sector;
  std::memcpy(&type, hdr, 4);
  std::memcpy(&sector, hdr + 8, 8);
  const uint64_t data_out = c.readable_bytes - b::req_hdr_size;  // guest -> device
  const uint64_t data_in = c.writable_bytes - 1;                 // device -> guest, before the status byte
  auto in_range = [&](uint64_t bytes) {
    return bytes % b::sector_size == 0 && sector <= params_.capacity_sectors &&
           bytes / b::sector_size <= params_.capacity_sectors - sector;
  };
  auto& st = queues_[r.queue];
  switch (type) {
    case b::t_in:
      if (data_out != 0) return bad(r.queue, "IN request with device-readable data buffers"), 0;
      if (!in_range(data_in)) return bad(r.queue, fmt::format("IN of {} bytes at sector {}: beyond the {}-sector image or not whole sectors", data_in, sector, params_.capacity_sectors)), 0;
      if (c.write(mem, 0, image_.data() + sector * b::sector_size, data_in) != static_cast<int64_t>(data_in)) return 0;
      ++st.reads;
      st.bytes += data_in;
      status = b::s_ok;
      return static_cast<uint32_t>(data_in);
    case b::t_out:
      if (!in_range(data_out)) return bad(r.queue, fmt::format("OUT of {} bytes at sector {}: beyond the {}-sector image or not whole sectors", data_out, sector, params_.capacity_sectors)), 0;
      if (c.read(mem, b::req_hdr_size, image_.data() + sector * b::sector_size, data_out) != static_cast<int64_t>(data_out)) return 0;
      ++st.writes;
      st.bytes += data_out;
      status = b::s_ok;
      return 0;
    case b::t_flush:
      ++st.flushes;
      status = b::s_ok;
      return 0;
    case b::t_get_id: {
      char id[b::id_bytes] = {};  // not NUL-terminated when the id fills all 20 bytes (spec 5.2.6)
      std::memcpy(id, params_.id.data(), std::min<size_t>(params_.id.size(), sizeof id));
      const uint64_t n = std::min<uint64_t>(data_in, b::id_bytes);
      c.write(mem, 0, id, n);
      status = b::s_ok;
      return static_cast<uint32_t>(n);
    }
    default:
      status = b::s_unsupp;
      bad(r.queue, fmt::format("request type {} not supported (VIRTIO_BLK_S_UNSUPP)", type));
      return 0;
  }
}

void virtio_blk::complete() {
  const auto now = sc_core::sc_time_stamp();
  std::vector<bool> touched(params_.queues, false);
  while (!in_flight_.empty() && in_flight_.begin()->first <= now) {
    request r = in_flight_.begin()->second;
    in_flight_.erase(in_flight_.begin());
    auto& st = queues_[r.queue];
    if (r.chain.writable_bytes == 0) {
      // No status byte: the request cannot be answered; it is returned unanswered.
      bad(r.queue, "request without a device-writable status byte: returned with used length 0");
      host_->push_used(r.queue, r.chain, 0);
    } else {
      uint8_t status;
      const uint32_t written = execute(r, status);
      r.chain.write(host_->memory(), r.chain.writable_bytes - 1, &status, 1);
      host_->push_used(r.queue, r.chain, written + 1);
    }
    ++st.completions;
    if (r.seq < last_completed_seq_[r.queue]) ++st.out_of_order;
    last_completed_seq_[r.queue] = std::max(last_completed_seq_[r.queue], r.seq);
    st.latency.add(to_ns(now - r.taken));
    touched[r.queue] = true;
  }
  for (unsigned q = 0; q < params_.queues; ++q)
    if (touched[q]) host_->notify_used(q);
  if (!in_flight_.empty()) done_event_.notify(in_flight_.begin()->first - now);
}

}  // namespace vmsim
