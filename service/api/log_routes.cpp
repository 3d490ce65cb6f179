#include "service/api/log_routes.hpp"

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/api/request_args.hpp"
#include "service/files/safe_path.hpp"
#include "service/files/tar_gz.hpp"
#include "service/files/text_lines.hpp"
#include "service/http/envelope.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

/// The file and filter a log request designates.
struct LogTarget {
  std::string path;
  std::string relative;
  files::LineRange range;
};

StatusOr<LogTarget> Resolve(const bj::object& args, const std::string& logs_dir, orm::TaskRepository& tasks) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string job_id, RequireJobId(args));
  std::string type = OptionalString(args, "log_type").value_or("");
  if (type.empty()) type = "schedule";
  LogTarget t;
  FEDFLOW_ASSIGN_OR_RETURN(t.range.begin, OptionalInt(args, "begin", 1, 1, INT64_MAX / 2));
  FEDFLOW_ASSIGN_OR_RETURN(t.range.end, OptionalInt(args, "end", 0, 0, INT64_MAX / 2));
  FEDFLOW_ASSIGN_OR_RETURN(t.range.tail, OptionalInt(args, "tail", 0, 0, 1000000));
  FEDFLOW_ASSIGN_OR_RETURN(t.range.limit, OptionalInt(args, "limit", 10000, 1, 1000000));
  if (t.range.end > 0 && t.range.end < t.range.begin) return InvalidArgumentError("'end' must not be before 'begin'");
  FEDFLOW_ASSIGN_OR_RETURN(std::string contains, OptionalString(args, "contains"));
  if (contains.size() > 200) return InvalidArgumentError("'contains' is longer than 200 characters");
  if (!contains.empty() && (type == "schedule_error" || type == "task_error")) {
    return InvalidArgumentError("'contains' cannot be combined with log_type " + type + ": search the " +
                                type.substr(0, type.find('_')) + " log instead");
  }
  // FATE-Flow's log types map onto fedflow's two files; the *_error types keep error lines only.
  if (type == "schedule" || type == "schedule_info" || type == "schedule_error") {
    t.range.contains = type == "schedule_error" ? "[error]" : contains;
    FEDFLOW_ASSIGN_OR_RETURN(t.path, files::PathUnder(logs_dir, {job_id, "schedule.log"}));
    t.relative = job_id + "/schedule.log";
    return t;
  }
  if (type != "task" && type != "task_info" && type != "task_debug" && type != "task_warning" && type != "task_error") {
    return InvalidArgumentError("unknown log_type '" + type +
                                "': use schedule (schedule_info, schedule_error) or task (task_info, task_error)");
  }
  t.range.contains = type == "task_error" ? "rror" : contains;
  FEDFLOW_ASSIGN_OR_RETURN(std::string role, RequireString(args, "role"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string party, RequireString(args, "party_id"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string task, RequireString(args, "task_name"));
  for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"role", role}, {"party_id", party},
                                   {"task_name", task}}) {
    if (!IsSafeIdentifier(value, 200)) {
      return InvalidArgumentError(std::string("'") + key + "' must be letters, digits, _ . - (got '" + value.substr(0, 64) + "')");
    }
  }
  std::int64_t attempt = -1;
  if (args.contains("attempt") || args.contains("task_version")) {
    FEDFLOW_ASSIGN_OR_RETURN(attempt, OptionalInt(args, args.contains("attempt") ? "attempt" : "task_version", 0, 0, 1000000));
  } else {
    // Latest attempt of the task at this party and role.
    auto rows = tasks.ListByJob(job_id);
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) {
      if (r.task_name == task && r.role == role && r.party_id == party && r.attempt > attempt) attempt = r.attempt;
    }
    if (attempt < 0) return NotFoundError("job " + job_id + " has no task '" + task + "' for " + role + ":" + party + " here");
  }
  std::string a = std::to_string(attempt);
  FEDFLOW_ASSIGN_OR_RETURN(t.path, files::PathUnder(logs_dir, {job_id, role, party, task, a, "task.log"}));
  t.relative = job_id + "/" + role + "/" + party + "/" + task + "/" + a + "/task.log";
  return t;
}

}  // namespace

