#pragma once
// What a task left at this party, for clients (/v2/output/...): metrics (list, data, meta,
// delete), data outputs (list, preview, download as CSV or tar.gz) and models (query, download).

#include "service/http/router.hpp"
#include "service/tracking/tracker.hpp"

namespace fedflow::api {

void RegisterOutputRoutes(http::Router& router, tracking::Tracker& tracker);

}  // namespace fedflow::api
