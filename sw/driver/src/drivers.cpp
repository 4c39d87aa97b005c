#include "vdrv/drivers.h"

#include "vmsim/regmap/virtio_devices.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vdrv {

namespace rm = vmsim::regmap;

// ---- cpu_context ---------------------------------------------------------------------------------------
void cpu_context::attach(virtio_driver& d) {
  if (count_ < max_devices) devices_[count_++] = &d;
}

bool cpu_context::service() {
  if (!ic_) return false;
  const uint64_t r0 = h_.reads, w0 = h_.writes, entry = h_.now_ns();
  const uint32_t id = ic_->acknowledge(cpu_);
  if (id == irq_controller::spurious) return false;
  virtio_driver* first = nullptr;
  unsigned owners = 0;
  for (unsigned i = 0; i < count_; ++i)
    if (devices_[i]->owns(id) && !owners++) first = devices_[i];
  if (owners == 1) {
    first->on_interrupt(id, entry);
  } else if (owners > 1) {  // every sharer's ISR, as Linux's handle_irq_event walks the line's actions
    ++shared_.interrupts;
    bool claimed = false;
    uint64_t others_r = 0, others_w = 0;
    for (unsigned i = 0; i < count_; ++i) {
      virtio_driver* d = devices_[i];
      if (!d->owns(id)) continue;
      const uint64_t rk = h_.reads, wk = h_.writes;
      const bool mine = d->on_interrupt(id, entry, true);
      const uint64_t r = h_.reads - rk, w = h_.writes - wk;
      claimed = claimed || mine;
      if (!mine) {
        ++shared_.idle_calls;
        shared_.idle_reads += r;
      }
      if (d != first) {  // its own accesses; the controller's (acknowledge, EOI) are the first sharer's
        d->isr_done(entry, r, w);
        others_r += r;
        others_w += w;
      }
    }
    if (!claimed) ++shared_.unclaimed;
    ic_->eoi(cpu_, id);
    first->isr_done(entry, h_.reads - r0 - others_r, h_.writes - w0 - others_w);
    return true;
  } else {  // nobody here can acknowledge it at its device: a level line would come straight back
    ++unowned_;
    ic_->mask(id, true);
  }
  ic_->eoi(cpu_, id);
  if (first) first->isr_done(entry, h_.reads - r0, h_.writes - w0);
  return true;
}

// ---- virtio_driver --------------------------------------------------------------------------------------
status virtio_driver::fail(status why) {
  if (error_ == status::ok) {
    error_ = why;
    dev_.fail();  // FAILED: the device may stop; the driver will not touch it again
  }
  return why;
}

status virtio_driver::start(uint32_t expected, unsigned queues, arena& mem, const start_options& o) {
  if (queues > max_queues) return error_ = status::queue_unavailable;
  if (status s = dev_.probe(o.allow_v3); s != status::ok) return error_ = s;  // not ours to fail
  if (dev_.device_id() != expected) return error_ = status::wrong_device;
  if (status s = dev_.begin_init(o.features); s != status::ok) return error_ = s;
  queues_ = queues;
  request_timeout_ns_ = o.request_timeout_ns;
  // The rings make no MMIO access: they take the HAL under the counter (one indirection less per barrier).
  for (unsigned q = 0; q < queues; ++q)
    if (status s = dev_.setup_queue(q, vqs_[q], mem, o.queue_size, &h_->inner()); s != status::ok) return fail(s);
  if (o.doorbells)
    if (status s = dev_.use_doorbells(queues, o.window); s != status::ok) return fail(s);
  // Interrupts are set up before DRIVER_OK, as Linux does in find_vqs (virtio_dev_probe calls the driver's
  // probe, whose find_vqs programs MSI, then virtio_device_ready sets DRIVER_OK). msi_refused: wired fallback.
  if (irq_controller* ic = cpu_->controller()) irq_.setup(dev_, *ic, o.irq, queues);
  if (status s = dev_.driver_ok(); s != status::ok) return fail(s);
  cpu_->attach(*this);
  return status::ok;
}

