#pragma once
// /v2/log/query, /v2/log/count and /v2/job/log/download: a job's logs at this party.
//
// Layout (docs/logs.md): logs/<job_id>/schedule.log (every line this server logged about the
// job) and logs/<job_id>/<role>/<party_id>/<task>/<attempt>/task.log (a worker's stdout and
// stderr). Every path is built from checked parts and confined to the log directory.

#include <string>

#include "orm/task_repository.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

void RegisterLogRoutes(http::Router& router, const std::string& logs_dir, orm::TaskRepository& tasks);

}  // namespace fedflow::api
