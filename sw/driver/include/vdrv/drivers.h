// Device drivers on the virtio-mmio transport: a common base (start-up, submit with kick suppression,
// waiting with interrupts or polling, latency statistics, sticky errors) and virtio-rng, virtio-blk and
// multi-queue virtio-net on top. A device that misbehaves is failed (Status FAILED) and every later call
// answers status::device_failed: the driver never loops forever nor writes outside its buffers
// (docs/driver.md, "Defences against the device").
#pragma once

#include <stdint.h>

#include "vdrv/interrupts.h"
#include "vdrv/mmio_device.h"
#include "vdrv/stats.h"
#include "vdrv/virtqueue.h"

namespace vdrv {

class virtio_driver;

// One per vCPU: takes interrupts from the controller and hands them to the devices that own them. Several
// devices may own one id (a shared wired line, Linux's IRQF_SHARED): each sharer's ISR runs in attach order
// and reads its own InterruptStatus; the reads of sharers that found nothing are counted (shared_reads).
class cpu_context {
 public:
  static constexpr unsigned max_devices = 64;
  // h: the counting HAL the ISR's register accesses are counted by (the controller's too).
  cpu_context(counting_hal& h, irq_controller* ic, unsigned cpu) : h_(h), ic_(ic), cpu_(cpu) {}
  void attach(virtio_driver& d);
  // Acknowledge, dispatch and EOI one interrupt; false if none was pending (spurious). An interrupt no
  // attached driver owns is masked at the controller (nobody could silence its device) and counted.
  bool service();
  uint64_t unowned() const { return unowned_; }
  // Shared ids: interrupts taken on them, ISR calls of a sharer that found nothing, and those calls' MMIO
  // reads (the extra InterruptStatus reads sharing costs), and interrupts no sharer claimed.
  struct shared_counters {
    uint64_t interrupts = 0, idle_calls = 0, idle_reads = 0, unclaimed = 0;
  };
  const shared_counters& shared() const { return shared_; }
  counting_hal& io() { return h_; }
  unsigned cpu() const { return cpu_; }
  bool interrupts() const { return ic_ != nullptr; }
  irq_controller* controller() { return ic_; }

 private:
  counting_hal& h_;
  irq_controller* ic_;
  unsigned cpu_;
  virtio_driver* devices_[max_devices] = {};
  unsigned count_ = 0;
  uint64_t unowned_ = 0;
  shared_counters shared_;
};

struct start_options {
  uint64_t features = ~uint64_t{0};  // wanted (the device's offer decides)
  irq_config irq;                    // scheme and vector placement (ignored when polling)
  bool doorbells = false;            // per-queue doorbells (QueueNotify reads {base, multiplier})
  uint32_t window = 0x1000;          // the device's MMIO window (the doorbells must lie inside it)
  bool allow_v3 = false;             // accept Version 3 (the MSI v1 proposal)
  uint16_t queue_size = 128;
  uint64_t request_timeout_ns = 100000000;  // the synchronous requests (rng read, blk I/O, net control)
};

class virtio_driver {
 public:
  static constexpr unsigned max_queues = 17;
  static constexpr unsigned interrupt_burst = 16;      // interrupts taken per look, at most
  static constexpr unsigned storm_limit = 1000;        // interrupts in a row that bring nothing: a storm
  static constexpr uint64_t trailing_irq_ns = 2000000;  // how long an owed interrupt is waited for
  static constexpr uint64_t poll_interval_ns = 1000;     // a queue without a callback is polled this often
  virtio_driver(counting_hal& h, uint64_t base, cpu_context& cpu) : h_(&h), dev_(h, base), cpu_(&cpu) {}
  // Another vCPU drives the device from now on (shared drivers on SMP guests): its HAL, its interrupts.
  void use_cpu(counting_hal& h, cpu_context& cpu) { h_ = &h; dev_.rebind(h); cpu_ = &cpu; }

  status start(uint32_t expected_device, unsigned queues, arena& mem, const start_options& o);
  status error() const { return error_; }
  mmio_device& device() { return dev_; }
  device_irq& irq() { return irq_; }
  virtqueue& queue(unsigned q) { return vqs_[q]; }
  const driver_stats& stats() const { return stats_; }

  status submit(unsigned q, const buffer* bufs, unsigned n, void* cookie);
  // Waits for a used buffer on q (servicing interrupts, or polling) for at most timeout_ns. With
  // interrupts, the one the device owes for the buffer has been taken too when it returns (bounded).
  status wait(unsigned q, void*& cookie, uint32_t& len, uint64_t timeout_ns = 100000000);
  status poll(unsigned q, void*& cookie, uint32_t& len);  // no waiting
  bool config_changed() { bool c = config_seen_; config_seen_ = false; return c; }

