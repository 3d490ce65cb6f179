#include "service/api/job_routes.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <boost/json.hpp>

#include "proto/status_names.hpp"
#include "service/api/request_args.hpp"
#include "service/api/views.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/dsl/job_planner.hpp"
#include "service/dsl/spec_json.hpp"
#include "service/http/envelope.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/json/json.hpp"
#include "service/model/pipeline_models.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

bj::object PlanView(const JobSpec& spec) {
  bj::object params{{"job_type", spec.params().job_type()},
                    {"task_cores", spec.params().task_cores()},
                    {"task_parallelism", spec.params().task_parallelism()},
                    {"auto_retries", spec.params().auto_retries()},
                    {"timeout", spec.params().timeout_ms() / 1000},
                    {"task_timeout", spec.params().task_timeout_ms() / 1000},
                    {"priority", spec.params().priority()}};
  bj::array order;
  for (const auto& t : spec.tasks()) order.emplace_back(t.name());
  // Per party: its demand and the tasks it runs, with resolved parameters.
  bj::array parties;
  for (const auto& p : spec.parties()) {
    bj::object party{{"role", p.role()}, {"party_id", p.party_id()}};
    for (const auto& d : spec.demands()) {
      if (d.role() == p.role() && d.party_id() == p.party_id()) party["cores"] = d.cores();
    }
    bj::array tasks;
    for (const auto& t : spec.tasks()) {
      for (const auto& pt : t.parties()) {
        if (pt.role() != p.role() || pt.party_id() != p.party_id()) continue;
        bj::array upstream;
        for (const auto& u : t.upstream()) upstream.emplace_back(u);
        auto parsed = json::Parse(pt.parameters_json(), "parameters");
        tasks.push_back(bj::object{{"task_name", t.name()},
                                   {"module", t.module()},
                                   {"need_run", pt.need_run()},
                                   {"upstream", std::move(upstream)},
                                   {"max_retries", t.max_retries()},
                                   {"timeout", t.timeout_ms() / 1000},
                                   {"parameters", parsed.ok() ? *parsed : bj::value(bj::object())}});
      }
    }
    party["tasks"] = std::move(tasks);
    parties.push_back(std::move(party));
  }
  bj::array warnings;
  for (const auto& w : spec.warnings()) warnings.emplace_back(w);
  return bj::object{{"format", spec.format()},
                    {"initiator", bj::object{{"role", spec.initiator().role()}, {"party_id", spec.initiator().party_id()}}},
                    {"job_parameters", std::move(params)},
                    {"task_order", std::move(order)},
                    {"warnings", std::move(warnings)},
                    {"parties", std::move(parties)}};
}

StatusOr<std::vector<JobStatus>> ParseStatusList(const bj::object& args) {
  std::vector<JobStatus> out;
  const bj::value* v = args.if_contains("status");
  if (!v || v->is_null()) return out;
  std::vector<std::string> names;
  if (v->is_array()) {
    for (const auto& x : v->as_array()) {
      if (!x.is_string()) return InvalidArgumentError("'status' entries must be strings");
      names.emplace_back(x.as_string());
    }
  } else if (v->is_string()) {
    std::string s(v->as_string());
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t comma = s.find(',', start);
      std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) names.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    return InvalidArgumentError("'status' must be a string or a list of strings");
  }
  for (const auto& n : names) {
    FEDFLOW_ASSIGN_OR_RETURN(JobStatus s, ParseJobStatus(n));
    out.push_back(s);
  }
  return out;
}

// A keyset cursor is the last row's position in the list order: "<created_ms>.<row id>".
std::string ListCursor(const orm::JobRow& last) {
  return std::to_string(last.created_ms) + "." + std::to_string(last.id);
}

StatusOr<std::pair<std::int64_t, std::uint64_t>> ParseListCursor(const std::string& text) {
  const Status bad = InvalidArgumentError("'cursor' must be a next_cursor value of an earlier answer");
  std::size_t dot = text.find('.');
  if (text.size() > 40 || dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return bad;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && (text[i] < '0' || text[i] > '9')) return bad;
  }
  if (dot > 18 || text.size() - dot - 1 > 19) return bad;  // both fit their types
  std::uint64_t id = std::stoull(text.substr(dot + 1));
  if (id == 0) return bad;
  return std::make_pair(static_cast<std::int64_t>(std::stoll(text.substr(0, dot))), id);
}

