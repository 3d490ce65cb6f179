#include "service/api/registry_routes.hpp"

#include <boost/json.hpp>

#include "base/ids.hpp"
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

bj::object ServerView(const orm::ServerRow& s) {
  return bj::object{{"server_name", s.server_name}, {"host", s.host},          {"port", s.port},
                    {"protocol", s.protocol},       {"create_time", s.created_ms}, {"update_time", s.updated_ms}};
}

bj::value ParsedOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  auto v = json::Parse(text, "stored");
  return v.ok() ? *v : bj::value(text);
}

bj::object ServiceView(const orm::ServiceRow& s) {
  return bj::object{{"server_name", s.server_name}, {"service_name", s.service_name},
                    {"uri", s.uri},                 {"method", s.method},
                    {"params", ParsedOrNull(s.params_json)}, {"data", ParsedOrNull(s.data_json)},
                    {"headers", ParsedOrNull(s.headers_json)}, {"protocol", s.protocol}};
}

StatusOr<std::string> RequireName(const bj::object& args, const std::string& key) {
  FEDFLOW_ASSIGN_OR_RETURN(std::string name, RequireString(args, key));
  if (!IsSafeIdentifier(name, 128)) return InvalidArgumentError("'" + key + "' must be letters, digits, _ . -");
  return name;
}

std::string JsonField(const bj::object& args, const char* key) {
  const bj::value* v = args.if_contains(key);
  return v && !v->is_null() ? json::Dump(*v) : "";
}

}  // namespace

