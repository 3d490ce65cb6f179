#pragma once
// Application routes of jobs (/v2/job/...): submit, plan (dry run), query, list, task query,
// federated status, stop, rerun, dsl/conf; and the scheduler routes (/v2/scheduler/...).

#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "base/clock.hpp"
#include "orm/job_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/task_repository.hpp"
#include "service/dsl/plan_context.hpp"
#include "service/http/router.hpp"
#include "service/interconnect/party_client.hpp"
#include "service/partner/job_participant.hpp"
#include "service/scheduler/job_scheduler.hpp"
#include "service/state/server_state.hpp"

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
  partner::JobParticipant* participant = nullptr;
  state::ServerState* server_state = nullptr;
  std::string logs_dir;
  const Clock* clock = nullptr;
  std::function<dsl::PlanContext()> plan_context;
  std::function<void(const std::string&)> nudge;
  /// Completes a submit body from the model registry (1.x predict jobs); unset: taken as is.
  std::function<StatusOr<boost::json::object>(const boost::json::object&)> prepare_submission;
};

/// The party that schedules a job known here (from this party's job rows), or NotFound (1001).
StatusOr<std::string> SchedulerPartyOf(const JobApiDeps& d, const std::string& job_id);
/// Runs `local` when this party schedules the job, else forwards `path` with `body` (a contract
/// message as JSON) to the job's scheduler party and relays its answer.
http::HttpResponse AtScheduler(const JobApiDeps& d, const std::string& job_id, const std::string& path,
                               const std::string& body, const std::function<http::HttpResponse()>& local);
/// Stops a job at its scheduler (here, or forwarded), as canceled, failed or timeout.
http::HttpResponse StopAtScheduler(const JobApiDeps& d, const std::string& job_id, const std::string& stop_status,
                                   const std::string& reason);
/// Reruns an ended job at its scheduler (here, or forwarded), optionally from `component`.
http::HttpResponse RerunAtScheduler(const JobApiDeps& d, const std::string& job_id, const std::string& component);
/// Parses the job of a submit/plan body: FATE 1.x {dsl, runtime_conf} (or job_dsl and
/// job_runtime_conf), or FATE-Flow 2.x {dag_schema} (an object, or YAML/JSON text) or a bare DAG.
StatusOr<JobSpec> ParseJobBody(const boost::json::object& args, const JobApiDeps& d);

void RegisterJobRoutes(http::Router& router, JobApiDeps deps);
/// /v2/scheduler/...: requests of a job's parties to its scheduler (service/api/scheduler_routes.cpp).
void RegisterSchedulerRoutes(http::Router& router, JobApiDeps deps);

}  // namespace fedflow::api
