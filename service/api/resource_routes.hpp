#pragma once
// /v2/resource/query and /v2/resource/return: this party's capacity, what is held and by whom,
// and releasing a job's allocations by hand.

#include <string>

#include "orm/allocation_repository.hpp"
#include "service/http/router.hpp"
#include "service/partner/job_participant.hpp"

namespace fedflow::api {

void RegisterResourceRoutes(http::Router& router, const std::string& engine, orm::AllocationRepository& allocations,
                            partner::JobParticipant& participant);

}  // namespace fedflow::api
