// OdbTaskRepository: task attempts at this party (ff_task) through ODB.

#include "orm/task_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::TaskAttemptRecord;
using TaskQ = odb::query<TaskAttemptRecord>;

class OdbTaskRepository final : public TaskRepository {
 public:
  explicit OdbTaskRepository(OdbDatabase& db) : db_(db) {}

  Status Create(TaskAttemptRow& row) override {
    std::vector<TaskAttemptRow> rows{row};
    Status s = CreateAll(rows);
    if (s.ok()) row = rows[0];
    return s;
  }

  Status CreateAll(std::vector<TaskAttemptRow>& rows) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      for (TaskAttemptRow& row : rows) {
        TaskAttemptRecord r = ToRecord(row);
        d.persist(r);
        row.id = r.id;
        row.version = r.version;
      }
      return Status::OK();
    });
  }

  StatusOr<TaskAttemptRow> Get(const std::string& job_id, const std::string& task_name, std::int32_t attempt,
                               const std::string& role, const std::string& party_id) override {
    return QueryOne(TaskQ::job_id == job_id && TaskQ::task_name == task_name && TaskQ::attempt == attempt &&
                        TaskQ::role == role && TaskQ::party_id == party_id,
                    "task " + task_name + " attempt " + std::to_string(attempt) + " of job " + job_id + " for " +
                        role + ":" + party_id);
  }

  StatusOr<TaskAttemptRow> GetById(std::uint64_t id) override {
    TaskAttemptRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      std::unique_ptr<TaskAttemptRecord> r(d.find<TaskAttemptRecord>(id));  // ODB's cached find statement
      if (!r) return NotFoundError("task attempt row " + std::to_string(id) + " not found");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<TaskAttemptRow> GetByToken(const std::string& token) override {
    if (token.empty()) return NotFoundError("empty worker token");
    // Every worker report looks its attempt up by token: a cached statement.
    TaskAttemptRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<TaskAttemptRecord> r = ExecuteCached<TaskAttemptRecord, StringParam>(
          d, "ff_task_by_token", [](StringParam& p) { return TaskQ::token == TaskQ::_ref(p.value); },
          [&](StringParam& p) { p.value = token; });
      auto it = r.begin();
      if (it == r.end()) return NotFoundError("task attempt for this worker token not found");
      out = ToRow(*it);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<TaskAttemptRow>> ListByJob(const std::string& job_id) override {
    // The hottest query of a party (start, status, stop, launch inputs): a cached statement.
    std::vector<TaskAttemptRow> out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<TaskAttemptRecord> r = ExecuteCached<TaskAttemptRecord, StringParam>(
          d, "ff_task_by_job", [](StringParam& p) { return (TaskQ::job_id == TaskQ::_ref(p.value)) + "ORDER BY" + TaskQ::id; },
          [&](StringParam& p) { p.value = job_id; });
      for (const TaskAttemptRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<TaskAttemptRow>> ListByStatus(TaskStatus status, std::size_t limit) override {
    return QueryMany((TaskQ::status == std::string(TaskStatusName(status))) + "ORDER BY" + TaskQ::id, limit);
  }

  StatusOr<bool> CompareAndSetStatus(std::uint64_t id, TaskStatus from, TaskStatus to, std::int64_t now_ms,
                                     const TransitionExtras& extras) override {
    bool won = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      won = ExecuteStatusCas(d, "ff_task", "status", id, TaskStatusName(from), TaskStatusName(to), now_ms, extras) ==
            1;
      if (won && !extras.reason.empty()) {
        std::unique_ptr<TaskAttemptRecord> r(d.load<TaskAttemptRecord>(id));
        r->failure_reason = Truncate(extras.reason);
        d.update(*r);
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return won;
  }

  StatusOr<bool> RecordLaunch(std::uint64_t id, std::int64_t pid, const std::string& launched_by,
                              const std::string& workdir, std::int64_t now_ms) override {
    bool recorded = false;
    Status s = RetryOnAborted([&] {
      return RunTransaction(db_, true, [&](odb::database& d) {
        std::unique_ptr<TaskAttemptRecord> r(d.find<TaskAttemptRecord>(id));
        if (!r) return NotFoundError("task attempt row " + std::to_string(id) + " not found");
        // An attempt stopped between its start and this record must not adopt a worker: the
        // caller kills it instead, since the stop found no pid to kill.
        recorded = r->pid == 0 && r->status == TaskStatusName(TASK_STATUS_RUNNING);
        if (!recorded) return Status::OK();
        r->pid = pid;
        r->launched_by = launched_by;
        r->workdir = workdir;
        r->heartbeat_ms = now_ms;
        r->updated_ms = now_ms;
        d.update(*r);
        return Status::OK();
      });
    });
    if (!s.ok()) return s;
    return recorded;
  }

  Status RecordHeartbeat(std::uint64_t id, std::int64_t now_ms) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      // No version bump: heartbeats must not make concurrent status updates lose their race.
      d.execute("UPDATE ff_task SET heartbeat_ms=" + std::to_string(now_ms) + " WHERE id=" + std::to_string(id));
      return Status::OK();
    });
  }

  // Progress and traffic bump no version either, for the same reason as heartbeats.
  Status RecordProgress(std::uint64_t id, std::int32_t progress) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_task SET progress=" + std::to_string(progress) + " WHERE id=" + std::to_string(id) +
                " AND progress<" + std::to_string(progress));
      return Status::OK();
    });
  }

  Status AddTraffic(std::uint64_t id, std::int64_t sent_bytes, std::int64_t sent_messages, std::int64_t received_bytes,
                    std::int64_t received_messages) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_task SET sent_bytes=sent_bytes+" + std::to_string(sent_bytes) +
                ", sent_messages=sent_messages+" + std::to_string(sent_messages) +
                ", received_bytes=received_bytes+" + std::to_string(received_bytes) +
                ", received_messages=received_messages+" + std::to_string(received_messages) +
                " WHERE id=" + std::to_string(id));
      return Status::OK();
    });
  }

  Status RecordExitCode(std::uint64_t id, std::int32_t exit_code, std::int64_t now_ms) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_task SET exit_code=" + std::to_string(exit_code) + ", version=version+1, updated_ms=" +
                std::to_string(now_ms) + " WHERE id=" + std::to_string(id));
      return Status::OK();
    });
  }

  StatusOr<bool> CompareAndSetFederatedStatus(std::uint64_t id, TaskStatus from, TaskStatus to,
                                              std::int64_t now_ms) override {
    bool won = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      TransitionExtras none;
      won = ExecuteStatusCas(d, "ff_task", "federated_status", id, TaskStatusName(from), TaskStatusName(to), now_ms,
                             none) == 1;
      return Status::OK();
    });
    if (!s.ok()) return s;
    return won;
  }

  StatusOr<std::size_t> DeleteJob(const std::string& job_id) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      n = static_cast<std::size_t>(d.erase_query<TaskAttemptRecord>(TaskQ::job_id == job_id));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  StatusOr<TaskAttemptRow> QueryOne(const TaskQ& q, const std::string& what) {
    TaskAttemptRow out;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      std::unique_ptr<TaskAttemptRecord> r(d.query_one<TaskAttemptRecord>(q));
      if (!r) return NotFoundError(what + " not found");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<TaskAttemptRow>> QueryMany(const TaskQ& q, std::size_t limit) {
    std::vector<TaskAttemptRow> out;
    TaskQ paged = q + ("LIMIT " + std::to_string(limit));
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<TaskAttemptRecord> r(d.query<TaskAttemptRecord>(paged));
      for (const TaskAttemptRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<TaskRepository> MakeTaskRepository(Database& db) {
  return std::unique_ptr<TaskRepository>(new OdbTaskRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