// {role: [party ids]} of a job from this party's plan; empty when the plan does not parse (a
// row from an older version), which the list shows as unknown parties rather than failing.
bj::object PartiesByRole(const std::string& plan_json) {
  bj::object by_role;
  auto spec = dsl::SpecFromJson(plan_json);
  if (!spec.ok()) return by_role;
  for (const auto& p : spec->parties()) {
    bj::value& ids = by_role[p.role()];
    if (!ids.is_array()) ids = bj::array();
    ids.as_array().push_back(bj::value(p.party_id()));
  }
  return by_role;
}

// The job's plan as this party holds it (the whole job: every task and party).
StatusOr<JobSpec> PlanHere(const JobApiDeps& d, const std::string& job_id) {
  FEDFLOW_ASSIGN_OR_RETURN(std::vector<orm::JobRow> rows, d.jobs->ListByJob(job_id));
  if (rows.empty()) {
    return Status(StatusCode::kNotFound, "no job " + job_id + " at party " + d.party_id).set_api_code(ApiCode::kJobNotFound);
  }
  return dsl::SpecFromJson(rows.front().plan_json);
}

StatusOr<orm::JobFilter> FilterOf(const bj::object& args) {
  orm::JobFilter f;
  FEDFLOW_ASSIGN_OR_RETURN(f.job_id, OptionalJobId(args));
  FEDFLOW_ASSIGN_OR_RETURN(f.role, OptionalString(args, "role"));
  FEDFLOW_ASSIGN_OR_RETURN(f.party_id, OptionalString(args, "party_id"));
  FEDFLOW_ASSIGN_OR_RETURN(f.statuses, ParseStatusList(args));
  return f;
}

HttpResponse FederatedStatus(const JobApiDeps& d, const std::string& job_id) {
  auto job = d.schedule->GetJob(job_id);
  if (!job.ok()) {
    auto scheduler_party = SchedulerPartyOf(d, job_id);
    if (!scheduler_party.ok()) return JsonError(scheduler_party.status());
    return JsonError(Status(StatusCode::kNotFound, "job " + job_id + " is scheduled by party " + *scheduler_party +
                                                       ": ask its server for the federated status")
                         .set_api_code(ApiCode::kJobNotFound));
  }
  auto spec = d.scheduler->SpecOf(*job);
  auto attempts = d.schedule->ListAllTasks(job_id);
  auto copies = d.schedule->ListTaskParties(job_id);
  if (!spec.ok()) return JsonError(spec.status());
  if (!attempts.ok()) return JsonError(attempts.status());
  if (!copies.ok()) return JsonError(copies.status());
  bj::object out = ScheduleJobView(*job);
  bj::array parties;
  for (const auto& p : (*spec)->parties()) parties.push_back(bj::object{{"role", p.role()}, {"party_id", p.party_id()}});
  out["parties"] = std::move(parties);
  bj::array tasks;
  bj::array failures;
  for (const auto& ts : (*spec)->tasks()) {
    bj::array history;
    const orm::ScheduleTaskRow* latest = nullptr;
    for (const auto& a : *attempts) {
      if (a.task_name != ts.name()) continue;
      bj::object view = ScheduleTaskView(a);
      bj::array at_parties;
      for (const auto& c : *copies) {
        if (c.task_name != a.task_name || c.attempt != a.attempt) continue;
        at_parties.push_back(TaskPartyView(c));
        if ((c.status == TASK_STATUS_FAILED || c.status == TASK_STATUS_TIMEOUT) && !c.failure_reason.empty()) {
          failures.push_back(bj::object{{"task_name", c.task_name},
                                        {"attempt", c.attempt},
                                        {"role", c.role},
                                        {"party_id", c.party_id},
                                        {"status", TaskStatusName(c.status)},
                                        {"reason", c.failure_reason}});
        }
      }
      view["parties"] = std::move(at_parties);
      history.push_back(std::move(view));
      if (!latest || a.attempt > latest->attempt) latest = &a;
    }
    bj::object task{{"task_name", ts.name()}, {"module", ts.module()}};
    task["status"] = latest ? TaskStatusName(latest->status) : "waiting";
    task["attempt"] = latest ? latest->attempt : 0;
    task["failure_reason"] = latest ? latest->failure_reason : "";
    task["attempts"] = std::move(history);
    tasks.push_back(std::move(task));
  }
  out["tasks"] = std::move(tasks);
  out["failures"] = std::move(failures);
  return JsonOk(std::move(out));
}

}  // namespace

