#include "vmsim/platform/wired_or.h"

namespace vmsim {

wired_or::wired_or(sc_core::sc_module_name name, unsigned n)
    : sc_module(name), in("in", n), out("out"), inputs_(n), levels_(n, false) {
  for (unsigned i = 0; i < n; ++i) {
    inputs_[i].owner = this;
    inputs_[i].index = i;
    in[i].bind(inputs_[i]);
  }
}

void wired_or::set(unsigned i, bool level) {
  if (levels_[i] == level) return;  // senders may repeat a level
  levels_[i] = level;
  const bool was = high_ != 0;
  high_ = level ? high_ + 1 : high_ - 1;
  if ((high_ != 0) != was) out.write(high_ != 0);
}

}  // namespace vmsim
