#pragma once
// The federation data plane's routes: workers send and receive chunks of messages through their
// own server (/v2/worker/federation/..., the attempt token says who they are), and servers relay
// chunks to the destination party (/v2/partner/federation/push, site-signed). Chunk bytes are
// the body; the message's key and the chunk's fields are query parameters (under the signature).

#include "service/federation/federation_service.hpp"
#include "service/http/router.hpp"
#include "service/partner/job_participant.hpp"

namespace fedflow::api {

void RegisterFederationRoutes(http::Router& router, partner::JobParticipant& participant,
                              federation::FederationService& federation);

}  // namespace fedflow::api
