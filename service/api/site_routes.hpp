#pragma once
// This party's partners as the board shows them: /v2/site/partners asks each configured partner
// for a signed /v2/partner/ping, once and with a short timeout, so an unreachable partner answers
// "unreachable" within seconds instead of holding the page for the scheduler's retries.

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "service/http/router.hpp"
#include "service/interconnect/party_client.hpp"

namespace fedflow::api {

/// A configured partner, as the page may show it (no key material).
struct PartnerEntry {
  std::string party_id;
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;
};

/// Registers /v2/partner/ping (interconnect) and /v2/site/partners (application). `probe` sends
/// one attempt per partner with a short timeout.
void RegisterSiteRoutes(http::Router& router, const std::string& party_id, const std::string& version,
                        std::vector<PartnerEntry> partners, interconnect::PartyClient& probe, const Clock& clock);

}  // namespace fedflow::api
