#pragma once
// FATE-Flow 1.x job routes existing clients use (/v1/job/submit, query, stop, rerun, list/job,
// list/task), served by translating to the /v2 routes and back: the 1.x envelope
// {retcode, retmsg, data, jobId}, 1.x return codes, and f_-prefixed job fields in query answers.
// HTTP statuses stay meaningful (4xx for bad input), unlike FATE-Flow 1.x which always said 200.
// /v1/job/dsl/generate is not served: it derives a predict DSL from a deployed model, and
// fedflow has no model deployment (docs/api-compatibility.md).

#include "service/http/router.hpp"

namespace fedflow::api {

/// Registers the 1.x routes; they dispatch to `router`'s /v2 routes (register those first).
void RegisterCompatRoutes(http::Router& router);

}  // namespace fedflow::api
