// OdbScheduleRepository: the scheduler's tables through ODB.

#include "orm/schedule_repository.hpp"

#include <map>
#include <utility>

#include "base/ids.hpp"
#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::ScheduleJobRecord;
using records::ScheduleTaskPartyRecord;
using records::ScheduleTaskRecord;
using JobQ = odb::query<ScheduleJobRecord>;
using TaskQ = odb::query<ScheduleTaskRecord>;
using PartyQ = odb::query<ScheduleTaskPartyRecord>;

// Built from its first term, not `false OR ...`: SQLite does not use an index for an OR with a
// constant term, and the tick's lists would read every ended job.
template <typename Q>
Q StatusIn(const std::vector<JobStatus>& statuses) {
  if (statuses.empty()) return Q(false);
  Q any = Q::status == std::string(JobStatusName(statuses[0]));
  for (std::size_t i = 1; i < statuses.size(); ++i) any = any || Q::status == std::string(JobStatusName(statuses[i]));
  return any;
}

/// Jobs in `statuses` whose lease `owner` holds or may take, by priority then age.
template <typename Q>
Q Leasable(const std::vector<JobStatus>& statuses, const std::string& owner, std::int64_t now_ms) {
  Q free_or_mine = Q::lease_owner == owner || Q::lease_owner == std::string() || Q::lease_until_ms < now_ms;
  Q selection = (StatusIn<Q>(statuses)) && (free_or_mine);
  return selection + "ORDER BY" + Q::priority + "DESC," + Q::created_ms + "," + Q::id;
}

/// Rows of a job's latest attempts (tasks or their copies): attempt = the task's highest, by a
/// correlated subquery on the (job, task, attempt) key. Every tick of every running job reads
/// them: a cached statement.
template <typename Record>
odb::result<Record> LatestAttempts(odb::database& d, const char* name, const std::string& job_id) {
  using Q = odb::query<Record>;
  return ExecuteCached<Record, StringParam>(
      d, name,
      [](StringParam& p) {
        return (Q::job_id == Q::_ref(p.value)) + "AND" + Q::attempt +
               "= (SELECT MAX(m.attempt) FROM ff_schedule_task m WHERE m.job_id =" + Q::job_id +
               "AND m.task_name =" + Q::task_name + ") ORDER BY" + Q::id;
      },
      [&](StringParam& p) { p.value = job_id; });
}

class OdbScheduleRepository final : public ScheduleRepository {
 public:
  explicit OdbScheduleRepository(OdbDatabase& db) : db_(db) {}

