#pragma once
// Time source behind an interface so tests can drive time by hand (tests/support/fake_clock.hpp).

#include <cstdint>

namespace fedflow {

/// Wall-clock and monotonic milliseconds. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds since the Unix epoch (what the database stores).
  virtual std::int64_t NowMs() const = 0;
  /// Milliseconds on a monotonic clock (for timeouts and intervals inside one process).
  virtual std::int64_t SteadyMs() const = 0;
};

/// The real clocks of the machine.
class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override;
  std::int64_t SteadyMs() const override;
  /// Process-wide instance (stateless).
  static SystemClock& Instance();
};

}  // namespace fedflow
