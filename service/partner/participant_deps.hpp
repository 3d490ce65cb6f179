#pragma once
// What the parts of a participant (service/partner) work with: this party's repositories,
// lifecycles, executor and clock, and the hooks the composition root provides.

#include <functional>
#include <string>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/job_repository.hpp"
#include "orm/task_repository.hpp"
#include "service/dsl/plan_context.hpp"
#include "service/lifecycle/lifecycle.hpp"
#include "service/state/server_state.hpp"

namespace fedflow::executor {
class ProviderRegistry;
class TaskExecutor;
}  // namespace fedflow::executor

namespace fedflow::partner {

/// Extra checks on a job before this party accepts it (permissions, tables).
using JobAdmissionCheck = std::function<Status(const JobSpec& spec, const std::string& requesting_party)>;

/// Everything a participant works with. Pointers are owned by the composition root.
struct ParticipantDeps {
  std::string party_id;
  std::string engine;
  orm::JobRepository* jobs = nullptr;
  orm::TaskRepository* tasks = nullptr;
  orm::AllocationRepository* allocations = nullptr;
  lifecycle::JobLifecycle* job_lifecycle = nullptr;
  lifecycle::TaskLifecycle* task_lifecycle = nullptr;
  lifecycle::AllocationLifecycle* allocation_lifecycle = nullptr;
  executor::ProviderRegistry* providers = nullptr;
  executor::TaskExecutor* executor = nullptr;
  const Clock* clock = nullptr;
  /// Tells the job's scheduler to look at the job now (a worker reported).
  std::function<void(const std::string& job_id, const std::string& scheduler_party_id)> nudge_scheduler;
  JobAdmissionCheck admission_check;
  /// This party's defaults and limits, with which it plans every job it takes part in.
  std::function<dsl::PlanContext()> plan_context;
  /// While draining, resource requests are refused (running jobs continue).
  const state::ServerState* server_state = nullptr;
  /// Forgets what the job's attempts recorded here (metrics, outputs) when the job is cleaned.
  std::function<Status(const std::string& job_id)> forget_tracking;
  /// Keeps the models of a training job that succeeded here (the model registry).
  std::function<Status(const JobSpec& spec)> keep_models;
  /// OK when every stored model the tasks of this party read (predict jobs) is here, whole.
  std::function<Status(const JobSpec& spec)> check_model_inputs;
  /// Deletes the job's federation messages waiting here (the job ended or was cleaned).
  std::function<Status(const std::string& job_id)> forget_messages;
};

}  // namespace fedflow::partner
