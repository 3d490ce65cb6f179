#include "service/data/table_service.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "base/ids.hpp"
#include "base/log.hpp"
#include "service/data/csv.hpp"
#include "service/files/private_file.hpp"
#include "service/files/safe_path.hpp"

namespace fedflow::data {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

std::string Key(const std::string& ns, const std::string& name) { return ns + "." + name; }

orm::TableRow RowOf(const TableRequest& r, const TableSchema& schema) {
  orm::TableRow row;
  row.table_namespace = r.table_namespace;
  row.table_name = r.table_name;
  row.delimiter = std::string(1, schema.delimiter);
  row.id_column = schema.id_column;
  row.label_column = schema.label_column;
  row.schema_json = bj::serialize(schema.ToJson());
  row.row_count = schema.rows;
  row.partitions = r.partitions;
  return row;
}

StatusOr<MysqlAddress> AddressOf(const orm::TableRow& t) {
  boost::system::error_code ec;
  bj::value v = bj::parse(t.address_json, ec);
  if (ec || !v.is_object()) return InternalError("table " + Key(t.table_namespace, t.table_name) + " has no MySQL address");
  return MysqlAddress::FromJson(v.as_object());
}

}  // namespace

TableService::TableService(TableServiceOptions options, orm::TableRepository& tables, const Clock& clock)
    : options_(std::move(options)), tables_(tables), clock_(clock) {}

Status TableService::CheckFree(const TableRequest& r) {
  auto existing = tables_.Get(r.table_namespace, r.table_name);
  if (existing.ok() && !r.overwrite) {
    return AlreadyExistsError("table " + Key(r.table_namespace, r.table_name) + " already exists at party " +
                              options_.party_id + " (" + existing->source + ", " + std::to_string(existing->row_count) +
                              " rows): pass drop=1 (CLI: --drop) to replace it");
  }
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();
  return Status::OK();
}

StatusOr<std::string> TableService::ServerPath(const std::string& path) const {
  if (options_.import_roots.empty()) return PermissionDeniedError("no data.import_roots: server-side files are disabled");
  if (path.find('\0') != std::string::npos) return InvalidArgumentError("the file path contains a NUL character");
  fs::path p(path);
  if (p.is_relative()) p = fs::path(options_.import_roots.front()) / p;
  // Symlinks resolved: a link under a root must not lead outside it, nor to the server's files.
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(p, ec);
  std::string abs = (ec ? p.lexically_normal() : resolved).string();
  for (const auto& own : options_.protected_paths) {
    std::error_code own_ec;
    fs::path real_own = fs::weakly_canonical(own, own_ec);
    if (files::IsUnder(own_ec ? own : real_own.string(), abs)) {
      return PermissionDeniedError("'" + path + "' is one of this server's own files (keys, configuration, logs or "
                                   "database): it cannot be read as a table");
    }
  }
  for (const auto& root : options_.import_roots) {
    fs::path real_root = fs::weakly_canonical(root, ec);
    if (files::IsUnder(ec ? root : real_root.string(), abs)) return abs;
  }
  std::string roots;
  for (const auto& r : options_.import_roots) roots += (roots.empty() ? "" : ", ") + r;
  return PermissionDeniedError("'" + path + "' is outside the directories this server imports data from (" + roots +
                               "; config data.import_roots)");
}

StatusOr<orm::TableRow> TableService::Persist(const TableRequest& r, orm::TableRow row, const std::string& owned_file) {
  const std::int64_t now = clock_.NowMs();
  row.created_ms = now;
  row.updated_ms = now;
  orm::TableRow old;
  if (r.overwrite) {
    auto replaced = tables_.Replace(row);
    if (!replaced.ok()) return replaced.status();
    old = *replaced;
  } else {
    Status created = tables_.Create(row);
    if (!created.ok()) {
      if (created.code() == StatusCode::kAlreadyExists) {
        return AlreadyExistsError("table " + Key(r.table_namespace, r.table_name) + " was created meanwhile at party " +
                                  options_.party_id + ": pass drop=1 (CLI: --drop) to replace it");
      }
      return created;
    }
  }
  // The replaced upload's file is ours to remove; a bound source never is.
  std::error_code ec;
  if (old.engine == "file" && old.path != owned_file) fs::remove(old.path, ec);
  log::Get("app")->info("table={} engine={} rows={} source={} replaced={} persisted",
                        Key(row.table_namespace, row.table_name), row.engine, row.row_count, row.source,
                        !old.engine.empty());
  return row;
}

