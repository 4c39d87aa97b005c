// Driver conformance per protocol variant: the sw/ driver runs against the model and its accesses to the
// variant's MSI register block are compared, access by access, with what the posted Linux code makes
// (v1: seeds/mmio-msi-v1-patch-2-of-2.txt; v2: "[PATCH v2 4/5] virtio-mmio: add MSI interrupt feature
// support", Liu Jiang / Zha Bin, 2020-02-10, with 3/5's MSI domain; docs/interrupt-schemes.md "Protocol
// variants"). Phases: MSI set-up, one interrupt (no device access with MSI), retarget of a vector, teardown
// (v2; v1 as the v1 kernel patch's del_vqs does it). Each row of the table is one variant (and device mode).
// The set-up (and the one interrupt: a QueueNotify write) is also compared over the whole device window (virtio-mmio registers and the MSI block): the
// reference is the Linux probe and virtio core init (drivers/virtio/virtio_mmio.c virtio_mmio_probe,
// vm_reset, vm_set_status, vm_get_features, vm_finalize_features, vm_find_vqs, vm_setup_vq; virtio.c
// register_virtio_device, virtio_dev_probe, virtio_finalize_features as of v5.6, the base of the posted MSI
// patches), with each place the sw/ driver legitimately differs marked by a named deviation (`deviations`).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "driver_platform.h"
#include "vmsim/regmap/virtio_devices.h"
#include "vmsim/regmap/virtio_mmio.h"
#include "recording_hal.h"
#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;
namespace v1 = regmap::msi_v1;
namespace v2 = regmap::msi_v2;

