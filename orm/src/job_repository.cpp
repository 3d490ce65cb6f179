// OdbJobRepository: ff_job through ODB.

#include "orm/job_repository.hpp"

#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::JobCountView;
using records::JobIdView;
using records::JobRecord;
using JobQuery = odb::query<JobRecord>;

// Filter queries are prepared once per connection and cached: one statement per filter shape
// (which fields are set, how many statuses, whether a keyset cursor is given, which order) and,
// for lists, limit. Values are bound by reference. The dynamic multi-database query cannot bind
// LIMIT/OFFSET, so only pages without an offset (job query, a job's rows, the scheduler's status
// scans, keyset pages) use the cache. A page with an offset finds its ids in an index first (the
// rows skipped are index entries, not rows with their plans), then reads only its own rows.
const std::size_t kMaxCachedStatuses = 8;
enum class JobOrder { kNewestFirst = 0, kOldestFirst = 1, kByParty = 2 };

/// A filter's values, bound by reference into its query (cached or once-off).
struct JobFilterParams {
  std::string job_id, role, party_id;
  std::string text_pattern;  ///< LIKE pattern of JobFilter::text, '!' escaping its wildcards
  std::vector<std::string> statuses;  ///< sized by BoundFilter, never resized after binding
  std::int64_t after_created_ms = 0;
  std::uint64_t after_id = 0;
};

/// The statement name of a filter's shape, or nullptr when it is not cached.
const char* CachedName(bool count, const JobFilter& f, JobOrder order) {
  if (f.statuses.size() > kMaxCachedStatuses || (!count && f.offset != 0)) return nullptr;
  std::size_t shape = (f.job_id.empty() ? 0 : 1) | (f.role.empty() ? 0 : 2) | (f.party_id.empty() ? 0 : 4) |
                      (f.after_id == 0 ? 0 : 8) | (f.text.empty() ? 0 : 16);
  shape += 32 * f.statuses.size() + 32 * (kMaxCachedStatuses + 1) * static_cast<std::size_t>(order);
  return StatementName(std::string(count ? "ff_job_count_" : "ff_job_list_") + std::to_string(shape) +
                       (count ? "" : "_" + std::to_string(f.limit)));
}

template <typename Q>
Q BoundFilter(const JobFilter& shape, JobFilterParams& p, JobOrder order = JobOrder::kNewestFirst) {
  p.statuses.resize(shape.statuses.size());
  Q q(true);
  if (!shape.job_id.empty()) q = q && Q::job_id == Q::_ref(p.job_id);
  if (!shape.role.empty()) q = q && Q::role == Q::_ref(p.role);
  if (!shape.party_id.empty()) q = q && Q::party_id == Q::_ref(p.party_id);
  if (!shape.text.empty()) {
    q = q && (Q::job_id.like(Q::_ref(p.text_pattern), "!") || Q::description.like(Q::_ref(p.text_pattern), "!"));
  }
  if (!shape.statuses.empty()) {
    // From the first term, not `false OR ...`, which keeps SQLite from using the status index.
    Q any = Q::status == Q::_ref(p.statuses[0]);
    for (std::size_t i = 1; i < shape.statuses.size(); ++i) any = any || Q::status == Q::_ref(p.statuses[i]);
    q = q && (any);
  }
  if (shape.after_id != 0 && order != JobOrder::kByParty) {
    // Strictly after the cursor in the list's order (created_ms, id), both descending or both ascending.
    Q after = order == JobOrder::kNewestFirst
                  ? Q::created_ms < Q::_ref(p.after_created_ms) ||
                        (Q::created_ms == Q::_ref(p.after_created_ms) && Q::id < Q::_ref(p.after_id))
                  : Q::created_ms > Q::_ref(p.after_created_ms) ||
                        (Q::created_ms == Q::_ref(p.after_created_ms) && Q::id > Q::_ref(p.after_id));
    q = q && (after);
  }
  return q;
}

/// Sets the values of a query built by BoundFilter for the same filter shape.
void FillFilter(const JobFilter& f, JobFilterParams& p) {
  p.job_id = f.job_id;
  p.role = f.role;
  p.party_id = f.party_id;
  p.text_pattern = "%";
  for (char c : f.text) {
    if (c == '%' || c == '_' || c == '!') p.text_pattern += '!';
    p.text_pattern += c;
  }
  p.text_pattern += "%";
  for (std::size_t i = 0; i < f.statuses.size(); ++i) p.statuses[i] = JobStatusName(f.statuses[i]);
  p.after_created_ms = f.after_created_ms;
  p.after_id = f.after_id;
}

