#include "service/api/partner_routes.hpp"

#include <boost/json.hpp>

#include "proto/status_names.hpp"
#include "service/api/idempotency.hpp"
#include "service/api/request_args.hpp"
#include "service/dsl/spec_json.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

/// Runs `body(args)` on the merged arguments; its Status or value becomes the envelope.
template <typename Fn>
HttpResponse WithArgs(const HttpRequest& req, Fn&& body) {
  auto args = Args(req);
  if (!args.ok()) return JsonError(args.status());
  return body(*args);
}

StatusOr<std::int32_t> RequireInt32(const bj::object& args, const char* key) {
  if (!args.contains(key)) return InvalidArgumentError(std::string("missing required argument '") + key + "'");
  FEDFLOW_ASSIGN_OR_RETURN(std::int64_t v, OptionalInt(args, key, 0, 0, 1000000));
  return static_cast<std::int32_t>(v);
}

StatusOr<TaskStatus> RequireTaskStatus(const bj::object& args) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string s, RequireString(args, "status"));
  return ParseTaskStatus(s);
}

HttpResponse Done(const Status& s) { return s.ok() ? JsonOk() : JsonError(s); }

/// Commands about an existing job are accepted only from its scheduler (a partner in another
/// job, even an authenticated one, cannot stop or steer this one).
http::RouteHandler OnlyFromScheduler(partner::JobParticipant& p, http::RouteHandler handler) {
  return [&p, handler = std::move(handler)](const HttpRequest& req) -> HttpResponse {
    if (!req.internal) {
      auto args = Args(req);
      if (args.ok()) {
        std::string job_id = OptionalString(*args, "job_id").value_or("");
        if (!job_id.empty()) {
          Status allowed = p.CheckCommandSender(job_id, req.Header("x-fedflow-src-party"), false);
          if (!allowed.ok()) return JsonError(allowed);
        }
      }
    }
    return handler(req);
  };
}

}  // namespace

