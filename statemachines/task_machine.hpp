#pragma once
// Task attempt lifecycle (FATE-Flow TaskStatus), for one attempt at one party and for
// the scheduler's federated status of an attempt.
//
//                (1) Launched          (6) Succeeded -> success
//   +---------+ -------------> +---------+ (7) Skipped -> pass
//   | waiting |                | running | (8) Failed -> failed
//   +---------+                +---------+ (9) CancelRequested -> canceled
//     | (2) Skipped -> pass       ^   |    (10) TimedOut -> timeout
//     | (3) Succeeded -> success  +---+ (11) Heartbeat (internal: no change)
//     | (4) Failed -> failed (launch error)
//     | (5) CancelRequested -> canceled
//
// All end states (success, pass, failed, canceled, timeout) are final: a retry or rerun is a
// new attempt, never a revived row. Differences from FATE-Flow: waiting -> canceled exists (a
// stopped job ends its unstarted tasks); timeout -> failed/success do not (first ending wins).

#include <vector>

#include "base/status.hpp"
#include "proto/fedflow/common.pb.h"
#include "statemachines/events.hpp"

namespace fedflow::sm {

/// Pure decision function over the Boost.MSM task table (statemachines/task_machine.cpp).
class TaskMachine final {
 public:
  /// The status after `event`, or FailedPrecondition when the table has no such edge.
  static StatusOr<TaskStatus> Decide(TaskStatus current, TaskEvent event);
  /// The event that reaches `target` directly (running: Launched, success: Succeeded, ...);
  /// InvalidArgument for waiting/unspecified, which no event reaches.
  static StatusOr<TaskEvent> EventReaching(TaskStatus target);
  /// Events that lead from `current` to `target` along the table: empty when equal, one event
  /// for a direct edge, Launched + X when the target is only reachable through running (a poll
  /// that missed the running phase). FailedPrecondition when there is no path.
  static StatusOr<std::vector<TaskEvent>> PathTo(TaskStatus current, TaskStatus target);
};

}  // namespace fedflow::sm
