#define BOOST_TEST_MODULE ff_statemachines_test
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <tuple>
#include <vector>

#include "proto/status_names.hpp"
#include "statemachines/allocation_machine.hpp"
#include "statemachines/job_machine.hpp"
#include "statemachines/task_machine.hpp"

using namespace fedflow;
using sm::AllocationEvent;
using sm::JobEvent;
using sm::TaskEvent;

// The oracle: every allowed edge, written from FATE-Flow's status tables and the documented
// differences (the machine headers). Independent of the MSM code.
struct JobRow {
  JobStatus from;
  JobEvent event;
  JobStatus to;
};
struct TaskRow {
  TaskStatus from;
  TaskEvent event;
  TaskStatus to;
};
struct AllocRow {
  AllocationStatus from;
  AllocationEvent event;
  AllocationStatus to;
};

std::ostream& operator<<(std::ostream& os, const JobRow& r) {
  return os << JobStatusName(r.from) << " --" << sm::JobEventName(r.event) << "--> " << JobStatusName(r.to);
}
std::ostream& operator<<(std::ostream& os, const TaskRow& r) {
  return os << TaskStatusName(r.from) << " --" << sm::TaskEventName(r.event) << "--> " << TaskStatusName(r.to);
}
std::ostream& operator<<(std::ostream& os, const AllocRow& r) {
  return os << AllocationStatusName(r.from) << " --" << sm::AllocationEventName(r.event) << "--> "
            << AllocationStatusName(r.to);
}

const std::vector<JobRow> kJobRows = {
    {JOB_STATUS_READY, JobEvent::kPartiesCreated, JOB_STATUS_WAITING},
    {JOB_STATUS_READY, JobEvent::kFailed, JOB_STATUS_FAILED},
    {JOB_STATUS_READY, JobEvent::kCancelRequested, JOB_STATUS_CANCELED},
    {JOB_STATUS_READY, JobEvent::kTimedOut, JOB_STATUS_TIMEOUT},
    {JOB_STATUS_WAITING, JobEvent::kResourcesAcquired, JOB_STATUS_RUNNING},
    {JOB_STATUS_WAITING, JobEvent::kCancelRequested, JOB_STATUS_CANCELED},
    {JOB_STATUS_WAITING, JobEvent::kTimedOut, JOB_STATUS_TIMEOUT},
    {JOB_STATUS_WAITING, JobEvent::kFailed, JOB_STATUS_FAILED},
    {JOB_STATUS_RUNNING, JobEvent::kAllTasksSucceeded, JOB_STATUS_SUCCESS},
    {JOB_STATUS_RUNNING, JobEvent::kFailed, JOB_STATUS_FAILED},
    {JOB_STATUS_RUNNING, JobEvent::kCancelRequested, JOB_STATUS_CANCELED},
    {JOB_STATUS_RUNNING, JobEvent::kTimedOut, JOB_STATUS_TIMEOUT},
    {JOB_STATUS_SUCCESS, JobEvent::kRerunRequested, JOB_STATUS_WAITING},
    {JOB_STATUS_FAILED, JobEvent::kRerunRequested, JOB_STATUS_WAITING},
    {JOB_STATUS_CANCELED, JobEvent::kRerunRequested, JOB_STATUS_WAITING},
    {JOB_STATUS_TIMEOUT, JobEvent::kRerunRequested, JOB_STATUS_WAITING},
};

const std::vector<TaskRow> kTaskRows = {
    {TASK_STATUS_WAITING, TaskEvent::kLaunched, TASK_STATUS_RUNNING},
    {TASK_STATUS_WAITING, TaskEvent::kSkipped, TASK_STATUS_PASS},
    {TASK_STATUS_WAITING, TaskEvent::kSucceeded, TASK_STATUS_SUCCESS},
    {TASK_STATUS_WAITING, TaskEvent::kFailed, TASK_STATUS_FAILED},
    {TASK_STATUS_WAITING, TaskEvent::kCancelRequested, TASK_STATUS_CANCELED},
    {TASK_STATUS_RUNNING, TaskEvent::kSucceeded, TASK_STATUS_SUCCESS},
    {TASK_STATUS_RUNNING, TaskEvent::kSkipped, TASK_STATUS_PASS},
    {TASK_STATUS_RUNNING, TaskEvent::kFailed, TASK_STATUS_FAILED},
    {TASK_STATUS_RUNNING, TaskEvent::kCancelRequested, TASK_STATUS_CANCELED},
    {TASK_STATUS_RUNNING, TaskEvent::kTimedOut, TASK_STATUS_TIMEOUT},
    {TASK_STATUS_RUNNING, TaskEvent::kHeartbeat, TASK_STATUS_RUNNING},
};

