#pragma once
// /v2/partner/... (commands from a job's scheduler to every participant) and /v2/worker/...
// (reports from this party's workers, authenticated by the attempt token).

#include "base/clock.hpp"
#include "orm/command_repository.hpp"
#include "service/http/router.hpp"
#include "service/partner/job_participant.hpp"

namespace fedflow::api {

void RegisterPartnerRoutes(http::Router& router, partner::JobParticipant& participant,
                           orm::CommandRepository& command_log, const Clock& clock);
void RegisterWorkerRoutes(http::Router& router, partner::JobParticipant& participant);

}  // namespace fedflow::api
