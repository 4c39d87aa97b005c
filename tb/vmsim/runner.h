// Runs one scenario (one design point) to completion in this process and returns its result as JSON:
// the configuration, the cost profile, the workload's figures, exits by cause, interrupts and the driver's
// own statistics. SystemC elaborates once per process: one scenario per process.
#pragma once

#include <nlohmann/json.hpp>

#include "scenario.h"
#include "vmsim/hyp/cost_profile.h"

namespace vmsim::app {

nlohmann::json run_scenario(const scenario& s, const cost_profile& profile, bool progress);

}  // namespace vmsim::app
