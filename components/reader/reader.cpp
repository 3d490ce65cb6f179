#include "components/reader/reader.hpp"

#include <filesystem>
#include <fstream>

#include "components/sdk/table.hpp"

namespace fedflow::worker {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

/// (namespace, name) from `table: {namespace, name}` (FATE 1.x) or top-level keys (2.x).
StatusOr<std::pair<std::string, std::string>> TableOf(const bj::object& params) {
  const bj::object* holder = &params;
  if (const bj::value* t = params.if_contains("table"); t && t->is_object()) holder = &t->as_object();
  std::string ns = StringOf(*holder, "namespace");
  std::string name = StringOf(*holder, "name");
  if (ns.empty() || name.empty()) {
    return InvalidArgumentError(
        "Reader needs the table to read: set component parameters \"table\": {\"namespace\": ..., \"name\": ...} "
        "for this role and party");
  }
  return std::make_pair(ns, name);
}

/// The first declared data output, "data" when the DSL declares none.
std::string OutputKey(const bj::object& config) {
  const bj::value* outputs = config.if_contains("outputs");
  if (outputs && outputs->is_object()) {
    const bj::value* data = outputs->as_object().if_contains("data");
    if (data && data->is_array() && !data->as_array().empty() && data->as_array()[0].is_string()) {
      return std::string(data->as_array()[0].as_string());
    }
  }
  return "data";
}

}  // namespace

Status RunReader(WorkerSession& session) {
  FEDFLOW_ASSIGN_OR_RETURN(auto table, TableOf(session.parameters()));
  const std::string query = "namespace=" + UrlEncode(table.first) + "&name=" + UrlEncode(table.second);
  FEDFLOW_ASSIGN_OR_RETURN(bj::value info, session.GetData("/v2/worker/data/table/query", query));
  if (!info.is_object()) return InternalError("table query answered without a table");
  const bj::object& t = info.as_object();

  const std::string key = OutputKey(session.config());
  const fs::path dir = fs::path(session.output_dir()) / key;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir.string() + ": " + ec.message());
  const fs::path out = dir / "data.csv";
  // Uploaded tables are stored normalized (comma-delimited, header first) and can be copied;
  // bound files and MySQL tables are normalized by the server.
  if (StringOf(t, "engine") == "file") {
    fs::copy_file(StringOf(t, "path"), out, fs::copy_options::overwrite_existing, ec);
    if (ec) return InternalError("cannot copy " + StringOf(t, "path") + ": " + ec.message());
  } else {
    WorkerReply csv = session.Get("/v2/worker/data/table/download", query);
    if (csv.status != 200) return UnavailableError("table download answered HTTP " + std::to_string(csv.status) + ": " + csv.body);
    std::ofstream file(out, std::ios::trunc | std::ios::binary);
    file << csv.body;
    if (!file) return InternalError("cannot write " + out.string());
  }

  FEDFLOW_RETURN_IF_ERROR(WriteSchema(dir.string(), StringOf(t, "id_column"), StringOf(t, "label_column")));
  FEDFLOW_RETURN_IF_ERROR(session
                              .PostData("/v2/worker/data/tracking/save",
                                        bj::object{{"output_key", key},
                                                   {"path", out.string()},
                                                   {"id_column", StringOf(t, "id_column")},
                                                   {"label_column", StringOf(t, "label_column")}})
                              .status());
  const bj::value* count = t.if_contains("count");
  bj::value rows = count ? *count : bj::value(0);
  FEDFLOW_RETURN_IF_ERROR(session
                              .PostData("/v2/worker/metric/data/save",
                                        bj::object{{"namespace", "reader_namespace"},
                                                   {"name", "reader_name"},
                                                   {"metrics", bj::array{bj::object{{"key", "count"}, {"value", rows}}}}})
                              .status());
  FEDFLOW_RETURN_IF_ERROR(session
                              .PostData("/v2/worker/metric/meta/save",
                                        bj::object{{"namespace", "reader_namespace"},
                                                   {"name", "reader_name"},
                                                   {"meta", bj::object{{"metric_type", "DATA_INFO"},
                                                                       {"table_namespace", table.first},
                                                                       {"table_name", table.second},
                                                                       {"count", rows}}}})
                              .status());
  return Status::OK();
}

}  // namespace fedflow::worker
