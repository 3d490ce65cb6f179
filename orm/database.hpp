#pragma once
// Opening the metadata database (SQLite embedded default, MySQL/MariaDB for production).
// ODB-free and C++14-clean: the ODB implementation lives in orm/src/.

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.hpp"

namespace fedflow {
namespace orm {

/// How to reach the database. `engine` selects the backend.
struct DbConfig {
  std::string engine = "sqlite";           ///< "sqlite" or "mysql"
  std::string sqlite_path = "fedflow.db";  ///< file; created with its schema when absent
  std::string mysql_host = "127.0.0.1";
  unsigned mysql_port = 3306;
  std::string mysql_socket;                ///< when set, used instead of host:port
  std::string mysql_user;
  std::string mysql_password;
  std::string mysql_database;
  unsigned max_connections = 16;           ///< pool size
  unsigned busy_timeout_ms = 10000;        ///< SQLite: wait this long for a write lock
};

/// An open database with its schema created or migrated to this build's version.
/// Thread-safe: connections are pooled. Repositories (orm/*_repository.hpp) are built on it.
class Database {
 public:
  virtual ~Database() = default;
  /// "sqlite" or "mysql".
  virtual const std::string& engine() const = 0;
  /// Schema version after open (this build's current model version).
  virtual std::int64_t schema_version() const = 0;
  /// A trivial round trip; Unavailable when the database does not answer.
  virtual Status Ping() = 0;
};

/// Opens (creating the SQLite file if needed), creates or migrates the schema, and checks that
/// the database is not newer than this build. Errors name what to fix (path, credentials).
StatusOr<std::unique_ptr<Database>> OpenDatabase(const DbConfig& config);

/// The schema version this build writes.
std::int64_t CurrentSchemaVersion();

}  // namespace orm
}  // namespace fedflow
