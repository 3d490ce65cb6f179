#include "service/security/site_auth.hpp"

#include "base/ids.hpp"

namespace fedflow::security {

std::string SiteSigningString(const std::string& method, const std::string& target, const std::string& body_sha256,
                              const std::string& party_id, const std::string& timestamp, const std::string& nonce) {
  return "fedflow-site-v1\n" + method + "\n" + target + "\n" + body_sha256 + "\n" + party_id + "\n" + timestamp +
         "\n" + nonce;
}

void SiteSigner::Sign(const std::string& method, const std::string& target, const std::string& body,
                      std::vector<std::pair<std::string, std::string>>* headers) const {
  SignDigest(method, target, Sha256Hex(body), headers);
}

void SiteSigner::SignDigest(const std::string& method, const std::string& target, const std::string& digest,
                            std::vector<std::pair<std::string, std::string>>* headers) const {
  std::string timestamp = std::to_string(clock_.NowMs());
  std::string nonce = RandomHex(16);
  auto signature = key_.Sign(SiteSigningString(method, target, digest, party_id_, timestamp, nonce));
  // The party id header may already be there (the party client always names itself).
  bool has_party = false;
  for (const auto& h : *headers) has_party = has_party || h.first == "X-Fedflow-Src-Party";
  if (!has_party) headers->emplace_back("X-Fedflow-Src-Party", party_id_);
  headers->emplace_back("X-Fedflow-Timestamp", timestamp);
  headers->emplace_back("X-Fedflow-Nonce", nonce);
  headers->emplace_back("X-Fedflow-Body-Sha256", digest);
  if (signature.ok()) headers->emplace_back("X-Fedflow-Signature", Base64Encode(*signature));
}

Status SiteVerifier::Verify(const http::HttpRequest& r) const {
  const std::string& party = r.Header("x-fedflow-src-party");
  const std::string& signature_b64 = r.Header("x-fedflow-signature");
  const std::string& timestamp = r.Header("x-fedflow-timestamp");
  const std::string& nonce = r.Header("x-fedflow-nonce");
  const std::string& digest = r.Header("x-fedflow-body-sha256");
  if (signature_b64.empty() || party.empty() || timestamp.empty() || nonce.empty() || digest.empty()) {
    return UnauthenticatedError("unsigned request: interconnect calls must carry the X-Fedflow-Src-Party, "
                                "-Timestamp, -Nonce, -Body-Sha256 and -Signature headers");
  }
  auto key = keys_.find(party);
  if (key == keys_.end()) return UnauthenticatedError("unknown party '" + party.substr(0, 64) + "': no public key in partners");
  if (timestamp.size() > 15 || timestamp.find_first_not_of("0123456789") != std::string::npos) {
    return UnauthenticatedError("malformed X-Fedflow-Timestamp");
  }
  std::int64_t ts = std::stoll(timestamp);
  std::int64_t now = clock_.NowMs();
  std::int64_t skew = now > ts ? now - ts : ts - now;
  if (skew > max_skew_ms_) {
    return UnauthenticatedError("request timestamp is " + std::to_string(skew / 1000) + " s away from this server's clock (limit " +
                                std::to_string(max_skew_ms_ / 1000) + " s)");
  }
  if (nonce.size() < 8 || nonce.size() > 64 || !IsSafeIdentifier(nonce, 64)) {
    return UnauthenticatedError("malformed X-Fedflow-Nonce");
  }
  if (!SecureEquals(digest, Sha256Hex(r.body))) {
    return UnauthenticatedError("body altered in transit: its SHA-256 does not match X-Fedflow-Body-Sha256");
  }
  auto signature = Base64Decode(signature_b64);
  if (!signature.ok() ||
      !key->second.Verify(SiteSigningString(r.method, r.target, digest, party, timestamp, nonce), *signature)) {
    return UnauthenticatedError("bad signature from party '" + party + "'");
  }
  auto fresh = nonces_.Remember(party, nonce, ts + 2 * max_skew_ms_, now);
  if (!fresh.ok()) return UnavailableError("cannot record the nonce: " + fresh.status().message());
  if (!*fresh) return UnauthenticatedError("replayed request: nonce " + nonce + " from party " + party + " was seen before");
  return Status::OK();
}

}  // namespace fedflow::security
