#pragma once
// Record <-> row conversions (records never leave orm/).

#include "fedflow_records-odb.hpp"
#include "orm/rows.hpp"

namespace fedflow {
namespace orm {

JobRow ToRow(const records::JobRecord& r);
records::JobRecord ToRecord(const JobRow& row);
ScheduleJobRow ToRow(const records::ScheduleJobRecord& r);
records::ScheduleJobRecord ToRecord(const ScheduleJobRow& row);
ScheduleTaskRow ToRow(const records::ScheduleTaskRecord& r);
records::ScheduleTaskRecord ToRecord(const ScheduleTaskRow& row);
ScheduleTaskPartyRow ToRow(const records::ScheduleTaskPartyRecord& r);
records::ScheduleTaskPartyRecord ToRecord(const ScheduleTaskPartyRow& row);
TaskAttemptRow ToRow(const records::TaskAttemptRecord& r);
records::TaskAttemptRecord ToRecord(const TaskAttemptRow& row);
AllocationRow ToRow(const records::AllocationRecord& r);
records::AllocationRecord ToRecord(const AllocationRow& row);
EngineCapacityRow ToRow(const records::EngineCapacityRecord& r);
records::EngineCapacityRecord ToRecord(const EngineCapacityRow& row);

}  // namespace orm
}  // namespace fedflow
