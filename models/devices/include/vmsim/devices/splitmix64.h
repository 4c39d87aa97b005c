// SplitMix64 (Steele, Lea, Flood 2014; the seeding generator of Vigna's xoshiro family): a 64-bit
// generator of one add and three xor-shift-multiplies per draw, which passes BigCrush. The device models
// use it for deterministic, seeded payloads: std::mt19937_64 cost ~40 instructions a draw, a measurable
// share of a simulated virtqueue round trip.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vmsim {

class splitmix64 {
 public:
  explicit splitmix64(uint64_t seed) : state_(seed) {}
  uint64_t operator()() { return mix(state_ += gamma); }

  // Fills `n` bytes with draws, 8 bytes each, least significant byte first (a last partial draw gives its
  // low bytes): the same bytes, and the same state after, as a loop of operator(). The state is kept in a
  // register meanwhile (stores through `out` could alias it).
  void fill(uint8_t* out, size_t n) {
    uint64_t s = state_;
    // Unrolled: a draw is 13 instructions, the loop's step and compare would add 3 to each.
#pragma GCC unroll 4
    for (; n >= 8; n -= 8, out += 8) store_le(out, mix(s += gamma), 8);
    if (n > 0) store_le(out, mix(s += gamma), n);
    state_ = s;
  }

 private:
  static constexpr uint64_t gamma = 0x9e3779b97f4a7c15ull;
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  static void store_le(uint8_t* out, uint64_t r, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == 8) std::memcpy(out, &r, 8);  // a constant size: a single store, not a library call
    else std::memcpy(out, &r, n);
#else
    for (size_t k = 0; k < n; ++k) out[k] = static_cast<uint8_t>(r >> (8 * k));
#endif
  }

  uint64_t state_;
};

}  // namespace vmsim