namespace {
struct step {
  bool write;
  uint32_t offset;  // in the MSI block
  unsigned width;
  uint32_t value;
};
using sequence = std::vector<step>;

constexpr uint32_t x86_frame = 0xfee00000;
constexpr uint32_t first_vector = 48;  // the platform's lowest MSI vector (irqc_config::msi_vector_min)

// mmio_write_msi_msg: address low, high, data, then the UPDATE command of the vector.
void message(sequence& s, unsigned vector, unsigned cpu) {
  s.push_back({true, v1::address_low, 4, x86_frame | (cpu << 12)});
  s.push_back({true, v1::address_high, 4, 0});
  s.push_back({true, v1::data, 4, first_vector + vector});
  s.push_back({true, v1::command, 2, v1::cmd(v1::op_update, vector)});
}

// One queue (virtio-rng): vectors 0 (config) and 1 (the queue); MsiStatus reads bit 15 | 1 queue.
constexpr uint32_t status_1q = v1::status_enabled | 1;

struct variant {
  const char* name;
  const char* scheme;
  bool sharing;       // the device reports MsiState msi_sharing
  uint32_t block_size;
  sequence setup;     // MSI set-up, before DRIVER_OK
  sequence retarget;  // vector 1 to vCPU 1
  bool teardown_checked;
  sequence teardown;  // del_vqs
  // Where find_vqs puts the MSI set-up relative to vm_setup_vq (setup == pre + in_vq + post): `pre` before the
  // queue's registers, `in_vq` inside vm_setup_vq after QueueReady (QueueSel still selects the queue), `post`
  // after it. linux_msi: the positions come from posted Linux code; otherwise (spec text) from the driver.
  size_t pre = 0, in_vq = 0;
  bool linux_msi = false;
  uint32_t version = regmap::version_modern;  // the Version register
  uint32_t features_hi = 0;                   // the device's offer, bits 63:32 (bits 31:0: features_lo)
  const char* teardown_deviation = nullptr;   // the driver makes no teardown access; the named reason
};
constexpr uint32_t features_lo = 1u << regmap::feature::ring_indirect_desc | 1u << regmap::feature::ring_event_idx;

// ---- the v2 Linux patch (v2 4/5 and 3/5) ------------------------------------------------------------------
void r(sequence& s, uint32_t off, uint32_t v) { s.push_back({false, off, 4, v}); }
void w(sequence& s, uint32_t off, uint32_t v) { s.push_back({true, off, 4, v}); }
// mmio_write_msi_msg: MsiVecSel (msi_index), address low, high, data, CONFIGURE.
void v2_message(sequence& s, unsigned vector, uint32_t address, uint32_t data) {
  w(s, v2::vec_sel, vector);
  w(s, v2::addr_low, address);
  w(s, v2::addr_high, 0);
  w(s, v2::data, data);
  w(s, v2::cmd, v2::configure);
}
void v2_message(sequence& s, unsigned vector, unsigned cpu) { v2_message(s, vector, x86_frame | (cpu << 12), first_vector + vector); }
// mmio_msi_set_mask_bit: MsiVecSel, then MASK or UNMASK.
void v2_cmd(sequence& s, unsigned vector, uint32_t op) {
  w(s, v2::vec_sel, vector);
  w(s, v2::cmd, op);
}
// free_irq: irq_shutdown masks (mmio_msi_mask_irq), msi_domain_deactivate writes a zeroed message.
void v2_free(sequence& s, unsigned vector) {
  v2_cmd(s, vector, v2::mask);
  v2_message(s, vector, 0, 0);
}

// One rng queue with a callback: vectors 0 (config) and 1 (the queue).
// features_hi: the device's offer, VERSION_1 and the MSI feature (bit 47 in the model's layout, 40 as posted).
variant v2_linux(const char* name, const char* scheme, bool sharing, uint32_t features_hi) {
  variant v{name, scheme, sharing, v2::block_size, {}, {}, true, {}};
  v.features_hi = features_hi;
  const uint32_t sh = sharing ? v2::state_sharing_linux : 0;
  r(v.setup, v2::state, sh);  // vm_find_vqs: dyn_mapping = MsiState & VIRTIO_MMIO_MSI_SHARING_MASK
  r(v.setup, v2::vec_num, 2);  // vm_find_vqs_msi: max_vec_num (non-sharing needs nvqs + 1)
  // vm_request_msi_vectors(2): mmio_msi_domain_alloc_irqs writes each message at allocation
  // (MSI_FLAG_ACTIVATE_EARLY), then mmio_msi_set_enable(vm_dev, 1) reads MsiState and writes ENABLE.
  v2_message(v.setup, 0, 0);
  v2_message(v.setup, 1, 0);
  r(v.setup, v2::state, sh);
  w(v.setup, v2::cmd, v2::enable);
  v2_cmd(v.setup, 0, v2::unmask);  // request_irq(config): the irq core starts (unmasks) it
  v.linux_msi = true;
  if (sharing) {
    v2_cmd(v.setup, 0, v2::map_config);  // mmio_msi_config_vector
    v2_cmd(v.setup, 1, v2::unmask);      // request_irq(vm_vring_interrupt)
    v.pre = v.setup.size(), v.in_vq = 2;
    v2_cmd(v.setup, 1, v2::map_queue);   // vm_setup_vq: mmio_msi_queue_vector (QueueSel 0)
  } else {
    v.pre = v.setup.size();
    v2_cmd(v.setup, 1, v2::unmask);      // vm_find_vqs_msi: request_irq(vring_interrupt) of queue 0
  }
  v2_message(v.retarget, 1, 1);  // irq_set_affinity -> msi_domain_set_affinity -> mmio_write_msi_msg
  // vm_del_vqs: vm_del_vq frees a non-shared queue vector; vm_free_msi_irqs: mmio_msi_set_enable(vm_dev, 0)
  // reads MsiState and writes ENABLE (as posted), then frees the config vector (and the shared one).
  if (!sharing) v2_free(v.teardown, 1);
  r(v.teardown, v2::state, v2::state_enabled_linux | sh);
  w(v.teardown, v2::cmd, v2::enable);
  v2_free(v.teardown, 0);
  if (sharing) v2_free(v.teardown, 1);
  return v;
}

std::vector<variant> table() {
  std::vector<variant> t;
  {  // the v1 kernel patch: vm_request_msi_vectors' readw, the messages, mmio_msi_set_enable's readw/writew
    variant v{"msi-v1-kernel", "msi-v1-kernel", false, v1::block_size, {}, {}, true, {}};
    v.version = v1::version_register, v.features_hi = 0x101, v.linux_msi = true;  // VERSION_1, RING_RESET
    v.setup.push_back({false, v1::status, 2, status_1q});  // vm_request_msi_vectors, before vm_setup_vq
    message(v.setup, 0, 0);
    message(v.setup, 1, 0);
    v.pre = v.setup.size();
    v.setup.push_back({false, v1::status, 2, status_1q});  // mmio_msi_set_enable(1), after the queues
    v.setup.push_back({true, v1::status, 2, status_1q});
    message(v.retarget, 1, 1);
    // vm_del_vqs: vm_del_vq's free_irq of the queue vector deactivates it (a zeroed message); then
    // vm_free_msi_irqs: mmio_msi_set_enable(0) clears bit 15 by readw/writew, and frees the config vector.
    // (The platform-MSI chip masks at the parent controller: no MsiCommand for a mask.)
    auto zeroed = [&](unsigned vector) {
      v.teardown.push_back({true, v1::address_low, 4, 0});
      v.teardown.push_back({true, v1::address_high, 4, 0});
      v.teardown.push_back({true, v1::data, 4, 0});
      v.teardown.push_back({true, v1::command, 2, v1::cmd(v1::op_update, vector)});
    };
    zeroed(1);
    v.teardown.push_back({false, v1::status, 2, status_1q});
    v.teardown.push_back({true, v1::status, 2, status_1q & ~uint32_t{v1::status_enabled}});
    zeroed(0);
    v.teardown_deviation = "v1-no-teardown";
    t.push_back(v);
  }
  {  // the v1 spec text: UPDATE each vector, ENABLE 1, and the driver checks MsiStatus bit 15
    variant v{"msi-v1", "msi-v1", false, v1::block_size, {}, {}, false, {}};
    v.version = v1::version_register, v.features_hi = 0x101;
    message(v.setup, 0, 0);
    message(v.setup, 1, 0);
    v.setup.push_back({true, v1::command, 2, v1::cmd(v1::op_enable, 1)});
    v.setup.push_back({false, v1::status, 2, status_1q});
    message(v.retarget, 1, 1);
    t.push_back(v);
  }
  t.push_back(v2_linux("msi-v2-linux", "msi-v2-linux", false, 0x8101));
  t.push_back(v2_linux("msi-v2-linux-sharing", "msi-v2-linux", true, 0x8101));
  // the same code, block at 0x0c0, MMIO_MSI as bit 40
  t.push_back(v2_linux("msi-v2-as-posted", "msi-v2-as-posted", false, 0x101));
  t.push_back(v2_linux("msi-v2-as-posted-sharing", "msi-v2-as-posted", true, 0x101));
  {  // msi-v2 (MsiState bits 0/1): no posted Linux code uses them; the spec text's sequence (spec-notes.md):
     // each vector configured, then ENABLE, the driver checking MsiState; teardown by DISABLE
    variant v{"msi-v2", "msi-v2", false, v2::block_size, {}, {}, true, {}};
    v.features_hi = 0x8101;
    r(v.setup, v2::state, 0);
    r(v.setup, v2::vec_num, 2);
    v2_message(v.setup, 0, 0);
    v2_message(v.setup, 1, 0);
    w(v.setup, v2::cmd, v2::enable);
    r(v.setup, v2::state, v2::state_enabled);
    v2_message(v.retarget, 1, 1);
    w(v.teardown, v2::cmd, v2::disable);
    t.push_back(v);
  }
  {
    variant v{"msi-v2-sharing", "msi-v2", true, v2::block_size, {}, {}, true, {}};
    v.features_hi = 0x8101;
    r(v.setup, v2::state, v2::state_sharing);
    r(v.setup, v2::vec_num, 2);
    v2_message(v.setup, 0, 0);
    v2_message(v.setup, 1, 0);
    v2_cmd(v.setup, 0, v2::map_config);
    v.pre = v.setup.size(), v.in_vq = 2;  // MAP_QUEUE maps the queue QueueSel selects
    v2_cmd(v.setup, 1, v2::map_queue);
    w(v.setup, v2::cmd, v2::enable);
    r(v.setup, v2::state, v2::state_enabled | v2::state_sharing);
    v2_message(v.retarget, 1, 1);
    w(v.teardown, v2::cmd, v2::disable);
    t.push_back(v);
  }
  return t;
}

// ---- the whole device window during set-up -----------------------------------------------------------------
// Where the sw/ driver's accesses legitimately differ from Linux's. Each is a named entry; a step of the
// reference is made by both, by Linux only, or by the driver only (with the deviation's name), so any change
// outside these names fails the comparison.
struct deviation {
  const char* name;
  const char* why;
};
constexpr deviation deviations[] = {
    {"no-vendor-id", "virtio_mmio_probe reads VendorID; the driver has no use for it and does not"},
    {"no-doorbell-read", "the v1 kernel patch's probe of a Version 3 device reads QueueNotify (doorbell base and "
                         "scale) and vm_notify writes there; the driver reads it only when start_options.doorbells "
                         "asks (use_doorbells), and notifies at QueueNotify otherwise"},
    {"reset-wait", "after writing 0 to Status the driver reads it back until 0 (virtio spec 4.2.3.1.1 lets the "
                   "device take time); vm_reset only writes"},
    {"status-write-only", "virtio_add_status reads Status before each ACKNOWLEDGE / DRIVER / FEATURES_OK write; "
                          "the driver writes the value it knows"},
    {"features-order", "vm_get_features and vm_finalize_features do the high half (Sel 1) first; the driver the "
                       "low half first"},
    {"features-recheck", "after FEATURES_OK the driver reads DeviceFeatures again to see the offer still holds"},
    {"queue-size", "Linux writes QueueNum = QueueNumMax (vring_create_virtqueue's size); the driver caps it at "
                   "start_options.queue_size"},
    {"ready-read-back", "after QueueReady = 1 the driver reads QueueReady to see the queue took"},
    {"msi-after-queues", "Linux programs MSI inside find_vqs around vm_setup_vq (vectors and ENABLE before or "
                         "after the queue's registers, per patch); the driver sets up interrupts after all "
                         "queues, before DRIVER_OK"},
    {"queue-reselect", "MAP_QUEUE acts on the selected queue: Linux maps inside vm_setup_vq (QueueSel still "
                       "set), the driver selects the queue again"},
    {"driver-ok-probe-check", "virtio_dev_probe reads Status to see whether the driver's probe set DRIVER_OK "
                              "before virtio_device_ready reads it again"},
    {"status-read-back", "after DRIVER_OK the driver reads Status (NEEDS_RESET, FEATURES_OK still set)"},
    {"v1-no-teardown", "the driver leaves MSI v1 enabled at teardown; the v1 kernel patch's del_vqs frees the "
                       "vectors (zeroed messages) and clears MsiStatus bit 15"},
};
const deviation* find_deviation(const char* name) {
  for (const auto& d : deviations)
    if (std::string(d.name) == name) return &d;
  return nullptr;
}

enum class by : uint8_t { both, linux_only, driver_only };
struct ref_step {
  step s;  // offset in the device window
  by who;
  const char* deviation;  // the name, unless both
};
using reference = std::vector<ref_step>;

// The values the test knows: the ring the driver builds in its arena, the queue sizes.
struct window_facts {
  uint32_t msi_base;     // the MSI block's offset in the device window
  uint64_t ring;         // bus address of the driver's first allocation (the queue's descriptor table)
  uint32_t queue_max;    // QueueNumMax
  uint32_t queue_size;   // what the driver asks for
};

reference whole_window_setup(const variant& v, const window_facts& f) {
  using regmap::reg;
  namespace st = regmap::status;
  auto o = [](reg x) { return static_cast<uint32_t>(regmap::offset_of(x)); };
  reference ref;
  auto add = [&](by who, const char* dev, bool write, uint32_t off, uint32_t value, unsigned width = 4) {
    ref.push_back({{write, off, width, value}, who, dev});
  };
  auto both = [&](bool write, reg x, uint32_t value) { add(by::both, nullptr, write, o(x), value); };
  auto lx = [&](const char* dev, bool write, reg x, uint32_t value) { add(by::linux_only, dev, write, o(x), value); };
  auto drv = [&](const char* dev, bool write, reg x, uint32_t value) { add(by::driver_only, dev, write, o(x), value); };
  auto msi = [&](by who, const char* dev, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const step& m = v.setup[i];
      add(who, dev, m.write, f.msi_base + m.offset, m.value, m.width);
    }
  };
  const size_t in_end = v.pre + v.in_vq;
  // virtio_mmio_probe
  both(false, reg::magic_value, regmap::magic_value);
  both(false, reg::version, v.version);
  both(false, reg::device_id, regmap::device_id::rng);
  lx("no-vendor-id", false, reg::vendor_id, 0);  // (Linux-only steps are not compared: value unused)
  if (v.version == v1::version_register) lx("no-doorbell-read", false, reg::queue_notify, 0);
  // register_virtio_device: vm_reset, then virtio_add_status(ACKNOWLEDGE)
  both(true, reg::status, 0);
  drv("reset-wait", false, reg::status, 0);
  lx("status-write-only", false, reg::status, 0);
  both(true, reg::status, st::acknowledge);
  // virtio_dev_probe: virtio_add_status(DRIVER), vm_get_features
  lx("status-write-only", false, reg::status, st::acknowledge);
  both(true, reg::status, st::acknowledge | st::driver);
  auto offer = [&](by who, const char* dev, uint32_t sel) {
    add(who, dev, true, o(reg::device_features_sel), sel);
    add(who, dev, false, o(reg::device_features), sel ? v.features_hi : features_lo);
  };
  offer(by::linux_only, "features-order", 1), offer(by::linux_only, "features-order", 0);
  offer(by::driver_only, "features-order", 0), offer(by::driver_only, "features-order", 1);
  // vm_finalize_features: rng takes every offered bit (vring_transport_features keeps these transport bits)
  auto accept = [&](by who, const char* dev, uint32_t sel) {
    add(who, dev, true, o(reg::driver_features_sel), sel);
    add(who, dev, true, o(reg::driver_features), sel ? v.features_hi : features_lo);
  };
  accept(by::linux_only, "features-order", 1), accept(by::linux_only, "features-order", 0);
  accept(by::driver_only, "features-order", 0), accept(by::driver_only, "features-order", 1);
  // virtio_finalize_features: virtio_add_status(FEATURES_OK), then get_status
  const uint32_t fok = st::acknowledge | st::driver | st::features_ok;
  lx("status-write-only", false, reg::status, st::acknowledge | st::driver);
  both(true, reg::status, fok);
  both(false, reg::status, fok);
  offer(by::driver_only, "features-recheck", 0), offer(by::driver_only, "features-recheck", 1);
  // the driver's probe: find_vqs -> (MSI) vm_setup_vq(0) (MSI)
  if (v.linux_msi) msi(by::linux_only, "msi-after-queues", 0, v.pre);
  both(true, reg::queue_sel, 0);
  both(false, reg::queue_ready, 0);
  both(false, reg::queue_num_max, f.queue_max);
  lx("queue-size", true, reg::queue_num, f.queue_max);
  drv("queue-size", true, reg::queue_num, f.queue_size);
  // The ring's addresses are the guest's memory (Linux's vring differs in size and alignment): the
  // reference holds the driver's split ring, descriptors first, then avail, then used (4-aligned).
  namespace vr = regmap::vring;
  const uint64_t desc = f.ring, avail = desc + vr::desc_table_bytes(f.queue_size),
                 used = vr::align_up(avail + vr::avail_bytes(f.queue_size), vr::used_align);
  both(true, reg::queue_desc_low, static_cast<uint32_t>(desc));
  both(true, reg::queue_desc_high, static_cast<uint32_t>(desc >> 32));
  both(true, reg::queue_driver_low, static_cast<uint32_t>(avail));
  both(true, reg::queue_driver_high, static_cast<uint32_t>(avail >> 32));
  both(true, reg::queue_device_low, static_cast<uint32_t>(used));
  both(true, reg::queue_device_high, static_cast<uint32_t>(used >> 32));
  both(true, reg::queue_ready, 1);
  drv("ready-read-back", false, reg::queue_ready, 1);
  if (v.linux_msi) {
    msi(by::linux_only, "msi-after-queues", v.pre, in_end);
    msi(by::linux_only, "msi-after-queues", in_end, v.setup.size());
    msi(by::driver_only, "msi-after-queues", 0, v.pre);
    if (v.in_vq) drv("queue-reselect", true, reg::queue_sel, 0);
    msi(by::driver_only, "msi-after-queues", v.pre, v.setup.size());
  } else {  // the spec texts: no Linux code to place it; after the queues, before DRIVER_OK
    msi(by::both, nullptr, 0, v.pre);
    if (v.in_vq) both(true, reg::queue_sel, 0);
    msi(by::both, nullptr, v.pre, v.setup.size());
  }
  // virtio_dev_probe: "If probe didn't do it, mark device DRIVER_OK ourselves" -> virtio_device_ready
  lx("driver-ok-probe-check", false, reg::status, fok);
  both(false, reg::status, fok);
  both(true, reg::status, fok | st::driver_ok);
  drv("status-read-back", false, reg::status, fok | st::driver_ok);
  return ref;
}

