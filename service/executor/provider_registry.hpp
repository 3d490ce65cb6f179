#pragma once
// Component providers known to this party: from the config at start and from
// /v2/provider/register. A provider is an executable implementing some FATE modules.

#include <mutex>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include <boost/json.hpp>

#include "base/status.hpp"
#include "orm/command_repository.hpp"

namespace fedflow::executor {

/// One provider.
struct Provider {
  std::string name;
  std::string version;
  std::string executable;
  std::set<std::string> modules;
  std::string source;  ///< "config" or "api"
  /// The manifest's roles per module (guest, host, arbiter, local); a module not listed runs at
  /// every role of the job.
  std::map<std::string, std::vector<std::string>> roles;

  /// "name@version", as pinned in job confs.
  std::string Key() const { return name + "@" + version; }
  /// The manifest's roles of `module` (empty: every role).
  std::vector<std::string> RolesOf(const std::string& module) const;
};

/// Adds the modules of a manifest list to `p`: each entry a module name, or {"name": ..., "roles":
/// [...]}; InvalidArgument naming the bad entry.
Status AddManifestModules(const boost::json::array& entries, Provider* p);
/// The manifest list of `p` (names, or {name, roles} where roles are declared).
boost::json::array ManifestModules(const Provider& p);

/// Thread-safe cache over ff_provider.
class ProviderRegistry final {
 public:
  ProviderRegistry(orm::ProviderRepository& repository, const Clock& clock);

  /// Loads the registered providers from the database.
  Status Load();
  /// Validates (names, executable present and executable, modules non-empty) and persists.
  Status Register(const Provider& provider);
  /// NotFound when absent.
  Status Remove(const std::string& name, const std::string& version);
  std::vector<Provider> List() const;
  /// The provider that runs `module`: the pinned one ("name@version", or "name" for any version)
  /// when `pin` is set, else the most recently registered provider of the module.
  StatusOr<Provider> Resolve(const std::string& module, const std::string& pin) const;

 private:
  orm::ProviderRepository& repository_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<Provider> providers_;  ///< in registration order
};

}  // namespace fedflow::executor
