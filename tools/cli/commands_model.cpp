// fedflow model ...: the model registry (query, deploy, predict DSL/conf, load, bind, migrate,
// tag, delete, export, import, store, restore).

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "tools/cli/commands.hpp"
#include "tools/cli/output.hpp"

namespace fedflow::cli {

namespace bj = boost::json;

namespace {

const char* kKeyUsage =
    "  -m, --model-id ID        the model id (e.g. arbiter-10000#guest-9999#host-10000#model)\n"
    "  -v, --model-version V    the model version (the training job's id, or a deploy's)\n";

int UsageError(Context& ctx, const Status& s) {
  ctx.err << "error: " << s.message() << "\n";
  return kExitUsage;
}

StatusOr<bj::object> KeyOf(const CommandLine& cl) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string id, cl.Require({"m", "model-id"}, "model id"));
  FEDFLOW_ASSIGN_OR_RETURN(std::string version, cl.Require({"v", "model-version"}, "model version"));
  return bj::object{{"model_id", id}, {"model_version", version}};
}

/// Prints the per-party results of a federated operation.
void PrintParties(Context& ctx, const bj::value& data) {
  const bj::value* parties = data.is_object() ? data.as_object().if_contains("parties") : nullptr;
  if (!parties || !parties->is_array()) return;
  Table table({"PARTY", "OK", "MESSAGE"});
  for (const auto& p : parties->as_array()) {
    table.Add({Field(p, "party_id"), p.at("ok").as_bool() ? "yes" : "no", Field(p, "message")});
  }
  table.Print(ctx.out);
}

/// POSTs `body` to `path` and prints the answer: JSON, or the key and per-party results.
int Simple(Context& ctx, const std::string& path, const bj::object& body) {
  int code = kExitOk;
  Answer a;
  const bool sent = Call(ctx, ctx.api.Post(path, body), &code, &a);
  if (!sent) {
    // A federated refusal still says which parties refused.
    if (!ctx.json) PrintParties(ctx, a.data);
    return code;
  }
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  if (a.data.is_object() && a.data.as_object().contains("model_version")) {
    ctx.out << "model_id " << Field(a.data, "model_id") << "  model_version " << Field(a.data, "model_version") << "\n";
  }
  PrintParties(ctx, a.data);
  return kExitOk;
}

int Query(Context& ctx, const CommandLine& cl) {
  bj::object q;
  if (!cl.Get({"m", "model-id"}).empty()) q["model_id"] = cl.Get({"m", "model-id"});
  if (!cl.Get({"v", "model-version"}).empty()) q["model_version"] = cl.Get({"v", "model-version"});
  if (cl.Has("detail")) q["detail"] = true;
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/model/query", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"MODEL_ID", "VERSION", "ROLE", "PARTY", "JOB", "COMPONENTS", "TAGS"});
  for (const auto& m : a.data.at("data").as_array()) {
    std::string components, tags;
    for (const auto& c : m.at("components").as_array()) components += (components.empty() ? "" : ",") + Field(c, "component");
    for (const auto& t : m.at("tags").as_array()) tags += (tags.empty() ? "" : ",") + std::string(t.as_string());
    table.Add({Field(m, "model_id"), Field(m, "model_version"), Field(m, "role"), Field(m, "party_id"),
               Field(m, "job_id"), components, tags});
  }
  table.Print(ctx.out);
  return kExitOk;
}

int WithKey(Context& ctx, const CommandLine& cl, const std::string& path,
            const std::function<void(bj::object&)>& extra = nullptr) {
  auto key = KeyOf(cl);
  if (!key.ok()) return UsageError(ctx, key.status());
  if (extra) extra(*key);
  return Simple(ctx, path, *key);
}

/// Prints a JSON answer (predict DSL and conf are files to edit, so always JSON).
int Document(Context& ctx, const CommandLine& cl, const std::string& path) {
  auto key = KeyOf(cl);
  if (!key.ok()) return UsageError(ctx, key.status());
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post(path, *key), &code, &a)) return code;
  PrintJson(ctx.out, a.data);
  return kExitOk;
}

int Export(Context& ctx, const CommandLine& cl) {
  auto key = KeyOf(cl);
  if (!key.ok()) return UsageError(ctx, key.status());
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post("/v2/model/export", *key), &code, &a)) return code;
  std::string file = cl.Get({"o", "output"});
  if (file.empty()) file = "model_" + cl.Get({"v", "model-version"}) + ".tar.gz";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << a.raw;
  out.close();
  if (!out) return UsageError(ctx, InvalidArgumentError("cannot write " + file));
  ctx.out << "wrote " << file << " (" << a.raw.size() << " bytes)\n";
  return kExitOk;
}

int Import(Context& ctx, const CommandLine& cl) {
  auto file = cl.Require({"f", "file"}, "archive file (a model export)");
  if (!file.ok()) return UsageError(ctx, file.status());
  std::ifstream in(*file, std::ios::binary);
  if (!in) return UsageError(ctx, InvalidArgumentError("cannot read " + *file));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  bj::object query;
  if (cl.Has("force")) query["force"] = "true";
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.PostRaw("/v2/model/import", query, std::move(bytes).str(), "application/gzip"), &code, &a)) {
    return code;
  }
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  for (const auto& m : a.data.at("data").as_array()) {
    ctx.out << "imported " << Field(m, "model_id") << " " << Field(m, "model_version") << " " << Field(m, "role") << ":"
            << Field(m, "party_id") << "\n";
  }
  return kExitOk;
}

