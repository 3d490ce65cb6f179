// fedflow permission grant|delete|query: what partners may do in jobs they create here.

#include <iostream>

#include <boost/json.hpp>

#include "tools/cli/commands.hpp"
#include "tools/cli/output.hpp"

namespace fedflow::cli {

namespace bj = boost::json;

namespace {

const char* kGrantUsage =
    "  -p, --party-id ID      the partner (required)\n"
    "  -r, --role ROLE        its role in the jobs: guest, host, arbiter, local or * (default *)\n"
    "  -c, --component LIST   module names, comma-separated, or * for every module\n"
    "  -d, --dataset LIST     tables as namespace.name, comma-separated, or * for every table\n";

int Change(Context& ctx, const CommandLine& cl, const std::string& path) {
  auto party = cl.Require({"p", "party-id"}, "partner party id");
  if (!party.ok()) {
    ctx.err << "error: " << party.status().message() << "\n";
    return kExitUsage;
  }
  bj::object body{{"party_id", *party}};
  if (!cl.Get({"r", "role"}).empty()) body["role"] = cl.Get({"r", "role"});
  if (!cl.Get({"c", "component"}).empty()) body["component"] = cl.Get({"c", "component"});
  if (!cl.Get({"d", "dataset"}).empty()) body["dataset"] = cl.Get({"d", "dataset"});
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Post(path, body), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
  } else if (a.data.is_object() && a.data.as_object().contains("granted")) {
    ctx.out << "granted " << Field(a.data, "granted") << " (already granted " << Field(a.data, "already_granted") << ")\n";
  } else {
    ctx.out << "deleted " << Field(a.data, "deleted") << "\n";
  }
  return kExitOk;
}

int Query(Context& ctx, const CommandLine& cl) {
  bj::object q;
  if (!cl.Get({"p", "party-id"}).empty()) q["party_id"] = cl.Get({"p", "party-id"});
  int code = kExitOk;
  Answer a;
  if (!Call(ctx, ctx.api.Get("/v2/permission/query", q), &code, &a)) return code;
  if (ctx.json) {
    PrintJson(ctx.out, a.data);
    return kExitOk;
  }
  Table table({"PARTY", "ROLE", "TYPE", "VALUE"});
  for (const auto& g : a.data.at("grants").as_array()) {
    table.Add({Field(g, "party_id"), Field(g, "role"), Field(g, "type"), Field(g, "value")});
  }
  table.Print(ctx.out);
  if (!a.data.at("enforced").as_bool()) {
    ctx.out << "(not enforced: this server runs with security.permission off)\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterPermissionCommands() {
  const std::set<std::string> options{"p", "party-id", "r", "role", "c", "component", "d", "dataset"};
  Registry().push_back({"permission", "grant", "Let a partner use components and/or tables in jobs it creates here.",
                        kGrantUsage, options, {},
                        [](Context& c, const CommandLine& cl) { return Change(c, cl, "/v2/permission/grant"); }});
  Registry().push_back({"permission", "delete", "Revoke grants of a partner (same options as grant).", kGrantUsage,
                        options, {},
                        [](Context& c, const CommandLine& cl) { return Change(c, cl, "/v2/permission/delete"); }});
  Registry().push_back({"permission", "query", "Grants of every partner, or of one.", "  -p, --party-id ID\n",
                        {"p", "party-id"}, {}, Query});
}

}  // namespace fedflow::cli
