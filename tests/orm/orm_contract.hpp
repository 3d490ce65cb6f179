#pragma once
// The repository contract, run unchanged on SQLite (ff_orm_sqlite_test) and on the real
// MariaDB fixture (ff_orm_mysql_test). Each binary defines FreshContractDatabase(): a config
// for a new, empty database.

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "orm/federation_repository.hpp"
#include "orm/table_repository.hpp"
#include "orm/tracking_repository.hpp"
#include "orm/allocation_repository.hpp"
#include "orm/database.hpp"
#include "orm/job_repository.hpp"
#include "orm/schedule_repository.hpp"
#include "orm/security_repository.hpp"
#include "orm/command_repository.hpp"
#include "orm/task_repository.hpp"
#include "proto/status_names.hpp"
#include "tests/support/mysql_fixture.hpp"
#include "tests/support/sqlite_script.hpp"
#include "tests/support/test_dirs.hpp"

fedflow::StatusOr<fedflow::orm::DbConfig> FreshContractDatabase(const std::string& name);

namespace fedflow::contract {

inline std::unique_ptr<orm::Database> OpenFresh(const std::string& name, orm::DbConfig* config_out = nullptr) {
  auto config = FreshContractDatabase(name);
  BOOST_REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  if (config_out) *config_out = *config;
  auto db = orm::OpenDatabase(*config);
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

/// A database as an older build left it: the frozen DDL of that schema version, plus `rows`.
inline void CreateOldDatabase(const orm::DbConfig& config, const std::string& ddl_dir, const std::string& rows) {
  if (config.engine == "sqlite") {
    BOOST_REQUIRE(testing::SqliteExecuteScript(config.sqlite_path, testing::ReadFile(ddl_dir + "sqlite.sql")).ok());
    BOOST_REQUIRE(testing::SqliteExecuteScript(config.sqlite_path, rows).ok());
  } else {
    auto s = testing::MysqlExecute(config, testing::ReadFile(ddl_dir + "mysql.sql"));
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    BOOST_REQUIRE(testing::MysqlExecute(config, rows).ok());
  }
}

inline orm::JobRow SampleJob(const std::string& job_id, const std::string& role, const std::string& party) {
  orm::JobRow j;
  j.job_id = job_id;
  j.role = role;
  j.party_id = party;
  j.status = JOB_STATUS_WAITING;
  j.initiator_party_id = "9999";
  j.scheduler_party_id = "9999";
  j.plan_json = std::string(100000, 'p');  // bigger than MySQL TEXT would hold if mis-typed
  j.created_ms = 1000;
  j.updated_ms = 1000;
  return j;
}

inline orm::TaskAttemptRow SampleAttempt(const std::string& job_id, const std::string& task, int attempt) {
  orm::TaskAttemptRow t;
  t.job_id = job_id;
  t.task_name = task;
  t.attempt = attempt;
  t.role = "guest";
  t.party_id = "9999";
  t.module = "HeteroLR";
  t.provider = "test@1.0";
  t.token = job_id + "-" + task + "-" + std::to_string(attempt);
  t.created_ms = 10;
  return t;
}

}  // namespace fedflow::contract

BOOST_AUTO_TEST_SUITE(RepositoryContract)

using namespace fedflow;
using namespace fedflow::contract;

BOOST_AUTO_TEST_CASE(OpensAnEmptyDatabaseAtTheCurrentSchemaVersion) {
  auto db = OpenFresh("open");
  BOOST_TEST(db->schema_version() == orm::CurrentSchemaVersion());
  BOOST_TEST(db->schema_version() >= 2);
  BOOST_TEST(db->Ping().ok());
}

BOOST_AUTO_TEST_CASE(JobCreateGetListAndDuplicateRefused) {
  orm::DbConfig config;
  auto db = OpenFresh("jobs", &config);
  auto jobs = orm::MakeJobRepository(*db);
  std::vector<orm::JobRow> rows{SampleJob("J1", "guest", "9999"), SampleJob("J1", "host", "10000"),
                                SampleJob("J2", "guest", "9999")};
  rows[2].status = JOB_STATUS_RUNNING;
  rows[2].created_ms = 2000;
  BOOST_REQUIRE(jobs->CreateAll(rows).ok());
  BOOST_TEST(rows[0].id > 0u);

  auto got = jobs->Get("J1", "host", "10000");
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(got->plan_json.size() == 100000u);
  BOOST_TEST(got->status == JOB_STATUS_WAITING);
  BOOST_TEST(got->scheduler_party_id == "9999");

  BOOST_TEST(jobs->ListByJob("J1")->size() == 2u);
  BOOST_TEST(jobs->ListByStatus(JOB_STATUS_RUNNING, 10)->size() == 1u);
  orm::JobFilter f;
  f.statuses = {JOB_STATUS_WAITING, JOB_STATUS_RUNNING};
  f.limit = 2;
  BOOST_TEST(jobs->List(f)->size() == 2u);
  BOOST_TEST(jobs->List(f)->front().job_id == "J2");  // newest first
  BOOST_TEST(*jobs->Count(f) == 3u);
  // A later page runs once-off (not cached): same filter, the next rows.
  f.offset = 2;
  BOOST_TEST(jobs->List(f)->size() == 1u);
  f.offset = 1;
  f.limit = 1;
  f.role = "host";
  f.statuses = {JOB_STATUS_WAITING};
  BOOST_TEST(jobs->List(f)->empty());
  f.offset = 0;
  BOOST_TEST(jobs->List(f)->size() == 1u);
  BOOST_TEST(jobs->List(f)->front().party_id == "10000");
  // More statuses than the cached shapes hold (repeats count): once-off too, same answer.
  orm::JobFilter many;
  for (int i = 0; i < 10; ++i) many.statuses.push_back(JOB_STATUS_RUNNING);
  BOOST_TEST(jobs->List(many)->size() == 1u);
  BOOST_TEST(*jobs->Count(many) == 1u);

  orm::JobRow dup = SampleJob("J1", "guest", "9999");
  Status s = jobs->Create(dup);
  BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kAlreadyExists));
  // A failed batch leaves nothing behind.
  std::vector<orm::JobRow> batch{SampleJob("J3", "guest", "9999"), SampleJob("J1", "guest", "9999")};
  BOOST_TEST(!jobs->CreateAll(batch).ok());
  BOOST_TEST(jobs->ListByJob("J3")->empty());
  BOOST_TEST(jobs->Get("nope", "guest", "1").status().code() == StatusCode::kNotFound);
  // Reopening the same database keeps the rows.
  db.reset();
  auto reopened = orm::OpenDatabase(config);
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST(orm::MakeJobRepository(**reopened)->ListByJob("J1")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(OffsetAndKeysetPagesWalkTheSameOrderAsOneList) {
  auto db = OpenFresh("paging");
  auto jobs = orm::MakeJobRepository(*db);
  // 23 rows; creation times repeat (3 rows per millisecond), so the id breaks ties.
  std::vector<orm::JobRow> rows;
  for (int i = 0; i < 23; ++i) {
    rows.push_back(SampleJob("P" + std::to_string(i), i % 4 == 0 ? "host" : "guest", "9999"));
    rows.back().plan_json = "{}";
    rows.back().created_ms = 1000 + i / 3;
    rows.back().status = i % 5 == 0 ? JOB_STATUS_RUNNING : JOB_STATUS_WAITING;
  }
  BOOST_REQUIRE(jobs->CreateAll(rows).ok());
  for (bool newest_first : {true, false}) {
    for (std::vector<JobStatus> statuses : {std::vector<JobStatus>{}, std::vector<JobStatus>{JOB_STATUS_WAITING}}) {
      orm::JobFilter all;
      all.newest_first = newest_first;
      all.statuses = statuses;
      all.limit = 1000;
      auto whole = jobs->List(all);
      BOOST_REQUIRE(whole.ok());
      std::vector<std::string> expected;
      for (const auto& r : *whole) expected.push_back(r.job_id);
      BOOST_TEST(expected.size() == (statuses.empty() ? 23u : 18u));
      std::vector<std::string> by_offset, by_cursor;
      orm::JobFilter page = all;
      page.limit = 4;
      for (page.offset = 0; page.offset < 40; page.offset += 4) {
        auto got = jobs->List(page);
        BOOST_REQUIRE(got.ok());
        for (const auto& r : *got) by_offset.push_back(r.job_id);
      }
      orm::JobFilter keyset = all;
      keyset.limit = 4;
      for (int guard = 0; guard < 10; ++guard) {
        auto got = jobs->List(keyset);
        BOOST_REQUIRE(got.ok());
        for (const auto& r : *got) by_cursor.push_back(r.job_id);
        if (got->size() < 4) break;
        keyset.after_created_ms = got->back().created_ms;
        keyset.after_id = got->back().id;
        // The count is of the whole selection, not of what follows the cursor.
        BOOST_TEST(*jobs->Count(keyset) == expected.size());
      }
      BOOST_TEST(by_offset == expected, "offset pages, newest_first=" << newest_first);
      BOOST_TEST(by_cursor == expected, "keyset pages, newest_first=" << newest_first);
    }
  }
}

BOOST_AUTO_TEST_CASE(FederationChunksAreIdempotentCountedAndCompleteTheirMessage) {
  auto db = OpenFresh("federation");
  auto fed = orm::MakeFederationRepository(*db);
  orm::FedMessageRow m;
  m.message_key = std::string(64, 'a');
  m.job_id = "J1";
  m.task_name = "intersect_0";
  m.name = "host_pubkey";
  m.tag = "intersect_0.0";
  m.src_role = "host";
  m.src_party_id = "10000";
  m.dst_role = "guest";
  m.dst_party_id = "9999";
  auto created = fed->GetOrCreate(m);
  BOOST_REQUIRE(created.ok());
  BOOST_TEST(created->state == "receiving");
  BOOST_TEST(fed->GetOrCreate(m)->id == created->id);  // the same message, not a second one
  auto chunk = [&](int seq, const std::string& digest, std::int64_t bytes) {
    orm::FedChunkRow c;
    c.message_id = created->id;
    c.seq = seq;
    c.bytes = bytes;
    c.digest = digest;
    return c;
  };
  auto first = fed->AddChunk(chunk(0, std::string(64, '1'), 100), 0, "", 10);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(first->recorded);
  BOOST_TEST(!first->complete);
  // The same chunk again changes nothing; other bytes under it are refused.
  BOOST_TEST(!fed->AddChunk(chunk(0, std::string(64, '1'), 100), 0, "", 11)->recorded);
  BOOST_TEST(fed->AddChunk(chunk(0, std::string(64, '2'), 100), 0, "", 12).status().code() == StatusCode::kAlreadyExists);
  BOOST_TEST(*fed->PendingBytesOfJob("J1") == 100);
  auto last = fed->AddChunk(chunk(1, std::string(64, '3'), 50), 2, std::string(64, 'f'), 13);
  BOOST_REQUIRE(last.ok());
  BOOST_TEST(last->complete);
  auto got = fed->Get(m.message_key);
  BOOST_TEST(got->state == "complete");
  BOOST_TEST(got->chunks == 2);
  BOOST_TEST(got->received_chunks == 2);
  BOOST_TEST(got->received_bytes == 150);
  BOOST_TEST(got->digest == std::string(64, 'f'));
  BOOST_TEST(fed->GetChunk(created->id, 1)->bytes == 50);
  BOOST_TEST(fed->GetChunk(created->id, 2).status().code() == StatusCode::kNotFound);
  BOOST_REQUIRE(fed->MarkTaken(created->id, 20).ok());
  BOOST_TEST(fed->Get(m.message_key)->state == "taken");
  BOOST_TEST(*fed->PendingBytesOfJob("J1") == 0);
  BOOST_TEST(fed->ListByJob("J1")->size() == 1u);
  BOOST_TEST(*fed->DeleteJob("J1") == 1u);
  BOOST_TEST(fed->Get(m.message_key).status().code() == StatusCode::kNotFound);
  BOOST_TEST(fed->GetChunk(created->id, 0).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(CompareAndSetChangesOnlyFromTheExpectedStatus) {
  auto db = OpenFresh("cas");
  auto jobs = orm::MakeJobRepository(*db);
  orm::JobRow row = SampleJob("J1", "guest", "9999");
  BOOST_REQUIRE(jobs->Create(row).ok());
  std::uint64_t v0 = jobs->Get("J1", "guest", "9999")->version;

  auto wrong = jobs->CompareAndSetStatus(row.id, JOB_STATUS_RUNNING, JOB_STATUS_SUCCESS, 5000, {});
  BOOST_REQUIRE(wrong.ok());
  BOOST_TEST(!*wrong);
  BOOST_TEST(jobs->Get("J1", "guest", "9999")->version == v0);

  orm::TransitionExtras extras;
  extras.start_ms = 4000;
  auto won = jobs->CompareAndSetStatus(row.id, JOB_STATUS_WAITING, JOB_STATUS_RUNNING, 5000, extras);
  BOOST_REQUIRE(won.ok());
  BOOST_TEST(*won);
  orm::JobRow after = *jobs->Get("J1", "guest", "9999");
  BOOST_TEST(after.status == JOB_STATUS_RUNNING);
  BOOST_TEST(after.start_ms == 4000);
  BOOST_TEST(after.updated_ms == 5000);
  BOOST_TEST(after.version > v0);

  orm::TransitionExtras failed;
  failed.end_ms = 6000;
  failed.reason = "party host:10000 task lr_0: worker exited with code 3 it's 'quoted' \\ text";
  BOOST_TEST(*jobs->CompareAndSetStatus(row.id, JOB_STATUS_RUNNING, JOB_STATUS_FAILED, 6000, failed));
  after = *jobs->Get("J1", "guest", "9999");
  BOOST_TEST(after.failure_reason == failed.reason);
  BOOST_TEST(after.end_ms == 6000);

  BOOST_REQUIRE(jobs->UpdateProgress(row.id, 50, 6100).ok());
  BOOST_REQUIRE(jobs->UpdateProgress(row.id, 20, 6200).ok());
  BOOST_TEST(jobs->Get("J1", "guest", "9999")->progress == 50);
}

BOOST_AUTO_TEST_CASE(TwoThreadsRacingTheSameTransitionExactlyOneWinsEachTime) {
  auto db = OpenFresh("race");
  auto jobs = orm::MakeJobRepository(*db);
  orm::JobRow row = SampleJob("J1", "guest", "9999");
  BOOST_REQUIRE(jobs->Create(row).ok());
  std::uint64_t v0 = jobs->Get("J1", "guest", "9999")->version;

  const int kRounds = 1000;
  std::atomic<int> wins{0};
  std::atomic<int> errors{0};
  std::barrier sync(2);
  auto racer = [&] {
    for (int i = 0; i < kRounds; ++i) {
      sync.arrive_and_wait();
      // Both threads race the same edge each round; the row alternates waiting <-> running.
      JobStatus from = i % 2 == 0 ? JOB_STATUS_WAITING : JOB_STATUS_RUNNING;
      JobStatus to = i % 2 == 0 ? JOB_STATUS_RUNNING : JOB_STATUS_WAITING;
      try {
        auto r = jobs->CompareAndSetStatus(row.id, from, to, 1000 + i, {});
        if (!r.ok()) {
          errors++;
        } else if (*r) {
          wins++;
        }
      } catch (...) {
        errors += 1000;
      }
      sync.arrive_and_wait();
    }
  };
  std::thread a(racer), b(racer);
  a.join();
  b.join();
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(wins.load() == kRounds);
  BOOST_TEST(jobs->Get("J1", "guest", "9999")->version == v0 + kRounds);
  BOOST_TEST(jobs->Get("J1", "guest", "9999")->status == JOB_STATUS_WAITING);
}

BOOST_AUTO_TEST_CASE(ScheduledJobLeaseIsHeldByOneInstanceUntilItExpires) {
  auto db = OpenFresh("lease");
  auto sched = orm::MakeScheduleRepository(*db);
  orm::ScheduleJobRow job;
  job.job_id = "J1";
  job.status = JOB_STATUS_WAITING;
  std::vector<orm::ScheduleTaskRow> tasks;
  std::vector<orm::ScheduleTaskPartyRow> parties;
  BOOST_REQUIRE(sched->CreateJob(job, tasks, parties).ok());

  BOOST_TEST(*sched->TryLeaseJob("J1", "a", 1000, 500));
  BOOST_TEST(!*sched->TryLeaseJob("J1", "b", 1200, 500));
  BOOST_TEST(*sched->TryLeaseJob("J1", "a", 1400, 500));   // renewal
  BOOST_TEST(!*sched->TryLeaseJob("J1", "b", 1800, 500));
  BOOST_TEST(*sched->TryLeaseJob("J1", "b", 1901, 500));   // a's lease expired at 1900
  BOOST_TEST(!*sched->TryLeaseJob("J1", "a", 1950, 500));
  BOOST_TEST(sched->GetJob("J1")->lease_owner == "b");
  auto mine = sched->ListLeasableJobs({JOB_STATUS_WAITING}, "a", 2000, 10);
  BOOST_TEST(mine->empty());
  BOOST_REQUIRE(sched->ReleaseJobLease("J1", "b").ok());
  BOOST_TEST(sched->ListLeasableJobs({JOB_STATUS_WAITING}, "a", 2000, 10)->size() == 1u);
  // The id-only view selects the same jobs.
  BOOST_TEST(*sched->ListLeasableJobIds({JOB_STATUS_WAITING, JOB_STATUS_RUNNING}, "a", 2000, 10) ==
             std::vector<std::string>{"J1"});
  BOOST_TEST(sched->ListLeasableJobIds({JOB_STATUS_RUNNING}, "a", 2000, 10)->empty());
  BOOST_TEST(!sched->TryLeaseJob("J'1", "a", 1, 1).ok());

  // Racing instances: exactly one gets a free lease.
  std::atomic<int> held{0};
  std::barrier sync(2);
  auto racer = [&](const std::string& owner) {
    sync.arrive_and_wait();
    if (*sched->TryLeaseJob("J1", owner, 3000, 500)) held++;
  };
  std::thread x(racer, "x"), y(racer, "y");
  x.join();
  y.join();
  BOOST_TEST(held.load() == 1);
}

BOOST_AUTO_TEST_CASE(ScheduledTasksKeepEveryAttemptAndReportTheLatest) {
  auto db = OpenFresh("tasks");
  auto sched = orm::MakeScheduleRepository(*db);
  orm::ScheduleJobRow job;
  job.job_id = "J1";
  job.priority = 3;
  std::vector<orm::ScheduleTaskRow> tasks(2);
  tasks[0].job_id = tasks[1].job_id = "J1";
  tasks[0].task_name = "reader_0";
  tasks[1].task_name = "lr_0";
  tasks[1].retries_left = 2;
  std::vector<orm::ScheduleTaskPartyRow> parties;
  for (const auto& t : tasks) {
    for (const char* party : {"9999", "10000"}) {
      orm::ScheduleTaskPartyRow p;
      p.job_id = "J1";
      p.task_name = t.task_name;
      p.role = std::string(party) == "9999" ? "guest" : "host";
      p.party_id = party;
      parties.push_back(p);
    }
  }
  BOOST_REQUIRE(sched->CreateJob(job, tasks, parties).ok());
  BOOST_TEST(sched->GetJob("J1")->priority == 3);
  auto all_parties = *sched->ListTaskParties("J1");
  BOOST_TEST(all_parties.size() == 4u);

  BOOST_TEST(*sched->CompareAndSetTaskStatus(tasks[1].id, TASK_STATUS_WAITING, TASK_STATUS_RUNNING, 10, {}));
  orm::TransitionExtras failed;
  failed.reason = "host:10000 failed";
  BOOST_TEST(*sched->CompareAndSetTaskStatus(tasks[1].id, TASK_STATUS_RUNNING, TASK_STATUS_FAILED, 20, failed));
  BOOST_TEST(*sched->CompareAndSetPartyStatus(all_parties[2].id, TASK_STATUS_WAITING, TASK_STATUS_FAILED, 20, failed));

  orm::ScheduleTaskRow retry;
  retry.job_id = "J1";
  retry.task_name = "lr_0";
  retry.attempt = 1;
  retry.retries_left = 1;
  std::vector<orm::ScheduleTaskPartyRow> retry_parties(1);
  retry_parties[0].job_id = "J1";
  retry_parties[0].task_name = "lr_0";
  retry_parties[0].attempt = 1;
  retry_parties[0].role = "guest";
  retry_parties[0].party_id = "9999";
  BOOST_REQUIRE(sched->CreateAttempt(retry, retry_parties).ok());
  // The same attempt cannot be created twice.
  orm::ScheduleTaskRow again = retry;
  std::vector<orm::ScheduleTaskPartyRow> none;
  BOOST_TEST(sched->CreateAttempt(again, none).code() == StatusCode::kAlreadyExists);

  auto latest_tasks = *sched->GetLatestTasks("J1");
  auto& latest = latest_tasks.tasks;
  BOOST_REQUIRE(latest.size() == 2u);
  // The copies are those of the latest attempts only.
  for (const auto& c : latest_tasks.copies) BOOST_TEST(c.attempt == (c.task_name == "lr_0" ? 1 : 0));
  BOOST_TEST(latest_tasks.copies.size() == 3u);  // reader_0 at both parties, lr_0 attempt 1 at the guest
  BOOST_TEST(latest[0].task_name == "reader_0");
  BOOST_TEST(latest[1].attempt == 1);
  BOOST_TEST(latest[1].status == TASK_STATUS_WAITING);
  BOOST_TEST(sched->ListAllTasks("J1")->size() == 3u);
  auto history = *sched->ListAllTasks("J1");
  BOOST_TEST(history[1].failure_reason == "host:10000 failed");

  BOOST_REQUIRE(sched->SetJobSignals(job.id, true, false, 30).ok());
  BOOST_TEST(sched->GetJob("J1")->cancel_signal);
  BOOST_REQUIRE(sched->BumpRunEpoch(job.id, 40).ok());
  BOOST_TEST(sched->GetJob("J1")->run_epoch == 1);
  BOOST_TEST(!sched->GetJob("J1")->cancel_signal);
  BOOST_TEST(sched->ListJobsByStatus({JOB_STATUS_READY}, 10)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(TaskAttemptsAreFoundByTokenAndLaunchIsRecordedOnce) {
  auto db = OpenFresh("attempts");
  auto tasks = orm::MakeTaskRepository(*db);
  std::vector<orm::TaskAttemptRow> rows{SampleAttempt("J1", "lr_0", 0), SampleAttempt("J1", "eval_0", 0)};
  BOOST_REQUIRE(tasks->CreateAll(rows).ok());
  auto by_token = tasks->GetByToken(rows[0].token);
  BOOST_REQUIRE(by_token.ok());
  BOOST_TEST(by_token->task_name == "lr_0");
  BOOST_TEST(tasks->GetByToken("").status().code() == StatusCode::kNotFound);
  BOOST_TEST(tasks->GetByToken("nope").status().code() == StatusCode::kNotFound);

  BOOST_TEST(*tasks->CompareAndSetStatus(rows[0].id, TASK_STATUS_WAITING, TASK_STATUS_RUNNING, 50, {}));
  BOOST_TEST(*tasks->RecordLaunch(rows[0].id, 4242, "inst-a", "/jobs/J1/x", 60));
  BOOST_TEST(!*tasks->RecordLaunch(rows[0].id, 5555, "inst-b", "/jobs/J1/y", 70));
  auto got = *tasks->GetById(rows[0].id);
  BOOST_TEST(got.pid == 4242);
  BOOST_TEST(got.launched_by == "inst-a");
  // An attempt ended before its worker was recorded does not adopt the worker.
  BOOST_TEST(*tasks->CompareAndSetStatus(rows[1].id, TASK_STATUS_WAITING, TASK_STATUS_RUNNING, 50, {}));
  BOOST_TEST(*tasks->CompareAndSetStatus(rows[1].id, TASK_STATUS_RUNNING, TASK_STATUS_CANCELED, 55, {}));
  BOOST_TEST(!*tasks->RecordLaunch(rows[1].id, 6666, "inst-a", "/jobs/J1/z", 60));
  BOOST_TEST(tasks->GetById(rows[1].id)->pid == 0);

  std::uint64_t v = got.version;
  BOOST_REQUIRE(tasks->RecordHeartbeat(rows[0].id, 90).ok());
  got = *tasks->GetById(rows[0].id);
  BOOST_TEST(got.heartbeat_ms == 90);
  BOOST_TEST(got.version == v);  // heartbeats never make a status update lose its race

  BOOST_REQUIRE(tasks->RecordExitCode(rows[0].id, 3, 95).ok());
  BOOST_TEST(*tasks->CompareAndSetFederatedStatus(rows[0].id, TASK_STATUS_WAITING, TASK_STATUS_RUNNING, 96));
  // A stale compare-and-set loses: the federated status is what was set first.
  BOOST_TEST(!*tasks->CompareAndSetFederatedStatus(rows[0].id, TASK_STATUS_WAITING, TASK_STATUS_CANCELED, 97));
  got = *tasks->GetById(rows[0].id);
  BOOST_TEST(got.exit_code == 3);
  BOOST_TEST(got.federated_status == TASK_STATUS_RUNNING);
  BOOST_TEST(tasks->ListByStatus(TASK_STATUS_RUNNING, 10)->size() == 1u);
  BOOST_TEST(tasks->ListByJob("J1")->size() == 2u);
  BOOST_TEST(tasks->Get("J1", "eval_0", 0, "guest", "9999").ok());
}

BOOST_AUTO_TEST_CASE(LedgerGrantsWithinCapacityAndDerivesFreeCores) {
  auto db = OpenFresh("ledger");
  auto alloc = orm::MakeAllocationRepository(*db);
  orm::EngineCapacityRow cap;
  cap.engine = "local";
  cap.party_id = "9999";
  cap.cores = 10;
  cap.max_running_jobs = 3;
  BOOST_REQUIRE(alloc->RegisterCapacity(cap).ok());
  cap.cores = 8;  // re-registering updates in place
  BOOST_REQUIRE(alloc->RegisterCapacity(cap).ok());
  BOOST_TEST(alloc->GetCapacity("local")->cores == 8);

  auto request = [](const std::string& job, int cores) {
    orm::AllocationRow r;
    r.job_id = job;
    r.party_id = "9999";
    r.cores = cores;
    return r;
  };
  // The repository serialises and records decisions; what to decide is the caller's (here: the
  // cores fit and the running-job limit allows).
  orm::AllocationDecider decide = [](const orm::CapacityView& v, const orm::AllocationRow& r) -> StatusOr<orm::AllocationDecision> {
    orm::AllocationDecision d;
    bool fits = r.cores <= v.free_cores && (v.max_running_jobs == 0 || v.running_jobs < v.max_running_jobs);
    d.status = fits ? ALLOCATION_STATUS_HELD : ALLOCATION_STATUS_REJECTED;
    if (!fits) d.reason = std::to_string(v.free_cores) + " of " + std::to_string(v.total_cores) + " free, " +
                          std::to_string(v.running_jobs) + " running";
    return d;
  };
  auto release = [&](const std::string& job) {
    bool any = false;
    const std::vector<orm::AllocationRow> rows = *alloc->ListByJob(job);
    for (const auto& row : rows) {
      if (row.status == ALLOCATION_STATUS_HELD) any = *alloc->CompareAndSetStatus(row.id, row.status, ALLOCATION_STATUS_RELEASED, 130, "done") || any;
    }
    return any;
  };
  auto a = alloc->RequestAndDecide("local", request("A", 5), 100, decide);
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->row.status == ALLOCATION_STATUS_HELD);
  BOOST_TEST(a->free_cores == 8);
  BOOST_TEST(a->decided_now);
  auto b = alloc->RequestAndDecide("local", request("B", 4), 110, decide);
  BOOST_TEST(b->row.status == ALLOCATION_STATUS_REJECTED);
  BOOST_TEST(b->row.reason == "3 of 8 free, 1 running");
  // A retried apply for the same run answers the same, without a new decision.
  auto a_again = alloc->RequestAndDecide("local", request("A", 5), 120, decide);
  BOOST_TEST(a_again->row.id == a->row.id);
  BOOST_TEST(a_again->row.status == ALLOCATION_STATUS_HELD);
  BOOST_TEST(!a_again->decided_now);
  std::int32_t cores = 0, rows = 0;
  std::int64_t mem = 0;
  BOOST_REQUIRE(alloc->SumHeld("9999", &cores, &mem, &rows).ok());
  BOOST_TEST(cores == 5);
  BOOST_TEST(rows == 1);
  // Refused again: the same row, counted.
  auto b_again = alloc->RequestAndDecide("local", request("B", 4), 125, decide);
  BOOST_TEST(b_again->row.id == b->row.id);
  BOOST_TEST(b_again->row.refusals == 1);

  BOOST_TEST(release("A"));
  BOOST_TEST(!release("A"));
  BOOST_TEST(alloc->ListByJob("A")->front().status == ALLOCATION_STATUS_RELEASED);
  // A released grant requested again for the same run is a new row: the ledger keeps both.
  auto a2 = alloc->RequestAndDecide("local", request("A", 5), 145, decide);
  BOOST_TEST(a2->row.status == ALLOCATION_STATUS_HELD);
  BOOST_TEST(a2->row.request_seq == 1);
  BOOST_TEST(alloc->ListByJob("A")->size() == 2u);
  BOOST_TEST(release("A"));
  // The refused job granted once capacity is free: a new row after its rejected one.
  auto b2 = alloc->RequestAndDecide("local", request("B", 4), 150, decide);
  BOOST_TEST(b2->row.status == ALLOCATION_STATUS_HELD);
  auto b_rows = *alloc->ListByJob("B");
  BOOST_REQUIRE(b_rows.size() == 2u);
  BOOST_TEST(b_rows[0].status == ALLOCATION_STATUS_REJECTED);
  BOOST_TEST(b_rows[1].status == ALLOCATION_STATUS_HELD);

  // What the decider sees: the running-job count.
  BOOST_TEST(alloc->RequestAndDecide("local", request("C", 1), 160, decide)->row.status == ALLOCATION_STATUS_HELD);
  BOOST_TEST(alloc->RequestAndDecide("local", request("D", 1), 170, decide)->row.status == ALLOCATION_STATUS_HELD);
  auto e = alloc->RequestAndDecide("local", request("E", 1), 180, decide);
  BOOST_TEST(e->row.status == ALLOCATION_STATUS_REJECTED);
  BOOST_TEST(e->running_jobs == 3);
  BOOST_TEST(alloc->ListByStatus(ALLOCATION_STATUS_HELD, 10)->size() == 3u);
  BOOST_TEST(alloc->RequestAndDecide("nope", request("F", 1), 200, decide).status().code() == StatusCode::kNotFound);
  // A decider's error is the answer, and nothing is written.
  orm::AllocationDecider broken = [](const orm::CapacityView&, const orm::AllocationRow&) -> StatusOr<orm::AllocationDecision> {
    return InternalError("no decision");
  };
  BOOST_TEST(!alloc->RequestAndDecide("local", request("G", 1), 210, broken).ok());
  BOOST_TEST(alloc->ListByJob("G")->empty());
}

BOOST_AUTO_TEST_CASE(ConcurrentGrantsNeverOvercommit) {
  auto db = OpenFresh("overcommit");
  auto alloc = orm::MakeAllocationRepository(*db);
  orm::EngineCapacityRow cap;
  cap.engine = "local";
  cap.party_id = "9999";
  cap.cores = 10;
  BOOST_REQUIRE(alloc->RegisterCapacity(cap).ok());
  std::atomic<int> held{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        orm::AllocationRow r;
        r.job_id = "J" + std::to_string(t) + "_" + std::to_string(i);
        r.party_id = "9999";
        r.cores = 1;
        auto g = alloc->RequestAndDecide("local", r, 100, [](const orm::CapacityView& v, const orm::AllocationRow& req)
                                                              -> StatusOr<orm::AllocationDecision> {
          orm::AllocationDecision d;
          d.status = req.cores <= v.free_cores ? ALLOCATION_STATUS_HELD : ALLOCATION_STATUS_REJECTED;
          return d;
        });
        if (!g.ok()) {
          errors++;
        } else if (g->row.status == ALLOCATION_STATUS_HELD) {
          held++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(held.load() == 10);
  std::int32_t cores = 0, rows = 0;
  std::int64_t mem = 0;
  BOOST_REQUIRE(alloc->SumHeld("9999", &cores, &mem, &rows).ok());
  BOOST_TEST(cores == 10);
}

BOOST_AUTO_TEST_CASE(TwoInstancesRegisteringCapacityTogetherBothSucceed) {
  // HA: two servers of one party start at once on one database; neither may fail its start.
  auto db = OpenFresh("capacity_race");
  auto alloc = orm::MakeAllocationRepository(*db);
  const int kRounds = 50;
  std::atomic<int> errors{0};
  std::barrier sync(2);
  auto starter = [&](std::int32_t cores) {
    for (int i = 0; i < kRounds; ++i) {
      orm::EngineCapacityRow cap;
      cap.engine = "engine_" + std::to_string(i);
      cap.party_id = "9999";
      cap.cores = cores;
      sync.arrive_and_wait();
      Status s = alloc->RegisterCapacity(cap);
      if (!s.ok()) {
        errors++;
        BOOST_TEST_MESSAGE(s.ToString());
      }
    }
  };
  std::thread a(starter, 4), b(starter, 8);
  a.join();
  b.join();
  BOOST_TEST(errors.load() == 0);
  for (int i = 0; i < kRounds; ++i) {
    auto got = alloc->GetCapacity("engine_" + std::to_string(i));
    BOOST_REQUIRE(got.ok());
    BOOST_TEST((got->cores == 4 || got->cores == 8));
  }
}

BOOST_AUTO_TEST_CASE(MigratesADatabaseFromSchemaVersion1) {
  // Build a version-1 database from the frozen v1 DDL, with data in it.
  auto config = FreshContractDatabase("migrate");
  BOOST_REQUIRE(config.ok());
  const std::string v1_dir = std::string(FEDFLOW_SOURCE_DIR) + "/tests/orm/schema_v1/";
  const std::string rows =
      "INSERT INTO ff_job (version, job_id, role, party_id, status, initiator_party_id, scheduler_party_id, priority,"
      " cores, memory_mb, progress, user_name, description, failure_reason, waiting_reason, plan_json, created_ms,"
      " updated_ms, start_ms, end_ms) VALUES (1, 'OLD1', 'guest', '9999', 'success', '9999', '9999', 0, 4, 0, 100,"
      " 'u', 'd', '', '', '{}', 1, 2, 3, 4);"
      "INSERT INTO ff_schedule_job (version, job_id, status, initiator_party_id, priority, progress, cancel_signal,"
      " rerun_signal, run_epoch, lease_owner, lease_until_ms, user_name, failure_reason, waiting_reason, spec_json,"
      " timeout_ms, created_ms, updated_ms, start_ms, end_ms) VALUES (1, 'OLD1', 'success', '9999', 0, 100, 0, 0,"
      " 0, '', 0, 'u', '', '', '{}', 0, 1, 2, 3, 4);";
  CreateOldDatabase(*config, v1_dir, rows);
  auto db = orm::OpenDatabase(*config);
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  BOOST_TEST((*db)->schema_version() == orm::CurrentSchemaVersion());
  auto old_job = orm::MakeJobRepository(**db)->Get("OLD1", "guest", "9999");
  BOOST_REQUIRE(old_job.ok());
  BOOST_TEST(old_job->status == JOB_STATUS_SUCCESS);
  BOOST_TEST(old_job->cores == 4);
  auto sched = orm::MakeScheduleRepository(**db);
  auto old_sched = sched->GetJob("OLD1");
  BOOST_REQUIRE(old_sched.ok());
  BOOST_TEST(old_sched->waiting_since_ms == 0);   // column added in version 2 with its default
  BOOST_TEST(old_sched->unreachable_party == "");
  BOOST_TEST(*sched->TryLeaseJob("OLD1", "a", 10, 10));  // and the migrated row is fully usable
}

BOOST_AUTO_TEST_CASE(ANonceIsAcceptedOnceEvenWhenRaced) {
  auto db = OpenFresh("nonces");
  auto nonces = orm::MakeNonceRepository(*db);
  std::atomic<int> fresh{0}, errors{0};
  std::barrier start(2);
  auto racer = [&] {
    start.arrive_and_wait();
    for (int i = 0; i < 200; ++i) {
      auto r = nonces->Remember("9999", "nonce-" + std::to_string(i), 1000 + i);
      if (!r.ok()) ++errors;
      else if (*r) ++fresh;
    }
  };
  std::thread a(racer), b(racer);
  a.join();
  b.join();
  BOOST_TEST(errors.load() == 0);
  BOOST_TEST(fresh.load() == 200);
  // The same nonce from another sender is another request.
  BOOST_TEST(*nonces->Remember("10000", "nonce-1", 1001));
  // Purge forgets expired nonces only.
  auto purged = nonces->Purge(1100);
  BOOST_REQUIRE(purged.ok());
  BOOST_TEST(*purged == 101u);  // nonce-0..99 of 9999 and nonce-1 of 10000
  BOOST_TEST(*nonces->Remember("9999", "nonce-0", 5000));
  BOOST_TEST(!*nonces->Remember("9999", "nonce-150", 5000));
}

BOOST_AUTO_TEST_CASE(PermissionsAreGrantedListedAndRevoked) {
  auto db = OpenFresh("permissions");
  auto grants = orm::MakePermissionRepository(*db);
  std::vector<orm::PermissionRow> rows{{"10000", "guest", "component", "HeteroLR", 1},
                                       {"10000", "guest", "dataset", "experiment.breast", 1},
                                       {"9998", "*", "component", "*", 1}};
  BOOST_TEST(*grants->Grant(rows) == 3u);
  BOOST_TEST(*grants->Grant(rows) == 0u);  // granting again changes nothing
  BOOST_TEST(grants->List("")->size() == 3u);
  auto of_10000 = grants->List("10000");
  BOOST_REQUIRE(of_10000.ok());
  BOOST_REQUIRE(of_10000->size() == 2u);
  BOOST_TEST((*of_10000)[0].kind == "component");
  BOOST_TEST(*grants->Revoke({rows[0]}) == 1u);
  BOOST_TEST(*grants->Revoke({rows[0]}) == 0u);
  BOOST_TEST(grants->List("10000")->size() == 1u);
}

BOOST_AUTO_TEST_CASE(MetricsAreAppendedListedAndDeletedPerTask) {
  auto db = OpenFresh("metrics");
  auto metrics = orm::MakeMetricRepository(*db);
  auto point = [](const std::string& task, int attempt, const std::string& key, const std::string& value) {
    return orm::MetricRow{"J1", "guest", "9999", task, attempt, "train", "loss", "data", key, value, 10};
  };
  BOOST_REQUIRE(metrics->Append({point("lr_0", 0, "0", "0.7"), point("lr_0", 0, "1", "0.5")}).ok());
  BOOST_REQUIRE(metrics->Append({point("lr_0", 1, "0", "0.6"), point("reader_0", 0, "count", "569")}).ok());
  orm::MetricRow meta{"J1", "guest", "9999", "lr_0", 0, "train", "loss", "meta", "", R"({"metric_type":"LOSS"})", 11};
  BOOST_REQUIRE(metrics->SetMeta(meta).ok());
  meta.value_json = R"({"metric_type":"LOSS","unit":"nats"})";
  BOOST_REQUIRE(metrics->SetMeta(meta).ok());  // replaces, never duplicates
  auto lr = metrics->List("J1", "guest", "9999", "lr_0");
  BOOST_REQUIRE(lr.ok());
  BOOST_REQUIRE(lr->size() == 4u);
  BOOST_TEST((*lr)[0].attempt == 0);
  int metas = 0;
  for (const auto& r : *lr) {
    if (r.kind == "meta") {
      ++metas;
      BOOST_TEST(r.value_json.find("nats") != std::string::npos);
    }
  }
  BOOST_TEST(metas == 1);
  BOOST_TEST((*lr)[3].attempt == 1);
  // Points keep their insertion order within a metric.
  std::vector<std::string> keys;
  for (const auto& r : *lr) {
    if (r.kind == "data" && r.attempt == 0) keys.push_back(r.key);
  }
  BOOST_TEST((keys == std::vector<std::string>{"0", "1"}));
  BOOST_TEST(metrics->List("J1", "host", "10000", "lr_0")->empty());
  BOOST_TEST(*metrics->Delete("J1", "guest", "9999", "lr_0") == 4u);
  BOOST_TEST(metrics->List("J1", "guest", "9999", "reader_0")->size() == 1u);
  BOOST_TEST(*metrics->Delete("J1", "", "", "") == 1u);  // the whole job
}

BOOST_AUTO_TEST_CASE(OutputsAreRegisteredReplacedAndForgottenWithTheirJob) {
  auto db = OpenFresh("outputs");
  auto outputs = orm::MakeOutputRepository(*db);
  orm::OutputRow data{"J1", "guest", "9999", "reader_0", 0, "data", "data", "/w/data.csv",
                      R"({"header":["id","y"]})", 569, "", "{}", 5};
  BOOST_REQUIRE(outputs->Put(data).ok());
  data.row_count = 570;
  BOOST_REQUIRE(outputs->Put(data).ok());  // same (attempt, kind, key): replaced
  orm::OutputRow model{"J1", "guest", "9999", "lr_0", 0, "model", "model", "/w/model", "", 0, "LRModel", "{}", 6};
  BOOST_REQUIRE(outputs->Put(model).ok());
  orm::OutputRow other{"J2", "host", "10000", "reader_0", 0, "data", "data", "/x", "{}", 1, "", "{}", 7};
  BOOST_REQUIRE(outputs->Put(other).ok());
  auto of_reader = outputs->List("J1", "guest", "9999", "reader_0");
  BOOST_REQUIRE(of_reader.ok());
  BOOST_REQUIRE(of_reader->size() == 1u);
  BOOST_TEST((*of_reader)[0].row_count == 570);
  BOOST_TEST((*of_reader)[0].schema_json == R"({"header":["id","y"]})");
  BOOST_TEST(outputs->List("J1", "", "", "")->size() == 2u);
  BOOST_TEST(*outputs->DeleteJob("J1") == 2u);
  BOOST_TEST(outputs->List("J1", "", "", "")->empty());
  BOOST_TEST(outputs->List("J2", "", "", "")->size() == 1u);
}

BOOST_AUTO_TEST_CASE(TablesAreCreatedOnceReplacedOnRequestAndDeleted) {
  auto db = OpenFresh("tables");
  auto tables = orm::MakeTableRepository(*db);
  orm::TableRow t;
  t.table_namespace = "experiment";
  t.table_name = "breast";
  t.engine = "file";
  t.path = "/d/a.csv";
  t.id_column = "id";
  t.row_count = 569;
  t.source = "upload";
  BOOST_REQUIRE(tables->Create(t).ok());
  Status again = tables->Create(t);
  BOOST_TEST(again.code() == StatusCode::kAlreadyExists, again.ToString());
  orm::TableRow replacement = t;
  replacement.path = "/d/b.csv";
  replacement.row_count = 3;
  auto replaced = tables->Replace(replacement);
  BOOST_REQUIRE(replaced.ok());
  BOOST_TEST(replaced->path == "/d/a.csv");
  BOOST_TEST(tables->Get("experiment", "breast")->row_count == 3);
  orm::TableRow fresh = t;
  fresh.table_name = "new";
  auto none = tables->Replace(fresh);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->engine.empty());
  orm::TableRow elsewhere = t;
  elsewhere.table_namespace = "other";
  BOOST_REQUIRE(tables->Create(elsewhere).ok());
  BOOST_TEST(tables->List("")->size() == 3u);
  auto experiment = tables->List("experiment");
  BOOST_REQUIRE(experiment->size() == 2u);
  BOOST_TEST((*experiment)[0].table_name == "breast");
  auto deleted = tables->Delete("experiment", "breast");
  BOOST_REQUIRE(deleted.ok());
  BOOST_TEST(deleted->path == "/d/b.csv");
  BOOST_TEST(tables->Get("experiment", "breast").status().code() == StatusCode::kNotFound);
  BOOST_TEST(tables->Delete("experiment", "breast").status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(MigratesADatabaseFromSchemaVersion2) {
  auto config = FreshContractDatabase("migrate2");
  BOOST_REQUIRE(config.ok());
  const std::string v2_dir = std::string(FEDFLOW_SOURCE_DIR) + "/tests/orm/schema_v2/";
  const std::string rows =
      "INSERT INTO ff_command (command_key, job_id, command, http_status, response_json, created_ms) VALUES"
      " ('9999/k1', 'OLD2', '/v2/partner/job/start', 200, '{}', 5);";
  CreateOldDatabase(*config, v2_dir, rows);
  auto db = orm::OpenDatabase(*config);
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  BOOST_TEST((*db)->schema_version() == orm::CurrentSchemaVersion());
  auto old = orm::MakeCommandRepository(**db)->Get("9999/k1");
  BOOST_REQUIRE(old.ok());
  BOOST_TEST(old->job_id == "OLD2");
  // The tables of version 3 exist and work.
  auto nonces = orm::MakeNonceRepository(**db);
  BOOST_TEST(*nonces->Remember("9999", "n1", 100));
  BOOST_TEST(!*nonces->Remember("9999", "n1", 100));
  auto grants = orm::MakePermissionRepository(**db);
  BOOST_TEST(*grants->Grant({orm::PermissionRow{"10000", "guest", "component", "HeteroLR", 1}}) == 1u);
  orm::TableRow table;
  table.table_namespace = "ns";
  table.table_name = "t";
  table.engine = "file";
  BOOST_TEST(orm::MakeTableRepository(**db)->Create(table).ok());
  BOOST_TEST(orm::MakeMetricRepository(**db)->List("J", "guest", "9999", "t")->empty());
}

BOOST_AUTO_TEST_CASE(MigratesADatabaseFromSchemaVersion3) {
  auto config = FreshContractDatabase("migrate3");
  BOOST_REQUIRE(config.ok());
  const std::string v3_dir = std::string(FEDFLOW_SOURCE_DIR) + "/tests/orm/schema_v3/";
  // A held row and a rejected one, as version 3 kept them (one row per job, party and run).
  const std::string rows =
      "INSERT INTO ff_resource_allocation (version, job_id, party_id, run_epoch, status, cores, memory_mb, reason,"
      " created_ms, updated_ms) VALUES (1, 'OLD3', '9999', 0, 'held', 2, 0, '', 5, 5),"
      " (1, 'OLD4', '9999', 0, 'rejected', 9, 0, 'too big', 6, 6);";
  CreateOldDatabase(*config, v3_dir, rows);
  auto db = orm::OpenDatabase(*config);
  BOOST_REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  BOOST_TEST((*db)->schema_version() == orm::CurrentSchemaVersion());
  auto alloc = orm::MakeAllocationRepository(**db);
  auto old = *alloc->ListByJob("OLD3");
  BOOST_REQUIRE(old.size() == 1u);
  BOOST_TEST(old[0].status == ALLOCATION_STATUS_HELD);
  BOOST_TEST(old[0].request_seq == 0);
  // The old rejected row gets its successor as the next row of the key.
  orm::EngineCapacityRow cap;
  cap.engine = "local";
  cap.party_id = "9999";
  cap.cores = 20;
  BOOST_REQUIRE(alloc->RegisterCapacity(cap).ok());
  orm::AllocationRow request;
  request.job_id = "OLD4";
  request.party_id = "9999";
  request.cores = 9;
  auto granted = alloc->RequestAndDecide("local", request, 10, [](const orm::CapacityView&, const orm::AllocationRow&)
                                                                  -> StatusOr<orm::AllocationDecision> {
    return orm::AllocationDecision{ALLOCATION_STATUS_HELD, ""};
  });
  BOOST_REQUIRE_MESSAGE(granted.ok(), granted.status().ToString());
  BOOST_TEST(granted->row.request_seq == 1);
  BOOST_TEST(alloc->ListByJob("OLD4")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(RefusesADatabaseNewerThanThisBuild) {
  orm::DbConfig config;
  auto db = OpenFresh("newer", &config);
  db.reset();
  const std::string bump = "UPDATE schema_version SET version = 999 WHERE name = ''";
  if (config.engine == "sqlite") {
    BOOST_REQUIRE(testing::SqliteExecuteScript(config.sqlite_path, bump).ok());
  } else {
    BOOST_REQUIRE(testing::MysqlExecute(config, bump).ok());
  }
  auto reopened = orm::OpenDatabase(config);
  BOOST_REQUIRE(!reopened.ok());
  BOOST_TEST(reopened.status().message().find("newer than this server") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
