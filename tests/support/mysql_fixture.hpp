#pragma once
// Access to the private MariaDB that the ctest fixture (tests/mariadb.sh) starts.

#include <string>

#include "base/status.hpp"
#include "orm/database.hpp"

namespace fedflow::testing {

/// A DbConfig for a brand-new, empty database `<prefix>_<n>` on the fixture's server.
/// Fails (never skips) when the FEDFLOW_TEST_MYSQL_* variables are absent: mysql tests must run
/// through ctest, whose fixture sets them.
StatusOr<orm::DbConfig> FreshMysqlDatabase(const std::string& prefix);

/// Runs SQL (one or several `;`-separated statements) as the test user on the configured database.
Status MysqlExecute(const orm::DbConfig& config, const std::string& sql);

/// Kills every server connection to the configured database but its own (a server restart or
/// wait_timeout, as a connection pool sees it). Answers how many it killed.
StatusOr<int> MysqlKillConnections(const orm::DbConfig& config);

}  // namespace fedflow::testing
