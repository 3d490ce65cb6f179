#pragma once
// Client authentication of application requests, compatible with FATE-Flow clients:
//  - 1.x (preferred: binds path and body): headers TIMESTAMP (ms), NONCE, APP_KEY, SIGNATURE =
//    base64(HMAC-SHA1(secret, TIMESTAMP "\n" NONCE "\n" APP_KEY "\n" <path+query> "\n" <body>));
//  - 2.x: headers appId, userName, Timestamp, Nonce, Signature =
//    md5_hex(md5_hex(appId + userName + nonce + timestamp) + secret) (does not cover the request).
// Both refuse a timestamp beyond the allowed skew and a nonce seen before. The `fedflow` CLI
// signs the 1.x way when it has an app id and secret.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "service/http/http_types.hpp"
#include "service/security/nonce_store.hpp"

namespace fedflow::security {

/// The headers a client sends for `target` and `body`.
std::vector<std::pair<std::string, std::string>> ClientAuthHeaders(const std::string& app_key, const std::string& secret,
                                                                   const std::string& target, const std::string& body,
                                                                   std::int64_t now_ms);

/// Checks application requests against the registered apps. Thread-safe.
class ClientVerifier final {
 public:
  ClientVerifier(std::map<std::string, std::string> app_secrets, NonceStore& nonces, const Clock& clock,
                 std::int64_t max_skew_ms)
      : secrets_(std::move(app_secrets)), nonces_(nonces), clock_(clock), max_skew_ms_(max_skew_ms) {}
  /// OK, or Unauthenticated with the reason.
  Status Verify(const http::HttpRequest& request) const;

 private:
  Status VerifyFate2(const http::HttpRequest& request) const;
  /// Skew and replay checks shared by both schemes.
  Status CheckFresh(const std::string& app, const std::string& timestamp, const std::string& nonce) const;

  std::map<std::string, std::string> secrets_;
  NonceStore& nonces_;
  const Clock& clock_;
  std::int64_t max_skew_ms_;
};

}  // namespace fedflow::security
