#pragma once
// This party's tables (/v2/data/..., /v2/table/...): upload a CSV (from the request body or a
// file on the server), download, bind an existing CSV file or MySQL table, query with a
// preview, list and delete. Every change writes an audit line.

#include "service/data/table_service.hpp"
#include "service/http/router.hpp"

namespace fedflow::api {

void RegisterDataRoutes(http::Router& router, data::TableService& tables);

}  // namespace fedflow::api