StatusOr<std::string> SchedulerPartyOf(const JobApiDeps& d, const std::string& job_id) {
  auto rows = d.jobs->ListByJob(job_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status(StatusCode::kNotFound, "job " + job_id + " does not exist at party " + d.party_id).set_api_code(ApiCode::kJobNotFound);
  return rows->front().scheduler_party_id;
}

HttpResponse AtScheduler(const JobApiDeps& d, const std::string& job_id, const std::string& path, const std::string& body,
                         const std::function<HttpResponse()>& local) {
  auto scheduled = d.schedule->GetJob(job_id);
  if (scheduled.ok()) return local();
  auto scheduler_party = SchedulerPartyOf(d, job_id);
  if (!scheduler_party.ok()) return JsonError(scheduler_party.status());
  if (*scheduler_party == d.party_id) return JsonError(scheduled.status());
  auto replies = d.parties->Send({{*scheduler_party, path, body, interconnect::NewCommandKey(job_id, "fwd")}});
  if (!replies[0].status.ok()) return JsonError(replies[0].status);
  return JsonOk(replies[0].data, "forwarded to scheduler party " + *scheduler_party);
}

HttpResponse StopAtScheduler(const JobApiDeps& d, const std::string& job_id, const std::string& stop_status,
                             const std::string& reason) {
  auto status = ParseJobStatus(stop_status);
  if (!status.ok()) return JsonError(status.status());
  contract::SchedulerStopJob forward;
  forward.set_job_id(job_id);
  forward.set_stop_status(stop_status);
  forward.set_reason(reason);
  return AtScheduler(d, job_id, interconnect::paths::kSchedulerStop, interconnect::ToJson(forward), [&]() -> HttpResponse {
    Status s = d.scheduler->Stop(job_id, *status, reason);
    if (!s.ok()) return JsonError(s);
    return JsonOk(bj::object{{"job_id", job_id}, {"status", stop_status}});
  });
}

HttpResponse RerunAtScheduler(const JobApiDeps& d, const std::string& job_id, const std::string& component) {
  contract::SchedulerRerunJob forward;
  forward.set_job_id(job_id);
  forward.set_component_name(component);
  return AtScheduler(d, job_id, interconnect::paths::kSchedulerRerun, interconnect::ToJson(forward), [&]() -> HttpResponse {
    auto rerun = d.scheduler->Rerun(job_id, component);
    if (!rerun.ok()) return JsonError(rerun.status());
    bj::array names;
    for (const auto& n : *rerun) names.emplace_back(n);
    return JsonOk(bj::object{{"job_id", job_id}, {"tasks", std::move(names)}});
  });
}

StatusOr<JobSpec> ParseJobBody(const bj::object& args, const JobApiDeps& d) {
  bj::object prepared;
  if (d.prepare_submission) {
    auto completed = d.prepare_submission(args);
    if (!completed.ok()) return Status(completed.status()).set_api_code(ApiCode::kJobParamsError);
    prepared = std::move(completed).value();
  }
  auto spec = dsl::PlanSubmission(d.prepare_submission ? prepared : args, d.party_id, d.plan_context());
  if (!spec.ok()) return Status(spec.status()).set_api_code(ApiCode::kJobParamsError);
  return spec;
}

void RegisterJobRoutes(http::Router& router, JobApiDeps d) {
  const http::RouteDoc submit_doc{"application",
                                  "Submit a job (FATE 1.x DSL + runtime conf, or a FATE-Flow 2.x DAG); answers its job_id.",
                                  "dsl + runtime_conf (objects), or dag_schema (object or YAML text); header user_name"};
  auto submit = WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
    auto spec = ParseJobBody(args, d);
    if (!spec.ok()) return JsonError(spec.status());
    spec->set_user_name(req.Header("user_name"));
    spec->set_description(OptionalString(args, "description").value_or(""));
    auto result = d.scheduler->Submit(std::move(spec).value());
    if (!result.ok()) return JsonError(result.status());
    bj::object data = PlanView(result->spec);
    data["job_id"] = result->job_id;
    // Where the registry keeps the job's models (a predict job: the model it reads).
    model::ModelKey key = model::TrainedModelKey(result->spec);
    if (key.model_id.empty()) key = {result->spec.params().model_id(), result->spec.params().model_version()};
    data["model_id"] = key.model_id;
    data["model_version"] = key.model_version;
    return JsonOk(std::move(data), "success", bj::object{{"job_id", result->job_id}});
  }, ApiCode::kJobParamsError);
  router.Add("POST", "/v2/job/submit", submit_doc, submit);

  router.Add("POST", "/v2/job/plan",
             {"application", "Dry run: validate a job and answer the per-party task plan without creating it.",
              "dsl + runtime_conf, or dag_schema"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto spec = ParseJobBody(args, d);
               if (!spec.ok()) return JsonError(spec.status());
               return JsonOk(PlanView(*spec));
             }, ApiCode::kJobParamsError));

  auto query = WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
    auto filter = FilterOf(args);
    if (!filter.ok()) return JsonError(filter.status());
    filter->limit = 1000;
    // One job's rows (the common query) come in the job key's order, role then party, straight
    // from its index; the other filters apply to those few rows.
    auto rows = filter->job_id.empty() ? d.jobs->List(*filter) : d.jobs->ListByJob(filter->job_id);
    if (!rows.ok()) return JsonError(rows.status());
    bj::array out;
    for (const auto& r : *rows) {
      if (!filter->role.empty() && r.role != filter->role) continue;
      if (!filter->party_id.empty() && r.party_id != filter->party_id) continue;
      if (!filter->statuses.empty() &&
          std::find(filter->statuses.begin(), filter->statuses.end(), r.status) == filter->statuses.end()) {
        continue;
      }
      out.push_back(JobView(r));
    }
    if (out.empty() && !filter->job_id.empty()) {
      return JsonError(Status(StatusCode::kNotFound, "no job " + filter->job_id + " at party " + d.party_id).set_api_code(ApiCode::kJobNotFound));
    }
    return JsonOk(std::move(out));
  });
  const http::RouteDoc query_doc{"application", "This party's rows of jobs matching the filters.",
                                 "job_id, role, party_id, status", /*quick_read=*/true};
  router.Add("GET", "/v2/job/query", query_doc, query);
  router.Add("POST", "/v2/job/query", query_doc, query);

  router.Add("GET", "/v2/job/list/query",
             {"application",
              "Page through this party's jobs, newest first. A full page answers next_cursor: pass it as "
              "cursor for the next page (keyset paging: every page costs the same).",
              "limit (default 20), page (from 1), cursor (from next_cursor; not with page), job_id, role, "
              "party_id, status (list), text (in the job id or description, at most 64 characters), "
              "order (desc|asc), parties (true: every row lists the job's parties by role)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto filter = FilterOf(args);
               if (!filter.ok()) return JsonError(filter.status());
               auto text = OptionalString(args, "text");
               auto with_parties = OptionalBool(args, "parties", false);
               if (!text.ok()) return JsonError(text.status());
               if (!with_parties.ok()) return JsonError(with_parties.status());
               if (text->size() > 64) return JsonError(InvalidArgumentError("'text' is longer than 64 characters"));
               filter->text = *text;
               auto limit = OptionalInt(args, "limit", 20, 1, 1000);
               auto page = OptionalInt(args, "page", 1, 1, 1000000);
               auto cursor = OptionalString(args, "cursor");
               std::string order = OptionalString(args, "order").value_or("?");
               if (!limit.ok()) return JsonError(limit.status());
               if (!page.ok()) return JsonError(page.status());
               if (!cursor.ok()) return JsonError(cursor.status());
               if (order != "" && order != "desc" && order != "asc") {
                 return JsonError(InvalidArgumentError("'order' must be desc or asc"));
               }
               if (!cursor->empty()) {
                 if (*page != 1) return JsonError(InvalidArgumentError("give either 'page' or 'cursor', not both"));
                 auto position = ParseListCursor(*cursor);
                 if (!position.ok()) return JsonError(position.status());
                 filter->after_created_ms = position->first;
                 filter->after_id = position->second;
               }
               filter->limit = static_cast<std::size_t>(*limit);
               filter->offset = static_cast<std::size_t>((*page - 1) * *limit);
               filter->newest_first = order != "asc";
               auto rows = d.jobs->List(*filter);
               auto count = d.jobs->Count(*filter);
               if (!rows.ok()) return JsonError(rows.status());
               if (!count.ok()) return JsonError(count.status());
               bj::array out;
               for (const auto& r : *rows) {
                 bj::object view = JobView(r);
                 if (*with_parties) view["parties"] = PartiesByRole(r.plan_json);
                 out.push_back(std::move(view));
               }
               bj::object reply{{"count", *count}, {"data", std::move(out)}};
               if (rows->size() == filter->limit) reply["next_cursor"] = ListCursor(rows->back());
               return JsonOk(std::move(reply));
             }));

  router.Add("GET", "/v2/job/task/query",
             {"application", "This party's task attempts of a job (latest attempt of each, or all with all=true).",
              "job_id (required), role, party_id, task_name, status, all"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               auto role = OptionalString(args, "role").value_or("");
               auto party = OptionalString(args, "party_id").value_or("");
               auto task = OptionalString(args, "task_name").value_or("");
               auto status = OptionalString(args, "status").value_or("");
               bool all = OptionalString(args, "all").value_or("") == "true";
               auto rows = d.tasks->ListByJob(*id);
               if (!rows.ok()) return JsonError(rows.status());
               std::map<std::string, int> latest;
               for (const auto& r : *rows) {
                 auto key = r.task_name + "/" + r.role + "/" + r.party_id;
                 latest[key] = std::max(latest[key], r.attempt);
               }
               bj::array out;
               for (const auto& r : *rows) {
                 if (!all && r.attempt != latest[r.task_name + "/" + r.role + "/" + r.party_id]) continue;
                 if ((!role.empty() && r.role != role) || (!party.empty() && r.party_id != party) ||
                     (!task.empty() && r.task_name != task) || (!status.empty() && TaskStatusName(r.status) != status)) {
                   continue;
                 }
                 out.push_back(TaskAttemptView(r));
               }
               if (rows->empty()) {
                 return JsonError(Status(StatusCode::kNotFound, "job " + *id + " has no tasks at party " + d.party_id).set_api_code(ApiCode::kJobNotFound));
               }
               return JsonOk(std::move(out));
             }));

  router.Add("GET", "/v2/job/status",
             {"application",
              "fedflow: the federated view of a job at its scheduler: every party's status of every task attempt, "
              "with the party and reason of each failure.",
              "job_id (required)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               return FederatedStatus(d, *id);
             }));

  router.Add("POST", "/v2/job/stop",
             {"application", "Stop a job at every party (default status canceled). Idempotent.",
              "job_id (required), stop_status (canceled|failed), reason"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               std::string status_s = OptionalString(args, "stop_status").value_or("");
               if (status_s.empty()) status_s = "canceled";
               auto status = ParseJobStatus(status_s);
               if (!status.ok()) return JsonError(status.status());
               std::string reason = OptionalString(args, "reason").value_or("");
               if (reason.empty()) reason = "stopped by " + (req.Header("user_name").empty() ? "user" : req.Header("user_name"));
               return StopAtScheduler(d, *id, status_s, reason);
             }));

  router.Add("POST", "/v2/job/rerun",
             {"application",
              "Rerun an ended job: its unsuccessful tasks, or component_name and everything downstream of it.",
              "job_id (required), component_name"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               std::string component = OptionalString(args, "component_name").value_or("");
               return RerunAtScheduler(d, *id, component);
             }));

  auto original = [d](const char* what) {
    return WithArgs([d, what](const HttpRequest& req, const bj::object& args) -> HttpResponse {
      auto id = RequireJobId(args);
      if (!id.ok()) return JsonError(id.status());
      auto rows = d.jobs->ListByJob(*id);
      if (!rows.ok()) return JsonError(rows.status());
      if (rows->empty()) return JsonError(Status(StatusCode::kNotFound, "no job " + *id + " at party " + d.party_id).set_api_code(ApiCode::kJobNotFound));
      auto spec = dsl::SpecFromJson(rows->front().plan_json);
      if (!spec.ok()) return JsonError(spec.status());
      auto parsed = json::Parse(std::string(what) == "dsl" ? spec->dsl_json() : spec->conf_json(), what);
      if (!parsed.ok()) return JsonError(parsed.status());
      return JsonOk(*parsed);
    });
  };
  router.Add("GET", "/v2/job/dsl", {"application", "The DSL the job was submitted with.", "job_id (required)"},
             original("dsl"));
  router.Add("GET", "/v2/job/conf", {"application", "The runtime conf the job was submitted with.", "job_id (required)"},
             original("conf"));

  router.Add("GET", "/v2/job/task/list/query",
             {"application", "Page through this party's task attempts of a job.",
              "job_id (required), limit (default 20), page (from 1), role, party_id, task_name"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               auto limit = OptionalInt(args, "limit", 20, 1, 1000);
               auto page = OptionalInt(args, "page", 1, 1, 1000000);
               if (!id.ok()) return JsonError(id.status());
               if (!limit.ok()) return JsonError(limit.status());
               if (!page.ok()) return JsonError(page.status());
               std::string role = OptionalString(args, "role").value_or("");
               std::string party = OptionalString(args, "party_id").value_or("");
               std::string task = OptionalString(args, "task_name").value_or("");
               auto rows = d.tasks->ListByJob(*id);
               if (!rows.ok()) return JsonError(rows.status());
               std::vector<orm::TaskAttemptRow> selected;
               for (const auto& r : *rows) {
                 if ((role.empty() || r.role == role) && (party.empty() || r.party_id == party) &&
                     (task.empty() || r.task_name == task)) {
                   selected.push_back(r);
                 }
               }
               bj::array out;
               std::size_t from = static_cast<std::size_t>((*page - 1) * *limit);
               for (std::size_t i = from; i < selected.size() && i < from + static_cast<std::size_t>(*limit); ++i) {
                 out.push_back(TaskAttemptView(selected[i]));
               }
               return JsonOk(bj::object{{"count", selected.size()}, {"data", std::move(out)}});
             }));

  router.Add("POST", "/v2/job/queue/clean",
             {"application", "Stop (as canceled) every waiting job this party schedules.", ""},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto waiting = d.schedule->ListJobsByStatus({JOB_STATUS_WAITING}, 100000);
               if (!waiting.ok()) return JsonError(waiting.status());
               bj::object result;
               for (const auto& job : *waiting) {
                 Status s = d.scheduler->Stop(job.job_id, JOB_STATUS_CANCELED, "queue cleaned");
                 result[job.job_id] = s.ok() ? "canceled" : s.message();
               }
               return JsonOk(std::move(result));
             }));

  router.Add("POST", "/v2/job/clean",
             {"application",
              "Forget an ended job at this party: its rows, resource ledger and task directories (logs stay). A "
              "job still running is stopped first.",
              "job_id (required)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               auto local = d.jobs->ListByJob(*id);
               auto scheduled = d.schedule->GetJob(*id);
               if (!local.ok()) return JsonError(local.status());
               if (local->empty() && !scheduled.ok()) {
                 return JsonError(Status(StatusCode::kNotFound, "no job " + *id + " at party " + d.party_id).set_api_code(ApiCode::kJobNotFound));
               }
               if (scheduled.ok()) {
                 if (!IsEndStatus(scheduled->status)) {
                   Status stopped = d.scheduler->Stop(*id, JOB_STATUS_CANCELED, "cleaned");
                   if (!stopped.ok()) return JsonError(stopped);
                 }
                 Status forgotten = d.scheduler->Forget(*id);
                 if (!forgotten.ok()) return JsonError(forgotten);
               }
               auto removed = d.participant->jobs().Clean(*id);
               if (!removed.ok()) return JsonError(removed.status());
               return JsonOk(bj::object{{"job_id", *id}, {"rows_removed", *removed}, {"scheduler_rows_removed", scheduled.ok()}});
             }));

  router.Add("GET", "/v2/job/data/view",
             {"application", "The tables each party's Reader components read in a job.", "job_id (required)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               auto rows = d.jobs->ListByJob(*id);
               if (!rows.ok()) return JsonError(rows.status());
               if (rows->empty()) return JsonError(Status(StatusCode::kNotFound, "no job " + *id + " at party " + d.party_id).set_api_code(ApiCode::kJobNotFound));
               auto spec = dsl::SpecFromJson(rows->front().plan_json);
               if (!spec.ok()) return JsonError(spec.status());
               bj::object view;
               for (const auto& t : spec->tasks()) {
                 for (const auto& p : t.parties()) {
                   auto params = json::Parse(p.parameters_json(), "parameters");
                   if (!params.ok() || !params->is_object()) continue;
                   const bj::object& o = params->as_object();
                   // 1.x Reader: {"table": {namespace, name}}; 2.x reader: {namespace, name}.
                   const bj::object* table = &o;
                   if (const bj::value* tv = o.if_contains("table"); tv && tv->is_object()) table = &tv->as_object();
                   const bj::value* ns = table->if_contains("namespace");
                   const bj::value* nm = table->if_contains("name");
                   if (!ns || !nm || !ns->is_string() || !nm->is_string()) continue;
                   bj::value& by_role = view[p.role()];
                   if (!by_role.is_object()) by_role = bj::object();
                   bj::value& list = by_role.as_object()[p.party_id()];
                   if (!list.is_array()) list = bj::array();
                   list.as_array().push_back(bj::object{{"namespace", *ns}, {"name", *nm}, {"task_name", t.name()}});
                 }
               }
               return JsonOk(bj::object{{"job_id", *id}, {"data_view", std::move(view)}});
             }));

  router.Add("POST", "/v2/job/notes/add",
             {"application", "Set the notes (description) of this party's job rows.",
              "job_id (required), notes (required), role, party_id"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               auto notes = RequireString(args, "notes");
               if (!id.ok()) return JsonError(id.status());
               if (!notes.ok()) return JsonError(notes.status());
               std::string role = OptionalString(args, "role").value_or("");
               std::string party = OptionalString(args, "party_id").value_or("");
               auto rows = d.jobs->ListByJob(*id);
               if (!rows.ok()) return JsonError(rows.status());
               int updated = 0;
               for (const auto& r : *rows) {
                 if ((!role.empty() && r.role != role) || (!party.empty() && r.party_id != party)) continue;
                 Status s = d.jobs->SetDescription(r.id, *notes, d.clock->NowMs());
                 if (!s.ok()) return JsonError(s);
                 ++updated;
               }
               if (updated == 0) return JsonError(Status(StatusCode::kNotFound, "no matching row of job " + *id + " at party " + d.party_id).set_api_code(ApiCode::kJobNotFound));
               return JsonOk(bj::object{{"job_id", *id}, {"updated", updated}});
             }));

  router.Add("GET", "/v2/job/task/parameters",
             {"application",
              "fedflow: a task's module, provider, inputs and parameters per role and party, from the job's plan "
              "at this party.",
              "job_id (required), task_name (required)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               auto task = RequireString(args, "task_name");
               if (!id.ok()) return JsonError(id.status());
               if (!task.ok()) return JsonError(task.status());
               auto spec = PlanHere(d, *id);
               if (!spec.ok()) return JsonError(spec.status());
               for (const auto& t : spec->tasks()) {
                 if (t.name() != *task) continue;
                 bj::array parties, inputs;
                 for (const auto& p : t.parties()) {
                   parties.push_back(bj::object{{"role", p.role()},
                                                {"party_id", p.party_id()},
                                                {"need_run", p.need_run()},
                                                {"parameters", json::Parse(p.parameters_json(), "parameters")
                                                                   .value_or(bj::value(bj::object()))}});
                 }
                 for (const auto& in : t.inputs()) {
                   inputs.push_back(bj::object{{"kind", in.kind()}, {"key", in.key()},
                                               {"producer", in.producer()}, {"output", in.output()}});
                 }
                 return JsonOk(bj::object{{"task_name", t.name()},
                                          {"module", t.module()},
                                          {"provider", t.provider()},
                                          {"inputs", std::move(inputs)},
                                          {"parties", std::move(parties)}});
               }
               return JsonError(NotFoundError("job " + *id + " has no task '" + *task + "'"));
             }));

  router.Add("GET", "/v2/job/dag/dependency",
             {"application", "The job's component graph: components, modules and the data/model edges between them.",
              "job_id (required)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               if (!id.ok()) return JsonError(id.status());
               auto spec = PlanHere(d, *id);
               if (!spec.ok()) return JsonError(spec.status());
               bj::array components;
               bj::object modules, dependencies;
               for (const auto& t : spec->tasks()) {
                 components.push_back(bj::object{{"component_name", t.name()}});
                 modules[t.name()] = t.module();
                 bj::array ups;
                 for (const auto& up : t.upstream()) {
                   std::string type = "data";
                   for (const auto& in : t.inputs()) {
                     if (in.producer() == up && in.kind() != "data") type = "model";
                   }
                   ups.push_back(bj::object{{"component_name", up}, {"type", type}});
                 }
                 dependencies[t.name()] = std::move(ups);
               }
               return JsonOk(bj::object{{"component_list", std::move(components)},
                                        {"component_module", std::move(modules)},
                                        {"dependencies", std::move(dependencies)}});
             }));
}

}  // namespace fedflow::api
