// fedflow task / provider / server commands.

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

int TaskQuery(Context& ctx, const CommandLine& cl) {
  auto job = cl.Require({"j", "job-id"}, "job id");
  if (!job.ok()) return Usage(ctx, job.status());
  bj::object q{{"job_id", *job}};
  if (!cl.Get({"r", "role"}).empty()) q["role"] = cl.Get({"r", "role"});
  if (!cl.Get({"p", "party-id"}).empty()) q["party_id"] = cl.Get({"p", "party-id"});
  if (!cl.Get({"t", "task"}).empty()) q["task_name"] = cl.Get({"t", "task"});
  if (cl.Flag("all")) q["all"] = "true";
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/job/task/query", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"TASK", "ATTEMPT", "ROLE", "PARTY", "STATUS", "FEDERATED", "PID", "ELAPSED", "REASON"});
  for (const auto& t : a.data.as_array()) {
    table.Add({Field(t, "task_name"), Field(t, "task_version"), Field(t, "role"), Field(t, "party_id"),
               Field(t, "party_status"), Field(t, "status"), Field(t, "run_pid"), Duration(t.at("elapsed")),
               Field(t, "failure_reason")});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int ProviderRegister(Context& ctx, const CommandLine& cl) {
  bj::object body;
  std::string file = cl.Get({"c", "conf"});
  if (!file.empty()) {
    auto v = ReadJsonFile(file, "provider");
    if (!v.ok()) return Usage(ctx, v.status());
    if (!v->is_object()) return Usage(ctx, InvalidArgumentError("provider file must hold a JSON object"));
    body = v->as_object();
  }
  if (!cl.Get({"name"}).empty()) body["name"] = cl.Get({"name"});
  if (!cl.Get({"version"}).empty()) body["version"] = cl.Get({"version"});
  if (!cl.Get({"executable"}).empty()) body["executable"] = cl.Get({"executable"});
  if (!cl.Get({"modules"}).empty()) {
    bj::array modules;
    std::string list = cl.Get({"modules"});
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = list.find(',', start);
      std::string m = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!m.empty()) modules.emplace_back(m);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    body["modules"] = std::move(modules);
  }
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/provider/register", body), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else {
    ctx.out << a.message << ": " << Field(a.data, "provider_name") << "\n";
  }
  return kExitOk;
}

int ProviderList(Context& ctx, const CommandLine& cl) {
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/provider/query"), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"PROVIDER", "SOURCE", "EXECUTABLE", "MODULES"});
  for (const auto& p : a.data.as_array()) {
    std::string modules;
    for (const auto& m : p.at("modules").as_array()) modules += (modules.empty() ? "" : ",") + std::string(m.as_string());
    table.Add({Field(p, "provider_name"), Field(p, "source"), Field(p, "executable"), modules});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int ServerGet(Context& ctx, const std::string& path) {
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get(path), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  for (const auto& kv : a.data.as_object()) ctx.out << kv.key() << ": " << Field(a.data, std::string(kv.key()).c_str()) << "\n";
  return kExitOk;
}

}  // namespace

void RegisterTaskCommands() {
  Registry().push_back({"task", "query", "This party's task attempts of a job (latest, or --all attempts).",
                        "  -j, --job-id ID  -r, --role ROLE  -p, --party-id ID  -t, --task NAME  --all\n",
                        {"j", "job-id", "r", "role", "p", "party-id", "t", "task"}, {"all"}, TaskQuery});
  Registry().push_back({"task", "list", "Same as task query --all.", "  -j, --job-id ID\n", {"j", "job-id"}, {},
                        [](Context& c, const CommandLine& cl) {
                          auto with_all = CommandLine::Parse({"--all", "-j", cl.Get({"j", "job-id"})},
                                                             {"j", "job-id"}, {"all"});
                          return TaskQuery(c, *with_all);
                        }});
}

void RegisterProviderCommands() {
  Registry().push_back({"provider", "register", "Register (or replace) a provider at this party.",
                        "  -c, --conf FILE  JSON {name, version, executable, modules}\n"
                        "  --name N --version V --executable PATH --modules A,B   (instead of, or over, the file)\n",
                        {"c", "conf", "name", "version", "executable", "modules"}, {}, ProviderRegister});
  Registry().push_back({"provider", "list", "Providers registered at this party.", "", {}, {}, ProviderList});
}

void RegisterServerCommands() {
  Registry().push_back({"server", "version", "Version of the server and the API it speaks.", "", {}, {},
                        [](Context& c, const CommandLine&) { return ServerGet(c, "/v2/server/version"); }});
  Registry().push_back({"server", "health", "Is the server up and its database reachable?", "", {}, {},
                        [](Context& c, const CommandLine&) { return ServerGet(c, "/v2/server/health"); }});
  Registry().push_back({"server", "site", "This party's id and site-authentication public key (give it to partners).",
                        "", {}, {}, [](Context& c, const CommandLine&) { return ServerGet(c, "/v2/site/info/query"); }});
}

}  // namespace fedflow::cli
