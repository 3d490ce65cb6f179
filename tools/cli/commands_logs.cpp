// fedflow job log / job clean / resource query / admin ...

#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "tools/cli/commands.hpp"
#include "tools/cli/output.hpp"

namespace fedflow::cli {

namespace bj = boost::json;

namespace {

int Usage(Context& ctx, const Status& s) {
  ctx.err << "error: " << s.message() << "\n";
  return kExitUsage;
}

int PrintOrJson(Context& ctx, const StatusOr<Answer>& answer, const std::function<void(const Answer&)>& print) {
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, answer, &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else {
    print(a);
  }
  return kExitOk;
}

/// fedflow job log -j ID [--type schedule|task] [-r role -p party -t task --attempt N] [--tail N] [--begin B --end E]
/// fedflow job log download -j ID [-o DIR]
int JobLog(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) return Usage(ctx, job.status());
  if (!cl.positional().empty() && cl.positional()[0] == "download") {
    auto a = ctx.api.Get("/v2/job/log/download", bj::object{{"job_id", *job}});
    int code = kExitOk;
    Answer answer;
    if (!Call(ctx, a, &code, &answer)) return code;
    std::string dir = cl.Get({"o", "output"});
    std::string path = (dir.empty() ? "." : dir) + "/job_" + *job + "_log.tar.gz";
    std::ofstream out(path, std::ios::binary);
    out << answer.raw;
    if (!out) return Usage(ctx, InvalidArgumentError("cannot write " + path));
    ctx.out << "wrote " << path << " (" << answer.raw.size() << " bytes)\n";
    return kExitOk;
  }
  bj::object q{{"job_id", *job}};
  std::string type = cl.Get({"type"});
  std::string task = cl.Get({"t", "task"});
  if (type.empty()) type = task.empty() ? "schedule" : "task";
  q["log_type"] = type;
  auto copy = [&](const char* key, std::initializer_list<const char*> names) {
    std::string v = cl.Get(names);
    if (!v.empty()) q[key] = v;
  };
  copy("role", {"r", "role"});
  copy("party_id", {"p", "party-id"});
  copy("task_name", {"t", "task"});
  copy("attempt", {"attempt"});
  copy("tail", {"tail"});
  copy("begin", {"begin"});
  copy("end", {"end"});
  return PrintOrJson(ctx, ctx.api.Get("/v2/log/query", q), [&](const Answer& a) {
    for (const auto& l : a.data.at("lines").as_array()) ctx.out << Field(l, "content") << "\n";
  });
}

int JobClean(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) return Usage(ctx, job.status());
  return PrintOrJson(ctx, ctx.api.Post("/v2/job/clean", bj::object{{"job_id", *job}}), [&](const Answer& a) {
    ctx.out << "job " << *job << " cleaned (" << Field(a.data, "rows_removed") << " rows)\n";
  });
}

int ResourceQuery(Context& ctx, const CommandLine& cl) {
  bj::object q;
  if (!cl.Get({"j", "job-id"}).empty()) q["job_id"] = cl.Get({"j", "job-id"});
  return PrintOrJson(ctx, ctx.api.Get("/v2/resource/query", q), [&](const Answer& a) {
    ctx.out << "party " << Field(a.data, "party_id") << ": " << Field(a.data, "free_cores") << " of "
            << Field(a.data, "cores") << " cores free, " << Field(a.data, "running_jobs") << " job(s) holding resources";
    if (Field(a.data, "max_running_jobs") != "0") ctx.out << " (limit " << Field(a.data, "max_running_jobs") << ")";
    ctx.out << "\n";
    Table t({"JOB_ID", "EPOCH", "STATUS", "CORES", "REASON"});
    for (const auto& r : a.data.at("allocations").as_array()) {
      t.Add({Field(r, "job_id"), Field(r, "epoch"), Field(r, "status"), Field(r, "cores"), Field(r, "reason")});
    }
    if (!t.empty()) t.Print(ctx.out);
  });
}

int AdminJob(Context& ctx, const CommandLine& cl, const std::string& action) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  auto reason = cl.Require({"reason"}, "reason (it goes to the audit log)");
  if (!job.ok()) return Usage(ctx, job.status());
  if (!reason.ok()) return Usage(ctx, reason.status());
  bj::object body{{"job_id", *job}, {"reason", *reason}};
  if (!cl.Get({"cpn", "component"}).empty()) body["component_name"] = cl.Get({"cpn", "component"});
  return PrintOrJson(ctx, ctx.api.Post("/v2/admin/job/" + action, body),
                     [&](const Answer&) { ctx.out << "job " << *job << ": " << action << " done\n"; });
}

int AdminStuck(Context& ctx, const CommandLine& cl) {
  bj::object q;
  if (!cl.Get({"waiting-longer-than"}).empty()) q["waiting_longer_than_s"] = cl.Get({"waiting-longer-than"});
  if (!cl.Get({"stale-heartbeat"}).empty()) q["heartbeat_older_than_s"] = cl.Get({"stale-heartbeat"});
  return PrintOrJson(ctx, ctx.api.Get("/v2/admin/jobs/stuck", q), [&](const Answer& a) {
    Table waiting({"JOB_ID", "WAITING_S", "PRIORITY", "WAITING_REASON"});
    for (const auto& j : a.data.at("waiting").as_array()) {
      waiting.Add({Field(j, "job_id"), Field(j, "waiting_s"), Field(j, "priority"), Field(j, "waiting_reason")});
    }
    ctx.out << "waiting jobs:\n";
    if (waiting.empty()) ctx.out << "  none\n"; else waiting.Print(ctx.out);
    Table stale({"JOB_ID", "TASK", "ATTEMPT", "ROLE", "PARTY", "PID", "HEARTBEAT_AGE_S"});
    for (const auto& t : a.data.at("stale_heartbeats").as_array()) {
      stale.Add({Field(t, "job_id"), Field(t, "task_name"), Field(t, "attempt"), Field(t, "role"), Field(t, "party_id"),
                 Field(t, "pid"), Field(t, "heartbeat_age_s")});
    }
    ctx.out << "running attempts with stale heartbeats:\n";
    if (stale.empty()) ctx.out << "  none\n"; else stale.Print(ctx.out);
  });
}

