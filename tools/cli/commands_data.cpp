// fedflow data upload|download and fedflow table info|list|delete|bind: this party's tables.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "tools/cli/commands.hpp"
#include "tools/cli/output.hpp"

namespace fedflow::cli {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

int Usage(Context& ctx, const Status& s) {
  ctx.err << "error: " << s.message() << "\n";
  return kExitUsage;
}

void PrintTable(Context& ctx, const bj::value& t) {
  ctx.out << "table      " << Field(t, "namespace") << "." << Field(t, "name") << "\n"
          << "engine     " << Field(t, "engine") << " (" << Field(t, "source") << ")\n"
          << "count      " << Field(t, "count") << "\n"
          << "id column  " << Field(t, "id_column") << "\n"
          << "label      " << Field(t, "label_column") << "\n";
  if (!Field(t, "path").empty()) ctx.out << "path       " << Field(t, "path") << "\n";
  if (t.as_object().contains("address")) ctx.out << "address    " << bj::serialize(t.at("address")) << "\n";
  const bj::value* schema = t.as_object().if_contains("schema");
  if (schema && schema->is_object() && schema->as_object().contains("header")) {
    std::string header;
    for (const auto& h : schema->at("header").as_array()) header += (header.empty() ? "" : ",") + std::string(h.as_string());
    ctx.out << "header     " << header << "\n";
  }
}

int PrintTableAnswer(Context& ctx, const StatusOr<Answer>& answer, const char* verb) {
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, answer, &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else {
    ctx.out << verb << " " << Field(a.data, "namespace") << "." << Field(a.data, "name") << " (" << Field(a.data, "count")
            << " rows)\n";
  }
  return kExitOk;
}

/// The upload conf's `file`: as given, else relative to the conf's own directory.
std::string LocalFile(const std::string& file, const std::string& conf_path) {
  if (file.empty() || fs::path(file).is_absolute() || fs::exists(file)) return file;
  fs::path beside = fs::path(conf_path).parent_path() / file;
  return fs::exists(beside) ? beside.string() : file;
}

/// fedflow data upload -c conf.json [--drop] [--server-file]
int Upload(Context& ctx, const CommandLine& cl) {
  auto conf_path = cl.Require({"c", "conf-path"}, "upload conf (FATE 1.x or 2.x upload JSON)");
  if (!conf_path.ok()) return Usage(ctx, conf_path.status());
  auto conf = ReadJsonFile(*conf_path, "upload conf");
  if (!conf.ok()) return Usage(ctx, conf.status());
  if (!conf->is_object()) return Usage(ctx, InvalidArgumentError("upload conf must be a JSON object"));
  bj::object args = conf->as_object();
  if (cl.Has("drop")) args["drop"] = 1;
  if (cl.Has("server-file")) return PrintTableAnswer(ctx, ctx.api.Post("/v2/data/component/upload", args), "uploaded");
  const bj::value* file = args.if_contains("file");
  if (!file || !file->is_string()) return Usage(ctx, InvalidArgumentError("upload conf has no 'file' (the CSV to upload)"));
  std::string path = LocalFile(std::string(file->as_string()), *conf_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Usage(ctx, InvalidArgumentError("cannot read '" + path + "' (the conf's 'file')"));
  std::stringstream content;
  content << in.rdbuf();
  args.erase("file");
  return PrintTableAnswer(ctx, ctx.api.PostRaw("/v2/data/component/upload/file", args, content.str(), "text/csv"),
                          "uploaded");
}

/// FATE's table options: -n namespace, -t table name.
StatusOr<bj::object> TableKey(const CommandLine& cl) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string ns, cl.Require({"n", "namespace"}, "table namespace"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string name, cl.Require({"t", "table-name"}, "table name"));
  return bj::object{{"namespace", ns}, {"name", name}};
}

/// fedflow data download -n NS -t NAME [-o FILE]
int Download(Context& ctx, const CommandLine& cl) {
  auto key = TableKey(cl);
  if (!key.ok()) return Usage(ctx, key.status());
  bj::object q = *key;
  q["format"] = "csv";
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/data/download", q), &code, &a)) return code;
  std::string path = cl.Get({"o", "output"});
  if (path.empty()) path = std::string(q.at("namespace").as_string()) + "_" + std::string(q.at("name").as_string()) + ".csv";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << a.raw;
  if (!out) return Usage(ctx, InvalidArgumentError("cannot write " + path));
  ctx.out << "wrote " << path << " (" << a.raw.size() << " bytes)\n";
  return kExitOk;
}

/// fedflow table info -n NS -t NAME [--display] [--limit N]
int Info(Context& ctx, const CommandLine& cl) {
  auto key = TableKey(cl);
  if (!key.ok()) return Usage(ctx, key.status());
  bj::object q = *key;
  if (cl.Has("display")) q["display"] = "true";
  if (!cl.Get({"limit"}).empty()) q["limit"] = cl.Get({"limit"});
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/table/query", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  PrintTable(ctx, a.data);
  if (const bj::value* rows = a.data.as_object().if_contains("display"); rows && rows->is_array()) {
    for (const auto& r : rows->as_array()) ctx.out << "  " << bj::serialize(r) << "\n";
  }
  return kExitOk;
}

int List(Context& ctx, const CommandLine& cl) {
  bj::object q;
  if (!cl.Get({"n", "namespace"}).empty()) q["namespace"] = cl.Get({"n", "namespace"});
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/table/list", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"NAMESPACE", "NAME", "ENGINE", "COUNT", "ID", "LABEL", "CREATED"});
  for (const auto& t : a.data.at("data").as_array()) {
    table.Add({Field(t, "namespace"), Field(t, "name"), Field(t, "engine"), Field(t, "count"), Field(t, "id_column"),
               Field(t, "label_column"), Time(t.at("create_time"))});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int Delete(Context& ctx, const CommandLine& cl) {
  auto key = TableKey(cl);
  if (!key.ok()) return Usage(ctx, key.status());
  return PrintTableAnswer(ctx, ctx.api.Post("/v2/table/delete", *key), "deleted");
}

/// fedflow table bind -c conf.json [--drop]: FATE's bind conf, engine PATH or MYSQL.
int Bind(Context& ctx, const CommandLine& cl) {
  auto conf_path = cl.Require({"c", "conf-path"}, "bind conf (JSON with engine PATH or MYSQL)");
  if (!conf_path.ok()) return Usage(ctx, conf_path.status());
  auto conf = ReadJsonFile(*conf_path, "bind conf");
  if (!conf.ok()) return Usage(ctx, conf.status());
  if (!conf->is_object()) return Usage(ctx, InvalidArgumentError("bind conf must be a JSON object"));
  bj::object args = conf->as_object();
  if (cl.Has("drop")) args["drop"] = 1;
  std::string engine = args.contains("engine") && args.at("engine").is_string() ? std::string(args.at("engine").as_string()) : "";
  for (auto& c : engine) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (engine == "MYSQL") return PrintTableAnswer(ctx, ctx.api.Post("/v2/table/bind/mysql", args), "bound");
  if (engine != "PATH" && !engine.empty()) {
    return Usage(ctx, InvalidArgumentError("bind conf 'engine' must be PATH or MYSQL (got '" + engine + "')"));
  }
  // FATE writes the path as address.path.
  if (!args.contains("path") && args.contains("address") && args.at("address").is_object()) {
    if (const bj::value* p = args.at("address").as_object().if_contains("path")) args["path"] = *p;
  }
  return PrintTableAnswer(ctx, ctx.api.Post("/v2/table/bind/path", args), "bound");
}

}  // namespace

void RegisterDataCommands() {
  auto& r = Registry();
  const char* key_usage = "  -n, --namespace NS  -t, --table-name NAME\n";
  r.push_back({"data", "upload", "Upload a CSV as a table (FATE 1.x or 2.x upload conf; 'file' is read here).",
               "  -c, --conf-path FILE  the upload conf\n"
               "  --drop                replace an existing table of the same namespace and name\n"
               "  --server-file         'file' is a path on the server (under data.import_roots)\n",
               {"c", "conf-path"}, {"drop", "server-file"}, Upload});
  r.push_back({"data", "download", "Write a table's rows to a CSV file.",
               std::string(key_usage) + "  -o, --output FILE   (default <namespace>_<name>.csv)\n",
               {"n", "namespace", "t", "table-name", "o", "output"}, {}, Download});
  r.push_back({"table", "info", "A table's engine, location, schema and count (--display: first rows).",
               std::string(key_usage) + "  --display  --limit N\n", {"n", "namespace", "t", "table-name", "limit"},
               {"display"}, Info});
  r.push_back({"table", "list", "This party's tables.", "  -n, --namespace NS\n", {"n", "namespace"}, {}, List});
  r.push_back({"table", "delete", "Delete a table (uploaded data goes with it; bound sources stay).", key_usage,
               {"n", "namespace", "t", "table-name"}, {}, Delete});
  r.push_back({"table", "bind", "Register an existing CSV file or MySQL table as a table, without copying.",
               "  -c, --conf-path FILE  {engine: PATH|MYSQL, namespace, name, path | address{...}, head, ...}\n"
               "  --drop                replace an existing table of the same namespace and name\n",
               {"c", "conf-path"}, {"drop"}, Bind});
}

}  // namespace fedflow::cli
