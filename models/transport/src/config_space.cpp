#include "vmsim/transport/config_space.h"

#include <stdexcept>

namespace vmsim {

config_space::config_space(uint16_t size, std::vector<field> fields) : bytes_(size, 0), fields_(std::move(fields)) {
  for (const auto& f : fields_)
    if (f.offset + f.size > size || (f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8))
      throw std::logic_error("config field '" + f.name + "' does not fit the config space");
}

config_space::check config_space::classify(uint16_t offset, unsigned width, bool is_write, bool legacy,
                                           const field** hit) const {
  *hit = nullptr;
  for (const auto& f : fields_) {
    if (offset < f.offset || offset >= f.offset + f.size) continue;
    *hit = &f;
    unsigned in = offset - f.offset;
    bool exact = in == 0 && width == f.size && width <= 4;
    bool wide_half = f.size == 8 && width == 4 && (in == 0 || in == 4);
    bool legacy_byte = legacy && width == 1;
    if (!(exact || wide_half || legacy_byte)) return check::bad_width;
    if (is_write && !f.writable) return check::read_only;
    return check::ok;
  }
  return check::no_field;
}

void config_space::set(uint16_t offset, uint64_t value, unsigned width) {
  for (unsigned i = 0; i < width && offset + i < bytes_.size(); ++i)
    bytes_[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t config_space::get(uint16_t offset, unsigned width) const {
  uint64_t v = 0;
  for (unsigned i = 0; i < width && offset + i < bytes_.size(); ++i) v |= uint64_t{bytes_[offset + i]} << (8 * i);
  return v;
}

}  // namespace vmsim
