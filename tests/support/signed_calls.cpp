#include "tests/support/signed_calls.hpp"

#include <boost/test/unit_test.hpp>

#include "service/security/site_auth.hpp"

namespace fedflow::testing {

StatusOr<http::ClientResponse> Raw(http::HttpClient& client, std::uint16_t port, const std::string& path,
                                   const std::string& body, Headers headers, const std::string& content_type) {
  http::ClientRequest r;
  r.content_type = content_type;
  r.method = "POST";
  r.port = port;
  r.target = path;
  r.body = body;
  r.headers = std::move(headers);
  r.timeout_ms = 10000;
  return client.Call(r);
}

Headers SignAs(const std::string& party, const security::SigningKey& key, const Clock& clock, const std::string& path,
               const std::string& body) {
  security::SiteSigner signer(party, key, clock);
  Headers headers;
  signer.Sign("POST", path, body, &headers);
  return headers;
}

security::SigningKey KeyOf(Federation& f, const std::string& party) {
  auto key = security::SigningKey::LoadOrCreatePrivate(f.PrivateKeyOf(party));
  BOOST_REQUIRE(key.ok());
  return std::move(key).value();
}

StatusOr<http::ClientResponse> PostAs(Federation& f, http::HttpClient& client, const std::string& as,
                                      const std::string& to, const std::string& path, const std::string& body,
                                      const std::string& content_type) {
  return Raw(client, f.PortOf(to), path, body, SignAs(as, KeyOf(f, as), SystemClock::Instance(), path, body),
             content_type);
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool LineHasBoth(const std::string& text, const std::string& a, const std::string& b) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (Has(line, a) && Has(line, b)) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace fedflow::testing
