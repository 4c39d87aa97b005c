// Interrupt wires by interface method call (irq_wire.h) and the vCPU that sits on one: levels arrive at
// once, in the driving process; the probe's signal follows a delta later; a vCPU looks at its input
// without yielding and synchronises once per wait for interrupt.
#include <cstring>
#include <vector>

#include "sim_test.h"
#include "vmsim/common/irq_wire.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/irq/interrupt_controller.h"

using namespace vmsim;
using namespace vmsim::tb;
using ic = vmsim::interrupt_controller;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_US;

namespace {
struct driver_module : sc_core::sc_module {
  irq_out out{"out"};
  explicit driver_module(sc_core::sc_module_name n) : sc_module(n) {}
};

// A vCPU with RAM and the interrupt controller on a bus, and a bus master that plays the device's MSI writer.
struct cpu_bench : sc_core::sc_module {
  static constexpr uint64_t ram_base = 0x40000000, regs = 0x08000000, frame = 0xfee00000;
  router bus{"bus"};
  guest_ram ram{"ram", 1 << 20};
  interrupt_controller irqc;
  vcpu cpu;
  bus_master device{"device"};
  // run_ahead off unless asked: most cases here are about where the vCPU synchronises.
  explicit cpu_bench(sc_core::sc_module_name n, bool run_ahead = false)
      : sc_module(n), irqc("irqc", irqc_config{}), cpu("cpu", [run_ahead] {
          vcpu_config c;
          c.ram_base = ram_base;
          c.quantum = sc_time(100, SC_US);
          c.run_ahead = run_ahead;
          return c;
        }()) {
    cpu.bus.bind(bus.target);
    device.socket.bind(bus.target);
    bus.add_target(ram.socket, {"ram", ram_base, 1 << 20});
    bus.add_target(irqc.regs, {"irqc", regs, ic::regs_size});
    bus.add_target(irqc.msi, {"msi", frame, ic::x86_msi_window});
    irqc.cpu_irq[0].bind(cpu.irq);
  }
  // The device's MSI (vector 0x50 to vCPU 0), posted `at` from now.
  void msi_at(sc_time at) {
    sc_core::sc_spawn([this, at] {
      wait(at);
      device.write_annotated(frame, 0x50, sc_core::SC_ZERO_TIME);
    });
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_wire_reaches_every_receiver_at_once_and_the_probe_signal_a_delta_later) {
  driver_module src("src");
  irq_probe a("a"), b("b");
  src.out.bind(a.in);
  src.out.bind(b.in);  // fan-out: one line, two receivers
  run_thread([&] {
    const auto deltas = sc_core::sc_delta_count();
    src.out.write(true);
    BOOST_TEST(a.read());
    BOOST_TEST(b.read());
    BOOST_TEST(sc_core::sc_delta_count() == deltas);  // no delta cycle went by
    BOOST_TEST(!a.signal.read());                      // the mirror is one delta behind
    wait(sc_core::SC_ZERO_TIME);
    wait(sc_core::SC_ZERO_TIME);
    BOOST_TEST(a.signal.read());
    src.out.write(true);  // a repeated level is not a new edge
    src.out.write(false);
    BOOST_TEST(!a.read());
    BOOST_TEST(a.rises() == 1u);
    BOOST_TEST(b.rises() == 1u);
  });
}

BOOST_AUTO_TEST_CASE(an_unconnected_interrupt_output_is_legal) {
  driver_module src("src");
  run_thread([&] { src.out.write(true); });  // no receiver: nothing happens, nothing breaks
  BOOST_TEST(src.out.size() == 0);
}

BOOST_AUTO_TEST_CASE(the_controller_output_follows_msi_iar_and_eoi_in_the_same_delta) {
  router bus("bus");
  interrupt_controller irqc("irqc", irqc_config{});
  bus_master dev("dev");
  irq_probe out("out");
  dev.socket.bind(bus.target);
  bus.add_target(irqc.regs, {"regs", 0x08000000, ic::regs_size});
  bus.add_target(irqc.msi, {"msi", 0xfee00000, ic::x86_msi_window});
  irqc.cpu_irq[0].bind(out.in);
  run_thread([&] {
    const auto deltas = sc_core::sc_delta_count();
    dev.write_annotated(0xfee00000, 0x50, sc_core::SC_ZERO_TIME);
    BOOST_TEST(out.read());
    BOOST_TEST(irqc.acknowledge(0) == 0x50u);
    BOOST_TEST(!out.read());  // in service
    dev.write_annotated(0xfee00000, 0x51, sc_core::SC_ZERO_TIME);
    BOOST_TEST(!out.read());  // no nesting
    irqc.eoi(0, 0x50);
    BOOST_TEST(out.read());   // the next one is pending
    BOOST_TEST(sc_core::sc_delta_count() == deltas);
  });
}

BOOST_AUTO_TEST_CASE(a_vcpu_looks_at_its_input_without_yielding) {
  cpu_bench top("top");
  bool pending_before = true, pending_after = false;
  uint64_t deltas = 0;
  top.cpu.run([&](vcpu& c) {
    const auto d0 = sc_core::sc_delta_count();
    const auto t0 = sc_core::sc_time_stamp();
    pending_before = c.interrupt_pending();
    BOOST_TEST(sc_core::sc_time_stamp() == t0);
    deltas = sc_core::sc_delta_count() - d0;
    top.device.write_annotated(cpu_bench::frame, 0x50, sc_core::SC_ZERO_TIME);  // from this thread, for the test
    pending_after = c.interrupt_pending();
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  BOOST_TEST(!pending_before);
  BOOST_TEST(pending_after);
  BOOST_TEST(deltas == 0u);
}

BOOST_AUTO_TEST_CASE(a_sleeping_vcpu_wakes_when_its_interrupt_rises) {
  cpu_bench top("top");
  uint64_t woke_ns = 0;
  bool pending = false;
  top.msi_at(sc_time(2, SC_US));
  top.cpu.run([&](vcpu& c) {
    c.wait_for_interrupt();
    woke_ns = c.now_ns();
    pending = c.interrupt_pending();
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  BOOST_TEST(woke_ns == 2000u);
  BOOST_TEST(pending);
  BOOST_TEST(top.cpu.stats().wfis == 1u);
}

BOOST_AUTO_TEST_CASE(an_interrupt_that_rises_while_the_vcpu_is_busy_is_taken_when_the_work_ends) {
  cpu_bench top("top");
  uint64_t woke_ns = 0;
  unsigned resumes = 0;
  top.msi_at(sc_time(2, SC_US));
  top.cpu.run([&](vcpu& c) {
    c.on_resume([&] { ++resumes; });
    c.spend(sc_time(5, SC_US));  // guest work: the vCPU runs ahead of the kernel, no sync yet
    BOOST_TEST(sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME);
    c.wait_for_interrupt();      // busy until 5 us, the interrupt came at 2 us
    woke_ns = c.now_ns();
    BOOST_TEST(c.interrupt_pending());
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  BOOST_TEST(woke_ns == 5000u);
  BOOST_TEST(resumes == 1u);  // one kernel round trip for the whole wait
}

BOOST_AUTO_TEST_CASE(a_wait_for_interrupt_with_the_input_high_returns_without_a_sync) {
  cpu_bench top("top");
  unsigned resumes = 0;
  top.cpu.run([&](vcpu& c) {
    c.on_resume([&] { ++resumes; });
    top.device.write_annotated(cpu_bench::frame, 0x50, sc_core::SC_ZERO_TIME);
    c.spend(sc_time(3, SC_US));
    c.wait_for_interrupt();
    BOOST_TEST(c.now_ns() == 3000u);  // local time kept: the interrupt is taken now
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  BOOST_TEST(resumes == 0u);
}

BOOST_AUTO_TEST_CASE(an_idle_vcpu_is_not_woken_while_nothing_happens) {
  // Idle costs nothing: no watchdog. Over 10 ms of simulated time with no interrupt and no deadline the
  // sleeping vCPU's thread never runs again, and the kernel runs out of events at once.
  cpu_bench top("top");
  top.cpu.run([&](vcpu& c) { c.wait_for_interrupt(); });
  sc_core::sc_start(sc_time(10, sc_core::SC_MS));
  BOOST_TEST(top.cpu.stats().activations == 0u);
  BOOST_TEST(top.cpu.halted());
  BOOST_TEST(top.cpu.stranded());  // what a run reports as a lost interrupt
  BOOST_TEST(sc_core::sc_get_status() != sc_core::SC_STOPPED);
}

BOOST_AUTO_TEST_CASE(an_idle_vcpu_wakes_only_for_its_own_deadlines) {
  // A guest idling in 1 ms timer ticks for 10 ms: one activation per tick, nothing in between.
  cpu_bench top("top");
  uint64_t last = 0;
  top.cpu.run([&](vcpu& c) {
    for (uint64_t t = 1000000; t <= 10000000; t += 1000000) c.wait_for_interrupt(t);
    last = c.now_ns();
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(20, sc_core::SC_MS));
  BOOST_TEST(last == 10000000u);
  BOOST_TEST(top.cpu.stats().activations == 10u);
  BOOST_TEST(!top.cpu.stranded());
}

BOOST_AUTO_TEST_CASE(the_quantum_counts_from_where_the_vcpu_resumed) {
  // quantum 100 us: work of 60 us, a WFI woken at 130 us, then 80 + 80 us of work with an access after
  // each. On a fixed 100 us grid the first access (at 210 us) would cross the 200 us line and sync there;
  // counted from 130 us the vCPU syncs only once its local time reaches 100 us (the second, at 290 us).
  cpu_bench top("top");
  std::vector<uint64_t> kernel_ns;
  top.msi_at(sc_time(130, SC_US));
  top.cpu.run([&](vcpu& c) {
    c.spend(sc_time(60, SC_US));
    c.wait_for_interrupt();
    top.irqc.acknowledge(0);
    for (int i = 0; i < 2; ++i) {
      c.spend(sc_time(80, SC_US));
      c.read32(cpu_bench::ram_base);
      kernel_ns.push_back(static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5));
    }
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  BOOST_REQUIRE(kernel_ns.size() == 2u);
  BOOST_TEST(kernel_ns[0] == 130000u);  // 80 us ahead: no sync
  BOOST_TEST(kernel_ns[1] == 290000u);  // 160 us ahead: synchronised
}

namespace {
// The kernel's time in whole ns.
uint64_t kernel_ns() { return static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5); }

// As the_quantum_counts_from_where_the_vcpu_resumed, with run_ahead, and an interrupt at `msi_us` (0: none).
// Records the kernel's time after each of the three accesses, and the local time at the end.
struct run_ahead_case {
  std::vector<uint64_t> kernel_at;
  uint64_t local_end = 0, kernel_end = 0;
  bool pending_at_end = false;
  vcpu::counters stats;
  explicit run_ahead_case(uint64_t msi_us, bool catch_up = false) {
    cpu_bench top("top", true);
    top.msi_at(sc_time(130, SC_US));
    if (msi_us) top.msi_at(sc_time(double(msi_us), SC_US));
    top.cpu.run([&](vcpu& c) {
      c.spend(sc_time(60, SC_US));
      c.wait_for_interrupt();
      top.irqc.eoi(0, top.irqc.acknowledge(0));
      for (int i = 0; i < 3; ++i) {
        c.spend(sc_time(80, SC_US));
        c.read32(cpu_bench::ram_base);
        kernel_at.push_back(kernel_ns());
      }
      pending_at_end = c.interrupt_pending();
      if (catch_up) c.catch_up();
      local_end = c.now_ns();
      kernel_end = kernel_ns();
      sc_core::sc_stop();
    });
    sc_core::sc_start(sc_time(1, sc_core::SC_MS));
    stats = top.cpu.stats();
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(with_run_ahead_a_vcpu_runs_past_a_quantum_end_when_nothing_else_is_due) {
  // It runs past its quantum end at 290 us (160 us ahead of the kernel; 370 us is only 80 us past it, not
  // yet another): the kernel stays at the WFI's 130 us.
  const run_ahead_case idle(0);
  BOOST_TEST(idle.kernel_at == (std::vector<uint64_t>{130000, 130000, 130000}), boost::test_tools::per_element());
  BOOST_TEST(idle.local_end == 370000u);
  BOOST_TEST(idle.stats.ran_ahead == 1u);
  BOOST_TEST(idle.stats.activations == 1u);  // the WFI only
}

BOOST_AUTO_TEST_CASE(with_run_ahead_a_vcpu_yields_at_a_quantum_end_when_an_event_is_due_before_it) {
  // An interrupt due at 200 us, before the quantum end at 290 us: the vCPU yields there and sees it.
  const run_ahead_case busy(200);
  BOOST_TEST(busy.kernel_at == (std::vector<uint64_t>{130000, 290000, 290000}), boost::test_tools::per_element());
  BOOST_TEST(busy.pending_at_end);
  BOOST_TEST(busy.stats.ran_ahead == 0u);
  BOOST_TEST(busy.stats.activations == 2u);
}

BOOST_AUTO_TEST_CASE(with_run_ahead_an_event_due_exactly_at_the_quantum_end_makes_the_vcpu_yield) {
  // The kernel orders it against the vCPU's resumption, as without run_ahead.
  const run_ahead_case at_end(290);
  BOOST_TEST(at_end.kernel_at[1] == 290000u);
  BOOST_TEST(at_end.stats.ran_ahead == 0u);
}

BOOST_AUTO_TEST_CASE(with_run_ahead_an_event_due_after_the_quantum_end_is_not_seen_yet) {
  // As without run_ahead: the yield at 290 us would not have seen the interrupt at 300 us either.
  const run_ahead_case later(300);
  BOOST_TEST(later.kernel_at[1] == 130000u);
  BOOST_TEST(!later.pending_at_end);
  BOOST_TEST(later.stats.ran_ahead == 1u);
}

BOOST_AUTO_TEST_CASE(catch_up_brings_the_kernel_to_the_last_quantum_end_the_vcpu_ran_past) {
  // Without run_ahead the kernel would be at 290 us (the yield at the second access) at the end; catch_up
  // gets it there, and the local time (370 us) is unchanged.
  const run_ahead_case c(0, true);
  BOOST_TEST(c.kernel_end == 290000u);
  BOOST_TEST(c.local_end == 370000u);
  BOOST_TEST(c.stats.activations == 2u);
}

BOOST_AUTO_TEST_CASE(a_later_deadline_keeps_the_armed_timer_and_an_earlier_one_replaces_it) {
  // One timer notification at a time: a deadline is armed when none is pending or when it comes first; a
  // pending earlier one wakes the vCPU early (the guest looks and waits again). Interrupts at 1 and 12 ms.
  cpu_bench top("top");
  std::vector<uint64_t> woke;
  top.msi_at(sc_time(1, sc_core::SC_MS));
  top.msi_at(sc_time(12, sc_core::SC_MS));
  top.cpu.run([&](vcpu& c) {
    auto wait_until = [&](uint64_t ms) {
      c.wait_for_interrupt(ms * 1000000);
      woke.push_back(c.now_ns() / 1000);
      if (c.interrupt_pending()) top.irqc.eoi(0, top.irqc.acknowledge(0));
    };
    wait_until(5);   // armed at 5 ms; the interrupt at 1 ms ends it
    wait_until(8);   // 5 ms still pending: kept, and it ends this wait early
    wait_until(8);   // armed at 8 ms
    wait_until(20);  // armed at 20 ms; the interrupt at 12 ms ends it
    wait_until(15);  // earlier than 20 ms: armed at 15 ms instead
    wait_until(30);  // nothing fires at 20 ms: the next wake is the 30 ms deadline
    sc_core::sc_stop();
  });
  sc_core::sc_start(sc_time(100, sc_core::SC_MS));
  BOOST_TEST(woke == (std::vector<uint64_t>{1000, 5000, 8000, 12000, 15000, 30000}), boost::test_tools::per_element());
  BOOST_TEST(top.cpu.stats().activations == 6u);
}
