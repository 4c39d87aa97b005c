// The virtio-mmio transport (virtio spec 4.2): a TLM-2.0 base-protocol target for the register block
// and the device config space, a bus-master port for the device's DMA, and wired interrupt lines.
// Version 2 (modern) or Version 1 (legacy) from the configuration. The registers are declared from
// regmap::standard_registers with one named handler each; device types plug in as device_backend and
// the interrupt behaviour as an interrupt_scheme.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "vmsim/common/irq_wire.h"
#include "vmsim/common/lt_target_socket.h"
#include "vmsim/common/params.h"
#include "vmsim/common/register_bank.h"
#include "vmsim/memory/dma_master.h"
#include "vmsim/transport/device_backend.h"
#include "vmsim/transport/interrupt_scheme.h"
#include "vmsim/transport/notify_scheme.h"

namespace vmsim {

// What the transport answers to a bus-level guest error (bad offset, width, alignment, direction).
// strict: the TLM error response the case implies; permissive: TLM_OK, reads return 0, writes are
// dropped (what QEMU does). Both warn with a stable id and count. See docs/transport.md.
enum class access_policy { strict, permissive };

struct transport_config {
  uint32_t version = regmap::version_modern;
  uint32_t vendor_id = 0x49534d56;  // "VMSI"
  access_policy policy = access_policy::strict;
  bool offer_indirect = true;
  bool offer_event_idx = true;
  bool offer_ring_reset = true;   // modern only
  unsigned irq_lines = 1;
  uint16_t queue_num_max = 0;     // QueueNumMax of every queue; 0: the device's own
  uint32_t window_size = 0x1000;  // the device's MMIO region: registers, config space, doorbells, tables
  notify_config notify;           // QueueNotify only, or per-queue doorbells
  sc_core::sc_time register_latency = sc_core::SC_ZERO_TIME;  // device-side decode time per access
  sc_core::sc_time msi_write_latency = sc_core::SC_ZERO_TIME;  // annotated onto each MSI message write
};
// Its run-time parameters (vm.transport.*, transport_params.cpp).
const param_group<transport_config>& param_table(const transport_config&);

class virtio_mmio_transport : public sc_core::sc_module, public device_host, private interrupt_host {
  // The bus side's entry points, declared before the socket that is bound to them at compile time.
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& tx);

 public:
  // Registers + config space.
  lt_target_socket<virtio_mmio_transport, &virtio_mmio_transport::b_transport, &virtio_mmio_transport::transport_dbg> mmio;
  dma_master dma;                   // bind dma.socket to the bus
  sc_core::sc_vector<irq_out> irq;  // wired interrupt lines (irq_wire.h)

  virtio_mmio_transport(sc_core::sc_module_name name, device_backend& device, const transport_config& cfg,
                        std::unique_ptr<interrupt_scheme> scheme = nullptr);

  // Replaces the C++ reference doorbell decoder (e.g. by the Verilated RTL). Before simulation starts.
  void use_doorbell_decoder(std::unique_ptr<doorbell_decoder_if> decoder);
  const doorbell_decoder_if* doorbell_decoder() const { return doorbell_.get(); }
  // The doorbell window as configured (num_queues filled in): build an RTL decoder from exactly this.
  const doorbell_config& doorbell_layout() const { return cfg_.notify.doorbell; }

  // ---- device_host (used by the back-end) ----
  pop_status pop(unsigned q, desc_chain& out) override;
  void push_used(unsigned q, const desc_chain& chain, uint32_t written) override;
  void notify_used(unsigned q) override;
  void complete(unsigned q, const desc_chain& chain, uint32_t written) override;
  void config_changed() override;
  void needs_reset(const std::string& why) override;
  guest_memory_if& memory() override { return dma; }
  uint64_t negotiated_features() const override { return driver_features_; }
  bool driver_ok() const override { return live(); }
  sc_core::sc_time caller_offset() const override { return access_delay_; }

  // ---- observation ----
  struct counters {
    std::vector<uint64_t> kicks;                // per queue
    std::map<std::string, uint64_t> guest_errors;  // by report id
    uint64_t bus_errors = 0;                    // accesses answered with a TLM error response
    uint64_t config_reads = 0, config_writes = 0;
    uint64_t needs_reset = 0;
    uint64_t resets = 0;
    uint64_t doorbell_writes = 0, doorbell_errors = 0;
  };
  const counters& stats() const { return stats_; }
  const register_bank& registers() const { return bank_; }
  const interrupt_scheme& scheme() const { return *scheme_; }
  interrupt_scheme& scheme() { return *scheme_; }
  const split_virtqueue& queue(unsigned q) const { return queues_.at(q).vq; }
  // Ring counters of queue q since construction (a queue's own counters restart when it is reset).
  split_virtqueue::counters queue_totals(unsigned q) const;
  uint8_t status() const { return status_; }
  uint64_t offered_features() const { return offered_; }
  const transport_config& config() const { return cfg_; }
  std::string stats_table() const;

 private:
  struct queue_state {
    uint32_t num = 0;
    uint64_t desc = 0, driver = 0, device = 0;
    uint32_t align = 4096;       // legacy QueueAlign
    uint32_t pfn = 0;            // legacy QueuePFN
    bool ready = false;          // QueueReady / PFN != 0
    bool reset_done = false;     // reset by QueueReset: configurable after DRIVER_OK until re-enabled
    split_virtqueue vq;
  };