void RegisterPartnerRoutes(http::Router& router, partner::JobParticipant& p, orm::CommandRepository& log,
                           const Clock& clock) {
  auto add = [&](const std::string& path, const std::string& summary, const std::string& params, bool idempotent,
                 http::RouteHandler handler) {
    http::RouteDoc doc{"interconnect", summary, params};
    http::RouteHandler guarded = idempotent ? Idempotent(log, clock, path, std::move(handler)) : std::move(handler);
    if (path != "/v2/partner/job/create") guarded = OnlyFromScheduler(p, std::move(guarded));
    router.Add("POST", path, doc, std::move(guarded));
  };

  add("/v2/partner/job/create", "Validate (validate_only) or create this party's part of a job.",
      "job_id, spec (JobSpec JSON), validate_only", true, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          const bj::value* spec_v = args.if_contains("spec");
          if (!spec_v || !spec_v->is_object()) return JsonError(InvalidArgumentError("missing job 'spec' object"));
          auto spec = dsl::SpecFromJson(json::Dump(*spec_v));
          if (!spec.ok()) return JsonError(spec.status());
          auto validate_only = json::GetBool(args, "validate_only", "validate_only", false);
          if (!validate_only.ok()) return JsonError(validate_only.status());
          const std::string& from = req.Header("x-fedflow-src-party");
          Status s = *validate_only ? p.ValidateJob(*spec, from, req.internal) : p.CreateJob(*spec, from, req.internal);
          return Done(s);
        });
      });
  add("/v2/partner/job/status/update", "Move this party's job rows to waiting or running.", "job_id, status, reason",
      true, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          if (!id.ok()) return JsonError(id.status());
          auto status_s = RequireString(args, "status");
          if (!status_s.ok()) return JsonError(status_s.status());
          auto status = ParseJobStatus(*status_s);
          if (!status.ok()) return JsonError(status.status());
          return Done(p.UpdateJobStatus(*id, *status, OptionalString(args, "reason").value_or("")));
        });
      });
  add("/v2/partner/job/resource/apply", "Request this party's resources for a run of the job.", "job_id, epoch", true,
      [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto epoch = RequireInt32(args, "epoch");
          if (!id.ok()) return JsonError(id.status());
          if (!epoch.ok()) return JsonError(epoch.status());
          auto grant = p.ApplyResources(*id, *epoch);
          if (!grant.ok()) return JsonError(grant.status());
          return JsonOk(bj::object{{"granted", grant->granted},
                                   {"reason", grant->reason},
                                   {"exceeds_total", grant->exceeds_total},
                                   {"cores", grant->cores}});
        });
      });
  add("/v2/partner/job/resource/return", "Release this party's resources of a run of the job.", "job_id, epoch", true,
      [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto epoch = RequireInt32(args, "epoch");
          if (!id.ok()) return JsonError(id.status());
          if (!epoch.ok()) return JsonError(epoch.status());
          return Done(p.ReturnResources(*id, *epoch));
        });
      });
  add("/v2/partner/job/start", "Start the job at this party (its resources are granted).", "job_id", true,
      [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          if (!id.ok()) return JsonError(id.status());
          return Done(p.StartJob(*id));
        });
      });
  add("/v2/partner/job/stop", "End the job at this party: kill its workers, release its resources.",
      "job_id, status (canceled|failed|timeout|success), reason", true, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          if (!id.ok()) return JsonError(id.status());
          std::string status_s = OptionalString(args, "status").value_or("");
          auto status = ParseJobStatus(status_s.empty() ? "canceled" : status_s);
          if (!status.ok()) return JsonError(status.status());
          return Done(p.StopJob(*id, *status, OptionalString(args, "reason").value_or("")));
        });
      });
  add("/v2/partner/job/update", "Record the job's progress at this party.", "job_id, progress", false,
      [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto progress = OptionalInt(args, "progress", 0, 0, 100);
          if (!id.ok()) return JsonError(id.status());
          if (!progress.ok()) return JsonError(progress.status());
          return Done(p.UpdateProgress(*id, static_cast<std::int32_t>(*progress)));
        });
      });
  add("/v2/partner/task/start", "Start this party's workers of a task attempt (idempotent).",
      "job_id, task_name, attempt", true, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto task = RequireString(args, "task_name");
          auto attempt = RequireInt32(args, "attempt");
          if (!id.ok()) return JsonError(id.status());
          if (!task.ok()) return JsonError(task.status());
          if (!attempt.ok()) return JsonError(attempt.status());
          return Done(p.StartTask(*id, *task, *attempt));
        });
      });
  add("/v2/partner/task/collect", "Statuses of task attempts at this party (one call per job).",
      "job_id, tasks: [{task_name, attempt}]", false, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          if (!id.ok()) return JsonError(id.status());
          auto list = json::GetArray(args, "tasks", "tasks", false);
          if (!list.ok()) return JsonError(list.status());
          std::vector<std::pair<std::string, std::int32_t>> wanted;
          for (const auto& v : *list) {
            if (!v.is_object()) return JsonError(InvalidArgumentError("'tasks' entries must be objects"));
            auto name = RequireString(v.as_object(), "task_name");
            auto attempt = RequireInt32(v.as_object(), "attempt");
            if (!name.ok()) return JsonError(name.status());
            if (!attempt.ok()) return JsonError(attempt.status());
            wanted.emplace_back(*name, *attempt);
          }
          auto reports = p.CollectTasks(*id, wanted);
          if (!reports.ok()) return JsonError(reports.status());
          bj::array out;
          for (const auto& r : *reports) {
            out.push_back(bj::object{{"task_name", r.task_name},
                                     {"attempt", r.attempt},
                                     {"role", r.role},
                                     {"party_id", r.party_id},
                                     {"status", TaskStatusName(r.status)},
                                     {"reason", r.reason},
                                     {"start_time", r.start_ms},
                                     {"end_time", r.end_ms},
                                     {"heartbeat_time", r.heartbeat_ms}});
          }
          return JsonOk(bj::object{{"tasks", std::move(out)}});
        });
      });
  add("/v2/partner/task/stop", "End this party's attempts of a task with a status (kills workers).",
      "job_id, task_name, attempt, status, reason", true, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto task = RequireString(args, "task_name");
          auto attempt = RequireInt32(args, "attempt");
          auto status = RequireTaskStatus(args);
          if (!id.ok()) return JsonError(id.status());
          if (!task.ok()) return JsonError(task.status());
          if (!attempt.ok()) return JsonError(attempt.status());
          if (!status.ok()) return JsonError(status.status());
          return Done(p.StopTask(*id, *task, *attempt, *status, OptionalString(args, "reason").value_or("")));
        });
      });
  add("/v2/partner/task/rerun", "Create a new attempt of a task at this party.", "job_id, task_name, attempt", true,
      [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto task = RequireString(args, "task_name");
          auto attempt = RequireInt32(args, "attempt");
          if (!id.ok()) return JsonError(id.status());
          if (!task.ok()) return JsonError(task.status());
          if (!attempt.ok()) return JsonError(attempt.status());
          return Done(p.CreateAttempt(*id, *task, *attempt));
        });
      });
  add("/v2/partner/task/status/update", "Record the federated status of a task attempt.",
      "job_id, task_name, attempt, status", true, [&p](const HttpRequest& req) {
        return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
          auto id = RequireJobId(args);
          auto task = RequireString(args, "task_name");
          auto attempt = RequireInt32(args, "attempt");
          auto status = RequireTaskStatus(args);
          if (!id.ok()) return JsonError(id.status());
          if (!task.ok()) return JsonError(task.status());
          if (!attempt.ok()) return JsonError(attempt.status());
          if (!status.ok()) return JsonError(status.status());
          return Done(p.SyncTaskStatus(*id, *task, *attempt, *status));
        });
      });
}

void RegisterWorkerRoutes(http::Router& router, partner::JobParticipant& p) {
  auto token_of = WorkerToken;
  router.Add("POST", "/v2/worker/task/status",
             {"worker", "A worker reports its attempt's status: running, success, pass or failed (with error).",
              "header X-Fedflow-Task-Token; status, error"},
             [&p, token_of](const HttpRequest& req) {
               return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
                 auto status = RequireTaskStatus(args);
                 if (!status.ok()) return JsonError(status.status());
                 return Done(p.ReportFromWorker(token_of(req, args), *status, OptionalString(args, "error").value_or("")));
               });
             });
  router.Add("POST", "/v2/worker/task/heartbeat",
             {"worker", "A worker says it is alive; 403 tells a worker whose attempt ended to stop.",
              "header X-Fedflow-Task-Token"},
             [&p, token_of](const HttpRequest& req) {
               return WithArgs(req, [&](const bj::object& args) -> HttpResponse {
                 return Done(p.HeartbeatFromWorker(token_of(req, args)));
               });
             });
}

}  // namespace fedflow::api
