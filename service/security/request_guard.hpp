#pragma once
// The router's guard (http::Router::SetGuard) and observer (SetObserver): which proof each layer
// of routes needs, and the access line that states what became of each request.
//   interconnect  -> a site signature (when site authentication is on)
//   application, compat-1.x -> a client signature (when client authentication is on), except
//                    the health probe
//   worker        -> nothing here: those routes check the per-attempt token themselves
// In-process requests (this server calling itself) carry no proof and need none.
//
// Every interconnect request gets one line in access.log after it was answered, with its real
// outcome (a signed command refused by the job's own checks is "rejected" with that reason).
// Lines are rate-limited per route and outcome, with counts of what was suppressed, so a flood
// neither fills the disk nor hides anything: security actions are in audit.log, apart.

#include <memory>
#include <set>
#include <string>

#include "base/clock.hpp"
#include "base/log_limiter.hpp"
#include "base/status.hpp"
#include "service/http/router.hpp"
#include "service/security/client_auth.hpp"
#include "service/security/site_auth.hpp"

namespace fedflow::security {

struct GuardOptions {
  const SiteVerifier* site = nullptr;      ///< null: site authentication off
  const ClientVerifier* client = nullptr;  ///< null: client authentication off
  /// Interconnect paths whose accepted calls get no access line (status polls, scheduling
  /// hints: several per second per job); their rejections still do.
  std::set<std::string> quiet_paths;
  const Clock* clock = &SystemClock::Instance();
  std::int64_t access_interval_ms = 10000;  ///< rate-limit window of access lines per route and outcome
  std::size_t access_burst = 50;            ///< lines per window and key; the rest are counted
};

/// Thread-safe.
class RequestGuard final {
 public:
  explicit RequestGuard(GuardOptions options);
  /// The proof check before the handler runs.
  Status Check(const http::HttpRequest& request, const http::RouteDoc& route) const;
  /// The access line after the answer (guard refusals included).
  void Record(const http::HttpRequest& request, const http::RouteDoc& route, const http::HttpResponse& response);

 private:
  GuardOptions options_;
  log::LogLimiter limiter_;
};

}  // namespace fedflow::security
