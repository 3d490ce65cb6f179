#pragma once
// Nonces kept in the party's database (ff_nonce): shared by every instance of the party (HA), so
// a request replayed to another instance is refused too, and they survive restarts.

#include "orm/security_repository.hpp"
#include "service/security/nonce_store.hpp"

namespace fedflow::security {

class DatabaseNonceStore final : public NonceStore {
 public:
  explicit DatabaseNonceStore(orm::NonceRepository& nonces) : nonces_(nonces) {}
  StatusOr<bool> Remember(const std::string& sender, const std::string& nonce, std::int64_t expires_ms,
                          std::int64_t now_ms) override {
    return nonces_.Remember(sender, nonce, expires_ms);
  }

 private:
  orm::NonceRepository& nonces_;
};

}  // namespace fedflow::security
