#pragma once
// What a job parser needs to know about this server: defaults and what is registered.

#include <functional>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_limits.hpp"

namespace fedflow::dsl {

/// Server knowledge used while parsing and validating a job.
struct PlanContext {
  /// Defaults for parameters the job does not set.
  JobParameters defaults;
  /// OK when a registered provider implements `module` (and matches `provider_pin`
  /// "name@version" when non-empty); otherwise an error listing what is registered.
  std::function<Status(const std::string& module, const std::string& provider_pin)> check_module;
  /// The roles the provider of `module` declares in its manifest (empty: it declares none, and
  /// RolesOfModule decides).
  std::function<std::vector<std::string>(const std::string& module, const std::string& provider_pin)> roles_of;
  /// OK when `party_id` can be reached (this party or a configured partner).
  std::function<Status(const std::string& party_id)> check_party;
  PlanLimits limits;
};

/// Roles a well-known FATE module runs at (FATE's component metadata), for providers whose
/// manifest does not declare them; empty = every role.
/// Reader, DataTransform, Intersection and feature components do not run at the arbiter.
std::vector<std::string> RolesOfModule(const std::string& module);
/// The manifest's roles when declared, else RolesOfModule.
std::vector<std::string> RolesOf(const PlanContext& ctx, const std::string& module, const std::string& provider_pin);

/// The provider pin ("name" or "name@version", "" = any) for a provider as a job file writes it:
/// 1.x "fate@1.11.2", 2.x "fate:2.2.0@local". FATE's own provider names, "fate" and "fate_flow",
/// name no provider of fedflow's: they mean whichever provider here implements the module, and
/// `*fate_provider` is set so the parser can say so.
std::string ProviderPin(const std::string& written, bool* fate_provider = nullptr);

/// The roles fedflow accepts: guest, host, arbiter, local.
bool IsKnownRole(const std::string& role);

/// Keeps a plan within its PlanLimits while a parser builds it; every refusal names the limit.
class PlanBudget final {
 public:
  explicit PlanBudget(const PlanLimits& limits) : limits_(limits) {}
  /// InvalidArgument when a job has more components than limits.max_components.
  Status CheckComponents(std::size_t count) const;
  /// Counts one party's resolved parameters of a component (JSON text); InvalidArgument when
  /// they exceed limits.max_parameter_bytes or the plan exceeds limits.max_plan_bytes.
  Status AddParameters(const std::string& parameters_json, const std::string& component, const std::string& role,
                       const std::string& party_id);

 private:
  const PlanLimits& limits_;
  std::size_t plan_bytes_ = 0;
};

/// A component (task) name: 1-100 letters, digits, _ or -. It becomes a directory name, and the
/// 1.x DSL refers to outputs as "<component>.<output>", so it has no '.'.
bool IsTaskName(const std::string& s);
/// An output name or input key (it becomes a directory name): 1-100 letters, digits, _ . -,
/// not starting with '.', no "..".
bool IsArtifactName(const std::string& s);

}  // namespace fedflow::dsl
