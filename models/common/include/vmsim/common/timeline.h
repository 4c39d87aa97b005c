// A Chrome/Perfetto trace (the JSON "traceEvents" format, opens in ui.perfetto.dev or chrome://tracing):
// exits, ISRs, MSI writes, and the device side (virtqueue pops and used elements, back-end requests).
// Recording is off unless a timeline is attached.
//
// Events stream to the file as they are recorded, one compact line each through a fixed buffer: memory
// does not grow with the run and nothing is capped. A window [start, end) (ns of simulated time) keeps
// only the events that overlap it; callers ask wants() first so an event outside costs no formatting.
// An event is written with plain character copies and integer digits (no format strings, no library
// calls for a short copy): its name is built on the stack from pieces (a label), only when the event is
// recorded.
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

  // Copies n bytes; a short run (a name's piece, a category) in two overlapping moves instead of a call.
  static void copy_short(char* to, const char* from, size_t n) {
    if (n > 16) return void(std::memcpy(to, from, n));
    if (n >= 8) return copy_overlapping<uint64_t>(to, from, n);
    if (n >= 4) return copy_overlapping<uint32_t>(to, from, n);
    if (n == 0) return;
    to[0] = from[0];  // 1..3 bytes: the first, the middle and the last
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  }
  // Writes v's decimal digits at `to` (room for 20): their count. Up to four digits (tracks, a label's
  // numbers, the microseconds of most runs) without a loop or a call.
  static size_t put_decimal(char* to, uint64_t v) {
    if (v < 10) {
      *to = static_cast<char>('0' + v);
      return 1;
    }
    if (v < 100) {
      std::memcpy(to, digit_pairs + 2 * v, 2);
      return 2;
    }
    if (v >= 10000) return put_long_decimal(to, v);
    const auto hi = static_cast<unsigned>(v / 100), lo = static_cast<unsigned>(v % 100);
    const size_t n = hi < 10 ? 3 : 4;
    if (hi < 10) *to = static_cast<char>('0' + hi);
    else std::memcpy(to, digit_pairs + 2 * hi, 2);
    std::memcpy(to + n - 2, digit_pairs + 2 * lo, 2);
    return n;
  }
  static constexpr char digit_pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";

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
    label& operator<<(const char (&s)[N]) {  // a literal: its length is known, the copy a few moves
      if (N - 1 > capacity - len_) return *this << std::string_view(s, N - 1);
      std::memcpy(b_ + len_, s, N - 1);
      len_ += N - 1;
      return *this;
    }
    // A C string that is not a literal (a literal takes the overload above: its length is known).
    template <class P, class = std::enable_if_t<std::is_convertible_v<P, const char*> &&
                                                !std::is_array_v<std::remove_reference_t<P>>>>
    label& operator<<(P&& s) {
      return *this << std::string_view(s);
    }
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
  template <class W>
  static void copy_overlapping(char* to, const char* from, size_t n) {  // sizeof(W) <= n <= 2 * sizeof(W)
    W head, tail;
    std::memcpy(&head, from, sizeof(W));
    std::memcpy(&tail, from + n - sizeof(W), sizeof(W));
    std::memcpy(to, &head, sizeof(W));
    std::memcpy(to + n - sizeof(W), &tail, sizeof(W));
  }
  static size_t put_long_decimal(char* to, uint64_t v);
  char* room(size_t n) {  // n writable bytes at the end of the buffer (flushing or growing it first)
    return len_ + n <= cap_ ? buf_.get() + len_ : make_room(n);
  }
  char* make_room(size_t n);
  char* begin_event(size_t n);
  template <size_t N>
  char* open_event(std::string_view name, std::string_view category, const char (&phase)[N], unsigned track);
  template <size_t N>
  static void put(char*& p, const char (&s)[N]) {
    std::memcpy(p, s, N - 1);
    p += N - 1;
  }
  static void put_escaped(char*& p, std::string_view s);
  static void escape(char*& p, std::string_view s);  // with the escapes JSON needs
  static void put_us(char*& p, double ns);
  void put_timestamp(char*& p, double ns);  // put_us, or the last timestamp's text again
  void end_event(char* p);
  void flush();

  std::FILE* file_;
  bool opened_, failed_ = false;
  char separator_ = '[';  // before the next record: the list's opening, then a comma
  double from_ns_, to_ns_;
  uint64_t events_ = 0;
  // The last timestamp written and its text: events come in bursts at one instant (a completion's used
  // element, its MSI and its notification), and a repeat is a copy.
  double last_ts_ns_ = std::numeric_limits<double>::quiet_NaN();  // equal to nothing
  size_t last_ts_len_ = 0;
  char last_ts_[32];
  std::unique_ptr<char[]> buf_;  // records not yet written (flushed at a fixed size)
  size_t cap_ = 0, len_ = 0;
};

}  // namespace vmsim
