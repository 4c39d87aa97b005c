// vm.cpu.*: the vCPUs' run-time parameters (defaults: vcpu_config's initializers). The quantum is the
// scenario's quantum_ns (--quantum-ns).
#include "vmsim/cpu/vcpu.h"

namespace vmsim {

const param_group<vcpu_config>& param_table(const vcpu_config&) {
  static const auto g = param_group<vcpu_config>("cpu", "every vCPU")
      .time("access_cost", &vcpu_config::access_cost, 0, 1e6, "ns", "the vCPU's own time per MMIO access (the trap is the hypervisor's)")
      .flag("run_ahead", &vcpu_config::run_ahead,
            "at a quantum's end, yield only if something else is due by then (a speed-up: no result depends on it)");
  return g;
}

}  // namespace vmsim
