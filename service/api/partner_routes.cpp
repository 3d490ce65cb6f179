#include "service/api/partner_routes.hpp"

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "proto/fedflow/partner.pb.h"
#include "proto/status_names.hpp"
#include "service/api/idempotency.hpp"
#include "service/api/request_args.hpp"
#include "service/dsl/plan_context.hpp"
#include "service/http/envelope.hpp"
#include "service/api/contract_route.hpp"
#include "service/interconnect/partner_contract.hpp"

namespace fedflow::api {

namespace bj = boost::json;
namespace pp = fedflow::partner;
namespace paths = interconnect::paths;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;

void RegisterPartnerRoutes(http::Router& router, pp::JobParticipant& p, orm::CommandRepository& log,
                           const Clock& clock) {
  auto add = [&](const std::string& path, const std::string& summary, const std::string& params, bool idempotent,
                 http::RouteHandler handler) {
    http::RouteDoc doc{"interconnect", summary, params};
    router.Add("POST", path, doc, idempotent ? Idempotent(log, clock, path, std::move(handler)) : std::move(handler));
  };

  add(paths::kJobCreate, "Validate (validate_only) or create this party's part of a job.",
      "spec (JobSpec JSON), validate_only", true,
      Typed<contract::CreateJob, contract::Done>(p, Sender::kCreator, [&p](const contract::CreateJob& r, const PartyCaller& c) {
        return Done(r.validate_only() ? p.jobs().Validate(r.spec(), c.party, c.internal)
                                      : p.jobs().Create(r.spec(), c.party, c.internal));
      }));
  add(paths::kJobStatusUpdate, "Move this party's job rows to waiting or running.", "job_id, status, reason", true,
      Typed<contract::UpdateJobStatus, contract::Done>(p, Sender::kScheduler, [&p](const contract::UpdateJobStatus& r, const PartyCaller&) -> StatusOr<contract::Done> {
        FEDFLOW_ASSIGN_OR_RETURN(JobStatus status, StatusField(r.status(), &ParseJobStatus, "status"));
        return Done(p.jobs().UpdateStatus(r.job_id(), status, r.reason()));
      }));
  add(paths::kResourceApply, "Request this party's resources for a run of the job.", "job_id, epoch", true,
      Typed<contract::ResourceRequest, contract::ResourceGrant>(p, Sender::kScheduler, [&p](const contract::ResourceRequest& r, const PartyCaller&)
                                                                 -> StatusOr<contract::ResourceGrant> {
        if (!r.has_epoch() || r.epoch() < 0) return InvalidArgumentError("missing or negative 'epoch'");
        return p.resources().Apply(r.job_id(), r.epoch());
      }));
  add(paths::kResourceReturn, "Release this party's resources of a run of the job.", "job_id, epoch", true,
      Typed<contract::ResourceRequest, contract::Done>(p, Sender::kScheduler, [&p](const contract::ResourceRequest& r, const PartyCaller&) -> StatusOr<contract::Done> {
        if (!r.has_epoch() || r.epoch() < 0) return InvalidArgumentError("missing or negative 'epoch'");
        return Done(p.resources().Return(r.job_id(), r.epoch()));
      }));
  add(paths::kJobStart, "Start the job at this party (its resources are granted).", "job_id", true,
      Typed<contract::StartJob, contract::Done>(p, Sender::kScheduler, [&p](const contract::StartJob& r, const PartyCaller&) {
        return Done(p.jobs().Start(r.job_id()));
      }));
  add(paths::kJobStop,
      "End the job at this party: kill its workers, release its resources, record its tasks' final status.",
      "job_id, status (canceled|failed|timeout|success), reason, tasks [{task_name, attempt, status}], progress", true,
      Typed<contract::StopJob, contract::Done>(p, Sender::kScheduler, [&p](const contract::StopJob& r, const PartyCaller&) -> StatusOr<contract::Done> {
        FEDFLOW_ASSIGN_OR_RETURN(JobStatus status, StatusField(r.status(), &ParseJobStatus, "status", "canceled"));
        std::vector<contract::FederatedTask> tasks(r.tasks().begin(), r.tasks().end());
        if (r.has_progress() && (r.progress() < 0 || r.progress() > 100)) {
          return InvalidArgumentError("'progress' must be between 0 and 100");
        }
        return Done(p.jobs().Stop(r.job_id(), status, r.reason(), tasks, r.has_progress() ? r.progress() : -1));
      }));
  add(paths::kJobUpdate, "Record the job's progress at this party.", "job_id, progress", false,
      Typed<contract::UpdateProgress, contract::Done>(p, Sender::kScheduler, [&p](const contract::UpdateProgress& r, const PartyCaller&) -> StatusOr<contract::Done> {
        if (!r.has_progress() || r.progress() < 0 || r.progress() > 100) {
          return InvalidArgumentError("'progress' must be between 0 and 100");
        }
        return Done(p.jobs().UpdateProgress(r.job_id(), r.progress()));
      }));
  add(paths::kTaskStart, "Start this party's workers of a task attempt (idempotent).", "job_id, task_name, attempt",
      true, Typed<contract::TaskAttemptRef, contract::Done>(p, Sender::kScheduler, [&p](const contract::TaskAttemptRef& r, const PartyCaller&) {
        return Done(p.tasks().Start(r.job_id(), r.task_name(), r.attempt()));
      }));
  add(paths::kTaskCollect, "Statuses of task attempts at this party (one call per job).",
      "job_id, tasks: [{task_name, attempt}]", false,
      Typed<contract::CollectTasks, contract::CollectedTasks>(p, Sender::kScheduler, [&p](const contract::CollectTasks& r, const PartyCaller&)
                                                               -> StatusOr<contract::CollectedTasks> {
        std::vector<std::pair<std::string, std::int32_t>> wanted;
        for (const auto& t : r.tasks()) {
          if (!t.has_attempt()) return InvalidArgumentError("'tasks' entries need 'task_name' and 'attempt'");
          wanted.emplace_back(t.task_name(), t.attempt());
        }
        FEDFLOW_ASSIGN_OR_RETURN(auto reports, p.tasks().Collect(r.job_id(), wanted));
        contract::CollectedTasks out;
        for (auto& report : reports) *out.add_tasks() = std::move(report);
        return out;
      }));
  add(paths::kTaskStop, "End this party's attempts of a task with a status (kills workers).",
      "job_id, task_name, attempt, status, reason", true,
      Typed<contract::StopTask, contract::Done>(p, Sender::kScheduler, [&p](const contract::StopTask& r, const PartyCaller&) -> StatusOr<contract::Done> {
        FEDFLOW_ASSIGN_OR_RETURN(TaskStatus status, StatusField(r.status(), &ParseTaskStatus, "status"));
        return Done(p.tasks().Stop(r.job_id(), r.task_name(), r.attempt(), status, r.reason()));
      }));
  add(paths::kTaskRerun, "Create a new attempt of a task at this party.", "job_id, task_name, attempt", true,
      Typed<contract::TaskAttemptRef, contract::Done>(p, Sender::kScheduler, [&p](const contract::TaskAttemptRef& r, const PartyCaller&) {
        return Done(p.tasks().CreateAttempt(r.job_id(), r.task_name(), r.attempt()));
      }));
  add(paths::kTaskStatusUpdate, "Record the federated status of a task attempt.", "job_id, task_name, attempt, status",
      true, Typed<contract::UpdateTaskStatus, contract::Done>(p, Sender::kScheduler, [&p](const contract::UpdateTaskStatus& r, const PartyCaller&)
                                                                -> StatusOr<contract::Done> {
        FEDFLOW_ASSIGN_OR_RETURN(TaskStatus status, StatusField(r.status(), &ParseTaskStatus, "status"));
        return Done(p.tasks().SyncFederated(r.job_id(), r.task_name(), r.attempt(), status));
      }));
}

void RegisterWorkerRoutes(http::Router& router, pp::JobParticipant& p) {
  router.Add("POST", "/v2/worker/task/status",
             {"worker", "A worker reports its attempt's status: running, success, pass or failed (with error).",
              "header X-Fedflow-Task-Token; status, error"},
             WithArgs([&p](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto s = RequireString(args, "status");
               if (!s.ok()) return JsonError(s.status());
               auto status = ParseTaskStatus(*s);
               if (!status.ok()) return JsonError(status.status());
               Status reported = p.workers().Report(WorkerToken(req, args), *status,
                                                    OptionalString(args, "error").value_or(""));
               return reported.ok() ? http::JsonOk() : JsonError(reported);
             }));
  router.Add("POST", "/v2/worker/task/heartbeat",
             {"worker", "A worker says it is alive; 403 tells a worker whose attempt ended to stop.",
              "header X-Fedflow-Task-Token"},
             WithArgs([&p](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               Status beat = p.workers().Heartbeat(WorkerToken(req, args));
               return beat.ok() ? http::JsonOk() : JsonError(beat);
             }));
  router.Add("POST", "/v2/worker/task/progress",
             {"worker", "A worker reports how far its attempt is (percent); shown by job status.",
              "header X-Fedflow-Task-Token; progress (0..100)"},
             WithArgs([&p](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto progress = OptionalInt(args, "progress", -1, 0, 100);
               if (!progress.ok()) return JsonError(progress.status());
               if (*progress < 0) return JsonError(InvalidArgumentError("missing 'progress' (0..100)"));
               Status recorded = p.workers().Progress(WorkerToken(req, args), static_cast<std::int32_t>(*progress));
               return recorded.ok() ? http::JsonOk() : JsonError(recorded);
             }));
}

}  // namespace fedflow::api
