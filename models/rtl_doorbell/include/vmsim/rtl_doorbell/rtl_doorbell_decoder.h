// The Verilated RTL doorbell decoder (rtl/doorbell_decoder.sv) behind doorbell_decoder_if, so the
// transport's doorbell window can be decoded by the RTL instead of the C++ reference. The --cc model is
// evaluated on demand inside the bus access (no free-running sc_clock): each write is presented for one
// clock edge and the registered outputs read after it. The decoder's latency (cycles x clock period) is
// added to the kick's delay. Verilator types stay out of this header (pimpl), so users need no Verilator.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <systemc>

#include "vmsim/transport/notify_scheme.h"

namespace vmsim {

class rtl_doorbell_decoder : public doorbell_decoder_if {
 public:
  static constexpr unsigned max_queues = 64;      // MAX_QUEUES the wrapper's model is verilated with
  static constexpr unsigned latency_cycles = 1;   // registered outputs: one edge

  // `vcd_path` non-empty: the decoder's signals are traced to that VCD file (GTKWave opens it).
  rtl_doorbell_decoder(const doorbell_config& cfg, const sc_core::sc_time& clock_period, const std::string& vcd_path = "");
  ~rtl_doorbell_decoder() override;

  const char* name() const override { return "rtl"; }
  doorbell_result decode(uint32_t offset, unsigned width, uint32_t value) override;

  uint64_t cycles() const;
  uint32_t kick_count() const;  // the RTL's own counters
  uint32_t err_count() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vmsim