status virtio_driver::submit(unsigned q, const buffer* bufs, unsigned n, void* cookie) {
  if (error_ != status::ok) return status::device_failed;
  if (q >= queues_) return status::queue_unavailable;
  if (status s = vqs_[q].add(bufs, n, cookie); s != status::ok) return s;
  if (vqs_[q].kick_needed()) {
    if (!kick_open_[q]) kick_ns_[q] = h_->now_ns();  // kick-to-interrupt starts at the first open kick
    kick_open_[q] = true;
    ++stats_.kicks;
    dev_.notify(q);
  }
  return status::ok;
}

status virtio_driver::poll(unsigned q, void*& cookie, uint32_t& len) {
  if (error_ != status::ok) return status::device_failed;
  if (q >= queues_) return status::queue_unavailable;
  const status s = vqs_[q].get_used(cookie, len);
  if (s == status::bad_used_id || s == status::bad_used_len) return fail(s);
  // Only the recent past matters to irq_seen_: keep it within reach of the 16-bit comparison.
  if (static_cast<uint16_t>(vqs_[q].last_used() - irq_seen_[q]) > 0x4000)
    irq_seen_[q] = static_cast<uint16_t>(vqs_[q].last_used() - 0x4000);
  return s;
}

// Flattened: the interrupt's whole path (acknowledge, the owner's handler, EOI) in one frame, as it runs
// once per interrupt.
[[gnu::flatten]] void virtio_driver::take_pending_interrupts() {
  // A burst at most: a line that stays up must not keep the caller here (its wait has a deadline).
  for (unsigned i = 1; cpu_->service() && i < interrupt_burst && h_->interrupt_pending(); ++i) {
  }
}

status virtio_driver::wait(unsigned q, void*& cookie, uint32_t& len, uint64_t timeout_ns) {
  const bool irqs = cpu_->interrupts();
  // A queue without a callback gets no interrupt: it is polled (Linux's virtnet_send_command spins on its
  // control queue), looked at every poll_interval_ns while other interrupts are taken as they come.
  const bool polled = !irq_.has_callback(q);
  const uint64_t start = h_->now_ns();
  for (unsigned spin = 0;; ++spin) {
    // Take what is pending first, as a CPU would, so each interrupt is serviced (and timed) when it comes.
    const bool took = irqs && take_interrupts();
    const status s = poll(q, cookie, len);
    if (s == status::ok && irqs && !polled) take_trailing(q);
    if (s != status::empty) return s;
    // A config interrupt may announce DEVICE_NEEDS_RESET, or a device that reset itself or took
    // FEATURES_OK back; without interrupts look now and then (an MMIO read).
    const bool looked = check_status_ || (!irqs && spin % 64 == 63);
    if (looked) {
      check_status_ = false;
      if (status h = dev_.health(); h != status::ok) return fail(h);
    }
    // No access between here and the wait: one reading serves both. A first look that took no interrupt
    // and read no register reuses `start` (on a simulated vCPU only accesses and waits move the clock;
    // on hardware a look at the ring is nanoseconds).
    const uint64_t now = spin > 0 || took || looked ? h_->now_ns() : start;
    if (now - start > timeout_ns) return status::timeout;
    if (irqs) {
      const uint64_t end = start + timeout_ns + 1, next = now + poll_interval_ns;
      h_->wait_for_interrupt_until(polled && next < end ? next : end);
    }
  }
}

// virtio publishes a used element before it signals it, so a look at the ring can find the element
// first (QEMU's TCG vCPU sees the ring a few microseconds before the line). The interrupt the device owes
// for it is taken here, within a bound, rather than left to the next request or to another driver.
void virtio_driver::take_trailing(unsigned q) {
  const virtqueue& vq = vqs_[q];
  auto covered = [&] { return static_cast<int16_t>(irq_seen_[q] - vq.last_used()) >= 0; };
  if (!vq.interrupt_owed() || covered()) return;
  const uint64_t start = h_->now_ns();
  while (error_ == status::ok) {
    take_interrupts();
    if (covered()) return;
    if (h_->now_ns() - start > trailing_irq_ns) {
      ++stats_.missed;  // if it comes later, it counts as trailing, not spurious
      return;
    }
    h_->wait_for_interrupt_until(start + trailing_irq_ns + 1);
  }
}

status virtio_driver::wait_request(unsigned q, void*& cookie, uint32_t& len) {
  const status s = wait(q, cookie, len, request_timeout_ns_);
  return s == status::timeout ? fail(s) : s;
}

