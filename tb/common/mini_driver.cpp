#include "mini_driver.h"

#include <cstring>

namespace vmsim::tb {

namespace vr = regmap::vring;
namespace st = regmap::status;
using regmap::reg;

uint32_t mini_driver::reg(regmap::reg r) {
  uint32_t v = 0;
  bus_.read(base_ + regmap::offset_of(r), 4, v);
  return v;
}

tlm::tlm_response_status mini_driver::set(regmap::reg r, uint32_t v) {
  return bus_.write(base_ + regmap::offset_of(r), 4, v);
}

void mini_driver::poke16(uint64_t a, uint16_t v) { std::memcpy(host(a), &v, 2); }
uint16_t mini_driver::peek16(uint64_t a) {
  uint16_t v;
  std::memcpy(&v, host(a), 2);
  return v;
}

bool mini_driver::init(uint64_t wanted) {
  if (reg(reg::magic_value) != regmap::magic_value) return false;
  version_ = reg(reg::version);
  if (reg(reg::device_id) == 0) return false;
  set(reg::status, 0);
  set(reg::status, st::acknowledge);
  set(reg::status, st::acknowledge | st::driver);
  uint64_t offered = 0;
  for (uint32_t sel = 0; sel < 2; ++sel) {
    set(reg::device_features_sel, sel);
    offered |= uint64_t{reg(reg::device_features)} << (32 * sel);
  }
  negotiated_ = offered & wanted;
  for (uint32_t sel = 0; sel < 2; ++sel) {
    set(reg::driver_features_sel, sel);
    set(reg::driver_features, static_cast<uint32_t>(negotiated_ >> (32 * sel)));
  }
  if (version_ == regmap::version_legacy) {
    set(reg::guest_page_size, 4096);
    return true;
  }
  set(reg::status, st::acknowledge | st::driver | st::features_ok);
  return (reg(reg::status) & st::features_ok) != 0;
}

bool mini_driver::setup_queue(unsigned q, uint16_t num, uint64_t base) {
  set(reg::queue_sel, q);
  if (reg(reg::queue_num_max) < num) return false;
  set(reg::queue_num, num);
  ring& r = rings_.at(q);
  r = ring{};
  r.num = num;
  r.desc = base;
  r.avail = base + vr::desc_table_bytes(num);
  if (version_ == regmap::version_legacy) {
    r.used = base + vr::legacy_used_offset(num, 4096);
    std::memset(host(base), 0, vr::legacy_size(num, 4096));
    set(reg::queue_align, 4096);
    set(reg::queue_pfn, static_cast<uint32_t>(base / 4096));
    return reg(reg::queue_pfn) != 0;
  }
  if (reg(reg::queue_ready) != 0) return false;
  r.used = vr::align_up(r.avail + vr::avail_bytes(num), vr::used_align);
  std::memset(host(base), 0, r.used + vr::used_bytes(num) - base);
  set(reg::queue_desc_low, static_cast<uint32_t>(r.desc));
  set(reg::queue_desc_high, static_cast<uint32_t>(r.desc >> 32));
  set(reg::queue_driver_low, static_cast<uint32_t>(r.avail));
  set(reg::queue_driver_high, static_cast<uint32_t>(r.avail >> 32));
  set(reg::queue_device_low, static_cast<uint32_t>(r.used));
  set(reg::queue_device_high, static_cast<uint32_t>(r.used >> 32));
  set(reg::queue_ready, 1);
  return reg(reg::queue_ready) == 1;
}

void mini_driver::driver_ok() {
  uint32_t s = reg(reg::status) & ~st::device_needs_reset;
  set(reg::status, s | st::driver_ok);
}

uint16_t mini_driver::post(unsigned q, const std::vector<guest_buffer>& bufs) {
  ring& r = rings_.at(q);
  uint16_t head = r.next_desc;
  for (size_t i = 0; i < bufs.size(); ++i) {
    uint16_t idx = static_cast<uint16_t>((head + i) % r.num);
    uint8_t* d = host(r.desc + uint64_t{idx} * vr::desc_size);
    uint16_t flags = static_cast<uint16_t>((bufs[i].device_writable ? vr::desc_f_write : 0) |
                                           (i + 1 < bufs.size() ? vr::desc_f_next : 0));
    uint16_t next = static_cast<uint16_t>((idx + 1) % r.num);
    std::memcpy(d + vr::desc_addr, &bufs[i].addr, 8);
    std::memcpy(d + vr::desc_len, &bufs[i].len, 4);
    std::memcpy(d + vr::desc_flags, &flags, 2);
    std::memcpy(d + vr::desc_next, &next, 2);
  }
  r.next_desc = static_cast<uint16_t>((head + bufs.size()) % r.num);
  poke16(r.avail + vr::avail_ring + 2u * (r.avail_idx % r.num), head);
  ++r.avail_idx;
  poke16(r.avail + vr::avail_idx, r.avail_idx);
  return head;
}

void mini_driver::kick(unsigned q) { set(reg::queue_notify, q); }

bool mini_driver::used_available(unsigned q) {
  ring& r = rings_.at(q);
  return peek16(r.used + vr::used_idx) != r.last_used;
}

mini_driver::used mini_driver::reap(unsigned q) {
  ring& r = rings_.at(q);
  uint8_t* e = host(r.used + vr::used_ring + uint64_t{vr::used_elem_size} * (r.last_used % r.num));
  used u;
  std::memcpy(&u.id, e, 4);
  std::memcpy(&u.len, e + 4, 4);
  ++r.last_used;
  // Ask for an interrupt at the next used buffer (what Linux's virtqueue_enable_cb does with EVENT_IDX).
  poke16(r.avail + vr::used_event_offset(r.num), r.last_used);
  return u;
}

}  // namespace vmsim::tb
