#pragma once
// The `components` of a FATE 1.x DSL (version 2 layout): each component's module, provider,
// declared outputs (data, model, cache) and inputs, which refer to outputs as
// "<component>.<output>". References are only split here; `TaskResolver` resolves them.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace boost::json {
class object;
}  // namespace boost::json

namespace fedflow::dsl {

/// A component as written in the DSL, before its references are resolved.
struct DslComponent {
  std::string name;
  std::string module;
  std::string provider;
  /// Inputs in DSL order: data by key, then model, isometric_model and cache.
  std::vector<InputRef> inputs;
  /// Model inputs read from the predict job's stored model ("pipeline.<component>.<output>"):
  /// producer and output name the model's component and output, not a task of this job.
  std::vector<InputRef> pipeline_inputs;
  std::set<std::string> out_data, out_model, out_cache;
  /// Declared data and model outputs in DSL order, without repeats.
  std::vector<std::string> out_data_order, out_model_order;
};

/// Every component of a DSL, in DSL order. Immutable once read.
class DslComponents final {
 public:
  /// Reads `dsl.components`, refusing more than `budget` allows; every error is InvalidArgument
  /// naming the component and field.
  static StatusOr<DslComponents> Read(const boost::json::object& dsl, const PlanBudget& budget);

  /// The components in DSL order.
  const std::vector<DslComponent>& components() const { return components_; }
  /// The component names.
  const std::set<std::string>& names() const { return names_; }
  /// OK when the producer of `ref` declares the output it refers to, with the kind it is read as
  /// (a model or isometric_model input reads a model output). The producer must exist.
  Status CheckDeclared(const InputRef& ref, const std::string& where) const;

 private:
  DslComponents() = default;

  /// The components in DSL order.
  std::vector<DslComponent> components_;
  /// Component names.
  std::set<std::string> names_;
  /// Position of each component in `components_`.
  std::map<std::string, std::size_t> by_name_;
};

}  // namespace fedflow::dsl