void virtio_driver::set_callback(unsigned q, queue_callback fn, void* ctx) {
  if (q >= max_queues) return;
  callback_[q] = fn;
  callback_ctx_[q] = ctx;
}

void virtio_driver::disable_callbacks(unsigned q) {
  if (q < queues_) vqs_[q].disable_interrupts();
}

bool virtio_driver::enable_callbacks(unsigned q) {
  if (q >= queues_ || error_ != status::ok) return true;
  vqs_[q].enable_interrupts();
  if (!vqs_[q].has_used()) return true;
  irq_seen_[q] = vqs_[q].used_index();  // what came meanwhile is polled: no interrupt is owed for it
  return false;
}

bool virtio_driver::on_interrupt(uint32_t id, uint64_t entry_ns, bool shared) {
  const device_irq::event e = irq_.handle(id);
  ++stats_.interrupts;
  bool work = false, trailing = false;
  // The queues it names, in order (queues_ <= max_queues < 64).
  for (uint64_t named = e.queues & ((uint64_t{1} << queues_) - 1); named; named &= named - 1) {
    const unsigned q = static_cast<unsigned>(__builtin_ctzll(named));
    const uint16_t now = vqs_[q].used_index();
    if (now != vqs_[q].last_used()) {
      work = true;
      if (kick_open_[q]) {
        stats_.kick_to_irq.add(entry_ns - kick_ns_[q]);
        kick_open_[q] = false;
      }
      if (callback_[q]) callback_[q](callback_ctx_[q], q);
    } else if (now != irq_seen_[q]) {
      trailing = true;  // for elements reaped by polling since the last interrupt
    }
    irq_seen_[q] = now;
  }
  bool config_news = false;
  if (e.config) {
    config_seen_ = check_status_ = true;
    // A changed ConfigGeneration is news; the same one again is a device crying wolf (Version 1 has none,
    // and the first config interrupt has nothing to compare with).
    const uint32_t g = dev_.version() >= 2 ? dev_.reg(rm::offset_of(rm::reg::config_generation)) : 0;
    config_news = dev_.version() < 2 || !generation_known_ || g != config_generation_;
    config_generation_ = g;
    generation_known_ = true;
  }
  if (work) {  // the usual case: it brought used buffers
    idle_run_ = 0;
    return true;
  }
  if (shared && !trailing && !e.config) {
    ++stats_.shared_none;  // another sharer's interrupt
    return false;
  }
  if (trailing) ++stats_.trailing;
  else if (!e.config) ++stats_.spurious;
  if (trailing || config_news) {
    idle_run_ = 0;
  } else if (++idle_run_ >= storm_limit && error_ == status::ok) {
    irq_.silence();  // the device will not stop: mask its lines, then give it up
    fail(status::interrupt_storm);
  }
  return trailing || e.config;
}

// ---- virtio-rng ------------------------------------------------------------------------------------------
status rng_driver::read(void* buf, uint32_t len, uint32_t& got) {
  buffer b{buf, len, true};
  if (status s = submit(0, &b, 1, buf); s != status::ok) return s;
  void* cookie = nullptr;
  status s = wait_request(0, cookie, got);
  if (s == status::ok && cookie != buf) return fail(status::bad_used_id);
  return s;
}

// ---- virtio-blk ------------------------------------------------------------------------------------------
status blk_driver::start(arena& mem, const start_options& o, unsigned queues) {
  namespace b = rm::blk;
  if (status s = virtio_driver::start(rm::device_id::block, queues, mem, o); s != status::ok) return s;
  req_ = static_cast<request_mem*>(mem.alloc(sizeof(request_mem) * queues, 16));
  if (!req_) return fail(status::no_memory);
  uint8_t cap[8];
  if (status s = dev_.read_config(b::cfg_capacity, cap, 8); s != status::ok) return fail(s);
  capacity_ = 0;
  for (int i = 7; i >= 0; --i) capacity_ = capacity_ << 8 | cap[i];
  return status::ok;
}

