#pragma once
// Operator-controlled state of one server instance: draining (no new work starts here; what
// runs finishes). In memory: a restarted instance is not draining.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace fedflow::state {

/// Thread-safe.
class ServerState final {
 public:
  /// Starts or ends draining; `reason` is shown to whoever is refused.
  void SetDraining(bool draining, const std::string& reason, std::int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    draining_ = draining;
    reason_ = draining ? reason : "";
    since_ms_ = draining ? now_ms : 0;
  }
  bool draining() const { return draining_.load(); }
  std::string reason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reason_;
  }
  std::int64_t since_ms() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return since_ms_;
  }

 private:
  std::atomic<bool> draining_{false};
  mutable std::mutex mutex_;
  std::string reason_;
  std::int64_t since_ms_ = 0;
};

}  // namespace fedflow::state
