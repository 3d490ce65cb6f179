// /v2/scheduler/...: what the parties of a job ask of its scheduler (this party): stop it, rerun
// it, or look at it now. Only parties of the job may.

#include <boost/json.hpp>

#include "proto/status_names.hpp"
#include "service/api/contract_route.hpp"
#include "service/api/job_routes.hpp"

namespace fedflow::api {

void RegisterSchedulerRoutes(http::Router& router, JobApiDeps d) {
  partner::JobParticipant& p = *d.participant;
  router.Add("POST", interconnect::paths::kSchedulerStop,
             {"interconnect", "Stop a job this party schedules (sent by another participant).",
              "job_id, stop_status, reason"},
             Typed<contract::SchedulerStopJob, contract::SchedulerJobReply>(
                 p, Sender::kJobParty,
                 [d](const contract::SchedulerStopJob& r, const PartyCaller& c) -> StatusOr<contract::SchedulerJobReply> {
                   FEDFLOW_ASSIGN_OR_RETURN(JobStatus status,
                                            StatusField(r.stop_status(), &ParseJobStatus, "stop_status", "canceled"));
                   FEDFLOW_RETURN_IF_ERROR(
                       d.scheduler->Stop(r.job_id(), status, r.reason() + " (requested by party " + c.party + ")"));
                   contract::SchedulerJobReply reply;
                   reply.set_job_id(r.job_id());
                   return reply;
                 }));
  router.Add("POST", interconnect::paths::kSchedulerRerun,
             {"interconnect", "Rerun a job this party schedules (sent by another participant).",
              "job_id, component_name"},
             Typed<contract::SchedulerRerunJob, contract::SchedulerJobReply>(
                 p, Sender::kJobParty,
                 [d](const contract::SchedulerRerunJob& r, const PartyCaller&) -> StatusOr<contract::SchedulerJobReply> {
                   FEDFLOW_ASSIGN_OR_RETURN(auto rerun, d.scheduler->Rerun(r.job_id(), r.component_name()));
                   contract::SchedulerJobReply reply;
                   reply.set_job_id(r.job_id());
                   for (const auto& n : rerun) reply.add_tasks(n);
                   return reply;
                 }));
  router.Add("POST", interconnect::paths::kSchedulerReport,
             {"interconnect", "A participant's hint that a task of a job changed: schedule the job now.", "job_id"},
             Typed<contract::ReportTask, contract::Done>(
                 p, Sender::kJobParty, [d](const contract::ReportTask& r, const PartyCaller&) -> StatusOr<contract::Done> {
                   // The sender is a party of the job (checked above); the job must be scheduled here.
                   FEDFLOW_RETURN_IF_ERROR(d.schedule->GetJob(r.job_id()).status());
                   if (d.nudge) d.nudge(r.job_id());
                   return contract::Done();
                 }));
}

}  // namespace fedflow::api
