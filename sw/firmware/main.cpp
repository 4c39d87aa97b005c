// Firmware for qemu-system-aarch64 -M virt: finds QEMU's virtio-mmio devices and runs the sw/ driver on
// them — random bytes from virtio-rng, sectors written and read back on virtio-blk — on whichever
// transport QEMU offers (legacy Version 1 by default, Version 2 with force-legacy=false), interrupt-driven
// through QEMU's GICv2 (the legacy scheme: slot n's line is SPI 16 + n, interrupt id 48 + n). Prints to the
// PL011 UART and exits through semihosting with 0 when every check passed.
#include <stddef.h>
#include <stdint.h>

#include "baremetal_hal.h"
#include "vdrv/drivers.h"

extern "C" {
// What the compiler may call in freestanding code.
void* memcpy(void* d, const void* s, size_t n) {
  auto* dd = static_cast<volatile uint8_t*>(d);
  const auto* ss = static_cast<const uint8_t*>(s);
  for (size_t i = 0; i < n; ++i) dd[i] = ss[i];
  return d;
}
void* memset(void* d, int c, size_t n) {
  auto* dd = static_cast<volatile uint8_t*>(d);
  for (size_t i = 0; i < n; ++i) dd[i] = static_cast<uint8_t>(c);
  return d;
}
void* memmove(void* d, const void* s, size_t n) {
  auto* dd = static_cast<volatile uint8_t*>(d);
  const auto* ss = static_cast<const uint8_t*>(s);
  if (dd < ss) for (size_t i = 0; i < n; ++i) dd[i] = ss[i];
  else for (size_t i = n; i-- > 0;) dd[i] = ss[i];
  return d;
}
void __cxa_pure_virtual() {
  for (;;) {
  }
}
extern uint8_t __dma_start[], __dma_end[];
}

