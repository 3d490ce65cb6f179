#include "statemachines/events.hpp"

namespace fedflow::sm {

const char* JobEventName(JobEvent e) {
  switch (e) {
    case JobEvent::kPartiesCreated: return "PartiesCreated";
    case JobEvent::kResourcesAcquired: return "ResourcesAcquired";
    case JobEvent::kAllTasksSucceeded: return "AllTasksSucceeded";
    case JobEvent::kFailed: return "Failed";
    case JobEvent::kCancelRequested: return "CancelRequested";
    case JobEvent::kTimedOut: return "TimedOut";
    case JobEvent::kRerunRequested: return "RerunRequested";
  }
  return "?";
}

const char* TaskEventName(TaskEvent e) {
  switch (e) {
    case TaskEvent::kLaunched: return "Launched";
    case TaskEvent::kSkipped: return "Skipped";
    case TaskEvent::kSucceeded: return "Succeeded";
    case TaskEvent::kFailed: return "Failed";
    case TaskEvent::kCancelRequested: return "CancelRequested";
    case TaskEvent::kTimedOut: return "TimedOut";
    case TaskEvent::kHeartbeat: return "Heartbeat";
  }
  return "?";
}

const char* AllocationEventName(AllocationEvent e) {
  switch (e) {
    case AllocationEvent::kGranted: return "Granted";
    case AllocationEvent::kRefused: return "Refused";
    case AllocationEvent::kReleased: return "Released";
  }
  return "?";
}

}  // namespace fedflow::sm
