#include "service/http/envelope.hpp"

#include <boost/json/serialize.hpp>

namespace fedflow::http {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

int ApiCodeFor(const Status& status) {
  if (status.api_code() != 0) return status.api_code();
  switch (status.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 5001;     // INVALID_PARAMETER
    case StatusCode::kUnauthenticated: return 5004;     // AUTHENTICATION_FAILED
    case StatusCode::kPermissionDenied: return 5005;    // NO_PERMISSION
    case StatusCode::kNotFound: return 6003;            // NO_FOUND
    case StatusCode::kAlreadyExists: return 7002;       // EXISTS
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted: return 6001;             // FUNCTION_RESTRICTED
    case StatusCode::kResourceExhausted: return 1006;   // RESOURCE_LIMIT_EXCEEDED
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded: return 6002;    // RESPONSE_EXCEPTION
    case StatusCode::kInternal: return 6000;            // EXCEPTION
  }
  return 6000;
}

HttpResponse JsonOk(boost::json::value data, const std::string& message, const boost::json::object& extra) {
  boost::json::object body;
  body["code"] = 0;
  body["message"] = message;
  if (!data.is_null()) body["data"] = std::move(data);
  for (const auto& kv : extra) body[kv.key()] = kv.value();
  HttpResponse r;
  r.body = boost::json::serialize(body);
  return r;
}

HttpResponse JsonOkRaw(const std::string& data_json) {
  HttpResponse r;
  r.body = "{\"code\":0,\"message\":\"success\",\"data\":" + data_json + "}";
  return r;
}

HttpResponse JsonError(const Status& status) {
  boost::json::object body;
  body["code"] = ApiCodeFor(status);
  body["message"] = status.message();
  HttpResponse r;
  r.status = HttpStatusFor(status.code());
  r.body = boost::json::serialize(body);
  return r;
}

HttpResponse JsonResult(const StatusOr<boost::json::value>& result) {
  if (!result.ok()) return JsonError(result.status());
  return JsonOk(*result);
}

}  // namespace fedflow::http
