#define BOOST_TEST_MODULE ff_lifecycle_test
#include <boost/test/unit_test.hpp>

#include <memory>

#include "orm/database.hpp"
#include "service/lifecycle/lifecycle.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/test_dirs.hpp"

using namespace fedflow;

namespace {

/// Forwards to a real repository and counts the writes, to prove that a forbidden event never
/// reaches the database.
class CountingJobRepository final : public orm::JobRepository {
 public:
  explicit CountingJobRepository(orm::JobRepository& real) : real_(real) {}
  int cas_calls = 0;
  Status Create(orm::JobRow& row) override { return real_.Create(row); }
  Status CreateAll(std::vector<orm::JobRow>& rows) override { return real_.CreateAll(rows); }
  StatusOr<orm::JobRow> Get(const std::string& j, const std::string& r, const std::string& p) override {
    return real_.Get(j, r, p);
  }
  StatusOr<std::vector<orm::JobRow>> ListByJob(const std::string& j) override { return real_.ListByJob(j); }
  StatusOr<std::vector<orm::JobRow>> ListByStatus(JobStatus s, std::size_t l) override {
    return real_.ListByStatus(s, l);
  }
  StatusOr<std::vector<orm::JobRow>> List(const orm::JobFilter& f) override { return real_.List(f); }
  StatusOr<std::size_t> Count(const orm::JobFilter& f) override { return real_.Count(f); }
  StatusOr<bool> CompareAndSetStatus(std::uint64_t id, JobStatus from, JobStatus to, std::int64_t now,
                                     const orm::TransitionExtras& e) override {
    ++cas_calls;
    return real_.CompareAndSetStatus(id, from, to, now, e);
  }
  Status UpdateProgress(std::uint64_t id, std::int32_t p, std::int64_t now) override {
    return real_.UpdateProgress(id, p, now);
  }
  Status SetWaitingReason(std::uint64_t id, const std::string& r, std::int64_t now) override {
    return real_.SetWaitingReason(id, r, now);
  }
  Status SetDescription(std::uint64_t id, const std::string& d, std::int64_t now) override {
    return real_.SetDescription(id, d, now);
  }
  StatusOr<std::size_t> DeleteJob(const std::string& j) override { return real_.DeleteJob(j); }

