#include "service/dsl/dag_party_tasks.hpp"

#include <algorithm>

#include "service/dsl/known_keys.hpp"
#include "service/json/json.hpp"

namespace fedflow::dsl {
namespace {

namespace bj = boost::json;
using json::GetObject;

}  // namespace

StatusOr<DagPartyTasks> DagPartyTasks::Read(const bj::object& dag, const bj::object& tasks,
                                            const std::vector<DagParty>& parties, const PlanContext& ctx) {
  DagPartyTasks out;
  FEDFLOW_ASSIGN_OR_RETURN(out.party_tasks_, GetObject(dag, "party_tasks", "dag.party_tasks", true));
  for (const auto& kv : out.party_tasks_) {
    std::string path = "dag.party_tasks." + std::string(kv.key());
    if (!kv.value().is_object()) return InvalidArgumentError("'" + path + "' must be an object");
    const bj::object& group = kv.value().as_object();
    FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(group, "'" + path + "'", {"parties", "tasks", "conf"}));
    const bj::value* gp = group.if_contains("parties");
    if (!gp) return InvalidArgumentError("missing required field '" + path + ".parties'");
    FEDFLOW_ASSIGN_OR_RETURN(out.group_parties_[std::string(kv.key())],
                             ReadDagParties(*gp, path + ".parties", ctx, &parties));
    FEDFLOW_ASSIGN_OR_RETURN(bj::object group_tasks, GetObject(group, "tasks", path + ".tasks", true));
    for (const auto& t : group_tasks) {
      std::string tpath = path + ".tasks." + std::string(t.key());
      if (!tasks.contains(t.key())) {
        return InvalidArgumentError("'" + tpath + "': no task '" + std::string(t.key()) + "' in dag.tasks");
      }
      if (!t.value().is_object()) return InvalidArgumentError("'" + tpath + "' must be an object");
      FEDFLOW_RETURN_IF_ERROR(CheckKnownKeys(t.value().as_object(), "'" + tpath + "'", {"parameters", "conf"}));
    }
  }
  return out;
}

Status DagPartyTasks::ApplyTo(const std::string& task, const DagParty& party, bj::object* parameters,
                              DagTaskConf* conf) const {
  for (const auto& group : party_tasks_) {
    const auto& gp = group_parties_.at(std::string(group.key()));
    if (std::find(gp.begin(), gp.end(), party) == gp.end()) continue;
    const bj::object& go = group.value().as_object();
    std::string path = "dag.party_tasks." + std::string(group.key());
    // A group's conf is only type-checked here, where it is applied.
    if (const bj::value* gc = go.if_contains("conf")) {
      if (!gc->is_object()) return InvalidArgumentError("'" + path + ".conf' must be an object");
      FEDFLOW_RETURN_IF_ERROR(ApplyDagTaskConf(gc->as_object(), path + ".conf", conf));
    }
    const bj::value* gt = go.if_contains("tasks");
    const bj::value* entry = gt && gt->is_object() ? gt->as_object().if_contains(task) : nullptr;
    if (!entry) continue;
    if (const bj::value* ep = entry->as_object().if_contains("parameters")) {
      if (!ep->is_object()) return InvalidArgumentError("'" + path + ".tasks." + task + ".parameters' must be an object");
      json::MergeInto(*parameters, ep->as_object());
    }
    if (const bj::value* ec = entry->as_object().if_contains("conf")) {
      if (!ec->is_object()) return InvalidArgumentError("'" + path + ".tasks." + task + ".conf' must be an object");
      FEDFLOW_RETURN_IF_ERROR(ApplyDagTaskConf(ec->as_object(), path + ".tasks." + task + ".conf", conf));
    }
  }
  return Status::OK();
}

}  // namespace fedflow::dsl
