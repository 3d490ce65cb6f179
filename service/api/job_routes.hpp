#pragma once
// Application routes of jobs (/v2/job/...): submit, plan (dry run), query, list, task query,
// federated status, stop, rerun, dsl/conf; and the scheduler routes (/v2/scheduler/...).

#include <functional>
#include <string>

#include "orm/job_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/task_repository.hpp"
#include "service/dsl/plan_context.hpp"
#include "service/http/router.hpp"
#include "service/interconnect/party_client.hpp"
#include "service/scheduler/job_scheduler.hpp"

namespace fedflow::api {

/// What the job routes use. Reads go straight to the repositories; every change goes through
/// the scheduler (or, for a job scheduled elsewhere, to its scheduler party).
struct JobApiDeps {
  std::string party_id;
  sched::JobScheduler* scheduler = nullptr;
  orm::JobRepository* jobs = nullptr;
  orm::TaskRepository* tasks = nullptr;
  orm::ScheduleRepository* schedule = nullptr;
  interconnect::PartyClient* parties = nullptr;
  std::function<dsl::PlanContext()> plan_context;
  std::function<void(const std::string&)> nudge;
};

void RegisterJobRoutes(http::Router& router, JobApiDeps deps);
void RegisterSchedulerRoutes(http::Router& router, JobApiDeps deps);

}  // namespace fedflow::api
