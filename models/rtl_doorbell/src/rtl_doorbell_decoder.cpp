// Verilator's headers must come before <systemc> (they test for SystemC's macros).
#include "verilated.h"
#include "verilated_vcd_c.h"
#include "Vdoorbell_decoder.h"

#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"

#include <algorithm>

#include <fmt/format.h>

#include "vmsim/common/report_ids.h"

namespace vmsim {

struct rtl_doorbell_decoder::impl {
  VerilatedContext context;
  Vdoorbell_decoder model{&context};
  std::unique_ptr<VerilatedVcdC> vcd;
  sc_core::sc_time period;
  uint64_t half_ps = 1;  // half a clock period in the VCD's time unit (ps)
  uint64_t cycle = 0;

  void half_cycle(bool clk) {
    model.clk = clk;
    model.eval();
    if (vcd) vcd->dump(context.time());
    context.timeInc(half_ps);
  }
  // One full clock: falling half, then the rising edge that samples the inputs. The edges are placed on
  // the SystemC timeline (ps), never going backwards, so the VCD lines up with simulated time.
  void edge() {
    const uint64_t now_ps = static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e12);
    if (now_ps > context.time()) context.time(now_ps);
    half_cycle(false);
    half_cycle(true);
    ++cycle;
  }
};

rtl_doorbell_decoder::rtl_doorbell_decoder(const doorbell_config& cfg, const sc_core::sc_time& clock_period,
                                           const std::string& vcd_path)
    : impl_(std::make_unique<impl>()) {
  if (cfg.num_queues == 0 || cfg.num_queues > max_queues || cfg.base > 0xffff || cfg.multiplier > 0xffff)
    SC_REPORT_ERROR(ids::config_error, fmt::format("RTL doorbell decoder: {} queues (1..{}), base {:#x} and multiplier "
                                                   "{:#x} must fit 16 bits", cfg.num_queues, max_queues, cfg.base,
                                                   cfg.multiplier).c_str());
  if (clock_period == sc_core::SC_ZERO_TIME)
    SC_REPORT_ERROR(ids::config_error, "RTL doorbell decoder: the clock period must be positive");
  auto& m = impl_->model;
  impl_->period = clock_period;
  impl_->half_ps = std::max<uint64_t>(1, static_cast<uint64_t>(clock_period.to_seconds() * 0.5e12));
  if (!vcd_path.empty()) {
    impl_->context.traceEverOn(true);
    impl_->vcd = std::make_unique<VerilatedVcdC>();
    m.trace(impl_->vcd.get(), 99);
    impl_->vcd->open(vcd_path.c_str());
  }
  m.cfg_base = static_cast<uint16_t>(cfg.base);
  m.cfg_multiplier = static_cast<uint16_t>(cfg.multiplier);
  m.cfg_num_queues = static_cast<uint8_t>(cfg.num_queues);
  m.wr_valid = 0;
  m.rst_n = 0;
  impl_->edge();
  impl_->edge();
  m.rst_n = 1;
  impl_->edge();
}

rtl_doorbell_decoder::~rtl_doorbell_decoder() {
  if (impl_->vcd) impl_->vcd->close();
  impl_->model.final();
}

doorbell_result rtl_doorbell_decoder::decode(uint32_t offset, unsigned width, uint32_t value) {
  auto& m = impl_->model;
  doorbell_result r;
  m.wr_valid = 1;
  m.wr_addr = static_cast<uint16_t>(offset);
  m.wr_data = value;
  m.wr_strb = width >= 4 ? 0xf : static_cast<uint8_t>(((1u << width) - 1) << (offset & 3));
  // Offsets beyond the RTL's 16-bit window are outside it by definition.
  if (offset > 0xffff) r.error = doorbell_error::outside_window;
  impl_->edge();  // registered outputs now hold this write's result
  m.wr_valid = 0;
  if (r.error == doorbell_error::none) {
    if (m.kick_valid) {
      r.queue = m.kick_queue;
      r.notification_data = m.kick_data;
    } else {
      r.error = static_cast<doorbell_error>(m.err_code);
    }
  }
  r.latency = impl_->period * static_cast<double>(latency_cycles);
  return r;
}

uint64_t rtl_doorbell_decoder::cycles() const { return impl_->cycle; }
uint32_t rtl_doorbell_decoder::kick_count() const { return impl_->model.kick_count; }
uint32_t rtl_doorbell_decoder::err_count() const { return impl_->model.err_count; }

}  // namespace vmsim
