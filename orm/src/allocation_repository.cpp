// OdbAllocationRepository: the resource ledger and engine capacity through ODB.

#include "orm/allocation_repository.hpp"

#include "base/ids.hpp"
#include "orm/src/mapping.hpp"
#include "orm/src/odb_database.hpp"
#include "proto/status_names.hpp"

namespace fedflow {
namespace orm {
namespace {

using records::AllocationRecord;
using records::AllocationTotalsView;
using records::EngineCapacityRecord;
using AllocQ = odb::query<AllocationRecord>;
using TotalsQ = odb::query<AllocationTotalsView>;

const std::string kHeld = "held";

class OdbAllocationRepository final : public AllocationRepository {
 public:
  explicit OdbAllocationRepository(OdbDatabase& db) : db_(db) {}

  Status RegisterCapacity(const EngineCapacityRow& row) override {
    if (!IsSafeIdentifier(row.engine, 64)) return InvalidArgumentError("engine name must be a safe identifier");
    return RunUpsert(db_, [&](odb::database& d) {
      EngineCapacityRecord r = ToRecord(row);
      std::unique_ptr<EngineCapacityRecord> existing(d.find<EngineCapacityRecord>(row.engine));
      if (existing) {
        d.update(r);
      } else {
        d.persist(r);
      }
      return Status::OK();
    });
  }

  StatusOr<EngineCapacityRow> GetCapacity(const std::string& engine) override {
    EngineCapacityRow out;
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      std::unique_ptr<EngineCapacityRecord> r(d.find<EngineCapacityRecord>(engine));
      if (!r) return NotFoundError("engine '" + engine + "' has no registered capacity");
      out = ToRow(*r);
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  StatusOr<GrantResult> RequestAndDecide(const std::string& engine, AllocationRow request, std::int64_t now_ms,
                                         const AllocationDecider& decide) override {
    if (!IsSafeIdentifier(engine, 64)) return InvalidArgumentError("engine name must be a safe identifier");
    GrantResult result;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      // Serialise grants: SQLite already holds the write lock (BEGIN IMMEDIATE); on MySQL this
      // UPDATE takes the capacity row's exclusive lock until commit.
      d.execute("UPDATE ff_engine_capacity SET updated_ms=updated_ms WHERE engine='" + engine + "'");
      std::unique_ptr<EngineCapacityRecord> cap(d.find<EngineCapacityRecord>(engine));
      if (!cap) return NotFoundError("engine '" + engine + "' has no registered capacity");

      odb::result<AllocationRecord> rows(d.query<AllocationRecord>(
          (AllocQ::job_id == request.job_id && AllocQ::party_id == request.party_id &&
           AllocQ::run_epoch == request.run_epoch) +
          "ORDER BY" + AllocQ::request_seq + "DESC LIMIT 1"));
      std::unique_ptr<AllocationRecord> latest;
      for (const AllocationRecord& r : rows) latest.reset(new AllocationRecord(r));
      if (latest && latest->status == kHeld) {
        // Already granted for this run (a retried apply): answer the same.
        result.row = ToRow(*latest);
        return Status::OK();
      }

      AllocationTotalsView held = Totals(d, request.party_id);
      CapacityView view;
      view.total_cores = cap->cores;
      view.free_cores = cap->cores - static_cast<std::int32_t>(held.cores);
      view.total_memory_mb = cap->memory_mb;
      view.free_memory_mb = cap->memory_mb - held.memory_mb;
      view.max_running_jobs = cap->max_running_jobs;
      view.running_jobs = static_cast<std::int32_t>(held.rows);
      result.free_cores = view.free_cores;
      result.free_memory_mb = view.free_memory_mb;
      result.running_jobs = view.running_jobs;
      StatusOr<AllocationDecision> decision = decide(view, request);
      if (!decision.ok()) return decision.status();

      if (decision->status == ALLOCATION_STATUS_REJECTED && latest && latest->status == "rejected") {
        // Refused again: the same row counts it, so a job waiting in the queue is one row.
        latest->reason = Truncate(decision->reason);
        latest->refusals += 1;
        latest->updated_ms = now_ms;
        d.update(*latest);
        result.row = ToRow(*latest);
        return Status::OK();
      }
      AllocationRecord r = ToRecord(request);
      r.id = 0;
      r.status = AllocationStatusName(ALLOCATION_STATUS_REQUESTED);  // new row
      r.request_seq = latest ? latest->request_seq + 1 : 0;
      r.refusals = 0;
      r.created_ms = now_ms;
      r.updated_ms = now_ms;
      r.reason.clear();
      d.persist(r);
      TransitionExtras none;
      if (ExecuteStatusCas(d, "ff_resource_allocation", "status", r.id, AllocationStatusName(ALLOCATION_STATUS_REQUESTED),
                           AllocationStatusName(decision->status), now_ms, none) != 1) {
        return InternalError("the new ledger row of job " + request.job_id + " changed under its own transaction");
      }
      std::unique_ptr<AllocationRecord> decided(d.load<AllocationRecord>(r.id));
      if (!decision->reason.empty()) {
        decided->reason = Truncate(decision->reason);
        d.update(*decided);
      }
      result.row = ToRow(*decided);
      result.decided_now = true;
      return Status::OK();
    });
    if (!s.ok()) return s;
    return result;
  }

