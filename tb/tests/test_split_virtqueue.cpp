// The device side of the split ring against a fake guest memory: chains, indirect tables, interrupt
// suppression, and every malformed-ring case (each must be reported, never followed).
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <vector>

#include "vmsim/regmap/virtio_mmio.h"
#include "vmsim/virtqueue/split_virtqueue.h"

using namespace vmsim;
namespace vr = vmsim::regmap::vring;

namespace {
constexpr uint64_t ram_base = 0x1000;

struct fake_memory : guest_memory_if {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(1 << 16);
  unsigned faults = 0;
  unsigned accesses = 0;   // reads and writes through the checked path
  bool maps = false;       // hands out host pointers, as dma_master does inside its DMI window
  unsigned map_calls = 0;
  bool valid(uint64_t a, uint64_t n) override { return range_inside(a, n == 0 ? 1 : n, ram_base, bytes.size()); }
  bool read(uint64_t a, void* d, uint64_t n) override {
    ++accesses;
    if (!valid(a, n)) return ++faults, false;
    std::memcpy(d, &bytes[a - ram_base], n);
    return true;
  }
  bool write(uint64_t a, const void* s, uint64_t n) override {
    ++accesses;
    if (!valid(a, n)) return ++faults, false;
    std::memcpy(&bytes[a - ram_base], s, n);
    return true;
  }
  uint8_t* map(uint64_t a, uint64_t n) override {
    ++map_calls;
    return maps && valid(a, n) ? &bytes[a - ram_base] : nullptr;
  }
  void invalidate() { unmap_all(); }
  template <class T> void put(uint64_t a, T v) { std::memcpy(&bytes[a - ram_base], &v, sizeof v); }
  template <class T> T get(uint64_t a) { T v; std::memcpy(&v, &bytes[a - ram_base], sizeof v); return v; }
};

// The driver's half of a ring, written straight into the fake memory.
struct ring_fixture {
  fake_memory mem;
  split_virtqueue vq;
  vq_layout layout{8, ram_base + 0x0, ram_base + 0x100, ram_base + 0x200};
  uint16_t avail_idx = 0;

  explicit ring_fixture(vq_features f = {true, false}) { vq.enable(layout, f); }
  void desc(uint64_t table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0) {
    uint64_t d = table + uint64_t{i} * vr::desc_size;
    mem.put(d + vr::desc_addr, addr);
    mem.put(d + vr::desc_len, len);
    mem.put(d + vr::desc_flags, flags);
    mem.put(d + vr::desc_next, next);
  }
  void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0) {
    desc(layout.desc, i, addr, len, flags, next);
  }
  void make_available(uint16_t head) {
    mem.put<uint16_t>(layout.avail + vr::avail_ring + 2u * (avail_idx % layout.num), head);
    mem.put<uint16_t>(layout.avail + vr::avail_idx, ++avail_idx);
  }
  pop_status pop(desc_chain& c) { return vq.pop(mem, c); }
};
constexpr uint64_t buf = ram_base + 0x1000;
}  // namespace

BOOST_AUTO_TEST_CASE(empty_ring_pops_nothing) {
  ring_fixture f;
  desc_chain c;
  BOOST_TEST((f.pop(c) == pop_status::empty));
  BOOST_TEST(f.vq.pending(f.mem) == 0);
}

BOOST_AUTO_TEST_CASE(chain_is_split_into_readable_then_writable) {
  ring_fixture f;
  f.desc(0, buf, 12, vr::desc_f_next, 1);
  f.desc(1, buf + 0x100, 100, vr::desc_f_next | vr::desc_f_write, 2);
  f.desc(2, buf + 0x200, 28, vr::desc_f_write);
  f.make_available(0);
  BOOST_TEST(f.vq.pending(f.mem) == 1);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(c.head == 0u);
  BOOST_TEST(c.segments.size() == 3u);
  BOOST_TEST(c.readable_bytes == 12u);
  BOOST_TEST(c.writable_bytes == 128u);
  BOOST_TEST((f.pop(c) == pop_status::empty));
}