  Status CreateJob(ScheduleJobRow& job, std::vector<ScheduleTaskRow>& tasks,
                   std::vector<ScheduleTaskPartyRow>& parties) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      ScheduleJobRecord r = ToRecord(job);
      d.persist(r);
      job.id = r.id;
      job.version = r.version;
      PersistTasks(d, tasks, parties);
      return Status::OK();
    });
  }

  StatusOr<ScheduleJobRow> GetJob(const std::string& job_id) override {
    ScheduleJobRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      // Read by every tick of every running job and by the API: a cached statement.
      odb::result<ScheduleJobRecord> r = ExecuteCached<ScheduleJobRecord, StringParam>(
          d, "ff_schedule_job_by_id", [](StringParam& p) { return JobQ::job_id == JobQ::_ref(p.value); },
          [&](StringParam& p) { p.value = job_id; });
      auto it = r.begin();
      if (it == r.end()) return NotFoundError("job " + job_id + " is not scheduled by this party");
      out = ToRow(*it);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<ScheduleJobRow>> ListJobsByStatus(const std::vector<JobStatus>& statuses,
                                                         std::size_t limit) override {
    return QueryJobs((StatusIn<JobQ>(statuses)) + "ORDER BY" + JobQ::priority + "DESC," + JobQ::created_ms + "," + JobQ::id,
                     limit);
  }

  StatusOr<std::vector<ScheduleJobRow>> ListLeasableJobs(const std::vector<JobStatus>& statuses,
                                                         const std::string& owner, std::int64_t now_ms,
                                                         std::size_t limit) override {
    return QueryJobs(Leasable<JobQ>(statuses, owner, now_ms), limit);
  }

  StatusOr<std::vector<std::string>> ListLeasableJobIds(const std::vector<JobStatus>& statuses,
                                                        const std::string& owner, std::int64_t now_ms,
                                                        std::size_t limit) override {
    using IdQ = odb::query<records::ScheduleJobIdView>;
    std::vector<std::string> out;
    IdQ q = Leasable<IdQ>(statuses, owner, now_ms) + ("LIMIT " + std::to_string(limit));
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<records::ScheduleJobIdView> r(d.query<records::ScheduleJobIdView>(q));
      for (const records::ScheduleJobIdView& v : r) out.push_back(v.job_id);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<ScheduleJobRow>> ListLeasableUnsynced(const std::string& owner, std::int64_t now_ms,
                                                             std::size_t limit) override {
    JobQ free_or_mine = JobQ::lease_owner == owner || JobQ::lease_owner == std::string() ||
                        JobQ::lease_until_ms < now_ms;
    JobQ selection = JobQ::end_synced == false && (free_or_mine);
    return QueryJobs(selection + "ORDER BY" + JobQ::id, limit);
  }

  StatusOr<bool> CompareAndSetJobStatus(std::uint64_t id, JobStatus from, JobStatus to, std::int64_t now_ms,
                                        const TransitionExtras& extras) override {
    bool won = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      won = ExecuteStatusCas(d, "ff_schedule_job", "status", id, JobStatusName(from), JobStatusName(to), now_ms,
                             extras) == 1;
      if (won && IsEndStatus(to)) {
        d.execute("UPDATE ff_schedule_job SET end_synced=0 WHERE id=" + std::to_string(id));
      }
      if (won && !extras.reason.empty()) {
        std::unique_ptr<ScheduleJobRecord> r(d.load<ScheduleJobRecord>(id));
        r->failure_reason = Truncate(extras.reason);
        d.update(*r);
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return won;
  }

  StatusOr<bool> TryLeaseJob(const std::string& job_id, const std::string& owner, std::int64_t now_ms,
                             std::int64_t lease_ms) override {
    if (!IsSafeIdentifier(job_id) || !IsSafeIdentifier(owner)) {
      return InvalidArgumentError("lease: job id and owner must be safe identifiers");
    }
    bool held = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      // One conditional UPDATE decides between racing instances: the lease is free, expired or ours.
      unsigned long long n = d.execute(
          "UPDATE ff_schedule_job SET lease_owner='" + owner + "', lease_until_ms=" + std::to_string(now_ms + lease_ms) +
          ", version=version+1 WHERE job_id='" + job_id + "' AND (lease_owner='" + owner +
          "' OR lease_owner='' OR lease_until_ms<" + std::to_string(now_ms) + ")");
      held = n == 1;
      return Status::OK();
    });
    if (!s.ok()) return s;
    return held;
  }

  Status ReleaseJobLease(const std::string& job_id, const std::string& owner) override {
    if (!IsSafeIdentifier(job_id) || !IsSafeIdentifier(owner)) {
      return InvalidArgumentError("lease: job id and owner must be safe identifiers");
    }
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_schedule_job SET lease_owner='', lease_until_ms=0, version=version+1 WHERE job_id='" +
                job_id + "' AND lease_owner='" + owner + "'");
      return Status::OK();
    });
  }

  Status SetJobSignals(std::uint64_t id, bool cancel_signal, bool rerun_signal, std::int64_t now_ms) override {
    return UpdateJob(id, [&](ScheduleJobRecord& r) {
      r.cancel_signal = cancel_signal;
      r.rerun_signal = rerun_signal;
      r.updated_ms = now_ms;
    });
  }

  Status UpdateJobProgress(std::uint64_t id, std::int32_t progress, std::int64_t now_ms) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_schedule_job SET progress=" + std::to_string(progress) +
                ", version=version+1, updated_ms=" + std::to_string(now_ms) + " WHERE id=" + std::to_string(id) +
                " AND progress<>" + std::to_string(progress));
      return Status::OK();
    });
  }

  Status PatchJob(std::uint64_t id, const ScheduleJobPatch& p, std::int64_t now_ms) override {
    return UpdateJob(id, [&](ScheduleJobRecord& r) {
      if (p.set_waiting_reason) r.waiting_reason = Truncate(p.waiting_reason);
      if (p.set_next_admit_ms) r.next_admit_ms = p.next_admit_ms;
      if (p.set_waiting_since_ms) r.waiting_since_ms = p.waiting_since_ms;
      if (p.set_end_synced) r.end_synced = p.end_synced;
      if (p.set_unreachable) {
        r.unreachable_party = p.unreachable_party;
        r.unreachable_since_ms = p.unreachable_since_ms;
      }
      r.updated_ms = now_ms;
    });
  }

  Status BumpRunEpoch(std::uint64_t id, std::int64_t now_ms) override {
    return UpdateJob(id, [&](ScheduleJobRecord& r) {
      r.run_epoch += 1;
      r.cancel_signal = false;
      r.rerun_signal = false;
      r.failure_reason.clear();
      r.end_ms = 0;
      r.updated_ms = now_ms;
    });
  }

  StatusOr<LatestTasks> GetLatestTasks(const std::string& job_id) override {
    LatestTasks out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<ScheduleTaskRecord> tasks = LatestAttempts<ScheduleTaskRecord>(d, "ff_schedule_task_latest", job_id);
      for (const ScheduleTaskRecord& rec : tasks) out.tasks.push_back(ToRow(rec));
      odb::result<ScheduleTaskPartyRecord> copies =
          LatestAttempts<ScheduleTaskPartyRecord>(d, "ff_schedule_task_party_latest", job_id);
      for (const ScheduleTaskPartyRecord& rec : copies) out.copies.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<ScheduleTaskRow>> ListAllTasks(const std::string& job_id) override {
    std::vector<ScheduleTaskRow> out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<ScheduleTaskRecord> r(
          d.query<ScheduleTaskRecord>((TaskQ::job_id == job_id) + "ORDER BY" + TaskQ::id));
      for (const ScheduleTaskRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status CreateAttempt(ScheduleTaskRow& task, std::vector<ScheduleTaskPartyRow>& parties) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      std::vector<ScheduleTaskRow> tasks{task};
      PersistTasks(d, tasks, parties);
      task = tasks[0];
      return Status::OK();
    });
  }

  StatusOr<bool> CompareAndSetTaskStatus(std::uint64_t id, TaskStatus from, TaskStatus to, std::int64_t now_ms,
                                         const TransitionExtras& extras) override {
    return Cas<ScheduleTaskRecord>("ff_schedule_task", id, TaskStatusName(from), TaskStatusName(to), now_ms, extras);
  }

  StatusOr<std::vector<ScheduleTaskPartyRow>> ListTaskParties(const std::string& job_id) override {
    std::vector<ScheduleTaskPartyRow> out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<ScheduleTaskPartyRecord> r(
          d.query<ScheduleTaskPartyRecord>((PartyQ::job_id == job_id) + "ORDER BY" + PartyQ::id));
      for (const ScheduleTaskPartyRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  Status RecordPartyReport(std::uint64_t id, std::int32_t progress, std::int64_t sent_bytes, std::int64_t sent_messages,
                           std::int64_t received_bytes, std::int64_t received_messages) override {
    // No version bump: a poll's numbers must not make a concurrent status change lose its race.
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_schedule_task_party SET progress=" + std::to_string(progress) +
                ", sent_bytes=" + std::to_string(sent_bytes) + ", sent_messages=" + std::to_string(sent_messages) +
                ", received_bytes=" + std::to_string(received_bytes) +
                ", received_messages=" + std::to_string(received_messages) + " WHERE id=" + std::to_string(id));
      return Status::OK();
    });
  }

  StatusOr<bool> CompareAndSetPartyStatus(std::uint64_t id, TaskStatus from, TaskStatus to, std::int64_t now_ms,
                                          const TransitionExtras& extras) override {
    return Cas<ScheduleTaskPartyRecord>("ff_schedule_task_party", id, TaskStatusName(from), TaskStatusName(to),
                                        now_ms, extras);
  }

  Status DeleteJob(const std::string& job_id) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      if (d.erase_query<ScheduleJobRecord>(JobQ::job_id == job_id) == 0) {
        return NotFoundError("job " + job_id + " is not scheduled by this party");
      }
      d.erase_query<ScheduleTaskRecord>(TaskQ::job_id == job_id);
      d.erase_query<ScheduleTaskPartyRecord>(PartyQ::job_id == job_id);
      return Status::OK();
    });
  }

 private:
  static void PersistTasks(odb::database& d, std::vector<ScheduleTaskRow>& tasks,
                           std::vector<ScheduleTaskPartyRow>& parties) {
    for (ScheduleTaskRow& t : tasks) {
      ScheduleTaskRecord r = ToRecord(t);
      d.persist(r);
      t.id = r.id;
      t.version = r.version;
    }
    for (ScheduleTaskPartyRow& p : parties) {
      ScheduleTaskPartyRecord r = ToRecord(p);
      d.persist(r);
      p.id = r.id;
      p.version = r.version;
    }
  }

  template <typename Record>
  StatusOr<bool> Cas(const char* table, std::uint64_t id, const char* from, const char* to, std::int64_t now_ms,
                     const TransitionExtras& extras) {
    bool won = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      won = ExecuteStatusCas(d, table, "status", id, from, to, now_ms, extras) == 1;
      if (won && !extras.reason.empty()) {
        std::unique_ptr<Record> r(d.load<Record>(id));
        r->failure_reason = Truncate(extras.reason);
        d.update(*r);
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return won;
  }

  template <typename Fn>
  Status UpdateJob(std::uint64_t id, Fn&& change) {
    return RetryOnAborted([&] {
      return RunTransaction(db_, true, [&](odb::database& d) {
        std::unique_ptr<ScheduleJobRecord> r(d.find<ScheduleJobRecord>(id));
        if (!r) return NotFoundError("scheduled job row " + std::to_string(id) + " not found");
        change(*r);
        d.update(*r);
        return Status::OK();
      });
    });
  }

  StatusOr<std::vector<ScheduleJobRow>> QueryJobs(const JobQ& q, std::size_t limit) {
    std::vector<ScheduleJobRow> out;
    JobQ paged = q + ("LIMIT " + std::to_string(limit));
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<ScheduleJobRecord> r(d.query<ScheduleJobRecord>(paged));
      for (const ScheduleJobRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<ScheduleRepository> MakeScheduleRepository(Database& db) {
  return std::unique_ptr<ScheduleRepository>(new OdbScheduleRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
