#pragma once
// This party's tables: upload (CSV -> a normalized copy under the data directory), bind (an
// existing CSV file, or a MySQL table, registered without copying), query, list, preview,
// download and delete. Metadata lives in ff_table; a failed upload or bind leaves nothing.
// Same-key semantics follow FATE: an existing (namespace, name) is replaced only with
// `overwrite` (FATE's drop), otherwise refused.

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/clock.hpp"
#include "base/status.hpp"
#include "orm/table_repository.hpp"
#include "service/data/csv_ingest.hpp"
#include "service/data/mysql_table.hpp"
#include "service/data/upload_request.hpp"

namespace fedflow::data {

struct TableServiceOptions {
  std::string party_id;
  std::string data_dir;                    ///< uploads are stored under <data_dir>/<namespace>/<name>/
  std::vector<std::string> import_roots;   ///< server-side files (upload from path, bind) must be under one
  /// Files and directories of the server itself (keys, config, logs, database): refused even
  /// under an import root.
  std::vector<std::string> protected_paths;
};

/// Thread-safe.
class TableService final {
 public:
  TableService(TableServiceOptions options, orm::TableRepository& tables, const Clock& clock);

  /// Reads the CSV from `content`, or from `request.file` on the server when `content` is null.
  StatusOr<orm::TableRow> Upload(const TableRequest& request, std::istream* content);
  /// Registers `request.file` (an existing CSV file) after reading it through once.
  StatusOr<orm::TableRow> BindPath(const TableRequest& request);
  /// Registers a MySQL table after checking it can be read.
  StatusOr<orm::TableRow> BindMysql(const TableRequest& request, const MysqlAddress& address);

  StatusOr<orm::TableRow> Get(const std::string& table_namespace, const std::string& table_name);
  StatusOr<std::vector<orm::TableRow>> List(const std::string& table_namespace);
  /// Removes the table; the data files of uploads go with it (bound sources are left alone).
  StatusOr<orm::TableRow> Delete(const std::string& table_namespace, const std::string& table_name);

  /// The table as CSV (comma-delimited, header first), at most `limit` records when >= 0.
  Status WriteCsv(const orm::TableRow& table, std::ostream& out, std::int64_t limit = -1);
  /// The first `limit` records, split into fields.
  StatusOr<CsvHead> Preview(const orm::TableRow& table, std::int64_t limit);

  /// OK when every named table ("namespace.name") exists here; else FailedPrecondition naming the
  /// first missing one, who needs it, and how to provide it. `needed`: (task name, table).
  Status CheckPresent(const std::vector<std::pair<std::string, std::string>>& needed);

  /// What clients see of a table (no password).
  static boost::json::object View(const orm::TableRow& table);

 private:
  /// Where an existing (namespace, name) stands: OK to go on, or AlreadyExists with the remedy.
  Status CheckFree(const TableRequest& request);
  /// `path` made absolute (relative to the first import root), symlinks resolved, and checked to
  /// be under a root and outside the server's own files.
  StatusOr<std::string> ServerPath(const std::string& path) const;
  StatusOr<orm::TableRow> Persist(const TableRequest& request, orm::TableRow row, const std::string& owned_file);

  TableServiceOptions options_;
  orm::TableRepository& tables_;
  const Clock& clock_;
};

}  // namespace fedflow::data
