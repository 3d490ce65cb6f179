#include "tests/support/mysql_fixture.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include <mysql.h>

namespace fedflow::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

Status MysqlExecute(const orm::DbConfig& config, const std::string& sql) {
  MYSQL* conn = mysql_init(nullptr);
  if (!conn) return InternalError("mysql_init failed");
  const char* db = config.mysql_database.empty() ? nullptr : config.mysql_database.c_str();
  const char* socket = config.mysql_socket.empty() ? nullptr : config.mysql_socket.c_str();
  if (!mysql_real_connect(conn, config.mysql_host.c_str(), config.mysql_user.c_str(), config.mysql_password.c_str(), db,
                          config.mysql_port, socket, CLIENT_MULTI_STATEMENTS)) {
    std::string err = mysql_error(conn);
    mysql_close(conn);
    return UnavailableError("connect: " + err);
  }
  Status s;
  if (mysql_query(conn, sql.c_str()) != 0) {
    s = InternalError(std::string(mysql_error(conn)) + " in: " + sql.substr(0, 200));
  } else {
    // Walk every statement's result: an error in a later statement surfaces here.
    do {
      if (MYSQL_RES* res = mysql_store_result(conn)) mysql_free_result(res);
      int next = mysql_next_result(conn);
      if (next > 0) {
        s = InternalError(std::string(mysql_error(conn)));
        break;
      }
      if (next < 0) break;
    } while (true);
  }
  mysql_close(conn);
  return s;
}

StatusOr<int> MysqlKillConnections(const orm::DbConfig& config) {
  MYSQL* conn = mysql_init(nullptr);
  if (!conn) return InternalError("mysql_init failed");
  const char* socket = config.mysql_socket.empty() ? nullptr : config.mysql_socket.c_str();
  if (!mysql_real_connect(conn, config.mysql_host.c_str(), config.mysql_user.c_str(), config.mysql_password.c_str(),
                          nullptr, config.mysql_port, socket, 0)) {
    std::string err = mysql_error(conn);
    mysql_close(conn);
    return UnavailableError("connect: " + err);
  }
  std::vector<std::string> ids;
  std::string list = "SELECT id FROM information_schema.processlist WHERE db = '" + config.mysql_database +
                     "' AND id <> CONNECTION_ID()";
  if (mysql_query(conn, list.c_str()) == 0) {
    if (MYSQL_RES* res = mysql_store_result(conn)) {
      while (MYSQL_ROW row = mysql_fetch_row(res)) ids.push_back(row[0]);
      mysql_free_result(res);
    }
  }
  Status s;
  for (const auto& id : ids) {
    if (mysql_query(conn, ("KILL CONNECTION " + id).c_str()) != 0) s = InternalError(mysql_error(conn));
  }
  mysql_close(conn);
  if (!s.ok()) return s;
  return static_cast<int>(ids.size());
}

StatusOr<orm::DbConfig> FreshMysqlDatabase(const std::string& prefix) {
  static std::atomic<int> counter{0};
  orm::DbConfig c;
  c.engine = "mysql";
  c.mysql_socket = Env("FEDFLOW_TEST_MYSQL_SOCKET");
  std::string port = Env("FEDFLOW_TEST_MYSQL_PORT");
  c.mysql_user = Env("FEDFLOW_TEST_MYSQL_USER");
  if (port.empty() || c.mysql_user.empty()) {
    return FailedPreconditionError(
        "FEDFLOW_TEST_MYSQL_PORT/USER are not set: run mysql tests through ctest (fixture mariadb_start)");
  }
  c.mysql_host = "127.0.0.1";
  c.mysql_port = static_cast<unsigned>(std::stoi(port));
  std::string name = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
  FEDFLOW_RETURN_IF_ERROR(MysqlExecute(c, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4"));
  c.mysql_database = name;
  return c;
}

}  // namespace fedflow::testing
