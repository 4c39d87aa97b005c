// How long a piece of work takes: a mean and a shape, drawn from a seeded stream. Every service time of
// the timing model (a VM exit, a host thread's wake-up, a back-end's work per packet, the guest's cycles
// per request) is one of these, so its variability is data, not code.
//   constant     always the mean
//   exponential  memoryless, coefficient of variation 1 (e.g. arrivals, wake-ups on an idle host)
//   lognormal    mean and coefficient of variation (cv = stddev / mean): positive, right-skewed, the usual
//                shape of measured service times with a tail
// Samples come from SplitMix64 through inverse transforms and Box-Muller written here, not from
// <random>'s distributions, whose output the standard leaves to the library: a seed gives the same run
// with every compiler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vmsim/devices/splitmix64.h"

namespace vmsim {

enum class dist_shape : uint8_t { constant, exponential, lognormal };
const char* to_string(dist_shape s);
// The shape called `name`; false if there is none.
bool parse_dist_shape(const std::string& name, dist_shape& out);
const std::vector<std::string>& dist_shape_names();

struct distribution {
  distribution(double mean_ = 0, dist_shape shape_ = dist_shape::constant, double cv_ = 0)
      : mean(mean_), shape(shape_), cv(cv_) {}
  double mean = 0;  // in the unit of whatever it measures (ns, guest cycles)
  dist_shape shape = dist_shape::constant;
  double cv = 0;    // lognormal only; exponential is 1 by definition, constant 0
  // An empty string when the parameters are possible, else what is wrong with them.
  std::string check() const;

  // The lognormal's mu and sigma, derived from the mean and cv the first time they are drawn with (a
  // sample then costs one exp, not also a log, a log1p and a sqrt). Not part of the value.
  struct lognormal_params {
    double mean = -1, cv = -1;  // what mu and sigma were derived from (-1: nothing yet)
    double mu = 0, sigma = 0;
  };
  mutable lognormal_params derived;
};

// One stream of samples. Each consumer owns its stream (seeded from the run's seed and the consumer's
// name), so adding a consumer never shifts the samples another one draws.
class sampler {
 public:
  explicit sampler(uint64_t seed) : rng_(seed) {}
  sampler(uint64_t seed, const std::string& stream);
  double uniform();  // in (0, 1)
  double draw(const distribution& d);

 private:
  double normal();
  splitmix64 rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace vmsim
