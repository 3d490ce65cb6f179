#pragma once
// The FATE-Flow 2.x response envelope {"code", "message", "data"} and the one table that maps a
// Status to an HTTP status and a FATE-compatible business code.

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/status.hpp"
#include "service/http/http_types.hpp"

namespace fedflow::http {

/// HTTP status for a Status code: 400, 401, 403, 404, 409, 429, 503, 504 or 500.
int HttpStatusFor(StatusCode code);
/// FATE-compatible business code: `status.api_code()` when set, else a default per code.
int ApiCodeFor(const Status& status);

/// 200 `{"code": 0, "message": message, "data": data}` plus any `extra` top-level fields
/// (FATE puts `job_id` beside `data`).
HttpResponse JsonOk(boost::json::value data = nullptr, const std::string& message = "success",
                    const boost::json::object& extra = {});
/// 200 `{"code": 0, "message": "success", "data": <data_json>}` with `data_json` already JSON
/// text (a contract message), spliced in without a parse.
HttpResponse JsonOkRaw(const std::string& data_json);
/// Error envelope with the mapped HTTP status; the message is the Status message.
HttpResponse JsonError(const Status& status);
/// The envelope of a StatusOr-returning handler: JsonOk(value) or JsonError(status).
HttpResponse JsonResult(const StatusOr<boost::json::value>& result);

}  // namespace fedflow::http
