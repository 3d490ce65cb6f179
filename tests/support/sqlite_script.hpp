#pragma once
// Runs raw SQL on a SQLite file (to build old-version databases for migration tests).

#include <string>

#include "base/status.hpp"

namespace fedflow::testing {

/// Executes every statement of `sql` on the SQLite file at `path` (created if missing).
Status SqliteExecuteScript(const std::string& path, const std::string& sql);

}  // namespace fedflow::testing
