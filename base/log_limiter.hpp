#pragma once
// Rate limiting for log lines that can flood: a warning repeated every scheduler tick, or one
// line per rejected request under attack. Each key gets a small budget of lines per interval;
// what is held back is counted and reported with the next line that passes, so a reader sees
// how much was suppressed without the flood itself.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.hpp"

namespace fedflow::log {

/// Thread-safe. Keys should come from a bounded set (a route, "job_id/condition"); the oldest
/// keys are forgotten beyond `max_keys`.
class LogLimiter final {
 public:
  /// Lets `burst` lines per key through per `interval_ms`.
  LogLimiter(const Clock& clock, std::int64_t interval_ms, std::size_t burst = 1, std::size_t max_keys = 4096);

  /// True when a line for `key` may be written now. When true, `*suppressed` is the number of
  /// lines for `key` held back since the last one written (0 usually).
  bool Allow(const std::string& key, std::uint64_t* suppressed);

  /// " (N similar lines suppressed)" for N > 0, else "" (for the end of a message).
  static std::string Note(std::uint64_t suppressed);

 private:
  struct Budget {
    std::int64_t window_start_ms = 0;
    std::size_t used = 0;
    std::uint64_t held_back = 0;
  };
  const Clock& clock_;
  const std::int64_t interval_ms_;
  const std::size_t burst_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::map<std::string, Budget> budgets_;
};

}  // namespace fedflow::log

// Writes the line when the limiter allows it, with the count of suppressed lines appended:
//   FF_LOG_LIMITED(limiter, key, warn, "scheduler", "job_id={} party={} silent", id, party);
#define FF_LOG_LIMITED(limiter, key, level, logger, fmt, ...)                                 \
  do {                                                                                       \
    std::uint64_t ff_suppressed_ = 0;                                                        \
    if ((limiter).Allow((key), &ff_suppressed_)) {                                           \
      ::fedflow::log::Get(logger)->level(fmt "{}", __VA_ARGS__,                              \
                                         ::fedflow::log::LogLimiter::Note(ff_suppressed_));  \
    }                                                                                        \
  } while (false)
