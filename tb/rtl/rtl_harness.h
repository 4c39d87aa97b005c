// Cycle-by-cycle harness for the Verilated doorbell decoder: drives one clock per step, predicts the
// registered outputs with the C++ reference (decode_doorbell) and reports any difference. Works for any
// verilated configuration (the Model template parameter), so one test body sweeps them all.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "verilated.h"
#include "verilated_cov.h"
#include "verilated_vcd_c.h"

#include "vmsim/transport/notify_scheme.h"

namespace vmsim::rtl {

struct outputs {
  bool kick = false, err = false;
  unsigned queue = 0, data = 0, code = 0;
  bool operator==(const outputs& o) const {
    return kick == o.kick && err == o.err && code == o.code && (!kick || (queue == o.queue && data == o.data));
  }
};

inline std::string to_string(const outputs& o) {
  if (o.kick) return "kick q" + std::to_string(o.queue) + " data " + std::to_string(o.data);
  if (o.err) return "err " + std::to_string(o.code);
  return "idle";
}

struct write_in {
  bool valid = false;
  uint32_t addr = 0, data = 0;
  uint8_t strb = 0xf;
};

// What the registered outputs must show after the edge that sampled `w`.
inline outputs predict(const doorbell_config& cfg, const write_in& w, bool in_reset) {
  outputs o;
  if (in_reset || !w.valid) return o;
  const unsigned width = static_cast<unsigned>(std::bitset<4>(w.strb).count());
  const doorbell_result r = decode_doorbell(cfg, w.addr, width, w.data);  // strb 0xf is the only 4-byte case
  if (r.error == doorbell_error::none) {
    o.kick = true;
    o.queue = r.queue;
    o.data = r.notification_data;
  } else {
    o.err = true;
    o.code = static_cast<unsigned>(r.error);
  }
  return o;
}

template <class Model>
class dut {
 public:
  explicit dut(const std::string& coverage_file = "") : coverage_file_(coverage_file) {}
  ~dut() {
    model_->final();
    if (vcd_) vcd_->close();
    if (!coverage_file_.empty()) context_->coveragep()->write(coverage_file_.c_str());
  }
  void configure(const doorbell_config& c) {
    cfg_ = c;
    model_->cfg_base = static_cast<uint16_t>(c.base);
    model_->cfg_multiplier = static_cast<uint16_t>(c.multiplier);
    model_->cfg_num_queues = static_cast<uint8_t>(c.num_queues);
  }
  // Writes a VCD of every following clock to `path` (10 time units per clock, the rising edge at 5).
  void trace_to(const std::string& path) {
    context_->traceEverOn(true);
    vcd_ = std::make_unique<VerilatedVcdC>();
    model_->trace(vcd_.get(), 99);
    vcd_->open(path.c_str());
  }
  const doorbell_config& config() const { return cfg_; }
  // One clock edge with `w` on the inputs (and reset if asked); returns the outputs after it.
  outputs step(const write_in& w, bool reset = false) {
    model_->rst_n = !reset;
    model_->wr_valid = w.valid;
    model_->wr_addr = static_cast<uint16_t>(w.addr);
    model_->wr_data = w.data;
    model_->wr_strb = w.strb;
    model_->clk = 0;
    model_->eval();
    if (vcd_) vcd_->dump(10 * cycle_);
    model_->clk = 1;
    model_->eval();
    if (vcd_) vcd_->dump(10 * cycle_ + 5);
    ++cycle_;
    outputs o;
    o.kick = model_->kick_valid;
    o.err = model_->err_valid;
    o.queue = model_->kick_queue;
    o.data = model_->kick_data;
    o.code = model_->err_code;
    return o;
  }
  void reset() {
    step({}, true);
    step({}, true);
  }
  uint32_t kick_count() const { return model_->kick_count; }
  uint32_t err_count() const { return model_->err_count; }
  uint64_t cycles() const { return cycle_; }

 private:
  std::unique_ptr<VerilatedContext> context_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Model> model_ = std::make_unique<Model>(context_.get());
  std::unique_ptr<VerilatedVcdC> vcd_;  // after model_: closed and destroyed before it
  std::string coverage_file_;
  doorbell_config cfg_{};
  uint64_t cycle_ = 0;
};

// Functional coverage: the interesting cases the regression must hit (target 100%).
class coverage_bins {
 public:
  explicit coverage_bins(unsigned queues) {
    for (unsigned q = 0; q < queues; ++q) bins_["kick queue " + std::to_string(q)] = 0;
    for (const char* b : {"first queue", "last queue", "outside window below", "outside window above", "misaligned",
                          "bad width", "no such queue (shared doorbell)", "data mismatch", "back-to-back writes",
                          "write during reset", "shared doorbell kick", "notification data"})
      bins_[b] = 0;
  }
  void hit(const std::string& bin) {
    auto it = bins_.find(bin);
    if (it != bins_.end()) ++it->second;
  }
  // Classifies one write and its predicted result.
  void sample(const doorbell_config& cfg, const write_in& w, const outputs& expected, bool in_reset, bool back_to_back) {
    if (!w.valid) return;
    if (in_reset) return hit("write during reset");
    if (back_to_back) hit("back-to-back writes");
    if (expected.kick) {
      hit("kick queue " + std::to_string(expected.queue));
      if (expected.queue == 0) hit("first queue");
      if (expected.queue == cfg.num_queues - 1) hit("last queue");
      if (cfg.multiplier == 0) hit("shared doorbell kick");
      if (expected.data) hit("notification data");
      return;
    }
    switch (static_cast<doorbell_error>(expected.code)) {
      case doorbell_error::outside_window: hit(w.addr < cfg.base ? "outside window below" : "outside window above"); break;
      case doorbell_error::misaligned: hit("misaligned"); break;
      case doorbell_error::bad_width: hit("bad width"); break;
      case doorbell_error::no_such_queue: hit("no such queue (shared doorbell)"); break;
      case doorbell_error::data_mismatch: hit("data mismatch"); break;
      default: break;
    }
  }
  void merge(const coverage_bins& o) {
    for (const auto& [k, v] : o.bins_) bins_[k] += v;
  }
  unsigned total() const { return static_cast<unsigned>(bins_.size()); }
  unsigned covered() const {
    unsigned n = 0;
    for (const auto& kv : bins_) n += kv.second > 0;
    return n;
  }
  std::string report() const {
    std::string s;
    for (const auto& [k, v] : bins_) s += "  " + k + ": " + std::to_string(v) + (v ? "" : "   <-- MISSED") + "\n";
    return s;
  }

 private:
  std::map<std::string, uint64_t> bins_;
};

}  // namespace vmsim::rtl
