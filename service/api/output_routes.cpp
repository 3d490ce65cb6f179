#include "service/api/output_routes.hpp"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

const char* kTask = "job_id, role, party_id, task_name (required), task_version (default latest)";

/// A route over one task: parses the reference, runs `body`.
template <typename Fn>
http::RouteHandler OnTask(Fn body) {
  return WithArgs([body](const HttpRequest& req, const bj::object& args) -> HttpResponse {
    auto task = tracking::TaskRefFromArgs(args);
    if (!task.ok()) return JsonError(task.status());
    return body(*task, args);
  });
}

/// Outputs of one kind, narrowed to `output_key` when given; NotFound when none.
StatusOr<std::vector<orm::OutputRow>> Selected(tracking::Tracker& tracker, const tracking::TaskRef& task,
                                               const bj::object& args, const char* kind) {
  FEDFLOW_ASSIGN_OR_RETURN(auto rows, tracker.Outputs(task, kind));
  FEDFLOW_ASSIGN_OR_RETURN(std::string key, OptionalString(args, "output_key"));
  std::vector<orm::OutputRow> out;
  for (auto& r : rows) {
    if (key.empty() || r.output_key == key) out.push_back(std::move(r));
  }
  if (out.empty()) {
    return NotFoundError(std::string("task ") + task.task_name + " of job " + task.job_id + " has no " + kind + " output" +
                         (key.empty() ? "" : " '" + key + "'") + " at " + task.role + ":" + task.party_id);
  }
  return out;
}

HttpResponse Download(const std::string& body, const std::string& filename, const std::string& type) {
  HttpResponse r;
  r.content_type = type;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.body = body;
  return r;
}

}  // namespace

void RegisterOutputRoutes(http::Router& router, tracking::Tracker& tracker) {
  const std::string task = kTask;
  router.Add("GET", "/v2/output/metric/key/query", {"application", "The metrics a task logged: namespace, name, type.", task},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object&) -> HttpResponse {
               auto keys = tracker.MetricKeys(t);
               if (!keys.ok()) return JsonError(keys.status());
               return JsonOk(*keys);
             }));
  router.Add("GET", "/v2/output/metric/query",
             {"application", "A task's metrics with their meta and data points.", task + ", namespace, name"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               auto metrics = tracker.Metrics(t, OptionalString(args, "namespace").value_or(""),
                                              OptionalString(args, "name").value_or(""), true);
               if (!metrics.ok()) return JsonError(metrics.status());
               return JsonOk(*metrics);
             }));
  router.Add("GET", "/v2/output/metric/meta/query",
             {"application", "The meta of a task's metrics (FATE 1.x get_metric_meta).", task + ", namespace, name"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               auto metrics = tracker.Metrics(t, OptionalString(args, "namespace").value_or(""),
                                              OptionalString(args, "name").value_or(""), true);
               if (!metrics.ok()) return JsonError(metrics.status());
               bj::array out;
               for (auto& m : *metrics) {
                 bj::object& o = m.as_object();
                 out.push_back(bj::object{{"namespace", o["namespace"]}, {"name", o["name"]}, {"meta", o["meta"]}});
               }
               return JsonOk(std::move(out));
             }));
  router.Add("POST", "/v2/output/metric/delete", {"application", "Delete a task's metrics (every attempt).", task},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object&) -> HttpResponse {
               auto n = tracker.DeleteMetrics(t);
               if (!n.ok()) return JsonError(n.status());
               return JsonOk(bj::object{{"deleted", *n}});
             }));
  router.Add("GET", "/v2/output/data/table",
             {"application", "A task's data outputs: location, schema and row count.", task + ", output_key"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               auto rows = Selected(tracker, t, args, "data");
               if (!rows.ok()) return JsonError(rows.status());
               bj::array out;
               for (const auto& r : *rows) out.push_back(tracking::Tracker::View(r));
               return JsonOk(std::move(out));
             }));
  router.Add("GET", "/v2/output/data/display",
             {"application", "The first rows of a task's data output.", task + ", output_key, limit (default 10, max 1000)"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               auto limit = OptionalInt(args, "limit", 10, 1, 1000);
               if (!limit.ok()) return JsonError(limit.status());
               auto rows = Selected(tracker, t, args, "data");
               if (!rows.ok()) return JsonError(rows.status());
               auto shown = tracking::Tracker::Display(rows->front(), *limit);
               if (!shown.ok()) return JsonError(shown.status());
               return JsonOk(*shown);
             }));
  router.Add("GET", "/v2/output/data/download",
             {"application", "A task's data outputs: tar.gz of CSV + meta, or one output as CSV (format=csv).",
              task + ", output_key (required with format=csv), format (tar|csv)"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               std::string format = OptionalString(args, "format").value_or("");
               if (!format.empty() && format != "tar" && format != "csv") {
                 return JsonError(InvalidArgumentError("'format' must be tar or csv"));
               }
               auto rows = Selected(tracker, t, args, "data");
               if (!rows.ok()) return JsonError(rows.status());
               const std::string name = t.job_id + "_" + t.role + "_" + t.party_id + "_" + t.task_name;
               if (format == "csv") {
                 if (rows->size() != 1) return JsonError(InvalidArgumentError("format=csv downloads one output: give output_key"));
                 std::ifstream in(rows->front().path, std::ios::binary);
                 if (!in) return JsonError(NotFoundError("the output file is gone: " + rows->front().path));
                 std::stringstream ss;
                 ss << in.rdbuf();
                 return Download(ss.str(), name + "_" + rows->front().output_key + ".csv", "text/csv");
               }
               auto archive = tracking::Tracker::Archive(*rows, name);
               if (!archive.ok()) return JsonError(archive.status());
               return Download(*archive, name + ".tar.gz", "application/gzip");
             }));
  router.Add("GET", "/v2/output/model/query",
             {"application", "A task's models: type, meta and location.", task + ", output_key"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               auto rows = Selected(tracker, t, args, "model");
               if (!rows.ok()) return JsonError(rows.status());
               bj::array out;
               for (const auto& r : *rows) out.push_back(tracking::Tracker::View(r));
               return JsonOk(std::move(out));
             }));
  router.Add("GET", "/v2/output/model/download", {"application", "A task's models as tar.gz.", task + ", output_key"},
             OnTask([&tracker](const tracking::TaskRef& t, const bj::object& args) -> HttpResponse {
               auto rows = Selected(tracker, t, args, "model");
               if (!rows.ok()) return JsonError(rows.status());
               const std::string name = t.job_id + "_" + t.role + "_" + t.party_id + "_" + t.task_name + "_model";
               auto archive = tracking::Tracker::Archive(*rows, name);
               if (!archive.ok()) return JsonError(archive.status());
               return Download(*archive, name + ".tar.gz", "application/gzip");
             }));
}

}  // namespace fedflow::api
