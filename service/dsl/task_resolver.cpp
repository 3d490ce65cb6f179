#include "service/dsl/task_resolver.hpp"

#include <boost/json/object.hpp>

#include "service/json/json.hpp"

namespace fedflow::dsl {

Status CheckTaskName(const std::string& name, std::string_view noun) {
  if (IsTaskName(name)) return Status::OK();
  return InvalidArgumentError(std::string(noun) + " name '" + name.substr(0, 100) + "' must be " +
                              std::string(kTaskNameRule));
}

Status CheckArtifactName(const std::string& name, const std::string& subject) {
  if (IsArtifactName(name)) return Status::OK();
  return InvalidArgumentError(subject + " must be " + std::string(kArtifactNameRule));
}

Status CheckInputNames(const InputRef& ref, const std::string& subject) {
  if (IsArtifactName(ref.key()) && IsArtifactName(ref.output())) return Status::OK();
  return InvalidArgumentError(subject + " must be " + std::string(kArtifactNameRule));
}

TaskResolver::TaskResolver(TaskSpec* task, const std::set<std::string>& job_tasks, const ReferenceWording& wording,
                           PlanBudget* budget)
    : task_(task), job_tasks_(job_tasks), wording_(wording), budget_(budget) {}

Status TaskResolver::AddUpstream(const std::string& producer, const std::string& where) {
  FEDFLOW_RETURN_IF_ERROR(CheckProducer(producer, "", where));
  if (upstream_.insert(producer).second) task_->add_upstream(producer);
  return Status::OK();
}

Status TaskResolver::AddInput(const InputRef& ref, const std::string& where) {
  FEDFLOW_RETURN_IF_ERROR(CheckProducer(ref.producer(), ref.output(), where));
  *task_->add_inputs() = ref;
  if (upstream_.insert(ref.producer()).second) task_->add_upstream(ref.producer());
  return Status::OK();
}

Status TaskResolver::AddParty(const std::string& role, const std::string& party_id, bool need_run,
                              const boost::json::object& parameters) {
  PartyTask* pt = task_->add_parties();
  pt->set_role(role);
  pt->set_party_id(party_id);
  pt->set_need_run(need_run);
  pt->set_parameters_json(json::Dump(parameters));
  return budget_->AddParameters(pt->parameters_json(), task_->name(), role, party_id);
}

void TaskResolver::AddStoredModel(const InputRef& ref) { *task_->add_inputs() = ref; }

void TaskResolver::AddTable(const std::string& table) { tables_.insert(table); }

void TaskResolver::Finish() {
  for (const auto& table : tables_) task_->add_table_inputs(table);
}

Status TaskResolver::CheckProducer(const std::string& producer, const std::string& output,
                                   const std::string& where) const {
  if (!job_tasks_.count(producer)) return InvalidArgumentError(wording_.unknown_producer(where, producer, output));
  if (wording_.self_dependency && producer == task_->name()) {
    return InvalidArgumentError(wording_.self_dependency(where, producer));
  }
  return Status::OK();
}

}  // namespace fedflow::dsl