const std::vector<AllocRow> kAllocRows = {
    {ALLOCATION_STATUS_REQUESTED, AllocationEvent::kGranted, ALLOCATION_STATUS_HELD},
    {ALLOCATION_STATUS_REQUESTED, AllocationEvent::kRefused, ALLOCATION_STATUS_REJECTED},
    {ALLOCATION_STATUS_REQUESTED, AllocationEvent::kReleased, ALLOCATION_STATUS_RELEASED},
    {ALLOCATION_STATUS_HELD, AllocationEvent::kReleased, ALLOCATION_STATUS_RELEASED},
};

const std::vector<JobEvent> kJobEvents = {JobEvent::kPartiesCreated, JobEvent::kResourcesAcquired,
                                          JobEvent::kAllTasksSucceeded, JobEvent::kFailed,
                                          JobEvent::kCancelRequested, JobEvent::kTimedOut,
                                          JobEvent::kRerunRequested};
const std::vector<TaskEvent> kTaskEvents = {TaskEvent::kLaunched,        TaskEvent::kSkipped,  TaskEvent::kSucceeded,
                                            TaskEvent::kFailed,          TaskEvent::kCancelRequested,
                                            TaskEvent::kTimedOut,        TaskEvent::kHeartbeat};
const std::vector<AllocationEvent> kAllocEvents = {AllocationEvent::kGranted, AllocationEvent::kRefused,
                                                   AllocationEvent::kReleased};

BOOST_AUTO_TEST_SUITE(JobMachineTest)

BOOST_DATA_TEST_CASE(AllowsEveryTableRow, boost::unit_test::data::make(kJobRows), row) {
  auto next = sm::JobMachine::Decide(row.from, row.event);
  BOOST_REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  BOOST_TEST(JobStatusName(*next) == JobStatusName(row.to));
}

BOOST_AUTO_TEST_CASE(RejectsEveryOtherPair) {
  int n = 0, rejected = 0;
  const JobStatus* all = AllJobStatuses(&n);
  for (int i = 0; i < n; ++i) {
    for (JobEvent e : kJobEvents) {
      bool allowed = false;
      for (const auto& r : kJobRows) allowed |= (r.from == all[i] && r.event == e);
      if (allowed) continue;
      auto next = sm::JobMachine::Decide(all[i], e);
      BOOST_TEST(!next.ok(), JobStatusName(all[i]) << " accepted " << sm::JobEventName(e));
      BOOST_TEST((next.status().code() == StatusCode::kFailedPrecondition));
      ++rejected;
    }
  }
  BOOST_TEST(rejected == 7 * 7 - static_cast<int>(kJobRows.size()));
}

