#pragma once
// Routes of the party-to-party contract (proto/fedflow/partner.proto): the one place where a
// request message is decoded and checked, its sender is checked, and the reply is encoded.
// Included by the interconnect route files only (it brings in protobuf's JSON).

#include <functional>
#include <string>

#include "base/ids.hpp"
#include "proto/fedflow/partner.pb.h"
#include "service/dsl/plan_context.hpp"
#include "service/http/envelope.hpp"
#include "service/http/router.hpp"
#include "service/interconnect/partner_contract.hpp"
#include "service/partner/job_participant.hpp"

namespace fedflow::api {

/// Who sent a command.
struct PartyCaller {
  std::string party;
  bool internal = false;  ///< this server, in-process
};

/// Checks every command shares: a job id of the job id format, a task name of the task name
/// pattern (when the message has one), and the presence of the attempt (when it has one).
template <typename Request>
Status CheckCommon(const Request& r) {
  if constexpr (requires { r.job_id(); }) {
    if (!IsJobId(r.job_id())) return InvalidArgumentError("job_id '" + r.job_id().substr(0, 64) + "' is not a job id");
  }
  if constexpr (requires { r.task_name(); }) {
    if (!dsl::IsTaskName(r.task_name())) {
      return InvalidArgumentError("task_name '" + r.task_name().substr(0, 100) + "' is not a task name");
    }
  }
  if constexpr (requires { r.has_attempt(); }) {
    if (!r.has_attempt()) return InvalidArgumentError("missing required field 'attempt'");
    if (r.attempt() < 0) return InvalidArgumentError("'attempt' must not be negative");
  }
  return Status::OK();
}

/// Who may send a command about a job.
enum class Sender {
  kCreator,    ///< the party the job names as its initiator (checked by the creation itself)
  kScheduler,  ///< only the job's scheduler: a partner in another job cannot steer this one
  kJobParty,   ///< any party of the job (requests to the job's scheduler)
};

/// A route of the contract: the body is a `Request`, the answer's data a `Reply`. The one place
/// that decodes, checks and encodes them, and checks the sender.
template <typename Request, typename Reply>
http::RouteHandler Typed(partner::JobParticipant& p, Sender sender,
                         std::function<StatusOr<Reply>(const Request&, const PartyCaller&)> handler) {
  return [&p, sender, handler = std::move(handler)](const http::HttpRequest& req) -> http::HttpResponse {
    Request request;
    Status parsed = interconnect::FromJson(req.body, &request, "request body");
    if (!parsed.ok()) return http::JsonError(parsed);
    Status common = CheckCommon(request);
    if (!common.ok()) return http::JsonError(common);
    PartyCaller caller{req.Header("x-fedflow-src-party"), req.internal};
    if constexpr (requires { request.job_id(); }) {
      if (sender != Sender::kCreator && !req.internal) {
        Status allowed = p.CheckCommandSender(request.job_id(), caller.party, sender == Sender::kJobParty);
        if (!allowed.ok()) return http::JsonError(allowed);
      }
    }
    auto reply = handler(request, caller);
    if (!reply.ok()) return http::JsonError(reply.status());
    return http::JsonOkRaw(interconnect::ToJson(*reply));
  };
}

/// A handler's Status as the empty reply.
inline StatusOr<contract::Done> Done(const Status& s) {
  if (!s.ok()) return s;
  return contract::Done();
}

template <typename Enum>
StatusOr<Enum> StatusField(const std::string& text, StatusOr<Enum> (*parse)(const std::string&), const char* field,
                           const char* fallback = nullptr) {
  if (text.empty()) {
    if (fallback) return parse(fallback);
    return InvalidArgumentError(std::string("missing required field '") + field + "'");
  }
  auto parsed = parse(text);
  if (!parsed.ok()) return parsed.status().WithContext(field);
  return parsed;
}

}  // namespace fedflow::api
