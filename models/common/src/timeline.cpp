#include "vmsim/common/timeline.h"

#include <array>

namespace vmsim {

namespace {
constexpr size_t flush_at = 1 << 16;  // bytes buffered before a write
constexpr size_t event_room = 160;    // an event's bytes besides its name and category

// A JSON string's characters that need escaping: '"', '\\' and controls. Eight at a time (SWAR): a byte
// below 0x20, or equal to 0x22 or 0x5c, sets its top bit in the result.
inline uint64_t escapes_in(uint64_t w) {
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  const uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
  return ((w - ones * 0x20) | (quote - ones) | (backslash - ones)) & ~w & highs;
}
bool escapes(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }
// ".000" .. ".999": a timestamp's fraction of a microsecond, four bytes each.
const auto fractions = [] {
  std::array<std::array<char, 4>, 1000> f{};
  for (unsigned i = 0; i < 1000; ++i) f[i] = {'.', static_cast<char>('0' + i / 100), static_cast<char>('0' + i / 10 % 10),
                                              static_cast<char>('0' + i % 10)};
  return f;
}();
}  // namespace

timeline::label& timeline::label::operator<<(hex h) {
  char d[18] = {'0', 'x'};
  int n = 0;
  for (uint64_t v = h.v; v; v >>= 4) ++n;
  n = std::max(n, 1);
  for (int i = 0; i < n; ++i) d[2 + n - 1 - i] = "0123456789abcdef"[(h.v >> (4 * i)) & 0xf];
  return *this << std::string_view(d, static_cast<size_t>(2 + n));
}

size_t timeline::put_long_decimal(char* to, uint64_t v) {
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

timeline::timeline(const std::string& path, double window_start_ns, double window_end_ns)
    : file_(std::fopen(path.c_str(), "w")), opened_(file_ != nullptr), from_ns_(window_start_ns), to_ns_(window_end_ns),
      buf_(new char[flush_at + 4096]), cap_(flush_at + 4096) {
  char* p = room(64);
  put(p, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":");  // the list opens with the first record (separator_)
  len_ = static_cast<size_t>(p - buf_.get());
}

timeline::~timeline() { close(); }

char* timeline::make_room(size_t n) {
  flush();
  if (n > cap_) {  // one huge name: a bigger buffer from now on
    cap_ = 2 * n;
    buf_.reset(new char[cap_]);
  }
  return buf_.get();
}

// A record's opening, with room for n bytes after it.
inline char* timeline::begin_event(size_t n) {
  char* p = room(n + 16);
  *p++ = separator_;
  separator_ = ',';
  put(p, "\n{\"name\":\"");
  return p;
}

inline void timeline::end_event(char* p) {
  len_ = static_cast<size_t>(p - buf_.get());
  if (len_ >= flush_at) flush();
}

// Copies a name for a JSON string. The model's names never need escaping: copied a word at a time while
// looking (the room reserved for an event covers the copy), escaped only if anything was found. Inlined
// into each event's writer: a call's saving and restoring of registers costs as much as a short name.
[[gnu::always_inline]] inline void timeline::put_escaped(char*& p, std::string_view s) {
  const size_t n = s.size();
  const char* from = s.data();
  uint64_t hit = 0;
  if (n >= 8) {
    uint64_t w;
    for (size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&w, from + i, 8);
      std::memcpy(p + i, &w, 8);
      hit |= escapes_in(w);
    }
    std::memcpy(&w, from + n - 8, 8);  // the last eight bytes (overlapping what was copied)
    std::memcpy(p + n - 8, &w, 8);
    hit |= escapes_in(w);
  } else if (n >= 4) {  // the first four and the last four, as one word
    uint32_t head, tail;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + n - 4, 4);
    std::memcpy(p, &head, 4);
    std::memcpy(p + n - 4, &tail, 4);
    hit = escapes_in(head | static_cast<uint64_t>(tail) << 32);
  } else {
    for (size_t i = 0; i < n; ++i) {
      p[i] = from[i];
      hit |= escapes(static_cast<unsigned char>(from[i]));
    }
  }
  if (hit) return escape(p, s);
  p += n;
}