BOOST_AUTO_TEST_CASE(RejectionSaysWhat) {
  auto next = sm::JobMachine::Decide(JOB_STATUS_SUCCESS, JobEvent::kFailed);
  BOOST_TEST(next.status().message() == "job in status success does not accept Failed");
  BOOST_TEST((sm::JobMachine::Decide(JOB_STATUS_UNSPECIFIED, JobEvent::kFailed).status().code() ==
              StatusCode::kInvalidArgument));
  BOOST_TEST(!sm::JobMachine::Decide(static_cast<JobStatus>(99), JobEvent::kFailed).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(TaskMachineTest)

BOOST_DATA_TEST_CASE(AllowsEveryTableRow, boost::unit_test::data::make(kTaskRows), row) {
  auto next = sm::TaskMachine::Decide(row.from, row.event);
  BOOST_REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  BOOST_TEST(TaskStatusName(*next) == TaskStatusName(row.to));
}

BOOST_AUTO_TEST_CASE(RejectsEveryOtherPair) {
  int n = 0, rejected = 0;
  const TaskStatus* all = AllTaskStatuses(&n);
  for (int i = 0; i < n; ++i) {
    for (TaskEvent e : kTaskEvents) {
      bool allowed = false;
      for (const auto& r : kTaskRows) allowed |= (r.from == all[i] && r.event == e);
      if (allowed) continue;
      auto next = sm::TaskMachine::Decide(all[i], e);
      BOOST_TEST(!next.ok(), TaskStatusName(all[i]) << " accepted " << sm::TaskEventName(e));
      BOOST_TEST((next.status().code() == StatusCode::kFailedPrecondition));
      ++rejected;
    }
  }
  BOOST_TEST(rejected == 7 * 7 - static_cast<int>(kTaskRows.size()));
}

BOOST_AUTO_TEST_CASE(EndStatesAreFinal) {
  for (TaskStatus s : {TASK_STATUS_SUCCESS, TASK_STATUS_PASS, TASK_STATUS_FAILED, TASK_STATUS_CANCELED,
                       TASK_STATUS_TIMEOUT}) {
    for (TaskEvent e : kTaskEvents) BOOST_TEST(!sm::TaskMachine::Decide(s, e).ok());
  }
}

BOOST_AUTO_TEST_CASE(PathToWalksThroughRunningWhenAPollMissedIt) {
  using V = std::vector<TaskEvent>;
  BOOST_TEST((*sm::TaskMachine::PathTo(TASK_STATUS_WAITING, TASK_STATUS_WAITING) == V{}));
  BOOST_TEST((*sm::TaskMachine::PathTo(TASK_STATUS_WAITING, TASK_STATUS_RUNNING) == V{TaskEvent::kLaunched}));
  BOOST_TEST((*sm::TaskMachine::PathTo(TASK_STATUS_WAITING, TASK_STATUS_FAILED) == V{TaskEvent::kFailed}));
  BOOST_TEST((*sm::TaskMachine::PathTo(TASK_STATUS_WAITING, TASK_STATUS_TIMEOUT) ==
              V{TaskEvent::kLaunched, TaskEvent::kTimedOut}));
  BOOST_TEST((*sm::TaskMachine::PathTo(TASK_STATUS_RUNNING, TASK_STATUS_SUCCESS) == V{TaskEvent::kSucceeded}));
  BOOST_TEST(!sm::TaskMachine::PathTo(TASK_STATUS_SUCCESS, TASK_STATUS_FAILED).ok());
  BOOST_TEST(!sm::TaskMachine::PathTo(TASK_STATUS_RUNNING, TASK_STATUS_WAITING).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(AllocationMachineTest)

BOOST_DATA_TEST_CASE(AllowsEveryTableRow, boost::unit_test::data::make(kAllocRows), row) {
  auto next = sm::AllocationMachine::Decide(row.from, row.event);
  BOOST_REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  BOOST_TEST(AllocationStatusName(*next) == AllocationStatusName(row.to));
}

BOOST_AUTO_TEST_CASE(RejectsEveryOtherPair) {
  int n = 0, rejected = 0;
  const AllocationStatus* all = AllAllocationStatuses(&n);
  for (int i = 0; i < n; ++i) {
    for (AllocationEvent e : kAllocEvents) {
      bool allowed = false;
      for (const auto& r : kAllocRows) allowed |= (r.from == all[i] && r.event == e);
      if (allowed) continue;
      BOOST_TEST(!sm::AllocationMachine::Decide(all[i], e).ok(),
                 AllocationStatusName(all[i]) << " accepted " << sm::AllocationEventName(e));
      ++rejected;
    }
  }
  BOOST_TEST(rejected == 4 * 3 - static_cast<int>(kAllocRows.size()));
}

BOOST_AUTO_TEST_SUITE_END()
