#include "service/dsl/plan_context.hpp"

#include <map>

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

bool IsKnownRole(const std::string& role) {
  return role == "guest" || role == "host" || role == "arbiter" || role == "local";
}

}  // namespace fedflow::dsl
