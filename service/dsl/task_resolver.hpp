#pragma once
// Builds the TaskSpec of one task from what a job format says about it: its inputs and
// dependencies (checked against the other tasks of the job), its parties with their parameters
// (counted against the plan's limits), and the tables it reads. The FATE 1.x DSL and the
// FATE-Flow 2.x DAG build every task through it, so both enforce the same rules; each keeps its
// own wording of the errors, which users and tests rely on.

#include <set>
#include <string>
#include <string_view>

#include "base/status.hpp"
#include "proto/fedflow/job.pb.h"
#include "service/dsl/plan_context.hpp"

namespace boost::json {
class object;
}  // namespace boost::json

namespace fedflow::dsl {

/// The rule `IsTaskName` enforces, as error messages state it.
inline constexpr std::string_view kTaskNameRule = "1-100 letters, digits, _ or -";
/// The rule `IsArtifactName` enforces, as error messages state it.
inline constexpr std::string_view kArtifactNameRule =
    "1-100 letters, digits, _ . - (not starting with '.', no '..')";

/// OK when `name` is a task name; otherwise InvalidArgument "<noun> name '<name>' must be ..."
/// (the 1.x DSL says "component", the 2.x DAG says "task").
Status CheckTaskName(const std::string& name, std::string_view noun);
/// OK when `name` is an artifact name; otherwise InvalidArgument "<subject> must be ...".
Status CheckArtifactName(const std::string& name, const std::string& subject);
/// OK when the key and the output of `ref` are artifact names; otherwise InvalidArgument
/// "<subject> must be ...".
Status CheckInputNames(const InputRef& ref, const std::string& subject);

/// How a job format words the refusals of `TaskResolver`.
struct ReferenceWording {
  /// The message for `where` naming a `producer` that is not a task of the job; `output` is the
  /// output it asks for, empty for a bare dependency.
  std::string (*unknown_producer)(const std::string& where, const std::string& producer, const std::string& output);
  /// The message for `where` making `task` depend on itself. Null when the format leaves a
  /// self-dependency to `SortTopologically`, which reports it once every task has been read.
  std::string (*self_dependency)(const std::string& where, const std::string& task);
};

/// Fills in one TaskSpec: upstream edges, inputs, parties and table inputs. It writes `task` and
/// `budget` and reads `job_tasks` and `wording`, all of which must outlive it. Not thread-safe.
class TaskResolver final {
 public:
  /// `task` already carries its name; `job_tasks` names every task of the job.
  TaskResolver(TaskSpec* task, const std::set<std::string>& job_tasks, const ReferenceWording& wording,
               PlanBudget* budget);

  /// Adds `producer` as an upstream task (once, however often it is named) after checking that it
  /// exists and, when the wording asks for it, that it is not this task. `where` locates the
  /// reference in messages.
  Status AddUpstream(const std::string& producer, const std::string& where);
  /// Checks `ref.producer()` as `AddUpstream` does, then adds the input and its upstream edge. The
  /// caller checks the names in `ref` (see `CheckInputNames`) when its format reads them.
  Status AddInput(const InputRef& ref, const std::string& where);
  /// Adds the task at one party with its resolved parameters, which count against the plan's
  /// parameter limits.
  Status AddParty(const std::string& role, const std::string& party_id, bool need_run,
                  const boost::json::object& parameters);
  /// Records a table ("namespace.name") the task reads; each is listed once, in sorted order.
  /// Adds an input read from a stored model (no upstream task).
  void AddStoredModel(const InputRef& ref);
  void AddTable(const std::string& table);
  /// Writes the recorded tables into the task; call once, after its last party.
  void Finish();

 private:
  /// Checks that `producer` is another task of the job.
  Status CheckProducer(const std::string& producer, const std::string& output, const std::string& where) const;

  /// The task being built.
  TaskSpec* task_;
  /// Every task name of the job.
  const std::set<std::string>& job_tasks_;
  /// The format's error messages.
  const ReferenceWording& wording_;
  /// The plan's parameter budget, shared by every task of the job.
  PlanBudget* budget_;
  /// Upstream tasks already added, so each appears once.
  std::set<std::string> upstream_;
  /// Tables read, written by `Finish`.
  std::set<std::string> tables_;
};

}  // namespace fedflow::dsl