namespace {
constexpr uint64_t uart = 0x09000000;
constexpr uint64_t mmio_first = 0x0a000000, mmio_stride = 0x200;
constexpr unsigned mmio_slots = 32;
constexpr uint64_t gicd = 0x08000000, gicc = 0x08010000;  // -M virt,gic-version=2
constexpr uint32_t first_virtio_id = 48;                  // virt wires virtio-mmio slot n to SPI 16 + n

void putc(char c) {
  auto* fr = reinterpret_cast<volatile uint32_t*>(uart + 0x18);
  while (*fr & (1u << 5)) {
  }
  *reinterpret_cast<volatile uint32_t*>(uart) = static_cast<uint8_t>(c);
}
void puts(const char* s) {
  while (*s) putc(*s++);
}
void putu(uint64_t v) {
  char b[21];
  int i = 20;
  b[i] = 0;
  do b[--i] = static_cast<char>('0' + v % 10); while (v /= 10);
  puts(b + i);
}
void puthex(uint64_t v) {
  puts("0x");
  for (int s = 60; s >= 0; s -= 4) putc("0123456789abcdef"[(v >> s) & 0xf]);
}

int failures = 0;
void check(bool ok, const char* what, vdrv::status s = vdrv::status::ok) {
  puts(ok ? "PASS " : "FAIL ");
  puts(what);
  if (!ok) {
    puts(" (");
    puts(vdrv::to_string(s));
    puts(")");
    ++failures;
  }
  puts("\n");
}

// The driver's view of QEMU's interrupt controller, and how it starts on slot `slot`.
vdrv::irqc_layout gic_layout() {
  vdrv::irqc_layout l;
  l.regs = gicc;
  l.gicv2_distributor = gicd;
  l.wired_base_id = first_virtio_id;
  return l;
}
vdrv::start_options legacy_irq_on(unsigned slot) {
  vdrv::start_options o;
  o.irq.scheme = vdrv::irq_scheme::legacy;
  o.irq.first_line = slot;
  return o;
}

// What a driver runs on: the counting HAL, the GIC and this CPU's interrupt dispatch.
struct cpu_env {
  explicit cpu_env(baremetal_hal& hw) : io(hw), gic(io, gic_layout()), cpu(io, &gic, 0) {}
  vdrv::counting_hal io;
  vdrv::irq_controller gic;
  vdrv::cpu_context cpu;
};

void test_rng(baremetal_hal& hw, uint64_t base, unsigned slot, vdrv::arena& mem) {
  cpu_env env(hw);
  vdrv::rng_driver rng(env.io, base, env.cpu);
  vdrv::status s = rng.start(mem, legacy_irq_on(slot));
  check(s == vdrv::status::ok, "virtio-rng: initialised", s);
  if (s != vdrv::status::ok) return;
  puts("virtio-rng: transport version ");
  putu(rng.device().version());
  puts("\n");
  auto* a = static_cast<uint8_t*>(mem.alloc(64, 64));
  auto* b = static_cast<uint8_t*>(mem.alloc(64, 64));
  uint32_t got_a = 0, got_b = 0;
  s = rng.read(a, 64, got_a);
  check(s == vdrv::status::ok && got_a > 0, "virtio-rng: first read", s);
  s = rng.read(b, 64, got_b);
  check(s == vdrv::status::ok && got_b > 0, "virtio-rng: second read", s);
  unsigned zeros = 0, same = 0;
  for (unsigned i = 0; i < 64; ++i) zeros += a[i] == 0, same += a[i] == b[i];
  check(zeros < 16 && same < 16, "virtio-rng: bytes look random");
  check(rng.stats().interrupts >= 2 && rng.stats().spurious == 0, "virtio-rng: each read completed by its interrupt");
}

void test_blk(baremetal_hal& hw, uint64_t base, unsigned slot, vdrv::arena& mem) {
  cpu_env env(hw);
  vdrv::blk_driver blk(env.io, base, env.cpu);
  vdrv::status s = blk.start(mem, legacy_irq_on(slot));
  check(s == vdrv::status::ok, "virtio-blk: initialised", s);
  if (s != vdrv::status::ok) return;
  puts("virtio-blk: transport version ");
  putu(blk.device().version());
  puts(", capacity ");
  putu(blk.capacity());
  puts(" sectors\n");
  auto* out = static_cast<uint8_t*>(mem.alloc(4096, 512));
  auto* in = static_cast<uint8_t*>(mem.alloc(4096, 512));
  const uint64_t seed = hw.now_ns();
  for (unsigned i = 0; i < 4096; ++i) out[i] = static_cast<uint8_t>((seed >> (i % 8)) + i * 13);
  s = blk.write(0, 8, out, 8);
  check(s == vdrv::status::ok, "virtio-blk: write 8 sectors", s);
  for (unsigned i = 0; i < 4096; ++i) in[i] = 0;
  s = blk.read(0, 8, in, 8);
  bool same = s == vdrv::status::ok;
  for (unsigned i = 0; i < 4096 && same; ++i) same = in[i] == out[i];
  check(same, "virtio-blk: read back what was written", s);
  s = blk.read(0, blk.capacity(), in, 1);
  check(s == vdrv::status::io_error, "virtio-blk: read beyond the end is refused", s);
  check(blk.stats().interrupts >= 3 && blk.stats().spurious == 0, "virtio-blk: each request completed by its interrupt");
}
}  // namespace

// start.S's vectors call this for any exception: the firmware never expects one.
extern "C" void firmware_exception(uint64_t vector, uint64_t esr, uint64_t elr) {
  puts("FAIL unexpected exception: vector ");
  puthex(vector);
  puts(" ESR ");
  puthex(esr);
  puts(" ELR ");
  puthex(elr);
  puts("\nRESULT: FAIL\n");
}

extern "C" int firmware_main() {  // called from start.S (freestanding: main is not special)
  baremetal_hal hw(gicc);
  vdrv::irq_controller(hw, gic_layout()).enable();
  vdrv::arena mem(__dma_start, reinterpret_cast<uint64_t>(__dma_start), static_cast<size_t>(__dma_end - __dma_start));
  puts("vmsim firmware: scanning virtio-mmio slots\n");
  unsigned found = 0;
  for (unsigned slot = 0; slot < mmio_slots; ++slot) {
    const uint64_t base = mmio_first + slot * mmio_stride;
    vdrv::mmio_device probe(hw, base);
    if (probe.probe() != vdrv::status::ok) continue;
    ++found;
    puts("slot ");
    putu(slot);
    puts(" at ");
    puthex(base);
    puts(": device id ");
    putu(probe.device_id());
    puts("\n");
    if (probe.device_id() == 4) test_rng(hw, base, slot, mem);
    if (probe.device_id() == 2) test_blk(hw, base, slot, mem);
  }
  check(found >= 2, "found the virtio-rng and virtio-blk devices");
  puts(failures ? "RESULT: FAIL\n" : "RESULT: PASS\n");
  return failures ? 1 : 0;
}
