// Driver conformance per protocol variant: the sw/ driver runs against the model and its accesses to the
// variant's MSI register block are compared, access by access, with what the posted Linux code makes
// (v1: seeds/mmio-msi-v1-patch-2-of-2.txt; v2: "[PATCH v2 4/5] virtio-mmio: add MSI interrupt feature
// support", Liu Jiang / Zha Bin, 2020-02-10, with 3/5's MSI domain; docs/interrupt-schemes.md "Protocol
// variants"). Phases: MSI set-up, one interrupt (no device access with MSI), retarget of a vector, teardown
// (v2). Each row of the table is one variant (and device mode).
#include <string>
#include <vector>

#include "driver_platform.h"
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
};

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
variant v2_linux(const char* name, const char* scheme, bool sharing) {
  variant v{name, scheme, sharing, v2::block_size, {}, {}, true, {}};
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
  if (sharing) {
    v2_cmd(v.setup, 0, v2::map_config);  // mmio_msi_config_vector
    v2_cmd(v.setup, 1, v2::unmask);      // request_irq(vm_vring_interrupt)
    v2_cmd(v.setup, 1, v2::map_queue);   // vm_setup_vq: mmio_msi_queue_vector (QueueSel 0)
  } else {
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
    variant v{"msi-v1-kernel", "msi-v1-kernel", false, v1::block_size, {}, {}, false, {}};
    v.setup.push_back({false, v1::status, 2, status_1q});
    message(v.setup, 0, 0);
    message(v.setup, 1, 0);
    v.setup.push_back({false, v1::status, 2, status_1q});
    v.setup.push_back({true, v1::status, 2, status_1q});
    message(v.retarget, 1, 1);
    t.push_back(v);
  }
  {  // the v1 spec text: UPDATE each vector, ENABLE 1, and the driver checks MsiStatus bit 15
    variant v{"msi-v1", "msi-v1", false, v1::block_size, {}, {}, false, {}};
    message(v.setup, 0, 0);
    message(v.setup, 1, 0);
    v.setup.push_back({true, v1::command, 2, v1::cmd(v1::op_enable, 1)});
    v.setup.push_back({false, v1::status, 2, status_1q});
    message(v.retarget, 1, 1);
    t.push_back(v);
  }
  t.push_back(v2_linux("msi-v2-linux", "msi-v2-linux", false));
  t.push_back(v2_linux("msi-v2-linux-sharing", "msi-v2-linux", true));
  t.push_back(v2_linux("msi-v2-as-posted", "msi-v2-as-posted", false));  // the same code, block at 0x0c0
  t.push_back(v2_linux("msi-v2-as-posted-sharing", "msi-v2-as-posted", true));
  {  // msi-v2 (MsiState bits 0/1): no posted Linux code uses them; the spec text's sequence (spec-notes.md):
     // each vector configured, then ENABLE, the driver checking MsiState; teardown by DISABLE
    variant v{"msi-v2", "msi-v2", false, v2::block_size, {}, {}, true, {}};
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
    r(v.setup, v2::state, v2::state_sharing);
    r(v.setup, v2::vec_num, 2);
    v2_message(v.setup, 0, 0);
    v2_message(v.setup, 1, 0);
    v2_cmd(v.setup, 0, v2::map_config);
    v2_cmd(v.setup, 1, v2::map_queue);
    w(v.setup, v2::cmd, v2::enable);
    r(v.setup, v2::state, v2::state_enabled | v2::state_sharing);
    v2_message(v.retarget, 1, 1);
    w(v.teardown, v2::cmd, v2::disable);
    t.push_back(v);
  }
  return t;
}

std::string show(const step& s) {
  return std::string(s.write ? "W" : "R") + std::to_string(s.width * 8) + " +" + std::to_string(s.offset) + " = " +
         std::to_string(s.value);
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
  driver_platform<virtio_rng> top("top", c, rng_params{});
  const uint64_t block = top.cfg.mmio_base + top.cfg.msi.register_base;
  std::vector<mmio_access> setup, irq, retarget, teardown;
  bool done = false;
  top.cpu[0].run([&](vcpu& cpu) {
    vcpu_hal hal(cpu);
    recording_hal rec(hal);
    vdrv::counting_hal io(rec);
    vdrv::irq_controller ic(io, top.irqc_layout());
    vdrv::cpu_context ctx(io, &ic, 0);
    vdrv::arena mem(cpu.ram() + 0x100000, cpu.to_bus(cpu.ram() + 0x100000), 8 << 20);
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
        BOOST_TEST(show(got_seq[i]) == show(want_seq[i]), "access " << i);
    }
  };
  compare("set-up", in_block(setup), want.setup);
  compare("one interrupt", in_block(irq), {});
  compare("retarget", in_block(retarget), want.retarget);
  if (want.teardown_checked) compare("teardown", in_block(teardown), want.teardown);
}
}  // namespace

BOOST_AUTO_TEST_CASE(msi_v1_kernel_conforms_to_the_v1_kernel_patch) { conforms("msi-v1-kernel"); }
BOOST_AUTO_TEST_CASE(msi_v1_conforms_to_the_v1_spec_text) { conforms("msi-v1"); }
BOOST_AUTO_TEST_CASE(msi_v2_linux_conforms_to_the_v2_linux_patch) { conforms("msi-v2-linux"); }
BOOST_AUTO_TEST_CASE(msi_v2_linux_sharing_device_conforms_to_the_v2_linux_patch) { conforms("msi-v2-linux-sharing"); }
BOOST_AUTO_TEST_CASE(msi_v2_as_posted_conforms_to_the_v2_linux_patch) { conforms("msi-v2-as-posted"); }
BOOST_AUTO_TEST_CASE(msi_v2_as_posted_sharing_device_conforms_to_the_v2_linux_patch) { conforms("msi-v2-as-posted-sharing"); }
BOOST_AUTO_TEST_CASE(msi_v2_conforms_to_the_v2_spec_text) { conforms("msi-v2"); }
BOOST_AUTO_TEST_CASE(msi_v2_sharing_device_conforms_to_the_v2_spec_text) { conforms("msi-v2-sharing"); }
