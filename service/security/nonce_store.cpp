#include "service/security/nonce_store.hpp"

#include <iterator>

namespace fedflow::security {

StatusOr<bool> MemoryNonceStore::Remember(const std::string& sender, const std::string& nonce, std::int64_t expires_ms,
                                          std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (seen_.size() > 100000) {
    for (auto it = seen_.begin(); it != seen_.end();) it = it->second < now_ms ? seen_.erase(it) : std::next(it);
  }
  return seen_.emplace(std::make_pair(sender, nonce), expires_ms).second;
}

}  // namespace fedflow::security
