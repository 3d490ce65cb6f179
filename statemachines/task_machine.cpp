// The task attempt lifecycle as a Boost.MSM table (the only TU that instantiates it).

#include "statemachines/task_machine.hpp"

#include "proto/status_names.hpp"
#include "statemachines/msm_support.hpp"

namespace fedflow::sm {
namespace {

namespace mpl = boost::mpl;
using boost::msm::front::none;
using boost::msm::front::Row;
using detail::Restoring;
using Restore = detail::Restore<TaskStatus>;
template <TaskStatus S>
using To = detail::RestoresTo<TaskStatus, S>;

// Events.
struct Launched {};
struct Skipped {};
struct Succeeded {};
struct Failed {};
struct CancelRequested {};
struct TimedOut {};
struct Heartbeat {};

// States.
using Waiting = detail::StatusState<TaskStatus, TASK_STATUS_WAITING>;
using Running = detail::StatusState<TaskStatus, TASK_STATUS_RUNNING>;
using Success = detail::StatusState<TaskStatus, TASK_STATUS_SUCCESS>;
using Pass = detail::StatusState<TaskStatus, TASK_STATUS_PASS>;
using FailedState = detail::StatusState<TaskStatus, TASK_STATUS_FAILED>;
using Canceled = detail::StatusState<TaskStatus, TASK_STATUS_CANCELED>;
using Timeout = detail::StatusState<TaskStatus, TASK_STATUS_TIMEOUT>;

struct TaskMachineDef : detail::MachineBase<TaskMachineDef, TaskStatus> {
  using initial_state = Restoring;

  // clang-format off
  struct transition_table : mpl::vector18<
    //  Start       Event            Next          Action  Guard
    Row<Restoring,  Restore,         Waiting,      none,   To<TASK_STATUS_WAITING>>,
    Row<Restoring,  Restore,         Running,      none,   To<TASK_STATUS_RUNNING>>,
    Row<Restoring,  Restore,         Success,      none,   To<TASK_STATUS_SUCCESS>>,
    Row<Restoring,  Restore,         Pass,         none,   To<TASK_STATUS_PASS>>,
    Row<Restoring,  Restore,         FailedState,  none,   To<TASK_STATUS_FAILED>>,
    Row<Restoring,  Restore,         Canceled,     none,   To<TASK_STATUS_CANCELED>>,
    Row<Restoring,  Restore,         Timeout,      none,   To<TASK_STATUS_TIMEOUT>>,
    // (1)-(5)
    Row<Waiting,    Launched,        Running,      none,   none>,
    Row<Waiting,    Skipped,         Pass,         none,   none>,
    Row<Waiting,    Succeeded,       Success,      none,   none>,
    Row<Waiting,    Failed,          FailedState,  none,   none>,
    Row<Waiting,    CancelRequested, Canceled,     none,   none>,
    // (6)-(11)
    Row<Running,    Succeeded,       Success,      none,   none>,
    Row<Running,    Skipped,         Pass,         none,   none>,
    Row<Running,    Failed,          FailedState,  none,   none>,
    Row<Running,    CancelRequested, Canceled,     none,   none>,
    Row<Running,    TimedOut,        Timeout,      none,   none>,
    Row<Running,    Heartbeat,       none,         none,   none>
  > {};
  // clang-format on
};

using TaskFsm = boost::msm::back::state_machine<TaskMachineDef>;

bool Process(TaskFsm& fsm, TaskStatus current, TaskEvent event) {
  switch (event) {
    case TaskEvent::kLaunched: return detail::RestoreAndProcess(fsm, current, Launched{});
    case TaskEvent::kSkipped: return detail::RestoreAndProcess(fsm, current, Skipped{});
    case TaskEvent::kSucceeded: return detail::RestoreAndProcess(fsm, current, Succeeded{});
    case TaskEvent::kFailed: return detail::RestoreAndProcess(fsm, current, Failed{});
    case TaskEvent::kCancelRequested: return detail::RestoreAndProcess(fsm, current, CancelRequested{});
    case TaskEvent::kTimedOut: return detail::RestoreAndProcess(fsm, current, TimedOut{});
    case TaskEvent::kHeartbeat: return detail::RestoreAndProcess(fsm, current, Heartbeat{});
  }
  return false;
}

}  // namespace

StatusOr<TaskStatus> TaskMachine::Decide(TaskStatus current, TaskEvent event) {
  if (current == TASK_STATUS_UNSPECIFIED || !TaskStatus_IsValid(current)) {
    return InvalidArgumentError("unspecified task status");
  }
  TaskFsm fsm;
  if (!Process(fsm, current, event)) {
    return FailedPreconditionError(std::string("task in status ") + TaskStatusName(current) + " does not accept " +
                                   TaskEventName(event));
  }
  return fsm.reached;
}

StatusOr<TaskEvent> TaskMachine::EventReaching(TaskStatus target) {
  switch (target) {
    case TASK_STATUS_RUNNING: return TaskEvent::kLaunched;
    case TASK_STATUS_SUCCESS: return TaskEvent::kSucceeded;
    case TASK_STATUS_PASS: return TaskEvent::kSkipped;
    case TASK_STATUS_FAILED: return TaskEvent::kFailed;
    case TASK_STATUS_CANCELED: return TaskEvent::kCancelRequested;
    case TASK_STATUS_TIMEOUT: return TaskEvent::kTimedOut;
    default: return InvalidArgumentError(std::string("no event leads to task status ") + TaskStatusName(target));
  }
}

StatusOr<std::vector<TaskEvent>> TaskMachine::PathTo(TaskStatus current, TaskStatus target) {
  if (current == target) return std::vector<TaskEvent>{};
  auto event = EventReaching(target);
  if (!event.ok()) return event.status();
  if (Decide(current, *event).ok()) return std::vector<TaskEvent>{*event};
  // Reachable only through running (e.g. a poll missed the running phase)?
  auto launched = Decide(current, TaskEvent::kLaunched);
  if (launched.ok() && Decide(*launched, *event).ok()) return std::vector<TaskEvent>{TaskEvent::kLaunched, *event};
  return FailedPreconditionError(std::string("task status ") + TaskStatusName(current) + " cannot become " +
                                 TaskStatusName(target));
}

}  // namespace fedflow::sm
