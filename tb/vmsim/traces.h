// The traces a run may write beside its figures (docs/latency-model.md, "Reading the report"):
// - the timeline (scenario.timeline, optionally cut to scenario.timeline_window_us): a Perfetto/Chrome JSON
//   stream of every exit by register name, every ISR, every MSI, and the device side: each chain the
//   back-end takes from a virtqueue as a request span until its used element (with the chain's sizes), each
//   used element and each used notification;
// - a VCD (scenario.vcd): every interrupt wire (the device's lines, the controller's output to each vCPU)
//   and every doorbell (a counter of the kicks of each queue, and the MSI writes the controller took).
// Both are off, and cost nothing, unless asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "scenario.h"
#include "vmsim/common/irq_wire.h"
#include "vmsim/common/timeline.h"
#include "vmsim/transport/device_backend.h"

namespace vmsim::app {

// Timeline tracks: vCPU c's exits on c, its ISRs on 50 + c, MSI arrivals on 100, queue q's virtqueue
// events on virtqueue_track + q and its back-end requests on backend_track + q.
inline constexpr unsigned isr_track = 50, msi_track = 100, virtqueue_track = 200, backend_track = 400;

// The seam between the transport and its device back-end, recorded: sits in front of the transport as the
// back-end's host (device_backend::attach) and forwards everything.
class traced_device_host : public device_host {
 public:
  traced_device_host(device_host& inner, timeline& tl);
  pop_status pop(unsigned q, desc_chain& out) override;
  void push_used(unsigned q, const desc_chain& chain, uint32_t written) override;
  void notify_used(unsigned q) override;
  void config_changed() override { in_.config_changed(); }
  void needs_reset(const std::string& why) override;
  guest_memory_if& memory() override { return in_.memory(); }
  uint64_t negotiated_features() const override { return in_.negotiated_features(); }
  bool driver_ok() const override { return in_.driver_ok(); }
  sc_core::sc_time caller_offset() const override { return in_.caller_offset(); }

 private:
  double now_ns() const;  // the caller's time in ns

  device_host& in_;
  timeline& tl_;
  struct taken {
    double at_ns = -1;  // when the back-end popped the chain (-1: not in flight)
    uint64_t out = 0, in = 0;  // its readable and writable bytes
  };
  std::vector<std::vector<taken>> taken_;  // [queue][head]: bounded by the queues' sizes
};

class trace_session {
 public:
  // Opens the files before anything is elaborated: a path that cannot be written is a scenario_error.
  explicit trace_session(const scenario& s);
  ~trace_session();
  timeline* tl() { return tl_.get(); }

  // Closes the VCD when the machine whose counters it samples goes: declare it after the machine.
  struct vcd_guard {
    trace_session* owner = nullptr;
    ~vcd_guard();
  };
  // Attaches the traces to a machine (tb::virtio_system with hyp and cpu), before sc_start.
  template <class M>
  vcd_guard attach(M& m) {
    if (tl_) {
      m.hyp.attach_timeline(tl_.get());
      m.irqc.attach_timeline(tl_.get());
      host_ = std::make_unique<traced_device_host>(m.transport, *tl_);
      m.device.attach(*host_);
      for (unsigned q = 0; q < m.transport.stats().kicks.size(); ++q) queues_ = q + 1;
    }
    if (vcd_) {
      for (unsigned i = 0; i < m.transport.irq.size(); ++i)
        probe(m.transport.irq[i], "device_irq" + std::to_string(i));
      for (unsigned c = 0; c < m.irqc.cpu_irq.size(); ++c) probe(m.irqc.cpu_irq[c], "vcpu" + std::to_string(c) + "_irq");
      const auto& kicks = m.transport.stats().kicks;
      for (size_t q = 0; q < kicks.size(); ++q) sc_core::sc_trace(vcd_, kicks[q], "doorbell_q" + std::to_string(q));
      sc_core::sc_trace(vcd_, m.irqc.stats().msi_writes, "msi_writes");
      return {this};
    }
    return {};
  }
  // After the run: names the tracks, ends and closes the timeline (a write error is a runtime_error).
  void finish(unsigned vcpus);

 private:
  void probe(irq_out& wire, const std::string& name);
  void close_vcd();

  std::string timeline_path_;
  std::unique_ptr<timeline> tl_;
  std::unique_ptr<traced_device_host> host_;
  unsigned queues_ = 0;
  sc_core::sc_trace_file* vcd_ = nullptr;
  std::vector<std::unique_ptr<irq_probe>> probes_;
};

}  // namespace vmsim::app
