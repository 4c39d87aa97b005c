#include "files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "scenario.h"

namespace fs = std::filesystem;

namespace vmsim::app {

fs::path executable_path() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error(fmt::format("cannot find this executable (/proc/self/exe): {}", ec.message()));
  return p;
}

namespace {
constexpr const char* marker = "cost-profiles.json";  // a data directory holds at least the cost profiles

fs::path find_data_dir() {
  if (const char* env = std::getenv("VMSIM_DATA_DIR"); env && *env) {
    std::error_code ec;
    if (!fs::is_directory(env, ec)) throw scenario_error(fmt::format("VMSIM_DATA_DIR: '{}' is not a directory", env));
    return env;
  }
  const fs::path bin = executable_path().parent_path();
  const fs::path candidates[] = {bin.parent_path() / "share" / "vmsim", bin / "vmsim-data"};
  for (const auto& dir : candidates) {
    std::error_code ec;
    if (fs::exists(dir / marker, ec)) return dir;
  }
  throw std::runtime_error(fmt::format("no data directory: neither '{}' nor '{}' holds {} (set VMSIM_DATA_DIR)",
                                       candidates[0].string(), candidates[1].string(), marker));
}
}  // namespace

fs::path data_dir() {
  static const fs::path dir = find_data_dir();
  return dir;
}

fs::path data_file(const std::string& name) { return data_dir() / name; }

void check_writable_file(const std::string& what, const std::string& path) {
  const auto fail = [&](const std::string& why) {
    throw scenario_error(fmt::format("{}: cannot write '{}': {}", what, path, why));
  };
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail("it is a directory");
  bool created = true;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST) {  // an existing file is opened, not truncated: a run that fails keeps it
    created = false;
    fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  }
  if (fd < 0) {
    const int e = errno;
    const fs::path parent = fs::absolute(path, ec).parent_path();
    if (e == ENOENT && !fs::exists(parent, ec)) fail(fmt::format("the directory '{}' does not exist", parent.string()));
    fail(std::strerror(e));
  }
  close(fd);
  if (created) unlink(path.c_str());
}

void check_output_dir(const std::string& what, const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw scenario_error(fmt::format("{}: '{}' exists and is not a directory", what, dir));
  fs::create_directories(dir, ec);
  if (ec) throw scenario_error(fmt::format("{}: cannot create '{}': {}", what, dir, ec.message()));
  std::string probe = (fs::path(dir) / ".vmsim-write-check-XXXXXX").string();
  const int fd = mkstemp(probe.data());
  if (fd < 0) throw scenario_error(fmt::format("{}: cannot create a file in '{}': {}", what, dir, std::strerror(errno)));
  close(fd);
  unlink(probe.c_str());
}

}  // namespace vmsim::app
