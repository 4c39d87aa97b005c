// Interrupt schemes by name (the table in scheme_table.h), for scenarios and the command line. Unknown names
// are a user error (SC_REPORT_ERROR naming the allowed values).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vmsim/irq/msi_schemes.h"
#include "vmsim/irq/scheme_table.h"

namespace vmsim {

const std::vector<std::string>& interrupt_scheme_names();
// The row of `name`; SC_REPORT_ERROR (naming the allowed values) and the first row if there is none.
const scheme_desc& scheme_named(const std::string& name);
std::unique_ptr<interrupt_scheme> make_interrupt_scheme(const std::string& name, const msi_config& msi = {});
inline const isr_profile& profile_of(const std::string& scheme) { return scheme_named(scheme).isr; }

}  // namespace vmsim
