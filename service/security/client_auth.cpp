#include "service/security/client_auth.hpp"

#include "base/ids.hpp"
#include "service/security/signing_key.hpp"

namespace fedflow::security {

namespace {

std::string SigningString(const std::string& timestamp, const std::string& nonce, const std::string& app_key,
                          const std::string& target, const std::string& body) {
  return timestamp + "\n" + nonce + "\n" + app_key + "\n" + target + "\n" + body;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ClientAuthHeaders(const std::string& app_key, const std::string& secret,
                                                                   const std::string& target, const std::string& body,
                                                                   std::int64_t now_ms) {
  std::string timestamp = std::to_string(now_ms);
  std::string nonce = RandomHex(8);
  std::string signature = Base64Encode(HmacSha1(secret, SigningString(timestamp, nonce, app_key, target, body)));
  return {{"TIMESTAMP", timestamp}, {"NONCE", nonce}, {"APP_KEY", app_key}, {"SIGNATURE", signature}};
}

Status ClientVerifier::CheckFresh(const std::string& app, const std::string& timestamp, const std::string& nonce) const {
  if (timestamp.empty() || timestamp.size() > 15 || timestamp.find_first_not_of("0123456789") != std::string::npos) {
    return UnauthenticatedError("malformed timestamp header: milliseconds since the epoch expected");
  }
  std::int64_t ts = std::stoll(timestamp);
  std::int64_t now = clock_.NowMs();
  if ((now > ts ? now - ts : ts - now) > max_skew_ms_) {
    return Status(StatusCode::kUnauthenticated, "request timestamp is too far from this server's clock (limit " +
                                                    std::to_string(max_skew_ms_ / 1000) + " s)")
        .set_api_code(ApiCode::kSignatureExpired);
  }
  if (nonce.empty() || nonce.size() > 64 || !IsSafeIdentifier(nonce, 64)) return UnauthenticatedError("malformed nonce header");
  auto fresh = nonces_.Remember("app:" + app, nonce, ts + 2 * max_skew_ms_, now);
  if (!fresh.ok()) return UnavailableError("cannot record the nonce: " + fresh.status().message());
  if (!*fresh) return UnauthenticatedError("replayed request: nonce " + nonce + " was seen before");
  return Status::OK();
}

Status ClientVerifier::Verify(const http::HttpRequest& r) const {
  const std::string& app_key = r.Header("app_key");
  if (app_key.empty() && !r.Header("appid").empty()) return VerifyFate2(r);
  const std::string& timestamp = r.Header("timestamp");
  const std::string& nonce = r.Header("nonce");
  const std::string& signature = r.Header("signature");
  if (timestamp.empty() || nonce.empty() || app_key.empty() || signature.empty()) {
    return UnauthenticatedError("client authentication is on: sign requests with TIMESTAMP, NONCE, APP_KEY and "
                                "SIGNATURE headers (the fedflow CLI does when given app_id and app_secret)");
  }
  auto secret = secrets_.find(app_key);
  if (secret == secrets_.end()) {
    return Status(StatusCode::kUnauthenticated, "unknown app '" + app_key.substr(0, 64) + "'").set_api_code(ApiCode::kAppNotFound);
  }
  std::string expected = Base64Encode(HmacSha1(secret->second, SigningString(timestamp, nonce, app_key, r.target, r.body)));
  if (!SecureEquals(expected, signature)) {
    return Status(StatusCode::kUnauthenticated, "bad SIGNATURE for app '" + app_key + "'").set_api_code(ApiCode::kSignatureInvalid);
  }
  return CheckFresh(app_key, timestamp, nonce);
}

Status ClientVerifier::VerifyFate2(const http::HttpRequest& r) const {
  const std::string& app_id = r.Header("appid");
  const std::string& user = r.Header("username");
  const std::string& timestamp = r.Header("timestamp");
  const std::string& nonce = r.Header("nonce");
  const std::string& signature = r.Header("signature");
  if (timestamp.empty() || nonce.empty() || signature.empty()) {
    return UnauthenticatedError("client authentication is on: FATE-Flow 2.x clients send appId, Timestamp, Nonce "
                                "and Signature headers");
  }
  auto secret = secrets_.find(app_id);
  if (secret == secrets_.end()) {
    return Status(StatusCode::kUnauthenticated, "unknown app '" + app_id.substr(0, 64) + "'").set_api_code(ApiCode::kAppNotFound);
  }
  std::string expected = Md5Hex(Md5Hex(app_id + user + nonce + timestamp) + secret->second);
  if (!SecureEquals(expected, signature)) {
    return Status(StatusCode::kUnauthenticated, "bad Signature for app '" + app_id + "'").set_api_code(ApiCode::kSignatureInvalid);
  }
  return CheckFresh(app_id, timestamp, nonce);
}

}  // namespace fedflow::security