std::string hex(uint32_t v) {
  char b[12];
  std::snprintf(b, sizeof b, "0x%x", v);
  return b;
}
std::string show(const step& s) {
  return std::string(s.write ? "W" : "R") + std::to_string(s.width * 8) + " +" + hex(s.offset) + " = " + hex(s.value);
}

void conforms(const char* name) {
  variant want{};
  for (const auto& v : table())
    if (std::string(v.name) == name) want = v;
  BOOST_REQUIRE(want.scheme);
  driver_platform_config c;
  c.scheme = want.scheme;
  c.msi.sharing = want.sharing;
  c.irqc.cpus = 2;
  const rng_params device;
  driver_platform<virtio_rng> top("top", c, device);
  const uint64_t block = top.cfg.mmio_base + top.cfg.msi.register_base;
  std::vector<mmio_access> setup, irq, retarget, teardown;
  uint64_t ring = 0;
  bool done = false;
  top.cpu[0].run([&](vcpu& cpu) {
    vcpu_hal hal(cpu);
    recording_hal rec(hal);
    vdrv::counting_hal io(rec);
    vdrv::irq_controller ic(io, top.irqc_layout());
    vdrv::cpu_context ctx(io, &ic, 0);
    ring = cpu.to_bus(cpu.ram() + 0x100000);
    vdrv::arena mem(cpu.ram() + 0x100000, ring, 8 << 20);
    vdrv::rng_driver rng(io, top.cfg.mmio_base, ctx);
    BOOST_REQUIRE(rng.start(mem, top.options()) == vdrv::status::ok);
    setup = rec.log, rec.log.clear();
    auto* buf = mem.alloc(32, 32);
    uint32_t got = 0;
    BOOST_REQUIRE(rng.read(buf, 32, got) == vdrv::status::ok);
    BOOST_TEST(rng.stats().interrupts == 1u);
    irq = rec.log, rec.log.clear();
    BOOST_REQUIRE(rng.irq().retarget(1, 1) == vdrv::status::ok);
    retarget = rec.log, rec.log.clear();
    rng.irq().teardown();
    teardown = rec.log;
    done = true;
    sc_core::sc_stop();
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));
  BOOST_REQUIRE(done);
  auto in_block = [&](const std::vector<mmio_access>& log) {
    sequence s;
    for (const auto& a : log)
      if (a.addr >= block && a.addr < block + want.block_size)
        s.push_back({a.write, static_cast<uint32_t>(a.addr - block), a.width, a.value});
    return s;
  };
  auto compare = [&](const char* phase, const sequence& got_seq, const sequence& want_seq) {
    BOOST_TEST_CONTEXT(phase) {
      BOOST_TEST(got_seq.size() == want_seq.size());
      for (size_t i = 0; i < got_seq.size() && i < want_seq.size(); ++i)
        BOOST_TEST(show(got_seq[i]) == show(want_seq[i]),
                   "access " << i << ": got " << show(got_seq[i]) << ", want " << show(want_seq[i]));
    }
  };
  compare("set-up", in_block(setup), want.setup);
  compare("one interrupt", in_block(irq), {});
  compare("retarget", in_block(retarget), want.retarget);
  if (want.teardown_checked) compare("teardown", in_block(teardown), want.teardown_deviation ? sequence{} : want.teardown);

  // The whole device window during set-up, against Linux's init with the named deviations.
  const window_facts facts{top.cfg.msi.register_base, ring, device.queue_size, top.options().queue_size};
  auto in_window = [&](const std::vector<mmio_access>& log) {
    sequence s;
    for (const auto& a : log)
      if (a.addr >= top.cfg.mmio_base && a.addr < top.cfg.mmio_base + top.cfg.transport.window_size)
        s.push_back({a.write, static_cast<uint32_t>(a.addr - top.cfg.mmio_base), a.width, a.value});
    return s;
  };
  sequence want_window;
  for (const auto& r : whole_window_setup(want, facts))
    if (r.who != by::linux_only) want_window.push_back(r.s);
  compare("set-up, whole window", in_window(setup), want_window);
  // One interrupt: vm_notify writes the queue's index to QueueNotify (Version 3 under the v1 kernel patch: to
  // the doorbell its probe read, "no-doorbell-read"); with MSI, vring_interrupt reads no register.
  compare("one interrupt, whole window", in_window(irq), {{true, regmap::offset_of(regmap::reg::queue_notify), 4, 0}});
}
}  // namespace

