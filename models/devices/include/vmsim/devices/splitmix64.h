// SplitMix64 (Steele, Lea, Flood 2014; the seeding generator of Vigna's xoshiro family): a 64-bit
// generator of one add and three xor-shift-multiplies per draw, which passes BigCrush. The device models
// use it for deterministic, seeded payloads: std::mt19937_64 cost ~40 instructions a draw, a measurable
// share of a simulated virtqueue round trip.
#pragma once

#include <cstdint>

namespace vmsim {

class splitmix64 {
 public:
  explicit splitmix64(uint64_t seed) : state_(seed) {}
  uint64_t operator()() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace vmsim