BOOST_AUTO_TEST_CASE(chain_data_is_gathered_and_scattered) {
  ring_fixture f;
  f.desc(0, buf, 3, vr::desc_f_next, 1);
  f.desc(1, buf + 0x10, 5, vr::desc_f_next, 2);
  f.desc(2, buf + 0x100, 4, vr::desc_f_next | vr::desc_f_write, 3);
  f.desc(3, buf + 0x200, 4, vr::desc_f_write);
  std::memcpy(&f.mem.bytes[buf - ram_base], "abc", 3);
  std::memcpy(&f.mem.bytes[buf + 0x10 - ram_base], "defgh", 5);
  f.make_available(0);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  char in[9] = {};
  BOOST_TEST(c.read(f.mem, 0, in, 8) == 8);
  BOOST_TEST(std::string(in) == "abcdefgh");
  BOOST_TEST(c.read(f.mem, 2, in, 100) == 6);  // short: only 6 readable bytes from offset 2
  BOOST_TEST(c.write(f.mem, 2, "WXYZ", 4) == 4);
  BOOST_TEST(std::string(reinterpret_cast<char*>(&f.mem.bytes[buf + 0x102 - ram_base]), 2) == "WX");
  BOOST_TEST(std::string(reinterpret_cast<char*>(&f.mem.bytes[buf + 0x200 - ram_base]), 2) == "YZ");
}

BOOST_AUTO_TEST_CASE(used_ring_gets_id_and_length) {
  ring_fixture f;
  f.desc(5, buf, 64, vr::desc_f_write);
  f.make_available(5);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(f.vq.push_used(f.mem, c.head, 40));
  BOOST_TEST(f.mem.get<uint16_t>(f.layout.used + vr::used_idx) == 1u);
  BOOST_TEST(f.mem.get<uint32_t>(f.layout.used + vr::used_ring) == 5u);
  BOOST_TEST(f.mem.get<uint32_t>(f.layout.used + vr::used_ring + 4) == 40u);
}

BOOST_AUTO_TEST_CASE(indirect_table_is_followed) {
  ring_fixture f;
  const uint64_t table = ram_base + 0x800;
  f.desc(table, 0, buf, 16, vr::desc_f_next, 1);
  f.desc(table, 1, buf + 0x100, 32, vr::desc_f_write);
  f.desc(0, table, 2 * vr::desc_size, vr::desc_f_indirect);
  f.make_available(0);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(c.readable_bytes == 16u);
  BOOST_TEST(c.writable_bytes == 32u);
}

namespace {
// Sets up one malformed chain at head 0 and checks that pop reports `expected` and leaves it at that.
void expect_error(ring_fixture& f, vq_error expected) {
  desc_chain c;
  BOOST_TEST((f.pop(c) == pop_status::error));
  BOOST_TEST((f.vq.error() == expected), "got " << to_string(f.vq.error()));
  // A queue in error stays quiet: nothing more is popped or published.
  BOOST_TEST((f.pop(c) == pop_status::empty));
  BOOST_TEST(!f.vq.push_used(f.mem, 0, 0));
}
}  // namespace

BOOST_AUTO_TEST_CASE(descriptor_loop_is_detected) {
  ring_fixture f;
  f.desc(0, buf, 8, vr::desc_f_next, 1);
  f.desc(1, buf, 8, vr::desc_f_next, 0);
  f.make_available(0);
  expect_error(f, vq_error::loop);
}

BOOST_AUTO_TEST_CASE(loop_inside_indirect_table_is_detected) {
  ring_fixture f;
  const uint64_t table = ram_base + 0x800;
  f.desc(table, 0, buf, 8, vr::desc_f_next, 1);
  f.desc(table, 1, buf, 8, vr::desc_f_next, 0);
  f.desc(0, table, 2 * vr::desc_size, vr::desc_f_indirect);
  f.make_available(0);
  expect_error(f, vq_error::loop);
}

BOOST_AUTO_TEST_CASE(head_beyond_queue_is_an_error) {
  ring_fixture f;
  f.make_available(9);
  expect_error(f, vq_error::head_out_of_range);
}

BOOST_AUTO_TEST_CASE(next_beyond_table_is_an_error) {
  ring_fixture f;
  f.desc(0, buf, 8, vr::desc_f_next, 8);
  f.make_available(0);
  expect_error(f, vq_error::next_out_of_range);
}

