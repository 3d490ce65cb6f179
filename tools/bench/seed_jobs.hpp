#pragma once
// Finished jobs as a busy site accumulates them, written through the ORM while the server is
// down: the benches' large databases.

#include <cstdint>
#include <string>

#include "base/status.hpp"
#include "orm/database.hpp"

namespace fedflow::bench {

/// `count` successful one-party-row jobs at guest 9999, ids 2026010100000<8 digits>, created over
/// the hour before `now_ms`; each row's plan is `plan_json`.
Status SeedFinishedJobs(const orm::DbConfig& db, int count, std::int64_t now_ms, const std::string& plan_json = "{}");

}  // namespace fedflow::bench
