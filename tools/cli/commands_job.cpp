// fedflow job ...: submit (with a live progress view), plan, query, status, list, stop, rerun,
// dsl, conf.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <iostream>
#include <map>
#include <thread>

#include <boost/json.hpp>

#include "tools/cli/commands.hpp"
#include "tools/cli/output.hpp"

namespace fedflow::cli {

namespace bj = boost::json;

namespace {

bool IsEnded(const std::string& status) {
  return status == "success" || status == "failed" || status == "canceled" || status == "timeout";
}

StatusOr<bj::object> JobBody(const CommandLine& cl) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string conf_path, cl.Require({"c", "conf"}, "runtime conf"));
  std::string dsl_path = cl.Get({"d", "dsl"});
  if (dsl_path.empty()) {
    // No DSL: -c is a FATE-Flow 2.x DAG (YAML or JSON), sent as text for the server to parse.
    std::ifstream in(conf_path);
    if (!in) return InvalidArgumentError("cannot read DAG file '" + conf_path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    return bj::object{{"dag_schema", ss.str()}};
  }
  FEDFLOW_ASSIGN_OR_RETURN(bj::value conf, ReadJsonFile(conf_path, "runtime conf"));
  FEDFLOW_ASSIGN_OR_RETURN(bj::value dsl, ReadJsonFile(dsl_path, "DSL"));
  return bj::object{{"dsl", dsl}, {"runtime_conf", conf}};
}

/// One line: "[#####.....] 40%  running  reader_0:success data_transform_0:running".
std::string ProgressLine(const bj::object& status) {
  std::int64_t progress = status.at("progress").as_int64();
  int filled = static_cast<int>(progress / 5);
  std::string bar = "[" + std::string(filled, '#') + std::string(20 - filled, '.') + "]";
  std::string line = bar + " " + std::to_string(progress) + "%  " + Field(status, "status");
  for (const auto& t : status.at("tasks").as_array()) {
    std::string s = Field(t, "status");
    std::string attempt = t.at("attempt").as_int64() > 0 ? "#" + std::to_string(t.at("attempt").as_int64()) : "";
    line += "  " + Field(t, "task_name") + attempt + ":" + s;
  }
  std::string waiting = Field(status, "waiting_reason");
  if (Field(status, "status") == "waiting" && !waiting.empty()) line += "  (waiting: " + waiting + ")";
  return line;
}

/// " 40%" while a party's attempt runs, and its federation traffic once it has any: is it stuck
/// or sending?
std::string PartyActivity(const bj::object& party) {
  auto number = [](const bj::object& o, const char* key) -> std::int64_t {
    const bj::value* v = o.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : 0;
  };
  auto mb = [](std::int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1fMB", static_cast<double>(bytes) / 1e6);
    return std::string(buf);
  };
  std::string out;
  const std::int64_t progress = number(party, "progress");
  if (Field(party, "status") == "running" && progress > 0) out += " " + std::to_string(progress) + "%";
  if (const bj::value* f = party.if_contains("federation"); f && f->is_object()) {
    const std::int64_t sent = number(f->as_object(), "sent_bytes");
    const std::int64_t received = number(f->as_object(), "received_bytes");
    if (sent > 0) out += " sent " + mb(sent);
    if (received > 0) out += " recv " + mb(received);
  }
  return out;
}

void PrintTasks(Context& ctx, const bj::object& status) {
  Table table({"TASK", "MODULE", "STATUS", "ATTEMPT", "PARTIES", "REASON"});
  for (const auto& t : status.at("tasks").as_array()) {
    std::string parties;
    const auto& attempts = t.at("attempts").as_array();
    if (!attempts.empty()) {
      for (const auto& p : attempts.back().at("parties").as_array()) {
        parties += (parties.empty() ? "" : " ") + Field(p, "role") + ":" + Field(p, "party_id") + "=" + Field(p, "status") +
                   PartyActivity(p.as_object());
      }
    }
    table.Add({Field(t, "task_name"), Field(t, "module"), Field(t, "status"), Field(t, "attempt"), parties,
               Field(t, "failure_reason")});
  }
  table.Print(ctx.out);
}

int Wait(Context& ctx, const std::string& job_id, std::int64_t timeout_s) {
  const bool tty = ::isatty(STDOUT_FILENO) && !ctx.json;
  std::string last;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    auto answer = ctx.api.Get("/v2/job/status", bj::object{{"job_id", job_id}});
    int code = kExitOk;
    Answer a;
    if (!Call(ctx, answer, &code, &a)) return code;
    const bj::object& status = a.data.as_object();
    std::string line = ProgressLine(status);
    if (!ctx.json && line != last) {
      if (tty) {
        ctx.out << "\r\033[K" << line << std::flush;
      } else {
        ctx.out << line << "\n" << std::flush;
      }
      last = line;
    }
    std::string s = Field(status, "status");
    if (IsEnded(s) && status.at("end_synced").as_bool()) {
      if (tty) ctx.out << "\n";
      if (ctx.json) {
        PrintJson(ctx.out, a.data);
      } else {
        const bj::value* end = status.if_contains("end_time");
        const bj::value* created = status.if_contains("create_time");
        std::string took = (end && end->is_int64() && created && created->is_int64())
                               ? " in " + Duration(bj::value(end->as_int64() - created->as_int64()))
                               : "";
        ctx.out << "job " << job_id << " " << s << took << "\n";
        PrintTasks(ctx, status);
        std::string reason = Field(status, "failure_reason");
        if (!reason.empty()) ctx.out << "reason: " << reason << "\n";
      }
      return s == "success" ? kExitOk : kExitJobFailed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ctx.err << "\nerror: job " << job_id << " did not end within " << timeout_s << " s (it keeps running)\n";
  return kExitJobFailed;
}

int Submit(Context& ctx, const CommandLine& cl) {
  auto body = JobBody(cl);
  if (!body.ok()) {
    ctx.err << "error: " << body.status().message() << "\n";
    return kExitUsage;
  }
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/job/submit", *body), &code, &a)) return code;
  std::string job_id = Field(a.body, "job_id");
  if (ctx.json && !cl.Flag("wait")) {
    PrintJson(ctx.out, a.body);
    return kExitOk;
  }
  if (!ctx.json) {
    ctx.out << "job " << job_id << " submitted (task_cores " << Field(a.data.at("job_parameters"), "task_cores")
            << ", task_parallelism " << Field(a.data.at("job_parameters"), "task_parallelism") << ")\n";
  }
  if (!cl.Flag("wait")) return kExitOk;
  std::string timeout = cl.Get({"timeout"});
  if (!timeout.empty() && (timeout.find_first_not_of("0123456789") != std::string::npos || timeout.size() > 9)) {
    ctx.err << "error: --timeout must be a number of seconds\n";
    return kExitUsage;
  }
  return Wait(ctx, job_id, timeout.empty() ? 86400 : std::stoll(timeout));
}

int Plan(Context& ctx, const CommandLine& cl) {
  auto body = JobBody(cl);
  if (!body.ok()) {
    ctx.err << "error: " << body.status().message() << "\n";
    return kExitUsage;
  }
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/job/plan", *body), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  ctx.out << "valid job; tasks in order:";
  for (const auto& t : a.data.at("task_order").as_array()) ctx.out << " " << std::string(t.as_string());
  ctx.out << "\n";
  Table table({"ROLE", "PARTY", "CORES", "TASKS"});
  for (const auto& p : a.data.at("parties").as_array()) {
    std::string tasks;
    for (const auto& t : p.at("tasks").as_array()) {
      tasks += (tasks.empty() ? "" : " ") + Field(t, "task_name") + (t.at("need_run").as_bool() ? "" : "(pass)");
    }
    table.Add({Field(p, "role"), Field(p, "party_id"), Field(p, "cores"), tasks});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int Query(Context& ctx, const CommandLine& cl) {
  bj::object q;
  std::string job = cl.Get({"j", "job-id"});
  if (!job.empty()) q["job_id"] = job;
  if (!cl.Get({"r", "role"}).empty()) q["role"] = cl.Get({"r", "role"});
  if (!cl.Get({"p", "party-id"}).empty()) q["party_id"] = cl.Get({"p", "party-id"});
  if (!cl.Get({"s", "status"}).empty()) q["status"] = cl.Get({"s", "status"});
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/job/query", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"JOB_ID", "ROLE", "PARTY", "STATUS", "PROGRESS", "CREATED", "ELAPSED", "REASON"});
  for (const auto& r : a.data.as_array()) {
    table.Add({Field(r, "job_id"), Field(r, "role"), Field(r, "party_id"), Field(r, "status"), Field(r, "progress") + "%",
               Time(r.at("create_time")), Duration(r.at("elapsed")), Field(r, "failure_reason")});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int Status(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) {
    ctx.err << "error: " << job.status().message() << "\n";
    return kExitUsage;
  }
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/job/status", bj::object{{"job_id", *job}}), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  const bj::object& s = a.data.as_object();
  ctx.out << "job " << *job << "  " << Field(s, "status") << "  " << Field(s, "progress") << "%";
  if (!Field(s, "waiting_reason").empty()) ctx.out << "  waiting: " << Field(s, "waiting_reason");
  ctx.out << "\n";
  PrintTasks(ctx, s);
  for (const auto& f : s.at("failures").as_array()) {
    ctx.out << "failure: " << Field(f, "task_name") << " attempt " << Field(f, "attempt") << " at " << Field(f, "role")
            << ":" << Field(f, "party_id") << ": " << Field(f, "reason") << "\n";
  }
  return kExitOk;
}

int List(Context& ctx, const CommandLine& cl) {
  bj::object q;
  q["limit"] = cl.Get({"n", "limit"}).empty() ? "20" : cl.Get({"n", "limit"});
  if (!cl.Get({"page"}).empty()) q["page"] = cl.Get({"page"});
  if (!cl.Get({"s", "status"}).empty()) q["status"] = cl.Get({"s", "status"});
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/job/list/query", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"JOB_ID", "ROLE", "PARTY", "STATUS", "PROGRESS", "CREATED", "ELAPSED"});
  for (const auto& r : a.data.at("data").as_array()) {
    table.Add({Field(r, "job_id"), Field(r, "role"), Field(r, "party_id"), Field(r, "status"), Field(r, "progress") + "%",
               Time(r.at("create_time")), Duration(r.at("elapsed"))});
  }
  table.Print(ctx.out);
  ctx.out << Field(a.data, "count") << " job row(s) in total\n";
  return kExitOk;
}

int SimplePost(Context& ctx, const std::string& path, const bj::object& body, const std::string& done) {
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post(path, body), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else {
    ctx.out << done << "\n";
  }
  return kExitOk;
}

int Stop(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) {
    ctx.err << "error: " << job.status().message() << "\n";
    return kExitUsage;
  }
  bj::object body{{"job_id", *job}};
  if (!cl.Get({"reason"}).empty()) body["reason"] = cl.Get({"reason"});
  return SimplePost(ctx, "/v2/job/stop", body, "job " + *job + " stopped");
}

int Rerun(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) {
    ctx.err << "error: " << job.status().message() << "\n";
    return kExitUsage;
  }
  bj::object body{{"job_id", *job}};
  std::string component = cl.Get({"cpn", "component"});
  if (!component.empty()) body["component_name"] = component;
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/job/rerun", body), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else {
    ctx.out << "job " << *job << " rerun:";
    for (const auto& t : a.data.at("tasks").as_array()) ctx.out << " " << std::string(t.as_string());
    ctx.out << "\n";
  }
  if (cl.Flag("wait")) return Wait(ctx, *job, 86400);
  return kExitOk;
}

int Original(Context& ctx, const CommandLine& cl, const std::string& what) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) {
    ctx.err << "error: " << job.status().message() << "\n";
    return kExitUsage;
  }
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/job/" + what, bj::object{{"job_id", *job}}), &code, &a)) return code;
  PrintJson(ctx.out, a.data);
  return kExitOk;
}

}  // namespace