status blk_driver::request(unsigned q, uint32_t type, uint64_t sector, void* data, uint32_t bytes, bool device_writes) {
  if (error_ != status::ok) return status::device_failed;
  request_mem& r = req_[q];
  for (int i = 0; i < 4; ++i) r.hdr[i] = static_cast<uint8_t>(type >> (8 * i));
  for (int i = 4; i < 8; ++i) r.hdr[i] = 0;
  for (int i = 0; i < 8; ++i) r.hdr[8 + i] = static_cast<uint8_t>(sector >> (8 * i));
  r.status = 0xff;
  buffer bufs[3] = {{r.hdr, 16, false}, {data, bytes, device_writes}, {&r.status, 1, true}};
  const buffer* chain = bufs;
  buffer no_data[2] = {bufs[0], bufs[2]};
  unsigned n = 3;
  if (bytes == 0) chain = no_data, n = 2;
  if (status s = submit(q, chain, n, &r); s != status::ok) return s;
  void* cookie = nullptr;
  uint32_t len = 0;
  if (status s = wait_request(q, cookie, len); s != status::ok) return s;
  if (cookie != &r) return fail(status::bad_used_id);
  return r.status == rm::blk::s_ok ? status::ok : status::io_error;
}

status blk_driver::read(unsigned q, uint64_t sector, void* buf, uint32_t count) {
  return request(q, rm::blk::t_in, sector, buf, count * rm::blk::sector_size, true);
}

status blk_driver::write(unsigned q, uint64_t sector, const void* buf, uint32_t count) {
  return request(q, rm::blk::t_out, sector, const_cast<void*>(buf), count * rm::blk::sector_size, false);
}

status blk_driver::get_id(char (&id)[21]) {
  zero(id, sizeof id);
  zero(req_[0].id, sizeof req_[0].id);
  const status s = request(0, rm::blk::t_get_id, 0, req_[0].id, sizeof req_[0].id, true);
  copy(id, req_[0].id, sizeof req_[0].id);
  return s;
}

// ---- virtio-net ------------------------------------------------------------------------------------------
status net_driver::start(arena& mem, const start_options& o, unsigned pairs) {
  namespace n = rm::net;
  start_options opts = o;
  if (!opts.irq.line_of_queue) opts.irq.line_of_queue = &net_driver::line_of_queue;
  if (status s = virtio_driver::start(rm::device_id::net, 2 * pairs + 1, mem, opts); s != status::ok) return s;
  uint8_t mp[2];
  if (status s = dev_.read_config(n::cfg_max_virtqueue_pairs, mp, 2); s != status::ok) return fail(s);
  max_pairs_ = static_cast<unsigned>(mp[0] | mp[1] << 8);
  if (pairs > max_pairs_) return fail(status::queue_unavailable);
  pairs_ = 1;  // one pair is active until VQ_PAIRS_SET
  ctrl_ = static_cast<uint8_t*>(mem.alloc(8, 8));
  return ctrl_ ? status::ok : fail(status::no_memory);
}

status net_driver::set_pairs(unsigned n) {
  namespace nn = rm::net;
  if (error_ != status::ok) return status::device_failed;
  ctrl_[0] = nn::ctrl_class_mq;
  ctrl_[1] = nn::ctrl_mq_vq_pairs_set;
  ctrl_[2] = static_cast<uint8_t>(n);
  ctrl_[3] = static_cast<uint8_t>(n >> 8);
  ctrl_[4] = 0xff;  // ack
  buffer b[3] = {{ctrl_, 2, false}, {ctrl_ + 2, 2, false}, {ctrl_ + 4, 1, true}};
  const unsigned cq = 2 * (queues_ / 2);
  if (status s = submit(cq, b, 3, ctrl_); s != status::ok) return s;
  void* cookie = nullptr;
  uint32_t len = 0;
  if (status s = wait_request(cq, cookie, len); s != status::ok) return s;
  if (cookie != ctrl_) return fail(status::bad_used_id);
  if (ctrl_[4] != nn::ok) return status::io_error;
  pairs_ = n;
  return status::ok;
}

status net_driver::send(unsigned pair, void* frame, uint32_t payload, void* cookie) {
  zero(frame, hdr_size);  // no offloads
  buffer b{frame, hdr_size + payload, false};
  return submit(tx(pair), &b, 1, cookie);
}

status net_driver::post_rx(unsigned pair, void* frame, uint32_t capacity, void* cookie) {
  buffer b{frame, capacity, true};
  return submit(rx(pair), &b, 1, cookie);
}

}  // namespace vdrv
