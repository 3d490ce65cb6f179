#pragma once
// The composition root: the only place that constructs concrete implementations and wires them
// (database, repositories, managers, scheduler, detector, HTTP server).

#include <cstdint>
#include <memory>

#include "base/status.hpp"
#include "service/app/config.hpp"
#include "service/http/router.hpp"

namespace fedflow::app {

/// One running fedflow server. Start once, Stop once (also in the destructor).
class ServerApp final {
 public:
  explicit ServerApp(ServerConfig config);
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  /// Opens the database (creating or migrating it), registers capacity, starts the listener and
  /// the background loops. Errors name the config key or resource at fault.
  Status Start();
  /// Stops the loops and the listener, then closes the database. Idempotent.
  void Stop();
  /// Bound HTTP port (after Start).
  std::uint16_t port() const;
  /// Every route served (after Start): the source of docs/api.md.
  std::vector<http::RouteInfo> Routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fedflow::app
