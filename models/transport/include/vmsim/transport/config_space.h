// A device's configuration space as declared fields. The transport checks every guest access against
// the fields (virtio spec 4.2.2.2: 8-bit fields by 8-bit accesses, 16-bit by 16-bit, 32- and 64-bit
// fields by 32-bit accesses); legacy (Version 1) drivers may also use byte accesses anywhere in a field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmsim {

class config_space {
 public:
  struct field {
    std::string name;
    uint16_t offset;
    uint8_t size;   // 1, 2, 4 or 8 bytes
    bool writable;
  };

  config_space() = default;
  config_space(uint16_t size, std::vector<field> fields);

  uint16_t size() const { return static_cast<uint16_t>(bytes_.size()); }
  const std::vector<field>& fields() const { return fields_; }

  enum class check { ok, no_field, bad_width, read_only };
  // Which field a `width`-byte access at `offset` hits, and whether the access is allowed.
  check classify(uint16_t offset, unsigned width, bool is_write, bool legacy, const field** hit) const;

  // Device-side accessors (little-endian, as the guest sees them).
  void set(uint16_t offset, uint64_t value, unsigned width);
  uint64_t get(uint16_t offset, unsigned width) const;

 private:
  std::vector<uint8_t> bytes_;
  std::vector<field> fields_;
};

}  // namespace vmsim
