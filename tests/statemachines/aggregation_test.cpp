#include <boost/test/unit_test.hpp>

#include <set>

#include <algorithm>
#include <vector>

#include "proto/status_names.hpp"
#include "statemachines/aggregation.hpp"

using namespace fedflow;

namespace {

/// Every sequence of 1..3 statuses drawn from `values` (with repetition, all orders).
std::vector<std::vector<TaskStatus>> AllCombinations(const std::vector<TaskStatus>& values) {
  std::vector<std::vector<TaskStatus>> out;
  for (TaskStatus a : values) {
    out.push_back({a});
    for (TaskStatus b : values) {
      out.push_back({a, b});
      for (TaskStatus c : values) out.push_back({a, b, c});
    }
  }
  return out;
}

bool Has(const std::vector<TaskStatus>& v, TaskStatus s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::vector<TaskStatus> Normalized(std::vector<TaskStatus> v) {
  for (auto& s : v) {
    if (s == TASK_STATUS_PASS) s = TASK_STATUS_SUCCESS;
  }
  return v;
}

bool AllSame(const std::vector<TaskStatus>& v) {
  return std::all_of(v.begin(), v.end(), [&](TaskStatus s) { return s == v.front(); });
}

const std::vector<TaskStatus> kAll = {TASK_STATUS_WAITING, TASK_STATUS_RUNNING,  TASK_STATUS_SUCCESS,
                                      TASK_STATUS_PASS,    TASK_STATUS_FAILED,   TASK_STATUS_CANCELED,
                                      TASK_STATUS_TIMEOUT};

}  // namespace

BOOST_AUTO_TEST_SUITE(FederatedTaskStatusTest)

BOOST_AUTO_TEST_CASE(EveryCombinationOfOneToThreePartiesHasTheSpecifiedAnswer) {
  auto combos = AllCombinations(kAll);
  BOOST_TEST(combos.size() == 7u + 49u + 343u);
  for (const auto& raw : combos) {
    auto got = sm::FederatedTaskStatus(raw);
    BOOST_REQUIRE(got.ok());
    auto v = Normalized(raw);
    TaskStatus expected;
    if (AllSame(v)) {
      expected = v.front();
    } else if (Has(v, TASK_STATUS_FAILED)) {
      expected = TASK_STATUS_FAILED;
    } else if (Has(v, TASK_STATUS_TIMEOUT)) {
      expected = TASK_STATUS_TIMEOUT;
    } else if (Has(v, TASK_STATUS_CANCELED)) {
      expected = TASK_STATUS_CANCELED;
    } else {
      expected = TASK_STATUS_RUNNING;  // waiting / running / success mixed
    }
    BOOST_TEST(TaskStatusName(*got) == TaskStatusName(expected));
    // Order of parties never matters.
    auto reversed = raw;
    std::reverse(reversed.begin(), reversed.end());
    BOOST_TEST(*sm::FederatedTaskStatus(reversed) == *got);
  }
}

BOOST_AUTO_TEST_CASE(SpecExamples) {
  BOOST_TEST(*sm::FederatedTaskStatus({TASK_STATUS_PASS, TASK_STATUS_SUCCESS}) == TASK_STATUS_SUCCESS);
  BOOST_TEST(*sm::FederatedTaskStatus({TASK_STATUS_PASS}) == TASK_STATUS_SUCCESS);
  BOOST_TEST(*sm::FederatedTaskStatus({TASK_STATUS_SUCCESS, TASK_STATUS_WAITING}) == TASK_STATUS_RUNNING);
  BOOST_TEST(*sm::FederatedTaskStatus({TASK_STATUS_CANCELED, TASK_STATUS_FAILED}) == TASK_STATUS_FAILED);
  BOOST_TEST(*sm::FederatedTaskStatus({TASK_STATUS_CANCELED, TASK_STATUS_TIMEOUT}) == TASK_STATUS_TIMEOUT);
  BOOST_TEST(*sm::FederatedTaskStatus({TASK_STATUS_RUNNING, TASK_STATUS_CANCELED}) == TASK_STATUS_CANCELED);
}

BOOST_AUTO_TEST_CASE(EmptyOrUnspecifiedInputIsAnError) {
  BOOST_TEST(!sm::FederatedTaskStatus({}).ok());
  BOOST_TEST(!sm::FederatedTaskStatus({TASK_STATUS_UNSPECIFIED}).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(JobStatusFromTasksTest)

BOOST_AUTO_TEST_CASE(EveryCombinationOfOneToThreeTasksHasTheSpecifiedAnswer) {
  for (bool has_next : {false, true}) {
    for (const auto& raw : AllCombinations(kAll)) {
      auto got = sm::JobStatusFromTasks(raw, has_next);
      BOOST_REQUIRE(got.ok());
      auto v = Normalized(raw);
      JobStatus expected;
      if (AllSame(v)) {
        switch (v.front()) {
          case TASK_STATUS_WAITING: expected = JOB_STATUS_WAITING; break;
          case TASK_STATUS_RUNNING: expected = JOB_STATUS_RUNNING; break;
          case TASK_STATUS_SUCCESS: expected = JOB_STATUS_SUCCESS; break;
          case TASK_STATUS_FAILED: expected = JOB_STATUS_FAILED; break;
          case TASK_STATUS_CANCELED: expected = JOB_STATUS_CANCELED; break;
          default: expected = JOB_STATUS_TIMEOUT; break;
        }
      } else if (Has(v, TASK_STATUS_RUNNING)) {
        expected = JOB_STATUS_RUNNING;
      } else if (Has(v, TASK_STATUS_WAITING) && has_next) {
        expected = JOB_STATUS_RUNNING;
      } else if (Has(v, TASK_STATUS_FAILED)) {
        expected = JOB_STATUS_FAILED;
      } else if (Has(v, TASK_STATUS_TIMEOUT)) {
        expected = JOB_STATUS_TIMEOUT;
      } else if (Has(v, TASK_STATUS_CANCELED)) {
        expected = JOB_STATUS_CANCELED;
      } else {
        expected = JOB_STATUS_CANCELED;  // waiting + success, nothing startable
      }
      BOOST_TEST(JobStatusName(*got) == JobStatusName(expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(SpecExamples) {
  BOOST_TEST(*sm::JobStatusFromTasks({TASK_STATUS_SUCCESS, TASK_STATUS_PASS}, false) == JOB_STATUS_SUCCESS);
  BOOST_TEST(*sm::JobStatusFromTasks({TASK_STATUS_SUCCESS, TASK_STATUS_WAITING}, true) == JOB_STATUS_RUNNING);
  BOOST_TEST(*sm::JobStatusFromTasks({TASK_STATUS_SUCCESS, TASK_STATUS_WAITING}, false) == JOB_STATUS_CANCELED);
  BOOST_TEST(*sm::JobStatusFromTasks({TASK_STATUS_FAILED, TASK_STATUS_TIMEOUT, TASK_STATUS_CANCELED}, false) ==
             JOB_STATUS_FAILED);
  BOOST_TEST(*sm::JobStatusFromTasks({TASK_STATUS_TIMEOUT, TASK_STATUS_CANCELED}, false) == JOB_STATUS_TIMEOUT);
  BOOST_TEST(!sm::JobStatusFromTasks({}, false).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SchedulingJobStatusTest)

BOOST_AUTO_TEST_CASE(AnInterruptWithoutRetryEndsTheJobAtOnceOneWithARetryDoesNot) {
  for (bool has_next : {false, true}) {
    for (const auto& raw : AllCombinations(kAll)) {
      for (std::size_t pending_mask = 0; pending_mask < (1u << raw.size()); ++pending_mask) {
        std::vector<sm::TaskOutcome> outcomes;
        std::vector<TaskStatus> effective;
        std::set<TaskStatus> final_interrupts;
        for (std::size_t i = 0; i < raw.size(); ++i) {
          bool interrupted =
              raw[i] == TASK_STATUS_FAILED || raw[i] == TASK_STATUS_TIMEOUT || raw[i] == TASK_STATUS_CANCELED;
          bool pending = interrupted && (pending_mask >> i & 1u);
          outcomes.push_back({raw[i], pending});
          effective.push_back(pending ? TASK_STATUS_RUNNING : raw[i]);
          if (interrupted && !pending) final_interrupts.insert(raw[i]);
        }
        auto got = sm::SchedulingJobStatus(outcomes, has_next);
        BOOST_REQUIRE(got.ok());
        JobStatus expected = *sm::JobStatusFromTasks(effective, has_next);
        if (final_interrupts.count(TASK_STATUS_FAILED)) {
          expected = JOB_STATUS_FAILED;
        } else if (final_interrupts.count(TASK_STATUS_TIMEOUT)) {
          expected = JOB_STATUS_TIMEOUT;
        } else if (final_interrupts.count(TASK_STATUS_CANCELED)) {
          expected = JOB_STATUS_CANCELED;
        }
        BOOST_TEST(JobStatusName(*got) == JobStatusName(expected));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(Examples) {
  using O = sm::TaskOutcome;
  // A failure ends the job even while another task runs (FATE-Flow would say running).
  BOOST_TEST(*sm::SchedulingJobStatus({O{TASK_STATUS_FAILED, false}, O{TASK_STATUS_RUNNING, false}}, false) ==
             JOB_STATUS_FAILED);
  // A failure with a retry to come keeps it running, even with nothing else startable.
  BOOST_TEST(*sm::SchedulingJobStatus({O{TASK_STATUS_FAILED, true}, O{TASK_STATUS_SUCCESS, false}}, false) ==
             JOB_STATUS_RUNNING);
  BOOST_TEST(*sm::SchedulingJobStatus({O{TASK_STATUS_TIMEOUT, true}, O{TASK_STATUS_CANCELED, false}}, false) ==
             JOB_STATUS_CANCELED);
  BOOST_TEST(*sm::SchedulingJobStatus({O{TASK_STATUS_SUCCESS, false}, O{TASK_STATUS_PASS, false}}, false) ==
             JOB_STATUS_SUCCESS);
  BOOST_TEST(!sm::SchedulingJobStatus({}, false).ok());
}

BOOST_AUTO_TEST_SUITE_END()
