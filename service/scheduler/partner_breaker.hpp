#pragma once
// A circuit breaker per partner: a party that did not answer is not called again until a short
// pause has passed, so one unreachable partner costs one timeout, not one per job per tick. The
// calls it skips are answered as "unreachable" at once; the partner grace period decides what
// that means for a job, exactly as for a real failed call.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.hpp"

namespace fedflow::sched {

/// Thread-safe.
class PartnerBreaker final {
 public:
  /// After a failure a party is skipped for `pause_ms`, doubling per consecutive failure up to
  /// `max_pause_ms`. `pause_ms` 0 disables the breaker.
  PartnerBreaker(const Clock& clock, std::int64_t pause_ms, std::int64_t max_pause_ms);

  /// True when a call to `party` should be made now.
  bool Allow(const std::string& party);
  /// The outcome of a call: reached (any answer) or not.
  void Record(const std::string& party, bool reached);
  /// Why calls to `party` are skipped ("" when they are not).
  std::string WhyOpen(const std::string& party);

 private:
  struct State {
    int failures = 0;
    std::int64_t open_until_ms = 0;
  };
  const Clock& clock_;
  const std::int64_t pause_ms_;
  const std::int64_t max_pause_ms_;
  std::mutex mutex_;
  std::map<std::string, State> states_;
};

}  // namespace fedflow::sched
