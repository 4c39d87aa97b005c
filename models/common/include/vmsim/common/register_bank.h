// A register block as declared data: each register is added with its datasheet row (regmap::reg_desc)
// and its named read/write handlers. One dispatcher checks offset, width, alignment and direction for
// every register, counts the access and calls the handler: no per-register range checks elsewhere.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim {

// Why a bus access was refused. `none` means the handler ran.
enum class bus_fault : uint8_t { none, undefined_offset, bad_width, misaligned, write_to_read_only, read_of_write_only };

const char* to_string(bus_fault f);
const char* report_id(bus_fault f);

class register_bank {
 public:
  using read_handler = std::function<uint32_t()>;
  using write_handler = std::function<void(uint32_t)>;

  struct entry {
    regmap::reg_desc desc;
    read_handler on_read;    // empty: reads return `value`
    write_handler on_write;  // empty: writes store into `value`
    uint32_t value;          // storage for registers without handlers (starts at desc.reset)
    uint64_t reads = 0;
    uint64_t writes = 0;
  };

  struct result {
    bus_fault fault;
    const entry* reg;  // the register hit (also set for direction faults), nullptr when undecoded
  };

  explicit register_bank(uint32_t size);

  // Declares a register. A second register overlapping bytes of an existing one is a modelling bug.
  entry& add(const regmap::reg_desc& desc, read_handler on_read = {}, write_handler on_write = {});
  void clear();

  // Inline: every guest register access of a round trip comes through here (the legacy ISR's
  // InterruptStatus read and InterruptACK write, QueueNotify).
  result read(uint32_t offset, unsigned width, uint32_t& value) {
    result r = check(offset, width, false);
    value = 0;
    if (r.fault != bus_fault::none) return r;
    entry& e = at(offset);
    ++e.reads;
    value = e.on_read ? e.on_read() : e.value;
    return r;
  }
  result write(uint32_t offset, unsigned width, uint32_t value) {
    result r = check(offset, width, true);
    if (r.fault != bus_fault::none) return r;
    entry& e = at(offset);
    ++e.writes;
    if (e.on_write)
      e.on_write(value);
    else
      e.value = value;
    return r;
  }

  // The register starting at or covering `offset`.
  const entry* find(uint32_t offset) const {
    if (offset >= index_by_byte_.size() || index_by_byte_[offset] < 0) return nullptr;
    return &entries_[static_cast<size_t>(index_by_byte_[offset])];
  }
  const entry* find(const char* name) const;
  const std::vector<entry>& entries() const { return entries_; }
  void reset_counters();

 private:
  result check(uint32_t offset, unsigned width, bool is_write) const {
    const entry* e = find(offset);
    if (e == nullptr) return {bus_fault::undefined_offset, nullptr};
    if (width != e->desc.width) return {bus_fault::bad_width, e};
    if (offset != e->desc.offset) return {bus_fault::misaligned, e};
    if (is_write && e->desc.acc == regmap::access::ro) return {bus_fault::write_to_read_only, e};
    if (!is_write && e->desc.acc == regmap::access::wo) return {bus_fault::read_of_write_only, e};
    return {bus_fault::none, e};
  }
  entry& at(uint32_t offset) { return entries_[static_cast<size_t>(index_by_byte_[offset])]; }  // a checked offset
  std::vector<entry> entries_;
  std::vector<int16_t> index_by_byte_;  // byte offset -> entry index, -1 where nothing is declared
};

}  // namespace vmsim
