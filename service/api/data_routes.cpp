#include "service/api/data_routes.hpp"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "base/log.hpp"
#include "service/api/request_args.hpp"
#include "service/files/tar_gz.hpp"
#include "service/http/envelope.hpp"

namespace fedflow::api {

namespace bj = boost::json;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonError;
using http::JsonOk;

namespace {

const char* kUploadParams =
    "namespace, name (1.x: table_name), head (default 1), delimiter (1.x: id_delimiter), id_column "
    "(2.x: meta.match_id_name; default the first column), label_column (2.x/1.x: meta.label_name), extend_sid, "
    "partitions, drop (replace an existing table)";

void Audit(const HttpRequest& req, const std::string& action, const std::string& table, const Status& outcome) {
  log::Get("audit")->info("action={} by={} table={} outcome={}", action, Caller(req), table,
                          outcome.ok() ? "ok" : "\"" + outcome.message() + "\"");
}

HttpResponse TableAnswer(const HttpRequest& req, const std::string& action, const std::string& key,
                         const StatusOr<orm::TableRow>& row) {
  Audit(req, action, key, row.status());
  if (!row.ok()) return JsonError(row.status());
  return JsonOk(data::TableService::View(*row));
}

std::string KeyOf(const bj::object& args) {
  auto str = [&](std::initializer_list<const char*> keys) -> std::string {
    for (const char* k : keys) {
      if (const bj::value* v = args.if_contains(k); v && v->is_string()) return std::string(v->as_string()).substr(0, 64);
    }
    return "?";
  };
  return str({"namespace"}) + "." + str({"name", "table_name"});
}

/// Query parameters as strings (the body is the file itself).
bj::object QueryArgs(const HttpRequest& req) {
  bj::object args;
  for (const auto& [k, v] : req.query) args[k] = v;
  return args;
}

}  // namespace

void RegisterDataRoutes(http::Router& router, data::TableService& tables) {
  router.Add("POST", "/v2/data/component/upload",
             {"application", "Upload a CSV file that is on the server (FATE 1.x or 2.x upload conf) as a table.",
              std::string("file (on the server, under data.import_roots), ") + kUploadParams},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto request = data::ParseTableRequest(args, true);
               if (!request.ok()) return JsonError(request.status());
               return TableAnswer(req, "table.upload", KeyOf(args), tables.Upload(*request, nullptr));
             }));
  http::RouteDoc upload_file_doc{"application",
                                 "Upload the CSV in the request body as a table (parameters in the query string); the "
                                 "body is streamed to disk, up to limits.max_upload_bytes.",
                                 std::string("body: the CSV (Content-Type text/csv); query: ") + kUploadParams};
  upload_file_doc.streamed_body = true;
  router.Add("POST", "/v2/data/component/upload/file", upload_file_doc, [&tables](const HttpRequest& req) -> HttpResponse {
    bj::object args = QueryArgs(req);
    auto request = data::ParseTableRequest(args, false);
    if (!request.ok()) return JsonError(request.status());
    std::ifstream spooled;
    std::istringstream buffered;
    std::istream* content = &buffered;
    if (!req.body_file.empty()) {
      spooled.open(req.body_file, std::ios::binary);
      if (!spooled) return JsonError(InternalError("the uploaded body could not be read back on the server"));
      content = &spooled;
    } else {
      buffered.str(req.body);
    }
    if (content->peek() == std::char_traits<char>::eof()) {
      return JsonError(InvalidArgumentError("the request body is empty: send the CSV in it"));
    }
    return TableAnswer(req, "table.upload", KeyOf(args), tables.Upload(*request, content));
  });
  router.Add("GET", "/v2/data/download",
             {"application", "A table's rows: tar.gz of CSV + meta (FATE), or the CSV (format=csv).",
              "namespace, name, format (tar|csv)"},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto ns = RequireString(args, "namespace");
               auto name = RequireString(args, "name");
               std::string format = OptionalString(args, "format").value_or("");
               if (!ns.ok()) return JsonError(ns.status());
               if (!name.ok()) return JsonError(name.status());
               if (!format.empty() && format != "csv" && format != "tar") {
                 return JsonError(InvalidArgumentError("'format' must be tar or csv"));
               }
               auto table = tables.Get(*ns, *name);
               if (!table.ok()) return JsonError(table.status());
               std::ostringstream csv;
               Status s = tables.WriteCsv(*table, csv);
               if (!s.ok()) return JsonError(s);
               HttpResponse r;
               const std::string base = *ns + "_" + *name;
               if (format == "csv") {
                 r.content_type = "text/csv";
                 r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + base + ".csv\"");
                 r.body = std::move(csv).str();
                 return r;
               }
               auto archive = files::TarGzEntries({{base + "/" + base + ".csv", csv.str()},
                                                   {base + "/" + base + ".meta.json", bj::serialize(data::TableService::View(*table))}});
               if (!archive.ok()) return JsonError(archive.status());
               r.content_type = "application/gzip";
               r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + base + ".tar.gz\"");
               r.body = std::move(*archive);
               return r;
             }));
  router.Add("POST", "/v2/table/bind/path",
             {"application", "Register an existing CSV file on the server as a table, without copying it.",
              "namespace, name, path (under data.import_roots), head, delimiter, id_column, label_column, drop"},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto request = data::ParseTableRequest(args, true);
               if (!request.ok()) return JsonError(request.status());
               return TableAnswer(req, "table.bind", KeyOf(args), tables.BindPath(*request));
             }));
  router.Add("POST", "/v2/table/bind/mysql",
             {"application", "Register a MySQL/MariaDB table as a table, without copying it (checked at bind).",
              "namespace, name, address {host, port, socket, user, password, db, table}, id_column, label_column, drop"},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto request = data::ParseTableRequest(args, false);
               if (!request.ok()) return JsonError(request.status());
               const bj::value* address = args.if_contains("address");
               if (!address || !address->is_object()) {
                 return JsonError(InvalidArgumentError("missing 'address': {host, port, user, password, db, table}"));
               }
               auto parsed = data::MysqlAddress::FromJson(address->as_object());
               if (!parsed.ok()) return JsonError(parsed.status().WithContext("address"));
               return TableAnswer(req, "table.bind", KeyOf(args), tables.BindMysql(*request, *parsed));
             }));
  router.Add("GET", "/v2/table/query",
             {"application", "A table's engine, location, schema and count; display=true adds its first rows.",
              "namespace, name, display, limit (default 10, max 1000)"},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto ns = RequireString(args, "namespace");
               auto name = RequireString(args, "name");
               auto limit = OptionalInt(args, "limit", 10, 1, 1000);
               std::string display = OptionalString(args, "display").value_or("");
               if (!ns.ok()) return JsonError(ns.status());
               if (!name.ok()) return JsonError(name.status());
               if (!limit.ok()) return JsonError(limit.status());
               auto table = tables.Get(*ns, *name);
               if (!table.ok()) return JsonError(Status(table.status()).set_api_code(ApiCode::kTableNotFound));
               bj::object view = data::TableService::View(*table);
               if (display == "true" || display == "1") {
                 auto head = tables.Preview(*table, *limit);
                 if (!head.ok()) return JsonError(head.status());
                 bj::array rows;
                 for (const auto& r : head->rows) {
                   bj::array row;
                   for (const auto& f : r) row.emplace_back(f);
                   rows.push_back(std::move(row));
                 }
                 view["display"] = std::move(rows);
               }
               return JsonOk(std::move(view));
             }));
  router.Add("GET", "/v2/table/list", {"application", "This party's tables, of one namespace or all.", "namespace"},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               std::string ns = OptionalString(args, "namespace").value_or("");
               if (!ns.empty()) {
                 Status valid = data::CheckTableName(ns, "x");
                 if (!valid.ok()) return JsonError(valid);
               }
               auto rows = tables.List(ns);
               if (!rows.ok()) return JsonError(rows.status());
               bj::array out;
               for (const auto& t : *rows) out.push_back(data::TableService::View(t));
               return JsonOk(bj::object{{"count", out.size()}, {"data", std::move(out)}});
             }));
  router.Add("POST", "/v2/table/delete",
             {"application", "Delete a table (an upload's data goes with it; bound sources are left alone).",
              "namespace, name"},
             WithArgs([&tables](const HttpRequest& req, const bj::object& args) -> HttpResponse {
               auto ns = RequireString(args, "namespace");
               auto name = RequireString(args, "name");
               if (!ns.ok()) return JsonError(ns.status());
               if (!name.ok()) return JsonError(name.status());
               return TableAnswer(req, "table.delete", *ns + "." + *name, tables.Delete(*ns, *name));
             }));
}

}  // namespace fedflow::api
