#pragma once
// JSON views of stored rows, with FATE-Flow's field names (create_time, start_time, elapsed ...)
// so FATE tools read them unchanged, plus fedflow's failure and waiting reasons.

#include <boost/json/object.hpp>

#include "orm/rows.hpp"

namespace fedflow::api {

boost::json::object JobView(const orm::JobRow& row);
boost::json::object ScheduleJobView(const orm::ScheduleJobRow& row);
boost::json::object TaskAttemptView(const orm::TaskAttemptRow& row);
boost::json::object ScheduleTaskView(const orm::ScheduleTaskRow& row);
boost::json::object TaskPartyView(const orm::ScheduleTaskPartyRow& row);

}  // namespace fedflow::api
