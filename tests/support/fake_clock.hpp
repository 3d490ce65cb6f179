#pragma once
// A Clock whose time moves only when a test says so.

#include <atomic>
#include <cstdint>

#include "base/clock.hpp"

namespace fedflow::testing {

/// Starts at a fixed wall time; `Advance` moves wall and monotonic time together. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1700000000000) : now_ms_(start_ms), steady_ms_(1000) {}
  std::int64_t NowMs() const override { return now_ms_.load(); }
  std::int64_t SteadyMs() const override { return steady_ms_.load(); }
  void Advance(std::int64_t ms) {
    now_ms_ += ms;
    steady_ms_ += ms;
  }

 private:
  std::atomic<std::int64_t> now_ms_;
  std::atomic<std::int64_t> steady_ms_;
};

}  // namespace fedflow::testing
