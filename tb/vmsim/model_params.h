// The model parameters a vmsim run can set by name (--param NAME=VALUE, a scenario's "params"): every
// model's param_group under the root "vm" (the machine's module name). docs/parameters.md lists them.
#pragma once

#include "vmsim/common/params.h"

namespace vmsim::app {

const param_registry& model_params();

}  // namespace vmsim::app
