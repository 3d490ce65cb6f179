#pragma once
// `dag.party_tasks` of a FATE-Flow 2.x DAG: named groups of parties, each with a task conf for all
// their tasks and, per task, parameters and conf that apply at those parties only.

#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "service/dsl/dag_conf.hpp"
#include "service/dsl/plan_context.hpp"

namespace fedflow::dsl {

/// The party-specific parts of a DAG, checked once when read. Immutable once read.
class DagPartyTasks final {
 public:
  /// Reads `dag.party_tasks`: every group's parties must be among `parties` (dag.parties) and
  /// every task it names must be one of `tasks` (dag.tasks).
  static StatusOr<DagPartyTasks> Read(const boost::json::object& dag, const boost::json::object& tasks,
                                      const std::vector<DagParty>& parties, const PlanContext& ctx);

  /// Applies, in `dag.party_tasks` order, every group that covers `party` to `task` there: the
  /// group's conf and the task's conf over `conf`, the task's parameters merged into `parameters`.
  Status ApplyTo(const std::string& task, const DagParty& party, boost::json::object* parameters,
                 DagTaskConf* conf) const;

 private:
  DagPartyTasks() = default;

  /// `dag.party_tasks` as written.
  boost::json::object party_tasks_;
  /// The parties of each group.
  std::map<std::string, std::vector<DagParty>> group_parties_;
};

}  // namespace fedflow::dsl