int AdminRelease(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  auto reason = cl.Require({"reason"}, "reason (it goes to the audit log)");
  if (!job.ok()) return Usage(ctx, job.status());
  if (!reason.ok()) return Usage(ctx, reason.status());
  return PrintOrJson(ctx, ctx.api.Post("/v2/admin/resource/release", bj::object{{"job_id", *job}, {"reason", *reason}}),
                     [&](const Answer& a) { ctx.out << "released " << Field(a.data, "released") << " allocation(s)\n"; });
}

int AdminDrain(Context& ctx, const CommandLine& cl) {
  if (cl.positional().empty()) {
    return PrintOrJson(ctx, ctx.api.Get("/v2/admin/drain"), [&](const Answer& a) {
      ctx.out << (a.data.at("draining").as_bool() ? "draining: " + Field(a.data, "reason") : std::string("not draining"))
              << "\n";
    });
  }
  const std::string& what = cl.positional()[0];
  if (what != "on" && what != "off") return Usage(ctx, InvalidArgumentError("use 'admin drain on' or 'admin drain off'"));
  bj::object body{{"drain", what == "on"}};
  if (!cl.Get({"reason"}).empty()) body["reason"] = cl.Get({"reason"});
  return PrintOrJson(ctx, ctx.api.Post("/v2/admin/drain", body), [&](const Answer& a) {
    ctx.out << (a.data.at("draining").as_bool() ? "draining: no new job starts here; running jobs finish\n"
                                                : "not draining: jobs are admitted again\n");
  });
}

/// fedflow admin log [--type server|error|audit|access] [--tail N] [--grep TEXT]
int AdminLog(Context& ctx, const CommandLine& cl) {
  bj::object q;
  std::string type = cl.Get({"type"});
  q["log_type"] = type.empty() ? "server" : type;
  std::string tail = cl.Get({"tail"});
  q["tail"] = tail.empty() ? "100" : tail;
  if (!cl.Get({"grep"}).empty()) q["contains"] = cl.Get({"grep"});
  return PrintOrJson(ctx, ctx.api.Get("/v2/admin/server/log", q), [&](const Answer& a) {
    for (const auto& l : a.data.at("lines").as_array()) ctx.out << Field(l, "content") << "\n";
  });
}

}  // namespace

void RegisterLogCommands() {
  auto& r = Registry();
  r.push_back({"job", "log", "A job's schedule log or a task attempt's log at this party; 'job log download' fetches all.",
               "  -j, --job-id ID      the job\n"
               "  -t, --task NAME      a task's log (with -r, -p; --attempt N, default the latest)\n"
               "  -r, --role ROLE  -p, --party-id ID\n"
               "  --type TYPE          schedule (default), schedule_error, task, task_error\n"
               "  --tail N  --begin N  --end N    a slice of the lines\n"
               "  download [-o DIR]    write job_<id>_log.tar.gz (every log of the job at this party)\n",
               {"j", "job-id", "t", "task", "r", "role", "p", "party-id", "attempt", "type", "tail", "begin", "end", "o",
                "output"},
               {}, JobLog});
  r.push_back({"job", "clean", "Forget an ended job at this party (rows, ledger, task directories; logs stay).",
               "  -j, --job-id ID\n", {"j", "job-id"}, {}, JobClean});
  r.push_back({"resource", "query", "This party's capacity, free cores and allocations (of one job with -j).",
               "  -j, --job-id ID\n", {"j", "job-id"}, {}, ResourceQuery});
  r.push_back({"admin", "stop", "Stop any job, with a reason recorded in the audit log.",
               "  -j, --job-id ID  --reason TEXT (required)\n", {"j", "job-id", "reason"}, {},
               [](Context& c, const CommandLine& cl) { return AdminJob(c, cl, "stop"); }});
  r.push_back({"admin", "rerun", "Rerun any ended job (or from a component), with a reason in the audit log.",
               "  -j, --job-id ID  --reason TEXT (required)  --cpn, --component NAME\n",
               {"j", "job-id", "reason", "cpn", "component"}, {},
               [](Context& c, const CommandLine& cl) { return AdminJob(c, cl, "rerun"); }});
  r.push_back({"admin", "stuck", "Jobs waiting too long (with why) and attempts with stale heartbeats.",
               "  --waiting-longer-than SECONDS (600)  --stale-heartbeat SECONDS (60)\n",
               {"waiting-longer-than", "stale-heartbeat"}, {}, AdminStuck});
  r.push_back({"admin", "release", "Release a job's allocations at this party by hand (audited).",
               "  -j, --job-id ID  --reason TEXT (required)\n", {"j", "job-id", "reason"}, {}, AdminRelease});
  r.push_back({"admin", "log", "This server's own logs (not a job's): server, error, audit or access.",
               "  --type TYPE   server (default), error, audit, access\n"
               "  --tail N      the last N lines (100)\n"
               "  --grep TEXT   only lines containing TEXT\n",
               {"type", "tail", "grep"}, {}, AdminLog});
  r.push_back({"admin", "drain", "Drain this server (on: nothing new starts here, running jobs finish), or undo (off).",
               "  [on|off] [--reason TEXT]   (no argument: show the state)\n", {"reason"}, {}, AdminDrain});
}

}  // namespace fedflow::cli
