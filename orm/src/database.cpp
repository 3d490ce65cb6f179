// OpenDatabase: backend selection, connection pools, pragmas, schema creation and migration.

#include "orm/src/odb_database.hpp"

#include <sqlite3.h>

#include <mutex>
#include <string>
#include <unordered_set>

#include <odb/mysql/connection-factory.hxx>
#include <odb/mysql/database.hxx>
#include <odb/mysql/exceptions.hxx>
#include <odb/mysql/transaction-impl.hxx>
#include <odb/schema-catalog.hxx>
#include <odb/sqlite/connection-factory.hxx>
#include <odb/sqlite/database.hxx>
#include <odb/sqlite/exceptions.hxx>
#include <odb/sqlite/transaction-impl.hxx>

#include "fedflow_records-odb.hpp"

namespace fedflow {
namespace orm {
namespace {

/// SQLite pool whose connections get a busy timeout and WAL-friendly pragmas. Connections open
/// lazily and, once open, stay in the pool (min = max): ODB closes a released connection above the
/// minimum, and reopening one per transaction (with a cold statement cache) cost more than the query.
class TunedSqlitePool final : public odb::sqlite::connection_pool_factory {
 public:
  TunedSqlitePool(std::size_t max_connections, unsigned busy_timeout_ms)
      : odb::sqlite::connection_pool_factory(max_connections, max_connections), busy_timeout_ms_(busy_timeout_ms) {}

 protected:
  pooled_connection_ptr create() override {
    pooled_connection_ptr c(new (odb::details::shared) pooled_connection(*db_, extra_flags_));
    sqlite3_busy_timeout(c->handle(), static_cast<int>(busy_timeout_ms_));
    c->execute("PRAGMA synchronous=NORMAL");
    return c;
  }

 private:
  unsigned busy_timeout_ms_;
};

/// MySQL pool whose connections are in autocommit whatever the server's default: single-statement
/// reads run without BEGIN/COMMIT (BeginSingleRead), and with autocommit off they would stay in
/// one never-ending snapshot. Connections are not pinged when taken from the pool (a round trip
/// per transaction): a connection that died fails its transaction with a recoverable error, the
/// pool drops it, and RunTransaction runs the transaction again on another.
class AutocommitMysqlPool final : public odb::mysql::connection_pool_factory {
 public:
  explicit AutocommitMysqlPool(std::size_t max_connections)
      : odb::mysql::connection_pool_factory(max_connections, max_connections, false) {}

