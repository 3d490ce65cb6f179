#pragma once
// What a job parser needs to know about this server: defaults and what is registered.

#include <functional>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"

namespace fedflow::dsl {

/// Server knowledge used while parsing and validating a job.
struct PlanContext {
  /// Defaults for parameters the job does not set.
  JobParameters defaults;
  /// OK when a registered provider implements `module` (and matches `provider_pin`
  /// "name@version" when non-empty); otherwise an error listing what is registered.
  std::function<Status(const std::string& module, const std::string& provider_pin)> check_module;
  /// OK when `party_id` can be reached (this party or a configured partner).
  std::function<Status(const std::string& party_id)> check_party;
};

/// Roles a well-known FATE module runs at (FATE's component metadata); empty = every role.
/// Reader, DataTransform, Intersection and feature components do not run at the arbiter.
std::vector<std::string> RolesOfModule(const std::string& module);

/// The roles fedflow accepts: guest, host, arbiter, local.
bool IsKnownRole(const std::string& role);

}  // namespace fedflow::dsl