// Every deviation a reference uses is documented, and every documented one is used by some variant (a fixed
// difference leaves a stale entry, which fails here).
BOOST_AUTO_TEST_CASE(the_driver_deviates_from_linux_init_only_where_documented) {
  std::vector<std::string> used;
  for (const auto& v : table()) {
    auto note = [&](const char* d) {
      BOOST_TEST_CONTEXT(v.name) { BOOST_TEST(find_deviation(d) != nullptr, "undocumented deviation " << d); }
      used.emplace_back(d);
    };
    for (const auto& r : whole_window_setup(v, {regmap::msi_block_base_default, 0x40100000, 256, 128})) {
      BOOST_TEST((r.who == by::both) == (r.deviation == nullptr), v.name << ": " << show(r.s));
      if (r.deviation) note(r.deviation);
    }
    if (v.teardown_deviation) note(v.teardown_deviation);
  }
  for (const auto& d : deviations)
    BOOST_TEST(std::count(used.begin(), used.end(), std::string(d.name)) > 0, "unused deviation " << d.name);
}

BOOST_AUTO_TEST_CASE(msi_v1_kernel_conforms_to_the_v1_kernel_patch) { conforms("msi-v1-kernel"); }
BOOST_AUTO_TEST_CASE(msi_v1_conforms_to_the_v1_spec_text) { conforms("msi-v1"); }
BOOST_AUTO_TEST_CASE(msi_v2_linux_conforms_to_the_v2_linux_patch) { conforms("msi-v2-linux"); }
BOOST_AUTO_TEST_CASE(msi_v2_linux_sharing_device_conforms_to_the_v2_linux_patch) { conforms("msi-v2-linux-sharing"); }
BOOST_AUTO_TEST_CASE(msi_v2_as_posted_conforms_to_the_v2_linux_patch) { conforms("msi-v2-as-posted"); }
BOOST_AUTO_TEST_CASE(msi_v2_as_posted_sharing_device_conforms_to_the_v2_linux_patch) { conforms("msi-v2-as-posted-sharing"); }
BOOST_AUTO_TEST_CASE(msi_v2_conforms_to_the_v2_spec_text) { conforms("msi-v2"); }
BOOST_AUTO_TEST_CASE(msi_v2_sharing_device_conforms_to_the_v2_spec_text) { conforms("msi-v2-sharing"); }
