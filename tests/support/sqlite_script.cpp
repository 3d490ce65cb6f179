#include "tests/support/sqlite_script.hpp"

#include <sqlite3.h>

namespace fedflow::testing {

Status SqliteExecuteScript(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string err = db ? sqlite3_errmsg(db) : "out of memory";
    if (db) sqlite3_close(db);
    return UnavailableError("open " + path + ": " + err);
  }
  char* error = nullptr;
  Status s;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    s = InternalError(error ? error : "sqlite3_exec failed");
    sqlite3_free(error);
  }
  sqlite3_close(db);
  return s;
}

}  // namespace fedflow::testing
