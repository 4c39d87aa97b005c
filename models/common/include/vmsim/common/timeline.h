// A Chrome/Perfetto trace (the JSON "traceEvents" format, opens in ui.perfetto.dev or chrome://tracing):
// exits, ISRs, MSI writes, and the device side (virtqueue pops and used elements, back-end requests).
// Recording is off unless a timeline is attached.
//
// Events stream to the file as they are recorded, one compact line each through a fixed buffer: memory
// does not grow with the run and nothing is capped. A window [start, end) (ns of simulated time) keeps
// only the events that overlap it; callers ask wants() first so an event outside costs no formatting.
// An event is written with plain character copies and integer digits (no format strings): its name is
// built on the stack from pieces (a label), only when the event is recorded.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace vmsim {

class timeline {
 public:
  static constexpr double forever = std::numeric_limits<double>::infinity();

  // An event's name from pieces: text, unsigned integers in decimal, hex(v) as "0x..". Lives on the stack;
  // a name longer than its capacity is cut there.
  struct hex {
    uint64_t v;
  };
  class label {
   public:
    static constexpr size_t capacity = 240;
    label& operator<<(std::string_view s) {
      const size_t n = std::min(s.size(), capacity - len_);
      std::memcpy(b_ + len_, s.data(), n);
      len_ += n;
      return *this;
    }
    template <size_t N>
    label& operator<<(const char (&s)[N]) {  // a literal: its length is known
      return *this << std::string_view(s, N - 1);
    }
    label& operator<<(const char* s) { return *this << std::string_view(s); }
    template <class U, class = std::enable_if_t<std::is_integral_v<U> && std::is_unsigned_v<U>>>
    label& operator<<(U v) {
      if (capacity - len_ >= 20) len_ += put_decimal(b_ + len_, v);
      return *this;
    }
    label& operator<<(hex h);
    std::string_view view() const { return {b_, len_}; }

   private:
    char b_[capacity];
    size_t len_ = 0;
  };
  // Writes v's decimal digits at `to` (room for 20): their count.
  static size_t put_decimal(char* to, uint64_t v) {
    static constexpr uint64_t pow10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
                                           100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
                                           1000000000000ull, 10000000000000ull, 100000000000000ull,
                                           1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
                                           1000000000000000000ull, 10000000000000000000ull};
    // The digit count from the bit length (log10(2) ~ 1233 / 4096), one compare to settle it.
    const auto bits = static_cast<unsigned>(64 - __builtin_clzll(v | 1));
    size_t n = (bits * 1233) >> 12;
    n += n < 20 && v >= pow10[n];
    if (n == 0) n = 1;
    char* p = to + n;
    while (v >= 100) {
      const auto r = static_cast<size_t>(v % 100) * 2;
      v /= 100;
      *--p = digit_pairs[r + 1];
      *--p = digit_pairs[r];
    }
    if (v >= 10) {
      *--p = digit_pairs[v * 2 + 1];
      *--p = digit_pairs[v * 2];
    } else {
      *--p = static_cast<char>('0' + v);
    }
    return n;
  }
  static constexpr char digit_pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";

  // Opens `path` for writing (ok() says whether it could) and writes the trace's header.
  explicit timeline(const std::string& path, double window_start_ns = 0, double window_end_ns = forever);
  ~timeline();  // close()s
  timeline(const timeline&) = delete;
  timeline& operator=(const timeline&) = delete;

  bool ok() const { return file_ != nullptr && !failed_; }
  // Does an event over [start_ns, end_ns] fall in the window? (An instant: start == end.)
  bool wants(double start_ns, double end_ns) const { return end_ns >= from_ns_ && start_ns < to_ns_; }
  bool recording() const { return file_ != nullptr; }

  // A span [start_ns, start_ns + dur_ns) on track `track` (a vCPU index, or a device track >= 100).
  void span(std::string_view name, std::string_view category, unsigned track, double start_ns, double dur_ns);
  void instant(std::string_view name, std::string_view category, unsigned track, double at_ns);
  // As above, with the name built by `name(label&)`, called only when the event is recorded.
  template <class F>
  void span_named(std::string_view category, unsigned track, double start_ns, double dur_ns, F&& name) {
    if (!file_ || !wants(start_ns, start_ns + dur_ns)) return;
    label l;
    name(l);
    span(l.view(), category, track, start_ns, dur_ns);
  }
  template <class F>
  void instant_named(std::string_view category, unsigned track, double at_ns, F&& name) {
    if (!file_ || !wants(at_ns, at_ns)) return;
    label l;
    name(l);
    instant(l.view(), category, track, at_ns);
  }
  void name_track(unsigned track, std::string_view name);
  uint64_t size() const { return events_; }  // events written (in the window)
  // Ends the JSON and closes the file; false when anything could not be written. Idempotent.
  bool close();

 private:
  char* room(size_t n);  // n writable bytes at the end of the buffer (flushing or growing it first)
  void begin_event(char*& p);
  char* open_event(std::string_view name, std::string_view category, std::string_view phase, unsigned track);
  static void put(char*& p, std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  static void put_escaped(char*& p, std::string_view s);
  static void put_us(char*& p, double ns);
  void end_event(char* p);
  void flush();

  std::FILE* file_;
  bool opened_, failed_ = false;
  double from_ns_, to_ns_;
  uint64_t events_ = 0, records_ = 0;
  std::unique_ptr<char[]> buf_;  // records not yet written (flushed at a fixed size)
  size_t cap_ = 0, len_ = 0;
};

}  // namespace vmsim
