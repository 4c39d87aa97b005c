// The kernel's current time, read inline. sc_time_stamp() returns the same field through a call into the
// SystemC library; the per-access path (a vCPU's clock, an exit's timestamp) asks for it several times per
// access, and this is a load instead.
#pragma once

#include <systemc>

namespace vmsim {

inline const sc_core::sc_time& kernel_time() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }

}  // namespace vmsim
