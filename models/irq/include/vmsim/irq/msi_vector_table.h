// MSI vectors as the device holds them: an address/data pair latched atomically per vector (so a
// message never goes out with a new address and an old data), a mask bit, and a pending bit that
// keeps an event signalled while masked until the vector is unmasked.
#pragma once

#include <cstdint>
#include <vector>

namespace vmsim {

struct msi_message {
  uint64_t address = 0;
  uint32_t data = 0;
};

class msi_vector_table {
 public:
  static constexpr uint32_t no_vector = 0xffffffff;

  void resize(unsigned n) { vectors_.assign(n, {}); }
  unsigned size() const { return static_cast<unsigned>(vectors_.size()); }
  void clear() { resize(size()); }

  void configure(unsigned v, const msi_message& m) { vectors_.at(v).msg = m, vectors_.at(v).configured = true; }
  bool configured(unsigned v) const { return v < size() && vectors_[v].configured; }
  const msi_message& message(unsigned v) const { return vectors_.at(v).msg; }
  bool masked(unsigned v) const { return vectors_.at(v).masked; }
  bool pending(unsigned v) const { return vectors_.at(v).pending; }

  // An event on vector v (v < size()): the message to write now, or null if it was left pending.
  const msi_message* signal(unsigned v) {
    auto& e = vectors_[v];
    if (e.masked || !e.configured) return e.pending = true, nullptr;
    return &e.msg;
  }
  void mask(unsigned v) { vectors_.at(v).masked = true; }
  // True if a pending message must be written now.
  bool unmask(unsigned v) {
    auto& e = vectors_.at(v);
    e.masked = false;
    bool send = e.pending && e.configured;
    if (send) e.pending = false;
    return send;
  }

 private:
  struct entry {
    msi_message msg;
    bool configured = false, masked = false, pending = false;
  };
  std::vector<entry> vectors_;
};

}  // namespace vmsim
