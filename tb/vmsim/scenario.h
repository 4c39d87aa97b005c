// A vmsim scenario: one design point. From a JSON file or the command line; validated before anything
// is elaborated, every rejection naming the field and what it allows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmsim/hyp/cost_profile.h"
#include "vmsim/platform/platform.h"

namespace vmsim::app {

// One entry of a scenario's `devices` list: `count` devices of one type. Fields left out take the scenario's
// own (scheme, transport_version, notify, notify_path; queues for the workload's device); base and line left
// out are allocated as a VMM does (models/platform/platform.h).
struct device_entry {
  std::string type = "rng";             // net | blk | rng
  std::string name;                     // empty: type + index (net0); with count > 1: name + index
  unsigned count = 1;
  std::optional<unsigned> transport_version, queues, line, lines;
  std::optional<std::string> scheme, notify, notify_path;
  std::optional<uint64_t> base;
  bool share_line = false;
  // The vCPU that drives it and takes its interrupts (the mixed workload; absent: vCPU 0). The first device's
  // transaction loop is vCPU 0's; the devices on one wired line share a vCPU, as the line interrupts one.
  std::optional<unsigned> vcpu;
  nlohmann::json to_json() const;
};

struct scenario {
  std::string name = "default";
  std::string workload = "micro";       // micro | rr | mq-rx | blk
  std::string scheme = "legacy-wired";  // an interrupt scheme (make_interrupt_scheme)
  std::string profile = "x86-kvm";
  std::string notify = "queue-notify";  // queue-notify | doorbell
  std::string notify_path = "kernel";   // kernel (ioeventfd) | user (exits to the VMM) | mapped (doorbells: no exit)
  std::string decoder = "reference";    // reference | rtl (doorbells only)
  unsigned transport_version = 2;
  unsigned vcpus = 1;
  unsigned queues = 1;                  // net: queue pairs; blk: request queues
  unsigned queue_depth = 1;             // blk: requests in flight per job
  unsigned requests = 2000;             // micro: round trips
  double duration_us = 20000;           // rr, mq-rx, blk
  double rate_pps = 200000;             // mq-rx: per queue
  uint64_t seed = 1;
  double quantum_ns = 10000;            // vCPU quantum (temporal decoupling): larger runs faster
  std::vector<unsigned> irq_affinity;   // vCPU of each vector (vector 0 config, q+1 queue q); default spread
  std::string timeline;                 // write a Perfetto/Chrome timeline here
  std::vector<double> timeline_window_us;  // [start, end): only this part of the run in the timeline; empty: all
  std::string vcd;                      // write a VCD of the interrupt wires and doorbells here
  nlohmann::json profile_params = nlohmann::json::object();  // cost-profile entries this point changes
  nlohmann::json params = nlohmann::json::object();  // model parameters by name, checked (model_params.h)
  uint64_t ram_base = 0x40000000, ram_size = 64 << 20, device_base = 0x0a000000, irqc_base = 0x08000000;
  // The platform's devices; empty: the workload's one device at device_base on line 0 (the fields above).
  // micro, rr, mq-rx and blk drive the first device (of the workload's type), the others idle; mixed drives
  // them all (docs in runner.cpp).
  std::vector<device_entry> devices;

  nlohmann::json to_json() const;
};

struct scenario_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses and validates; throws scenario_error naming the field.
scenario parse_scenario(const nlohmann::json& j, const std::vector<std::string>& profiles);
void validate(const scenario& s, const std::vector<std::string>& profiles);
const std::vector<std::string>& workloads();
// The scenario's cost profile: its named profile with its profile_params applied (a bad entry is a
// scenario_error naming it).
cost_profile profile_for(const std::map<std::string, cost_profile>& profiles, const scenario& s);

// The platform the scenario describes: its devices expanded (count), each field the entry leaves out taken
// from the scenario; platform_error naming the expanded device ("devices[3]") when an entry is bad.
platform_config platform_of(const scenario& s);
// The platform's device names (net0, blk0, a scenario's own; "device" for a one-device scenario): the
// instances a model parameter may be scoped to, vm.<name>.<group>.NAME.
std::vector<std::string> device_names(const scenario& s);
// The vCPU that drives each device (counts expanded): its entry's `vcpu`, or 0.
std::vector<unsigned> driving_vcpus(const scenario& s);
// The scenario's devices as platform devices (one per device, counts expanded) and, for each, its entry.
std::vector<platform_device> devices_of(const scenario& s, std::vector<size_t>* entry_of = nullptr);

// Guest memory of the drivers: vCPU k's area (its DMA arena: rings on vCPU 0, its own buffers) starts at
// RAM offset driver_area_offset + k * driver_area_bytes(s). Sized by what the workload allocates; the whole
// of it must fit in ram_size (validate checks it).
inline constexpr uint64_t driver_area_offset = 1 << 20;  // the first MiB is left to a guest's own use
uint64_t driver_area_bytes(const scenario& s);

}  // namespace vmsim::app
