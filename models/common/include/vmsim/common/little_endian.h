// A guest value of up to 4 bytes in a TLM payload's data: the guest is little-endian, whatever the host.
// Width 4 is written out byte by byte so the compiler makes it one load or store on a little-endian host
// (a loop over the bytes stays a loop); other widths take the loop.
#pragma once

#include <cstdint>

namespace vmsim {

inline uint32_t load_le(const uint8_t* p, unsigned width) {
  if (width == 4) return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  uint32_t v = 0;
  for (unsigned i = 0; i < width; ++i) v |= uint32_t{p[i]} << (8 * i);
  return v;
}

inline void store_le(uint8_t* p, unsigned width, uint32_t v) {
  if (width == 4) {
    p[0] = static_cast<uint8_t>(v), p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v >> 16), p[3] = static_cast<uint8_t>(v >> 24);
    return;
  }
  for (unsigned i = 0; i < width; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace vmsim
