// Driver conformance per protocol variant: the sw/ driver runs against the model and its accesses to the
// variant's MSI register block are compared, access by access, with what the posted Linux code makes
// (seeds/mmio-msi-v1-patch-2-of-2.txt; docs/interrupt-schemes.md "Protocol variants"). Phases: MSI set-up,
// one interrupt (no device access with MSI), retarget of a vector. Each row of the table is one variant.
#include <string>
#include <vector>

#include "driver_platform.h"
#include "recording_hal.h"
#include "sim_test.h"

using namespace vmsim;
using namespace vmsim::tb;
namespace v1 = regmap::msi_v1;

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
  const char* scheme;
  sequence setup;     // MSI set-up, before DRIVER_OK
  sequence retarget;  // vector 1 to vCPU 1
};

std::vector<variant> table() {
  std::vector<variant> t;
  {  // the v1 kernel patch: vm_request_msi_vectors' readw, the messages, mmio_msi_set_enable's readw/writew
    variant v{"msi-v1-kernel", {}, {}};
    v.setup.push_back({false, v1::status, 2, status_1q});
    message(v.setup, 0, 0);
    message(v.setup, 1, 0);
    v.setup.push_back({false, v1::status, 2, status_1q});
    v.setup.push_back({true, v1::status, 2, status_1q});
    message(v.retarget, 1, 1);
    t.push_back(v);
  }
  {  // the v1 spec text: UPDATE each vector, ENABLE 1, and the driver checks MsiStatus bit 15
    variant v{"msi-v1", {}, {}};
    message(v.setup, 0, 0);
    message(v.setup, 1, 0);
    v.setup.push_back({true, v1::command, 2, v1::cmd(v1::op_enable, 1)});
    v.setup.push_back({false, v1::status, 2, status_1q});
    message(v.retarget, 1, 1);
    t.push_back(v);
  }
  return t;
}

std::string show(const step& s) {
  return std::string(s.write ? "W" : "R") + std::to_string(s.width * 8) + " +" + std::to_string(s.offset) + " = " +
         std::to_string(s.value);
}

void conforms(const char* scheme) {
  variant want{};
  for (const auto& v : table())
    if (std::string(v.scheme) == scheme) want = v;
  BOOST_REQUIRE(want.scheme);
  driver_platform_config c;
  c.scheme = scheme;
  c.irqc.cpus = 2;
  driver_platform<virtio_rng> top("top", c, rng_params{});
  const uint64_t block = top.cfg.mmio_base + top.cfg.msi.register_base;
  std::vector<mmio_access> setup, irq, retarget;
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
    retarget = rec.log;
    done = true;
    sc_core::sc_stop();
  });
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_MS));
  BOOST_REQUIRE(done);
  auto in_block = [&](const std::vector<mmio_access>& log) {
    sequence s;
    for (const auto& a : log)
      if (a.addr >= block && a.addr < block + v1::block_size)
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
}
}  // namespace

BOOST_AUTO_TEST_CASE(msi_v1_kernel_conforms_to_the_v1_kernel_patch) { conforms("msi-v1-kernel"); }
BOOST_AUTO_TEST_CASE(msi_v1_conforms_to_the_v1_spec_text) { conforms("msi-v1"); }
