#pragma once
// A MySQL/MariaDB table bound as a fedflow table (no copy): where it is, what it holds, and its
// rows as CSV on demand (libmariadb).

#include <cstdint>
#include <ostream>
#include <string>

#include <boost/json/object.hpp>

#include "base/status.hpp"
#include "service/data/csv_ingest.hpp"

namespace fedflow::data {

struct MysqlAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string socket;  ///< a Unix socket instead of host:port (optional)
  std::string user;
  std::string password;
  std::string db;
  std::string table;

  /// From {host, port, socket, user, password (or passwd), db (or database), table (or name)};
  /// InvalidArgument names the missing or malformed field.
  static StatusOr<MysqlAddress> FromJson(const boost::json::object& o);
  /// With the password only when `with_password` (shown to clients without it).
  boost::json::object ToJson(bool with_password) const;
};

/// Connects and reads the table's columns and row count; the id column is the first one unless
/// named. Errors say whether the server, the credentials or the table is the problem.
StatusOr<TableSchema> InspectMysqlTable(const MysqlAddress& address, const std::string& id_column,
                                        const std::string& label_column);
/// Writes the table as CSV (header first, NULL as an empty field), streaming rows.
Status DumpMysqlTable(const MysqlAddress& address, std::ostream& out, std::int64_t limit = -1);

}  // namespace fedflow::data
