#include "service/api/worker_data_routes.hpp"

#include <algorithm>
#include <sstream>

#include <boost/json.hpp>

#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"
#include "service/security/partner_permission.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

using WorkerHandler = std::function<HttpResponse(const orm::TaskAttemptRow&, const bj::object&)>;

/// Resolves the attempt from the token, then runs the handler.
http::RouteHandler ForAttempt(partner::JobParticipant& p, WorkerHandler handler) {
  return WithArgs([&p, handler = std::move(handler)](const HttpRequest& req, const bj::object& args) -> HttpResponse {
    auto attempt = p.workers().AttemptOfToken(WorkerToken(req, args));
    if (!attempt.ok()) return JsonError(attempt.status());
    return handler(*attempt, args);
  });
}

StatusOr<bj::array> ArrayArg(const bj::object& args, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const bj::value* v = args.if_contains(k);
    if (!v) continue;
    if (!v->is_array()) return InvalidArgumentError(std::string("'") + k + "' must be a list");
    return v->as_array();
  }
  return InvalidArgumentError(std::string("missing '") + *keys.begin() + "' list");
}

/// The table, if this attempt's task was given it (a worker reads only what its job names).
StatusOr<orm::TableRow> TableForAttempt(partner::JobParticipant& p, data::TableService& tables,
                                        const orm::TaskAttemptRow& a, const bj::object& args) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string ns, RequireString(args, "namespace"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string name, RequireString(args, "name"));
  FEDFLOW_ASSIGN_OR_RETURN(auto spec, p.SpecOf(a.job_id));
  std::vector<std::string> allowed;
  for (const auto& t : spec->tasks()) {
    if (t.name() == a.task_name) allowed = security::TablesReadBy(*spec, t, a.party_id);
  }
  if (std::find(allowed.begin(), allowed.end(), ns + "." + name) == allowed.end()) {
    return PermissionDeniedError("task " + a.task_name + " of job " + a.job_id + " was not given table " + ns + "." +
                                 name + " (its parameters name the tables it reads)");
  }
  return tables.Get(ns, name);
}

}  // namespace

void RegisterWorkerDataRoutes(http::Router& router, partner::JobParticipant& p, tracking::Tracker& tracker,
                              data::TableService& tables) {
  const std::string token = "header X-Fedflow-Task-Token; ";
  router.Add("POST", "/v2/worker/metric/data/save",
             {"worker", "Log metric data points of the attempt (FATE 1.x log_metric_data).",
              token + "namespace, name, metrics [{key, value, timestamp}]"},
             ForAttempt(p, [&tracker](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto ns = RequireString(args, "namespace");
               auto name = RequireString(args, "name");
               auto points = ArrayArg(args, {"metrics", "data"});
               if (!ns.ok()) return JsonError(ns.status());
               if (!name.ok()) return JsonError(name.status());
               if (!points.ok()) return JsonError(points.status());
               Status s = tracker.LogMetricData(a, *ns, *name, *points);
               return s.ok() ? JsonOk() : JsonError(s);
             }));
  router.Add("POST", "/v2/worker/metric/meta/save",
             {"worker", "Set the meta of a metric of the attempt (FATE 1.x set_metric_meta).",
              token + "namespace, name, meta {metric_type, ...}"},
             ForAttempt(p, [&tracker](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto ns = RequireString(args, "namespace");
               auto name = RequireString(args, "name");
               if (!ns.ok()) return JsonError(ns.status());
               if (!name.ok()) return JsonError(name.status());
               const bj::value* meta = args.if_contains("meta");
               if (!meta || !meta->is_object()) return JsonError(InvalidArgumentError("'meta' must be an object"));
               Status s = tracker.SetMetricMeta(a, *ns, *name, meta->as_object());
               return s.ok() ? JsonOk() : JsonError(s);
             }));
  router.Add("POST", "/v2/worker/metric/save",
             {"worker", "Save FATE-Flow 2.x MetricData of the attempt.", token + "data [{name, type, groups, step_axis, data}]"},
             ForAttempt(p, [&tracker](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto data = ArrayArg(args, {"data"});
               if (!data.ok()) return JsonError(data.status());
               Status s = tracker.SaveMetrics(a, *data);
               return s.ok() ? JsonOk() : JsonError(s);
             }));
  router.Add("POST", "/v2/worker/data/tracking/save",
             {"worker", "Register a data output (CSV) of the attempt; its schema and count are read from the file.",
              token + "output_key, path (under the attempt directory), id_column, label_column"},
             ForAttempt(p, [&tracker](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto key = RequireString(args, "output_key");
               auto path = RequireString(args, "path");
               if (!key.ok()) return JsonError(key.status());
               if (!path.ok()) return JsonError(path.status());
               auto row = tracker.RegisterData(a, *key, *path, OptionalString(args, "id_column").value_or(""),
                                               OptionalString(args, "label_column").value_or(""));
               if (!row.ok()) return JsonError(row.status());
               return JsonOk(tracking::Tracker::View(*row));
             }));
  router.Add("POST", "/v2/worker/model/save",
             {"worker", "Register a model output (file or directory) of the attempt.",
              token + "output_key, path (under the attempt directory), type_name, meta"},
             ForAttempt(p, [&tracker](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto key = RequireString(args, "output_key");
               auto path = RequireString(args, "path");
               if (!key.ok()) return JsonError(key.status());
               if (!path.ok()) return JsonError(path.status());
               bj::object meta;
               if (const bj::value* m = args.if_contains("meta"); m && m->is_object()) meta = m->as_object();
               auto row = tracker.RegisterModel(a, *key, *path, OptionalString(args, "type_name").value_or(""), meta);
               if (!row.ok()) return JsonError(row.status());
               return JsonOk(tracking::Tracker::View(*row));
             }));
  router.Add("GET", "/v2/worker/data/table/query",
             {"worker", "A table the attempt's task reads: engine, location and schema (the Reader).",
              token + "namespace, name"},
             ForAttempt(p, [&p, &tables](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto table = TableForAttempt(p, tables, a, args);
               if (!table.ok()) return JsonError(table.status());
               return JsonOk(data::TableService::View(*table));
             }));
  router.Add("GET", "/v2/worker/data/table/download",
             {"worker", "The rows of a table the attempt's task reads, as CSV (for tables workers cannot open).",
              token + "namespace, name"},
             ForAttempt(p, [&p, &tables](const orm::TaskAttemptRow& a, const bj::object& args) -> HttpResponse {
               auto table = TableForAttempt(p, tables, a, args);
               if (!table.ok()) return JsonError(table.status());
               std::ostringstream csv;
               Status s = tables.WriteCsv(*table, csv);
               if (!s.ok()) return JsonError(s);
               http::HttpResponse r;
               r.content_type = "text/csv";
               r.body = std::move(csv).str();
               return r;
             }));
}

}  // namespace fedflow::api
