#pragma once
// /v2/server/version and /v2/server/health.

#include <cstdint>
#include <functional>
#include <string>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

/// What the server routes report about this server.
struct ServerIdentity {
  std::string party_id;
  std::string instance_id;
  std::string version;          ///< fedflow version, e.g. "0.1.0"
  std::string database_engine;  ///< "sqlite" or "mysql"
  std::int64_t schema_version = 0;
  std::int64_t started_ms = 0;
};

/// Registers the server routes. `probe_database` is called by health (Unavailable -> 503).
void RegisterServerRoutes(http::Router& router, const ServerIdentity& identity, const Clock& clock,
                          std::function<Status()> probe_database);

}  // namespace fedflow::api
