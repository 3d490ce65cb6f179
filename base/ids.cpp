#include "base/ids.hpp"

#include <sys/random.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

namespace fedflow {

std::string NewJobId(std::int64_t now_ms) {
  // A counter rather than the microseconds alone: two submits in one millisecond stay distinct.
  static std::atomic<std::uint32_t> counter{0};
  std::time_t secs = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm_local{};
  localtime_r(&secs, &tm_local);
  char buf[64];
  std::uint32_t n = counter.fetch_add(1) % 10000;
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02d%03lld%04u", tm_local.tm_year + 1900,
                tm_local.tm_mon + 1, tm_local.tm_mday, tm_local.tm_hour, tm_local.tm_min, tm_local.tm_sec,
                static_cast<long long>(now_ms % 1000), n);
  return buf;
}

std::string RandomHex(std::size_t n_bytes) {
  static const char* kHex = "0123456789abcdef";
  // One getrandom(2) call: the kernel CSPRNG without opening /dev/urandom for every token.
  std::vector<unsigned char> bytes(n_bytes);
  std::size_t filled = 0;
  while (filled < n_bytes) {
    ssize_t got = ::getrandom(bytes.data() + filled, n_bytes - filled, 0);
    if (got > 0) {
      filled += static_cast<std::size_t>(got);
    } else if (got < 0 && errno != EINTR) {
      break;
    }
  }
  if (filled < n_bytes) {
    std::random_device device;  // libstdc++'s is backed by the same kernel source
    for (; filled < n_bytes; ++filled) bytes[filled] = static_cast<unsigned char>(device());
  }
  std::string out;
  out.reserve(n_bytes * 2);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool IsSafeIdentifier(const std::string& s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len || s[0] == '.') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return s.find("..") == std::string::npos;
}

bool IsJobId(const std::string& s) {
  if (s.size() < 16 || s.size() > 32) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace fedflow
