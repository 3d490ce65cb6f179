#include "service/api/provider_routes.hpp"

#include <boost/json.hpp>

#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

bj::object ProviderView(const executor::Provider& p) {
  bj::array modules = executor::ManifestModules(p);
  return bj::object{{"name", p.name},
                    {"version", p.version},
                    {"provider_name", p.Key()},
                    {"device", "local"},
                    {"executable", p.executable},
                    {"modules", std::move(modules)},
                    {"source", p.source}};
}

}  // namespace

void RegisterProviderRoutes(http::Router& router, executor::ProviderRegistry& providers) {
  router.Add("POST", "/v2/provider/register",
             {"application", "Register (or replace) a provider: an executable implementing some modules.",
              "name, version, executable (absolute path; or metadata.path), modules (list of names or {name, roles}), "
              "device (local)"},
             WithArgs([&providers](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               executor::Provider p;
               auto name = RequireString(args, "name");
               auto version = RequireString(args, "version");
               if (!name.ok()) return JsonError(Status(name.status()).set_api_code(ApiCode::kProviderParamsError));
               if (!version.ok()) return JsonError(Status(version.status()).set_api_code(ApiCode::kProviderParamsError));
               p.name = *name;
               p.version = *version;
               std::string device = OptionalString(args, "device").value_or("");
               if (!device.empty() && device != "local") {
                 return JsonError(Status(StatusCode::kInvalidArgument,
                                         "device '" + device + "' is not supported: fedflow runs providers locally")
                                      .set_api_code(ApiCode::kDeviceNotSupported));
               }
               p.executable = OptionalString(args, "executable").value_or("");
               if (p.executable.empty()) {
                 if (const bj::value* meta = args.if_contains("metadata"); meta && meta->is_object()) {
                   p.executable = json::GetString(meta->as_object(), "path", "metadata.path", std::string()).value_or("");
                 }
               }
               auto modules = json::GetArray(args, "modules", "modules", false);
               if (!modules.ok()) return JsonError(Status(modules.status()).set_api_code(ApiCode::kProviderParamsError));
               Status listed = executor::AddManifestModules(*modules, &p);
               if (!listed.ok()) return JsonError(Status(listed).set_api_code(ApiCode::kProviderParamsError));
               p.source = "api";
               bool existed = false;
               for (const auto& x : providers.List()) existed = existed || x.Key() == p.Key();
               Status s = providers.Register(p);
               if (!s.ok()) return JsonError(Status(s).set_api_code(ApiCode::kProviderParamsError));
               return JsonOk(ProviderView(p), existed ? "update success" : "create success");
             }, ApiCode::kProviderParamsError));
  router.Add("GET", "/v2/provider/query",
             {"application", "Registered providers, optionally filtered.", "name, version, provider_name"},
             WithArgs([&providers](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               std::string name = OptionalString(args, "name").value_or("");
               std::string version = OptionalString(args, "version").value_or("");
               std::string key = OptionalString(args, "provider_name").value_or("");
               bj::array out;
               for (const auto& p : providers.List()) {
                 if ((!name.empty() && p.name != name) || (!version.empty() && p.version != version) ||
                     (!key.empty() && p.Key() != key)) {
                   continue;
                 }
                 out.push_back(ProviderView(p));
               }
               return JsonOk(std::move(out));
             }));
  router.Add("POST", "/v2/provider/delete", {"application", "Remove a registered provider.", "name, version"},
             WithArgs([&providers](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto name = RequireString(args, "name");
               auto version = RequireString(args, "version");
               if (!name.ok()) return JsonError(name.status());
               if (!version.ok()) return JsonError(version.status());
               Status s = providers.Remove(*name, *version);
               if (!s.ok()) return JsonError(s);
               return JsonOk(true);
             }));
}

}  // namespace fedflow::api
