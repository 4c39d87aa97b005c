// A small guest-side virtio-mmio driver for the test bench (the real one lives in sw/): probe, the
// init sequence for Version 1 and 2, split-ring setup in guest RAM, posting buffers, kicking and
// reaping. Register accesses go over the bus; ring memory is written the way a CPU would, directly.
#pragma once

#include <cstdint>
#include <vector>

#include "bus_master.h"
#include "vmsim/regmap/virtio_mmio.h"

namespace vmsim::tb {

struct guest_buffer {
  uint64_t addr;
  uint32_t len;
  bool device_writable;
};

class mini_driver {
 public:
  mini_driver(bus_master& bus, uint64_t mmio_base, uint8_t* ram, uint64_t ram_base, uint64_t ram_size)
      : bus_(bus), base_(mmio_base), ram_(ram), ram_base_(ram_base), ram_size_(ram_size) {}

  uint32_t reg(regmap::reg r);
  tlm::tlm_response_status set(regmap::reg r, uint32_t v);

  // Reset, ACKNOWLEDGE, DRIVER, negotiate (offered & wanted), FEATURES_OK. False if it did not stick.
  bool init(uint64_t wanted_features);
  // Queue setup at guest address `ring` (modern: three areas from there; legacy: PFN). False on refusal.
  bool setup_queue(unsigned q, uint16_t num, uint64_t ring);
  void driver_ok();
  uint64_t negotiated() const { return negotiated_; }

  // Ring operations on queue q (driver side of the split ring).
  uint16_t post(unsigned q, const std::vector<guest_buffer>& bufs);  // returns the head descriptor
  void kick(unsigned q);
  bool used_available(unsigned q);
  struct used { uint32_t id, len; };
  used reap(unsigned q);
  // Guest-memory helpers (little-endian host assumed, as the ring code in models/ is not).
  uint8_t* host(uint64_t guest_addr) { return ram_ + (guest_addr - ram_base_); }
  void poke16(uint64_t a, uint16_t v);
  uint16_t peek16(uint64_t a);

  struct ring { uint16_t num = 0; uint64_t desc = 0, avail = 0, used = 0; uint16_t next_desc = 0, avail_idx = 0, last_used = 0; };
  ring& rings(unsigned q) { return rings_.at(q); }

 private:
  bus_master& bus_;
  uint64_t base_;
  uint8_t* ram_;
  uint64_t ram_base_, ram_size_;
  uint32_t version_ = 0;
  uint64_t negotiated_ = 0;
  std::vector<ring> rings_ = std::vector<ring>(8);
};

}  // namespace vmsim::tb
