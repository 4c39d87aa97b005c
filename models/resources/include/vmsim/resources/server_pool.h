// A host resource where work waits its turn: `servers` identical servers taking jobs first come, first
// served. One model serves every kind: a VMM thread (1 server), a lock such as QEMU's big lock (1 server;
// a job is the time it is held), a back-end's worker threads, a storage device's channels.
//
// Loosely timed, without a process of its own: a job is booked when its owner reaches it, with its arrival
// time and its service time, and the pool answers when it starts and finishes (start = the arrival, or the
// moment a server frees up). The owner then waits until the finish, on its own annotation or event. Jobs
// are served in booking order, which is time order up to the vCPUs' quantum; docs/latency-model.md says
// what that approximation costs.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "vmsim/common/histogram.h"

namespace vmsim {

class server_pool {
 public:
  // `backfill` (one server only): owners that book out of time order (vCPUs each running ahead by up to a
  // quantum) may place a job into an idle gap before a later booking instead of queueing behind it, as a
  // guest spinlock taken earlier in simulated time would have been. The recent busy intervals are kept.
  server_pool(std::string name, unsigned servers, bool backfill = false);

  struct booking {
    sc_core::sc_time start, finish;
  };
  booking serve(const sc_core::sc_time& arrival, const sc_core::sc_time& service);
  // Has a server nothing booked at `t`? (A thread that is idle then sleeps, and must be woken.)
  bool idle_at(const sc_core::sc_time& t) const {
    return !backfill_ && free_at_.size() == 1 ? free_at_[0] <= t : idle_at_any(t);  // inline: a relay asks per rise
  }

  const std::string& name() const { return name_; }
  unsigned servers() const { return static_cast<unsigned>(free_at_.size()); }
  uint64_t jobs() const { return jobs_; }
  double busy_ns() const { return busy_ns_; }
  const histogram& waits() const { return wait_; }  // time from arrival to start, ns
  // Busy time over capacity (servers x window) since the statistics were last reset, up to `now`.
  double utilisation(const sc_core::sc_time& now) const;
  // Starts a measured phase: statistics from here (the servers' bookings stand).
  void reset_stats(const sc_core::sc_time& now);

 private:
  std::string name_;
  std::vector<sc_core::sc_time> free_at_;  // per server, when its last booked job ends
  bool backfill_ = false;
  // backfill: the recent [start, finish), by start. They never overlap (each job goes into a gap), so their
  // finishes ascend too; a deque drops the oldest without moving the rest.
  std::deque<std::pair<sc_core::sc_time, sc_core::sc_time>> busy_;
  sc_core::sc_time backfill_start(const sc_core::sc_time& arrival, const sc_core::sc_time& service) const;
  bool idle_at_any(const sc_core::sc_time& t) const;
  uint64_t jobs_ = 0;
  double busy_ns_ = 0;
  sc_core::sc_time since_;
  histogram wait_;
};

}  // namespace vmsim