void RegisterJobCommands() {
  auto& r = Registry();
  r.push_back({"job", "submit", "Submit a job: FATE 1.x DSL + runtime conf, or a FATE-Flow 2.x DAG.",
               "  -c, --conf FILE     runtime conf (JSON, dsl_version 2), or a 2.x DAG (YAML/JSON) when -d is absent\n"
               "  -d, --dsl FILE      DSL (JSON)\n"
               "  --wait              show live progress until the job ends; exit 4 if it did not succeed\n"
               "  --timeout SECONDS   give up waiting after this long (the job keeps running)\n",
               {"c", "conf", "d", "dsl", "timeout"}, {"wait"}, Submit});
  r.push_back({"job", "plan", "Validate a job and show the per-party task plan without creating it.",
               "  -c, --conf FILE     runtime conf (or a 2.x DAG when -d is absent)\n  -d, --dsl FILE      DSL\n",
               {"c", "conf", "d", "dsl"}, {}, Plan});
  r.push_back({"job", "query", "This party's rows of jobs (one per role).",
               "  -j, --job-id ID  -r, --role ROLE  -p, --party-id ID  -s, --status STATUS\n",
               {"j", "job-id", "r", "role", "p", "party-id", "s", "status"}, {}, Query});
  r.push_back({"job", "status", "Federated view of a job at its scheduler: tasks, attempts, every party, failures.",
               "  -j, --job-id ID\n", {"j", "job-id"}, {}, Status});
  r.push_back({"job", "list", "Recent jobs at this party, newest first.",
               "  -n, --limit N (20)  --page P (1)  -s, --status a,b\n", {"n", "limit", "page", "s", "status"}, {}, List});
  r.push_back({"job", "stop", "Stop a job at every party (kills its workers).", "  -j, --job-id ID  --reason TEXT\n",
               {"j", "job-id", "reason"}, {}, Stop});
  r.push_back({"job", "rerun", "Rerun an ended job: failed tasks, or a component and what depends on it.",
               "  -j, --job-id ID  --cpn, --component NAME  --wait\n", {"j", "job-id", "cpn", "component"}, {"wait"},
               Rerun});
  r.push_back({"job", "dsl", "The DSL a job was submitted with.", "  -j, --job-id ID\n", {"j", "job-id"}, {},
               [](Context& c, const CommandLine& cl) { return Original(c, cl, "dsl"); }});
  r.push_back({"job", "conf", "The runtime conf a job was submitted with.", "  -j, --job-id ID\n", {"j", "job-id"}, {},
               [](Context& c, const CommandLine& cl) { return Original(c, cl, "conf"); }});
}

}  // namespace fedflow::cli
