#include "traces.h"

#include <cstdio>

#include <fmt/format.h>

#include "vmsim/common/kernel_time.h"

namespace vmsim::app {

traced_device_host::traced_device_host(device_host& inner, timeline& tl) : in_(inner), tl_(tl) {}

// The back-end's time in ns: the kernel's, plus how far ahead its caller runs (a pop in a kick's own call
// is at the kick's arrival, the vCPU's local time and the doorbell's latency on). A vCPU that runs ahead
// of its quantum ends (vm.cpu.run_ahead) leaves the stamps as they are.
double traced_device_host::now_ns() const { return to_ns(kernel_time() + in_.caller_offset()); }

pop_status traced_device_host::pop(unsigned q, desc_chain& out) {
  const pop_status st = in_.pop(q, out);
  if (st == pop_status::chain) {
    if (taken_.size() <= q) taken_.resize(q + 1);
    auto& t = taken_[q];
    if (t.size() <= out.head) t.resize(out.head + 1u);
    t[out.head] = {now_ns(), out.readable_bytes, out.writable_bytes};
  } else if (st == pop_status::error) {
    tl_.instant_named("virtqueue", virtqueue_track + q, now_ns(), [&](timeline::label& l) { l << "q" << q << ": malformed ring"; });
  }
  return st;
}

void traced_device_host::push_used(unsigned q, const desc_chain& chain, uint32_t written) {
  in_.push_used(q, chain, written);
  const double t = now_ns();
  if (q < taken_.size() && chain.head < taken_[q].size()) {
    const taken& k = taken_[q][chain.head];
    if (k.at_ns >= 0)
      tl_.span_named("backend", backend_track + q, k.at_ns, t - k.at_ns, [&](timeline::label& l) {
        l << "q" << q << " head " << chain.head << ": " << k.out << " B out, " << k.in << " B in";
      });
    taken_[q][chain.head].at_ns = -1;
  }
  tl_.instant_named("virtqueue", virtqueue_track + q, t,
                    [&](timeline::label& l) { l << "used q" << q << " head " << chain.head << ": " << written << " B"; });
}

void traced_device_host::notify_used(unsigned q) {
  in_.notify_used(q);
  tl_.instant_named("virtqueue", virtqueue_track + q, now_ns(), [&](timeline::label& l) { l << "notify q" << q; });
}

void traced_device_host::needs_reset(const std::string& why) {
  tl_.instant("DEVICE_NEEDS_RESET: " + why, "device", virtqueue_track, now_ns());
  in_.needs_reset(why);
}

trace_session::trace_session(const scenario& s) : timeline_path_(s.timeline) {
  if (!s.timeline.empty()) {
    double from = 0, to = timeline::forever;
    if (s.timeline_window_us.size() == 2) from = s.timeline_window_us[0] * 1000, to = s.timeline_window_us[1] * 1000;
    tl_ = std::make_unique<timeline>(s.timeline, from, to);
    if (!tl_->ok()) throw scenario_error(fmt::format("scenario.timeline: cannot write '{}'", s.timeline));
  }
  if (!s.vcd.empty()) {
    // SystemC appends ".vcd" to the name it is given: strip it if the path has it, and check the path first.
    std::FILE* f = std::fopen(s.vcd.c_str(), "w");
    if (!f) throw scenario_error(fmt::format("scenario.vcd: cannot write '{}'", s.vcd));
    std::fclose(f);
    std::string base = s.vcd;
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) base.resize(base.size() - 4);
    else std::remove(s.vcd.c_str());
    vcd_ = sc_core::sc_create_vcd_trace_file(base.c_str());
    vcd_->set_time_unit(1, sc_core::SC_PS);  // the kernel's resolution: every change lands on its own time
  }
}

trace_session::~trace_session() { close_vcd(); }

trace_session::vcd_guard::~vcd_guard() {
  if (owner) owner->close_vcd();
}

void trace_session::close_vcd() {
  if (vcd_) sc_core::sc_close_vcd_trace_file(vcd_);
  vcd_ = nullptr;
}

void trace_session::probe(irq_out& wire, const std::string& name) {
  probes_.push_back(std::make_unique<irq_probe>(sc_core::sc_gen_unique_name(("vcd_" + name).c_str())));
  wire.bind(probes_.back()->in);
  sc_core::sc_trace(vcd_, probes_.back()->signal, name);
}

void trace_session::finish(unsigned vcpus) {
  close_vcd();
  if (!tl_) return;
  for (unsigned c = 0; c < vcpus; ++c) {
    tl_->name_track(c, fmt::format("vCPU {} exits", c));
    tl_->name_track(isr_track + c, fmt::format("vCPU {} ISRs", c));
  }
  tl_->name_track(msi_track, "MSI frame");
  for (unsigned q = 0; q < queues_; ++q) {
    tl_->name_track(virtqueue_track + q, fmt::format("virtqueue {}", q));
    tl_->name_track(backend_track + q, fmt::format("back-end, queue {}", q));
  }
  if (!tl_->close()) throw std::runtime_error(fmt::format("--timeline: cannot write '{}': the write failed", timeline_path_));
}

}  // namespace vmsim::app
