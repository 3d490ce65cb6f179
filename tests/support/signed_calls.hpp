#pragma once
// Raw interconnect requests for attack tests: posted without the party client, optionally signed
// as any party with any key (a partner's real key, or a forged one).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "service/http/http_client.hpp"
#include "service/security/signing_key.hpp"
#include "tests/support/federation.hpp"

namespace fedflow::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// POSTs `body` to `path` at the server on `port` with exactly `headers`.
StatusOr<http::ClientResponse> Raw(http::HttpClient& client, std::uint16_t port, const std::string& path,
                                   const std::string& body, Headers headers = {},
                                   const std::string& content_type = "application/json");

/// Site-signature headers for a POST of `body` to `path` by `party` with `key`.
Headers SignAs(const std::string& party, const security::SigningKey& key, const Clock& clock, const std::string& path,
               const std::string& body);

/// The site key of a party of `f` (site authentication on).
security::SigningKey KeyOf(Federation& f, const std::string& party);

/// POSTs `body` to `path` at server `to`, signed as party `as` with its real key.
StatusOr<http::ClientResponse> PostAs(Federation& f, http::HttpClient& client, const std::string& as,
                                      const std::string& to, const std::string& path, const std::string& body,
                                      const std::string& content_type = "application/json");

bool Has(const std::string& text, const std::string& part);
/// True when one line of `text` contains both parts.
bool LineHasBoth(const std::string& text, const std::string& a, const std::string& b);

}  // namespace fedflow::testing
