#include "service/api/compat_routes.hpp"

#include <boost/json.hpp>

#include "service/api/request_args.hpp"
#include "service/http/envelope.hpp"
#include "service/json/json.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;

namespace {

/// FATE-Flow 1.x RetCode for an answer of ours.
int RetCode(int http_status, std::int64_t code) {
  if (http_status == 200 && code == 0) return 0;
  switch (http_status) {
    case 400: return 101;  // ARGUMENT_ERROR
    case 401: return 109;  // AUTHENTICATION_ERROR
    case 403: return 108;  // PERMISSION_ERROR
    case 404: return 102;  // DATA_ERROR
    case 409: return 103;  // OPERATING_ERROR
    case 429: return 103;
    case 503:
    case 504: return 104;  // FEDERATED_ERROR
    default: return 100;   // EXCEPTION_ERROR
  }
}

/// Calls a /v2 route in-process with `body` as JSON.
HttpResponse CallV2(const http::Router& router, const HttpRequest& original, const std::string& method,
                    const std::string& path, const bj::object& body) {
  HttpRequest req = original;
  req.internal = true;  // the 1.x request passed the guard already (its nonce must not count twice)
  req.method = method;
  req.path = path;
  req.target = path;
  req.query.clear();
  req.body = bj::serialize(body);
  return router.Dispatch(req);
}

/// The 1.x envelope around a /v2 answer; `reshape(data)` converts the data part.
HttpResponse ToV1(const HttpResponse& v2, const std::function<bj::value(const bj::value&)>& reshape) {
  bj::object v1;
  auto parsed = json::Parse(v2.body, "answer");
  bj::object body = parsed.ok() && parsed->is_object() ? parsed->as_object() : bj::object();
  std::int64_t code = body.contains("code") && body.at("code").is_int64() ? body.at("code").as_int64() : -1;
  v1["retcode"] = RetCode(v2.status, code);
  v1["retmsg"] = body.contains("message") ? body.at("message") : bj::value("");
  if (const bj::value* d = body.if_contains("data")) v1["data"] = reshape ? reshape(*d) : *d;
  if (const bj::value* j = body.if_contains("job_id")) v1["jobId"] = *j;
  HttpResponse out;
  out.status = v2.status;
  out.body = bj::serialize(v1);
  return out;
}

/// {"job_id": ...} -> {"f_job_id": ...}: FATE-Flow 1.x query answers carry database field names.
bj::value Prefixed(const bj::value& rows) {
  if (!rows.is_array()) return rows;
  bj::array out;
  for (const auto& r : rows.as_array()) {
    if (!r.is_object()) continue;
    bj::object o;
    for (const auto& kv : r.as_object()) o["f_" + std::string(kv.key())] = kv.value();
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

void RegisterCompatRoutes(http::Router& router) {
  const http::Router* r = &router;
  auto body_of = [](const HttpRequest& req) -> StatusOr<bj::object> { return Args(req); };
  auto bad = [](const Status& s) {
    HttpResponse out;
    out.status = http::HttpStatusFor(s.code());
    out.body = bj::serialize(bj::object{{"retcode", 101}, {"retmsg", s.message()}});
    return out;
  };

  router.Add("POST", "/v1/job/submit",
             {"compat-1.x", "FATE-Flow 1.x submit: {dsl, runtime_conf} (or job_dsl, job_runtime_conf).",
              "dsl, runtime_conf"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               HttpResponse v2 = CallV2(*r, req, "POST", "/v2/job/submit", *body);
               return ToV1(v2, [](const bj::value& d) -> bj::value {
                 if (!d.is_object()) return d;
                 const bj::object& o = d.as_object();
                 std::string job_id = o.contains("job_id") ? std::string(o.at("job_id").as_string()) : "";
                 return bj::object{{"jobId", job_id},
                                   {"model_info", bj::object{{"model_id", o.contains("model_id") ? o.at("model_id") : bj::value("")},
                                                             {"model_version", o.contains("model_version") ? o.at("model_version") : bj::value("")}}},
                                   {"logs_directory", "logs/" + job_id},
                                   {"board_url", ""},
                                   {"job_parameters", o.contains("job_parameters") ? o.at("job_parameters") : bj::value()}};
               });
             });
  router.Add("POST", "/v1/job/query",
             {"compat-1.x", "FATE-Flow 1.x query: job rows with f_-prefixed fields; [] when none.",
              "job_id, role, party_id, status"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               HttpResponse v2 = CallV2(*r, req, "GET", "/v2/job/query", *body);
               if (v2.status == 404) {
                 HttpResponse none;
                 none.body = bj::serialize(bj::object{{"retcode", 0}, {"retmsg", "no job could be found"}, {"data", bj::array()}});
                 return none;
               }
               return ToV1(v2, Prefixed);
             });
  router.Add("POST", "/v1/job/stop", {"compat-1.x", "FATE-Flow 1.x stop.", "job_id, stop_status"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               return ToV1(CallV2(*r, req, "POST", "/v2/job/stop", *body), nullptr);
             });
  router.Add("POST", "/v1/job/rerun", {"compat-1.x", "FATE-Flow 1.x rerun (optionally from component_name).",
                                       "job_id, component_name"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               return ToV1(CallV2(*r, req, "POST", "/v2/job/rerun", *body), nullptr);
             });
  router.Add("POST", "/v1/job/list/job",
             {"compat-1.x", "FATE-Flow 1.x job list: {jobs, count}.", "limit, page, job_id, party_id, role, status"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               return ToV1(CallV2(*r, req, "GET", "/v2/job/list/query", *body), [](const bj::value& d) -> bj::value {
                 if (!d.is_object()) return d;
                 return bj::object{{"jobs", d.as_object().at("data")}, {"count", d.as_object().at("count")}};
               });
             });
  router.Add("POST", "/v1/job/list/task",
             {"compat-1.x", "FATE-Flow 1.x task list of a job: {tasks, count}.", "job_id (required), limit, page"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               return ToV1(CallV2(*r, req, "GET", "/v2/job/task/list/query", *body), [](const bj::value& d) -> bj::value {
                 if (!d.is_object()) return d;
                 return bj::object{{"tasks", d.as_object().at("data")}, {"count", d.as_object().at("count")}};
               });
             });

  // --- data (FATE 1.x `flow data upload` / `flow table ...`) ---
  router.Add("POST", "/v1/data/upload",
             {"compat-1.x", "FATE-Flow 1.x upload of a file on the server (use_local_data=0 semantics).",
              "file, table_name, namespace, head, partition, id_delimiter, drop, meta"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               return ToV1(CallV2(*r, req, "POST", "/v2/data/component/upload", *body), [](const bj::value& d) -> bj::value {
                 if (!d.is_object()) return d;
                 const bj::object& o = d.as_object();
                 return bj::object{{"namespace", o.at("namespace")}, {"table_name", o.at("name")}, {"count", o.at("count")}};
               });
             });
  router.Add("POST", "/v1/table/table_info",
             {"compat-1.x", "FATE-Flow 1.x table info: exist 0/1, count, schema.", "namespace, table_name"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               if (!body->contains("name") && body->contains("table_name")) (*body)["name"] = body->at("table_name");
               HttpResponse v2 = CallV2(*r, req, "GET", "/v2/table/query", *body);
               if (v2.status == 404) {
                 HttpResponse none;
                 none.body = bj::serialize(bj::object{{"retcode", 0}, {"retmsg", "no such table"}, {"data", bj::object{{"exist", 0}}}});
                 return none;
               }
               return ToV1(v2, [](const bj::value& d) -> bj::value {
                 if (!d.is_object()) return d;
                 const bj::object& o = d.as_object();
                 return bj::object{{"exist", 1},          {"namespace", o.at("namespace")}, {"table_name", o.at("name")},
                                   {"count", o.at("count")}, {"partition", o.at("partitions")}, {"schema", o.at("schema")},
                                   {"engine", o.at("engine")}};
               });
             });
  router.Add("POST", "/v1/table/delete", {"compat-1.x", "FATE-Flow 1.x table delete.", "namespace, table_name"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               if (!body->contains("name") && body->contains("table_name")) (*body)["name"] = body->at("table_name");
               return ToV1(CallV2(*r, req, "POST", "/v2/table/delete", *body), nullptr);
             });
  router.Add("POST", "/v1/table/bind",
             {"compat-1.x", "FATE-Flow 1.x table bind: engine PATH (address.path) or MYSQL (address).",
              "engine, address, namespace, name, head, id_delimiter, drop"},
             [r, body_of, bad](const HttpRequest& req) {
               auto body = body_of(req);
               if (!body.ok()) return bad(body.status());
               std::string engine = OptionalString(*body, "engine").value_or("");
               for (auto& c : engine) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
               const bj::value* address = body->if_contains("address");
               if (!address || !address->is_object()) return bad(InvalidArgumentError("missing 'address' object"));
               if (engine == "PATH") {
                 if (const bj::value* path = address->as_object().if_contains("path")) (*body)["path"] = *path;
                 return ToV1(CallV2(*r, req, "POST", "/v2/table/bind/path", *body), nullptr);
               }
               if (engine == "MYSQL") return ToV1(CallV2(*r, req, "POST", "/v2/table/bind/mysql", *body), nullptr);
               return bad(InvalidArgumentError("'engine' must be PATH or MYSQL (fedflow binds files and MySQL tables)"));
             });

  // FATE-Flow 1.x model routes (`flow model ...`): the same bodies, answered in the 1.x envelope.
  const std::pair<const char*, const char*> model_routes[] = {
      {"/v1/model/load", "/v2/model/load"},
      {"/v1/model/bind", "/v2/model/bind"},
      {"/v1/model/deploy", "/v2/model/deploy"},
      {"/v1/model/query", "/v2/model/query"},
      {"/v1/model/migrate", "/v2/model/migrate"},
      {"/v1/model/store", "/v2/model/store"},
      {"/v1/model/restore", "/v2/model/restore"},
      {"/v1/model/get/predict/dsl", "/v2/model/predict/dsl"},
      {"/v1/model/get/predict/conf", "/v2/model/predict/conf"},
  };
  for (const auto& [v1, v2] : model_routes) {
    const std::string target = v2;
    router.Add("POST", v1, {"compat-1.x", std::string("FATE-Flow 1.x ") + (v1 + 4) + ": as " + target + ".", "as " + target},
               [r, body_of, bad, target](const HttpRequest& req) {
                 auto body = body_of(req);
                 if (!body.ok()) return bad(body.status());
                 // 1.x clients put the key under job_parameters; query reads it flat.
                 if (!body->contains("model_id")) {
                   if (const bj::value* jp = body->if_contains("job_parameters"); jp && jp->is_object()) {
                     for (const char* k : {"model_id", "model_version"}) {
                       if (const bj::value* v = jp->as_object().if_contains(k)) (*body)[k] = *v;
                     }
                   }
                 }
                 return ToV1(CallV2(*r, req, "POST", target, *body), nullptr);
               });
  }
}

}  // namespace fedflow::api
