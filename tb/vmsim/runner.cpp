#include "runner.h"

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "vdrv/drivers.h"
#include "vmsim/common/histogram.h"
#include "vmsim/cpu/vcpu.h"
#include "vmsim/devices/virtio_blk.h"
#include "vmsim/devices/virtio_net.h"
#include "vmsim/devices/virtio_rng.h"
#include "vmsim/hyp/host_resources.h"
#include "vmsim/hyp/hypervisor.h"
#include "vmsim/irq/interrupt_controller.h"
#include "vmsim/irq/scheme_factory.h"
#include "vmsim/memory/guest_ram.h"
#include "vmsim/memory/router.h"
#include "vmsim/regmap/virtio_mmio.h"
#include "vmsim/rtl_doorbell/rtl_doorbell_decoder.h"
#include "vmsim/transport/virtio_mmio_transport.h"
#include "driver_platform.h"
#include "platform_guest.h"
#include "vmsim/platform/platform.h"
#include "progress_meter.h"
#include "traces.h"
#include "workloads/guest.h"
#include "vmsim/common/report_ids.h"

namespace vmsim::app {

namespace {
using nlohmann::json;
sc_core::sc_time ns(double v) { return sc_core::sc_time(v, sc_core::SC_NS); }

json histogram_json(const histogram& h) {
  return {{"count", h.count()}, {"mean_ns", h.mean()}, {"p50_ns", h.quantile(0.5)}, {"p90_ns", h.quantile(0.9)},
          {"p99_ns", h.quantile(0.99)}, {"p999_ns", h.quantile(0.999)}, {"min_ns", h.min()}, {"max_ns", h.max()}};
}

json latency_json(const vdrv::latency_stats& l) {
  return {{"count", l.n}, {"mean_ns", l.n ? double(l.sum) / double(l.n) : 0.0}, {"min_ns", l.min}, {"max_ns", l.max}};
}

struct guest_env {
  guest_env(vcpu& c, const tb::system_config& sys, const scenario& s, unsigned slot);
  static vdrv::arena area(vcpu& c, const scenario& s, unsigned slot);
  tb::vcpu_io io;
  vdrv::irq_controller ic;
  vdrv::cpu_context ctx;
  vdrv::arena mem;
};

// The virtual machine of a one-device workload: the built platform, seen through its one device.
template <class Device>
struct machine {
  machine(sc_core::sc_module_name n, const scenario& s, const cost_profile& p, const platform_config& c)
      : vm(n, c, p),
        bus(vm.bus),
        device(static_cast<Device&>(*vm.device(0).model)),
        transport(*vm.device(0).transport),
        irqc(vm.irqc),
        host(vm.host),
        hyp(vm.hyp),
        cpu(vm.cpu),
        cfg(tb::system_view(vm, 0)) {
    if (s.decoder == "rtl")
      transport.use_doorbell_decoder(std::make_unique<rtl_doorbell_decoder>(transport.doorbell_layout(), ns(1)));
  }
  platform vm;
  router& bus;
  Device& device;
  virtio_mmio_transport& transport;
  interrupt_controller& irqc;
  host_resources& host;
  hypervisor& hyp;
  sc_core::sc_vector<vcpu>& cpu;
  tb::system_config cfg;
};

// What each workload's guest program allocates (one home: the programs below use these, and
// driver_area_bytes sizes the vCPU's area from them).
constexpr uint32_t micro_buffer = 64;
constexpr unsigned rr_rx_buffers = 32, mq_rx_buffers = 128;
constexpr uint32_t net_frame = 2048, rr_tx_frame = 256;
constexpr uint32_t blk_block = 4096;
constexpr uint64_t ring_bound = 64 << 10;     // one virtqueue of 128 entries: rings, bookkeeping, indirect tables
constexpr uint64_t driver_state = 64 << 10;   // the driver's own small allocations (headers, control buffers)
constexpr uint64_t area_granule = 64 << 10;

struct blk_req {  // one block request in guest memory: the device reads hdr and writes status
  uint8_t hdr[16];
  uint8_t status;
  unsigned owner;  // the vCPU (job) that submitted it: whoever reaps its completion hands it over
  uint32_t len;    // used length, as reaped
  uint64_t t0;
};

guest_env::guest_env(vcpu& c, const tb::system_config& sys, const scenario& s, unsigned slot)
    : io(c), ic(io, tb::guest_irqc_layout(sys)), ctx(io, &ic, c.index()), mem(area(c, s, slot)) {}

vdrv::arena guest_env::area(vcpu& c, const scenario& s, unsigned slot) {
  const uint64_t size = driver_area_bytes(s), offset = driver_area_offset + slot * size;
  if (offset + size > c.ram_size())  // validate() rejects such a scenario first: this is the last line of defence
    SC_REPORT_ERROR(ids::config_error, fmt::format("vCPU {}'s driver area [{:#x}, +{:#x}) is beyond the {}-byte RAM", slot,
                                                   offset, size, c.ram_size()).c_str());
  return vdrv::arena(c.ram() + offset, c.to_bus(c.ram() + offset), size);
}

// A driver shared by the vCPUs of an SMP guest: vCPU 0 starts it, the others wait for it and attach their
// interrupt dispatch. The environments and the driver live here, outliving the simulation, so every vCPU can
// use them until the very end.
template <class Driver>
struct smp_driver {
  std::vector<std::unique_ptr<guest_env>> envs;  // per vCPU; here, not on a vCPU's stack (a thread may never end)
  std::unique_ptr<Driver> owner;
  Driver* shared = nullptr;
  bool started = false, stop = false;
  std::string failure;

  // Called first by every vCPU's program: returns its environment, or nullptr when the start-up failed.
  // `start(driver, env)` runs on vCPU 0 and answers a failure text, empty when all went well.
  template <class Start>
  guest_env* join(vcpu& c, unsigned k, const scenario& s, const tb::system_config& sys, Start start) {
    if (envs.size() < s.vcpus) envs.resize(s.vcpus);
    envs[k] = std::make_unique<guest_env>(c, sys, s, k);
    guest_env& g = *envs[k];
    if (k == 0) {
      owner = std::make_unique<Driver>(g.io, sys.mmio_base, g.ctx);
      failure = start(*owner, g);
      if (!failure.empty()) {
        stop = true;
        sc_core::sc_stop();
        return nullptr;
      }
      shared = owner.get();
      started = true;
      return run_here(c, g);
    }
    while (!started && !stop) sc_core::wait(sc_core::sc_time(1, sc_core::SC_US));
    if (stop) return nullptr;
    g.ctx.attach(*shared);
    return run_here(c, g);
  }

