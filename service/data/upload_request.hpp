#pragma once
// An upload or bind request as FATE users write it: FATE-Flow 1.x upload confs (table_name,
// namespace, head, partition, id_delimiter, drop, meta{with_label, label_name}) and 2.x ones
// (name, namespace, head, partitions, extend_sid, meta{delimiter, label_name, match_id_name}),
// plus fedflow's own id_column, label_column, delimiter and overwrite.

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "service/data/csv_ingest.hpp"

namespace fedflow::data {

struct TableRequest {
  std::string table_namespace;
  std::string table_name;
  std::string file;         ///< a path on the server ("" when the content comes with the request)
  IngestOptions ingest;
  bool overwrite = false;   ///< FATE's drop: replace an existing table of the same name
  std::int32_t partitions = 0;
};

/// Reads the arguments; InvalidArgument names the field to fix. `need_file`: `file` is required.
StatusOr<TableRequest> ParseTableRequest(const boost::json::object& args, bool need_file);

/// A namespace (letters, digits, _ -) and a table name (letters, digits, _ . -), each at most
/// 128 characters: they become directory names and "namespace.name" in grants.
Status CheckTableName(const std::string& table_namespace, const std::string& table_name);

}  // namespace fedflow::data
