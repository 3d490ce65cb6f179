// The job lifecycle as a Boost.MSM table (the only TU that instantiates it).

#include "statemachines/job_machine.hpp"

#include <boost/mpl/vector/vector30.hpp>

#include "proto/status_names.hpp"
#include "statemachines/msm_support.hpp"

namespace fedflow::sm {
namespace {

namespace mpl = boost::mpl;
using boost::msm::front::none;
using boost::msm::front::Row;
using detail::Restoring;
using Restore = detail::Restore<JobStatus>;
template <JobStatus S>
using To = detail::RestoresTo<JobStatus, S>;

// Events.
struct PartiesCreated {};
struct ResourcesAcquired {};
struct AllTasksSucceeded {};
struct Failed {};
struct CancelRequested {};
struct TimedOut {};
struct RerunRequested {};

// States.
using Ready = detail::StatusState<JobStatus, JOB_STATUS_READY>;
using Waiting = detail::StatusState<JobStatus, JOB_STATUS_WAITING>;
using Running = detail::StatusState<JobStatus, JOB_STATUS_RUNNING>;
using Success = detail::StatusState<JobStatus, JOB_STATUS_SUCCESS>;
using FailedState = detail::StatusState<JobStatus, JOB_STATUS_FAILED>;
using Canceled = detail::StatusState<JobStatus, JOB_STATUS_CANCELED>;
using Timeout = detail::StatusState<JobStatus, JOB_STATUS_TIMEOUT>;

struct JobMachineDef : detail::MachineBase<JobMachineDef, JobStatus> {
  using initial_state = Restoring;

  // clang-format off
  struct transition_table : mpl::vector23<
    //  Start        Event               Next          Action  Guard
    Row<Restoring,   Restore,            Ready,        none,   To<JOB_STATUS_READY>>,
    Row<Restoring,   Restore,            Waiting,      none,   To<JOB_STATUS_WAITING>>,
    Row<Restoring,   Restore,            Running,      none,   To<JOB_STATUS_RUNNING>>,
    Row<Restoring,   Restore,            Success,      none,   To<JOB_STATUS_SUCCESS>>,
    Row<Restoring,   Restore,            FailedState,  none,   To<JOB_STATUS_FAILED>>,
    Row<Restoring,   Restore,            Canceled,     none,   To<JOB_STATUS_CANCELED>>,
    Row<Restoring,   Restore,            Timeout,      none,   To<JOB_STATUS_TIMEOUT>>,
    // (1)-(4)
    Row<Ready,       PartiesCreated,     Waiting,      none,   none>,
    Row<Ready,       Failed,             FailedState,  none,   none>,
    Row<Ready,       CancelRequested,    Canceled,     none,   none>,
    Row<Ready,       TimedOut,           Timeout,      none,   none>,
    // (5)-(8)
    Row<Waiting,     ResourcesAcquired,  Running,      none,   none>,
    Row<Waiting,     CancelRequested,    Canceled,     none,   none>,
    Row<Waiting,     TimedOut,           Timeout,      none,   none>,
    Row<Waiting,     Failed,             FailedState,  none,   none>,
    // (9)-(12)
    Row<Running,     AllTasksSucceeded,  Success,      none,   none>,
    Row<Running,     Failed,             FailedState,  none,   none>,
    Row<Running,     CancelRequested,    Canceled,     none,   none>,
    Row<Running,     TimedOut,           Timeout,      none,   none>,
    // (13)-(16)
    Row<Success,     RerunRequested,     Waiting,      none,   none>,
    Row<FailedState, RerunRequested,     Waiting,      none,   none>,
    Row<Canceled,    RerunRequested,     Waiting,      none,   none>,
    Row<Timeout,     RerunRequested,     Waiting,      none,   none>
  > {};
  // clang-format on
};

using JobFsm = boost::msm::back::state_machine<JobMachineDef>;

bool Process(JobFsm& fsm, JobStatus current, JobEvent event) {
  switch (event) {
    case JobEvent::kPartiesCreated: return detail::RestoreAndProcess(fsm, current, PartiesCreated{});
    case JobEvent::kResourcesAcquired: return detail::RestoreAndProcess(fsm, current, ResourcesAcquired{});
    case JobEvent::kAllTasksSucceeded: return detail::RestoreAndProcess(fsm, current, AllTasksSucceeded{});
    case JobEvent::kFailed: return detail::RestoreAndProcess(fsm, current, Failed{});
    case JobEvent::kCancelRequested: return detail::RestoreAndProcess(fsm, current, CancelRequested{});
    case JobEvent::kTimedOut: return detail::RestoreAndProcess(fsm, current, TimedOut{});
    case JobEvent::kRerunRequested: return detail::RestoreAndProcess(fsm, current, RerunRequested{});
  }
  return false;
}

}  // namespace

StatusOr<JobStatus> JobMachine::Decide(JobStatus current, JobEvent event) {
  if (current == JOB_STATUS_UNSPECIFIED || !JobStatus_IsValid(current)) {
    return InvalidArgumentError("unspecified job status");
  }
  JobFsm fsm;
  if (!Process(fsm, current, event)) {
    return FailedPreconditionError(std::string("job in status ") + JobStatusName(current) + " does not accept " +
                                   JobEventName(event));
  }
  return fsm.reached;
}

}  // namespace fedflow::sm
