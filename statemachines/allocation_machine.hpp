#pragma once
// Resource allocation ledger row: a ledger, not a counter.
//
//   +-----------+ (1) Granted  +------+ (4) Released  +----------+
//   | requested | -----------> | held | ------------> | released |
//   +-----------+              +------+               +----------+
//        | (2) Refused -> rejected                         ^
//        +------------------ (3) Released -----------------+   (request withdrawn before a decision)
//
// Free capacity of a party = configured capacity - sum(cores of held rows): nothing can drift.

#include "base/status.hpp"
#include "proto/fedflow/common.pb.h"
#include "statemachines/events.hpp"

namespace fedflow::sm {

/// Pure decision function over the Boost.MSM allocation table (allocation_machine.cpp).
class AllocationMachine final {
 public:
  static StatusOr<AllocationStatus> Decide(AllocationStatus current, AllocationEvent event);
};

}  // namespace fedflow::sm