  StatusOr<std::vector<AllocationRow>> ListByJob(const std::string& job_id) override {
    return QueryMany((AllocQ::job_id == job_id) + "ORDER BY" + AllocQ::id, 10000);
  }

  StatusOr<std::vector<AllocationRow>> ListByStatus(AllocationStatus status, std::size_t limit) override {
    return QueryMany((AllocQ::status == std::string(AllocationStatusName(status))) + "ORDER BY" + AllocQ::id, limit);
  }

  Status SumHeld(const std::string& party_id, std::int32_t* cores, std::int64_t* memory_mb,
                 std::int32_t* rows) override {
    return RunTransaction(db_, false, [&](odb::database& d) {
      AllocationTotalsView t = Totals(d, party_id);
      *cores = static_cast<std::int32_t>(t.cores);
      *memory_mb = t.memory_mb;
      *rows = static_cast<std::int32_t>(t.rows);
      return Status::OK();
    });
  }

  StatusOr<bool> CompareAndSetStatus(std::uint64_t id, AllocationStatus from, AllocationStatus to,
                                     std::int64_t now_ms, const std::string& reason) override {
    bool won = false;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      TransitionExtras none;
      won = ExecuteStatusCas(d, "ff_resource_allocation", "status", id, AllocationStatusName(from),
                             AllocationStatusName(to), now_ms, none) == 1;
      if (won && !reason.empty()) {
        std::unique_ptr<AllocationRecord> r(d.load<AllocationRecord>(id));
        r->reason = Truncate(reason);
        d.update(*r);
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
    return won;
  }

  StatusOr<std::size_t> DeleteJob(const std::string& job_id) override {
    std::size_t n = 0;
    Status s = RunTransaction(db_, true, [&](odb::database& d) {
      std::unique_ptr<AllocationRecord> held(d.query_one<AllocationRecord>(AllocQ::job_id == job_id && AllocQ::status == kHeld));
      if (held) return FailedPreconditionError("job " + job_id + " still holds resources here");
      n = static_cast<std::size_t>(d.erase_query<AllocationRecord>(AllocQ::job_id == job_id));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return n;
  }

 private:
  static AllocationTotalsView Totals(odb::database& d, const std::string& party_id) {
    AllocationTotalsView out;
    odb::result<AllocationTotalsView> r(
        d.query<AllocationTotalsView>(TotalsQ(AllocQ::party_id == party_id && AllocQ::status == kHeld)));
    for (const AllocationTotalsView& v : r) out = v;
    return out;
  }

  StatusOr<std::vector<AllocationRow>> QueryMany(const AllocQ& q, std::size_t limit) {
    std::vector<AllocationRow> out;
    AllocQ paged = q + ("LIMIT " + std::to_string(limit));
    Status s = RunTransaction(db_, false, [&](odb::database& d) {
      odb::result<AllocationRecord> r(d.query<AllocationRecord>(paged));
      for (const AllocationRecord& rec : r) out.push_back(ToRow(rec));
      return Status::OK();
    });
    if (!s.ok()) return s;
    return out;
  }

  OdbDatabase& db_;
};

}  // namespace

std::unique_ptr<AllocationRepository> MakeAllocationRepository(Database& db) {
  return std::unique_ptr<AllocationRepository>(new OdbAllocationRepository(Unwrap(db)));
}

}  // namespace orm
}  // namespace fedflow
