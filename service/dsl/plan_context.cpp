#include "service/dsl/plan_context.hpp"

#include <map>

#include "base/ids.hpp"

namespace fedflow::dsl {

std::vector<std::string> RolesOfModule(const std::string& module) {
  static const std::vector<std::string> kData = {"guest", "host", "local"};
  static const std::vector<std::string> kModel = {"guest", "host", "arbiter"};
  static const std::map<std::string, std::vector<std::string>> kTable = {
      {"Reader", kData},
      {"DataTransform", kData},
      {"DataIO", kData},
      {"Intersection", {"guest", "host"}},
      {"FeatureScale", kData},
      {"HeteroFeatureBinning", {"guest", "host"}},
      {"HeteroFeatureSelection", {"guest", "host"}},
      {"HeteroLR", kModel},
      {"HomoLR", kModel},
      {"HeteroSecureBoost", {"guest", "host"}},
      {"Evaluation", kModel},
      {"Upload", {"local"}},
      {"Download", {"local"}},
  };
  auto it = kTable.find(module);
  return it == kTable.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> RolesOf(const PlanContext& ctx, const std::string& module, const std::string& provider_pin) {
  if (ctx.roles_of) {
    std::vector<std::string> declared = ctx.roles_of(module, provider_pin);
    if (!declared.empty()) return declared;
  }
  return RolesOfModule(module);
}

std::string ProviderPin(const std::string& written, bool* fate_provider) {
  if (fate_provider) *fate_provider = false;
  std::string name = written, version;
  if (auto colon = written.find(':'); colon != std::string::npos) {  // 2.x name:version@device
    name = written.substr(0, colon);
    version = written.substr(colon + 1);
    if (auto at = version.find('@'); at != std::string::npos) version = version.substr(0, at);
  } else if (auto at = written.find('@'); at != std::string::npos) {  // 1.x name@version
    name = written.substr(0, at);
    version = written.substr(at + 1);
  }
  if (name == "fate" || name == "fate_flow") {
    if (fate_provider) *fate_provider = true;
    return "";
  }
  if (name.empty() || name == "*") return "";
  if (version.empty() || version == "*") return name;
  return name + "@" + version;
}

bool IsKnownRole(const std::string& role) {
  return role == "guest" || role == "host" || role == "arbiter" || role == "local";
}

bool IsTaskName(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsArtifactName(const std::string& s) { return IsSafeIdentifier(s, 100); }

Status PlanBudget::CheckComponents(std::size_t count) const {
  if (count <= limits_.max_components) return Status::OK();
  return InvalidArgumentError("the job has " + std::to_string(count) + " components, more than the limit of " +
                              std::to_string(limits_.max_components) + " (limits.max_components)");
}

Status PlanBudget::AddParameters(const std::string& parameters_json, const std::string& component,
                                 const std::string& role, const std::string& party_id) {
  if (parameters_json.size() > limits_.max_parameter_bytes) {
    return InvalidArgumentError("the parameters of component '" + component + "' at " + role + ":" + party_id + " are " +
                                std::to_string(parameters_json.size()) + " bytes, more than the limit of " +
                                std::to_string(limits_.max_parameter_bytes) +
                                " (limits.max_parameter_bytes): pass large data as a table, not as a parameter");
  }
  plan_bytes_ += parameters_json.size();
  if (plan_bytes_ > limits_.max_plan_bytes) {
    return InvalidArgumentError("the job's resolved parameters at all parties exceed " +
                                std::to_string(limits_.max_plan_bytes) + " bytes (limits.max_plan_bytes), reached at "
                                "component '" + component + "'");
  }
  return Status::OK();
}

}  // namespace fedflow::dsl
