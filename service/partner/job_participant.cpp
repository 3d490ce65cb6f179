#include "service/partner/job_participant.hpp"

namespace fedflow::partner {

JobParticipant::JobParticipant(ParticipantDeps deps)
    : d_(std::move(deps)),
      specs_(d_.party_id, *d_.jobs),
      resources_(d_, specs_),
      tasks_(d_, specs_, resources_),
      jobs_(d_, specs_, resources_, tasks_),
      workers_(d_, specs_) {}

}  // namespace fedflow::partner
