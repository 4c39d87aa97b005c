#include "vmsim/resources/distribution.h"

#include <cmath>

#include <fmt/format.h>

namespace vmsim {

const char* to_string(dist_shape s) {
  switch (s) {
    case dist_shape::constant: return "constant";
    case dist_shape::exponential: return "exponential";
    case dist_shape::lognormal: return "lognormal";
  }
  return "?";
}

const std::vector<std::string>& dist_shape_names() {
  static const std::vector<std::string> n = {"constant", "exponential", "lognormal"};
  return n;
}

bool parse_dist_shape(const std::string& name, dist_shape& out) {
  for (auto s : {dist_shape::constant, dist_shape::exponential, dist_shape::lognormal})
    if (name == to_string(s)) return out = s, true;
  return false;
}

std::string distribution::check() const {
  if (!std::isfinite(mean) || mean < 0) return fmt::format("mean {} is not a finite number >= 0", mean);
  if (!std::isfinite(cv) || cv < 0) return fmt::format("cv {} is not a finite number >= 0", cv);
  if (shape == dist_shape::lognormal && mean > 0 && cv == 0) return "a lognormal needs cv > 0 (use constant)";
  if (shape != dist_shape::lognormal && cv != 0) return fmt::format("cv applies to lognormal only, not {}", to_string(shape));
  if (shape == dist_shape::lognormal && cv > 10) return fmt::format("cv {} above 10", cv);
  return {};
}

namespace {
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}
}  // namespace

sampler::sampler(uint64_t seed, const std::string& stream) : rng_(seed ^ fnv1a(stream)) {}

double sampler::uniform() {
  // 53 random bits, shifted by half a step so 0 and 1 never come out (log(0) below).
  return (static_cast<double>(rng_() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double sampler::normal() {
  if (has_spare_) return has_spare_ = false, spare_;
  const double r = std::sqrt(-2.0 * std::log(uniform())), a = 6.283185307179586 * uniform();
  spare_ = r * std::sin(a);
  has_spare_ = true;
  return r * std::cos(a);
}

double sampler::draw(const distribution& d) {
  if (d.mean <= 0) return 0;
  switch (d.shape) {
    case dist_shape::constant: return d.mean;
    case dist_shape::exponential: return -d.mean * std::log(uniform());
    case dist_shape::lognormal: {
      // mean m and cv c: sigma^2 = ln(1 + c^2), mu = ln m - sigma^2 / 2.
      auto& p = d.derived;
      if (p.mean != d.mean || p.cv != d.cv) {
        const double s2 = std::log1p(d.cv * d.cv);
        p = {d.mean, d.cv, std::log(d.mean) - s2 / 2, std::sqrt(s2)};
      }
      return std::exp(p.mu + p.sigma * normal());
    }
  }
  return d.mean;
}

}  // namespace vmsim
