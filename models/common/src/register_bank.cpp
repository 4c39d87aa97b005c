#include "vmsim/common/register_bank.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "vmsim/common/report_ids.h"

namespace vmsim {

const char* to_string(bus_fault f) {
  switch (f) {
    case bus_fault::none: return "none";
    case bus_fault::undefined_offset: return "undefined offset";
    case bus_fault::bad_width: return "bad width";
    case bus_fault::misaligned: return "misaligned";
    case bus_fault::write_to_read_only: return "write to read-only register";
    case bus_fault::read_of_write_only: return "read of write-only register";
  }
  return "?";
}

const char* report_id(bus_fault f) {
  switch (f) {
    case bus_fault::none: return "";
    case bus_fault::undefined_offset: return ids::undefined_offset;
    case bus_fault::bad_width: return ids::bad_width;
    case bus_fault::misaligned: return ids::misaligned;
    case bus_fault::write_to_read_only: return ids::write_to_read_only;
    case bus_fault::read_of_write_only: return ids::read_of_write_only;
  }
  return "";
}

register_bank::register_bank(uint32_t size) : index_by_byte_(size, -1) {}

register_bank::entry& register_bank::add(const regmap::reg_desc& desc, read_handler on_read,
                                         write_handler on_write) {
  if (desc.offset + desc.width > index_by_byte_.size())
    throw std::logic_error(std::string("register outside the block: ") + desc.name);
  for (unsigned b = 0; b < desc.width; ++b)
    if (index_by_byte_[desc.offset + b] >= 0) {
      const auto& other = entries_[static_cast<size_t>(index_by_byte_[desc.offset + b])].desc;
      char where[64];
      std::snprintf(where, sizeof where, " at %#05x overlaps %s at %#05x", desc.offset, other.name, other.offset);
      throw std::logic_error(std::string("register ") + desc.name + where);
    }
  // Indices are stored, not pointers, so the vector may grow.
  auto idx = static_cast<int16_t>(entries_.size());
  entries_.push_back(entry{desc, std::move(on_read), std::move(on_write), desc.reset});
  for (unsigned b = 0; b < desc.width; ++b) index_by_byte_[desc.offset + b] = idx;
  return entries_.back();
}

void register_bank::clear() {
  entries_.clear();
  std::fill(index_by_byte_.begin(), index_by_byte_.end(), -1);
}

const register_bank::entry* register_bank::find(const char* name) const {
  for (const auto& e : entries_)
    if (std::strcmp(e.desc.name, name) == 0) return &e;
  return nullptr;
}

void register_bank::reset_counters() {
  for (auto& e : entries_) e.reads = e.writes = 0;
}

}  // namespace vmsim
