#include "base/ids.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>

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
  std::string out;
  out.reserve(n_bytes * 2);
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  for (std::size_t i = 0; i < n_bytes; ++i) {
    unsigned char b = 0;
    if (urandom) {
      urandom.read(reinterpret_cast<char*>(&b), 1);
    } else {
      static thread_local std::mt19937_64 rng{std::random_device{}()};
      b = static_cast<unsigned char>(rng());
    }
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool IsSafeIdentifier(const std::string& s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return s != "." && s != "..";
}

}  // namespace fedflow