StatusOr<orm::TableRow> TableService::Upload(const TableRequest& r, std::istream* content) {
  FEDFLOW_RETURN_IF_ERROR(CheckTableName(r.table_namespace, r.table_name));
  FEDFLOW_RETURN_IF_ERROR(CheckFree(r));
  std::ifstream file_in;
  if (!content) {
    if (r.file.empty()) return InvalidArgumentError("missing 'file': the CSV to upload");
    FEDFLOW_ASSIGN_OR_RETURN(std::string path, ServerPath(r.file));
    file_in.open(path, std::ios::binary);
    if (!file_in) return NotFoundError("cannot read '" + path + "' on the server: no such file or no permission");
    content = &file_in;
  }
  const fs::path dir = fs::path(options_.data_dir) / r.table_namespace / r.table_name;
  std::error_code ec;
  bool dir_existed = fs::exists(dir, ec);
  FEDFLOW_RETURN_IF_ERROR(files::MakePrivateDirectories(dir.string()));
  const std::string id = RandomHex(8);
  const fs::path tmp = dir / ("." + id + ".csv.tmp");
  const fs::path final_path = dir / (id + ".csv");
  auto discard = [&] {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    fs::remove(final_path, ignored);
    if (!dir_existed) {
      fs::remove(dir, ignored);
      fs::remove(dir.parent_path(), ignored);  // only when empty
    }
  };
  StatusOr<TableSchema> schema = InternalError("not read");
  {
    // Created empty and private first: a table is this party's data, for its user only.
    FEDFLOW_RETURN_IF_ERROR(files::WritePrivateFile(tmp.string(), ""));
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return InternalError("cannot write " + tmp.string());
    schema = IngestCsv(*content, r.ingest, &out);
    out.flush();
    if (schema.ok() && !out) schema = InternalError("writing " + tmp.string() + " failed (disk full?)");
  }
  if (!schema.ok()) {
    discard();
    return schema.status().WithContext("upload of " + Key(r.table_namespace, r.table_name) + " refused, nothing stored");
  }
  fs::rename(tmp, final_path, ec);
  if (ec) {
    discard();
    return InternalError("cannot move the upload into place: " + ec.message());
  }
  orm::TableRow row = RowOf(r, *schema);
  row.engine = "file";
  row.path = final_path.string();
  row.have_header = true;
  row.source = "upload";
  auto persisted = Persist(r, row, final_path.string());
  if (!persisted.ok()) discard();
  return persisted;
}