 private:
  orm::JobRepository& real_;
};

struct Fixture {
  Fixture() {
    orm::DbConfig c;
    c.sqlite_path = testing::FreshDir("lifecycle") + "/db.sqlite";
    db = std::move(orm::OpenDatabase(c)).value();
    real_jobs = orm::MakeJobRepository(*db);
    jobs = std::make_unique<CountingJobRepository>(*real_jobs);
    schedule = orm::MakeScheduleRepository(*db);
    tasks = orm::MakeTaskRepository(*db);
    job_lc = std::make_unique<lifecycle::JobLifecycle>(*jobs, *schedule, clock);
    task_lc = std::make_unique<lifecycle::TaskLifecycle>(*tasks, *schedule, clock);
  }
  orm::JobRow NewJob(JobStatus status) {
    orm::JobRow j;
    j.job_id = "J1";
    j.role = "guest";
    j.party_id = "9999";
    j.status = status;
    BOOST_REQUIRE(jobs->Create(j).ok());
    return j;
  }
  testing::FakeClock clock;
  std::unique_ptr<orm::Database> db;
  std::unique_ptr<orm::JobRepository> real_jobs;
  std::unique_ptr<CountingJobRepository> jobs;
  std::unique_ptr<orm::ScheduleRepository> schedule;
  std::unique_ptr<orm::TaskRepository> tasks;
  std::unique_ptr<lifecycle::JobLifecycle> job_lc;
  std::unique_ptr<lifecycle::TaskLifecycle> task_lc;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(LifecycleTest, Fixture)

BOOST_AUTO_TEST_CASE(AllowedEventIsPersistedWithTimestamps) {
  orm::JobRow j = NewJob(JOB_STATUS_WAITING);
  auto applied = job_lc->Apply(j, sm::JobEvent::kResourcesAcquired);
  BOOST_REQUIRE(applied.ok());
  BOOST_TEST(applied->to == JOB_STATUS_RUNNING);
  orm::JobRow stored = *jobs->Get("J1", "guest", "9999");
  BOOST_TEST(stored.status == JOB_STATUS_RUNNING);
  BOOST_TEST(stored.start_ms == clock.NowMs());
  clock.Advance(500);
  BOOST_REQUIRE(job_lc->Apply(stored, sm::JobEvent::kFailed, "guest:9999 task lr_0 exited 3").ok());
  stored = *jobs->Get("J1", "guest", "9999");
  BOOST_TEST(stored.status == JOB_STATUS_FAILED);
  BOOST_TEST(stored.end_ms == clock.NowMs());
  BOOST_TEST(stored.failure_reason == "guest:9999 task lr_0 exited 3");
}

BOOST_AUTO_TEST_CASE(ForbiddenEventIsRejectedWithoutTouchingTheDatabase) {
  orm::JobRow j = NewJob(JOB_STATUS_SUCCESS);
  std::uint64_t version = jobs->Get("J1", "guest", "9999")->version;
  auto applied = job_lc->Apply(j, sm::JobEvent::kFailed, "late failure report");
  BOOST_TEST(!applied.ok());
  BOOST_TEST((applied.status().code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(jobs->cas_calls == 0);
  orm::JobRow stored = *jobs->Get("J1", "guest", "9999");
  BOOST_TEST(stored.version == version);
  BOOST_TEST(stored.failure_reason.empty());
}

BOOST_AUTO_TEST_CASE(StaleRowLosesTheRaceWithAborted) {
  orm::JobRow j = NewJob(JOB_STATUS_RUNNING);
  orm::JobRow stale = j;
  BOOST_REQUIRE(job_lc->Apply(j, sm::JobEvent::kCancelRequested).ok());
  auto second = job_lc->Apply(stale, sm::JobEvent::kAllTasksSucceeded);
  BOOST_TEST((second.status().code() == StatusCode::kAborted));
  BOOST_TEST(jobs->Get("J1", "guest", "9999")->status == JOB_STATUS_CANCELED);
}

BOOST_AUTO_TEST_CASE(RerunClearsTheEndTime) {
  orm::JobRow j = NewJob(JOB_STATUS_RUNNING);
  BOOST_REQUIRE(job_lc->Apply(j, sm::JobEvent::kFailed).ok());
  BOOST_REQUIRE(job_lc->Apply(*jobs->Get("J1", "guest", "9999"), sm::JobEvent::kRerunRequested).ok());
  orm::JobRow stored = *jobs->Get("J1", "guest", "9999");
  BOOST_TEST(stored.status == JOB_STATUS_WAITING);
  BOOST_TEST(stored.end_ms == 0);
}

BOOST_AUTO_TEST_CASE(PartyCopyWalksThroughRunningAndHeartbeatWritesNothing) {
  orm::ScheduleJobRow job;
  job.job_id = "J1";
  std::vector<orm::ScheduleTaskRow> stasks(1);
  stasks[0].job_id = "J1";
  stasks[0].task_name = "lr_0";
  std::vector<orm::ScheduleTaskPartyRow> parties(1);
  parties[0].job_id = "J1";
  parties[0].task_name = "lr_0";
  parties[0].role = "host";
  parties[0].party_id = "10000";
  BOOST_REQUIRE(schedule->CreateJob(job, stasks, parties).ok());
  BOOST_REQUIRE(task_lc->MovePartyTo(parties[0], TASK_STATUS_TIMEOUT, "ran past 10 s").ok());
  auto stored = (*schedule->ListTaskParties("J1"))[0];
  BOOST_TEST(stored.status == TASK_STATUS_TIMEOUT);
  BOOST_TEST(stored.start_ms > 0);
  BOOST_TEST(stored.failure_reason == "ran past 10 s");
  BOOST_TEST(!task_lc->MovePartyTo(stored, TASK_STATUS_SUCCESS).ok());

  orm::TaskAttemptRow t;
  t.job_id = "J1";
  t.task_name = "lr_0";
  t.role = "guest";
  t.party_id = "9999";
  t.status = TASK_STATUS_RUNNING;
  t.token = "tok";
  BOOST_REQUIRE(tasks->Create(t).ok());
  std::uint64_t v = tasks->GetById(t.id)->version;
  BOOST_REQUIRE(task_lc->Apply(t, sm::TaskEvent::kHeartbeat).ok());
  BOOST_TEST(tasks->GetById(t.id)->version == v);
  BOOST_REQUIRE(task_lc->Apply(t, sm::TaskEvent::kSucceeded).ok());
  BOOST_TEST(!task_lc->Apply(*tasks->GetById(t.id), sm::TaskEvent::kHeartbeat).ok());  // a finished worker's heartbeat
}

BOOST_AUTO_TEST_SUITE_END()
