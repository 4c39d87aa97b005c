#include "vmsim/common/timeline.h"

#include <fmt/compile.h>

namespace vmsim {

namespace {
constexpr size_t flush_at = 1 << 16;  // bytes buffered before a write
}

timeline::timeline(const std::string& path, double window_start_ns, double window_end_ns)
    : file_(std::fopen(path.c_str(), "w")), opened_(file_ != nullptr), from_ns_(window_start_ns), to_ns_(window_end_ns) {
  buf_.reserve(flush_at + 512);
  put("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
}

timeline::~timeline() { close(); }

void timeline::put(std::string_view s) { buf_.append(s.data(), s.data() + s.size()); }

void timeline::begin_event() { put(records_++ ? ",\n{" : "\n{"); }

void timeline::append_escaped(std::string_view s) {
  bool plain_only = true;  // the model's labels never need escaping: look once, branch-free, then copy whole
  for (const char c : s) plain_only &= c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
  if (plain_only) return put(s);
  size_t plain = 0;  // runs without a character to escape are copied whole
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    put(s.substr(plain, i - plain));
    if (c == '"' || c == '\\') buf_.push_back('\\'), buf_.push_back(c);
    else fmt::format_to(std::back_inserter(buf_), FMT_COMPILE("\\u{:04x}"), static_cast<unsigned>(c));
    plain = i + 1;
  }
  put(s.substr(plain));
}

namespace {
// Microseconds (the format's unit) with nanosecond digits, from integer ns: integer formatting only.
void append_us(fmt::memory_buffer& buf, double ns) {
  const auto v = static_cast<long long>(ns + (ns < 0 ? -0.5 : 0.5));
  const unsigned long long a = static_cast<unsigned long long>(v < 0 ? -v : v);
  fmt::format_to(std::back_inserter(buf), FMT_COMPILE("{}{}.{:03}"), v < 0 ? "-" : "", a / 1000, a % 1000);
}
}  // namespace

void timeline::span(std::string_view name, const char* category, unsigned track, double start_ns, double dur_ns) {
  if (!file_ || !wants(start_ns, start_ns + dur_ns)) return;
  ++events_;
  begin_event();
  put("\"name\":\"");
  append_escaped(name);
  fmt::format_to(std::back_inserter(buf_), FMT_COMPILE("\",\"cat\":\"{}\",\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":"), category, track);
  append_us(buf_, start_ns);
  put(",\"dur\":");
  append_us(buf_, dur_ns);
  buf_.push_back('}');
  if (buf_.size() >= flush_at) flush();
}

void timeline::instant(std::string_view name, const char* category, unsigned track, double at_ns) {
  if (!file_ || !wants(at_ns, at_ns)) return;
  ++events_;
  begin_event();
  put("\"name\":\"");
  append_escaped(name);
  fmt::format_to(std::back_inserter(buf_), FMT_COMPILE("\",\"cat\":\"{}\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{},\"ts\":"), category, track);
  append_us(buf_, at_ns);
  buf_.push_back('}');
  if (buf_.size() >= flush_at) flush();
}

void timeline::name_track(unsigned track, std::string_view name) {
  if (!file_) return;
  begin_event();
  fmt::format_to(std::back_inserter(buf_), "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{},\"args\":{{\"name\":\"", track);
  append_escaped(name);
  put("\"}}");
}

void timeline::flush() {
  if (file_ && buf_.size() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
  buf_.clear();
}

bool timeline::close() {
  if (!file_) return opened_ && !failed_;
  put("\n]}\n");
  flush();
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  return !failed_;
}

}  // namespace vmsim