  // Linux's virtqueue callback: called from the interrupt handler for each queue the interrupt names that
  // has used buffers (vring_interrupt), on the vCPU that took the interrupt.
  using queue_callback = void (*)(void* ctx, unsigned q);
  void set_callback(unsigned q, queue_callback fn, void* ctx);
  // virtqueue_disable_cb / virtqueue_enable_cb: suppress q's interrupts while polling it; re-enabling
  // answers false when buffers came meanwhile (poll again: no interrupt is owed for them).
  void disable_callbacks(unsigned q);
  bool enable_callbacks(unsigned q);

  // Called by cpu_context::service for an interrupt this device owns. `shared`: other devices own the id
  // too, and an interrupt that brings this device nothing is theirs (IRQ_NONE: not spurious, no storm).
  // Answers whether it brought this device anything.
  bool owns(uint32_t id) const { return irq_.owns(id); }
  bool on_interrupt(uint32_t id, uint64_t entry_ns, bool shared = false);
  // The ISR's end: its time and its register accesses (inline: it runs at every interrupt).
  void isr_done(uint64_t entry_ns, uint64_t reads, uint64_t writes) {
    stats_.isr.add(h_->now_ns() - entry_ns);
    stats_.isr_reads += reads;
    stats_.isr_writes += writes;
  }

 protected:
  status fail(status why);
  // wait() with the start options' timeout; a request that does not complete in time gives the device up
  // (its buffers are still the device's: the driver cannot hand them back to the caller).
  status wait_request(unsigned q, void*& cookie, uint32_t& len);
  // Takes the interrupts pending now; with none, that is one look at the input. Answers whether it took any
  // (an interrupt found pending, spurious or not, costs register accesses).
  bool take_interrupts() {
    if (!h_->interrupt_pending()) return false;
    take_pending_interrupts();
    return true;
  }
  void take_pending_interrupts();
  void take_trailing(unsigned q);
  counting_hal* h_;
  mmio_device dev_;
  cpu_context* cpu_;
  device_irq irq_;
  virtqueue vqs_[max_queues];
  unsigned queues_ = 0;
  queue_callback callback_[max_queues] = {};
  void* callback_ctx_[max_queues] = {};
  uint64_t kick_ns_[max_queues] = {};
  bool kick_open_[max_queues] = {};
  bool config_seen_ = false;
  bool check_status_ = false;          // a config interrupt came: look at Status once
  uint16_t irq_seen_[max_queues] = {};  // used.idx as the last interrupt naming the queue found it
  uint32_t config_generation_ = 0;      // as the last config interrupt found it
  bool generation_known_ = false;
  unsigned idle_run_ = 0;               // interrupts in a row that brought nothing
  uint64_t request_timeout_ns_ = 100000000;
  status error_ = status::ok;
  driver_stats stats_;
};

class rng_driver : public virtio_driver {
 public:
  using virtio_driver::virtio_driver;
  status start(arena& mem, const start_options& o) { return virtio_driver::start(4, 1, mem, o); }
  status read(void* buf, uint32_t len, uint32_t& got);
};

class blk_driver : public virtio_driver {
 public:
  using virtio_driver::virtio_driver;
  status start(arena& mem, const start_options& o, unsigned queues = 1);
  uint64_t capacity() const { return capacity_; }
  // Synchronous sector I/O on queue q; `buf` is driver memory of count * 512 bytes.
  status read(unsigned q, uint64_t sector, void* buf, uint32_t count);
  status write(unsigned q, uint64_t sector, const void* buf, uint32_t count);
  status get_id(char (&id)[21]);

 private:
  status request(unsigned q, uint32_t type, uint64_t sector, void* data, uint32_t bytes, bool device_writes);
  uint64_t capacity_ = 0;
  struct request_mem {  // in driver (DMA) memory: the device reads and writes it
    uint8_t hdr[16];
    uint8_t status;
    char id[20];
  };
  request_mem* req_ = nullptr;
};

class net_driver : public virtio_driver {
 public:
  using virtio_driver::virtio_driver;
  static constexpr uint32_t hdr_size = 12;
  status start(arena& mem, const start_options& o, unsigned pairs);
  unsigned pairs() const { return pairs_; }
  status set_pairs(unsigned n);  // VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, waits for the ack
  // frame: hdr_size bytes of header room then the payload, in driver memory
  status send(unsigned pair, void* frame, uint32_t payload, void* cookie);
  status post_rx(unsigned pair, void* frame, uint32_t capacity, void* cookie);
  static unsigned rx(unsigned pair) { return 2 * pair; }
  static unsigned tx(unsigned pair) { return 2 * pair + 1; }
  static unsigned line_of_queue(unsigned q, unsigned lines) { return (q / 2) % lines; }

 private:
  unsigned pairs_ = 1, max_pairs_ = 1;
  uint8_t* ctrl_ = nullptr;
};

}  // namespace vdrv