void timeline::escape(char*& p, std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *p++ = '\\', *p++ = c;
    } else if (u < 0x20) {
      put(p, "\\u00");
      *p++ = "0123456789abcdef"[u >> 4];
      *p++ = "0123456789abcdef"[u & 0xf];
    } else {
      *p++ = c;
    }
  }
}

// Microseconds (the format's unit) with nanosecond digits, from ns rounded to an integer.
[[gnu::always_inline]] inline void timeline::put_us(char*& p, double ns) {
  const auto v = static_cast<long long>(ns + (ns < 0 ? -0.5 : 0.5));
  const unsigned long long a = static_cast<unsigned long long>(v < 0 ? -v : v);
  if (v < 0) *p++ = '-';
  p += put_decimal(p, a / 1000);
  std::memcpy(p, fractions[a % 1000].data(), 4);  // ".ddd"
  p += 4;
}

[[gnu::always_inline]] inline void timeline::put_timestamp(char*& p, double ns) {
  if (ns == last_ts_ns_) {
    std::memcpy(p, last_ts_, sizeof last_ts_);  // all of it, in two moves: an event's room covers it
    p += last_ts_len_;
    return;
  }
  char* const from = p;
  put_us(p, ns);
  last_ts_ns_ = ns;
  last_ts_len_ = static_cast<size_t>(p - from);
  std::memcpy(last_ts_, from, sizeof last_ts_);  // a fixed size, two moves (bytes past the text unused)
}

// An event's opening up to its timestamp: name, category, phase (with its own fields), track.
template <size_t N>
inline char* timeline::open_event(std::string_view name, std::string_view category, const char (&phase)[N],
                                  unsigned track) {
  ++events_;
  char* p = begin_event(6 * name.size() + category.size() + event_room);
  put_escaped(p, name);
  put(p, "\",\"cat\":\"");
  copy_short(p, category.data(), category.size());  // the model's own category names
  p += category.size();
  put(p, phase);
  p += put_decimal(p, track);
  put(p, ",\"ts\":");
  return p;
}

void timeline::span(std::string_view name, std::string_view category, unsigned track, double start_ns, double dur_ns) {
  if (!file_ || !wants(start_ns, start_ns + dur_ns)) return;
  char* p = open_event(name, category, "\",\"ph\":\"X\",\"pid\":1,\"tid\":", track);
  put_timestamp(p, start_ns);
  put(p, ",\"dur\":");
  put_us(p, dur_ns);
  *p++ = '}';
  end_event(p);
}

void timeline::instant(std::string_view name, std::string_view category, unsigned track, double at_ns) {
  if (!file_ || !wants(at_ns, at_ns)) return;
  char* p = open_event(name, category, "\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":", track);
  put_timestamp(p, at_ns);
  *p++ = '}';
  end_event(p);
}

void timeline::name_track(unsigned track, std::string_view name) {
  if (!file_) return;
  char* p = begin_event(6 * name.size() + event_room);
  put(p, "thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":");
  p += put_decimal(p, track);
  put(p, ",\"args\":{\"name\":\"");
  put_escaped(p, name);
  put(p, "\"}}");
  end_event(p);
}

void timeline::flush() {
  if (file_ && len_ && std::fwrite(buf_.get(), 1, len_, file_) != len_) failed_ = true;
  len_ = 0;
}

bool timeline::close() {
  if (!file_) return opened_ && !failed_;
  char* p = room(8);
  if (separator_ == '[') *p++ = '[';  // no record: an empty list
  put(p, "\n]}\n");
  len_ = static_cast<size_t>(p - buf_.get());
  flush();
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  return !failed_;
}

}  // namespace vmsim
