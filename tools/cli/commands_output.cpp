// fedflow output metrics|metric-delete|data|preview|download|model: what a task recorded at
// this party (FATE's tracking: metrics, data outputs and models).

#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "tools/cli/commands.hpp"
#include "tools/cli/output.hpp"

namespace fedflow::cli {

namespace bj = boost::json;

namespace {

const char* kTaskUsage =
    "  -j, --job-id ID  -r, --role ROLE  -p, --party-id ID  -t, --task NAME (or --cpn)\n"
    "  --attempt N      a task attempt (default: the latest that recorded something)\n";

const std::set<std::string> kTaskOptions{"j", "job-id", "r", "role", "p", "party-id", "t", "task", "cpn", "attempt"};

std::set<std::string> With(std::initializer_list<const char*> more) {
  std::set<std::string> out = kTaskOptions;
  for (const char* m : more) out.insert(m);
  return out;
}

int Usage(Context& ctx, const Status& s) {
  ctx.err << "error: " << s.message() << "\n";
  return kExitUsage;
}

StatusOr<bj::object> TaskQuery(const CommandLine& cl) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string job, cl.Require({"j", "job-id"}, "job id"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string role, cl.Require({"r", "role"}, "role of this party in the job"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string party, cl.Require({"p", "party-id"}, "party id"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string task, cl.Require({"t", "task", "cpn"}, "task (component) name"));
  bj::object q{{"job_id", job}, {"role", role}, {"party_id", party}, {"task_name", task}};
  if (!cl.Get({"attempt"}).empty()) q["task_version"] = cl.Get({"attempt"});
  if (!cl.Get({"k", "key"}).empty()) q["output_key"] = cl.Get({"k", "key"});
  return q;
}

/// Runs a GET on the task and prints JSON, or `print` for people.
int Show(Context& ctx, const CommandLine& cl, const std::string& path, bj::object extra,
         const std::function<void(const bj::value&)>& print) {
  auto q = TaskQuery(cl);
  if (!q.ok()) return Usage(ctx, q.status());
  for (auto& kv : extra) (*q)[kv.key()] = kv.value();
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get(path, *q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else {
    print(a.data);
  }
  return kExitOk;
}

/// Writes a downloaded file into -o DIR (default .) under the server's file name.
int Save(Context& ctx, const CommandLine& cl, const std::string& path, bj::object extra, const std::string& fallback) {
  auto q = TaskQuery(cl);
  if (!q.ok()) return Usage(ctx, q.status());
  for (auto& kv : extra) (*q)[kv.key()] = kv.value();
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get(path, *q), &code, &a)) return code;
  std::string name = fallback;
  const bool csv = extra.contains("format");
  name += csv ? ".csv" : ".tar.gz";
  std::string dir = cl.Get({"o", "output"});
  std::string file = (dir.empty() ? "." : dir) + "/" + name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << a.raw;
  if (!out) return Usage(ctx, InvalidArgumentError("cannot write " + file));
  ctx.out << "wrote " << file << " (" << a.raw.size() << " bytes)\n";
  return kExitOk;
}

std::string BaseName(const CommandLine& cl) {
  return cl.Get({"j", "job-id"}) + "_" + cl.Get({"r", "role"}) + "_" + cl.Get({"p", "party-id"}) + "_" +
         cl.Get({"t", "task", "cpn"});
}

void PrintMetrics(Context& ctx, const bj::value& data) {
  if (data.as_array().empty()) ctx.out << "(no metrics)\n";
  for (const auto& m : data.as_array()) {
    ctx.out << Field(m, "namespace") << "." << Field(m, "name") << "  type=" << Field(m, "type")
            << "  attempt=" << Field(m, "task_version") << "\n";
    if (const bj::value* points = m.as_object().if_contains("data"); points && points->is_array()) {
      for (const auto& p : points->as_array()) {
        const bj::value& v = p.at("value");
        ctx.out << "  " << Field(p, "key") << " = " << (v.is_object() || v.is_array() ? bj::serialize(v) : Field(p, "value"))
                << "\n";
      }
    }
  }
}

void PrintOutputs(Context& ctx, const bj::value& data) {
  Table table({"KEY", "KIND", "ATTEMPT", "COUNT/TYPE", "PATH"});
  for (const auto& o : data.as_array()) {
    std::string what = Field(o, "kind") == "data" ? Field(o, "count") : Field(o, "type_name");
    table.Add({Field(o, "output_key"), Field(o, "kind"), Field(o, "task_version"), what, Field(o, "path")});
  }
  table.Print(ctx.out);
}

void PrintPreview(Context& ctx, const bj::value& data) {
  auto line = [&](const bj::value& fields) {
    std::string s;
    for (const auto& f : fields.as_array()) s += (s.empty() ? "" : ",") + std::string(f.as_string());
    ctx.out << s << "\n";
  };
  ctx.out << "output " << Field(data, "output_key") << " (" << Field(data, "count") << " rows)\n";
  line(data.at("header"));
  for (const auto& r : data.at("rows").as_array()) line(r);
}

int MetricDelete(Context& ctx, const CommandLine& cl) {
  auto q = TaskQuery(cl);
  if (!q.ok()) return Usage(ctx, q.status());
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/output/metric/delete", *q), &code, &a)) return code;
  ctx.out << "deleted " << Field(a.data, "deleted") << " metric rows\n";
  return kExitOk;
}

}  // namespace

void RegisterOutputCommands() {
  auto& r = Registry();
  r.push_back({"output", "metrics", "A task's metrics: meta and data points.",
               std::string(kTaskUsage) + "  --namespace NS  --name NAME   one metric\n", With({"namespace", "name"}), {},
               [](Context& c, const CommandLine& cl) {
                 bj::object extra;
                 if (!cl.Get({"namespace"}).empty()) extra["namespace"] = cl.Get({"namespace"});
                 if (!cl.Get({"name"}).empty()) extra["name"] = cl.Get({"name"});
                 return Show(c, cl, "/v2/output/metric/query", extra, [&c](const bj::value& d) { PrintMetrics(c, d); });
               }});
  r.push_back({"output", "metric-delete", "Delete a task's metrics (every attempt).", kTaskUsage, kTaskOptions, {},
               MetricDelete});
  r.push_back({"output", "data", "A task's data outputs: key, row count, location.",
               std::string(kTaskUsage) + "  -k, --key KEY\n", With({"k", "key"}), {}, [](Context& c, const CommandLine& cl) {
                 return Show(c, cl, "/v2/output/data/table", {}, [&c](const bj::value& d) { PrintOutputs(c, d); });
               }});
  r.push_back({"output", "preview", "The first rows of a task's data output.",
               std::string(kTaskUsage) + "  -k, --key KEY  --limit N (default 10)\n", With({"k", "key", "limit"}), {},
               [](Context& c, const CommandLine& cl) {
                 bj::object extra;
                 if (!cl.Get({"limit"}).empty()) extra["limit"] = cl.Get({"limit"});
                 return Show(c, cl, "/v2/output/data/display", extra, [&c](const bj::value& d) { PrintPreview(c, d); });
               }});
  r.push_back({"output", "download", "Download a task's data outputs (tar.gz; --csv with -k for one CSV).",
               std::string(kTaskUsage) + "  -k, --key KEY  --csv  -o, --output DIR\n", With({"k", "key", "o", "output"}),
               {"csv"}, [](Context& c, const CommandLine& cl) {
                 bj::object extra;
                 std::string name = BaseName(cl);
                 if (cl.Has("csv")) {
                   extra["format"] = "csv";
                   name += "_" + cl.Get({"k", "key"});
                 }
                 return Save(c, cl, "/v2/output/data/download", extra, name);
               }});
  r.push_back({"output", "model", "A task's models; 'output model download' writes them as tar.gz.",
               std::string(kTaskUsage) + "  -k, --key KEY  download [-o DIR]\n", With({"k", "key", "o", "output"}), {},
               [](Context& c, const CommandLine& cl) {
                 if (!cl.positional().empty() && cl.positional()[0] == "download") {
                   return Save(c, cl, "/v2/output/model/download", {}, BaseName(cl) + "_model");
                 }
                 return Show(c, cl, "/v2/output/model/query", {}, [&c](const bj::value& d) { PrintOutputs(c, d); });
               }});
}

}  // namespace fedflow::cli
