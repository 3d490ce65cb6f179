#pragma once
// FATE-Flow 2.x server routes beyond version/health: this party's instances (/v2/server/fateflow),
// the third-party server registry (/v2/server/query|registry|delete, /v2/server/service/...),
// /v2/site/info/query, and /v2/server/api (the route table itself).

#include <string>

#include "base/clock.hpp"
#include "orm/registry_repository.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

/// `site_public_key`: this party's Ed25519 public key (PEM), shown by /v2/site/info/query so
/// partners can add it to their route tables.
void RegisterRegistryRoutes(http::Router& router, const std::string& party_id, const std::string& site_public_key,
                            orm::RegistryRepository& registry, const Clock& clock);
/// Registers GET /v2/server/api listing every route of `router` (call it last).
void RegisterApiListing(http::Router& router);

}  // namespace fedflow::api
