#pragma once
// The router's guard (http::Router::SetGuard): which proof each layer of routes needs.
//   interconnect  -> a site signature (when site authentication is on)
//   application, compat-1.x -> a client signature (when client authentication is on), except
//                    the health probe
//   worker        -> nothing here: those routes check the per-attempt token themselves
// In-process requests (this server calling itself) carry no proof and need none. Every
// interconnect command, accepted or rejected, is one line of the audit log.

#include <memory>
#include <set>
#include <string>

#include "base/status.hpp"
#include "service/http/router.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/site_auth.hpp"

namespace fedflow::security {

struct GuardOptions {
  const SiteVerifier* site = nullptr;      ///< null: site authentication off
  const ClientVerifier* client = nullptr;  ///< null: client authentication off
  /// Interconnect paths whose accepted calls are not audited (status polls, scheduling hints:
  /// several per second per job); their rejections still are.
  std::set<std::string> quiet_paths;
};

class RequestGuard final {
 public:
  explicit RequestGuard(GuardOptions options) : options_(std::move(options)) {}
  Status Check(const http::HttpRequest& request, const http::RouteDoc& route) const;

 private:
  GuardOptions options_;
};

}  // namespace fedflow::security