StatusOr<orm::TableRow> TableService::BindPath(const TableRequest& r) {
  FEDFLOW_RETURN_IF_ERROR(CheckTableName(r.table_namespace, r.table_name));
  if (r.file.empty()) return InvalidArgumentError("missing 'path': the CSV file to bind");
  if (r.ingest.extend_sid) return InvalidArgumentError("extend_sid needs a copy: upload the file instead of binding it");
  FEDFLOW_RETURN_IF_ERROR(CheckFree(r));
  FEDFLOW_ASSIGN_OR_RETURN(std::string path, ServerPath(r.file));
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFoundError("cannot bind '" + path + "': no such file on the server");
  if (!fs::is_regular_file(path, ec)) return InvalidArgumentError("cannot bind '" + path + "': not a regular file (bind a CSV file)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return PermissionDeniedError("cannot bind '" + path + "': the server cannot read it");
  auto schema = IngestCsv(in, r.ingest, nullptr);
  if (!schema.ok()) return schema.status().WithContext("bind of " + path + " refused");
  orm::TableRow row = RowOf(r, *schema);
  row.engine = "path";
  row.path = path;
  row.have_header = r.ingest.have_header;
  row.source = "bind";
  return Persist(r, row, "");
}

StatusOr<orm::TableRow> TableService::BindMysql(const TableRequest& r, const MysqlAddress& address) {
  FEDFLOW_RETURN_IF_ERROR(CheckTableName(r.table_namespace, r.table_name));
  FEDFLOW_RETURN_IF_ERROR(CheckFree(r));
  auto schema = InspectMysqlTable(address, r.ingest.id_column, r.ingest.label_column);
  if (!schema.ok()) return schema.status().WithContext("bind refused");
  orm::TableRow row = RowOf(r, *schema);
  row.engine = "mysql";
  row.address_json = bj::serialize(address.ToJson(true));
  row.source = "bind";
  return Persist(r, row, "");
}

StatusOr<orm::TableRow> TableService::Get(const std::string& ns, const std::string& name) {
  FEDFLOW_RETURN_IF_ERROR(CheckTableName(ns, name));
  return tables_.Get(ns, name);
}

StatusOr<std::vector<orm::TableRow>> TableService::List(const std::string& ns) { return tables_.List(ns); }

StatusOr<orm::TableRow> TableService::Delete(const std::string& ns, const std::string& name) {
  FEDFLOW_RETURN_IF_ERROR(CheckTableName(ns, name));
  FEDFLOW_ASSIGN_OR_RETURN(orm::TableRow row, tables_.Delete(ns, name));
  if (row.engine == "file") {
    std::error_code ec;
    fs::remove(row.path, ec);
    fs::remove(fs::path(row.path).parent_path(), ec);  // only when empty
  }
  log::Get("app")->info("table={} engine={} deleted", Key(ns, name), row.engine);
  return row;
}

Status TableService::WriteCsv(const orm::TableRow& t, std::ostream& out, std::int64_t limit) {
  if (t.engine == "mysql") {
    FEDFLOW_ASSIGN_OR_RETURN(MysqlAddress address, AddressOf(t));
    return DumpMysqlTable(address, out, limit);
  }
  std::ifstream in(t.path, std::ios::binary);
  if (!in) return NotFoundError("the data of table " + Key(t.table_namespace, t.table_name) + " is gone: " + t.path);
  // Uploads are stored normalized; a bound file may use another delimiter or lack a header.
  char delimiter = t.delimiter.empty() ? ',' : t.delimiter[0];
  std::string line;
  std::int64_t written = -1;  // the header does not count
  if (!t.have_header) {
    boost::system::error_code ec;
    bj::value schema = bj::parse(t.schema_json, ec);
    std::vector<std::string> header;
    if (!ec && schema.is_object() && schema.as_object().contains("header")) {
      for (const auto& h : schema.as_object().at("header").as_array()) header.emplace_back(h.as_string());
    }
    out << JoinCsvLine(header) << '\n';
    written = 0;
  }
  while ((limit < 0 || written < limit) && std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (delimiter == ',') {
      out << line << '\n';
    } else {
      auto fields = SplitCsvLine(line, delimiter);
      if (!fields.ok()) return fields.status();
      out << JoinCsvLine(*fields) << '\n';
    }
    ++written;
  }
  return Status::OK();
}

StatusOr<CsvHead> TableService::Preview(const orm::TableRow& t, std::int64_t limit) {
  std::stringstream csv;
  FEDFLOW_RETURN_IF_ERROR(WriteCsv(t, csv, limit));
  CsvHead head;
  std::string line;
  bool first = true;
  while (std::getline(csv, line)) {
    auto fields = SplitCsvLine(line, ',');
    if (!fields.ok()) return fields.status();
    if (first) {
      head.header = std::move(fields).value();
      first = false;
    } else {
      head.rows.push_back(std::move(fields).value());
    }
  }
  return head;
}

Status TableService::CheckPresent(const std::vector<std::pair<std::string, std::string>>& needed) {
  for (const auto& [task, table] : needed) {
    auto dot = table.find('.');
    std::string ns = table.substr(0, dot), name = dot == std::string::npos ? "" : table.substr(dot + 1);
    auto row = tables_.Get(ns, name);
    if (row.ok()) continue;
    if (row.status().code() != StatusCode::kNotFound) return row.status();
    return Status(StatusCode::kFailedPrecondition,
                  "party " + options_.party_id + " has no table " + table + " (read by " + task +
                      "): upload it (fedflow data upload) or bind it (fedflow table bind) there first")
        .set_api_code(ApiCode::kTableNotFound);
  }
  return Status::OK();
}

bj::object TableService::View(const orm::TableRow& t) {
  boost::system::error_code ec;
  bj::value schema = bj::parse(t.schema_json, ec);
  bj::object v{{"namespace", t.table_namespace},
               {"name", t.table_name},
               {"engine", t.engine},
               {"source", t.source},
               {"count", t.row_count},
               {"id_column", t.id_column},
               {"label_column", t.label_column},
               {"partitions", t.partitions},
               {"schema", ec ? bj::value(nullptr) : schema},
               {"create_time", t.created_ms},
               {"update_time", t.updated_ms}};
  if (t.engine == "mysql") {
    auto address = AddressOf(t);
    if (address.ok()) v["address"] = address->ToJson(false);
  } else {
    v["path"] = t.path;
  }
  return v;
}

}  // namespace fedflow::data