BOOST_AUTO_TEST_CASE(buffer_outside_ram_is_an_error) {
  ring_fixture f;
  f.desc(0, 0x10, 8, 0);  // below RAM
  f.make_available(0);
  expect_error(f, vq_error::memory);
  ring_fixture g;
  g.desc(0, ram_base + (1 << 16) - 4, 8, 0);  // runs off the end
  g.make_available(0);
  expect_error(g, vq_error::memory);
  ring_fixture h;
  h.desc(0, UINT64_MAX - 2, 8, 0);  // wraps the address space
  h.make_available(0);
  expect_error(h, vq_error::memory);
}

BOOST_AUTO_TEST_CASE(ring_outside_ram_is_an_error) {
  ring_fixture f;
  f.vq.enable({8, ram_base, ram_base + 0x100, 0x20}, {});  // used ring below RAM
  f.desc(0, buf, 8, vr::desc_f_write);
  f.make_available(0);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(!f.vq.push_used(f.mem, c.head, 8));
  BOOST_TEST((f.vq.error() == vq_error::memory));
}

BOOST_AUTO_TEST_CASE(oversize_chain_is_an_error) {
  ring_fixture f;
  // Two 3 GiB buffers would exceed the used element's 32-bit length; the fake RAM is small, so
  // use a memory that accepts anything to reach the length check.
  struct any_memory : fake_memory {
    bool valid(uint64_t, uint64_t) override { return true; }
  } big;
  split_virtqueue vq;
  vq.enable(f.layout, {});
  std::memcpy(big.bytes.data(), f.mem.bytes.data(), 0x300);
  f.desc(0, buf, 0xC0000000u, vr::desc_f_next, 1);
  f.desc(1, buf, 0xC0000000u, vr::desc_f_write);
  f.make_available(0);
  std::memcpy(big.bytes.data(), f.mem.bytes.data(), 0x300);
  desc_chain c;
  BOOST_TEST((vq.pop(big, c) == pop_status::error));
  BOOST_TEST((vq.error() == vq_error::oversize));
}

BOOST_AUTO_TEST_CASE(readable_after_writable_is_an_error) {
  ring_fixture f;
  f.desc(0, buf, 8, vr::desc_f_next | vr::desc_f_write, 1);
  f.desc(1, buf, 8, 0);
  f.make_available(0);
  expect_error(f, vq_error::readable_after_writable);
}

BOOST_AUTO_TEST_CASE(indirect_rules_are_enforced) {
  const uint64_t table = ram_base + 0x800;
  {
    ring_fixture f({false, false});
    f.desc(0, table, 32, vr::desc_f_indirect);
    f.make_available(0);
    expect_error(f, vq_error::indirect_not_negotiated);
  }
  {
    ring_fixture f;
    f.desc(0, table, 24, vr::desc_f_indirect);
    f.make_available(0);
    expect_error(f, vq_error::indirect_bad_length);
  }
  {
    ring_fixture f;
    f.desc(table, 0, table, 16, vr::desc_f_indirect);
    f.desc(0, table, 16, vr::desc_f_indirect);
    f.make_available(0);
    expect_error(f, vq_error::indirect_nested);
  }
  {
    ring_fixture f;
    f.desc(0, table, 16, vr::desc_f_indirect | vr::desc_f_next, 1);
    f.make_available(0);
    expect_error(f, vq_error::indirect_with_next);
  }
}

BOOST_AUTO_TEST_CASE(avail_index_jump_is_an_error) {
  ring_fixture f;
  f.mem.put<uint16_t>(f.layout.avail + vr::avail_idx, 9);  // 9 new entries in an 8-entry ring
  expect_error(f, vq_error::avail_idx_jump);
}