void RegisterLogRoutes(http::Router& router, const std::string& logs_dir, orm::TaskRepository& tasks) {
  const std::string params =
      "job_id (required), log_type (schedule|schedule_error|task|task_error), role, party_id, task_name (task logs), "
      "attempt (default latest), begin, end (1-based, inclusive), tail, limit, contains (lines with this text; "
      "line numbers stay those of the file)";
  router.Add("GET", "/v2/log/query",
             {"application", "Lines of a job's schedule log or of a task attempt's log at this party.", params},
             WithArgs([logs_dir, &tasks](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto target = Resolve(args, logs_dir, tasks);
               if (!target.ok()) return JsonError(target.status());
               std::int64_t total = 0;
               auto lines = files::ReadLines(target->path, target->range, &total);
               if (!lines.ok()) return JsonError(lines.status());
               bj::array out;
               for (const auto& l : *lines) out.push_back(bj::object{{"line_num", l.number}, {"content", l.text}});
               return JsonOk(bj::object{{"file", target->relative}, {"total_lines", total}, {"lines", std::move(out)}});
             }));
  router.Add("GET", "/v2/log/count", {"application", "Number of lines a /v2/log/query would select.", params},
             WithArgs([logs_dir, &tasks](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto target = Resolve(args, logs_dir, tasks);
               if (!target.ok()) return JsonError(target.status());
               target->range.limit = INT64_MAX / 2;
               std::int64_t total = 0;
               auto lines = files::ReadLines(target->path, target->range, &total);
               if (!lines.ok()) return JsonError(lines.status());
               return JsonOk(static_cast<std::int64_t>(lines->size()));
             }));
  auto download = WithArgs([logs_dir](const HttpRequest& req, const bj::object& args) -> HttpResponse {
    auto id = RequireJobId(args);
    if (!id.ok()) return JsonError(id.status());
    auto dir = files::PathUnder(logs_dir, {*id});
    if (!dir.ok()) return JsonError(dir.status());
    auto archive = files::TarGzDirectory(*dir, "job_" + *id + "_log");
    if (!archive.ok()) return JsonError(archive.status());
    HttpResponse r;
    r.content_type = "application/gzip";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"job_" + *id + "_log.tar.gz\"");
    r.body = std::move(archive).value();
    return r;
  });
  const http::RouteDoc download_doc{"application", "This party's logs of a job as job_<id>_log.tar.gz.", "job_id (required)"};
  router.Add("POST", "/v2/job/log/download", download_doc, download);
  router.Add("GET", "/v2/job/log/download", download_doc, download);

  // The server's own logs are not a job's: only this admin route reads them.
  router.Add("GET", "/v2/admin/server/log",
             {"application", "Admin: lines of this server's own logs (server, error, audit or access).",
              "log_type (server|error|audit|access, default server), begin, end, tail, limit, contains"},
             WithArgs([logs_dir](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               std::string type = OptionalString(args, "log_type").value_or("");
               if (type.empty()) type = "server";
               if (type != "server" && type != "error" && type != "audit" && type != "access") {
                 return JsonError(InvalidArgumentError("unknown log_type '" + type.substr(0, 32) +
                                                       "': use server, error, audit or access"));
               }
               files::LineRange range;
               auto begin = OptionalInt(args, "begin", 1, 1, INT64_MAX / 2);
               auto end = OptionalInt(args, "end", 0, 0, INT64_MAX / 2);
               auto tail = OptionalInt(args, "tail", 0, 0, 1000000);
               auto limit = OptionalInt(args, "limit", 10000, 1, 1000000);
               for (const auto* v : {&begin, &end, &tail, &limit}) {
                 if (!v->ok()) return JsonError(v->status());
               }
               range.begin = *begin;
               range.end = *end;
               range.tail = *tail;
               range.limit = *limit;
               range.contains = OptionalString(args, "contains").value_or("");
               auto path = files::PathUnder(logs_dir, {"fedflow", type + ".log"});
               if (!path.ok()) return JsonError(path.status());
               std::int64_t total = 0;
               auto lines = files::ReadLines(*path, range, &total);
               if (!lines.ok()) return JsonError(lines.status());
               bj::array out;
               for (const auto& l : *lines) out.push_back(bj::object{{"line_num", l.number}, {"content", l.text}});
               return JsonOk(bj::object{{"file", "fedflow/" + type + ".log"}, {"total_lines", total}, {"lines", std::move(out)}});
             }));
}

}  // namespace fedflow::api
