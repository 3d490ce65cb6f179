#include "service/api/admin_routes.hpp"

#include <boost/json.hpp>

#include "base/log.hpp"
#include "proto/status_names.hpp"
#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

void Audit(const HttpRequest& req, const std::string& action, const std::string& job_id, const std::string& reason,
           const std::string& outcome) {
  log::Get("audit")->info("action={} by={} job_id={} reason=\"{}\" outcome={}", action, Caller(req),
                          job_id.empty() ? "-" : job_id, reason, outcome);
}

}  // namespace

void RegisterAdminRoutes(http::Router& router, JobApiDeps d) {
  router.Add("POST", "/v2/admin/job/stop",
             {"application", "Admin: stop any job (forwarded to its scheduler), recording who and why.",
              "job_id, reason (required), stop_status (canceled|failed)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               auto reason = RequireString(args, "reason");
               if (!id.ok()) return JsonError(id.status());
               if (!reason.ok()) return JsonError(reason.status());
               std::string status_s = OptionalString(args, "stop_status").value_or("");
               if (status_s.empty()) status_s = "canceled";
               HttpResponse r = StopAtScheduler(d, *id, status_s, "stopped by admin " + Caller(req) + ": " + *reason);
               Audit(req, "job.stop", *id, *reason, std::to_string(r.status));
               return r;
             }));
  router.Add("POST", "/v2/admin/job/rerun",
             {"application", "Admin: rerun any ended job (or from a component), recording who and why.",
              "job_id, reason (required), component_name"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               auto reason = RequireString(args, "reason");
               if (!id.ok()) return JsonError(id.status());
               if (!reason.ok()) return JsonError(reason.status());
               HttpResponse r = RerunAtScheduler(d, *id, OptionalString(args, "component_name").value_or(""));
               Audit(req, "job.rerun", *id, *reason, std::to_string(r.status));
               return r;
             }));
  router.Add("GET", "/v2/admin/jobs/stuck",
             {"application",
              "Admin: jobs waiting longer than a threshold (with their waiting reason) and running task attempts "
              "whose heartbeats are stale.",
              "waiting_longer_than_s (default 600), heartbeat_older_than_s (default 60)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto waiting_s = OptionalInt(args, "waiting_longer_than_s", 600, 0, 31536000);
               auto heartbeat_s = OptionalInt(args, "heartbeat_older_than_s", 60, 0, 31536000);
               if (!waiting_s.ok()) return JsonError(waiting_s.status());
               if (!heartbeat_s.ok()) return JsonError(heartbeat_s.status());
               const std::int64_t now = d.clock->NowMs();
               auto waiting = d.schedule->ListJobsByStatus({JOB_STATUS_WAITING}, 100000);
               if (!waiting.ok()) return JsonError(waiting.status());
               bj::array stuck_waiting;
               for (const auto& j : *waiting) {
                 std::int64_t since = j.waiting_since_ms ? j.waiting_since_ms : j.created_ms;
                 if (now - since < *waiting_s * 1000) continue;
                 stuck_waiting.push_back(bj::object{{"job_id", j.job_id},
                                                    {"waiting_s", (now - since) / 1000},
                                                    {"priority", j.priority},
                                                    {"waiting_reason", j.waiting_reason}});
               }
               auto running = d.tasks->ListByStatus(TASK_STATUS_RUNNING, 100000);
               if (!running.ok()) return JsonError(running.status());
               bj::array stale;
               for (const auto& a : *running) {
                 std::int64_t last = a.heartbeat_ms ? a.heartbeat_ms : a.start_ms;
                 if (now - last < *heartbeat_s * 1000) continue;
                 stale.push_back(bj::object{{"job_id", a.job_id},         {"task_name", a.task_name},
                                            {"attempt", a.attempt},       {"role", a.role},
                                            {"party_id", a.party_id},     {"pid", a.pid},
                                            {"launched_by", a.launched_by}, {"heartbeat_age_s", (now - last) / 1000}});
               }
               return JsonOk(bj::object{{"waiting", std::move(stuck_waiting)}, {"stale_heartbeats", std::move(stale)}});
             }));
  router.Add("POST", "/v2/admin/resource/release",
             {"application", "Admin: release every allocation this party holds for a job, recording who and why.",
              "job_id, reason (required)"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto id = RequireJobId(args);
               auto reason = RequireString(args, "reason");
               if (!id.ok()) return JsonError(id.status());
               if (!reason.ok()) return JsonError(reason.status());
               auto released = d.participant->resources().ReleaseByHand(*id, *reason + " (by " + Caller(req) + ")");
               if (!released.ok()) return JsonError(released.status());
               Audit(req, "resource.release", *id, *reason, "released=" + std::to_string(*released));
               return JsonOk(bj::object{{"job_id", *id}, {"released", *released}});
             }));
  router.Add("GET", "/v2/admin/drain", {"application", "Admin: is this server draining?", ""},
             [d](const HttpRequest&) -> HttpResponse {
               return JsonOk(bj::object{{"draining", d.server_state->draining()},
                                        {"reason", d.server_state->reason()},
                                        {"since", d.server_state->since_ms()}});
             });
  router.Add("POST", "/v2/admin/drain",
             {"application",
              "Admin: drain this server (no new job is submitted or admitted here; running jobs finish) or end "
              "draining.",
              "drain (true|false, required), reason"},
             WithArgs([d](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               if (!args.contains("drain")) return JsonError(InvalidArgumentError("missing required argument 'drain' (true or false)"));
               const bj::value& v = args.at("drain");
               bool drain = false;
               if (v.is_bool()) {
                 drain = v.as_bool();
               } else if (v.is_string() && (v.as_string() == "true" || v.as_string() == "false")) {
                 drain = v.as_string() == "true";
               } else {
                 return JsonError(InvalidArgumentError("'drain' must be true or false"));
               }
               std::string reason = OptionalString(args, "reason").value_or("");
               if (reason.empty()) reason = "maintenance";
               d.server_state->SetDraining(drain, reason + " (by " + Caller(req) + ")", d.clock->NowMs());
               Audit(req, drain ? "server.drain" : "server.undrain", "", reason, "ok");
               return JsonOk(bj::object{{"draining", drain}, {"reason", d.server_state->reason()}});
             }));
}

}  // namespace fedflow::api
