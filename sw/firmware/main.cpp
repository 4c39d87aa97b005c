// Firmware for qemu-system-aarch64 -M virt: finds QEMU's virtio-mmio devices and runs the sw/ driver on
// them — random bytes from virtio-rng, sectors written and read back on virtio-blk — on whichever
// transport QEMU offers (legacy Version 1 by default, Version 2 with force-legacy=false), interrupt-driven
// through QEMU's GICv2 (the legacy scheme: slot n's line is SPI 16 + n, interrupt id 48 + n), both drivers
// on one interrupt dispatch. Prints to the PL011 UART and exits through semihosting with 0 when every check
// passed.
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
void check(bool ok, const char* what, vdrv::status s = vdrv::status::ok, const char* device = nullptr) {
  puts(ok ? "PASS " : "FAIL ");
  if (device) puts(device), puts(": ");
  puts(what);
  if (!ok && s != vdrv::status::ok) {
    puts(" (");
    puts(vdrv::to_string(s));
    puts(")");
  }
  if (!ok) ++failures;
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
  o.request_timeout_ns = 2000000000;  // QEMU on a loaded host: a request may wait for the I/O thread
  return o;
}

// What the drivers run on: the counting HAL, the GIC and this CPU's interrupt dispatch, to which every
// driver attaches (one per CPU, as in an OS: an interrupt that comes late still finds its driver).
struct cpu_env {
  explicit cpu_env(baremetal_hal& hw) : io(hw), gic(io, gic_layout()), cpu(io, &gic, 0) {}
  vdrv::counting_hal io;
  vdrv::irq_controller gic;
  vdrv::cpu_context cpu;
};

// What virtio promises about interrupts: at least one came, and none came for nothing. It does not promise
// one per request: the device publishes a used buffer before it signals, the driver may find the buffer
// first, and one interrupt may cover several buffers.
void check_interrupts(const vdrv::virtio_driver& d, const char* what) {
  const auto& st = d.stats();
  puts(what);
  puts(": ");
  putu(st.interrupts);
  puts(" interrupts (");
  putu(st.trailing);
  puts(" after the buffer was reaped, ");
  putu(st.missed);
  puts(" owed and not seen in time), ");
  putu(st.spurious);
  puts(" spurious\n");
  check(st.interrupts >= 1 && st.spurious == 0, "requests completed under interrupts, none spurious", vdrv::status::ok, what);
}

void test_rng(vdrv::rng_driver& rng, unsigned slot, vdrv::arena& mem) {
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
  check_interrupts(rng, "virtio-rng");
}

void test_blk(vdrv::blk_driver& blk, unsigned slot, vdrv::arena& mem, uint64_t seed) {
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
  check_interrupts(blk, "virtio-blk");
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
  baremetal_hal hw(gicc, gicd);
  cpu_env env(hw);
  env.gic.enable();
  hw.enable_wakeup_timer();
  vdrv::arena mem(__dma_start, reinterpret_cast<uint64_t>(__dma_start), static_cast<size_t>(__dma_end - __dma_start));
  puts("vmsim firmware: scanning virtio-mmio slots\n");
  unsigned rng_slot = mmio_slots, blk_slot = mmio_slots;
  auto base_of = [](unsigned slot) { return mmio_first + slot * mmio_stride; };
  for (unsigned slot = 0; slot < mmio_slots; ++slot) {
    vdrv::counting_hal probe_io(hw);
    vdrv::mmio_device probe(probe_io, base_of(slot));
    if (probe.probe() != vdrv::status::ok) continue;
    puts("slot ");
    putu(slot);
    puts(" at ");
    puthex(base_of(slot));
    puts(": device id ");
    putu(probe.device_id());
    puts("\n");
    if (probe.device_id() == 4) rng_slot = slot;
    if (probe.device_id() == 2) blk_slot = slot;
  }
  // The drivers live as long as the dispatch they attach to.
  vdrv::rng_driver rng(env.io, base_of(rng_slot), env.cpu);
  vdrv::blk_driver blk(env.io, base_of(blk_slot), env.cpu);
  if (rng_slot < mmio_slots) test_rng(rng, rng_slot, mem);
  if (blk_slot < mmio_slots) test_blk(blk, blk_slot, mem, hw.now_ns());
  check(rng_slot < mmio_slots && blk_slot < mmio_slots, "found the virtio-rng and virtio-blk devices");
  check(env.cpu.unowned() == 0, "every interrupt had a driver");
  puts(failures ? "RESULT: FAIL\n" : "RESULT: PASS\n");
  return failures ? 1 : 0;
}
