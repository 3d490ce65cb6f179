#pragma once
// Private to statemachines/*.cpp: the pieces every MSM table shares. A machine is re-entered
// from the stored status on every decision: it starts in `Restoring` and a guarded `Restore`
// row per status moves it to the stored one; then the real event is processed.

#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

namespace fedflow::sm::detail {

namespace msm = boost::msm;

/// Initial pseudo-state before the stored status is restored.
struct Restoring : msm::front::state<> {};

/// Moves a machine from Restoring to the stored status `target`.
template <typename StatusEnum>
struct Restore {
  StatusEnum target;
};

/// A state standing for one status value; entering it records the value in the machine.
template <typename StatusEnum, StatusEnum kValue>
struct StatusState : msm::front::state<> {
  template <typename Event, typename Fsm>
  void on_entry(const Event&, Fsm& fsm) {
    fsm.reached = kValue;
  }
};

/// Guard of a Restore row: true for the row of the stored status.
template <typename StatusEnum, StatusEnum kValue>
struct RestoresTo {
  template <typename Event, typename Fsm, typename Source, typename Target>
  bool operator()(const Event& e, Fsm&, Source&, Target&) const {
    return e.target == kValue;
  }
};

/// Common front-end base: remembers the reached status and turns "no transition" into a
/// rejection instead of MSM's default assertion.
template <typename Derived, typename StatusEnum>
struct MachineBase : msm::front::state_machine_def<Derived> {
  StatusEnum reached{};
  template <typename Fsm, typename Event>
  void no_transition(const Event&, Fsm&, int) {}
};

/// Restores `fsm` to `current` and processes `event`; true when a row handled it.
template <typename Fsm, typename StatusEnum, typename Event>
bool RestoreAndProcess(Fsm& fsm, StatusEnum current, const Event& event) {
  fsm.start();
  if (fsm.process_event(Restore<StatusEnum>{current}) != msm::back::HANDLED_TRUE) return false;
  return fsm.process_event(event) == msm::back::HANDLED_TRUE;
}

}  // namespace fedflow::sm::detail
