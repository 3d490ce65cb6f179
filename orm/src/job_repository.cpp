// OdbJobRepository: ff_job through ODB.

#include "orm/job_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::JobCountView;
using records::JobRecord;
using JobQuery = odb::query<JobRecord>;

JobQuery FilterQuery(const JobFilter& f) {
  JobQuery q(true);
  if (!f.job_id.empty()) q = q && JobQuery::job_id == f.job_id;
  if (!f.role.empty()) q = q && JobQuery::role == f.role;
  if (!f.party_id.empty()) q = q && JobQuery::party_id == f.party_id;
  if (!f.statuses.empty()) {
    JobQuery any(false);
    for (JobStatus s : f.statuses) any = any || JobQuery::status == std::string(JobStatusName(s));
    q = q && (any);
  }
  return q;
}

class OdbJobRepository final : public JobRepository {
 public:
  explicit OdbJobRepository(OdbDatabase& db) : db_(db) {}

  Status Create(JobRow& row) override {
    std::vector<JobRow> rows{row};
    Status s = CreateAll(rows);
    if (s.ok()) row = rows[0];
    return s;
  }

  Status CreateAll(std::vector<JobRow>& rows) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      for (JobRow& row : rows) {
        JobRecord r = ToRecord(row);
        d.persist(r);
        row.id = r.id;
        row.version = r.version;
      }
      return Status::OK();
    });
  }

  StatusOr<JobRow> Get(const std::string& job_id, const std::string& role, const std::string& party_id) override {
    JobRow out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      std::unique_ptr<JobRecord> r(d.query_one<JobRecord>(JobQuery::job_id == job_id && JobQuery::role == role &&
                                                           JobQuery::party_id == party_id));
      if (!r) return NotFoundError("job " + job_id + " has no row for " + role + ":" + party_id);
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<std::vector<JobRow>> ListByJob(const std::string& job_id) override {
    JobFilter f;
    f.job_id = job_id;
    f.limit = 1000;
    return Query(FilterQuery(f) + "ORDER BY" + JobQuery::role + "," + JobQuery::party_id, 0, 1000);
  }

  StatusOr<std::vector<JobRow>> ListByStatus(JobStatus status, std::size_t limit) override {
    return Query((JobQuery::status == std::string(JobStatusName(status))) + "ORDER BY" + JobQuery::created_ms +
                     "," + JobQuery::id,
                 0, limit);
  }

  StatusOr<std::vector<JobRow>> List(const JobFilter& filter) override {
    JobQuery order = filter.newest_first
                         ? JobQuery("ORDER BY") + JobQuery::created_ms + "DESC," + JobQuery::id + "DESC"
                         : JobQuery("ORDER BY") + JobQuery::created_ms + "," + JobQuery::id;
    return Query(FilterQuery(filter) + order, filter.offset, filter.limit);
  }

  StatusOr<std::size_t> Count(const JobFilter& filter) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<JobCountView> r(d.query<JobCountView>(odb::query<JobCountView>(FilterQuery(filter))));
      for (const JobCountView& v : r) n = static_cast<std::size_t>(v.count);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

  StatusOr<bool> CompareAndSetStatus(std::uint64_t id, JobStatus from, JobStatus to, std::int64_t now_ms,
                                     const TransitionExtras& extras) override {
    bool won = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      won = ExecuteStatusCas(d, "ff_job", "status", id, JobStatusName(from), JobStatusName(to), now_ms, extras) == 1;
      if (won && !extras.reason.empty()) {
        std::unique_ptr<JobRecord> r(d.load<JobRecord>(id));
        r->failure_reason = Truncate(extras.reason);
        d.update(*r);
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return won;
  }

  Status UpdateProgress(std::uint64_t id, std::int32_t progress, std::int64_t now_ms) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      d.execute("UPDATE ff_job SET progress=" + std::to_string(progress) + ", version=version+1, updated_ms=" +
                std::to_string(now_ms) + " WHERE id=" + std::to_string(id) +
                " AND progress<" + std::to_string(progress));
      return Status::OK();
    });
  }

  Status SetWaitingReason(std::uint64_t id, const std::string& reason, std::int64_t now_ms) override {
    return RunTransaction(db_, true, [&](odb::database& d) {
      std::unique_ptr<JobRecord> r(d.find<JobRecord>(id));
      if (!r) return NotFoundError("job row " + std::to_string(id) + " not found");
      if (r->waiting_reason == reason) return Status::OK();
      r->waiting_reason = Truncate(reason);
      r->updated_ms = now_ms;
      d.update(*r);
      return Status::OK();
    });
  }

  Status SetDescription(std::uint64_t id, const std::string& description, std::int64_t now_ms) override {
    return RetryOnAborted([&] {
      return RunTransaction(db_, true, [&](odb::database& d) {
        std::unique_ptr<JobRecord> r(d.find<JobRecord>(id));
        if (!r) return NotFoundError("job row " + std::to_string(id) + " not found");
        r->description = Truncate(description);
        r->updated_ms = now_ms;
        d.update(*r);
        return Status::OK();
      });
    });
  }

  StatusOr<std::size_t> DeleteJob(const std::string& job_id) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      n = static_cast<std::size_t>(d.erase_query<JobRecord>(JobQuery::job_id == job_id));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  StatusOr<std::vector<JobRow>> Query(const JobQuery& q, std::size_t offset, std::size_t limit) {
    std::vector<JobRow> out;
    JobQuery paged = q + ("LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset));
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<JobRecord> r(d.query<JobRecord>(paged));
      for (const JobRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<JobRepository> MakeJobRepository(Database& db) {
  return std::unique_ptr<JobRepository>(new OdbJobRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
