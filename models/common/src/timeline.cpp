#include "vmsim/common/timeline.h"

#include <fmt/format.h>

namespace vmsim {

namespace {
constexpr size_t flush_at = 1 << 16;  // bytes buffered before a write
}

timeline::timeline(const std::string& path, double window_start_ns, double window_end_ns)
    : file_(std::fopen(path.c_str(), "w")), opened_(file_ != nullptr), from_ns_(window_start_ns), to_ns_(window_end_ns) {
  buf_.reserve(flush_at + 512);
  buf_ += "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
}

timeline::~timeline() { close(); }

void timeline::begin_event() {
  buf_ += records_++ ? ",\n{" : "\n{";
}

void timeline::append_escaped(std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\') buf_ += '\\', buf_ += c;
    else if (static_cast<unsigned char>(c) < 0x20) fmt::format_to(std::back_inserter(buf_), "\\u{:04x}", static_cast<unsigned>(c));
    else buf_ += c;
  }
}

// Times in microseconds (the format's unit) with nanosecond digits: the model's resolution of interest.
void timeline::span(std::string_view name, const char* category, unsigned track, double start_ns, double dur_ns) {
  if (!file_ || !wants(start_ns, start_ns + dur_ns)) return;
  ++events_;
  begin_event();
  buf_ += "\"name\":\"";
  append_escaped(name);
  fmt::format_to(std::back_inserter(buf_), "\",\"cat\":\"{}\",\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{:.3f},\"dur\":{:.3f}}}",
                 category, track, start_ns / 1000.0, dur_ns / 1000.0);
  if (buf_.size() >= flush_at) flush();
}

void timeline::instant(std::string_view name, const char* category, unsigned track, double at_ns) {
  if (!file_ || !wants(at_ns, at_ns)) return;
  ++events_;
  begin_event();
  buf_ += "\"name\":\"";
  append_escaped(name);
  fmt::format_to(std::back_inserter(buf_), "\",\"cat\":\"{}\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{},\"ts\":{:.3f}}}",
                 category, track, at_ns / 1000.0);
  if (buf_.size() >= flush_at) flush();
}

void timeline::name_track(unsigned track, std::string_view name) {
  if (!file_) return;
  begin_event();
  fmt::format_to(std::back_inserter(buf_), "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{},\"args\":{{\"name\":\"", track);
  append_escaped(name);
  buf_ += "\"}}";
}

void timeline::flush() {
  if (file_ && !buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
  buf_.clear();
}

bool timeline::close() {
  if (!file_) return opened_ && !failed_;
  buf_ += "\n]}\n";
  flush();
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  return !failed_;
}

}  // namespace vmsim
