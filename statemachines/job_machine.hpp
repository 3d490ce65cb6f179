#pragma once
// Job lifecycle (FATE-Flow JobStatus, with the differences listed below).
//
//                 (1) PartiesCreated        (5) ResourcesAcquired      (9) AllTasksSucceeded
//      +-------+ -------------------> +---------+ ------------------> +---------+ ----------> success
//      | ready |                      | waiting |                     | running | (10) Failed -> failed
//      +-------+                      +---------+                     +---------+ (11) CancelRequested -> canceled
//        | (2) Failed -> failed         | (6) CancelRequested -> canceled         (12) TimedOut -> timeout
//        | (3) CancelRequested -> canceled  (7) TimedOut -> timeout
//        | (4) TimedOut -> timeout      | (8) Failed -> failed
//        v
//   success / failed / canceled / timeout --(13..16) RerunRequested--> waiting
//
// Legend: ready = created at this party; waiting = queued for resources; end states are final
// except through rerun. Differences from FATE-Flow: no pass status for jobs; timeout -> failed
// and failed -> canceled are not edges (an ended job changes only by rerun).

#include "base/status.hpp"
#include "proto/fedflow/common.pb.h"
#include "statemachines/events.hpp"

namespace fedflow::sm {

/// Pure decision function over the Boost.MSM job table (statemachines/job_machine.cpp).
class JobMachine final {
 public:
  /// The status after `event`, or FailedPrecondition when the table has no such edge
  /// (InvalidArgument for an unspecified status). No I/O, thread-safe.
  static StatusOr<JobStatus> Decide(JobStatus current, JobEvent event);
};

}  // namespace fedflow::sm