 protected:
  pooled_connection_ptr create() override {
    pooled_connection_ptr c(new (odb::details::shared) pooled_connection(*db_));
    c->execute("SET autocommit=1");
    return c;
  }
};

// One read statement in autocommit: no BEGIN and no COMMIT (on MySQL two of the three round trips
// of a read; on SQLite two of the three statements). The statement is its own snapshot. Ending it
// resets the connection's active statement, which ends SQLite's implicit read transaction.
class SqliteSingleRead final : public odb::sqlite::transaction_impl {
 public:
  explicit SqliteSingleRead(odb::sqlite::connection_ptr c)
      : odb::sqlite::transaction_impl(std::move(c), odb::sqlite::transaction_impl::deferred) {}
  void start() override {}
  void commit() override { connection().clear(); }
  void rollback() override { connection().clear(); }
};

class MysqlSingleRead final : public odb::mysql::transaction_impl {
 public:
  explicit MysqlSingleRead(odb::mysql::connection_ptr c) : odb::mysql::transaction_impl(std::move(c)) {}
  void start() override {}
  void commit() override { connection().clear(); }
  void rollback() override { connection().clear(); }
};

const char kSchemaName[] = "";

StatusOr<std::unique_ptr<odb::database>> OpenSqlite(const DbConfig& config) {
  if (config.sqlite_path.empty()) return InvalidArgumentError("database.sqlite.path is empty");
  // Probe with the C API first: its error names the path problem precisely.
  sqlite3* probe = nullptr;
  int rc = sqlite3_open_v2(config.sqlite_path.c_str(), &probe, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::string probe_error = probe ? sqlite3_errmsg(probe) : "out of memory";
  if (probe) sqlite3_close(probe);
  if (rc != SQLITE_OK) {
    return InvalidArgumentError("cannot open SQLite database '" + config.sqlite_path + "' (database.sqlite.path): " +
                                probe_error);
  }
  std::unique_ptr<odb::sqlite::connection_factory> pool(
      new TunedSqlitePool(config.max_connections, config.busy_timeout_ms));
  std::unique_ptr<odb::database> db(new odb::sqlite::database(
      config.sqlite_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, true, "",
      std::move(pool)));
  // WAL lets readers run beside the single writer; the mode is stored in the file.
  odb::connection_ptr c(db->connection());
  c->execute("PRAGMA journal_mode=WAL");
  return db;
}

StatusOr<std::unique_ptr<odb::database>> OpenMysql(const DbConfig& config) {
  if (config.mysql_database.empty()) return InvalidArgumentError("database.mysql.name is empty");
  std::unique_ptr<odb::mysql::connection_factory> pool(new AutocommitMysqlPool(config.max_connections));
  const std::string* socket = config.mysql_socket.empty() ? nullptr : &config.mysql_socket;
  std::unique_ptr<odb::database> db(new odb::mysql::database(
      config.mysql_user, config.mysql_password, config.mysql_database, config.mysql_host, config.mysql_port, socket,
      "utf8mb4", 0, std::move(pool)));
  return db;
}

/// Creates the schema on an empty database or migrates an older one, under a lock so two
/// servers starting on one MySQL database do not race.
Status CreateOrMigrate(OdbDatabase& db) {
  odb::database& odb_db = db.db();
  if (!db.is_sqlite()) {
    odb::connection_ptr c(odb_db.connection());
    c->execute("SELECT GET_LOCK('fedflow_schema', 60)");
  }
  Status s = RunTransaction(db, true, [&](odb::database& d) -> Status {
    odb::schema_version current = odb::schema_catalog::current_version(d, kSchemaName);
    odb::schema_version stored = d.schema_version(kSchemaName);
    if (stored > current) {
      return FailedPreconditionError("database schema version " + std::to_string(stored) +
                                     " is newer than this server's " + std::to_string(current) +
                                     ": upgrade fedflow-server or point it at another database");
    }
    if (stored < current) {
      log::Get("orm")->info("schema from_version={} to_version={} engine={}", stored, current, db.engine());
      odb::schema_catalog::migrate(d, 0, kSchemaName);
    }
    return Status::OK();
  });
  if (!db.is_sqlite()) {
    odb::connection_ptr c(odb_db.connection());
    c->execute("SELECT RELEASE_LOCK('fedflow_schema')");
  }
  return s;
}

}  // namespace

Status OdbDatabase::Ping() {
  try {
    odb::connection_ptr c(db_->connection());
    c->execute("SELECT 1");
    return Status::OK();
  } catch (const odb::exception& e) {
    return UnavailableError(std::string("database ping failed: ") + e.what());
  }
}

odb::transaction_impl* OdbDatabase::BeginWrite() {
  if (is_sqlite()) return static_cast<odb::sqlite::database&>(*db_).begin_immediate();
  return db_->begin();
}

odb::transaction_impl* OdbDatabase::BeginSingleRead() {
  if (is_sqlite()) return new SqliteSingleRead(static_cast<odb::sqlite::database&>(*db_).connection());
  return new MysqlSingleRead(static_cast<odb::mysql::database&>(*db_).connection());
}

const char* StatementName(const std::string& name) {
  static std::mutex mutex;
  static std::unordered_set<std::string> names;  // nodes never move: c_str() stays valid
  std::lock_guard<std::mutex> lock(mutex);
  auto it = names.find(name);
  if (it != names.end()) return it->c_str();
  if (names.size() >= 1024) return nullptr;
  return names.insert(name).first->c_str();
}

OdbDatabase& Unwrap(Database& db) { return static_cast<OdbDatabase&>(db); }

std::int64_t CurrentSchemaVersion() {
  // The generated catalog knows the model version without a database.
  return static_cast<std::int64_t>(odb::schema_catalog::current_version(odb::id_sqlite, kSchemaName));
}

StatusOr<std::unique_ptr<Database>> OpenDatabase(const DbConfig& config) {
  const std::string where =
      config.engine == "sqlite"
          ? "'" + config.sqlite_path + "'"
          : config.mysql_user + "@" +
                (config.mysql_socket.empty() ? config.mysql_host + ":" + std::to_string(config.mysql_port)
                                             : config.mysql_socket) +
                "/" + config.mysql_database;
  std::unique_ptr<odb::database> raw;
  try {
    if (config.engine == "sqlite") {
      auto db = OpenSqlite(config);
      if (!db.ok()) return db.status();
      raw = std::move(db).value();
    } else if (config.engine == "mysql") {
      auto db = OpenMysql(config);
      if (!db.ok()) return db.status();
      raw = std::move(db).value();
    } else {
      return InvalidArgumentError("database.engine must be 'sqlite' or 'mysql', got '" + config.engine + "'");
    }
  } catch (const odb::exception& e) {
    return UnavailableError("cannot connect to " + config.engine + " database " + where + ": " + e.what());
  }
  std::unique_ptr<OdbDatabase> db(new OdbDatabase(std::move(raw), config.engine, CurrentSchemaVersion()));
  Status ping = db->Ping();
  if (!ping.ok()) {
    return UnavailableError("cannot connect to " + config.engine + " database " + where + ": " + ping.message());
  }
  Status migrated = CreateOrMigrate(*db);
  if (!migrated.ok()) return migrated.WithContext("schema");
  return std::unique_ptr<Database>(std::move(db));
}

Status StatusFromOdb(const odb::exception& e) {
  std::string what = e.what();
  if (dynamic_cast<const odb::object_already_persistent*>(&e)) return AlreadyExistsError(what);
  if (dynamic_cast<const odb::object_not_persistent*>(&e)) return NotFoundError(what);
  if (dynamic_cast<const odb::object_changed*>(&e)) return AbortedError("row changed concurrently: " + what);
  if (dynamic_cast<const odb::recoverable*>(&e)) return UnavailableError(what);
  if (const auto* my = dynamic_cast<const odb::mysql::database_exception*>(&e)) {
    if (my->error() == 1062) return AlreadyExistsError(my->message());
    if (my->error() >= 2000 && my->error() < 2100) return UnavailableError(my->message());  // client errors
    return InternalError(what);
  }
  if (const auto* lite = dynamic_cast<const odb::sqlite::database_exception*>(&e)) {
    if (lite->error() == SQLITE_CONSTRAINT) return AlreadyExistsError(lite->message());
    if (lite->error() == SQLITE_BUSY || lite->error() == SQLITE_LOCKED) return UnavailableError(lite->message());
    return InternalError(what);
  }
  return InternalError(what);
}

unsigned long long ExecuteStatusCas(odb::database& db, const char* table, const char* column, std::uint64_t id,
                                    const char* from, const char* to, std::int64_t now_ms,
                                    const TransitionExtras& extras) {
  std::string sql = std::string("UPDATE ") + table + " SET " + column + "='" + to +
                    "', version=version+1, updated_ms=" + std::to_string(now_ms);
  if (extras.start_ms >= 0) sql += ", start_ms=" + std::to_string(extras.start_ms);
  if (extras.end_ms >= 0) sql += ", end_ms=" + std::to_string(extras.end_ms);
  sql += " WHERE id=" + std::to_string(id) + " AND " + column + "='" + from + "'";
  return db.execute(sql);
}

std::string Truncate(const std::string& text, std::size_t max_len) {
  if (text.size() <= max_len) return text;
  return text.substr(0, max_len) + "...(truncated)";
}

}  // namespace orm
}  // namespace fedflow