template <typename Q>
Q OrderClause(JobOrder order) {
  switch (order) {
    case JobOrder::kNewestFirst:
      return Q("ORDER BY") + Q::created_ms + "DESC," + Q::id + "DESC";
    case JobOrder::kOldestFirst:
      return Q("ORDER BY") + Q::created_ms + "," + Q::id;
    case JobOrder::kByParty:
      break;
  }
  return Q("ORDER BY") + Q::role + "," + Q::party_id;
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
    Status s = RunSingleRead(db_, [&](odb::database& d) {
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
    return List(f, JobOrder::kByParty);
  }

  StatusOr<std::vector<JobRow>> ListByStatus(JobStatus status, std::size_t limit) override {
    JobFilter f;
    f.statuses = {status};
    f.limit = limit;
    return List(f, JobOrder::kOldestFirst);
  }

  StatusOr<std::vector<JobRow>> List(const JobFilter& filter) override {
    return List(filter, filter.newest_first ? JobOrder::kNewestFirst : JobOrder::kOldestFirst);
  }

  StatusOr<std::size_t> Count(const JobFilter& filter) override {
    using CountQuery = odb::query<JobCountView>;
    // The count is of the whole selection, wherever a keyset page starts.
    JobFilter all = filter;
    all.after_id = 0;
    all.after_created_ms = 0;
    std::size_t n = 0;
    const char* name = CachedName(true, all, JobOrder::kNewestFirst);
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      JobFilterParams once;  // the once-off query's values: bound by reference, outlive the result
      odb::result<JobCountView> r;
      if (name) {
        r = ExecuteCached<JobCountView, JobFilterParams>(
            d, name, [&](JobFilterParams& p) { return BoundFilter<CountQuery>(all, p); },
            [&](JobFilterParams& p) { FillFilter(all, p); });
      } else {
        CountQuery q = BoundFilter<CountQuery>(all, once);
        FillFilter(all, once);
        r = d.query<JobCountView>(q);
      }
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
  StatusOr<std::vector<JobRow>> List(const JobFilter& filter, JobOrder order) {
    if (filter.offset != 0) return ListPage(filter, order);
    std::vector<JobRow> out;
    const std::string limit = "LIMIT " + std::to_string(filter.limit);
    const char* name = CachedName(false, filter, order);
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      JobFilterParams once;  // the once-off query's values: bound by reference, outlive the result
      odb::result<JobRecord> r;
      if (name) {
        r = ExecuteCached<JobRecord, JobFilterParams>(
            d, name,
            [&](JobFilterParams& p) {
              return BoundFilter<JobQuery>(filter, p, order) + OrderClause<JobQuery>(order) + limit;
            },
            [&](JobFilterParams& p) { FillFilter(filter, p); });
      } else {
        JobQuery q = BoundFilter<JobQuery>(filter, once, order) + OrderClause<JobQuery>(order) + limit;
        FillFilter(filter, once);
        r = d.query<JobRecord>(q);
      }
      for (const JobRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  // A page behind an offset: its ids are found in an index first (the rows it skips are index
  // entries, not rows with their plans), then only its own rows are read. Two autocommit reads: a
  // job deleted in between leaves the page one row short, never shows a wrong row. (One statement
  // with the ids in a subquery made MariaDB read the whole table.)
  StatusOr<std::vector<JobRow>> ListPage(const JobFilter& filter, JobOrder order) {
    using IdQuery = odb::query<JobIdView>;
    const std::string limit = "LIMIT " + std::to_string(filter.limit) + " OFFSET " + std::to_string(filter.offset);
    std::vector<std::uint64_t> ids;
    Status s = RunSingleRead(db_, [&](odb::database& d) {
      JobFilterParams once;
      IdQuery q = BoundFilter<IdQuery>(filter, once, order) + OrderClause<IdQuery>(order) + limit;
      FillFilter(filter, once);
      odb::result<JobIdView> page(d.query<JobIdView>(q));
      for (const JobIdView& v : page) ids.push_back(v.id);
      return Status::OK();
    });
    if (!s.ok()) return s;
    std::vector<JobRow> out;
    if (ids.empty()) return out;
    s = RunSingleRead(db_, [&](odb::database& d) {
      odb::result<JobRecord> rows(
          d.query<JobRecord>(JobQuery::id.in_range(ids.begin(), ids.end()) + OrderClause<JobQuery>(order)));
      for (const JobRecord& rec : rows) out.push_back(ToRow(rec));
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
