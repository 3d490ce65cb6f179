#pragma once
// The party-to-party contract in code: the routes' paths, and the JSON form of the request and
// reply messages of proto/fedflow/partner.proto (protobuf's JSON mapping with proto field names;
// unknown fields are refused). Stubs and routes both use these, so both sides speak one schema.

#include <string>
#include <string_view>

#include "base/status.hpp"
#include "service/interconnect/party_client.hpp"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace fedflow::interconnect {

/// Paths of the interconnect routes.
namespace paths {
inline constexpr const char* kJobCreate = "/v2/partner/job/create";
inline constexpr const char* kJobStatusUpdate = "/v2/partner/job/status/update";
inline constexpr const char* kResourceApply = "/v2/partner/job/resource/apply";
inline constexpr const char* kResourceReturn = "/v2/partner/job/resource/return";
inline constexpr const char* kJobStart = "/v2/partner/job/start";
inline constexpr const char* kJobStop = "/v2/partner/job/stop";
inline constexpr const char* kJobUpdate = "/v2/partner/job/update";
inline constexpr const char* kTaskStart = "/v2/partner/task/start";
inline constexpr const char* kTaskCollect = "/v2/partner/task/collect";
inline constexpr const char* kTaskStop = "/v2/partner/task/stop";
inline constexpr const char* kTaskRerun = "/v2/partner/task/rerun";
inline constexpr const char* kTaskStatusUpdate = "/v2/partner/task/status/update";
inline constexpr const char* kSchedulerReport = "/v2/scheduler/task/report";
inline constexpr const char* kSchedulerStop = "/v2/scheduler/job/stop";
inline constexpr const char* kSchedulerRerun = "/v2/scheduler/job/rerun";
inline constexpr const char* kModelDeploy = "/v2/partner/model/deploy";
inline constexpr const char* kModelCheck = "/v2/partner/model/check";
inline constexpr const char* kModelDelete = "/v2/partner/model/delete";
inline constexpr const char* kModelBind = "/v2/partner/model/bind";
inline constexpr const char* kModelMigrate = "/v2/partner/model/migrate";
inline constexpr const char* kPing = "/v2/partner/ping";
}  // namespace paths

/// `message` as contract JSON.
std::string ToJson(const google::protobuf::Message& message);
/// Parses contract JSON into `message`. InvalidArgument says what (`what`) and why, naming the
/// field when protobuf does.
Status FromJson(std::string_view json, google::protobuf::Message* message, std::string_view what);
/// Parses the `data` of a successful reply into `message`.
Status ReplyInto(const PartyReply& reply, google::protobuf::Message* message);

/// The data of a successful reply as `M`.
template <typename M>
StatusOr<M> ReplyAs(const PartyReply& reply) {
  M out;
  FEDFLOW_RETURN_IF_ERROR(ReplyInto(reply, &out));
  return out;
}

}  // namespace fedflow::interconnect