/// "guest:9998,host:10002,arbiter:10002" as {role: [ids]}.
StatusOr<bj::object> RoleLists(const std::string& text, const std::string& what) {
  bj::object out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) {
    auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      return InvalidArgumentError(what + " entries look like role:party_id, got '" + item + "'");
    }
    auto& list = out[item.substr(0, colon)];
    if (!list.is_array()) list = bj::array();
    list.as_array().emplace_back(item.substr(colon + 1));
  }
  if (out.empty()) return InvalidArgumentError(what + " is empty");
  return out;
}

}  // namespace

void RegisterModelCommands() {
  auto& r = Registry();
  const std::set<std::string> key{"m", "model-id", "v", "model-version"};
  auto with = [&](std::set<std::string> more) {
    more.insert(key.begin(), key.end());
    return more;
  };
  r.push_back({"model", "query", "Models kept at this party (filters optional); --detail adds DSLs and conf.",
               kKeyUsage, key, {"detail"}, Query});
  r.push_back({"model", "deploy", "Deploy a trained model at every party: a new version for predict jobs.",
               std::string(kKeyUsage) + "  --cpn-list a,b          components to deploy (default all but Evaluation)\n",
               with({"cpn-list"}), {},
               [](Context& c, const CommandLine& cl) {
                 return WithKey(c, cl, "/v2/model/deploy", [&](bj::object& b) {
                   if (!cl.Get({"cpn-list"}).empty()) b["cpn_list"] = cl.Get({"cpn-list"});
                 });
               }});
  r.push_back({"model", "predict-dsl", "The predict DSL of a model version (FATE's get-predict-dsl).", kKeyUsage, key,
               {}, [](Context& c, const CommandLine& cl) { return Document(c, cl, "/v2/model/predict/dsl"); }});
  r.push_back({"model", "predict-conf", "A predict conf to start from (FATE's get-predict-conf).", kKeyUsage, key, {},
               [](Context& c, const CommandLine& cl) { return Document(c, cl, "/v2/model/predict/conf"); }});
  r.push_back({"model", "load", "Check that every party of the model holds it whole.", kKeyUsage, key, {},
               [](Context& c, const CommandLine& cl) { return WithKey(c, cl, "/v2/model/load"); }});
  r.push_back({"model", "bind", "Bind a service id to the model version at every party.",
               std::string(kKeyUsage) + "  -s, --service-id ID\n", with({"s", "service-id"}), {},
               [](Context& c, const CommandLine& cl) {
                 auto service = cl.Require({"s", "service-id"}, "service id");
                 if (!service.ok()) return UsageError(c, service.status());
                 return WithKey(c, cl, "/v2/model/bind", [&](bj::object& b) { b["service_id"] = *service; });
               }});
  r.push_back({"model", "migrate", "Copy the model under new party ids at its parties (FATE's migrate).",
               std::string(kKeyUsage) +
                   "  --to role:id,...         new party ids, e.g. guest:9998,host:10002,arbiter:10002\n"
                   "  --version V              the copies' version (default: a new one)\n",
               with({"to", "version"}), {},
               [](Context& c, const CommandLine& cl) {
                 auto to = RoleLists(cl.Get({"to"}), "--to");
                 if (!to.ok()) return UsageError(c, to.status());
                 return WithKey(c, cl, "/v2/model/migrate", [&](bj::object& b) {
                   b["migrate_role"] = *to;
                   if (!cl.Get({"version"}).empty()) b["unify_model_version"] = cl.Get({"version"});
                 });
               }});
  r.push_back({"model", "tag", "Add or remove tags of the model version here.",
               std::string(kKeyUsage) + "  --add a,b  --remove c\n", with({"add", "remove"}), {},
               [](Context& c, const CommandLine& cl) {
                 return WithKey(c, cl, "/v2/model/tag", [&](bj::object& b) {
                   b["add"] = cl.Get({"add"});
                   b["remove"] = cl.Get({"remove"});
                 });
               }});
  r.push_back({"model", "delete", "Delete the model version at this party.", kKeyUsage, key, {},
               [](Context& c, const CommandLine& cl) { return WithKey(c, cl, "/v2/model/delete"); }});
  r.push_back({"model", "export", "This party's parts of a model version as a .tar.gz.",
               std::string(kKeyUsage) + "  -o, --output FILE\n", with({"o", "output"}), {}, Export});
  r.push_back({"model", "import", "Import a model export (checked before anything is stored).",
               "  -f, --file FILE  --force (replace an existing version)\n", {"f", "file"}, {"force"}, Import});
  r.push_back({"model", "store", "Store the model version in the model store backend.", kKeyUsage, key, {},
               [](Context& c, const CommandLine& cl) { return WithKey(c, cl, "/v2/model/store"); }});
  r.push_back({"model", "restore", "Restore the model version from the model store backend.",
               std::string(kKeyUsage) + "  --force (replace an existing version)\n", key, {"force"},
               [](Context& c, const CommandLine& cl) {
                 return WithKey(c, cl, "/v2/model/restore", [&](bj::object& b) {
                   if (cl.Has("force")) b["force"] = true;
                 });
               }});
}

}  // namespace fedflow::cli
