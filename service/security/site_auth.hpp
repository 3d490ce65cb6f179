#pragma once
// Site authentication of interconnect requests. The sender signs, with its
// Ed25519 key:
//   "fedflow-site-v1\n<METHOD>\n<target>\n<sha256 of body>\n<party id>\n<timestamp ms>\n<nonce>"
// and sends X-Fedflow-Src-Party, -Timestamp, -Nonce, -Body-Sha256 and -Signature (base64).
// The receiver refuses, with the reason: an unsigned request, an unknown party, a timestamp off
// by more than the allowed skew, a body that does not match its digest (altered in transit),
// a bad signature, and a nonce seen before (replay).

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "service/http/http_types.hpp"
#include "service/security/nonce_store.hpp"
#include "service/security/signing_key.hpp"

namespace fedflow::security {

/// Adds the signature headers to an outgoing request of `party_id`.
class SiteSigner final {
 public:
  SiteSigner(std::string party_id, SigningKey key, const Clock& clock)
      : party_id_(std::move(party_id)), key_(std::move(key)), clock_(clock) {}
  void Sign(const std::string& method, const std::string& target, const std::string& body,
            std::vector<std::pair<std::string, std::string>>* headers) const;
  /// The same for a body whose SHA-256 (lower-case hex) the caller has already checked.
  void SignDigest(const std::string& method, const std::string& target, const std::string& body_sha256,
                  std::vector<std::pair<std::string, std::string>>* headers) const;

 private:
  std::string party_id_;
  SigningKey key_;
  const Clock& clock_;
};

/// Checks incoming interconnect requests against the partners' public keys. Thread-safe.
class SiteVerifier final {
 public:
  SiteVerifier(std::map<std::string, SigningKey> partner_keys, NonceStore& nonces, const Clock& clock,
               std::int64_t max_skew_ms)
      : keys_(std::move(partner_keys)), nonces_(nonces), clock_(clock), max_skew_ms_(max_skew_ms) {}
  /// OK, or Unauthenticated with the reason.
  Status Verify(const http::HttpRequest& request) const;

 private:
  std::map<std::string, SigningKey> keys_;
  NonceStore& nonces_;
  const Clock& clock_;
  std::int64_t max_skew_ms_;
};

/// The string a site signature covers.
std::string SiteSigningString(const std::string& method, const std::string& target, const std::string& body_sha256,
                              const std::string& party_id, const std::string& timestamp, const std::string& nonce);

}  // namespace fedflow::security