void RegisterRegistryRoutes(http::Router& router, const std::string& party_id, const std::string& site_public_key,
                            orm::RegistryRepository& registry, const Clock& clock) {
  router.Add("GET", "/v2/site/info/query",
             {"application", "This site's party id and site-authentication public key (PEM).", ""},
             [party_id, site_public_key](const HttpRequest&) {
               return JsonOk(bj::object{{"party_id", party_id}, {"public_key", site_public_key}});
             });
  router.Add("GET", "/v2/server/fateflow",
             {"application", "The fedflow server instances of this party (HA), with their last heartbeat.", ""},
             [&registry, &clock](const HttpRequest&) -> HttpResponse {
               auto rows = registry.ListInstances();
               if (!rows.ok()) return JsonError(rows.status());
               bj::array out;
               for (const auto& r : *rows) {
                 out.push_back(bj::object{{"instance_id", r.instance_id},
                                          {"party_id", r.party_id},
                                          {"host", r.host},
                                          {"http_port", r.port},
                                          {"version", r.version},
                                          {"start_time", r.started_ms},
                                          {"heartbeat_time", r.heartbeat_ms},
                                          {"heartbeat_age_ms", clock.NowMs() - r.heartbeat_ms}});
               }
               return JsonOk(std::move(out));
             });
  router.Add("GET", "/v2/server/query/all", {"application", "Every registered third-party server.", ""},
             [&registry](const HttpRequest&) -> HttpResponse {
               auto rows = registry.ListServers();
               if (!rows.ok()) return JsonError(rows.status());
               bj::array out;
               for (const auto& r : *rows) out.push_back(ServerView(r));
               return JsonOk(std::move(out));
             });
  router.Add("GET", "/v2/server/query", {"application", "One registered server.", "server_name (required)"},
             WithArgs([&registry](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto name = RequireName(args, "server_name");
               if (!name.ok()) return JsonError(name.status());
               auto row = registry.GetServer(*name);
               if (!row.ok()) return JsonError(Status(row.status()).set_api_code(ApiCode::kNotFound));
               return JsonOk(ServerView(*row));
             }));
  router.Add("POST", "/v2/server/registry",
             {"application", "Register (or update) a third-party server.",
              "server_name, host, port (required), protocol (http|https)"},
             WithArgs([&registry, &clock](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto name = RequireName(args, "server_name");
               auto host = RequireString(args, "host");
               auto port = OptionalInt(args, "port", 0, 1, 65535);
               if (!name.ok()) return JsonError(name.status());
               if (!host.ok()) return JsonError(host.status());
               if (!port.ok()) return JsonError(port.status());
               if (!args.contains("port")) return JsonError(InvalidArgumentError("missing required argument 'port'"));
               std::string protocol = OptionalString(args, "protocol").value_or("");
               if (protocol.empty()) protocol = "http";
               if (protocol != "http" && protocol != "https") return JsonError(InvalidArgumentError("'protocol' must be http or https"));
               orm::ServerRow row{*name, *host, static_cast<std::int32_t>(*port), protocol, clock.NowMs(), clock.NowMs()};
               Status s = registry.UpsertServer(row);
               if (!s.ok()) return JsonError(s);
               return JsonOk(ServerView(row));
             }));
  router.Add("POST", "/v2/server/delete", {"application", "Remove a registered server and its services.",
                                           "server_name (required)"},
             WithArgs([&registry](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto name = RequireName(args, "server_name");
               if (!name.ok()) return JsonError(name.status());
               Status s = registry.DeleteServer(*name);
               if (!s.ok()) return JsonError(s);
               return JsonOk();
             }));
  router.Add("GET", "/v2/server/service/query", {"application", "One service of a registered server.",
                                                 "server_name, service_name (required)"},
             WithArgs([&registry](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto server = RequireName(args, "server_name");
               auto service = RequireName(args, "service_name");
               if (!server.ok()) return JsonError(server.status());
               if (!service.ok()) return JsonError(service.status());
               auto row = registry.GetService(*server, *service);
               if (!row.ok()) return JsonError(row.status());
               return JsonOk(ServiceView(*row));
             }));
  router.Add("POST", "/v2/server/service/registry",
             {"application", "Register (or update) a service of a registered server.",
              "server_name, service_name, uri (required), method, params, data, headers, protocol"},
             WithArgs([&registry, &clock](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto server = RequireName(args, "server_name");
               auto service = RequireName(args, "service_name");
               auto uri = RequireString(args, "uri");
               if (!server.ok()) return JsonError(server.status());
               if (!service.ok()) return JsonError(service.status());
               if (!uri.ok()) return JsonError(uri.status());
               std::string method = OptionalString(args, "method").value_or("");
               if (method.empty()) method = "POST";
               orm::ServiceRow row{*server, *service, *uri, method, JsonField(args, "params"), JsonField(args, "data"),
                                   JsonField(args, "headers"), OptionalString(args, "protocol").value_or("http"),
                                   clock.NowMs(), clock.NowMs()};
               Status s = registry.UpsertService(row);
               if (!s.ok()) return JsonError(s);
               return JsonOk(ServiceView(row));
             }));
  router.Add("POST", "/v2/server/service/delete", {"application", "Remove a service of a registered server.",
                                                   "server_name, service_name (required)"},
             WithArgs([&registry](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto server = RequireName(args, "server_name");
               auto service = RequireName(args, "service_name");
               if (!server.ok()) return JsonError(server.status());
               if (!service.ok()) return JsonError(service.status());
               Status s = registry.DeleteService(*server, *service);
               if (!s.ok()) return JsonError(s);
               return JsonOk();
             }));
}

void RegisterApiListing(http::Router& router) {
  http::Router* r = &router;
  router.Add("GET", "/v2/server/api",
             {"application", "fedflow: every route this server serves, with its layer, summary and parameters.", ""},
             [r](const HttpRequest&) -> HttpResponse {
               bj::array out;
               for (const auto& route : r->Routes()) {
                 out.push_back(bj::object{{"method", route.method},
                                          {"path", route.path},
                                          {"layer", route.doc.layer},
                                          {"summary", route.doc.summary},
                                          {"params", route.doc.params}});
               }
               return JsonOk(std::move(out));
             });
}

}  // namespace fedflow::api
