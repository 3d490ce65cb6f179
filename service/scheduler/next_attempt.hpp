#pragma once
// A task's next attempt (a retry or a rerun): its rows at the parties first, then the
// scheduler's own. If the scheduler dies in between, the same attempt is created again later
// and the parties' creation is idempotent.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "service/scheduler/scheduler_context.hpp"

namespace fedflow::sched {

/// The attempt created, or why not (with the parties' replies, for silent parties).
struct NextAttempt {
  Status status;
  orm::ScheduleTaskRow task;
  std::vector<orm::ScheduleTaskPartyRow> copies;
  std::vector<PartyReply> replies;
};

/// Creates attempt `from.attempt + 1` of a task at the parties of `from_copies` and at the
/// scheduler, with `retries_left` and not startable before `not_before_ms`. An attempt the
/// scheduler had created already counts as created.
NextAttempt CreateNextAttempt(SchedulerContext& ctx, const orm::ScheduleTaskRow& from,
                              const std::vector<orm::ScheduleTaskPartyRow>& from_copies, std::int32_t retries_left,
                              std::int64_t not_before_ms);

}  // namespace fedflow::sched