  // bus side (b_transport and transport_dbg: above, before the socket that calls them)
  // The refusals and their messages are out of line (cold): their formatting costs the accepted access nothing.
  tlm::tlm_response_status access(tlm::tlm_generic_payload& tx, bool debug);
  [[gnu::cold, gnu::noinline]] tlm::tlm_response_status refuse_shape(tlm::tlm_generic_payload& tx);
  [[gnu::cold, gnu::noinline]] tlm::tlm_response_status refuse_register(const register_bank::result& r, uint64_t addr,
                                                                       unsigned width, bool is_write);
  tlm::tlm_response_status config_access(uint32_t offset, unsigned width, bool is_write, uint32_t& value);
  tlm::tlm_response_status doorbell_access(uint32_t offset, unsigned width, bool is_write, uint32_t value);
  [[gnu::cold, gnu::noinline]] tlm::tlm_response_status refuse_doorbell_read(uint32_t offset);
  [[gnu::cold, gnu::noinline]] void bad_doorbell(uint32_t offset, unsigned width, uint32_t value, doorbell_error e);
  // The doorbell window and the config space, as offsets in the MMIO window (fixed at construction).
  bool in_doorbell_window(uint64_t offset) const { return offset >= doorbell_begin_ && offset < doorbell_end_; }
  tlm::tlm_response_status refuse(bus_fault fault, tlm::tlm_response_status strict_answer, const std::string& what);

  // register declarations and named handlers
  void declare_registers();
  void add_extension_features();
  uint32_t read_device_features();
  void write_driver_features(uint32_t v);
  uint32_t read_queue_num_max();
  uint32_t queue_num_max(unsigned q) const;  // the configured limit, or the device's
  void write_queue_num(uint32_t v);
  void write_queue_align(uint32_t v);
  void write_queue_pfn(uint32_t v);
  uint32_t read_queue_pfn();
  void write_queue_ready(uint32_t v);
  uint32_t read_queue_ready();
  void write_queue_address(uint64_t queue_state::*field, bool high, uint32_t v);
  void write_queue_notify(uint32_t v);
  void kick(unsigned index, const sc_core::sc_time& extra, const char* via);
  [[gnu::cold, gnu::noinline]] void refuse_kick(unsigned index, const char* via);
  void write_status(uint32_t v);
  void write_queue_reset(uint32_t v);
  uint32_t read_queue_reset();

  // helpers
  queue_state* configurable_queue(const char* reg);
  void enable_queue(unsigned q);
  void device_reset();
  void retire_queue(unsigned q);  // resets queue q's state, keeping its counters in retired_
  vq_features ring_features() const;
  // Queue q's ring turned out malformed: DEVICE_NEEDS_RESET, with the ring's reason (cold, as above).
  [[gnu::cold, gnu::noinline]] void ring_fault(unsigned q);
  // DRIVER_OK and not DEVICE_NEEDS_RESET (driver_ok(), without its virtual call on the ring path).
  bool live() const { return (status_ & regmap::status::driver_ok) && !(status_ & regmap::status::device_needs_reset); }
  bool queue_live(unsigned q) const { return live() && q < num_queues_ && queues_[q].ready; }
  // push_used and notify_used of a live queue.
  bool push_live(unsigned q, const desc_chain& chain, uint32_t written);
  void notify_live(unsigned q);

  // interrupt_host
  unsigned irq_lines() const override { return cfg_.irq_lines; }
  unsigned num_queues() const override { return num_queues_; }
  uint32_t queue_sel() const override { return queue_sel_; }
  unsigned irq_line_for_queue(unsigned q) const override { return device_.irq_line_for_queue(q, cfg_.irq_lines); }
  bool msi_write(uint64_t addr, uint32_t data) override;
  void drive_irq(unsigned line, bool level) override;
  void guest_error(const char* id, const std::string& what) override;

  device_backend& device_;
  transport_config cfg_;
  std::unique_ptr<interrupt_scheme> scheme_;
  std::unique_ptr<doorbell_decoder_if> doorbell_;
  reference_doorbell_decoder* reference_ = nullptr;  // doorbell_ while it is the reference: called directly
  register_bank bank_;
  std::vector<queue_state> queues_;
  const unsigned num_queues_;  // queues_.size(), fixed: the ring path's bounds check without a division
  std::vector<split_virtqueue::counters> retired_;
  counters stats_;

  uint64_t offered_ = 0;
  uint64_t driver_features_ = 0;
  uint32_t device_features_sel_ = 0, driver_features_sel_ = 0;
  uint32_t queue_sel_ = 0;
  uint32_t guest_page_size_ = 0;
  uint32_t config_generation_ = 0;
  uint8_t status_ = 0;
  uint64_t doorbell_begin_ = 0, doorbell_end_ = 0;  // [begin, end): empty without doorbells
  uint64_t config_end_ = 0;                         // the config space is [config_space_offset, config_end_)
  // The annotated delay of the access being handled; from a kick on, of the kick's arrival at the back-end.
  sc_core::sc_time access_delay_;
  std::vector<uint8_t> line_level_;  // per wired line, 0 or 1 (bytes: read on every drive)
};

}  // namespace vmsim
