#include "vmsim/transport/status_machine.h"

namespace vmsim {

status_verdict check_status_write(uint8_t current, uint8_t written, uint32_t version) {
  const uint8_t owned = st::device_needs_reset;
  current &= static_cast<uint8_t>(~owned);
  written &= static_cast<uint8_t>(~owned);
  if (written == 0) return status_verdict::reset;
  if (written == current) return status_verdict::no_change;
  if (written == (current | st::failed)) return status_verdict::legal;
  const uint8_t vmask = version == 1 ? regmap::in_v1 : regmap::in_v2;
  for (const auto& s : legal_status_steps)
    if (s.from == current && s.to == written && (s.versions & vmask)) return status_verdict::legal;
  return status_verdict::illegal;
}

}  // namespace vmsim
