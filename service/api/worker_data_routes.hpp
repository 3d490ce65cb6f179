#pragma once
// What workers record and read through their server (/v2/worker/..., the attempt token decides
// which attempt): metrics (FATE 1.x log_metric_data / set_metric_meta, 2.x metric/save), output
// registration (data tables and models), and the tables their task was given (the Reader).

#include "service/data/table_service.hpp"
#include "service/http/router.hpp"
#include "service/partner/job_participant.hpp"
#include "service/tracking/tracker.hpp"

namespace fedflow::api {

void RegisterWorkerDataRoutes(http::Router& router, partner::JobParticipant& participant, tracking::Tracker& tracker,
                              data::TableService& tables);

}  // namespace fedflow::api