BOOST_AUTO_TEST_CASE(empty_pops_then_a_jump_is_still_an_error) {
  // pop() tells an empty ring from avail idx against the last one seen (inline, when the avail ring maps):
  // after empty pops and a chain, an index that jumps by more than the queue size is still the error it was,
  // and the queue then pops nothing, mapped or not.
  for (bool maps : {false, true}) {
    BOOST_TEST_CONTEXT("maps " << maps) {
      ring_fixture f;
      f.mem.maps = maps;
      desc_chain c;
      BOOST_TEST((f.pop(c) == pop_status::empty));
      BOOST_TEST((f.pop(c) == pop_status::empty));
      f.desc(0, buf, 8, vr::desc_f_write);
      f.make_available(0);
      BOOST_REQUIRE((f.pop(c) == pop_status::chain));
      BOOST_TEST((f.pop(c) == pop_status::empty));
      BOOST_TEST((f.vq.error() == vq_error::none));
      f.mem.put<uint16_t>(f.layout.avail + vr::avail_idx, 1 + 9);  // 9 new entries in an 8-entry ring
      BOOST_TEST((f.pop(c) == pop_status::error));
      BOOST_TEST((f.vq.error() == vq_error::avail_idx_jump));
      f.mem.put<uint16_t>(f.layout.avail + vr::avail_idx, 1);  // back where it was: the error stays
      BOOST_TEST((f.pop(c) == pop_status::empty));
      BOOST_TEST((f.vq.error() == vq_error::avail_idx_jump));
      BOOST_TEST(f.vq.last_avail_idx() == 1u);
      BOOST_TEST(c.segments.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(an_empty_pop_clears_the_chain_it_is_given) {
  ring_fixture f;
  f.mem.maps = true;
  f.desc(0, buf, 8, vr::desc_f_write);
  f.make_available(0);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(c.writable_bytes == 8u);
  BOOST_TEST((f.pop(c) == pop_status::empty));
  BOOST_TEST(c.segments.empty());
  BOOST_TEST(c.writable_bytes == 0u);
  BOOST_TEST(c.head == 0u);
}

BOOST_AUTO_TEST_CASE(no_interrupt_flag_suppresses_interrupts) {
  ring_fixture f;
  f.desc(0, buf, 8, vr::desc_f_write);
  f.make_available(0);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  f.vq.push_used(f.mem, c.head, 8);
  f.mem.put<uint16_t>(f.layout.avail + vr::avail_flags, vr::avail_f_no_interrupt);
  BOOST_TEST(!f.vq.should_interrupt(f.mem));
  f.mem.put<uint16_t>(f.layout.avail + vr::avail_flags, 0);
  BOOST_TEST(f.vq.should_interrupt(f.mem));
  BOOST_TEST(f.vq.stats().interrupts_suppressed == 1u);
}

BOOST_AUTO_TEST_CASE(event_idx_interrupts_only_when_used_event_is_passed) {
  ring_fixture f({false, true});
  for (uint16_t i = 0; i < 4; ++i) {
    f.desc(i, buf + i * 0x10u, 8, vr::desc_f_write);
    f.make_available(i);
  }
  desc_chain c;
  // The driver asks to be told when used idx passes 2 (used_event = 2).
  f.mem.put<uint16_t>(f.layout.avail + vr::used_event_offset(f.layout.num), 2);
  std::vector<bool> irq;
  for (int i = 0; i < 4; ++i) {
    BOOST_REQUIRE((f.pop(c) == pop_status::chain));
    f.vq.push_used(f.mem, c.head, 8);
    irq.push_back(f.vq.should_interrupt(f.mem));
  }
  // First call always signals (no earlier signal); then only the step that crosses used_event 2 -> 3.
  BOOST_TEST(irq == (std::vector<bool>{true, false, true, false}), "got " << irq[0] << irq[1] << irq[2] << irq[3]);
  // The device published avail_event = its last_avail_idx for the driver's kick suppression.
  BOOST_TEST(f.mem.get<uint16_t>(f.layout.used + vr::avail_event_offset(f.layout.num)) == 4u);
}

// ---- mapped rings: a ring part inside RAM is mapped once; one that is not is read field by field ----

BOOST_AUTO_TEST_CASE(mapped_rings_take_no_checked_accesses) {
  ring_fixture f({false, true});
  f.mem.maps = true;
  f.desc(0, buf, 12, vr::desc_f_next, 1);
  f.desc(1, buf + 0x100, 100, vr::desc_f_write);
  f.make_available(0);
  f.mem.put<uint16_t>(f.layout.avail + vr::used_event_offset(f.layout.num), 0);
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(c.readable_bytes == 12u);
  BOOST_TEST(c.writable_bytes == 100u);
  BOOST_TEST(f.vq.push_used(f.mem, c.head, 60));
  BOOST_TEST(f.vq.should_interrupt(f.mem));
  BOOST_TEST((f.pop(c) == pop_status::empty));
  // The same ring contents as the checked path would produce...
  BOOST_TEST(f.mem.get<uint32_t>(f.layout.used + vr::used_ring) == 0u);
  BOOST_TEST(f.mem.get<uint32_t>(f.layout.used + vr::used_ring + 4) == 60u);
  BOOST_TEST(f.mem.get<uint16_t>(f.layout.used + vr::used_idx) == 1u);
  BOOST_TEST(f.mem.get<uint16_t>(f.layout.used + vr::avail_event_offset(f.layout.num)) == 1u);
  // ...with every ring field reached through the three parts' host pointers, mapped once.
  BOOST_TEST(f.mem.accesses == 0u);
  BOOST_TEST(f.mem.map_calls == 3u);
}

BOOST_AUTO_TEST_CASE(an_invalidation_maps_the_rings_again) {
  ring_fixture f;
  f.mem.maps = true;
  for (uint16_t i = 0; i < 3; ++i) {
    f.desc(i, buf + i * 0x10u, 8, vr::desc_f_write);
    f.make_available(i);
  }
  desc_chain c;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(f.mem.map_calls == 3u);
  // The memory takes its pointers back (and now refuses to map): the queue falls back to checked accesses.
  f.mem.maps = false;
  f.mem.invalidate();
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(c.head == 1u);
  BOOST_TEST(f.mem.map_calls == 6u);
  BOOST_TEST(f.mem.accesses > 0u);
  // Mapping again after the next invalidation.
  f.mem.maps = true;
  f.mem.invalidate();
  const unsigned before = f.mem.accesses;
  BOOST_REQUIRE((f.pop(c) == pop_status::chain));
  BOOST_TEST(c.head == 2u);
  BOOST_TEST(f.mem.accesses == before);
  BOOST_TEST(f.mem.map_calls == 9u);
}

BOOST_AUTO_TEST_CASE(rings_straddling_the_end_of_ram_fail_where_they_leave_it) {
  // A used ring whose first element lies in RAM, and an 8-entry avail ring whose first 3 slots do: each
  // part fails to map whole, so its fields are checked one by one and the queue fails at the first field
  // outside RAM, exactly as without mappings.
  for (bool maps : {false, true}) {
    BOOST_TEST_CONTEXT("maps " << maps) {
      ring_fixture f;
      f.mem.maps = maps;
      const uint64_t ram_end = ram_base + f.mem.bytes.size();
      f.layout.used = ram_end - 12;  // flags, idx, ring[0]
      f.vq.enable(f.layout, {});
      for (uint16_t i = 0; i < 3; ++i) {
        f.desc(i, buf + i * 0x10u, 8, vr::desc_f_write);
        f.make_available(i);
      }
      desc_chain c;
      BOOST_REQUIRE((f.pop(c) == pop_status::chain));
      BOOST_TEST(f.vq.push_used(f.mem, c.head, 8));                // used ring[0]: inside
      BOOST_TEST(f.mem.get<uint16_t>(f.layout.used + vr::used_idx) == 1u);
      BOOST_TEST(f.vq.should_interrupt(f.mem));
      BOOST_REQUIRE((f.pop(c) == pop_status::chain));
      BOOST_TEST(!f.vq.push_used(f.mem, c.head, 8));               // used ring[1]: outside
      BOOST_TEST((f.vq.error() == vq_error::memory));
      BOOST_TEST(f.mem.faults == 1u);

      // The avail ring: flags, idx and slots 0..2 in RAM, slot 3 outside.
      ring_fixture g;
      g.mem.maps = maps;
      g.layout.avail = ram_end - 10;
      g.vq.enable(g.layout, {});
      for (uint16_t i = 0; i < 4; ++i) {
        g.desc(i, buf + i * 0x10u, 8, vr::desc_f_write);
        if (i < 3) g.make_available(i);
      }
      g.mem.put<uint16_t>(g.layout.avail + vr::avail_idx, 4);  // slot 3 would be at ram_end
      for (int i = 0; i < 3; ++i) BOOST_REQUIRE((g.pop(c) == pop_status::chain));
      BOOST_TEST((g.pop(c) == pop_status::error));
      BOOST_TEST((g.vq.error() == vq_error::memory));
      BOOST_TEST(g.mem.faults == 1u);
    }
  }
}