  // The shared driver runs on whichever vCPU calls it: point it at this vCPU's HAL and interrupts now and
  // each time this vCPU's thread resumes, since another vCPU may have used it meanwhile.
  guest_env* run_here(vcpu& c, guest_env& g) {
    auto here = [this, &g] { shared->use_cpu(g.io, g.ctx); };
    here();
    c.on_resume(here);
    return &g;
  }
};

std::vector<uint8_t> affinity(const scenario& s, unsigned vectors, unsigned (*default_cpu)(unsigned q, unsigned vcpus)) {
  std::vector<uint8_t> a(vectors, 0);
  for (unsigned v = 0; v < vectors; ++v)
    a[v] = static_cast<uint8_t>(v < s.irq_affinity.size() ? s.irq_affinity[v] : (v == 0 ? 0 : default_cpu(v - 1, s.vcpus)));
  return a;
}

template <class M>
json common_results(M& m, const scenario& s, double ops) {
  json exits = json::object();
  for (size_t c = 0; c < static_cast<size_t>(exit_cause::count); ++c) {
    const auto& e = m.hyp.exits()[c];
    exits[to_string(static_cast<exit_cause>(c))] = {{"count", e.count}, {"ns", e.ns},
                                                    {"per_op", ops > 0 ? double(e.count) / ops : 0.0},
                                                    {"ns_per_op", ops > 0 ? e.ns / ops : 0.0}};
  }
  json regs = json::object();
  for (const auto& e : m.transport.registers().entries())
    if (e.reads || e.writes) regs[e.desc.name] = {{"reads", e.reads}, {"writes", e.writes}};
  (void)s;
  return {{"exits", exits},
          {"exits_per_op", ops > 0 ? double(m.hyp.total_exits()) / ops : 0.0},
          {"exit_ns_per_op", ops > 0 ? m.hyp.total_exit_ns() / ops : 0.0},
          {"interrupts", m.irqc.stats().acknowledges},
          {"msi_dropped", m.irqc.stats().msi_dropped},
          {"device_registers", regs},
          {"simulated_ns", sc_core::sc_time_stamp().to_seconds() * 1e9}};
}

json driver_json(const vdrv::driver_stats& d) {
  return {{"interrupts", d.interrupts}, {"kicks", d.kicks}, {"spurious", d.spurious},
          {"kick_to_irq", latency_json(d.kick_to_irq)}, {"isr", latency_json(d.isr)},
          {"isr_reads_per_interrupt", d.interrupts ? double(d.isr_reads) / double(d.interrupts) : 0.0},
          {"isr_writes_per_interrupt", d.interrupts ? double(d.isr_writes) / double(d.interrupts) : 0.0}};
}

// Ends the run from vCPU `c`'s program, at the kernel time it would have had every quantum end yielded
// (vcpu::catch_up): the simulated time and the utilisations read after the run do not depend on run_ahead.
void end_run(vcpu& c) {
  c.catch_up();
  sc_core::sc_stop();
}

// Progress on a terminal only, at most 10 redraws a second (progress_meter.h): micro counts round trips,
// the other workloads simulated time (in ns here).
void progress_line(bool on, const char* what, double done, double total) {
  static progress_meter meter(on);
  if (std::strcmp(what, "micro") == 0) meter.update(what, "round trips", done, total);
  else meter.update(what, "us simulated", done / 1000, total / 1000);
}

// A run's figures stand only if the run was clean: the driver reported no error and the device never set
// DEVICE_NEEDS_RESET nor saw a guest error. Otherwise the run fails loudly (no figure is printed).
template <class M>
void require_clean_run(const char* workload, M& m, const std::string& failure) {
  if (!failure.empty()) throw std::runtime_error(fmt::format("{}: the driver failed: {}", workload, failure));
  // No vCPU is polled while it sleeps: one waiting for an interrupt that never comes sleeps for good and the
  // kernel runs out of events before the program stops it. A lost interrupt fails the run here.
  if (sc_core::sc_get_status() != sc_core::SC_STOPPED) {
    std::string who;
    for (unsigned k = 0; k < m.cpu.size(); ++k)
      if (m.cpu[k].stranded()) who += fmt::format("{}vCPU {}", who.empty() ? "" : ", ", k);
    throw std::runtime_error(fmt::format("{}: the simulation ran out of events at {:.0f} ns with {} asleep, waiting for an "
                                         "interrupt that never came: no figures", workload,
                                         sc_core::sc_time_stamp().to_seconds() * 1e9, who.empty() ? "no vCPU" : who));
  }
  const auto& t = m.transport.stats();
  if (t.needs_reset || (m.transport.status() & regmap::status::device_needs_reset))
    throw std::runtime_error(fmt::format("{}: the device set DEVICE_NEEDS_RESET during the run: no figures", workload));
  if (!t.guest_errors.empty()) {
    std::string ids;
    for (const auto& [id, n] : t.guest_errors) ids += fmt::format("{}{} x{}", ids.empty() ? "" : ", ", id, n);
    throw std::runtime_error(fmt::format("{}: the device saw guest errors ({}): no figures", workload, ids));
  }
}

// A failed driver call: its status text, or the arena running dry.
std::string failed(const char* what, vdrv::status st) { return fmt::format("{}: {}", what, vdrv::to_string(st)); }
const char* out_of_arena = "the vCPU's driver area is exhausted";

// Each vCPU's utilisation and the guest's interrupt and NAPI counts on it.
template <class M>
json vcpus_json(M& m, const std::vector<std::unique_ptr<guest_cpu>>& gcs) {
  json a = json::array();
  for (unsigned k = 0; k < m.cpu.size(); ++k) {
    json v = {{"vcpu", k}, {"utilisation", m.cpu[k].utilisation()}, {"halts", m.cpu[k].stats().halts}};
    if (k < gcs.size() && gcs[k])
      v.update({{"interrupts", gcs[k]->stats().interrupts}, {"napi_polls", gcs[k]->stats().polls},
                {"polled_buffers", gcs[k]->stats().polled_buffers}, {"ipis_sent", gcs[k]->stats().ipis}});
    a.push_back(v);
  }
  return a;
}

// The host resources behind the figures: the VMM's lock and thread, and the device's back-end `extra`.
template <class M>
json resources_json(M& m, std::vector<server_pool*> extra) {
  json a = json::array();
  std::vector<server_pool*> all = m.host.all();
  for (server_pool* x : extra)
    if (std::find(all.begin(), all.end(), x) == all.end()) all.push_back(x);
  const auto now = sc_core::sc_time_stamp();
  for (server_pool* r : all)
    a.push_back({{"name", r->name()}, {"servers", r->servers()}, {"jobs", r->jobs()}, {"utilisation", r->utilisation(now)},
                 {"wait_p99_ns", r->waits().quantile(0.99)}, {"wait_mean_ns", r->waits().mean()}});
  return a;
}

// The network back-end of the profile: a worker per pair (vhost) or the VMM's thread, from the profile.
net_params net_params_for(const scenario& s, const cost_profile& p) {
  net_params np;
  np.seed = s.seed;
  np.wire_latency = p.wire_rtt_ns.value;
  np.per_packet = p.backend_per_packet_ns.value;
  np.wakeup = p.host_wakeup_ns.value;
  np.backend_notify = ns(p.backend_notify_ns.mean());
  return np;
}

constexpr uint64_t other_blk_sectors = 2048;  // 1 MiB: every blk device but the blk workload's

blk_params blk_params_for(const scenario& s, const cost_profile& p) {
  blk_params bp;
  bp.seed = s.seed;
  bp.capacity_sectors = 1 << 16;  // 32 MiB
  bp.iothreads = p.blk_iothreads;
  bp.per_request = p.blk_backend_per_request_ns.value;
  bp.wakeup = p.host_wakeup_ns.value;
  bp.storage_channels = p.storage_channels;
  bp.storage_service = p.storage_service_ns.value;
  return bp;
}

rng_params rng_params_for(const scenario& s, const cost_profile& p) {
  rng_params rp;
  rp.seed = s.seed;
  rp.per_request = ns(p.backend_per_packet_ns.mean());
  return rp;
}

// The scenario's platform (scenario.h platform_of) with each device's back-end from the profile: the
// workloads then set their own device's traffic. Every device after the first draws from its own stream.
platform_config platform_for(const scenario& s, const cost_profile& p) {
  platform_config c = platform_of(s);
  // The run's model parameters (--param, a scenario's "params"): vm.<group>.* apply to every device.
  apply_params(s.params, c.irqc);
  apply_params(s.params, c.vcpu);
  // A VCD samples its wires and doorbells at the kernel's time, so what a vCPU drives (an ACK lowering a
  // line, a kick) shows at the vCPU's last synchronisation: a VCD run keeps the vCPUs at their quantum, which
  // bounds that lag (its results are the same; tb/tests checks). The timeline stamps each event with its
  // caller's annotated time, the same with or without run ahead (tb/tests checks too).
  if (!s.vcd.empty()) c.vcpu.run_ahead = false;
  const std::vector<std::string> names = vmsim::device_names(c.devices);
  for (size_t i = 0; i < c.devices.size(); ++i) {
    platform_device& d = c.devices[i];
    d.name = names[i];  // as the platform would name it: vm.<name>.<group>.* are this device's own
    d.net = with_params(s.params, net_params_for(s, p), d.name);
    d.blk = with_params(s.params, blk_params_for(s, p), d.name);
    d.rng = with_params(s.params, rng_params_for(s, p), d.name);
    apply_params(s.params, d.transport, d.name);
    apply_params(s.params, d.msi, d.name);
    d.net.seed = d.blk.seed = d.rng.seed = s.seed + i;
    // The image is host memory: only the blk workload's own device gets the 32 MiB its random reads span.
    if (!(i == 0 && s.workload == "blk")) d.blk.capacity_sectors = other_blk_sectors;
  }
  return c;
}

// ---- workloads ------------------------------------------------------------------------------------------
json micro(const scenario& s, const cost_profile& p, bool progress, trace_session* tr) {
  const rng_params rp = rng_params_for(s, p);
  platform_config pc = platform_for(s, p);
  pc.devices[0].rng = with_params(s.params, rp, pc.devices[0].name);  // --param vm.rng.* over the workload's own
  machine<virtio_rng> m("vm", s, p, pc);
  const auto traced = tr ? tr->attach(m) : trace_session::vcd_guard{};
  histogram rt;
  vdrv::driver_stats ds;
  std::string failure;
  double ops = 0;
  const auto aff = affinity(s, 2, [](unsigned, unsigned) { return 0u; });
  m.cpu[0].run([&](vcpu& c) {
    guest_env g(c, m.cfg, s, 0);
    vdrv::rng_driver rng(g.io, m.cfg.mmio_base, g.ctx);
    auto stop = [&](std::string why) {
      failure = std::move(why);
      sc_core::sc_stop();
    };
    if (auto st = rng.start(g.mem, tb::guest_options(m.vm, 0, aff.data())); st != vdrv::status::ok) return stop(failed("start", st));
    auto* buf = g.mem.alloc(micro_buffer, 64);
    if (!buf) return stop(out_of_arena);
    m.hyp.reset_counters();  // measure the round trips, not the set-up
    for (unsigned i = 0; i < s.requests; ++i) {
      const uint64_t t0 = c.now_ns();
      uint32_t got = 0;
      if (auto st = rng.read(buf, micro_buffer, got); st != vdrv::status::ok) return stop(failed("read", st));
      if (got != micro_buffer) return stop(fmt::format("read: {} bytes of {}", got, micro_buffer));
      rt.add(double(c.now_ns() - t0));
      if (i % 256 == 0) progress_line(progress, "micro", i, s.requests);
    }
    progress_line(progress, "micro", s.requests, s.requests);
    ops = s.requests;
    ds = rng.stats();
    end_run(c);
  });
  sc_core::sc_start();
  require_clean_run("micro", m, failure);
  json r = common_results(m, s, ops);
  r["round_trip"] = histogram_json(rt);
  r["round_trips_per_s"] = rt.mean() > 0 ? 1e9 / rt.mean() : 0;
  r["driver"] = driver_json(ds);
  return r;
}

json request_response(const scenario& s, const cost_profile& p, bool progress, trace_session* tr) {
  // netperf TCP_RR -r 32,1024 on vCPU 0: the application's work, the request down the stack, the response up
  // through the rx interrupt and its NAPI poll, transmit completions reclaimed by the tx interrupt's poll
  // (virtio-net's napi_tx, the default since Linux 5.3). Each piece runs on the vCPU the interrupt names.
  net_params np = net_params_for(s, p);
  np.pairs = 1;
  np.response_bytes = 1024;
  platform_config pc = platform_for(s, p);
  pc.devices[0].net = with_params(s.params, np, pc.devices[0].name);  // --param vm.net.* over the workload's own
  machine<virtio_net> m("vm", s, p, pc);
  const auto traced = tr ? tr->attach(m) : trace_session::vcd_guard{};
  histogram rt;
  vdrv::driver_stats ds;
  std::string failure;
  double ops = 0, elapsed_ns = 0;
  std::vector<std::unique_ptr<guest_cpu>> gcs(s.vcpus);
  smp_driver<vdrv::net_driver> smp;
  queue_napi rx, tx;
  bool response = false, done = false;
  const auto aff = affinity(s, 4, [](unsigned, unsigned) { return 0u; });
  for (unsigned k = 0; k < s.vcpus; ++k) {
    m.cpu[k].run([&, k](vcpu& c) {
      guest_env* env = smp.join(c, k, s, m.cfg, [&](vdrv::net_driver& net, guest_env& g) -> std::string {
        if (auto st = net.start(g.mem, tb::guest_options(m.vm, 0, aff.data()), 1); st != vdrv::status::ok) return failed("start", st);
        for (unsigned i = 0; i < rr_rx_buffers; ++i) {
          void* f = g.mem.alloc(net_frame, 64);
          if (!f) return out_of_arena;
          if (auto st = net.post_rx(0, f, net_frame, f); st != vdrv::status::ok) return failed("post_rx", st);
        }
        rx.attach(net, vdrv::net_driver::rx(0), [&](guest_cpu& cpu, void* cookie, uint32_t) {
          cpu.work(p.guest_rx_packet_cycles);  // driver, stack, socket: netperf's response has arrived
          response = true;
          if (auto st = smp.shared->post_rx(0, cookie, net_frame, cookie); st != vdrv::status::ok) failure = failed("post_rx", st);
          if (gcs[0].get() != &cpu && gcs[0]->halted()) cpu.wake(*gcs[0]);  // netperf sleeps on vCPU 0
        });
        tx.attach(net, vdrv::net_driver::tx(0), [](guest_cpu&, void*, uint32_t) {});  // the sent frame is free again
        return {};
      });
      if (!env) return;
      guest_env& g = *env;
      gcs[k] = std::make_unique<guest_cpu>(c, g.ctx, m.hyp, p, s.seed);
      guest_cpu& gc = *gcs[k];
      vdrv::net_driver& net = *smp.shared;
      auto stop = [&](std::string why) {
        failure = std::move(why);
        smp.stop = true;
        sc_core::sc_stop();
      };
      if (k != 0) {  // the other vCPUs take what interrupts are routed to them
        while (!smp.stop && !done) {
          if (!gc.softirq()) gc.idle();
        }
        return;
      }
      auto* frame = g.mem.alloc(rr_tx_frame, 64);
      if (!frame) return stop(out_of_arena);
      m.hyp.reset_counters();
      for (auto& cpu : m.cpu) cpu.reset_utilisation();
      const uint64_t start = c.now_ns();
      const uint64_t end = start + static_cast<uint64_t>(s.duration_us * 1000);  // validate() bounds duration_us
      unsigned n = 0;
      while (c.now_ns() < end) {
        const uint64_t t0 = c.now_ns();
        gc.work(p.app_rr_cycles, 0.5);      // netperf builds the request
        gc.work(p.guest_tx_packet_cycles);  // socket, stack, driver
        response = false;
        if (auto st = net.send(0, frame, 32, frame); st != vdrv::status::ok) return stop(failed("send", st));
        const uint64_t give_up = c.now_ns() + 100000000;  // 100 ms: a response that never comes fails the run
        while (!response) {
          if (!failure.empty()) return stop(failure);
          if (!rx.error().empty() || !tx.error().empty()) return stop("poll: " + rx.error() + tx.error());
          if (gc.softirq()) continue;
          if (c.now_ns() > give_up) return stop("no response within 100 ms");
          gc.idle(give_up);
        }
        gc.work(p.app_rr_cycles, 0.5);  // netperf takes the response
        rt.add(double(c.now_ns() - t0));
        if (++n % 256 == 0) progress_line(progress, "rr", double(c.now_ns() - start), double(end - start));
      }
      progress_line(progress, "rr", 1, 1);
      ops = n;
      elapsed_ns = double(c.now_ns() - start);
      ds = net.stats();
      done = true;
      end_run(c);
    });
  }
  sc_core::sc_start();
  require_clean_run("rr", m, smp.failure.empty() ? failure : smp.failure);
  json r = common_results(m, s, ops);
  r["transaction"] = histogram_json(rt);
  r["transactions_per_s"] = elapsed_ns > 0 ? ops * 1e9 / elapsed_ns : 0;
  r["driver"] = driver_json(ds);
  r["vcpus"] = vcpus_json(m, gcs);
  r["resources"] = resources_json(m, m.device.workers());
  return r;
}

json multiqueue_receive(const scenario& s, const cost_profile& p, bool progress, trace_session* tr) {
  // One UDP flow per queue pair. A pair's rx interrupt schedules its NAPI poll on the vCPU the interrupt is
  // routed to, and that vCPU does the receive work: driver and stack per packet, and the receiving
  // application (woken where its packets are processed). With one wired line every pair's work lands on one vCPU.
  net_params np = net_params_for(s, p);
  np.pairs = s.queues;
  np.traffic = net_traffic::generator;
  np.rate_pps = s.rate_pps;
  np.packet_bytes = 64;
  platform_config pc = platform_for(s, p);
  pc.devices[0].net = with_params(s.params, np, pc.devices[0].name);  // --param vm.net.* over the workload's own
  machine<virtio_net> m("vm", s, p, pc);
  const auto traced = tr ? tr->attach(m) : trace_session::vcd_guard{};
  std::vector<uint64_t> received(s.queues, 0);
  uint64_t measured_from_ns = 0;
  smp_driver<vdrv::net_driver> smp;
  std::vector<queue_napi> rx(s.queues);
  std::vector<std::unique_ptr<guest_cpu>> gcs(s.vcpus);
  std::string failure;
  auto aff = affinity(s, 2 * s.queues + 2, [](unsigned q, unsigned vcpus) { return (q / 2) % vcpus; });
  // The control queue is polled by vCPU 0 while it sets the pairs up (Linux gives it no callback at all).
  if (s.irq_affinity.size() <= 2 * s.queues + 1) aff[2 * s.queues + 1] = 0;
  for (unsigned k = 0; k < s.vcpus; ++k) {
    m.cpu[k].run([&, k](vcpu& c) {
      guest_env* env = smp.join(c, k, s, m.cfg, [&](vdrv::net_driver& d, guest_env& g0) -> std::string {
        if (auto st = d.start(g0.mem, tb::guest_options(m.vm, 0, aff.data()), s.queues); st != vdrv::status::ok)
          return failed("start", st);
        if (s.queues > 1 && d.set_pairs(s.queues) != vdrv::status::ok) return "VQ_PAIRS_SET refused";
        measured_from_ns = smp.envs[0]->io.now_ns();  // the rates are over the time after set-up
        for (unsigned q = 0; q < s.queues; ++q)
          rx[q].attach(d, vdrv::net_driver::rx(q), [&, q](guest_cpu& cpu, void* cookie, uint32_t) {
            ++received[q];
            cpu.work(p.guest_rx_packet_cycles);  // driver and stack up to the socket
            cpu.work(p.app_udp_rx_cycles);       // the receiver takes it
            if (auto st = smp.shared->post_rx(q, cookie, net_frame, cookie); st != vdrv::status::ok) failure = failed("post_rx", st);
          });
        m.hyp.reset_counters();
        return {};
      });
      if (!env) return;
      guest_env& g = *env;
      gcs[k] = std::make_unique<guest_cpu>(c, g.ctx, m.hyp, p, s.seed);
      guest_cpu& gc = *gcs[k];
      vdrv::net_driver& net = *smp.shared;
      bool& stop = smp.stop;
      auto fail = [&](std::string why) {
        failure = fmt::format("vCPU {}: {}", k, why);
        stop = true;
        sc_core::sc_stop();
      };
      const unsigned pair = k;
      if (pair < s.queues)
        for (unsigned i = 0; i < mq_rx_buffers; ++i) {
          void* f = g.mem.alloc(net_frame, 64);
          if (!f) return fail(out_of_arena);
          if (auto st = net.post_rx(pair, f, net_frame, f); st != vdrv::status::ok) return fail(failed("post_rx", st));
        }
      c.reset_utilisation();
      const uint64_t end = static_cast<uint64_t>(s.duration_us * 1000);
      while (c.now_ns() < end && !stop) {
        if (!failure.empty()) return fail(failure);
        for (const auto& n : rx)
          if (!n.error().empty()) return fail("rx poll: " + n.error());
        if (!gc.softirq()) gc.idle(end);
        if (k == 0) progress_line(progress, "mq-rx", double(c.now_ns()), double(end));
      }
      if (k == 0) {
        stop = true;
        progress_line(progress, "mq-rx", 1, 1);
        end_run(c);
      }
    });
  }
  sc_core::sc_start();
  require_clean_run("mq-rx", m, smp.failure.empty() ? failure : smp.failure);
  uint64_t total = 0, drops = 0;
  json per_queue = json::array();
  for (unsigned q = 0; q < s.queues; ++q) {
    const auto& st = m.device.queue_stats(2 * q);
    // Every packet the guest took was delivered, and what was delivered but not taken still sits in the ring.
    if (received[q] > st.packets || st.packets - received[q] > mq_rx_buffers)
      throw std::runtime_error(fmt::format("mq-rx: queue pair {}: the guest took {} packets of the {} delivered", q,
                                           received[q], st.packets));
    total += received[q];
    drops += st.drops;
    per_queue.push_back({{"received", received[q]}, {"delivered", st.packets}, {"drops", st.drops}});
  }
  const double secs = (s.duration_us * 1000 - double(std::min<uint64_t>(measured_from_ns, uint64_t(s.duration_us * 500)))) * 1e-9;
  json r = common_results(m, s, double(total));
  r["received_pps"] = double(total) / secs;
  r["offered_pps"] = s.rate_pps * s.queues;
  r["loss"] = total + drops ? double(drops) / double(total + drops) : 0.0;
  r["per_queue"] = per_queue;
  r["vcpus"] = vcpus_json(m, gcs);
  r["resources"] = resources_json(m, m.device.workers());
  return r;
}

json block_random_read(const scenario& s, const cost_profile& p, bool progress, trace_session* tr) {
  // Random 4 KiB reads, fio-like: one job per vCPU, job k on request queue k mod queues (blk-mq's CPU to queue
  // map), queue_depth requests in flight. A queue's completion interrupt is taken on the vCPU it is routed to,
  // whose handler reaps the queue (the block layer's completion work there) and hands each request to its
  // owner's completion list, waking the owner with a reschedule IPI if it is halted. Several jobs may share a
  // queue (fio jobs on more CPUs than blk-mq queues); the owner accounts and resubmits (its block layer's
  // submission work, the kick under the queue).
  blk_params bp = blk_params_for(s, p);
  bp.queues = s.queues;
  platform_config pc = platform_for(s, p);
  pc.devices[0].blk = with_params(s.params, bp, pc.devices[0].name);  // --param vm.blk.* over the workload's own
  machine<virtio_blk> m("vm", s, p, pc);
  const auto traced = tr ? tr->attach(m) : trace_session::vcd_guard{};
  struct job {
    histogram latency;
    uint64_t submitted = 0, completed = 0, handed_over = 0;  // handed_over: reaped by another vCPU
    blk_req* reqs = nullptr;
    std::vector<blk_req*> completions;  // reaped (by anyone), not yet accounted by this job
  };
  std::vector<job> jobs(s.vcpus);
  std::vector<std::unique_ptr<guest_cpu>> gcs(s.vcpus);
  std::vector<queue_napi> done_q(s.queues);
  // virtio-blk's per-queue spinlock: a submission and the completion handler's reaping hold it (the jobs of
  // several vCPUs sharing a queue spin on it).
  std::vector<std::unique_ptr<server_pool>> queue_lock;
  for (unsigned q = 0; q < s.queues; ++q) queue_lock.push_back(std::make_unique<server_pool>(fmt::format("guest-queue-lock{}", q), 1, true));
  double elapsed = 0;
  smp_driver<vdrv::blk_driver> smp;
  std::string failure;
  const auto aff = affinity(s, s.queues + 1, [](unsigned q, unsigned vcpus) { return q % vcpus; });
  // The job a reaped cookie belongs to: it must be one of the requests some job submitted.
  auto owner_of = [&](const blk_req* r) -> job* {
    for (auto& j : jobs)
      if (j.reqs && r >= j.reqs && r < j.reqs + s.queue_depth) return &j;
    return nullptr;
  };
  for (unsigned k = 0; k < s.vcpus; ++k) {
    m.cpu[k].run([&, k](vcpu& c) {
      guest_env* env = smp.join(c, k, s, m.cfg, [&](vdrv::blk_driver& d, guest_env& g0) -> std::string {
        if (auto st = d.start(g0.mem, tb::guest_options(m.vm, 0, aff.data()), s.queues); st != vdrv::status::ok)
          return failed("start", st);
        for (unsigned q = 0; q < s.queues; ++q)
          done_q[q].attach(d, q, [&, q](guest_cpu& cpu, void* cookie, uint32_t len) {
            cpu.work_locked(*queue_lock[q], p.guest_blk_queue_lock_cycles);  // virtblk_done's virtqueue_get_buf
            auto* r = static_cast<blk_req*>(cookie);
            job* o = owner_of(r);
            if (!o || r->owner >= jobs.size() || o != &jobs[r->owner]) {
              failure = "a completion for a request no job submitted";
              return;
            }
            r->len = len;
            cpu.work(p.guest_blk_request_cycles, 0.5);  // the completion half of the block layer's work
            if (o != &jobs[cpu.cpu().index()]) ++o->handed_over;
            o->completions.push_back(r);
            guest_cpu* owner = gcs[r->owner].get();
            if (owner && owner != &cpu && owner->halted()) cpu.wake(*owner);
          });
        m.hyp.reset_counters();
        return {};
      });
      if (!env) return;
      guest_env& g = *env;
      gcs[k] = std::make_unique<guest_cpu>(c, g.ctx, m.hyp, p, s.seed);
      guest_cpu& gc = *gcs[k];
      bool& stop = smp.stop;
      vdrv::blk_driver& blk = *smp.shared;
      job& me = jobs[k];
      auto fail = [&](std::string why) {
        failure = fmt::format("vCPU {}: {}", k, why);
        stop = true;
        sc_core::sc_stop();
      };
      const unsigned q = k % s.queues;
      me.reqs = static_cast<blk_req*>(g.mem.alloc(sizeof(blk_req) * s.queue_depth, 16));
      auto* data = static_cast<uint8_t*>(g.mem.alloc(size_t{blk_block} * s.queue_depth, blk_block));
      if (!me.reqs || !data) return fail(out_of_arena);
      uint64_t lcg = (s.seed + k) * 6364136223846793005ull + 1;
      auto submit = [&](unsigned i) {
        lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
        const uint64_t sector = (lcg >> 20) % ((1 << 16) / 8) * 8;
        blk_req& r = me.reqs[i];
        std::memset(r.hdr, 0, 16);
        std::memcpy(r.hdr + 8, &sector, 8);
        r.status = 0xff;  // the device overwrites it: a request answered without a status shows
        r.owner = k;
        r.t0 = c.now_ns();
        gc.work(p.guest_blk_request_cycles, 0.5);  // the submission half of the block layer's work
        gc.work_locked(*queue_lock[q], p.guest_blk_queue_lock_cycles);  // virtblk_add_req, kick_prepare
        vdrv::buffer b[3] = {{r.hdr, 16, false}, {data + size_t{blk_block} * i, blk_block, true}, {&r.status, 1, true}};
        ++me.submitted;
        return blk.submit(q, b, 3, &r);
      };
      c.reset_utilisation();
      for (unsigned i = 0; i < s.queue_depth; ++i)
        if (auto st = submit(i); st != vdrv::status::ok) return fail(failed("submit", st));
      const uint64_t start = c.now_ns(), end = start + static_cast<uint64_t>(s.duration_us * 1000);
      while (c.now_ns() < end && !stop) {
        if (!failure.empty()) return fail(failure);
        for (const auto& n : done_q)
          if (!n.error().empty()) return fail("poll: " + n.error());
        const bool ran = gc.softirq();
        std::vector<blk_req*> mine;
        mine.swap(me.completions);  // resubmitting may yield: other vCPUs may hand over more meanwhile
        for (blk_req* r : mine) {
          if (r->status != 0 || r->len != blk_block + 1)
            return fail(fmt::format("request answered with status {} and used length {}", r->status, r->len));
          me.latency.add(double(c.now_ns() - r->t0));
          ++me.completed;
          gc.work(p.app_blk_cycles);  // the job takes the completion
          if (auto sst = submit(static_cast<unsigned>(r - me.reqs)); sst != vdrv::status::ok) return fail(failed("submit", sst));
        }
        if (!ran && mine.empty()) gc.idle(end);
        if (k == 0) progress_line(progress, "blk", double(c.now_ns() - start), double(end - start));
      }
      if (k == 0) {
        elapsed = double(c.now_ns() - start);
        stop = true;
        progress_line(progress, "blk", 1, 1);
        end_run(c);
      }
    });
  }
  sc_core::sc_start();
  require_clean_run("blk", m, smp.failure.empty() ? failure : smp.failure);
  histogram all;
  uint64_t total = 0, submitted = 0, device_completions = 0;
  for (unsigned q = 0; q < s.queues; ++q) device_completions += m.device.queue_stats(q).completions;
  json per_job = json::array();
  for (unsigned k = 0; k < s.vcpus; ++k) {
    const job& j = jobs[k];
    // Counts add up: each job has at most queue_depth requests outstanding, and the device completed at
    // least every request the jobs accounted and no more than they submitted.
    if (j.completed > j.submitted || j.submitted - j.completed > s.queue_depth)
      throw std::runtime_error(fmt::format("blk: job {}: {} requests submitted, {} completed, queue depth {}", k,
                                           j.submitted, j.completed, s.queue_depth));
    all.merge(j.latency);
    total += j.completed;
    submitted += j.submitted;
    per_job.push_back({{"vcpu", k}, {"queue", k % s.queues}, {"requests", j.completed}, {"submitted", j.submitted},
                       {"in_flight", j.submitted - j.completed}, {"handed_over", j.handed_over}});
  }
  if (device_completions < total || device_completions > submitted)
    throw std::runtime_error(fmt::format("blk: the device completed {} requests, the jobs submitted {} and accounted {}",
                                         device_completions, submitted, total));
  json r = common_results(m, s, double(total));
  r["request"] = histogram_json(all);
  r["iops"] = elapsed > 0 ? double(total) * 1e9 / elapsed : 0;
  r["jobs"] = per_job;
  r["device_completions"] = device_completions;
  r["vcpus"] = vcpus_json(m, gcs);
  std::vector<server_pool*> pools = {&m.device.iothreads(), &m.device.storage()};
  for (auto& l : queue_lock) pools.push_back(l.get());
  r["resources"] = resources_json(m, pools);
  return r;
}

// Several devices at once, each driven from its vCPU (scenario.devices[].vcpu, vCPU 0 unless given; its
// interrupts are routed there, and vCPUs that drive nothing idle): the first device, a net one, runs rr's
// transaction loop (TCP_RR -r 32,1024) on vCPU 0; each blk device keeps queue_depth random 4 KiB reads in
// flight, each resubmitted from its completion's poll; each rng device reads 64 bytes every rng_period_ns,
// as the kernel's hwrng thread refills the entropy pool. Other net devices idle. vCPU 0 starts every driver
// (their rings in its area); another vCPU then takes its devices over. On a shared line every sharer's ISR
// runs for every interrupt (cpu_context::service), on the one vCPU the line's sharers have.
constexpr uint64_t rng_period_ns = 100000;
constexpr uint32_t rng_read = 64;

json mixed(const scenario& s, const cost_profile& p, bool progress, trace_session* tr) {
  platform_config pc = platform_for(s, p);
  pc.devices[0].net.response_bytes = 1024;
  machine<virtio_net> m("vm", s, p, pc);
  platform& vm = m.vm;
  const auto traced = tr ? tr->attach(m) : trace_session::vcd_guard{};
  const size_t n = vm.device_count();
  struct driven {
    // Shared, to delete it as what it was made (net_driver...): virtio_driver is not polymorphic, so a
    // unique_ptr to it would delete the base alone.
    std::shared_ptr<vdrv::virtio_driver> drv;
    queue_napi done[2];  // net: rx, tx; blk, rng: queue 0
    uint64_t ops = 0;
    blk_req* reqs = nullptr;
    uint8_t* data = nullptr;
    uint64_t lcg = 0, next_read_ns = 0;
    bool reading = false;
    std::vector<uint8_t> vector_cpu;  // the vCPU of each of its vectors (the driver keeps a pointer to it)
  };
  std::vector<driven> dev(n);
  histogram rt;
  std::string failure;
  double ops = 0, elapsed_ns = 0;
  std::vector<std::unique_ptr<guest_cpu>> gcs(s.vcpus);
  std::vector<std::unique_ptr<guest_env>> envs(s.vcpus);  // here, not on a vCPU's stack (a thread may never end)
  const std::vector<unsigned> owner = driving_vcpus(s);   // per device
  auto drives = [&](unsigned k) {
    for (size_t i = 1; i < n; ++i)
      if (owner[i] == k) return true;
    return false;
  };
  bool response = false, done = false, started = false;
  uint64_t end = 0;  // the measured run's end (vCPU 0's clock), set before `started`
  // blk: one random 4 KiB read of request slot r, by `cpu`; rng: one 64-byte read.
  auto submit_blk = [&](guest_cpu& cpu, driven& d, unsigned r) {
    d.lcg = d.lcg * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t sector = (d.lcg >> 20) % (other_blk_sectors / 8) * 8;
    blk_req& q = d.reqs[r];
    std::memset(q.hdr, 0, 16);
    std::memcpy(q.hdr + 8, &sector, 8);
    q.status = 0xff;
    q.t0 = cpu.now_ns();
    cpu.work(p.guest_blk_request_cycles, 0.5);
    vdrv::buffer b[3] = {{q.hdr, 16, false}, {d.data + size_t{blk_block} * r, blk_block, true}, {&q.status, 1, true}};
    return d.drv->submit(0, b, 3, &q);
  };
  auto submit_rng = [&](driven& d) {
    vdrv::buffer b = {d.data, rng_read, true};
    d.reading = true;
    return d.drv->submit(0, &b, 1, d.data);
  };
  // vCPU k's rng reads that are due; the earliest next one (`end` if none).
  auto rng_due = [&](guest_cpu& cpu, unsigned k) -> uint64_t {
    uint64_t next = end;
    for (size_t i = 1; i < n; ++i) {
      driven& d = dev[i];
      if (!d.drv || owner[i] != k || vm.device(i).plan.spec.type != device_type::rng) continue;
      if (!d.reading && cpu.now_ns() >= d.next_read_ns) {
        if (auto rst = submit_rng(d); rst != vdrv::status::ok) failure = failed("rng submit", rst);
        d.next_read_ns += rng_period_ns;
      }
      next = std::min(next, d.next_read_ns);
    }
    return next;
  };
  // A poll that met a driver error on one of vCPU k's devices: its text (each vCPU looks at its own).
  auto poll_error = [&](unsigned k) -> std::string {
    for (size_t i = 0; i < n; ++i)
      if (owner[i] == k)
        for (auto& q : dev[i].done)
          if (!q.error().empty()) return "poll: " + q.error();
    return "";
  };
  for (unsigned k = 0; k < s.vcpus; ++k) {
    m.cpu[k].run([&, k](vcpu& c) {
      auto stop = [&](std::string why) {
        failure = std::move(why);
        done = true;
        sc_core::sc_stop();
      };
      if (k != 0 && !drives(k)) {  // nothing is routed here: these vCPUs sleep until the run ends
        while (!done) c.wait_for_interrupt();
        return;
      }
      if (k != 0) {  // takes its devices over once vCPU 0 has started them, then serves them until the end
        while (!started && !done) sc_core::wait(sc_core::sc_time(1, sc_core::SC_US));
        if (done) return;
        envs[k] = std::make_unique<guest_env>(c, m.cfg, s, k);
        guest_env& g = *envs[k];
        gcs[k] = std::make_unique<guest_cpu>(c, g.ctx, m.hyp, p, s.seed + k);
        guest_cpu& gc = *gcs[k];
        for (size_t i = 1; i < n; ++i) {
          driven& d = dev[i];
          if (owner[i] != k || !d.drv) continue;
          d.drv->use_cpu(g.io, g.ctx);  // its register accesses and interrupts are this vCPU's from now on
          g.ctx.attach(*d.drv);
          if (vm.device(i).plan.spec.type == device_type::blk)
            for (unsigned r = 0; r < s.queue_depth; ++r)
              if (auto bst = submit_blk(gc, d, r); bst != vdrv::status::ok) return stop(failed("blk submit", bst));
        }
        while (!done) {
          if (!failure.empty()) return stop(failure);
          if (auto e = poll_error(k); !e.empty()) return stop(e);
          const uint64_t next = rng_due(gc, k);
          if (gc.softirq()) continue;
          gc.idle(next < end ? std::max(next, gc.now_ns() + 1) : 0);  // after the last read: interrupts only
        }
        return;
      }
      envs[0] = std::make_unique<guest_env>(c, m.cfg, s, 0);
      guest_env& g = *envs[0];
      gcs[0] = std::make_unique<guest_cpu>(c, g.ctx, m.hyp, p, s.seed);
      guest_cpu& gc = *gcs[0];
      for (size_t i = 0; i < n; ++i) {
        platform::device_slot& slot = vm.device(i);
        const uint64_t base = *slot.plan.spec.base;
        driven& d = dev[i];
        d.vector_cpu.assign(vdrv::device_irq::max_vectors, static_cast<uint8_t>(owner[i]));  // every vector
        const auto o = tb::guest_options(vm, i, d.vector_cpu.data());
        vdrv::status st = vdrv::status::ok;
        if (i == 0) {
          auto net = std::make_unique<vdrv::net_driver>(g.io, base, g.ctx);
          st = net->start(g.mem, o, 1);
          for (unsigned b = 0; b < rr_rx_buffers && st == vdrv::status::ok; ++b) {
            void* f = g.mem.alloc(net_frame, 64);
            if (!f) return stop(out_of_arena);
            st = net->post_rx(0, f, net_frame, f);
          }
          d.drv = std::move(net);
          if (st != vdrv::status::ok) return stop(failed("net start", st));
          d.done[0].attach(*d.drv, vdrv::net_driver::rx(0), [&](guest_cpu& cpu, void* cookie, uint32_t) {
            cpu.work(p.guest_rx_packet_cycles);
            response = true;
            auto* net0 = static_cast<vdrv::net_driver*>(dev[0].drv.get());
            if (auto rst = net0->post_rx(0, cookie, net_frame, cookie); rst != vdrv::status::ok) failure = failed("post_rx", rst);
          });
          d.done[1].attach(*d.drv, vdrv::net_driver::tx(0), [](guest_cpu&, void*, uint32_t) {});
        } else if (slot.plan.spec.type == device_type::blk) {
          auto blk = std::make_unique<vdrv::blk_driver>(g.io, base, g.ctx);
          st = blk->start(g.mem, o, 1);
          d.drv = std::move(blk);
          if (st != vdrv::status::ok) return stop(failed(("start " + slot.plan.spec.name).c_str(), st));
          d.reqs = static_cast<blk_req*>(g.mem.alloc(sizeof(blk_req) * s.queue_depth, 16));
          d.data = static_cast<uint8_t*>(g.mem.alloc(size_t{blk_block} * s.queue_depth, blk_block));
          if (!d.reqs || !d.data) return stop(out_of_arena);
          d.lcg = (s.seed + i) * 6364136223846793005ull + 1;
        } else if (slot.plan.spec.type == device_type::rng) {
          auto rng = std::make_unique<vdrv::rng_driver>(g.io, base, g.ctx);
          st = rng->start(g.mem, o);
          d.drv = std::move(rng);
          if (st != vdrv::status::ok) return stop(failed(("start " + slot.plan.spec.name).c_str(), st));
          d.data = static_cast<uint8_t*>(g.mem.alloc(rng_read, 64));
          if (!d.data) return stop(out_of_arena);
        }
      }
      for (size_t i = 1; i < n; ++i) {
        driven& d = dev[i];
        if (!d.drv) continue;
        if (vm.device(i).plan.spec.type == device_type::blk) {
          d.done[0].attach(*d.drv, 0, [&, i](guest_cpu& cpu, void* cookie, uint32_t len) {
            driven& me = dev[i];
            auto* r = static_cast<blk_req*>(cookie);
            if (r < me.reqs || r >= me.reqs + s.queue_depth || r->status != 0 || len != blk_block + 1) {
              failure = fmt::format("{}: a bad completion", vm.device(i).plan.spec.name);
              return;
            }
            ++me.ops;
            cpu.work(p.guest_blk_request_cycles, 0.5);
            if (auto bst = submit_blk(cpu, me, static_cast<unsigned>(r - me.reqs)); bst != vdrv::status::ok) failure = failed("blk submit", bst);
          });
          if (owner[i] == 0)  // another vCPU's device: it submits its first requests when it takes it over
            for (unsigned r = 0; r < s.queue_depth; ++r)
              if (auto bst = submit_blk(gc, d, r); bst != vdrv::status::ok) return stop(failed("blk submit", bst));
        } else {  // rng
          d.done[0].attach(*d.drv, 0, [&, i](guest_cpu&, void*, uint32_t len) {
            driven& me = dev[i];
            if (len != rng_read) failure = fmt::format("{}: {} bytes of {}", vm.device(i).plan.spec.name, len, rng_read);
            ++me.ops;
            me.reading = false;
          });
        }
      }
      auto* frame = g.mem.alloc(rr_tx_frame, 64);
      if (!frame) return stop(out_of_arena);
      auto& net = static_cast<vdrv::net_driver&>(*dev[0].drv);
      m.hyp.reset_counters();
      for (auto& cpu : m.cpu) cpu.reset_utilisation();
      const uint64_t start = c.now_ns();
      end = start + static_cast<uint64_t>(s.duration_us * 1000);
      for (auto& d : dev) d.next_read_ns = start;
      started = true;
      unsigned count = 0;
      while (c.now_ns() < end) {
        const uint64_t t0 = c.now_ns();
        gc.work(p.app_rr_cycles, 0.5);
        gc.work(p.guest_tx_packet_cycles);
        response = false;
        if (auto sst = net.send(0, frame, 32, frame); sst != vdrv::status::ok) return stop(failed("send", sst));
        const uint64_t give_up = c.now_ns() + 100000000;
        while (!response) {
          if (!failure.empty()) return stop(failure);
          if (auto e = poll_error(0); !e.empty()) return stop(e);
          const uint64_t next = rng_due(gc, 0);
          if (gc.softirq()) continue;
          if (c.now_ns() > give_up) return stop("no response within 100 ms");
          gc.idle(std::min(give_up, std::max(next, c.now_ns() + 1)));
        }
        gc.work(p.app_rr_cycles, 0.5);
        rt.add(double(c.now_ns() - t0));
        if (++count % 256 == 0) progress_line(progress, "mixed", double(c.now_ns() - start), double(end - start));
      }
      progress_line(progress, "mixed", 1, 1);
      ops = count;
      dev[0].ops = count;
      elapsed_ns = double(c.now_ns() - start);
      done = true;
      end_run(c);
    });
  }
  sc_core::sc_start();
  require_clean_run("mixed", m, failure);
  for (size_t i = 1; i < n; ++i) {
    const auto& t = vm.device(i).transport->stats();
    if (t.needs_reset || !t.guest_errors.empty())
      throw std::runtime_error(fmt::format("mixed: {} set DEVICE_NEEDS_RESET or saw guest errors: no figures", vm.device(i).plan.spec.name));
  }
  json r = common_results(m, s, ops);
  r["transaction"] = histogram_json(rt);
  r["transactions_per_s"] = elapsed_ns > 0 ? ops * 1e9 / elapsed_ns : 0;
  r["driver"] = driver_json(dev[0].drv->stats());
  // Each device: where it is, what it did, its interrupts (its ISR's calls; those that were another
  // sharer's), and the shared line's cost.
  json devices = json::array();
  for (size_t i = 0; i < n; ++i) {
    const device_plan& d = vm.device(i).plan;
    json j = {{"name", d.spec.name}, {"type", to_string(d.spec.type)}, {"vcpu", owner[i]}, {"scheme", d.spec.scheme},
              {"base", *d.spec.base}, {"line", *d.spec.line}, {"shared_line", d.shared}, {"operations", dev[i].ops},
              {"per_s", elapsed_ns > 0 ? double(dev[i].ops) * 1e9 / elapsed_ns : 0.0}};
    if (dev[i].drv) {
      const auto& st = dev[i].drv->stats();
      j["isr_calls"] = st.interrupts;
      j["interrupts"] = st.interrupts - st.shared_none;  // its own
      j["others_interrupts"] = st.shared_none;            // another sharer's: its ISR read a zero status
      j["spurious"] = st.spurious;
      j["isr_reads"] = st.isr_reads;
      j["isr_writes"] = st.isr_writes;
    } else {
      j["interrupts"] = 0;
    }
    devices.push_back(j);
  }
  r["devices"] = devices;
  vdrv::cpu_context::shared_counters sh;  // every vCPU's: a shared line's sharers are on one of them
  for (const auto& e : envs)
    if (e) {
      const auto& x = e->ctx.shared();
      sh.interrupts += x.interrupts, sh.idle_calls += x.idle_calls, sh.idle_reads += x.idle_reads, sh.unclaimed += x.unclaimed;
    }
  r["shared_isr"] = {{"interrupts", sh.interrupts}, {"idle_isr_calls", sh.idle_calls}, {"extra_status_reads", sh.idle_reads},
                     {"unclaimed", sh.unclaimed},
                     {"extra_reads_per_interrupt", sh.interrupts ? double(sh.idle_reads) / double(sh.interrupts) : 0.0}};
  r["vcpus"] = vcpus_json(m, gcs);
  return r;
}
}  // namespace

uint64_t driver_area_bytes(const scenario& s) {
  uint64_t queues = 1, buffers = 0;  // virtqueues of the device; bytes the workload allocates on one vCPU
  if (s.workload == "micro") {
    buffers = micro_buffer;
  } else if (s.workload == "rr") {
    queues = 3;
    buffers = uint64_t{rr_rx_buffers} * net_frame + rr_tx_frame;
  } else if (s.workload == "mixed") {  // rr's net device, then every blk and rng device's rings and buffers
    queues = 3;
    buffers = uint64_t{rr_rx_buffers} * net_frame + rr_tx_frame;
    for (const platform_device& d : devices_of(s)) {
      if (d.type == device_type::blk) {
        queues += 1;
        buffers += driver_state + uint64_t{s.queue_depth} * (sizeof(blk_req) + blk_block) + blk_block;
      } else if (d.type == device_type::rng) {
        queues += 1;
        buffers += driver_state + 64 + rng_read;
      }
    }
  } else if (s.workload == "mq-rx") {
    queues = 2 * s.queues + 1;
    buffers = uint64_t{mq_rx_buffers} * net_frame;
  } else {
    queues = s.queues;
    buffers = uint64_t{s.queue_depth} * (sizeof(blk_req) + blk_block) + blk_block;  // + the data's alignment
  }
  const uint64_t bytes = queues * ring_bound + driver_state + buffers;
  return (bytes + area_granule - 1) / area_granule * area_granule;
}

json run_scenario(const scenario& s, const cost_profile& p, bool progress) {
  std::unique_ptr<trace_session> tr;
  if (!s.timeline.empty() || !s.vcd.empty()) tr = std::make_unique<trace_session>(s);
  json results;
  if (s.workload == "micro") results = micro(s, p, progress, tr.get());
  else if (s.workload == "rr") results = request_response(s, p, progress, tr.get());
  else if (s.workload == "mq-rx") results = multiqueue_receive(s, p, progress, tr.get());
  else if (s.workload == "mixed") results = mixed(s, p, progress, tr.get());
  else results = block_random_read(s, p, progress, tr.get());
  if (tr) tr->finish(s.vcpus);
  return {{"scenario", s.to_json()}, {"profile", to_json(p)}, {"results", results}};
}

}  // namespace vmsim::app
