#pragma once
// Operator tooling (/v2/admin/...): stop or rerun any job with a recorded reason, list stuck
// jobs, release a job's allocations by hand, drain this server. Every action writes one audit
// line: who, what, which job, why.

#include "service/api/job_routes.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

void RegisterAdminRoutes(http::Router& router, JobApiDeps deps);


}  // namespace fedflow::api
