// The allocation ledger lifecycle as a Boost.MSM table (the only TU that instantiates it).

#include "statemachines/allocation_machine.hpp"

#include "proto/status_names.hpp"
#include "statemachines/msm_support.hpp"

namespace fedflow::sm {
namespace {

namespace mpl = boost::mpl;
using boost::msm::front::none;
using boost::msm::front::Row;
using detail::Restoring;
using Restore = detail::Restore<AllocationStatus>;
template <AllocationStatus S>
using To = detail::RestoresTo<AllocationStatus, S>;

struct Granted {};
struct Refused {};
struct Released {};

using Requested = detail::StatusState<AllocationStatus, ALLOCATION_STATUS_REQUESTED>;
using Held = detail::StatusState<AllocationStatus, ALLOCATION_STATUS_HELD>;
using ReleasedState = detail::StatusState<AllocationStatus, ALLOCATION_STATUS_RELEASED>;
using Rejected = detail::StatusState<AllocationStatus, ALLOCATION_STATUS_REJECTED>;

struct AllocationMachineDef : detail::MachineBase<AllocationMachineDef, AllocationStatus> {
  using initial_state = Restoring;

  // clang-format off
  struct transition_table : mpl::vector8<
    //  Start       Event     Next           Action  Guard
    Row<Restoring,  Restore,  Requested,     none,   To<ALLOCATION_STATUS_REQUESTED>>,
    Row<Restoring,  Restore,  Held,          none,   To<ALLOCATION_STATUS_HELD>>,
    Row<Restoring,  Restore,  ReleasedState, none,   To<ALLOCATION_STATUS_RELEASED>>,
    Row<Restoring,  Restore,  Rejected,      none,   To<ALLOCATION_STATUS_REJECTED>>,
    // (1)-(4)
    Row<Requested,  Granted,  Held,          none,   none>,
    Row<Requested,  Refused,  Rejected,      none,   none>,
    Row<Requested,  Released, ReleasedState, none,   none>,
    Row<Held,       Released, ReleasedState, none,   none>
  > {};
  // clang-format on
};

using AllocationFsm = boost::msm::back::state_machine<AllocationMachineDef>;

bool Process(AllocationFsm& fsm, AllocationStatus current, AllocationEvent event) {
  switch (event) {
    case AllocationEvent::kGranted: return detail::RestoreAndProcess(fsm, current, Granted{});
    case AllocationEvent::kRefused: return detail::RestoreAndProcess(fsm, current, Refused{});
    case AllocationEvent::kReleased: return detail::RestoreAndProcess(fsm, current, Released{});
  }
  return false;
}

}  // namespace

StatusOr<AllocationStatus> AllocationMachine::Decide(AllocationStatus current, AllocationEvent event) {
  if (current == ALLOCATION_STATUS_UNSPECIFIED || !AllocationStatus_IsValid(current)) {
    return InvalidArgumentError("unspecified allocation status");
  }
  AllocationFsm fsm;
  if (!Process(fsm, current, event)) {
    return FailedPreconditionError(std::string("allocation in status ") + AllocationStatusName(current) +
                                   " does not accept " + AllocationEventName(event));
  }
  return fsm.reached;
}

}  // namespace fedflow::sm
