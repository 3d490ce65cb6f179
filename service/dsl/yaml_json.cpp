// YAML -> Boost.JSON conversion for DAG files (yaml-cpp stays in this one TU).

#include <cstdlib>

#include <yaml-cpp/yaml.h>

#include "service/dsl/fate_dag.hpp"

namespace fedflow::dsl {

namespace bj = boost::json;

namespace {

/// Plain scalars become numbers, booleans or null when YAML 1.2's core schema says so;
/// quoted scalars stay strings ('9999' in train_lr.yaml is a string party id).
bj::value Scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return bj::value(s);  // quoted
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  if (s == "true" || s == "True") return true;
  if (s == "false" || s == "False") return false;
  char* end = nullptr;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (end && *end == '\0' && !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return i;
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0') return d;
  return bj::value(s);
}

bj::value Convert(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return Scalar(n);
    case YAML::NodeType::Sequence: {
      bj::array a;
      for (const auto& item : n) a.push_back(Convert(item));
      return a;
    }
    case YAML::NodeType::Map: {
      bj::object o;
      for (const auto& kv : n) o[kv.first.Scalar()] = Convert(kv.second);
      return o;
    }
  }
  return nullptr;
}

}  // namespace

StatusOr<bj::value> YamlToJson(std::string_view text, std::string_view what) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return Convert(root);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(what) + " is not valid YAML: line " + std::to_string(e.mark.line + 1) +
                                " column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace fedflow::dsl
