#pragma once
// Remembers nonces until they expire, so a captured signed request cannot be replayed.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "base/status.hpp"

namespace fedflow::security {

/// Thread-safe.
class NonceStore {
 public:
  virtual ~NonceStore() = default;
  /// Records (sender, nonce) until `expires_ms`; false when it was already recorded (a replay).
  virtual StatusOr<bool> Remember(const std::string& sender, const std::string& nonce, std::int64_t expires_ms,
                                  std::int64_t now_ms) = 0;
};

/// In one process only (tests, fuzzing, a single-instance party).
class MemoryNonceStore final : public NonceStore {
 public:
  StatusOr<bool> Remember(const std::string& sender, const std::string& nonce, std::int64_t expires_ms,
                          std::int64_t now_ms) override;

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::int64_t> seen_;
};

}  // namespace fedflow::security
