// The driver's GICv2 flavour of irq_controller (used by the QEMU firmware) against a recording HAL: the
// registers and values of Arm IHI 0048B, the same calls the driver makes on vmsim's controller.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "vdrv/interrupts.h"

using namespace vdrv;

namespace {
constexpr uint64_t gicd = 0x08000000, gicc = 0x08010000;

struct recording_hal final : hal {
  struct access {
    uint64_t addr;
    unsigned width;
    uint32_t value;
    bool operator==(const access& o) const { return addr == o.addr && width == o.width && value == o.value; }
  };
  std::vector<access> writes;
  std::map<uint64_t, uint32_t> reads;  // what a read of an address returns
  uint32_t rd(uint64_t a) { return reads.count(a) ? reads[a] : 0; }
  uint8_t read8(uint64_t a) override { return static_cast<uint8_t>(rd(a)); }
  uint16_t read16(uint64_t a) override { return static_cast<uint16_t>(rd(a)); }
  uint32_t read32(uint64_t a) override { return rd(a); }
  void write8(uint64_t a, uint8_t v) override { writes.push_back({a, 1, v}); }
  void write16(uint64_t a, uint16_t v) override { writes.push_back({a, 2, v}); }
  void write32(uint64_t a, uint32_t v) override { writes.push_back({a, 4, v}); }
  void barrier() override {}
  void wait_for_interrupt() override {}
  bool interrupt_pending() override { return false; }
  uint64_t now_ns() override { return 0; }
  uint64_t to_bus(const void* p) override { return reinterpret_cast<uint64_t>(p); }
  void* from_bus(uint64_t a) override { return reinterpret_cast<void*>(a); }
};

irqc_layout gic() {
  irqc_layout l;
  l.regs = gicc;
  l.gicv2_distributor = gicd;
  l.wired_base_id = 48;
  return l;
}
}  // namespace

BOOST_AUTO_TEST_CASE(gicv2_enable_switches_on_distributor_and_cpu_interface) {
  recording_hal h;
  counting_hal io{h};
  irq_controller(io, gic()).enable();
  const std::vector<recording_hal::access> want = {{gicd + 0x000, 4, 0x3}, {gicc + 0x04, 4, 0xff}, {gicc + 0x00, 4, 0x3}};
  BOOST_TEST((h.writes == want));
}

BOOST_AUTO_TEST_CASE(gicv2_route_targets_the_cpu_and_enables_the_spi) {
  recording_hal h;
  counting_hal io{h};
  irq_controller ic(io, gic());
  ic.route(79, 0);  // virt's virtio-mmio slot 31
  const std::vector<recording_hal::access> want = {{gicd + 0x800 + 79, 1, 0x01}, {gicd + 0x100 + 8, 4, 1u << 15}};
  BOOST_TEST((h.writes == want));
  h.writes.clear();
  ic.mask(79, true);
  BOOST_TEST((h.writes == std::vector<recording_hal::access>{{gicd + 0x180 + 8, 4, 1u << 15}}));
}

BOOST_AUTO_TEST_CASE(gicv2_acknowledge_and_eoi_use_iar_and_eoir) {
  recording_hal h;
  h.reads[gicc + 0x0c] = (1u << 10) | 79;  // IAR with a CPU id field (SGIs): the id is the low 10 bits
  h.reads[gicc + 0x18] = 1023;
  counting_hal io{h};
  irq_controller ic(io, gic());
  BOOST_TEST(ic.acknowledge(0) == 79u);
  BOOST_TEST(ic.highest_pending(0) == irq_controller::spurious);
  ic.eoi(0, 79);
  BOOST_TEST((h.writes == std::vector<recording_hal::access>{{gicc + 0x10, 4, 79}}));
  BOOST_TEST(io.reads == 2u);  // the controller's accesses count as the ISR's (driver_stats::isr_reads)
  BOOST_TEST(io.writes == 1u);
}

BOOST_AUTO_TEST_CASE(vmsim_controller_layout_is_unchanged) {
  recording_hal h;
  irqc_layout l;
  l.regs = 0x08000000;
  counting_hal io{h};
  irq_controller ic(io, l);
  ic.enable();  // nothing to switch on
  ic.route(33, 1);
  ic.mask(33, false);
  ic.eoi(1, 33);
  const std::vector<recording_hal::access> want = {
      {0x08000000 + 0x10000 + 4 * 33, 4, 1}, {0x08000000 + 0x14000 + 4 * 33, 4, 0}, {0x08000000 + 0x800 + 0x4, 4, 33}};  // vCPU 1's interface: one 0x800 window up
  BOOST_TEST((h.writes == want));
}
