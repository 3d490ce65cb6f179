#include "service/data/mysql_table.hpp"

#include <algorithm>
#include <memory>

#include <mysql.h>

#include "base/ids.hpp"
#include "service/data/csv.hpp"

namespace fedflow::data {

namespace bj = boost::json;

namespace {

std::string Str(const bj::object& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (const bj::value* v = o.if_contains(k); v && v->is_string()) return std::string(v->as_string());
  }
  return "";
}

/// Backtick-quoted identifier; names with backticks or control characters are refused earlier.
std::string Quote(const std::string& id) { return "`" + id + "`"; }

bool SafeMysqlName(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '-'; });
}

struct Closer {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using Connection = std::unique_ptr<MYSQL, Closer>;

StatusOr<Connection> Connect(const MysqlAddress& a) {
  Connection conn(mysql_init(nullptr));
  if (!conn) return InternalError("mysql_init failed");
  unsigned timeout = 5;
  mysql_options(conn.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  // With a socket, "localhost" makes the client use it (any other host means TCP).
  if (!mysql_real_connect(conn.get(), a.socket.empty() ? a.host.c_str() : "localhost", a.user.c_str(), a.password.c_str(), a.db.c_str(), a.port,
                          a.socket.empty() ? nullptr : a.socket.c_str(), 0)) {
    return UnavailableError("cannot connect to MySQL " + (a.socket.empty() ? a.host + ":" + std::to_string(a.port) : a.socket) +
                            " database '" + a.db + "' as '" + a.user + "': " + mysql_error(conn.get()));
  }
  mysql_set_character_set(conn.get(), "utf8mb4");
  return conn;
}

}  // namespace

StatusOr<MysqlAddress> MysqlAddress::FromJson(const bj::object& o) {
  MysqlAddress a;
  std::string host = Str(o, {"host"});
  if (!host.empty()) a.host = host;
  if (const bj::value* p = o.if_contains("port")) {
    std::int64_t port = p->is_int64() ? p->as_int64() : (p->is_string() ? std::atoll(p->as_string().c_str()) : 0);
    if (port < 1 || port > 65535) return InvalidArgumentError("'port' must be 1..65535");
    a.port = static_cast<std::uint16_t>(port);
  }
  a.socket = Str(o, {"socket"});
  a.user = Str(o, {"user"});
  a.password = Str(o, {"password", "passwd"});
  a.db = Str(o, {"db", "database"});
  a.table = Str(o, {"table", "name"});
  if (a.user.empty()) return InvalidArgumentError("missing MySQL 'user'");
  if (!SafeMysqlName(a.db)) return InvalidArgumentError("'db' must be a MySQL database name (letters, digits, _ $ -)");
  if (!SafeMysqlName(a.table)) return InvalidArgumentError("'table' must be a MySQL table name (letters, digits, _ $ -)");
  return a;
}

bj::object MysqlAddress::ToJson(bool with_password) const {
  bj::object o{{"host", host}, {"port", port}, {"user", user}, {"db", db}, {"table", table}};
  if (!socket.empty()) o["socket"] = socket;
  if (with_password) o["password"] = password;
  return o;
}

StatusOr<TableSchema> InspectMysqlTable(const MysqlAddress& a, const std::string& id_column,
                                        const std::string& label_column) {
  FEDFLOW_ASSIGN_OR_RETURN(Connection conn, Connect(a));
  std::string sql = "SELECT COUNT(*) FROM " + Quote(a.table);
  if (mysql_query(conn.get(), sql.c_str()) != 0) {
    return NotFoundError("MySQL table " + a.db + "." + a.table + " cannot be read: " + mysql_error(conn.get()));
  }
  TableSchema schema;
  schema.delimiter = ',';
  if (MYSQL_RES* res = mysql_store_result(conn.get())) {
    if (MYSQL_ROW row = mysql_fetch_row(res); row && row[0]) schema.rows = std::atoll(row[0]);
    mysql_free_result(res);
  }
  sql = "SELECT * FROM " + Quote(a.table) + " LIMIT 0";
  if (mysql_query(conn.get(), sql.c_str()) != 0) return InternalError(mysql_error(conn.get()));
  MYSQL_RES* res = mysql_store_result(conn.get());
  if (!res) return InternalError(mysql_error(conn.get()));
  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  for (unsigned i = 0; i < n; ++i) {
    schema.header.emplace_back(fields[i].name);
    bool integer = IS_NUM(fields[i].type) && fields[i].decimals == 0 && fields[i].type != MYSQL_TYPE_FLOAT &&
                   fields[i].type != MYSQL_TYPE_DOUBLE;
    schema.types.push_back(IS_NUM(fields[i].type) ? (integer ? "int" : "float") : "string");
  }
  mysql_free_result(res);
  schema.id_column = id_column.empty() ? schema.header.front() : id_column;
  if (std::find(schema.header.begin(), schema.header.end(), schema.id_column) == schema.header.end()) {
    return InvalidArgumentError("id column '" + schema.id_column + "' is not a column of " + a.db + "." + a.table);
  }
  if (!label_column.empty() && std::find(schema.header.begin(), schema.header.end(), label_column) == schema.header.end()) {
    return InvalidArgumentError("label column '" + label_column + "' is not a column of " + a.db + "." + a.table);
  }
  schema.label_column = label_column;
  return schema;
}

Status DumpMysqlTable(const MysqlAddress& a, std::ostream& out, std::int64_t limit) {
  FEDFLOW_ASSIGN_OR_RETURN(Connection conn, Connect(a));
  std::string sql = "SELECT * FROM " + Quote(a.table);
  if (limit >= 0) sql += " LIMIT " + std::to_string(limit);
  if (mysql_query(conn.get(), sql.c_str()) != 0) {
    return NotFoundError("MySQL table " + a.db + "." + a.table + " cannot be read: " + mysql_error(conn.get()));
  }
  MYSQL_RES* res = mysql_use_result(conn.get());
  if (!res) return InternalError(mysql_error(conn.get()));
  unsigned n = mysql_num_fields(res);
  MYSQL_FIELD* fields = mysql_fetch_fields(res);
  std::vector<std::string> values(n);
  for (unsigned i = 0; i < n; ++i) values[i] = fields[i].name;
  out << JoinCsvLine(values) << '\n';
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    for (unsigned i = 0; i < n; ++i) values[i] = row[i] ? std::string(row[i], lengths[i]) : "";
    out << JoinCsvLine(values) << '\n';
  }
  Status s = mysql_errno(conn.get()) ? InternalError(mysql_error(conn.get())) : Status::OK();
  mysql_free_result(res);
  return s;
}

}  // namespace fedflow::data
